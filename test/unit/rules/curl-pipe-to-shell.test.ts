import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/curl-pipe-to-shell';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    {
      name: 'download, verify, run',
      code: 'FROM debian:12\nRUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\\n    && echo "abc123  /tmp/install.sh" | sha256sum -c - \\\n    && sh /tmp/install.sh\n',
    },
    {
      name: 'piped into an unpacker',
      code: 'FROM debian:12\nRUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /usr/local/bin\n',
    },
    {
      name: 'piped into gpg',
      code: 'FROM debian:12\nRUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg\n',
    },
    {
      name: 'curl saves to a file, so the pipe carries nothing',
      code: 'FROM debian:12\nRUN curl -fsSLo /tmp/x https://example.com/x | sh\n',
    },
    { name: 'wget without -O - writes a file', code: 'FROM debian:12\nRUN wget -q https://example.com/x.sh | sh\n' },
    {
      name: 'the shell runs its own code, stdin is data',
      code: "FROM debian:12\nRUN curl -fsSL https://example.com/list | sh -c 'cat > /etc/list'\n",
    },
    {
      name: 'the shell runs a file',
      code: 'FROM debian:12\nRUN curl -fsSL https://example.com/data | bash /usr/local/bin/import.sh\n',
    },
    {
      name: 'python reads JSON from curl',
      code: 'FROM python:3.12\nRUN curl -s https://example.com/v.json | python3 -c "import json,sys; print(json.load(sys.stdin))"\n',
    },
    {
      name: 'version lookup in a substitution',
      code: 'FROM debian:12\nRUN VERSION="$(curl -fsSL https://example.com/latest | jq -r .tag)" && echo "$VERSION"\n',
    },
    {
      name: 'separate pipelines',
      code: 'FROM debian:12\nRUN curl -fsSL https://example.com/x | tar -xz && sh ./install.sh\n',
    },
    {
      name: 'exec form is not parsed',
      code: 'FROM debian:12\nRUN ["sh", "-c", "curl -fsSL https://example.com/x | sh"]\n',
    },
  ],
  invalid: [
    {
      name: 'curl | sh',
      code: 'FROM debian:12\nRUN «curl -fsSL https://get.docker.com | sh»\n',
      messages: ['`curl … | sh` runs a downloaded script without checking it'],
      output: null,
    },
    {
      name: 'wget -qO- | bash across a continuation',
      code: 'FROM ubuntu:24.04\nRUN apt-get update \\\n    && «wget -qO- https://example.com/install.sh \\\n    | bash» \\\n    && rm -rf /var/lib/apt/lists/*\n',
      messages: ['`wget … | bash`'],
    },
    {
      name: 'through sudo and tee, with stderr redirected',
      code: 'FROM ubuntu:24.04\nRUN «curl -fsSL https://deb.nodesource.com/setup_22.x 2>/dev/null | tee /tmp/setup.log | sudo -E bash -»\n',
      messages: ['`curl … | bash`'],
    },
    {
      name: 'sh -s with arguments',
      code: 'FROM rust:1.82\nRUN «curl --proto "=https" --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y»\n',
      messages: ['`curl … | sh`'],
    },
    {
      name: 'bash /dev/stdin with arguments',
      code: 'FROM debian:12\nRUN «wget -O- https://dot.net/v1/dotnet-install.sh | bash /dev/stdin --channel 8.0 --install-dir /usr/local/bin»\n',
      messages: ['`wget … | bash`'],
    },
    {
      name: 'php reads the composer installer',
      code: 'FROM php:8.3-cli\nRUN «curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin --filename=composer»\n',
      messages: ['`curl … | php`'],
    },
    {
      name: 'python3 reads get-pip',
      code: 'FROM debian:12\nRUN «curl -sSL https://bootstrap.pypa.io/get-pip.py | python3»\n',
      messages: ['`curl … | python3`'],
    },
    {
      name: 'bash <(curl …)',
      code: 'FROM debian:12\nRUN «bash <(curl -fsSL https://example.com/install.sh)»\n',
      messages: ['`bash` runs what `curl` downloads'],
    },
    {
      name: 'sh -c "$(curl …)"',
      code: 'FROM debian:12\nRUN «sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"»\n',
      messages: ['`sh` runs what `curl` downloads'],
    },
    {
      name: 'eval "$(wget -O - …)"',
      code: 'FROM debian:12\nRUN «eval "$(wget -O - https://example.com/env.sh)"»\n',
      messages: ['`eval` runs what `wget` downloads'],
    },
    {
      name: 'in a builder stage the shipped image uses',
      code: 'FROM rust:1.82 AS build\nRUN «curl -sSf https://sh.rustup.rs | sh -s -- -y»\nRUN cargo build --release\nFROM debian:12-slim\nCOPY --from=build /target/release/app /app\n',
      messages: ['`curl … | sh`'],
    },
    {
      name: 'heredoc RUN',
      code: 'FROM debian:12\nRUN <<EOF\nset -e\n«curl -fsSL https://example.com/i.sh | bash»\nEOF\n',
      messages: ['`curl … | bash`'],
    },
  ],
});

describe('curl-pipe-to-shell severity', () => {
  it('is a hint in a stage the build never reaches', () => {
    const text =
      'FROM debian:12 AS tools\nRUN curl -fsSL https://example.com/x | sh\nFROM debian:12 AS app\nRUN curl -fsSL https://example.com/y | sh\n';
    assert.deepEqual(
      analyze(buildModel(text, { target: 'app' }), {}, [rule]).map((finding) => finding.severity),
      ['hint', 'warning'],
    );
  });
});
