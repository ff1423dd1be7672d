import { rule } from '../../../server/src/rules/download-without-verification';
import { ruleTester } from '../ruleTester';

const message = 'without checking a checksum or signature';

ruleTester(rule, {
  valid: [
    {
      name: 'sha256sum -c in the same RUN',
      code: 'FROM debian:12\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \\\n    && echo "abc  /tmp/tool.tgz" | sha256sum -c - \\\n    && tar -xzf /tmp/tool.tgz -C /usr/local/bin\n',
    },
    {
      name: 'gpg --verify in the same RUN',
      code: 'FROM debian:12\nRUN wget -O node.tar.xz https://nodejs.org/dist/v22.0.0/node-v22.0.0-linux-x64.tar.xz \\\n    && wget -O SHASUMS256.txt.asc https://nodejs.org/dist/v22.0.0/SHASUMS256.txt.asc \\\n    && gpg --batch --verify SHASUMS256.txt.asc \\\n    && tar -xJf node.tar.xz -C /usr/local\n',
    },
    {
      name: 'a signature check in a later RUN of the stage that names the file',
      code: 'FROM golang:1.23 AS fetch\nRUN curl -s https://dl.min.io/server/minio/release/linux-amd64/minio -o /go/bin/minio \\\n    && curl -s https://dl.min.io/server/minio/release/linux-amd64/minio.minisig -o /go/bin/minio.minisig\nRUN minisign -Vqm /go/bin/minio -x /go/bin/minio.minisig -P RWTx5Zr1\n',
    },
    {
      name: 'keys, signatures and source lists are what a check uses',
      code: 'FROM debian:12\nRUN curl -fsSL https://download.docker.com/linux/debian/gpg -o /etc/apt/keyrings/docker.asc \\\n    && curl -fsSLo /etc/apt/sources.list.d/example.list https://example.com/example.list\n',
    },
    {
      name: 'a key piped into gpg --dearmor',
      code: 'FROM debian:12\nRUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg\n',
    },
    {
      name: 'an API call read as text',
      code: 'FROM debian:12\nRUN VERSION="$(curl -fsSL https://example.com/latest | jq -r .tag)" && echo "$VERSION"\n',
    },
    {
      name: 'a URL pinned to a git commit names its content',
      code: 'FROM alpine:3.20\nRUN wget -O /etc/caddy/Caddyfile "https://github.com/caddyserver/dist/raw/33ae08ff08d168572df2956ed14fbc4949880d94/config/Caddyfile"\n',
    },
    { name: 'a request whose output is not kept', code: 'FROM debian:12\nRUN curl -fsS https://example.com/ping\n' },
    {
      name: 'a script piped into a shell is curl-pipe-to-shell',
      code: 'FROM debian:12\nRUN curl -fsSL https://example.com/install.sh | sh\n',
    },
    {
      name: 'PowerShell wget (Invoke-WebRequest) in a Windows image',
      code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN wget https://example.com/app.zip -OutFile app.zip ; Expand-Archive app.zip\n',
    },
  ],
  invalid: [
    {
      name: 'downloaded and unpacked',
      code: 'FROM debian:12\nRUN «curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz» \\\n    && tar -xzf /tmp/tool.tgz -C /usr/local/bin\n',
      messages: ['downloads `tool.tgz` unverified. This RUN unpacks it without checking a checksum or signature'],
      output: null,
    },
    {
      name: 'piped into tar',
      code: 'FROM debian:12\nRUN «curl -fsSL https://example.com/tool.tar.gz» | tar -xz -C /usr/local/bin\n',
      messages: ['downloads an archive unverified. This RUN unpacks'],
    },
    {
      name: 'wget to a file that is run',
      code: 'FROM debian:12\nRUN «wget -O /tmp/setup.sh https://deb.example.com/setup_22.x» && bash /tmp/setup.sh\n',
      messages: ['downloads `setup.sh` unverified. This RUN runs or installs'],
    },
    {
      name: 'a binary made executable',
      code: 'FROM alpine:3.20\nRUN «wget -qO /usr/local/bin/kubectl https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl» \\\n    && chmod +x /usr/local/bin/kubectl\n',
      messages: ['downloads `kubectl` unverified. This RUN runs or installs'],
    },
    {
      name: 'curl -O keeps the remote name; a .deb installed',
      code: 'FROM debian:12\nRUN «curl -sSL -O https://packages.example.com/config/prod.deb» && dpkg -i prod.deb\n',
      messages: ['downloads `prod.deb` unverified. This RUN runs or installs'],
    },
    {
      name: 'a redirect to a file that is kept',
      code: 'FROM debian:12\nRUN «curl -fsSL https://example.com/tool» > /usr/local/bin/tool\n',
      messages: ['downloads `tool` unverified. This RUN keeps'],
    },
    {
      name: 'a checksum check of another RUN does not count',
      code: 'FROM debian:12\nRUN «curl -fsSLo /tmp/a.tgz https://example.com/a.tgz» && tar -xzf /tmp/a.tgz\nRUN echo "abc  /tmp/b.tgz" | sha256sum -c -\n',
      messages: [message],
    },
    {
      name: 'a stage nothing uses gets a hint',
      code: 'FROM debian:12 AS unused\nRUN «curl -fsSLo /tmp/a.tgz https://example.com/a.tgz» && tar -xzf /tmp/a.tgz\nFROM alpine:3.20\nCMD ["true"]\n',
      severity: 'hint',
      messages: [message],
    },
  ],
});
