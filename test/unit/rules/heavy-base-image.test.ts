import { rule } from '../../../server/src/rules/heavy-base-image';
import { ruleTester } from '../ruleTester';

const app = 'WORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n';

ruleTester(rule, {
  valid: [
    { name: 'slim variant', code: `FROM python:3.12-slim\n${app}` },
    { name: 'alpine variant', code: `FROM python:3.12-alpine\n${app}` },
    { name: 'slim with a suite', code: `FROM python:3.12-slim-bookworm\n${app}` },
    { name: 'ubuntu has no slim variant', code: 'FROM ubuntu:24.04\nCOPY app /app\nCMD ["/app"]\n' },
    {
      name: 'full image only in a build stage',
      code: 'FROM python:3.12 AS build\nRUN pip wheel -w /wheels -r requirements.txt\n\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nCMD ["python", "app.py"]\n',
    },
    {
      name: 'an environment image without a program of its own',
      code: 'FROM python:3.12\nRUN pip install --no-cache-dir poetry\n',
    },
    {
      name: "full node image that only runs a bundle is sdk-image-in-final-stage's",
      code: 'FROM node:22 AS build\nRUN npm ci && npm run build\n\nFROM node:22\nCOPY --from=build /app/dist /app\nCMD ["node", "/app/main.js"]\n',
    },
    { name: 'image from an ARG without default', code: 'ARG PYTHON_IMAGE\nFROM ${PYTHON_IMAGE}\nCMD ["python"]\n' },
    {
      name: 'an ONBUILD base builds the application in child images',
      code: 'FROM erlang:27\nWORKDIR /usr/src/app\nONBUILD COPY . /usr/src/app\nONBUILD RUN rebar3 release\nCMD ["rebar3", "shell"]\n',
    },
    { name: 'a release candidate tag has no slim we know of', code: `FROM python:3.14-rc\n${app}` },
  ],
  invalid: [
    {
      name: 'python full tag, with sizes',
      code: `FROM «python:3.12»\n${app}`,
      fixes: [{ title: 'Switch to the slim variant (python:3.12-slim)', preferred: false }],
      messages: [
        '`python:3.12` is the full variant (≈ 411 MB to pull; the slim one ≈ 43 MB). `python:3.12-slim` has the same runtime without compilers, -dev headers and version-control tools',
      ],
      output: `FROM python:3.12-slim\n${app}`,
    },
    {
      name: 'python with a suite: slim goes before it',
      code: `FROM «python:3.11-bookworm»\n${app}`,
      fixes: [{ title: 'Switch to the slim variant (python:3.11-slim-bookworm)', preferred: false }],
      messages: ['`python:3.11-slim-bookworm` has the same runtime'],
      output: `FROM python:3.11-slim-bookworm\n${app}`,
    },
    {
      name: 'node installing modules',
      code: 'FROM «node:22»\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]\n',
      fixes: [{ title: 'Switch to the slim variant (node:22-slim)', preferred: false }],
      messages: ['`node:22` is the full variant (≈ 408 MB to pull; the slim one ≈ 80 MB). `node:22-slim`'],
      output:
        'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]\n',
    },
    {
      name: 'node with a suite: slim goes after it',
      code: 'FROM «node:20-bookworm»\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n',
      fixes: [{ title: 'Switch to the slim variant (node:20-bookworm-slim)', preferred: false }],
      messages: ['`node:20-bookworm-slim`'],
      output: 'FROM node:20-bookworm-slim\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n',
    },
    {
      name: 'debian by version number: sizes through the codename',
      code: 'FROM «debian:12»\nCOPY app /app\nCMD ["/app"]\n',
      fixes: [{ title: 'Switch to the slim variant (debian:12-slim)', preferred: false }],
      messages: [
        '`debian:12` is the full variant (≈ 48 MB to pull; the slim one ≈ 28 MB). `debian:12-slim` has the same runtime without man pages, documentation and most locales. Use it unless the container reads man pages',
      ],
      output: 'FROM debian:12-slim\nCOPY app /app\nCMD ["/app"]\n',
    },
    {
      name: 'debian without a tag',
      code: 'FROM «debian»\nCOPY app /app\nCMD ["/app"]\n',
      fixes: [{ title: 'Switch to the slim variant (debian:stable-slim)', preferred: false }],
      messages: ['`debian:stable-slim`'],
      output: 'FROM debian:stable-slim\nCOPY app /app\nCMD ["/app"]\n',
    },
    {
      name: 'ruby, with sizes',
      code: 'FROM «ruby:3.3»\nCOPY . .\nCMD ["ruby", "app.rb"]\n',
      fixes: [{ title: 'Switch to the slim variant (ruby:3.3-slim)', preferred: false }],
      messages: ['(≈ 418 MB to pull; the slim one ≈ 81 MB)'],
      output: 'FROM ruby:3.3-slim\nCOPY . .\nCMD ["ruby", "app.rb"]\n',
    },
    {
      name: 'a pinned digest: no quick fix',
      code: `FROM «python:3.12@sha256:6c7a9cbaf81f5466d0b4311a249ba5eeb8cc3290c22a7d9d93392cc4d3a6c6ac»\n${app}`,
      messages: ["The digest pins the full image: pin the slim variant's digest instead."],
      output: null,
    },
    {
      name: 'the tag from an ARG: -slim appended after the variable',
      // A stage put in front turns the global ARG into a stage ARG, which FROM cannot see.
      variants: { multiStage: false },
      code: `ARG PYTHON_VERSION=3.12\nFROM «python:\${PYTHON_VERSION}»\n${app}`,
      fixes: [{ title: 'Switch to the slim variant (python:3.12-slim)', preferred: false }],
      messages: ['`python:3.12` is the full variant'],
      output: `ARG PYTHON_VERSION=3.12\nFROM python:\${PYTHON_VERSION}-slim\n${app}`,
    },
    {
      name: 'a variable hides where slim would go: no quick fix',
      // A stage put in front turns the global ARG into a stage ARG, which FROM cannot see.
      variants: { multiStage: false },
      code: `ARG PYTHON_TAG=3.12-bookworm\nFROM «python:\${PYTHON_TAG}»\n${app}`,
      messages: ['`python:3.12-slim-bookworm`'],
      output: null,
    },
    {
      name: 'inherited through FROM <stage>',
      code: 'FROM «python:3.11» AS base\nRUN pip install --no-cache-dir flask\n\nFROM base\nCOPY . /app\nCMD ["python", "/app/app.py"]\n',
      fixes: [{ title: 'Switch to the slim variant (python:3.11-slim)', preferred: false }],
      messages: ['`python:3.11-slim`'],
      output:
        'FROM python:3.11-slim AS base\nRUN pip install --no-cache-dir flask\n\nFROM base\nCOPY . /app\nCMD ["python", "/app/app.py"]\n',
    },
  ],
});
