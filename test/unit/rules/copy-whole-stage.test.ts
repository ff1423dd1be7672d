import { rule } from '../../../server/src/rules/copy-whole-stage';
import { ruleTester } from '../ruleTester';

const goBuild = 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\n';

ruleTester(rule, {
  valid: [
    {
      name: 'copies only the build output',
      code: `${goBuild}FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n`,
    },
    {
      name: 'a stage built FROM scratch holds only chosen files',
      code: `${goBuild}FROM scratch AS artifacts\nCOPY --from=build /out/app /bin/app\n\nFROM alpine:3.20\nCOPY --from=artifacts / /\n`,
    },
    {
      name: 'flattening a clean stage onto its own base (home-assistant docker-base)',
      code: 'ARG BUILD_FROM=alpine:3.20\nFROM ${BUILD_FROM} AS merge\nRUN apk add --no-cache bash curl tzdata\n\nFROM ${BUILD_FROM}\nCOPY --from=merge / /\nENTRYPOINT ["/init"]\n',
      // A stage in front would turn the global ARG into a stage ARG.
      variants: { multiStage: false },
    },
    {
      name: 'squashing a clean stage onto scratch (kind node image)',
      code: 'FROM debian:bookworm-slim AS build\nRUN apt-get update && apt-get install -y --no-install-recommends systemd && rm -rf /var/lib/apt/lists/*\n\nFROM scratch\nCOPY --from=build / /\nSTOPSIGNAL SIGRTMIN+3\n',
    },
    {
      name: 'toolchain purged in the same RUN',
      code: 'FROM alpine:3.20 AS build\nRUN apk add --no-cache --virtual .build-deps build-base \\\n    && make -C /src install \\\n    && apk del .build-deps\n\nFROM scratch\nCOPY --from=build / /\n',
    },
    {
      name: 'whole-stage copy in a build stage that does not ship',
      code: `${goBuild}FROM alpine:3.20 AS debug\nCOPY --from=build / /\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n`,
    },
    {
      name: 'from an image, not a stage (tonistiigi/xx)',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.23-alpine\nCOPY --from=tonistiigi/xx:1.5.0 / /\nRUN xx-go build -o /app .\n',
    },
    {
      name: 'a clean stage copied into a subdirectory (rootfs inspection)',
      code: 'FROM gcr.io/distroless/base-debian12 AS distroless\n\nFROM mcr.microsoft.com/azurelinux/base/core:3.0\nCOPY --from=distroless / /rootfs\nWORKDIR /rootfs\n',
    },
    {
      name: 'source through a variable',
      code: `${goBuild}FROM alpine:3.20\nARG OUT=/out\nCOPY --from=build \${OUT} /\n`,
    },
    {
      name: 'a subdirectory named like a root',
      code: `${goBuild}FROM alpine:3.20\nCOPY --from=build /out/ /usr/local/bin/\n`,
    },
  ],
  invalid: [
    {
      name: 'whole Go build stage into distroless',
      code: `${goBuild}FROM gcr.io/distroless/static-debian12\nCOPY --from=build «/» /\nENTRYPOINT ["/out/app"]\n`,
      messages: [
        '`COPY --from=build /` copies the whole filesystem of stage `build` into the shipped image. That includes the Go toolchain it builds with (line 4). Copy only the build output.',
      ],
      output: null,
    },
    {
      name: '`.` is the stage root for COPY --from',
      code: 'FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM node:22-slim\nWORKDIR /app\nCOPY --from=build «.» .\nUSER node\n',
      messages: [
        '`COPY --from=build .` copies the whole filesystem of stage `build` into the shipped image. That includes the Node.js toolchain',
      ],
    },
    {
      name: 'whole stage on another base image',
      code: 'FROM node:22 AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n\nFROM node:22-slim\nCOPY --from=deps «/» /\nUSER node\n',
      messages: [
        'copies the whole filesystem of stage `deps` (all of `node:22` and what the stage added) over the shipped `node:22-slim`',
      ],
    },
    {
      name: 'squash of a stage that compiled',
      code: `${goBuild}FROM scratch\nCOPY --from=build «/» /\nENTRYPOINT ["/out/app"]\n`,
      messages: ['That includes the Go toolchain it builds with (line 4)'],
    },
    {
      name: 'inherited by the shipped stage through FROM <stage>',
      code: `${goBuild}FROM alpine:3.20 AS base\nCOPY --from=build «/*» /\n\nFROM base\nUSER nobody\n`,
      messages: ['`COPY --from=build /*` copies the whole filesystem'],
    },
    {
      name: 'JSON form',
      code: `${goBuild}FROM alpine:3.20\nCOPY --from=build ["«/»", "/"]\n`,
      messages: ['the Go toolchain'],
    },
    {
      name: 'stage index and a continuation line',
      code: `${goBuild}FROM alpine:3.20\nCOPY --link \\\n     --from=0 «/» /srv/\n`,
      messages: ['`COPY --from=0 /` copies the whole filesystem of stage `0`'],
      // A stage put in front renumbers the stages.
      variants: { multiStage: false },
    },
  ],
});
