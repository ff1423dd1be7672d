import assert from 'node:assert/strict';
import { baseImageSize, baseImageSizeOf } from '../../../server/src/knowledge/images';
import { buildModel } from '../../../server/src/model/model';

/** What a tag resolves to: the data entry used and how it matched. */
function resolved(name: string, tag: string, exclude?: string): string {
  const found = baseImageSize(name, tag, exclude);
  return found ? `${found.reference} (${found.match})` : 'unknown';
}

describe('base image sizes by family and variant', () => {
  it('uses the record of the very tag, or of an alias', () => {
    assert.deepEqual(
      [resolved('debian', 'bookworm-slim'), resolved('debian', '12-slim'), resolved('ubuntu', 'jammy')],
      ['debian:bookworm-slim (exact)', 'debian:12-slim (exact)', 'ubuntu:jammy (exact)'],
    );
  });

  it('falls back to the nearest version of the same variant, the suite and Alpine release set aside', () => {
    assert.deepEqual(
      [
        resolved('node', '18-slim'),
        resolved('node', '20-bookworm-slim'),
        resolved('golang', '1.26-alpine3.23'),
        resolved('alpine', '3.17'),
        resolved('alpine', '"3.24.1"'),
        resolved('debian', 'bullseye'),
        resolved('ubuntu', '16.04'),
        resolved('python', '3-trixie'),
      ],
      [
        'node:22-slim (nearest)',
        'node:22-slim (nearest)',
        'golang:1.25-alpine (nearest)',
        'alpine:3.22 (nearest)',
        'alpine:3.24 (nearest)',
        'debian:bookworm (nearest)',
        'ubuntu:20.04 (nearest)',
        'python:3.13.14-trixie (nearest)',
      ],
    );
  });

  it('takes the newest for a tag without a version, and official images under a mirror or another architecture', () => {
    assert.deepEqual(
      [
        resolved('node', 'alpine'),
        resolved('arm32v7/alpine', '3.23'),
        resolved('mcr.microsoft.com/mirror/docker/library/python', '3.12-slim'),
      ],
      ['node:24.19.0-alpine3.24 (nearest)', 'alpine:3.23 (exact)', 'python:3.12-slim (exact)'],
    );
  });

  it('resolves distroless flavours to their family figure, marked approximate', () => {
    assert.deepEqual(
      [
        resolved('gcr.io/distroless/static-debian12', 'nonroot'),
        resolved('gcr.io/distroless/nodejs22-debian13', 'latest'),
      ],
      ['gcr.io/distroless/static:latest (approximate)', 'gcr.io/distroless/nodejs:latest (approximate)'],
    );
  });

  it('knows nothing of another variant or an unknown image, and can leave a record out', () => {
    assert.deepEqual(
      [
        resolved('php', '8.2-zts'),
        resolved('mcr.microsoft.com/windows/servercore-insider', '10.0.17046.1000'),
        resolved('alpine', '3.23', 'alpine:3.23'),
      ],
      ['unknown', 'unknown', 'alpine:3.24 (nearest)'],
    );
  });

  it('orders Windows releases by build number: ltsc2016 is nearer 1809 than ltsc2022, ltsc2019 is 1809', () => {
    assert.deepEqual(
      [
        resolved('mcr.microsoft.com/windows/servercore', 'ltsc2022'),
        resolved('mcr.microsoft.com/windows/servercore', 'ltsc2019'),
        resolved('mcr.microsoft.com/windows/servercore', 'ltsc2016'),
        resolved('mcr.microsoft.com/windows/nanoserver', '10.0.14393.1770'),
        resolved('mcr.microsoft.com/windows/nanoserver', 'sac2016'),
        resolved('mcr.microsoft.com/windows/nanoserver', '1803'),
      ],
      [
        'mcr.microsoft.com/windows/servercore:ltsc2022 (exact)',
        'mcr.microsoft.com/windows/servercore:ltsc2019 (exact)',
        'mcr.microsoft.com/windows/servercore:1809 (nearest)',
        'mcr.microsoft.com/windows/nanoserver:1809 (nearest)',
        'mcr.microsoft.com/windows/nanoserver:1809 (nearest)',
        'mcr.microsoft.com/windows/nanoserver:1809 (nearest)',
      ],
    );
  });

  it('reads build suffixes as part of the version and renamed official images under their new name', () => {
    assert.deepEqual(
      [
        resolved('eclipse-temurin', '25.0.3_9-jre-alpine'),
        resolved('us-docker.pkg.dev/artifact-foundry-prod/docker-3p-trusted/python', '3.12-slim'),
        resolved('fedora', '30'),
      ],
      ['eclipse-temurin:21-jre-alpine (nearest)', 'python:3.12-slim (exact)', 'fedora:latest (nearest)'],
    );
  });
});

describe('base image size of a FROM a variable leaves partly open', () => {
  function of(from: string, args = ''): string {
    const [stage] = buildModel(`${args}FROM ${from}\n`).stages;
    const found = baseImageSizeOf(stage.image);
    return found ? `${found.reference} (${found.match})` : 'unknown';
  }

  it('sizes the image the rest of the reference names, never as exact', () => {
    assert.deepEqual(
      [
        of('alpine:$ALPINE_VERSION', 'ARG ALPINE_VERSION\n'),
        of('docker:${ENGINE_VERSION}-dind', 'ARG ENGINE_VERSION\n'),
        of('${IMAGE_ARCH}/debian:trixie-slim', 'ARG IMAGE_ARCH\n'),
        of('nginx:${NGINX:-latest}'),
      ],
      ['alpine:latest (nearest)', 'docker:29-dind (nearest)', 'debian:trixie-slim (nearest)', 'nginx:latest (exact)'],
    );
  });

  it('stays unknown when the variable names the image', () => {
    assert.deepEqual(
      [of('${BASE_IMAGE}', 'ARG BASE_IMAGE\n'), of('${REGISTRY}/app:1', 'ARG REGISTRY\n')],
      ['unknown', 'unknown'],
    );
  });
});
