import { rule } from '../../../server/src/rules/cleanup-in-later-layer';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    {
      name: 'cleanup in the same RUN',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'apk --no-cache then unrelated rm',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN rm -rf /tmp/other\n',
    },
    {
      name: 'cleanup in a build stage that is not shipped',
      code: 'FROM debian:12 AS build\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\nFROM debian:12-slim\nCOPY --from=build /etc/hostname /x\n',
    },
    {
      name: 'deleting what the same RUN downloaded',
      code: 'FROM debian:12\nRUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz\n',
    },
    {
      name: 'removing a package installed in the same RUN',
      code: 'FROM alpine:3.20\nRUN apk add --virtual .deps gcc && make && apk del .deps\n',
    },
    { name: 'exec-form rm of something never created', code: 'FROM debian:12\nRUN ["rm", "-f", "/etc/motd"]\n' },
    {
      name: 'apt-get clean later: docker-clean already deleted the downloaded packages',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN apt-get clean\n',
    },
    {
      name: 'a cache cleaned in the RUN that made it, cleaned again later',
      code: 'FROM node:22-alpine\nRUN npm install -g ghost-cli && npm cache clean --force\nRUN ghost install && npm cache clean --force\n',
    },
    {
      name: 'lists deleted by the RUN that made them, deleted again later',
      code: 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*\nRUN pip install x\nRUN rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'lists a later RUN already deleted (and reported there) are not reported twice',
      code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'a copied file, then a base-image file next to it deleted',
      code: 'FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/\nRUN rm /etc/nginx/conf.d/default.conf\n',
    },
    {
      name: 'an empty directory made earlier, deleted later',
      code: 'FROM ubuntu:24.04\nRUN mkdir -p /home/testuser && chown testuser /home/testuser && chmod 0000 /home/testuser\nRUN ./test.sh && rm -Rf /home/testuser\n',
    },
    {
      name: 'yarn cache cleaned in the same RUN',
      code: 'FROM node:22\nRUN yarn install --frozen-lockfile && yarn cache clean\nRUN yarn cache clean\n',
    },
    {
      name: 'lists written into a cache mount never reach the layer',
      code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'wget to stdout writes no file',
      code: 'FROM debian:12\nRUN wget -qO- https://example.com/x.tar.gz | tar -xz -C /opt\nRUN rm -f /x.tar.gz\n',
    },
  ],
  invalid: [
    {
      name: 'apt lists removed in a later RUN: moved into the creating RUN',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN «rm -rf /var/lib/apt/lists/*»\n',
      fixes: [{ title: 'Move the cleanup into the RUN on line 2', preferred: true }],
      messages: ['deletes `/var/lib/apt/lists/*` that the RUN on line 2 put in an earlier layer'],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'continuation lines keep their indentation',
      code: 'FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl\nLABEL x=y\nRUN «rm -rf /var/lib/apt/lists/*»\n',
      fixes: [{ title: 'Move the cleanup into the RUN on line 2', preferred: true }],
      messages: ['deletes `/var/lib/apt/lists/*`'],
      output:
        'FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl \\\n  && rm -rf /var/lib/apt/lists/*\nLABEL x=y\n',
    },
    {
      name: 'the move follows a semicolon-style RUN',
      code: 'FROM python:3.12-slim\nRUN set -eux; \\\n\tpip install flask; \\\n\tflask --version\nRUN «rm -rf /root/.cache/pip»\n',
      fixes: [{ title: 'Move the cleanup into the RUN on line 2', preferred: true }],
      messages: ['deletes `/root/.cache/pip` that the RUN on line 2'],
      output:
        'FROM python:3.12-slim\nRUN set -eux; \\\n\tpip install flask; \\\n\tflask --version; \\\n\trm -rf /root/.cache/pip\n',
    },
    {
      name: 'the move into a heredoc RUN adds a line before its terminator',
      code: 'FROM node:22\nRUN <<EOF\nset -e\nyarn install --frozen-lockfile\nEOF\nRUN «yarn cache clean»\n',
      fixes: [{ title: 'Move the cleanup into the RUN on line 2', preferred: true }],
      messages: ['deletes `/usr/local/share/.cache/yarn`'],
      output: 'FROM node:22\nRUN <<EOF\nset -e\nyarn install --frozen-lockfile\nyarn cache clean\nEOF\n',
    },
    {
      name: 'download deleted later, not movable past another RUN',
      code: 'FROM debian:12\nRUN curl -fsSL -o /tmp/app.tar.gz https://example.com/app.tar.gz\nRUN tar -xzf /tmp/app.tar.gz -C /opt\nRUN «rm /tmp/app.tar.gz»\n',
      messages: ['deletes `/tmp/app.tar.gz` that the RUN on line 2'],
      output: null,
    },
    {
      name: 'bundled download options',
      code: 'FROM debian:12\nWORKDIR /tmp\nRUN curl -fsSLo mambaforge.sh https://example.com/Mambaforge-Linux-x86_64.sh && wget -qO cli.zip https://example.com/cli.zip\nRUN bash mambaforge.sh -b -p /opt/conda && «rm mambaforge.sh»\nRUN «rm -f /tmp/cli.zip»\n',
      messages: [
        'deletes `/tmp/mambaforge.sh` that the RUN on line 3',
        'deletes `/tmp/cli.zip` that the RUN on line 3',
      ],
    },
    {
      name: 'copied files deleted later',
      code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN «rm -rf tests»\n',
      messages: ['deletes `/app/tests` that the COPY on line 3'],
      output: null,
    },
    {
      name: 'copied packages installed and deleted: the COPY layer keeps them',
      code: 'FROM debian:12\nCOPY --from=build /tmp/*.deb /tmp/\nRUN apt-get update && apt-get install -y /tmp/*.deb && «rm -rf /var/lib/apt/lists/* /tmp/*»\n',
      messages: ['deletes `/tmp/*` that the COPY on line 2'],
      output: null,
    },
    {
      name: 'a file copied into a system directory and deleted later',
      code: 'FROM debian:12\nCOPY --from=qemu /usr/bin/qemu-arm-static /usr/bin\nRUN apt-get update\nRUN «rm /usr/bin/qemu-arm-static»\n',
      messages: ['deletes `/usr/bin/qemu-arm-static` that the COPY on line 2'],
    },
    {
      name: 'a downloaded archive ADDed and deleted later',
      code: 'FROM debian:12\nADD https://example.com/tool.tar.gz /tmp/\nRUN tar -xzf /tmp/tool.tar.gz -C /opt && «rm /tmp/tool.tar.gz»\n',
      messages: ['deletes `/tmp/tool.tar.gz` that the ADD on line 2'],
    },
    {
      name: 'package purged in a later RUN',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y build-essential\nRUN make\nRUN «apt-get purge -y build-essential»\n',
      messages: ['removes `build-essential` installed by the RUN on line 2'],
      output: null,
    },
    {
      name: 'heredoc cleanup',
      code: 'FROM debian:12\nRUN apt-get update\nRUN <<EOF\n«rm -rf /var/lib/apt/lists/*»\nEOF\n',
      messages: ['that the RUN on line 2'],
      output: null,
    },
    {
      name: 'inherited from a parent stage',
      code: 'FROM node:22 AS base\nRUN npm install -g pnpm\nFROM base\nRUN «npm cache clean --force»\n',
      messages: ['deletes `/root/.npm`'],
      output: null,
    },
    {
      name: 'yarn, conda, Maven and Gradle caches',
      code: 'FROM continuumio/miniconda3\nRUN yarn install\nRUN conda install -y numpy\nRUN mvn -B package && gradle build\nRUN «yarn cache clean» && «conda clean -afy» && «rm -rf ~/.m2 /root/.gradle»\n',
      messages: [
        '`/usr/local/share/.cache/yarn`',
        '`/opt/conda/pkgs`',
        {
          message: 'deletes `/root/.m2`',
          fixes: [{ title: 'Move the cleanup into the RUN on line 4', preferred: true }],
        },
      ],
    },
    {
      name: 'a cleanup before the update deletes the earlier lists',
      code: 'FROM debian:12\nRUN apt-get update\nRUN «rm -rf /var/lib/apt/lists/*» && apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
      messages: ['that the RUN on line 2'],
      output: null,
    },
    {
      name: 'with a semicolon the moved commands are grouped',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN «rm -rf /var/lib/apt/lists/*»; rm -rf /var/cache/apt/archives/partial\n',
      fixes: [{ title: 'Move the cleanup into the RUN on line 2', preferred: true }],
      messages: ['deletes `/var/lib/apt/lists/*`'],
      output:
        'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && { rm -rf /var/lib/apt/lists/*; rm -rf /var/cache/apt/archives/partial; }\n',
    },
  ],
});
