import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/unused-stage';
import { ruleTester } from '../ruleTester';

// The multi-stage variant puts an unrelated stage in front, which is itself an unused stage: every
// case opts out of it.
const single = { multiStage: false } as const;
const goBuild = 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\n';

ruleTester(rule, {
  valid: [
    { name: 'one stage', code: 'FROM node:22-slim\nCOPY . /app\nCMD ["node", "/app/index.js"]\n', variants: single },
    {
      name: 'every stage reached through FROM, COPY --from and RUN --mount',
      code: `FROM node:22 AS deps\nRUN npm ci\n\nFROM deps AS assets\nRUN npm run build\n\n${goBuild}FROM alpine:3.20 AS certs\nRUN apk add --no-cache ca-certificates\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nCOPY --from=assets /dist /srv\nRUN --mount=type=bind,from=certs,source=/etc/ssl,target=/ssl cp -r /ssl /etc/ssl\n`,
      variants: single,
    },
    {
      name: 'reached through a stage index',
      code: `${goBuild}FROM alpine:3.20\nCOPY --from=0 /out/app /app\n`,
      variants: single,
    },
    {
      name: 'FROM through a variable matches the stages it can name',
      code: 'ARG TARGETARCH\nFROM debian:12 AS base-amd64\nFROM arm64v8/debian:12 AS base-arm64\nFROM base-${TARGETARCH}\nCOPY app /app\n',
      variants: single,
    },
    {
      name: 'a variable with a default still leaves the other variants reachable',
      code: 'ARG VARIANT=prod\nFROM alpine:3.20 AS build-dev\nRUN echo dev > /mode\nFROM alpine:3.20 AS build-prod\nRUN echo prod > /mode\nFROM build-${VARIANT}\nCMD ["cat", "/mode"]\n',
      variants: single,
    },
    {
      name: 'a chained platform ARG (ARG X=${TARGETARCH}, FROM ${X}) selects every platform stage',
      code: 'ARG ARCH=${TARGETARCH}\nFROM debian:12 AS amd64\nFROM arm64v8/debian:12 AS arm64\nFROM ${ARCH}\nCOPY app /app\n',
      variants: single,
    },
    {
      name: 'an ARG whose default is built from the platform (ARG IMAGE=base-${TARGETOS})',
      code: 'ARG IMAGE=base-${TARGETOS}\nFROM scratch AS base-linux\nFROM scratch AS base-windows\nFROM ${IMAGE} AS final\nCOPY app /app\n',
      variants: single,
    },
    {
      name: 'a FROM that stays unresolvable uses every stage it could select',
      code: 'ARG FLAVOR\nFROM alpine:3.20 AS app-small\nFROM debian:12 AS app-full\nFROM app-${FLAVOR}\nCOPY app /app\n',
      variants: single,
    },
    {
      name: 'COPY --from without = still names the stage meant (copy-from-unknown-stage reports the flag)',
      code: `${goBuild}FROM alpine:3.20\nCOPY --from build /out/app /app\n`,
      variants: single,
    },
    {
      name: 'an ARG whose default names a stage selects among the stages (ARG PLATFORM=xpu, FROM ${PLATFORM})',
      code: 'ARG PLATFORM=xpu\nFROM intel/oneapi:2025 AS xpu\nFROM ubuntu:22.04 AS cpu\nFROM ${PLATFORM} AS final\nCMD ["app"]\n',
      variants: single,
    },
    {
      name: 'COPY --from through a variable',
      code: 'FROM golang:1.23 AS build-linux\nRUN go build -o /app .\nFROM golang:1.23 AS build-windows\nRUN GOOS=windows go build -o /app .\nFROM alpine:3.20\nARG TARGETOS\nCOPY --from=build-${TARGETOS} /app /app\n',
      variants: single,
    },
    {
      name: 'a stage defined after the one copying from it (BuildKit resolves it)',
      code: 'FROM nginx:1.27-alpine AS web\nCOPY --from=assets /dist /usr/share/nginx/html\n\nFROM node:22 AS assets\nRUN npm run build\n',
      target: 'web',
      variants: single,
    },
  ],
  invalid: [
    {
      name: 'leftover stage',
      code: 'FROM node:22 AS deps\nRUN npm ci\n\n«FROM node:22 AS legacy-build»\nRUN npm run build:legacy\n\nFROM node:22-slim\nCOPY --from=deps /node_modules /app/node_modules\n',
      messages: [
        'Stage `legacy-build` is not used by the shipped stage (line 7): BuildKit skips it. Remove it, or build it with --target legacy-build.',
      ],
      output: null,
      variants: single,
    },
    {
      name: 'unnamed stage',
      code: '«FROM alpine:3.20»\nRUN echo unused > /x\n\nFROM debian:12-slim AS runtime\nCMD ["bash"]\n',
      messages: [
        'Stage 0 is not used by the shipped stage `runtime`: BuildKit skips it. Remove it, or name it and build it with --target.',
      ],
      variants: single,
    },
    {
      name: 'test stage skipped by the default target',
      code: `${goBuild}«FROM build AS test»\nRUN go test ./...\n\nFROM gcr.io/distroless/static-debian12 AS release\nCOPY --from=build /out/app /app\n`,
      messages: ['Stage `test` is not used by the shipped stage `release`'],
      variants: single,
    },
    {
      name: 'target makes the last stage unused',
      code: `${goBuild}FROM alpine:3.20 AS prod\nCOPY --from=build /out/app /app\n\n«FROM build AS debug»\nRUN go install github.com/go-delve/delve/cmd/dlv@latest\n`,
      target: 'prod',
      messages: ['Stage `debug` is not used by the shipped stage `prod`'],
      variants: single,
    },
    {
      name: 'stages used only by unused stages are unused too',
      code: '«FROM python:3.12 AS wheels»\nRUN pip wheel -w /wheels -r requirements.txt\n\n«FROM python:3.12 AS docs»\nCOPY --from=wheels /wheels /wheels\n\n«FROM python:3.12 AS lint»\nRUN --mount=from=docs,source=/wheels,target=/w pip install /w/*\n\nFROM python:3.12-slim\nCOPY app.py /app.py\n',
      messages: ['Stage `wheels` is not used', 'Stage `docs` is not used', 'Stage `lint` is not used'],
      variants: single,
    },
    {
      name: 'a platform-chained FROM does not hide a stage its pattern cannot name',
      code: 'ARG IMAGE=base-${TARGETARCH}\nFROM scratch AS base-amd64\nFROM scratch AS base-arm64\n«FROM alpine:3.20 AS leftover»\nFROM ${IMAGE}\nCOPY app /app\n',
      messages: ['Stage `leftover` is not used'],
      variants: single,
    },
    {
      name: 'a variable FROM does not hide stages its pattern cannot name',
      code: 'ARG TARGETARCH\nFROM debian:12 AS base-amd64\nFROM arm64v8/debian:12 AS base-arm64\n«FROM alpine:3.20 AS tools»\nFROM base-${TARGETARCH}\nCOPY app /app\n',
      messages: ['Stage `tools` is not used'],
      variants: single,
    },
  ],
});

describe('unused-stage presentation', () => {
  it('is a faded hint', () => {
    const findings = analyze(buildModel('FROM alpine AS old\nFROM debian:12\n'), {}, [rule]);
    assert.deepEqual(
      findings.map((finding) => [finding.severity, finding.unnecessary]),
      [['hint', true]],
    );
  });
});
