import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/sudo-in-run';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    { name: 'no sudo', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y tini\n' },
    {
      name: 'installing the sudo package is not calling it',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y sudo\n',
    },
    {
      name: 'sudo as an argument',
      code: 'FROM debian:12\nRUN echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app && usermod -aG sudo app\n',
    },
    {
      name: 'USER root around the RUN',
      code: 'FROM jenkins/jenkins:lts\nUSER root\nRUN apt-get update && apt-get install -y make\nUSER jenkins\n',
    },
    { name: 'sudo inside a shell string is not parsed', code: 'FROM debian:12\nRUN su app -c "sudo true"\n' },
  ],
  invalid: [
    {
      name: 'root RUN: drop sudo',
      code: 'FROM debian:12\nRUN «sudo» apt-get update && «sudo» apt-get install -y tini\n',
      fixes: [{ title: 'Remove sudo', preferred: true }],
      messages: ['`sudo` in a RUN that already runs as root', '`sudo` in a RUN that already runs as root'],
    },
    {
      name: 'root RUN: the fix drops sudo',
      code: 'FROM debian:12\nRUN «sudo» apt-get update\n',
      fixes: [{ title: 'Remove sudo', preferred: true }],
      messages: ['Drop it.'],
      output: 'FROM debian:12\nRUN apt-get update\n',
    },
    {
      name: 'harmless options go with it; continuation lines',
      code: 'FROM ubuntu:24.04\nRUN apt-get update \\\n    && «sudo» -E apt-get install -y git\n',
      fixes: [{ title: 'Remove sudo', preferred: true }],
      messages: ['Drop it.'],
      output: 'FROM ubuntu:24.04\nRUN apt-get update \\\n    && apt-get install -y git\n',
    },
    {
      name: 'curl piped to sudo bash',
      code: 'FROM debian:12\nRUN curl -fsSL https://deb.nodesource.com/setup_22.x | «sudo» -E bash -\n',
      fixes: [{ title: 'Remove sudo', preferred: true }],
      messages: ['already runs as root'],
      output: 'FROM debian:12\nRUN curl -fsSL https://deb.nodesource.com/setup_22.x | bash -\n',
    },
    {
      name: 'USER root explicitly',
      code: 'FROM node:22\nUSER node\nRUN npm ci\nUSER 0\nRUN «/usr/bin/sudo» chown -R node /app\n',
      fixes: [{ title: 'Remove sudo', preferred: true }],
      messages: ['already runs as root'],
      output: 'FROM node:22\nUSER node\nRUN npm ci\nUSER 0\nRUN chown -R node /app\n',
    },
    {
      name: 'sudo -u switches user: no fix',
      code: 'FROM debian:12\nRUN «sudo» -u postgres initdb -D /data\n',
      severity: 'info',
      messages: ['`sudo -u postgres` only drops to another user'],
      output: null,
    },
    {
      name: 'bundled -Eu with --user style from discourse',
      code: 'FROM discourse/base:2.0.20250101\nRUN «sudo» -E -u discourse -H bundle install && «sudo» --user=discourse pnpm install\n',
      severity: 'info',
      messages: ['`sudo -u discourse`', '`sudo -u discourse`'],
    },
    {
      name: 'sudo -u in a non-root RUN',
      code: 'FROM debian:12\nUSER app\nRUN «sudo» -u postgres psql -c "select 1"\n',
      messages: ['runs as `app`'],
      output: null,
    },
    {
      name: 'non-root USER: no fix, suggest USER root',
      code: 'FROM ubuntu:24.04\nRUN useradd -m dev\nUSER dev\nRUN «sudo» apt-get install -y vim\n',
      messages: ['`sudo` in a RUN that runs as `dev`. It needs the sudo package'],
      output: null,
    },
    {
      name: 'USER inherited from a parent stage',
      code: 'FROM ubuntu:24.04 AS base\nUSER dev\nFROM base\nRUN «sudo» make install\n',
      messages: ['runs as `dev`'],
      output: null,
    },
    {
      name: 'base image that runs as non-root',
      code: 'FROM gcr.io/distroless/base-debian12:debug-nonroot\nRUN «sudo» true\n',
      messages: ["runs as the base image's user"],
      output: null,
    },
    {
      name: 'USER from a variable',
      code: 'FROM debian:12\nARG APP_USER=app\nUSER $APP_USER\nRUN «sudo» apt-get update\n',
      messages: ['runs as the user a variable names'],
      output: null,
    },
    {
      name: 'behind env',
      code: 'FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive «sudo» apt-get install -y tzdata\n',
      fixes: [{ title: 'Remove sudo', preferred: true }],
      messages: ['already runs as root'],
      output: 'FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata\n',
    },
    {
      name: 'heredoc RUN',
      code: 'FROM debian:12\nRUN <<EOF\nset -e\n«sudo» apt-get update\nEOF\n',
      fixes: [{ title: 'Remove sudo', preferred: true }],
      messages: ['already runs as root'],
      output: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\nEOF\n',
    },
    {
      name: 'exec form: reported on the array, no fix',
      code: 'FROM debian:12\nRUN «["sudo", "apt-get", "update"]»\n',
      messages: ['already runs as root'],
      output: null,
    },
  ],
});

describe('sudo-in-run severity', () => {
  it('is a hint in a stage that is not shipped, info for sudo -u in a root RUN', () => {
    const text = 'FROM debian:12 AS build\nRUN sudo make\nFROM debian:12\nRUN sudo true\nRUN sudo -u app true\n';
    assert.deepEqual(
      analyze(buildModel(text), {}, [rule]).map((finding) => finding.severity),
      ['hint', 'warning', 'info'],
    );
  });
});
