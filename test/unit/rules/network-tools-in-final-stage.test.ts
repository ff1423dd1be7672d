import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/network-tools-in-final-stage';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    {
      name: 'curl only in a build stage',
      code:
        'FROM debian:bookworm-slim AS download\nRUN apt-get update && apt-get install -y curl && curl -fsSLo /app https://example.com/app\n' +
        'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=download /app /app\n',
    },
    {
      name: 'purged again in the same RUN',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && curl -fsSLo /app https://example.com/app \\\n    && apt-get purge -y --auto-remove curl\n',
    },
    {
      name: 'apk virtual group deleted in the same RUN',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .fetch-deps curl wget \\\n    && curl -fsSLo /app https://example.com/app \\\n    && apk del .fetch-deps\n',
    },
    {
      name: "docker-library's apt-mark auto idiom",
      code:
        'FROM debian:bookworm-slim\nRUN set -eux; \\\n    savedAptMark="$(apt-mark showmanual)"; \\\n    apt-get update; \\\n    apt-get install -y --no-install-recommends ca-certificates wget; \\\n' +
        '    wget -O /usr/local/bin/gosu https://example.com/gosu; \\\n    apt-mark auto \'.*\' > /dev/null; \\\n    [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark; \\\n' +
        '    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false\n',
    },
    {
      name: 'removed in a later RUN: gone from the running image (cleanup-in-later-layer covers the bytes)',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN curl -fsSLo /app https://example.com/app\nRUN apt-get remove -y curl\n',
    },
    {
      name: 'library packages are not tools',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y libcurl4 php8.2-curl\n',
    },
    { name: 'pip package named like a tool', code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir wget\n' },
    {
      name: 'package list in a variable',
      code: 'FROM debian:12\nARG PKGS=curl\nRUN apt-get update && apt-get install -y $PKGS\n',
    },
    { name: 'exec-form RUN without a package manager', code: 'FROM debian:12\nRUN ["/bin/true"]\n' },
    {
      name: 'not in the shipped target',
      code: 'FROM debian:12 AS debug\nRUN apt-get update && apt-get install -y curl netcat-openbsd\nFROM debian:12 AS app\nCMD ["app"]\n',
      target: 'app',
    },
  ],
  invalid: [
    {
      name: 'curl installed to download, left in the image',
      code:
        'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates «curl» \\\n' +
        '    && curl -fsSLo /usr/local/bin/app https://example.com/app \\\n    && rm -rf /var/lib/apt/lists/*\n',
      messages: ['`curl` puts curl in the shipped image. The build uses it (line 3)'],
      output: null,
    },
    {
      name: 'used by a later RUN, through a substitution',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache «wget»\nRUN VERSION="$(wget -qO- https://example.com/latest)" && echo "$VERSION" > /version\n',
      messages: ['The build uses it (line 3)'],
    },
    {
      name: 'installed but never run by the build: informational',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends «curl» \\\n    && rm -rf /var/lib/apt/lists/*\n',
      severity: 'info',
      messages: ['`curl` puts curl in the shipped image, where the build never runs it'],
    },
    {
      name: 'several tools and managers, versions pinned',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache «curl=8.9.1-r0» «netcat-openbsd» «openssh-client» jq\n',
      severity: 'info',
      messages: ['`curl=8.9.1-r0` puts curl', '`netcat-openbsd` puts netcat', '`openssh-client` puts ssh'],
    },
    {
      name: 'inherited from a base stage',
      code: 'FROM debian:12 AS base\nRUN apt-get update && apt-get install -y «wget»\nFROM base\nCMD ["app"]\n',
      severity: 'info',
      messages: ['`wget` puts wget'],
    },
    {
      name: 'sudo yum install',
      code: 'FROM rockylinux:9\nRUN sudo yum install -y «nmap-ncat» «telnet»\n',
      severity: 'info',
      messages: ['netcat', 'telnet'],
    },
    {
      name: 'a different package removed in the same RUN does not count',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y gcc «curl» && make && apt-get purge -y gcc\n',
      severity: 'info',
      messages: ['`curl` puts curl'],
    },
    {
      name: 'apt-mark manual keeps the tool',
      code:
        'FROM debian:12\nRUN savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y «curl» gcc; \\\n' +
        "    apt-mark auto '.*'; apt-mark manual $savedAptMark curl; apt-get purge -y --auto-remove\n",
      severity: 'info',
      messages: ['`curl` puts curl'],
    },
    {
      name: 'HEALTHCHECK uses curl: informational',
      code: 'FROM nginx:1.27\nRUN apt-get update && apt-get install -y «curl»\nHEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n',
      severity: 'info',
      messages: ['The HEALTHCHECK on line 3 uses it'],
    },
    {
      name: 'exec-form HEALTHCHECK on Alpine suggests busybox wget',
      code: 'FROM node:22-alpine\nRUN apk add --no-cache «curl»\nHEALTHCHECK CMD ["curl", "-f", "http://localhost:3000/health"]\n',
      severity: 'info',
      messages: ['busybox already has `wget -q --spider URL`'],
    },
    {
      name: 'a development image that keeps git and a compiler: informational',
      code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential git «curl» «openssh-client» \\\n    && curl -fsSL https://example.com/x -o /x\n',
      severity: 'info',
      messages: [
        '`curl` puts curl in the shipped image next to `build-essential`. That makes it a build or development image',
        '`openssh-client` puts ssh',
      ],
    },
    {
      name: 'HEALTHCHECK script probably uses curl; one finding for a package installed twice',
      code:
        'FROM debian:12\nRUN apt-get update && apt-get install -y «curl» && curl -fsSLo /app https://example.com/app\n' +
        'RUN apt-get install -y curl jq\nHEALTHCHECK --interval=60s CMD ["/healthcheck.sh"]\n',
      severity: 'info',
      messages: ['The HEALTHCHECK on line 4 runs a script that probably uses it'],
    },
    {
      name: 'a comment inside the RUN says why curl stays',
      code:
        'FROM debian:12\nRUN apt-get update; \\\n    apt-get install -y --no-install-recommends \\\n# Pkg needs a download agent at runtime: curl, wget or fetch\n' +
        '        «curl» \\\n    ; curl -fsSLo /julia.tgz https://example.com/julia.tgz\n',
      severity: 'info',
      messages: ['The comment on line 4 mentions it, so it looks deliberate'],
    },
    {
      name: 'a comment above the RUN names the tools',
      code: 'FROM ruby:3.4-slim\n# curl and nc are needed for network checks\nARG TARGETARCH\nRUN apt-get update && apt-get install -y «curl» «netcat-openbsd» \\\n    && curl -fsSLo /usr/local/bin/yq https://example.com/yq\n',
      severity: 'info',
      messages: ['The comment on line 2 mentions it', 'The comment on line 2 mentions it'],
    },
    {
      name: 'HEALTHCHECK NONE does not excuse it',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y «curl» && curl -fsSLo /app https://example.com/app\nHEALTHCHECK NONE\n',
      messages: ['Use it in a build stage'],
    },
    {
      name: 'heredoc RUN',
      code: 'FROM ubuntu:24.04\nRUN <<EOF\napt-get update\napt-get install -y «socat»\nEOF\n',
      severity: 'info',
      messages: ['`socat` puts socat'],
    },
  ],
});

describe('network-tools-in-final-stage severity', () => {
  const severities = (text: string) => analyze(buildModel(text), {}, [rule]).map((finding) => finding.severity);

  it('warns when the build uses the tool, informs when the HEALTHCHECK or only the container needs it', () => {
    const text =
      'FROM debian:12\nRUN apt-get install -y curl wget socat && curl -fsSLo /app https://example.com/app\nHEALTHCHECK CMD wget -qO- http://localhost/\n';
    assert.deepEqual(severities(text), ['warning', 'info', 'info']);
    assert.deepEqual(
      severities('FROM debian:12\nRUN apt-get install -y git curl && curl -fsSLo /app https://example.com/app\n'),
      ['info'],
    );
  });
});
