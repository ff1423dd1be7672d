import { rule } from '../../../server/src/rules/build-tools-in-final-stage';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    {
      name: 'a development image whose supervisor starts a dev server (artisan serve)',
      code: 'FROM ubuntu:22.04\nENV SUPERVISOR_PHP_COMMAND="/usr/bin/php /var/www/html/artisan serve --host=0.0.0.0"\nRUN apt-get update && apt-get install -y git php8.3-cli php8.3-dev\nENTRYPOINT ["start-container"]\n',
    },
    {
      name: 'a toolchain image that starts the toolchain',
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y gcc make\nENTRYPOINT ["make"]\n',
    },
    {
      name: 'compilers only in a build stage that is not shipped',
      code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc make libssl-dev\nRUN make\n\nFROM debian:12-slim\nCOPY --from=build /src/app /app\nCMD ["/app"]\n',
    },
    {
      name: 'apk virtual group deleted in the same RUN',
      code: 'FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev \\\n    && pip install --no-cache-dir cffi \\\n    && apk del .build-deps\nCMD ["python", "app.py"]\n',
    },
    {
      name: 'apt purge of the same packages in the same RUN',
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y gcc make \\\n    && make -C /src install \\\n    && apt-get purge -y --auto-remove gcc make\nCMD ["/usr/local/bin/app"]\n',
    },
    {
      name: 'official-image pattern: apt-mark auto, then purge --auto-remove',
      code: 'FROM debian:12-slim\nRUN set -eux; savedAptMark="$(apt-mark showmanual)"; \\\n    apt-get update; apt-get install -y --no-install-recommends gcc libc6-dev make; \\\n    make install; \\\n    apt-mark auto \'.*\' > /dev/null; apt-mark manual $savedAptMark; \\\n    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false\nCMD ["app"]\n',
    },
    {
      name: 'purged through a variable that lists them',
      code: 'FROM debian:12-slim\nRUN buildDeps="gcc make" && apt-get update && apt-get install -y $buildDeps gcc && make && apt-get purge -y --auto-remove $buildDeps\nCMD ["app"]\n',
    },
    {
      name: 'removed in a later RUN: cleanup-in-later-layer reports that',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y build-essential\nRUN make\nRUN apt-get purge -y build-essential\nCMD ["app"]\n',
    },
    {
      name: 'runtime libraries only',
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl gcc-12-base \\\n    && rm -rf /var/lib/apt/lists/*\nCMD ["app"]\n',
    },
    {
      name: 'git alone is usually a runtime tool (CI agents, git servers)',
      code: 'FROM eclipse-temurin:21-jre\nRUN apt-get update && apt-get install -y git openssh-client\nENTRYPOINT ["/usr/local/bin/jenkins-agent"]\n',
    },
    {
      name: 'an image without a program of its own is a build environment',
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y gcc g++ make cmake\n',
    },
    {
      name: 'a dev container kept alive with sleep',
      code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential\nCMD ["sleep", "infinity"]\n',
    },
    {
      name: 'a shell as CMD',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache build-base\nCMD ["/bin/sh"]\n',
    },
    {
      name: 'a comment right above says the packages are needed at run time',
      code: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    # Runtime packages: the app compiles user plugins with make\n    curl git make \\\n    && rm -rf /var/lib/apt/lists/*\nCMD ["python", "app.py"]\n',
    },
    {
      name: 'a comment right above names the package',
      code: 'FROM debian:12-slim\n# libpq-dev provides the libpq.so symlink the driver dlopens\nRUN apt-get update && apt-get install -y libpq-dev\nCMD ["app"]\n',
    },
    {
      name: 'a comment calls the install a fix',
      code: 'FROM mcr.microsoft.com/dotnet/runtime:8.0-cbl-mariner2.0\n# Fix for https://example.com/issues/22 (the native library dlopens libdl.so)\nRUN dnf install -y glibc-devel\nCMD ["/app/Api"]\n',
    },
    {
      name: 'on a devel base the toolchain ships anyway (the base is the problem)',
      code: 'FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\nRUN apt-get update && apt-get install -y build-essential python3-dev\nCMD ["python3", "serve.py"]\n',
    },
    {
      name: 'on an SDK base likewise',
      code: 'FROM golang:1.23\nRUN apt-get update && apt-get install -y libpcap-dev\nCMD ["/go/bin/app"]\n',
    },
    {
      name: 'pip build backends are libraries, not OS toolchains',
      code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir setuptools wheel cython\nCMD ["python", "app.py"]\n',
    },
  ],
  invalid: [
    {
      name: 'apt installs a compiler and headers',
      code: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends «gcc libpq-dev» \\\n    && rm -rf /var/lib/apt/lists/*\nCMD ["python", "app.py"]\n',
      messages: ['`gcc, libpq-dev` (compiler, headers) ship in the final image'],
      output: null,
    },
    {
      name: 'the range spans runtime packages between the tools',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache «build-base curl libffi-dev»\nCMD ["app"]\n',
      messages: ['`build-base, libffi-dev` (compiler, headers)'],
    },
    {
      name: 'only the packages the same RUN does not remove',
      code: 'FROM debian:12-slim\nRUN apt-get install -y gcc «make» && apt-get purge -y gcc\nCMD ["app"]\n',
      messages: ['`make` (build tool)'],
    },
    {
      name: 'version pins and sudo',
      code: 'FROM ubuntu:24.04\nRUN sudo apt-get install -y «g++=4:13.2.0-7ubuntu1 cmake»\nCMD ["app"]\n',
      messages: ['`g++, cmake` (compiler, build tool)'],
    },
    {
      name: 'yum group install of Development Tools',
      code: 'FROM rockylinux:9\nRUN yum groupinstall -y «"Development Tools"» && yum clean all\nCMD ["app"]\n',
      messages: ['`Development Tools` (compiler)'],
    },
    {
      name: 'dnf devel packages and an SDK',
      code: 'FROM fedora:40\nRUN dnf install -y «gcc-c++ openssl-devel golang» && dnf clean all\nENTRYPOINT ["/usr/bin/app"]\n',
      messages: ['`gcc-c++, openssl-devel, golang` (compiler, headers, SDK)'],
    },
    {
      name: 'git counts when it comes with compilers',
      code: 'FROM node:22-slim\nRUN apt-get update && apt-get install -y python3 «make g++ git»\nCMD ["node", "server.js"]\n',
      messages: ['`make, g++, git` (build tool, compiler, version control)'],
    },
    {
      name: 'inherited from the stage the shipped one is built FROM',
      code: 'FROM debian:12-slim AS base\nRUN apt-get update && apt-get install -y «build-essential»\n\nFROM base\nCOPY app /app\nCMD ["/app"]\n',
      messages: ['`build-essential` (compiler)'],
    },
    {
      name: 'one finding per install command',
      code: 'FROM debian:12-slim\nRUN apt-get install -y «gcc»\nRUN apt-get install -y curl «autoconf automake»\nCMD ["app"]\n',
      messages: ['`gcc` (compiler)', '`autoconf, automake` (build tool)'],
    },
    {
      name: 'exec-form RUN points at the whole JSON array',
      code: 'FROM debian:12-slim\nRUN «["apt-get", "install", "-y", "gcc"]»\nCMD ["app"]\n',
      messages: ['`gcc` (compiler)'],
    },
    {
      name: 'heredoc RUN',
      code: 'FROM debian:12-slim\nRUN <<EOF\napt-get update\napt-get install -y «clang cmake»\nEOF\nCMD ["app"]\n',
      messages: ['`clang, cmake` (compiler, build tool)'],
    },
    {
      name: 'a long list is shortened in the message',
      code: 'FROM debian:12-slim\nRUN apt-get install -y «gcc g++ make cmake autoconf automake libtool pkg-config»\nCMD ["app"]\n',
      messages: ['`gcc, g++, make, cmake, autoconf, automake, … (2 more)`'],
    },
  ],
});
