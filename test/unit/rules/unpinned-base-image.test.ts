import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/unpinned-base-image';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    { name: 'version tag', code: 'FROM python:3.12-slim\n' },
    {
      name: 'digest without a tag',
      code: 'FROM debian@sha256:5a4ea26b6dc8e4e1b4f3b3c9e0e6c4a1e2b7a1e2c3d4e5f60718293a4b5c6d7e\n',
    },
    {
      name: 'latest pinned by digest',
      code: 'FROM alpine:latest@sha256:5a4ea26b6dc8e4e1b4f3b3c9e0e6c4a1e2b7a1e2c3d4e5f60718293a4b5c6d7e\n',
    },
    {
      name: 'scratch',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n',
    },
    { name: 'stage names', code: 'FROM node:22 AS base\nFROM base AS build\nRUN npm ci\nFROM build\n' },
    { name: 'registry with a port and a tag', code: 'FROM localhost:5000/team/app:1.4.2\n' },
    {
      name: 'ARG default pins the tag',
      code: 'ARG NODE_VERSION=22.11.0\nFROM node:${NODE_VERSION}-alpine\n',
      // A stage in front would turn the global ARG into a stage ARG.
      variants: { multiStage: false },
    },
    {
      name: 'image from an ARG without a default cannot be judged',
      code: 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n',
      variants: { multiStage: false },
    },
    { name: 'tag from an ARG without a default', code: 'ARG TAG\nFROM redis:$TAG\n', variants: { multiStage: false } },
    { name: 'registry from an ARG, tag written', code: 'FROM ${REGISTRY}/library/nginx:1.27\n' },
    { name: 'a template placeholder is no image', code: 'FROM REPLACE-ME\nFROM cgr.dev/ORG/chainguard-base:latest\n' },
    { name: 'an image a Compose project built', code: 'FROM playwright_oidc_vaultwarden_prebuilt\n' },
    {
      name: 'a bare name that is no official image: built locally by a test harness',
      code: 'FROM bats-jenkins\nRUN jenkins-plugin-cli --version\n',
    },
    { name: 'a bare local image following latest', code: 'FROM nanoserverapiscan:latest\nONBUILD COPY . /scan\n' },
    { name: 'distroless variant tags are what it publishes', code: 'FROM gcr.io/distroless/static-debian12:nonroot\n' },
  ],
  invalid: [
    {
      name: 'an official image under its bare name, no tag',
      code: 'FROM «buildpack-deps»\nRUN make\n',
      messages: ['`buildpack-deps` has no tag'],
      output: null,
    },
    {
      name: 'a namespaced Docker Hub image without a tag',
      code: 'FROM «jenkins/jenkins»\nCOPY plugins.txt /usr/share/jenkins/ref/\n',
      messages: ['`jenkins/jenkins` has no tag'],
      output: null,
    },
    {
      name: 'no tag',
      code: 'FROM «python»\nCMD ["python"]\n',
      messages: ['`python` has no tag. The build uses whatever `latest` is that day. Pin a version tag'],
      output: null,
    },
    {
      name: 'latest, with a registry',
      code: 'FROM «mcr.microsoft.com/dotnet/aspnet:latest»\n',
      messages: ['`mcr.microsoft.com/dotnet/aspnet` follows `latest`'],
    },
    {
      name: '--platform flag and AS name',
      code: 'FROM --platform=$BUILDPLATFORM «golang:latest» AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\n',
      severity: 'info',
      messages: ['this stage is not shipped, but the shipped image is built from its output'],
    },
    {
      name: 'ARG default without a tag',
      code: 'ARG BASE=ubuntu\nFROM «${BASE}»\n',
      messages: ['`ubuntu` (the ARG default) has no tag'],
      variants: { multiStage: false },
    },
    {
      name: 'registry from an ARG, no tag',
      code: 'FROM «${REGISTRY}/nginx»\n',
      messages: ['has no tag'],
    },
    {
      name: 'distroless without a tag: only a digest pins it',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM «gcr.io/distroless/static-debian12»\nCOPY --from=build /app /app\n',
      messages: [
        '`gcr.io/distroless/static-debian12` publishes no version tags and is not pinned by digest. The build uses whatever `latest` is that day. Pin a digest',
      ],
    },
    {
      name: 'chainguard latest',
      code: 'FROM «cgr.dev/chainguard/static:latest»\n',
      messages: ['publishes no version tags'],
    },
    {
      name: 'unreachable stage',
      code: 'FROM «alpine» AS debug\nRUN apk add --no-cache curl\nFROM nginx:1.27-alpine AS app\n',
      severity: 'hint',
      messages: ['the build of the shipped image does not use this stage'],
      target: 'app',
    },
  ],
});

describe('unpinned-base-image severity', () => {
  it('warns for the shipped base, informs for a builder, hints for an unused stage', () => {
    const text =
      'FROM alpine AS unused\nFROM golang AS build\nRUN go build -o /app\nFROM debian:latest AS base\nFROM base\nCOPY --from=build /app /app\n';
    assert.deepEqual(
      analyze(buildModel(text), {}, [rule]).map((finding) => [finding.range.start.line, finding.severity]),
      [
        [0, 'hint'],
        [1, 'info'],
        [3, 'warning'],
      ],
    );
  });
});
