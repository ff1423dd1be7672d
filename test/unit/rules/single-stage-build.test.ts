import { rule } from '../../../server/src/rules/single-stage-build';
import { ruleTester } from '../ruleTester';

const message = 'builds in the only stage';

ruleTester(rule, {
  valid: [
    { name: 'runtime-only single stage', code: 'FROM node:22-slim\nCOPY dist /app\nCMD ["node", "/app/index.js"]\n' },
    {
      name: 'install without build',
      code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nCMD ["flask", "run"]\n',
    },
    {
      name: 'multi-stage build',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n',
    },
    { name: 'npm run start is not a build', code: 'FROM node:22\nRUN npm run start\n' },
    { name: 'go mod download does not build', code: 'FROM golang:1.23\nRUN go mod download\n' },
    { name: 'make in a comment', code: 'FROM debian:12\n# RUN make\nRUN echo make\n' },
    {
      name: 'make install alone copies files',
      code: 'FROM alpine:3.20\nRUN git clone https://example.com/plugin.git && cd plugin && make install\n',
    },
    { name: 'version check', code: 'FROM eclipse-temurin:21-jdk\nRUN javac --version && java -version\n' },
    {
      name: 'toolchain purged in the same RUN (official-image style)',
      code: 'FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc make \\\n  && make -j4 && make install \\\n  && apk del .build-deps\n',
    },
    {
      name: 'apt-mark auto then purge --auto-remove (docker-library idiom)',
      code: 'FROM debian:12\nRUN apt-mark auto gcc && make && make install && apt-get purge -y --auto-remove\n',
    },
    {
      name: 'apt purge in the same RUN',
      code: 'FROM debian:12\nRUN apt-get install -y gcc make && make && apt-get purge -y --auto-remove gcc make\n',
    },
    {
      name: 'a toolchain image whose CMD is the toolchain (official python style)',
      code: 'FROM buildpack-deps:bookworm\nRUN ./configure --enable-shared && make -j4 && make install\nCMD ["python3"]\n',
    },
    {
      name: 'a toolchain image behind an entrypoint script (official node style)',
      code: 'FROM debian:12\nRUN make -j4 && make install\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node"]\n',
    },
    {
      name: 'an image without a program of its own',
      code: 'FROM golang:1.23\nRUN go build -o /usr/local/bin/tool ./cmd/tool\n',
    },
    { name: 'an image that starts a shell', code: 'FROM gcc:14\nRUN make -j4 && make install\nCMD ["/bin/bash"]\n' },
    {
      name: 'an ONBUILD base',
      code: 'FROM node:22\nRUN npm run build\nONBUILD COPY . /app\nCMD ["node", "/app/index.js"]\n',
    },
    {
      name: 'a builder image (ENTRYPOINT is a build tool)',
      code: 'FROM node:22\nRUN yarn build\nENTRYPOINT ["yarn"]\n',
    },
    {
      name: 'a CI image (GitHub Action labels)',
      code: 'FROM golang:1.23\nLABEL com.github.actions.name="lint"\nRUN go build -o /action .\nENTRYPOINT ["/action"]\n',
    },
    {
      name: 'a builder image by its description label',
      code: 'FROM debian:12\nLABEL org.opencontainers.image.description="Builder image for the firmware"\nRUN make -j4\nENTRYPOINT ["/usr/local/bin/fw"]\n',
    },
    {
      name: 'a dev-server image (ng serve)',
      code: 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["npx", "ng", "serve", "--host", "0.0.0.0"]\n',
    },
    {
      name: 'NODE_ENV=development',
      code: 'FROM node:22\nENV NODE_ENV=development\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n',
    },
  ],
  invalid: [
    {
      name: 'npm run build',
      code: 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && «npm run build»\nCMD ["node", "dist/index.js"]\n',
      messages: [message],
      output: null,
      variants: { multiStage: false },
    },
    {
      name: 'go build',
      code: 'FROM golang:1.23\nRUN «go build -o /app ./cmd/server»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'maven package with flags',
      code: 'FROM maven:3-eclipse-temurin-21\nRUN «mvn -B -DskipTests clean package»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'gradle wrapper',
      code: 'FROM eclipse-temurin:21\nRUN «./gradlew bootJar»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'cargo build',
      code: 'FROM rust:1.80\nRUN «cargo build --release»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'dotnet publish',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN «dotnet publish -c Release -o /out»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'make after sudo',
      code: 'FROM debian:12\nRUN «make -j4» && sudo make install\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'gcc behind env',
      code: 'FROM gcc:14\nRUN env CFLAGS=-O2 «gcc -o /app main.c»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'yarn build on a continuation line',
      code: 'FROM node:22\nRUN yarn install --frozen-lockfile \\\n  # build the bundle\n  && «yarn build»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'heredoc RUN',
      code: 'FROM node:22\nRUN <<EOF\nnpm ci\n«pnpm run build:prod»\nEOF\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'exec-form RUN',
      code: 'FROM golang:1.23\nRUN «["go", "build", "-o", "/app"]»\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'a purge in a later RUN does not help',
      code: 'FROM debian:12\nRUN apt-get install -y gcc && «make»\nRUN apt-get purge -y gcc\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'the interpreter with a script is an application',
      code: 'FROM python:3.12\nRUN «make -j4»\nCMD ["python3", "app.py"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'an init process in front of the application',
      code: 'FROM golang:1.23\nRUN «go build -o /app .»\nENTRYPOINT ["tini", "--"]\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'NODE_ENV=production is an application',
      code: 'FROM node:22\nENV NODE_ENV=production\nRUN «npm run build»\nCMD ["npm", "start"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
    {
      name: 'only the first build is reported',
      code: 'FROM node:22\nRUN «npm run build»\nRUN npm run build:docs\nCMD ["/app"]\n',
      messages: [message],
      variants: { multiStage: false },
    },
  ],
});
