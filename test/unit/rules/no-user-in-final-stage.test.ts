import { rule } from '../../../server/src/rules/no-user-in-final-stage';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    { name: 'USER set', code: 'FROM node:22-slim\nUSER node\nCMD ["node", "index.js"]\n' },
    { name: 'numeric USER', code: 'FROM alpine:3.20\nUSER 10001:10001\nCMD ["/app"]\n' },
    {
      name: 'distroless nonroot',
      code: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nCMD ["/app"]\n',
    },
    { name: 'chainguard', code: 'FROM cgr.dev/chainguard/node:latest\nCOPY . /app\nCMD ["/app/server.js"]\n' },
    {
      name: 'USER inherited from a parent stage',
      code: 'FROM node:22 AS base\nUSER node\nFROM base\nCMD ["node", "server.js"]\n',
    },
    {
      name: 'USER root in a build stage only',
      code: 'FROM node:22 AS build\nUSER root\nRUN npm ci\nFROM node:22-slim\nUSER node\nCMD ["node", "server.js"]\n',
    },
    {
      name: 'build stage without USER is not shipped',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\nCMD ["/app"]\n',
    },
    {
      name: 'target picks a stage with USER',
      code: 'FROM node:22 AS app\nUSER node\nCMD ["node", "server.js"]\nFROM debian:12 AS debug\nCMD ["/debug"]\n',
      target: 'app',
    },
    {
      name: 'postgres drops root in its entrypoint (no CMD: the base application runs)',
      code: 'FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n',
    },
    {
      name: 'entrypoint drops root with gosu',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y gosu\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n',
    },
    {
      name: 'su-exec copied in',
      code: 'FROM alpine:3.20\nCOPY --from=tools /usr/local/bin/su-exec /usr/local/bin/su-exec\nENTRYPOINT ["/entrypoint.sh"]\n',
    },
    {
      name: 'Windows base image',
      code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nCMD ["app.exe"]\n',
    },
    {
      name: '.NET chiseled runs as app',
      code: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled\nCOPY out /app\nENTRYPOINT ["dotnet", "/app/app.dll"]\n',
    },
    { name: 'USER given through a variable', code: 'FROM debian:12\nARG UID=1000\nUSER $UID\nCMD ["/app"]\n' },
    // Not applications: bases for other images, build and dev environments, toolchains.
    {
      name: 'no CMD of its own on an OS image: a base for others',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
    },
    {
      name: 'no CMD of its own on a language image (Docker Hub namespace of another architecture)',
      code: 'FROM arm64v8/golang:1.23\nRUN go install golang.org/x/tools/gopls@latest\n',
    },
    {
      name: 'no CMD of its own on a dev-container base, last USER root',
      code: 'FROM mcr.microsoft.com/devcontainers/base:bookworm\nUSER root\nRUN apt-get update\n',
    },
    {
      name: 'no CMD of its own on scratch: an export stage never run',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /out/app\nFROM scratch\nCOPY --from=build /out /\n',
    },
    {
      name: 'no CMD of its own on an image LayerLens does not know',
      code: 'FROM registry.example.com/team/base:1\nRUN echo configured > /etc/team\n',
    },
    {
      name: 'CMD is the toolchain (official node image)',
      code: 'FROM alpine:3.20\nRUN apk add nodejs\nCMD ["node"]\n',
    },
    { name: 'CMD is a shell', code: 'FROM ubuntu:24.04\nRUN apt-get update\nCMD ["/bin/bash"]\n' },
    { name: 'ONBUILD base', code: 'FROM node:22\nONBUILD COPY . /app\nCMD ["node", "/app/server.js"]\n' },
    { name: 'build entrypoint', code: 'FROM debian:12\nCOPY build.sh /\nENTRYPOINT ["/build.sh"]\n' },
    { name: 'dev server', code: 'FROM node:22\nCOPY . .\nCMD ["npm", "run", "dev"]\n' },
    {
      name: 'GitHub Action: action.yml in the build context',
      code: 'FROM alpine:3.20\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n',
      context: { rootEntries: ['action.yml', 'entrypoint.sh'] },
    },
    // The start command switches users or starts a supervisor whose services pick theirs.
    {
      name: 'sudo -u in the entrypoint',
      code: 'FROM debian:12\nENTRYPOINT ["sudo", "-E", "-u", "app", "-H", "ruby", "run.rb"]\n',
    },
    {
      name: 'gosu in the entrypoint after tini',
      code: 'FROM debian:12\nENTRYPOINT ["tini", "--", "gosu", "app", "/srv"]\n',
    },
    { name: 'supervisord', code: 'FROM debian:12\nCMD ["/usr/bin/supervisord", "-n"]\n' },
    { name: 'systemd as init', code: 'FROM debian:12\nENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]\n' },
    {
      name: 's6-overlay init',
      code: 'FROM alpine:3.20\nADD https://github.com/just-containers/s6-overlay/releases/download/v3.2.0.2/s6-overlay-noarch.tar.xz /tmp\nRUN tar -C / -Jxpf /tmp/s6-overlay-noarch.tar.xz\nENTRYPOINT ["/init"]\n',
    },
  ],
  invalid: [
    {
      name: 'no USER on node: insert USER node before CMD',
      code: 'FROM «node:22-slim»\nWORKDIR /app\nCOPY . .\nCMD ["node", "index.js"]\n',
      messages: ['no USER is set. Its base `node:22-slim` runs as root'],
      fixes: [{ title: 'Add USER node', preferred: true }],
      output: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "index.js"]\n',
    },
    {
      name: 'no USER, unknown base user: no fix',
      code: 'FROM «debian:12»\nRUN echo hi\nCMD ["/usr/local/bin/server"]\n',
      messages: ['Add a USER before CMD/ENTRYPOINT'],
      output: null,
    },
    {
      name: 'last USER is root',
      code: 'FROM node:22\nUSER node\nRUN npm ci\n«USER root»\nCMD ["node", "server.js"]\n',
      messages: ['`USER root` is the last USER'],
      fixes: [{ title: 'Switch to USER node', preferred: true }],
      output: 'FROM node:22\nUSER node\nRUN npm ci\nUSER node\nCMD ["node", "server.js"]\n',
    },
    {
      name: 'USER 0:0',
      code: 'FROM debian:12\n«USER 0:0»\nCMD ["/app"]\n',
      messages: ['`USER 0:0` is the last USER'],
      output: null,
    },
    {
      name: 'scratch: numeric user at the end',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM «scratch»\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
      messages: ['scratch runs as root'],
      fixes: [{ title: 'Add USER 65534:65534', preferred: true }],
      output:
        'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\nUSER 65534:65534\nENTRYPOINT ["/app"]\n',
    },
    {
      name: 'USER only in a build stage does not carry over',
      code: 'FROM node:22 AS build\nUSER node\nRUN npm ci\nFROM «debian:12»\nCOPY --from=build /app /app\nCMD ["/app/server"]\n',
      messages: ['no USER is set'],
    },
    {
      name: 'ARG-resolved base image',
      code: 'ARG NODE=node:22-slim\nFROM «${NODE}»\nCMD ["node", "server.js"]\n',
      messages: ['`node:22-slim` runs as root'],
      fixes: [{ title: 'Add USER node', preferred: true }],
      output: 'ARG NODE=node:22-slim\nFROM ${NODE}\nUSER node\nCMD ["node", "server.js"]\n',
      // A stage in front would turn the global ARG into a stage ARG.
      variants: { multiStage: false },
    },
    {
      name: 'insertion after the last RUN, at the end when no CMD follows it',
      code: 'FROM «node:22»\nCMD ["node", "server.js"]\nRUN npm ci \\\n  && npm cache clean --force\n',
      messages: ['no USER is set'],
      fixes: [{ title: 'Add USER node', preferred: true }],
      output: 'FROM node:22\nCMD ["node", "server.js"]\nRUN npm ci \\\n  && npm cache clean --force\nUSER node\n',
    },
    {
      name: 'heredoc before CMD',
      code: 'FROM «node:22»\nRUN <<EOF\nnpm ci\nEOF\nCMD ["node", "server.js"]\n',
      messages: ['no USER is set'],
      fixes: [{ title: 'Add USER node', preferred: true }],
      output: 'FROM node:22\nRUN <<EOF\nnpm ci\nEOF\nUSER node\nCMD ["node", "server.js"]\n',
    },
    {
      // Fuzz seeds 86, 618, 963, 1281, 1447: a USER after it would be part of the heredoc's body. (The CMD
      // comes first so that the USER goes at the end.)
      name: 'last instruction a heredoc never terminated: no fix',
      code: 'FROM «node:22»\nCMD ["node", "server.js"]\nCOPY <<EOF /etc/app.conf\nkey=value\n',
      messages: ['no USER is set'],
      output: null,
    },
    {
      name: 'a heredoc the parser never sees terminated (`<<"EOF""` names `EOF"`): no fix',
      code: 'FROM «node:22»\nCMD ["node", "server.js"]\nRUN <<"EOF""\nnpm ci\nEOF\n',
      messages: ['no USER is set'],
      output: null,
    },
    {
      name: 'a heredoc terminated on the last line, without a line break: USER after it',
      code: 'FROM «node:22»\nCMD ["node", "server.js"]\nRUN <<EOF\nnpm ci\nEOF',
      fixes: [{ title: 'Add USER node', preferred: true }],
      messages: ['no USER is set'],
      output: 'FROM node:22\nCMD ["node", "server.js"]\nRUN <<EOF\nnpm ci\nEOF\nUSER node',
    },
    {
      // Fuzz seed 738: the continuation skips comment and blank lines, so the escape is not on the last line.
      name: 'continuation running on into comment and blank lines at the end: the escape goes, USER after',
      code: 'FROM «node:22»\nCMD ["node", "server.js"]\nRUN npm ci \\\n    # the cache stays\n\n   ',
      fixes: [{ title: 'Add USER node', preferred: true }],
      messages: ['no USER is set'],
      output: 'FROM node:22\nCMD ["node", "server.js"]\nRUN npm ci\n    # the cache stays\n\n   \nUSER node',
    },
    {
      name: '.NET 8 suggests the app user',
      code: 'FROM «mcr.microsoft.com/dotnet/aspnet:8.0»\nCOPY out /app\nENTRYPOINT ["dotnet", "app.dll"]\n',
      messages: ['(e.g. `USER app`)'],
      fixes: [{ title: 'Add USER app', preferred: true }],
      output: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY out /app\nUSER app\nENTRYPOINT ["dotnet", "app.dll"]\n',
    },
    {
      name: '.NET Core 3.1 has no app user',
      code: 'FROM «mcr.microsoft.com/dotnet/core/aspnet:3.1»\nCOPY out /app\nENTRYPOINT ["dotnet", "app.dll"]\n',
      messages: ['Add a USER before'],
      output: null,
    },
    {
      name: 'distroless without :nonroot',
      code: 'FROM «gcr.io/distroless/static-debian12»\nCOPY app /app\nCMD ["/app"]\n',
      messages: ['no USER is set'],
      fixes: [{ title: 'Add USER nonroot', preferred: true }],
      output: 'FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER nonroot\nCMD ["/app"]\n',
    },
    // Applications keep firing, whatever else the image looks like.
    {
      name: 'no CMD of its own on an application image: the base application runs as root',
      code: 'FROM «nginx:1.27»\nCOPY site /usr/share/nginx/html\n',
      messages: ['no USER is set. Its base `nginx:1.27` runs as root'],
      output: null,
    },
    {
      name: 'an interpreter with a script is an application',
      code: 'FROM «python:3.12-slim»\nCOPY app.py .\nCMD ["python", "app.py"]\n',
      messages: ['no USER is set'],
      output: null,
    },
    {
      name: 'sudo without -u runs as root',
      code: 'FROM «debian:12»\nENTRYPOINT ["sudo", "/usr/local/bin/server"]\n',
      messages: ['no USER is set'],
      output: null,
    },
    {
      name: 'gosu to root runs as root',
      code: 'FROM «debian:12»\nENTRYPOINT ["gosu", "root", "/usr/local/bin/server"]\n',
      messages: ['no USER is set'],
      output: null,
    },
    {
      name: 'a script named /init without s6-overlay is the application',
      code: 'FROM «debian:12»\nCOPY init /init\nENTRYPOINT ["/init"]\n',
      messages: ['no USER is set'],
      output: null,
    },
    {
      name: 'an entrypoint script without action.yml in the context',
      code: 'FROM «alpine:3.20»\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n',
      messages: ['no USER is set'],
      output: null,
      context: { rootEntries: ['entrypoint.sh', 'README.md'] },
    },
    {
      name: 'USER root at the end of an application image',
      code: 'FROM debian:12\nRUN useradd app\nUSER app\nRUN make\n«USER root»\nCMD ["/usr/local/bin/server"]\n',
      messages: ['`USER root` is the last USER'],
      output: null,
    },
  ],
});
