import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/source-copied-into-final-stage';
import type { BuildContextFacts } from '../../../server/src/rules/types';
import { ruleTester } from '../ruleTester';

const nodeProject = [
  '.git',
  '.env',
  '.env.example',
  'node_modules',
  'package.json',
  'package-lock.json',
  'server.js',
  'test',
];
const dockerignore = (text: string): BuildContextFacts['dockerignore'] => ({ path: '/project/.dockerignore', text });

ruleTester(rule, {
  valid: [
    {
      name: 'COPY . . in a build stage, only the binary shipped',
      code: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\n',
    },
    {
      name: 'named sources only',
      code: 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY src ./src\n',
    },
    {
      name: 'a sub-folder is not the whole context',
      code: 'FROM nginx:1.27\nCOPY ./public /usr/share/nginx/html\nCOPY conf/*.conf /etc/nginx/conf.d/\n',
    },
    {
      name: 'COPY --from a stage copies from that stage, not the context',
      code: 'FROM node:22 AS build\nRUN npm ci\nFROM node:22-slim\nCOPY --from=build . .\n',
    },
    { name: 'COPY --from an image', code: 'FROM alpine:3.20\nCOPY --from=busybox:1.36 . /busybox\n' },
    { name: 'heredoc COPY whose body has dots', code: 'FROM alpine:3.20\nCOPY <<EOF /etc/app.conf\nroot = . .\nEOF\n' },
    { name: 'ADD of a URL', code: 'FROM alpine:3.20\nADD https://example.com/app.tar.gz .\n' },
    { name: 'source from a variable', code: 'FROM alpine:3.20\nARG SRC=dist\nCOPY $SRC /app\n' },
    {
      name: 'bind mount of the context leaves no layer',
      code: 'FROM golang:1.23\nRUN --mount=type=bind,target=. go build -o /usr/local/bin/app\n',
    },
    {
      name: 'COPY . . in a test stage the shipped one does not use',
      code: 'FROM node:22 AS test\nCOPY . .\nRUN npm test\nFROM node:22-slim\nCOPY server.js .\n',
    },
    {
      name: 'a test stage built by default (the last one)',
      code: 'FROM golang:1.23 AS base\nWORKDIR /src\nFROM base AS test\nCOPY . .\nRUN go test ./...\n',
    },
    {
      name: 'a test image whose CMD runs the test script',
      code: 'FROM node:22-slim\nADD . /app\nWORKDIR /app\nCMD ["/app/tests.sh"]\n',
    },
    {
      name: 'a test image running npm test (shell form)',
      code: 'FROM node:22\nCOPY . .\nRUN npm ci\nCMD npm test -- --ci\n',
    },
    {
      name: 'a test image with ENTRYPOINT pytest',
      code: 'FROM python:3.12\nCOPY . /src\nENTRYPOINT ["python", "-m", "pytest"]\n',
    },
    {
      name: 'target picks a stage without COPY . .',
      code: 'FROM node:22-slim AS app\nCOPY server.js .\nFROM app AS dev\nCOPY . .\n',
      target: 'app',
    },
    {
      name: 'a build environment without a program of its own works on the sources it copies',
      code: 'FROM nixos/nix:2.24.9\nWORKDIR /workspace\nCOPY . .\nRUN nix build\n',
    },
    { name: 'an image that starts a shell', code: 'FROM debian:12\nCOPY . /src\nCMD ["bash"]\n' },
  ],
  invalid: [
    {
      name: 'no CMD of its own on an application image: the application serves what was copied',
      code: 'FROM nginx:1.27\n«COPY . /usr/share/nginx/html»\n',
      messages: ['`COPY . /usr/share/nginx/html` copies the whole build context into the shipped image'],
      output: null,
    },
    {
      name: 'fix: the shipped stage rebuilds what the build stage made: COPY --from it and drop the rebuild',
      code:
        'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\n' +
        'FROM golang:1.23\nWORKDIR /src\n«COPY . .»\nRUN go mod download && go build -o /out/app ./cmd/app\nEXPOSE 8080\nCMD ["/out/app"]\n',
      fixes: [
        {
          title: 'Add COPY --from=build /out/app /out/app in place of the context copy and drop the rebuild on line 8',
          preferred: true,
        },
      ],
      messages: ['`COPY . .` copies the whole build context into the shipped image'],
      output:
        'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\n' +
        'FROM golang:1.23\nWORKDIR /src\nCOPY --from=build /out/app /out/app\nEXPOSE 8080\nCMD ["/out/app"]\n',
    },
    {
      name: 'fix: a published folder, relative to WORKDIR, keeping --chown',
      code:
        'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o out\n' +
        'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /src\n«COPY --chown=app . .»\nUSER app\nENTRYPOINT ["dotnet", "out/Api.dll"]\n',
      fixes: [
        {
          title: 'Add COPY --from=build --chown=app /src/out/ /src/out/ in place of the context copy',
          preferred: true,
        },
      ],
      messages: ['`COPY . .` copies the whole build context'],
      output:
        'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o out\n' +
        'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /src\nCOPY --from=build --chown=app /src/out/ /src/out/\nUSER app\nENTRYPOINT ["dotnet", "out/Api.dll"]\n',
    },
    {
      name: 'no fix: the app runs a source file next to the built venv',
      code: 'FROM python:3.12 AS build\nRUN python -m venv /opt/venv\nFROM python:3.12-slim\nWORKDIR /app\n«COPY . .»\nCMD ["/opt/venv/bin/python", "app.py"]\n',
      messages: ['`COPY . .` copies the whole build context'],
      output: null,
    },
    {
      name: 'no fix: a RUN after the COPY uses the sources',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM debian:12-slim\n«COPY . /src»\nRUN make -C /src install\nCMD ["/out/app"]\n',
      messages: ['`COPY . /src` copies the whole build context'],
      output: null,
    },
    {
      name: 'no fix: the build output goes to a variable path',
      code: 'FROM golang:1.23 AS build\nRUN go build -o "$OUT" .\nFROM debian:12-slim\n«COPY . .»\nCMD ["/app"]\n',
      messages: ['`COPY . .` copies the whole build context'],
      output: null,
    },
    {
      name: 'single stage, context unknown: info, nothing said about .dockerignore',
      code: 'FROM node:22-slim\nWORKDIR /app\n«COPY . .»\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n',
      messages: ['`COPY . .` copies the whole build context into the shipped image. Tests, build files, docs'],
      output: null,
    },
    {
      name: 'every spelling of the whole context',
      code: 'FROM python:3.12-slim\n«COPY . /app»\n«ADD . .»\n«COPY ./ /app/»\n«COPY * ./»\n«COPY ./* /srv/»\n«COPY [".", "/opt/app"]»\n«copy --chown=app:app . .»\nCMD ["./run"]\n',
      messages: [
        '`COPY . /app`',
        '`ADD . .`',
        '`COPY ./ /app/`',
        '`COPY * ./`',
        '`COPY ./* /srv/`',
        '`COPY . /opt/app`',
        '`COPY . .`',
      ],
    },
    {
      name: 'continuation lines',
      code: 'FROM python:3.12-slim\n«COPY --chown=app:app \\\n    . \\\n    /app»\nCMD ["./run"]\n',
      messages: ['`COPY . /app`'],
    },
    {
      name: 'inherited through FROM <stage>',
      code: 'FROM python:3.12-slim AS base\nWORKDIR /app\n«COPY . .»\nFROM base\nCMD ["python", "app.py"]\n',
      messages: ['copies the whole build context into the shipped image'],
    },
    {
      name: 'the --target stage',
      code: 'FROM node:22-slim AS app\n«COPY . .»\nCMD ["./run"]\nFROM app AS debug\nRUN apt-get update\n',
      target: 'app',
      messages: ['`COPY . .`'],
    },
    {
      name: 'after node_modules came from a builder: the host copy lands on top',
      code: 'FROM node:20-alpine AS builder\nCOPY package*.json ./\nRUN npm install --only=production\nFROM alpine:3.20\nRUN apk add --no-cache nodejs\nCOPY --from=builder /node_modules ./node_modules\n«COPY . .»\nCMD ["./run"]\n',
      context: { dockerignore: null, rootEntries: nodeProject },
      severity: 'warning',
      messages: ['with no .dockerignore. Everything in it goes in, `.git`, `.env`, `node_modules`, `test` included'],
    },
    {
      name: 'no .dockerignore, entries unknown',
      code: 'FROM python:3.12-slim\n«COPY . /app»\nCMD ["./run"]\n',
      context: { dockerignore: null },
      severity: 'warning',
      messages: ['with no .dockerignore. Everything in it goes in, `.git`, `.env`, `.env.local` too if present'],
    },
    {
      name: 'no .dockerignore, nothing hazardous in the folder',
      code: 'FROM python:3.12-slim\n«COPY . /app»\nCMD ["./run"]\n',
      context: { dockerignore: null, rootEntries: ['app.py', 'requirements.txt'] },
      severity: 'warning',
      messages: ['with no .dockerignore. Everything in it goes in. Add a .dockerignore'],
    },
    {
      name: '.dockerignore that forgets .git and .env',
      code: 'FROM node:22-slim\n«COPY . .»\nCMD ["./run"]\n',
      context: { dockerignore: dockerignore('node_modules\nnpm-debug.log\n'), rootEntries: nodeProject },
      severity: 'warning',
      messages: ['`.git`, `.env`, `test` are not excluded by .dockerignore. Exclude them there'],
    },
    {
      name: 'a re-include brings a secret back',
      code: 'FROM node:22-slim\n«COPY . .»\nCMD ["./run"]\n',
      context: {
        dockerignore: dockerignore('.git\n.env*\n!.env.production.local\nnode_modules\ntest\n'),
        rootEntries: ['.git', '.env', '.env.production.local', 'node_modules', 'test'],
      },
      severity: 'warning',
      messages: ['`.env.production.local` is not excluded by .dockerignore. Exclude it there'],
    },
    {
      name: 'unknown entries: .git and local .env files are probed',
      code: 'FROM node:22-slim\n«COPY . .»\nCMD ["./run"]\n',
      context: { dockerignore: dockerignore('node_modules\n') },
      severity: 'warning',
      messages: ['`.git`, `.env`, `.env.local` are not excluded by .dockerignore'],
    },
    {
      name: 'only tests get through: listed',
      code: 'FROM node:22-slim\n«COPY . .»\nCMD ["./run"]\n',
      context: { dockerignore: dockerignore('**/.git\n**/.env\nnode_modules\n'), rootEntries: nodeProject },
      messages: ['`test` is not excluded by .dockerignore'],
    },
    {
      name: 'a complete .dockerignore leaves the base finding',
      code: 'FROM node:22-slim\n«COPY . .»\nCMD ["./run"]\n',
      context: { dockerignore: dockerignore('.git\n.env\nnode_modules\ntest\n'), rootEntries: nodeProject },
      messages: ['`COPY . .` copies the whole build context into the shipped image. Tests, build files'],
    },
    {
      name: 'an allow-list .dockerignore',
      code: 'FROM node:22-slim\n«COPY . .»\nCMD ["./run"]\n',
      context: { dockerignore: dockerignore('*\n!package*.json\n!server.js\n'), rootEntries: nodeProject },
      messages: ['copies the whole build context into the shipped image. Tests, build files'],
    },
    {
      name: 'COPY --exclude counts like .dockerignore lines',
      code: 'FROM node:22-slim\n«COPY --exclude=.git --exclude=.env* --exclude=test . .»\nCMD ["./run"]\n',
      context: { dockerignore: dockerignore('node_modules\n'), rootEntries: nodeProject },
      messages: ['copies the whole build context into the shipped image. Tests, build files'],
    },
    {
      name: 'a .dockerignore Docker rejects: nothing claimed about it',
      code: 'FROM node:22-slim\n«COPY . .»\nCMD ["./run"]\n',
      context: { dockerignore: dockerignore('[broken\n'), rootEntries: nodeProject },
      messages: ['copies the whole build context into the shipped image. Tests, build files'],
    },
  ],
});

describe('source-copied-into-final-stage severity', () => {
  const severity = (context: BuildContextFacts) =>
    analyze(buildModel('FROM node:22-slim\nCOPY . .\nCMD ["node", "server.js"]\n'), {}, [rule], context).map(
      (finding) => finding.severity,
    );

  it('is info when the context is unknown or well excluded', () => {
    assert.deepEqual(severity({}), ['info']);
    assert.deepEqual(
      severity({ dockerignore: dockerignore('.git\n.env\nnode_modules\ntest\n'), rootEntries: nodeProject }),
      ['info'],
    );
  });

  it('rises to warning without a .dockerignore or when it lets a hazard through', () => {
    assert.deepEqual(severity({ dockerignore: null, rootEntries: ['app.py'] }), ['warning']);
    assert.deepEqual(severity({ dockerignore: dockerignore('node_modules\n'), rootEntries: nodeProject }), ['warning']);
  });

  it('stays info when only tests get through', () => {
    assert.deepEqual(severity({ dockerignore: dockerignore('.git\n.env\nnode_modules\n'), rootEntries: nodeProject }), [
      'info',
    ]);
  });
});
