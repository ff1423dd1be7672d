import assert from 'node:assert/strict';
import { baseImageSize } from '../../../server/src/knowledge/images';

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
        resolved('mcr.microsoft.com/windows/servercore', 'ltsc2022'),
        resolved('alpine', '3.23', 'alpine:3.23'),
      ],
      ['unknown', 'unknown', 'alpine:3.24 (nearest)'],
    );
  });
});
