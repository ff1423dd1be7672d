import { rule } from '../../../server/src/rules/cleanup-in-later-layer';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    { name: 'cleanup in the same RUN', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'apk --no-cache then unrelated rm', code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN rm -rf /tmp/other\n' },
    { name: 'cleanup in a build stage that is not shipped', code: 'FROM debian:12 AS build\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\nFROM debian:12-slim\nCOPY --from=build /etc/hostname /x\n' },
    { name: 'deleting what the same RUN downloaded', code: 'FROM debian:12\nRUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz\n' },
    { name: 'removing a package installed in the same RUN', code: 'FROM alpine:3.20\nRUN apk add --virtual .deps gcc && make && apk del .deps\n' },
    { name: 'exec-form rm of something never created', code: 'FROM debian:12\nRUN ["rm", "-f", "/etc/motd"]\n' },
  ],
  invalid: [
    {
      name: 'apt lists removed in a later RUN: moved into the creating RUN',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN «rm -rf /var/lib/apt/lists/*»\n',
      messages: ['deletes `/var/lib/apt/lists/*` that the RUN on line 2 put in an earlier layer'],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'continuation lines keep their indentation',
      code: 'FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl\nLABEL x=y\nRUN «apt-get clean»\n',
      messages: ['deletes `/var/cache/apt`'],
      output: 'FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl \\\n  && apt-get clean\nLABEL x=y\n',
    },
    {
      name: 'download deleted later, not movable past another RUN',
      code: 'FROM debian:12\nRUN curl -fsSL -o /tmp/app.tar.gz https://example.com/app.tar.gz\nRUN tar -xzf /tmp/app.tar.gz -C /opt\nRUN «rm /tmp/app.tar.gz»\n',
      messages: ['deletes `/tmp/app.tar.gz` that the RUN on line 2'],
      output: null,
    },
    {
      name: 'copied files deleted later',
      code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN «rm -rf tests»\n',
      messages: ['deletes `/app/tests` that the COPY on line 3'],
      output: null,
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
    },
    {
      name: 'with a semicolon the moved commands are grouped',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN «apt-get clean»; «rm -rf /var/lib/apt/lists/*»\n',
      messages: ['deletes `/var/cache/apt`', 'deletes `/var/lib/apt/lists/*`'],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && { apt-get clean; rm -rf /var/lib/apt/lists/*; }\n',
    },
  ],
});
