import { rule } from '../../../server/src/rules/no-user-in-final-stage';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    { name: 'USER set', code: 'FROM node:22-slim\nUSER node\nCMD ["node", "index.js"]\n' },
    { name: 'numeric USER', code: 'FROM alpine:3.20\nUSER 10001:10001\n' },
    { name: 'distroless nonroot', code: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n' },
    { name: 'chainguard', code: 'FROM cgr.dev/chainguard/node:latest\nCOPY . /app\n' },
    { name: 'USER inherited from a parent stage', code: 'FROM node:22 AS base\nUSER node\nFROM base\nCMD ["node"]\n' },
    {
      name: 'USER root in a build stage only',
      code: 'FROM node:22 AS build\nUSER root\nRUN npm ci\nFROM node:22-slim\nUSER node\n',
    },
    {
      name: 'build stage without USER is not shipped',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\n',
    },
    {
      name: 'target picks a stage with USER',
      code: 'FROM node:22 AS app\nUSER node\nFROM debian:12 AS debug\n',
      target: 'app',
    },
    {
      name: 'postgres drops root in its entrypoint',
      code: 'FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n',
    },
    {
      name: 'entrypoint drops root with gosu',
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y gosu\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n',
    },
    {
      name: 'su-exec copied in',
      code: 'FROM alpine:3.20\nCOPY --from=tools /usr/local/bin/su-exec /usr/local/bin/su-exec\n',
    },
    { name: 'Windows base image', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n' },
    {
      name: '.NET chiseled runs as app',
      code: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled\nCOPY out /app\n',
    },
    { name: 'USER given through a variable', code: 'FROM debian:12\nARG UID=1000\nUSER $UID\n' },
  ],
  invalid: [
    {
      name: 'no USER on node: insert USER node before CMD',
      code: 'FROM «node:22-slim»\nWORKDIR /app\nCOPY . .\nCMD ["node", "index.js"]\n',
      fixes: [{ title: 'Add USER node', preferred: true }],
      messages: ['no USER is set and `node:22-slim` runs as root'],
      output: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "index.js"]\n',
    },
    {
      name: 'no USER, unknown base: no fix',
      code: 'FROM «debian:12»\nRUN echo hi\n',
      messages: ['Add a USER before CMD/ENTRYPOINT'],
      output: null,
    },
    {
      name: 'last USER is root',
      code: 'FROM node:22\nUSER node\nRUN npm ci\n«USER root»\nCMD ["node"]\n',
      fixes: [{ title: 'Switch to USER node', preferred: true }],
      messages: ['`USER root` is the last USER'],
      output: 'FROM node:22\nUSER node\nRUN npm ci\nUSER node\nCMD ["node"]\n',
    },
    { name: 'USER 0:0', code: 'FROM debian:12\n«USER 0:0»\n', messages: ['`USER 0:0` is the last USER'], output: null },
    {
      name: 'scratch: numeric user at the end',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM «scratch»\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
      fixes: [{ title: 'Add USER 65534:65534', preferred: true }],
      messages: ['scratch runs as root'],
      output:
        'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\nUSER 65534:65534\nENTRYPOINT ["/app"]\n',
    },
    {
      name: 'USER only in a build stage does not carry over',
      code: 'FROM node:22 AS build\nUSER node\nRUN npm ci\nFROM «debian:12»\nCOPY --from=build /app /app\n',
      messages: ['no USER is set'],
    },
    {
      name: 'ARG-resolved base image',
      code: 'ARG NODE=node:22-slim\nFROM «${NODE}»\nCMD ["node"]\n',
      fixes: [{ title: 'Add USER node', preferred: true }],
      messages: ['`node:22-slim` runs as root'],
      output: 'ARG NODE=node:22-slim\nFROM ${NODE}\nUSER node\nCMD ["node"]\n',
      // A stage in front would turn the global ARG into a stage ARG.
      variants: { multiStage: false },
    },
    {
      name: 'insertion after the last RUN, at the end when there is no CMD',
      code: 'FROM «node:22»\nRUN npm ci \\\n  && npm cache clean --force\n',
      fixes: [{ title: 'Add USER node', preferred: true }],
      messages: ['no USER is set'],
      output: 'FROM node:22\nRUN npm ci \\\n  && npm cache clean --force\nUSER node\n',
    },
    {
      name: 'heredoc before CMD',
      code: 'FROM «node:22»\nRUN <<EOF\nnpm ci\nEOF\nCMD ["node"]\n',
      fixes: [{ title: 'Add USER node', preferred: true }],
      messages: ['no USER is set'],
      output: 'FROM node:22\nRUN <<EOF\nnpm ci\nEOF\nUSER node\nCMD ["node"]\n',
    },
    {
      name: '.NET 8 suggests the app user',
      code: 'FROM «mcr.microsoft.com/dotnet/aspnet:8.0»\nCOPY out /app\nENTRYPOINT ["dotnet", "app.dll"]\n',
      fixes: [{ title: 'Add USER app', preferred: true }],
      messages: ['(e.g. `USER app`)'],
      output: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY out /app\nUSER app\nENTRYPOINT ["dotnet", "app.dll"]\n',
    },
    {
      name: '.NET Core 3.1 has no app user',
      code: 'FROM «mcr.microsoft.com/dotnet/core/aspnet:3.1»\nCOPY out /app\n',
      messages: ['Add a USER before'],
      output: null,
    },
    {
      name: 'distroless without :nonroot',
      code: 'FROM «gcr.io/distroless/static-debian12»\nCOPY app /app\n',
      fixes: [{ title: 'Add USER nonroot', preferred: true }],
      messages: ['no USER is set'],
      output: 'FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER nonroot\n',
    },
  ],
});
