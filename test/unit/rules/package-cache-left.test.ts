import { rule } from '../../../server/src/rules/package-cache-left';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    {
      name: 'apt lists deleted in the same RUN',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'apt-get install without update leaves no lists',
      code: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends ./app.deb\n',
    },
    {
      name: 'apt-get distclean deletes the lists',
      code: 'FROM debian:13\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get distclean\n',
    },
    {
      name: 'apt lists in a cache mount',
      code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends curl\n',
    },
    { name: 'apk add --no-cache', code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n' },
    {
      name: 'apk add --no-network reads no index',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc && make && apk add --no-network --virtual .run-deps so:libc.musl-x86_64.so.1 && apk del --no-network .build-deps\n',
    },
    {
      name: 'apk index deleted in the same RUN',
      code: 'FROM alpine:3.20\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n',
    },
    { name: 'pip --no-cache-dir', code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n' },
    {
      name: 'PIP_NO_CACHE_DIR set earlier in the stage',
      code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1\nRUN pip install flask\n',
    },
    {
      name: 'PIP_NO_CACHE_DIR as a legacy ENV',
      code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR off\nRUN pip install flask\n',
    },
    {
      name: 'PIP_NO_CACHE_DIR as an ARG default',
      code: 'FROM python:3.12-slim\nARG PIP_NO_CACHE_DIR=true\nRUN pip install flask\n',
    },
    {
      name: 'PIP_NO_CACHE_DIR on the command line',
      code: 'FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n',
    },
    {
      name: 'pip cache in a cache mount',
      code: 'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache pip install flask\n',
    },
    {
      name: 'pip cache purged in the same RUN',
      code: 'FROM python:3.12-slim\nRUN pip install flask && pip cache purge\n',
    },
    {
      name: 'pip cache of another user deleted by path',
      code: 'FROM python:3.12-slim\nUSER app\nRUN pip install --user flask && rm -rf /home/app/.cache/pip\n',
    },
    {
      name: 'npm cache cleaned in the same RUN',
      code: 'FROM node:22-slim\nRUN npm ci --omit=dev && npm cache clean --force\n',
    },
    {
      name: 'npm cache in a cache mount',
      code: 'FROM node:22-slim\nRUN --mount=type=cache,target=/root/.npm npm ci --omit=dev\n',
    },
    { name: 'yarn --version installs nothing', code: 'FROM node:22-slim\nRUN yarn --version\n' },
    {
      name: 'yarn cache cleaned in the same RUN',
      code: 'FROM node:22-slim\nRUN yarn install --frozen-lockfile && yarn cache clean\n',
    },
    { name: 'yum clean all', code: 'FROM centos:7\nRUN yum install -y epel-release && yum clean all\n' },
    {
      name: 'microdnf clean all',
      code: 'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils && microdnf clean all\n',
    },
    {
      name: 'zypper clean',
      code: 'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl && zypper clean --all\n',
    },
    {
      name: 'conda clean in the same RUN',
      code: 'FROM continuumio/miniconda3\nRUN conda install -y -c conda-forge numpy && conda clean -ya\n',
    },
    {
      name: 'deleted by a later RUN that only cleans: cleanup-in-later-layer reports that',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'a build stage that is not shipped',
      code: 'FROM python:3.12 AS build\nRUN pip wheel -w /wheels flask && pip install flask\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nUSER nobody\n',
    },
    {
      name: 'exec form with the option',
      code: 'FROM python:3.12-slim\nRUN ["pip", "install", "--no-cache-dir", "flask"]\n',
    },
    {
      name: 'heredoc that cleans up',
      code: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends curl\nrm -rf /var/lib/apt/lists/*\nEOF\n',
    },
  ],
  invalid: [
    {
      name: 'apt lists on one line: the cleanup is appended',
      code: 'FROM debian:12\nRUN «apt-get update» && apt-get install -y --no-install-recommends curl\n',
      fixes: [{ title: 'Delete apt package lists (/var/lib/apt/lists) in the same RUN', preferred: true }],
      messages: ['`apt-get update` leaves the apt package lists (/var/lib/apt/lists) in a shipped layer'],
      output:
        'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'trailing && continuations: the cleanup follows them',
      code: 'FROM ubuntu:24.04\nRUN «apt-get update» && \\\n    apt-get install -y --no-install-recommends \\\n        ca-certificates \\\n        curl && \\\n    apt-get clean\n',
      fixes: [{ title: 'Delete apt package lists (/var/lib/apt/lists) in the same RUN', preferred: true }],
      messages: ['`rm -rf /var/lib/apt/lists/*`'],
      output:
        'FROM ubuntu:24.04\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends \\\n        ca-certificates \\\n        curl && \\\n    apt-get clean && \\\n    rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'leading && continuations keep their indentation',
      code: 'FROM debian:12\nRUN «apt-get update» \\\n  && apt-get install -y --no-install-recommends \\\n       curl \\\n       git\n',
      fixes: [{ title: 'Delete apt package lists (/var/lib/apt/lists) in the same RUN', preferred: true }],
      messages: ['leaves the apt package lists'],
      output:
        'FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y --no-install-recommends \\\n       curl \\\n       git \\\n  && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'semicolon style, as official images write it',
      code: 'FROM node:22-alpine\nRUN set -eux; \\\n\t«npm install» -g pm2; \\\n\tpm2 --version\n',
      fixes: [{ title: "Delete npm's cache (~/.npm) in the same RUN", preferred: true }],
      messages: ["`npm install` leaves npm's cache (~/.npm) in a shipped layer"],
      output:
        'FROM node:22-alpine\nRUN set -eux; \\\n\tnpm install -g pm2; \\\n\tpm2 --version; \\\n\tnpm cache clean --force\n',
    },
    {
      name: 'lists cleaned before the update, not after',
      code: 'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && «apt-get update» && apt-get install -y --no-install-recommends curl && apt-get clean\n',
      fixes: [{ title: 'Delete apt package lists (/var/lib/apt/lists) in the same RUN', preferred: true }],
      messages: ['leaves the apt package lists'],
      output:
        'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'a cache mount for another directory does not keep the lists out',
      code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt «apt-get update» && apt-get install -y --no-install-recommends curl\n',
      fixes: [{ title: 'Delete apt package lists (/var/lib/apt/lists) in the same RUN', preferred: true }],
      messages: ['leaves the apt package lists'],
    },
    {
      name: 'a later RUN that updates again does not clean this layer',
      code: 'FROM debian:12\nRUN «apt-get update»\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
      fixes: [{ title: 'Delete apt package lists (/var/lib/apt/lists) in the same RUN', preferred: true }],
      messages: ['leaves the apt package lists'],
    },
    {
      name: 'apk add: --no-cache is added',
      code: 'FROM alpine:3.20\nRUN «apk add» --virtual .run-deps curl\n',
      fixes: [{ title: 'Add --no-cache', preferred: true }],
      messages: ['`apk add` leaves the apk package index (/var/cache/apk) in a shipped layer. Add `--no-cache`.'],
      output: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .run-deps curl\n',
    },
    {
      name: 'apk update writes the index even when add has --no-cache: the cleanup is appended',
      code: 'FROM alpine:3.20\nRUN «apk update» && apk add --no-cache curl\n',
      fixes: [{ title: 'Delete apk package index (/var/cache/apk) in the same RUN', preferred: true }],
      messages: ['`rm -rf /var/cache/apk/*`'],
      output: 'FROM alpine:3.20\nRUN apk update && apk add --no-cache curl \\\n    && rm -rf /var/cache/apk/*\n',
    },
    {
      name: 'pip install: --no-cache-dir is added',
      code: 'FROM python:3.12-slim\nRUN «pip install» -r requirements.txt\n',
      fixes: [{ title: 'Add --no-cache-dir', preferred: true }],
      messages: ["`pip install` leaves pip's download cache (~/.cache/pip)"],
      output: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n',
    },
    {
      name: 'python -m pip and versioned pip names',
      code: 'FROM python:3.12-slim\nRUN «python3 -m pip install» --upgrade pip && pip3.12 install flask\n',
      fixes: [{ title: 'Add --no-cache-dir', preferred: true }],
      messages: ['`python3 -m pip install`'],
      output:
        'FROM python:3.12-slim\nRUN python3 -m pip install --no-cache-dir --upgrade pip && pip3.12 install --no-cache-dir flask\n',
    },
    {
      name: 'a cache mount covers only its own RUN',
      code: 'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\nUSER app\nRUN «pip install» --user gunicorn\n',
      fixes: [{ title: 'Add --no-cache-dir', preferred: true }],
      messages: ['pip'],
    },
    {
      name: 'npm ci: the cache clean is appended',
      code: 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN «npm ci» --omit=dev\n',
      fixes: [{ title: "Delete npm's cache (~/.npm) in the same RUN", preferred: true }],
      messages: ['`npm cache clean --force`'],
      output:
        'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev \\\n    && npm cache clean --force\n',
    },
    {
      name: 'bare yarn installs',
      code: 'FROM node:22-slim\nRUN «yarn» --frozen-lockfile --production\n',
      fixes: [{ title: "Delete yarn's cache in the same RUN", preferred: true }],
      messages: ["leaves yarn's cache"],
      output: 'FROM node:22-slim\nRUN yarn --frozen-lockfile --production \\\n    && yarn cache clean\n',
    },
    {
      name: 'dnf: clean all with the program as written',
      code: 'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN «microdnf install» -y shadow-utils\n',
      fixes: [{ title: 'Delete dnf cache (/var/cache/dnf) in the same RUN', preferred: true }],
      messages: ['`microdnf clean all`'],
      output:
        'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils \\\n    && microdnf clean all\n',
    },
    {
      name: 'yum update',
      code: 'FROM centos:7\nRUN «yum -y update» && yum -y install epel-release\n',
      fixes: [{ title: 'Delete yum cache (/var/cache/yum) in the same RUN', preferred: true }],
      messages: ['`yum clean all`'],
      output: 'FROM centos:7\nRUN yum -y update && yum -y install epel-release \\\n    && yum clean all\n',
    },
    {
      name: 'zypper with global options before the verb',
      code: 'FROM opensuse/leap:15.6\nRUN «zypper --non-interactive install» curl\n',
      fixes: [{ title: 'Delete zypper cache (/var/cache/zypp) in the same RUN', preferred: true }],
      messages: ['the zypper cache (/var/cache/zypp)'],
      output: 'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl \\\n    && zypper clean --all\n',
    },
    {
      name: 'conda install: clean with the program as written',
      code: 'FROM continuumio/miniconda3\nRUN «/opt/conda/bin/conda install» -y -c conda-forge gperftools mkl\n',
      fixes: [{ title: "Delete conda's package cache (pkgs) in the same RUN", preferred: true }],
      messages: ["conda's package cache (pkgs)"],
      output:
        'FROM continuumio/miniconda3\nRUN /opt/conda/bin/conda install -y -c conda-forge gperftools mkl \\\n    && /opt/conda/bin/conda clean -afy\n',
    },
    {
      name: 'heredoc: a line before the terminator',
      code: 'FROM debian:12\nRUN <<EOF\nset -e\n«apt-get update»\napt-get install -y --no-install-recommends curl\nEOF\n',
      fixes: [{ title: 'Delete apt package lists (/var/lib/apt/lists) in the same RUN', preferred: true }],
      messages: ['leaves the apt package lists'],
      output:
        'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends curl\nrm -rf /var/lib/apt/lists/*\nEOF\n',
    },
    {
      // Fuzz seed 1538 (425 and 936 alike): appended at the RUN's end, the cleanup would be inside the comment.
      name: 'continuation running on into comment lines at the end: no fix',
      code: 'FROM fedora:40\nRUN set -eux; \\\n\t«microdnf install» -y gzip \\\n# needs objcopy\n# see the issue\n',
      messages: ['leaves the dnf cache'],
      output: null,
    },
    {
      // Fuzz seeds 6350, 9477, 10009, 19788, 31740: `\\` ends BuildKit's RUN (the script the rule reads) but not
      // dockerfile-ast's, so a cleanup appended at the parser's end was never part of the RUN.
      name: 'a line ending in an escaped escape ends the RUN early: no fix',
      code: 'FROM debian:12\nRUN «apt-get update» && apt-get install -y --no-install-recommends curl \\\\\n    && rm -rf /var/lib/apt/lists/*\n',
      messages: ['leaves the apt package lists'],
      output: null,
      variants: { escape: false },
    },
    {
      name: 'heredoc never terminated: no fix (there is no line before a terminator)',
      code: 'FROM debian:12\nRUN <<EOF\n«apt-get update»\napt-get install -y --no-install-recommends curl\n',
      messages: ['leaves the apt package lists'],
      output: null,
    },
    {
      // Fuzz seeds 116198, 247359, 361608: JavaScript's \\s took the byte-order mark into the copied indentation,
      // and the shell read `\uFEFFnpm` as the command.
      name: 'indentation is copied as blanks only, not a stray byte-order mark',
      code: 'FROM node:22-alpine\nRUN «npm install» -g pm2 && \\\n \uFEFF   pm2 --version\n',
      fixes: [{ title: "Delete npm's cache (~/.npm) in the same RUN", preferred: true }],
      messages: ["`npm install` leaves npm's cache (~/.npm) in "],
      output:
        'FROM node:22-alpine\nRUN npm install -g pm2 && \\\n \uFEFF   pm2 --version && \\\n npm cache clean --force\n',
    },
    {
      name: 'exec form: reported without a fix',
      code: 'FROM debian:12\nRUN «["apt-get", "update"]»\n',
      messages: ['leaves the apt package lists'],
      output: null,
    },
    {
      name: 'a RUN ending in a comment gets no fix',
      code: 'FROM debian:12\nRUN «apt-get update» && apt-get install -y --no-install-recommends curl # tools\n',
      messages: ['leaves the apt package lists'],
      output: null,
    },
    {
      name: 'inherited from a parent stage',
      code: 'FROM python:3.12-slim AS base\nRUN «pip install» flask\nFROM base\nCMD ["flask", "run"]\n',
      fixes: [{ title: 'Add --no-cache-dir', preferred: true }],
      messages: ['pip'],
      output: 'FROM python:3.12-slim AS base\nRUN pip install --no-cache-dir flask\nFROM base\nCMD ["flask", "run"]\n',
    },
  ],
});
