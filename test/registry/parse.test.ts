import assert from 'node:assert/strict';
import { parseImageRef } from '../../server/src/model/image';
import { parseBearerChallenge } from '../../server/src/registry/auth';
import { RegistryError } from '../../server/src/registry/http';
import { parseManifest, parsePlatform, pickPlatform } from '../../server/src/registry/manifest';
import type { IndexEntry } from '../../server/src/registry/manifest';
import { registryImageOf } from '../../server/src/registry/reference';

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('registry: references', () => {
  const of = (text: string) => registryImageOf(parseImageRef(text, text, text.includes('$')));

  it('maps FROM references to registry names (Docker Hub defaults, ports, digests)', () => {
    assert.deepEqual(
      [
        'node',
        'docker.io/library/node:22',
        'index.docker.io/bitnami/redis:7',
        'ghcr.io/org/app:1',
        'LOCALHOST:5000/x',
      ].map((text) => of(text)?.name),
      [
        'registry-1.docker.io/library/node:latest',
        'registry-1.docker.io/library/node:22',
        'registry-1.docker.io/bitnami/redis:7',
        'ghcr.io/org/app:1',
        'localhost:5000/x:latest',
      ],
    );
  });

  it('gives host, scheme, repository and reference', () => {
    assert.deepEqual(of('node:22-slim'), {
      host: 'registry-1.docker.io',
      baseUrl: 'https://registry-1.docker.io',
      repository: 'library/node',
      reference: '22-slim',
      name: 'registry-1.docker.io/library/node:22-slim',
    });
    assert.deepEqual(of('docker.io/bitnami/redis'), {
      host: 'registry-1.docker.io',
      baseUrl: 'https://registry-1.docker.io',
      repository: 'bitnami/redis',
      reference: 'latest',
      name: 'registry-1.docker.io/bitnami/redis:latest',
    });
    assert.deepEqual(of('localhost:5000/x'), {
      host: 'localhost:5000',
      baseUrl: 'http://localhost:5000',
      repository: 'x',
      reference: 'latest',
      name: 'localhost:5000/x:latest',
    });
    assert.deepEqual(of('127.0.0.1:5000/team/app:v1'), {
      host: '127.0.0.1:5000',
      baseUrl: 'http://127.0.0.1:5000',
      repository: 'team/app',
      reference: 'v1',
      name: '127.0.0.1:5000/team/app:v1',
    });
    assert.deepEqual(of(`[::1]:5000/app@${digest(1)}`), {
      host: '[::1]:5000',
      baseUrl: 'http://[::1]:5000',
      repository: 'app',
      reference: digest(1),
      name: `[::1]:5000/app@${digest(1)}`,
    });
    // A digest wins over the tag: it is what Docker pulls.
    assert.deepEqual(of(`node:22@${digest(2)}`), {
      host: 'registry-1.docker.io',
      baseUrl: 'https://registry-1.docker.io',
      repository: 'library/node',
      reference: digest(2),
      name: `registry-1.docker.io/library/node@${digest(2)}`,
    });
    assert.deepEqual(of('ghcr.io/org/app:1')?.baseUrl, 'https://ghcr.io');
  });

  it('has no address for scratch or unresolved references', () => {
    assert.deepEqual([of('scratch'), of('$BASE'), of('node:${VERSION}')], [undefined, undefined, undefined]);
  });
});

describe('registry: Bearer challenges', () => {
  it('reads realm, service and scope (Docker Hub form)', () => {
    assert.deepEqual(
      parseBearerChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
      ),
      {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/node:pull',
      },
    );
  });

  it('reads quoted commas, unquoted values, other schemes first, any case', () => {
    assert.deepEqual(
      parseBearerChallenge('Basic realm="x", bearer Realm=http://127.0.0.1:1/token, scope="repository:a/b:pull,push"'),
      {
        realm: 'http://127.0.0.1:1/token',
        service: undefined,
        scope: 'repository:a/b:pull,push',
      },
    );
  });

  it('finds no Bearer challenge in Basic-only, empty or realm-less headers', () => {
    assert.deepEqual(
      [
        parseBearerChallenge('Basic realm="registry"'),
        parseBearerChallenge(null),
        parseBearerChallenge('Bearer service="x"'),
      ],
      [undefined, undefined, undefined],
    );
  });
});

describe('registry: manifests', () => {
  const layers = [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(3), size: 1000 },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(4), size: 234 },
  ];
  const image = { schemaVersion: 2, config: { digest: digest(5), size: 10 }, layers };
  const expectedLayers = [
    { digest: digest(3), size: 1000 },
    { digest: digest(4), size: 234 },
  ];

  it('reads OCI and Docker schema 2 image manifests, by header, body mediaType or shape', () => {
    assert.deepEqual(parseManifest(JSON.stringify(image), 'application/vnd.oci.image.manifest.v1+json'), {
      kind: 'image',
      layers: expectedLayers,
    });
    assert.deepEqual(
      parseManifest(
        JSON.stringify({ ...image, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' }),
        'application/json',
      ),
      { kind: 'image', layers: expectedLayers },
    );
    assert.deepEqual(parseManifest(JSON.stringify(image), null), { kind: 'image', layers: expectedLayers });
  });

  it('reads OCI indexes and Docker manifest lists', () => {
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: digest(6),
          size: 5,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
        { digest: digest(7), size: 5, platform: { os: 'unknown', architecture: 'unknown' } },
        { digest: digest(8), size: 5 },
      ],
    };
    const expected = {
      kind: 'index',
      entries: [
        {
          digest: digest(6),
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
        {
          digest: digest(7),
          mediaType: undefined,
          platform: { os: 'unknown', architecture: 'unknown', variant: undefined },
        },
        { digest: digest(8), mediaType: undefined, platform: undefined },
      ],
    };
    assert.deepEqual(
      parseManifest(JSON.stringify(index), 'application/vnd.oci.image.index.v1+json; charset=utf-8'),
      expected,
    );
    assert.deepEqual(
      parseManifest(JSON.stringify(index), 'application/vnd.docker.distribution.manifest.list.v2+json'),
      expected,
    );
  });

  it('refuses what it cannot read, with a reason', () => {
    const reason = (body: string, type: string | null = null) => {
      try {
        parseManifest(body, type);
        return 'parsed';
      } catch (error) {
        assert.ok(error instanceof RegistryError);
        return error.message;
      }
    };
    assert.deepEqual(
      [
        reason('{"schemaVersion": 2, "layers": ['),
        reason('[1]'),
        reason('{"schemaVersion": 1, "fsLayers": []}', 'application/vnd.docker.distribution.manifest.v1+prettyjws'),
        reason(JSON.stringify({ ...image, layers: [{ digest: digest(3), size: -1 }] })),
        reason(JSON.stringify({ ...image, layers: [{ digest: 'nope', size: 1 }] })),
        reason('{"schemaVersion": 2}', 'application/vnd.oci.image.manifest.v1+json'),
        reason('{"schemaVersion": 2}', 'application/vnd.oci.artifact.manifest.v1+json'),
      ],
      [
        'the manifest is not JSON',
        'the manifest is not a JSON object',
        'the registry only serves a schema 1 manifest (no layer sizes)',
        'a layer has no valid size',
        'a layer entry has no valid digest',
        'the image manifest has no layers',
        'unexpected manifest type application/vnd.oci.artifact.manifest.v1+json',
      ],
    );
  });
});

describe('registry: platforms', () => {
  const entry = (n: number, os: string, architecture: string, variant?: string): IndexEntry => ({
    digest: digest(n),
    platform: { os, architecture, variant },
  });
  const entries = [
    entry(1, 'unknown', 'unknown'),
    entry(2, 'linux', 'amd64'),
    entry(3, 'linux', 'arm', 'v6'),
    entry(4, 'linux', 'arm', 'v7'),
    entry(5, 'linux', 'arm64', 'v8'),
    entry(6, 'windows', 'amd64'),
  ];
  const pick = (text: string) => {
    const platform = parsePlatform(text);
    return platform ? pickPlatform(entries, platform)?.digest : 'invalid';
  };

  it('parses platform strings with aliases', () => {
    assert.deepEqual(
      [
        'linux/amd64',
        'linux/arm64/v8',
        'arm64',
        'linux/x86_64',
        'linux/aarch64',
        'linux/armhf',
        'linux/amd64/v2/x',
        'linux/$X',
      ].map(parsePlatform),
      [
        { os: 'linux', architecture: 'amd64', variant: undefined },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
        { os: 'linux', architecture: 'arm64', variant: undefined },
        { os: 'linux', architecture: 'amd64', variant: undefined },
        { os: 'linux', architecture: 'arm64', variant: undefined },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
        undefined,
        undefined,
      ],
    );
  });

  it('picks the entry of the wanted platform, default variants included', () => {
    assert.deepEqual(
      [
        'linux/amd64',
        'linux/arm64',
        'linux/arm64/v8',
        'linux/arm/v6',
        'linux/arm',
        'windows/amd64',
        'linux/s390x',
        'linux/arm/v5',
      ].map(pick),
      [digest(2), digest(5), digest(5), digest(3), digest(4), digest(6), undefined, undefined],
    );
  });
});
