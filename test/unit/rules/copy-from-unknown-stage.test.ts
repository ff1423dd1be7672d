import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/copy-from-unknown-stage';
import { ruleTester } from '../ruleTester';

const goBuild = 'FROM golang:1.23 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\n';

ruleTester(rule, {
  valid: [
    {
      name: 'stage defined earlier',
      code: `${goBuild}FROM gcr.io/distroless/static-debian12\nCOPY --from=builder /out/app /app\n`,
    },
    {
      name: 'stage names are case-insensitive',
      code: 'FROM node:22 AS Deps\nRUN npm ci\nFROM node:22-slim\nCOPY --from=DEPS /node_modules /app/node_modules\n',
    },
    {
      name: 'image with a tag',
      code: 'FROM nginx:1.27-alpine\nCOPY --from=traefik:v3.1 /usr/local/bin/traefik /usr/local/bin/\n',
    },
    {
      name: 'image with a registry',
      code: 'FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.5.31 /uv /uvx /bin/\n',
    },
    {
      name: 'image with a digest',
      code: 'FROM alpine:3.20\nCOPY --from=busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7 /bin/busybox /busybox\n',
    },
    {
      name: 'a bare image far from every stage name (composer)',
      code: 'FROM php:8.3-cli AS app-build\nRUN docker-php-ext-install pdo\nFROM php:8.3-fpm\nCOPY --from=composer /usr/bin/composer /usr/bin/composer\n',
    },
    {
      name: 'an official image by its short name',
      code: 'FROM php:8.3-fpm AS app\nCOPY --from=composer /usr/bin/composer /usr/bin/composer\n',
    },
    {
      name: 'an unknown name in a file that names no stage',
      code: 'FROM debian:12\nCOPY --from=dependencies /deps /deps\n',
      variants: { multiStage: false },
    },
    {
      name: 'a variable',
      code: 'ARG BUILDER=builder\nFROM golang:1.23 AS builder\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=${BUILDER} /app /app\n',
    },
    { name: 'an index of an earlier stage', code: `${goBuild}FROM alpine:3.20\nCOPY --from=0 /out/app /app\n` },
    {
      name: 'cache mount without from',
      code: 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n',
    },
    {
      name: 'bind mount from a stage',
      code: `${goBuild}FROM alpine:3.20\nRUN --mount=type=bind,from=builder,source=/out,target=/in cp /in/app /usr/local/bin/app\n`,
    },
    {
      name: 'mount from an image',
      code: 'FROM debian:12\nRUN --mount=from=ghcr.io/org/tools:1.2,source=/bin/tool,target=/tool /tool --version\n',
    },
  ],
  invalid: [
    {
      name: 'short names are not guessed at: no near-miss, only the info that an image is pulled',
      code: 'FROM node:22 AS ui\nRUN npm run build\nFROM golang:1.23 AS api\nRUN go build -o /api .\nFROM alpine:3.20\nCOPY --from=«go» /usr/local/go/bin/gofmt /bin/\n',
      severity: 'info',
      messages: ['No stage is named `go` and it is not an official image'],
      output: null,
    },
    {
      name: 'a named build context or a missing stage: Docker pulls an image of that name',
      code: 'FROM axllent/mailpit:v1.20 AS mailpit\nFROM discourse/base:slim AS repo-fetcher\nRUN git clone https://github.com/discourse/discourse /repo\nFROM discourse/base:slim\nCOPY --from=«templates» /redis.template.yml /pups/redis.yml\n',
      severity: 'info',
      messages: [
        'No stage is named `templates` and it is not an official image. Docker will try to pull an image `templates`, unless the build passes `--build-context templates=…`.',
      ],
      output: null,
    },
    {
      name: '--from without = fails the build',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY «--from» build /app /app\n',
      fixes: [{ title: 'Write --from=build', preferred: true }],
      messages: ['`--from` without `=` fails the build ("missing a value on flag: from"): write `--from=build`.'],
      output: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    },
    {
      // Fuzz seed 36155: the `=` after the blanks; writing another `=` made `--from==build`.
      name: '--from =build: the blanks go',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY «--from»\t=build /app /app\n',
      fixes: [{ title: 'Write --from=build', preferred: true }],
      messages: ['`--from` without `=` fails the build ("missing a value on flag: from"): write `--from=build`.'],
      output: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    },
    {
      // Fuzz seed 14495: `--from=|` names no stage nor image either.
      name: '--from followed by a word that cannot name a stage or image: no fix',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY «--from» | sh=build /app /app\n',
      messages: ['`--from` without `=` fails the build ("missing a value on flag: from"): write `--from=NAME`.'],
      output: null,
    },
    {
      // Fuzz seed 159124: the range was the value's length from its start, one character per line break short.
      name: 'a typo in a value continued on the next line: the whole value is replaced',
      code: `${goBuild}FROM gcr.io/distroless/static-debian12\nCOPY --from=«\\\nbuidler» /out/app /app\n`,
      fixes: [{ title: 'Use the stage builder', preferred: true }],
      messages: ['Did you mean the stage `builder`'],
      output: `${goBuild}FROM gcr.io/distroless/static-debian12\nCOPY --from=builder /out/app /app\n`,
    },
    {
      name: 'typo of a stage name',
      code: `${goBuild}FROM gcr.io/distroless/static-debian12\nCOPY --from=«buidler» /out/app /app\n`,
      fixes: [{ title: 'Use the stage builder', preferred: true }],
      messages: [
        'No stage is named `buidler`. Docker takes it for an image and tries to pull `buidler:latest`. Did you mean the stage `builder` (line 1)?',
      ],
      output: `${goBuild}FROM gcr.io/distroless/static-debian12\nCOPY --from=builder /out/app /app\n`,
    },
    {
      name: 'build for builder',
      code: `${goBuild}FROM alpine:3.20\nCOPY --from=«build» /out/app /app\n`,
      fixes: [{ title: 'Use the stage builder', preferred: true }],
      messages: ['Did you mean the stage `builder` (line 1)?'],
      output: `${goBuild}FROM alpine:3.20\nCOPY --from=builder /out/app /app\n`,
    },
    {
      name: 'typo in a RUN --mount from=',
      code: `${goBuild}FROM alpine:3.20\nRUN --mount=type=bind,from=«biulder»,source=/out,target=/in \\\n    cp /in/app /usr/local/bin/app\n`,
      fixes: [{ title: 'Use the stage builder', preferred: true }],
      messages: ['No stage is named `biulder`'],
      output: `${goBuild}FROM alpine:3.20\nRUN --mount=type=bind,from=builder,source=/out,target=/in \\\n    cp /in/app /usr/local/bin/app\n`,
    },
    {
      name: 'a stage whose name ends with the word (docker/compose: set for license-set)',
      code: 'FROM alpine:3.20 AS license-set\nRUN mkdir /out && cp /src/LICENSE /out/\n\nFROM scratch AS license-update\nCOPY --from=«set» /out /\n',
      fixes: [{ title: 'Use the stage license-set', preferred: false }],
      messages: ['Did you mean the stage `license-set` (line 1)?'],
      output:
        'FROM alpine:3.20 AS license-set\nRUN mkdir /out && cp /src/LICENSE /out/\n\nFROM scratch AS license-update\nCOPY --from=license-set /out /\n',
    },
    {
      name: 'JSON form and a continuation line',
      code: `${goBuild}FROM alpine:3.20\nCOPY --chown=1000:1000 \\\n     --from=«buidler» ["/out/app", "/app"]\n`,
      fixes: [{ title: 'Use the stage builder', preferred: true }],
      messages: ['No stage is named `buidler`'],
      output: `${goBuild}FROM alpine:3.20\nCOPY --chown=1000:1000 \\\n     --from=builder ["/out/app", "/app"]\n`,
    },
    {
      name: 'exec-form RUN with a mount',
      code: `${goBuild}FROM alpine:3.20\nRUN --mount=from=«buidler»,source=/out/app,target=/app ["/app", "--selftest"]\n`,
      fixes: [{ title: 'Use the stage builder', preferred: true }],
      messages: ['No stage is named `buidler`'],
    },
    {
      name: 'index past the last stage',
      code: `${goBuild}FROM alpine:3.20\nCOPY --from=«2» /out/app /app\n`,
      messages: ['`2` is not a stage index: the stages are numbered 0 to 1'],
      output: null,
      // A stage put in front renumbers the stages.
      variants: { multiStage: false },
    },
    {
      name: 'own stage by name',
      code: 'FROM alpine:3.20 AS tools\nRUN apk add --no-cache curl\nCOPY --from=«tools» /usr/bin/curl /bin/curl\n',
      messages: ['`tools` is the stage this instruction belongs to'],
      output: null,
    },
    {
      name: 'own stage by index',
      code: `${goBuild}FROM alpine:3.20\nCOPY --from=«1» /etc/os-release /os-release\n`,
      messages: ['circular dependency detected on stage'],
      // A stage put in front renumbers the stages.
      variants: { multiStage: false },
    },
    {
      name: 'stage defined later',
      code: 'FROM nginx:1.27-alpine AS web\nCOPY --from=«assets» /dist /usr/share/nginx/html\n\nFROM node:22 AS assets\nRUN npm run build\n',
      severity: 'warning',
      messages: ['Stage `assets` is defined later (line 4). BuildKit resolves it'],
      output: null,
    },
    {
      name: 'circular dependency through a later stage',
      code: 'FROM alpine:3.20 AS a\nCOPY --from=«b» /x /x\nFROM alpine:3.20 AS b\nCOPY --from=a /y /y\n',
      messages: ['Stage `b` (line 3) depends on this stage'],
    },
  ],
});

describe('copy-from-unknown-stage severities', () => {
  const severityOf = (text: string) => analyze(buildModel(text), {}, [rule]).map((finding) => finding.severity);

  it('is an error for a reference the build cannot resolve', () => {
    assert.deepEqual(severityOf(`${goBuild}FROM alpine:3.20\nCOPY --from=buidler /out/app /app\n`), ['error']);
  });

  it('is a warning for a stage defined later, which BuildKit builds', () => {
    assert.deepEqual(
      severityOf('FROM nginx:1.27 AS web\nCOPY --from=assets /dist /srv\nFROM node:22 AS assets\nRUN npm run build\n'),
      ['warning'],
    );
  });

  it('marks a fix as preferred only for an unambiguous typo', () => {
    const preferred = (text: string) =>
      analyze(buildModel(text), {}, [rule]).map((finding) => finding.fixes[0]?.preferred);
    assert.deepEqual(preferred(`${goBuild}FROM alpine:3.20\nCOPY --from=buidler /out/app /app\n`), [true]);
    assert.deepEqual(preferred('FROM alpine AS license-set\nFROM scratch\nCOPY --from=set /out /\n'), [false]);
    assert.deepEqual(
      preferred('FROM alpine AS build1\nFROM alpine AS build2\nFROM scratch\nCOPY --from=build3 /out /\n'),
      [false],
    );
  });
});
