import { rule } from '../../../server/src/rules/apt-install-recommends';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    {
      name: '--no-install-recommends',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'the option after the packages',
      code: 'FROM node:8.9-slim\nRUN apt-get update -qq && apt-get install -qy \\\n    ca-certificates \\\n    curl \\\n    --no-install-recommends\n',
    },
    {
      name: '-o APT::Install-Recommends=false',
      code: 'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n',
    },
    {
      name: '-o with a quoted 0',
      code: 'FROM debian:12\nRUN apt-get install -y -o \'APT::Install-Recommends="0"\' curl\n',
    },
    {
      name: 'turned off in apt.conf.d by an earlier RUN',
      code: 'FROM ubuntu:24.04\nRUN echo \'APT::Install-Recommends "0";\' > /etc/apt/apt.conf.d/01norecommends \\\n    && echo \'APT::Install-Suggests "0";\' >> /etc/apt/apt.conf.d/01norecommends\nRUN apt-get update && apt-get install -y curl\n',
    },
    {
      name: 'turned off earlier in the same RUN',
      code: 'FROM debian:12\nRUN printf \'APT::Install-Recommends "false";\\n\' > /etc/apt/apt.conf.d/99norecommends && apt-get update && apt-get install -y curl\n',
    },
    {
      name: 'an apt configuration copied in',
      code: 'FROM debian:12\nCOPY apt.conf /etc/apt/apt.conf.d/99local\nRUN apt-get update && apt-get install -y curl\n',
    },
    {
      name: 'only upgrading an installed package',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --only-upgrade ca-certificates\n',
    },
    { name: 'apt-get update alone', code: 'FROM debian:12\nRUN apt-get update\n' },
    {
      name: 'a build stage that is not shipped',
      code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y build-essential\nFROM debian:12-slim\nCOPY --from=build /etc/hostname /x\n',
    },
    {
      name: 'exec form with the option',
      code: 'FROM debian:12\nRUN ["apt-get", "install", "-y", "--no-install-recommends", "curl"]\n',
    },
    {
      name: 'heredoc with the option',
      code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n',
    },
  ],
  invalid: [
    {
      name: 'apt-get install: the option is added after install',
      code: 'FROM debian:12\nRUN apt-get update && «apt-get install» -y curl\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['`apt-get install` also installs recommended packages'],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n',
    },
    {
      name: 'apt install, with options before the verb',
      code: 'FROM ubuntu:24.04\nRUN apt update -y && «apt -o Dpkg::Options::=--force-confold install» -y curl unzip\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['`apt -o Dpkg::Options::=--force-confold install`'],
      output:
        'FROM ubuntu:24.04\nRUN apt update -y && apt -o Dpkg::Options::=--force-confold install --no-install-recommends -y curl unzip\n',
    },
    {
      name: 'several installs in one RUN: one finding, all fixed',
      code: 'FROM debian:12\nRUN apt-get update \\\n    && «apt-get -y install» libglib2.0-0 libsm6 \\\n    && apt-get install -y binutils \\\n    && apt-get install -y libgomp1\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['(and the 2 other installs of this RUN)'],
      output:
        'FROM debian:12\nRUN apt-get update \\\n    && apt-get -y install --no-install-recommends libglib2.0-0 libsm6 \\\n    && apt-get install --no-install-recommends -y binutils \\\n    && apt-get install --no-install-recommends -y libgomp1\n',
    },
    {
      name: 'one finding per RUN',
      code: 'FROM debian:12\nRUN apt-get update && «apt-get install» -y curl\nRUN apt-get update && «apt-get install» -y git\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['apt-get install', 'apt-get install'],
    },
    {
      name: 'through sudo',
      code: 'FROM ubuntu:24.04\nUSER ubuntu\nRUN sudo «apt-get install» -y curl\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['`apt-get install`'],
      output: 'FROM ubuntu:24.04\nUSER ubuntu\nRUN sudo apt-get install --no-install-recommends -y curl\n',
    },
    {
      name: 'apt.conf written after the install does not count',
      code: 'FROM debian:12\nRUN «apt-get install» -y curl && echo \'APT::Install-Recommends "0";\' > /etc/apt/apt.conf.d/01norecommends\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['apt-get install'],
    },
    {
      name: 'Install-Recommends set to true is not a way out',
      code: 'FROM debian:12\nRUN «apt-get install» -y -o APT::Install-Recommends=true curl\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['apt-get install'],
    },
    {
      name: 'heredoc: the option is added',
      code: 'FROM debian:12\nRUN <<EOF\napt-get update\n«apt-get install» -y curl\nEOF\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['apt-get install'],
      output: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install --no-install-recommends -y curl\nEOF\n',
    },
    {
      name: 'exec form: reported without a fix',
      code: 'FROM debian:12\nRUN «["apt-get", "install", "-y", "curl"]»\n',
      messages: ['apt-get install'],
      output: null,
    },
    {
      name: 'inherited from a parent stage',
      code: 'FROM debian:12 AS base\nRUN apt-get update && «apt-get install» -y curl\nFROM base\nUSER nobody\n',
      fixes: [{ title: 'Add --no-install-recommends', preferred: false }],
      messages: ['apt-get install'],
    },
  ],
});
