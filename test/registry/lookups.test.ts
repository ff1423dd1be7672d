import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageRef } from '../../server/src/model/image';
import { buildModel } from '../../server/src/model/model';
import { TokenCache } from '../../server/src/registry/auth';
import { fetchImageSize } from '../../server/src/registry/client';
import type { RemoteImageSize } from '../../server/src/registry/client';
import { mediaTypes, parsePlatform } from '../../server/src/registry/manifest';
import { RegistryLookups, RegistrySizes } from '../../server/src/registry/lookups';
import { registryImageOf } from '../../server/src/registry/reference';
import { estimateImageSize } from '../../server/src/size/estimate';
import { FakeRegistry } from './fakeRegistry';

const blob = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const imageManifest = (sizes: number[], mediaType: string = mediaTypes.ociManifest) => ({
  schemaVersion: 2,
  mediaType,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(999), size: 300 },
  layers: sizes.map((size, n) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: blob(n + 1),
    size,
  })),
});
const sum = (sizes: number[]) => sizes.reduce((total, size) => total + size, 0);

async function lookup(
  registry: FakeRegistry,
  reference: string,
  options: { platform?: string; timeoutMs?: number; maxBytes?: number; tokens?: TokenCache } = {},
): Promise<RemoteImageSize | string> {
  const image = registryImageOf(parseImageRef(reference, reference, false));
  assert.ok(image);
  try {
    return await fetchImageSize(image, {
      platform: parsePlatform(options.platform ?? 'linux/amd64') ?? { os: 'linux', architecture: 'amd64' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      maxBytes: options.maxBytes ?? 64 * 1024,
      tokens: options.tokens ?? new TokenCache(),
    });
  } catch (error) {
    return (error as Error).message;
  }
}

describe('registry: lookups against a loopback fake (token flow and failures)', () => {
  let registry: FakeRegistry;
  const amd64 = [31_000_000, 2_500_000, 1234];
  const arm64 = [29_000_000, 2_400_000];
  let amd64Digest: string;
  let arm64Digest: string;
  let indexDigest: string;

  beforeEach(async () => {
    registry = await new FakeRegistry().start();
    amd64Digest = registry.manifest('team/app', 'amd64-only', imageManifest(amd64), mediaTypes.ociManifest);
    arm64Digest = registry.manifest(
      'team/app',
      'arm64-only',
      imageManifest(arm64, mediaTypes.dockerManifest),
      mediaTypes.dockerManifest,
    );
    indexDigest = registry.manifest(
      'team/app',
      'v1',
      {
        schemaVersion: 2,
        mediaType: mediaTypes.dockerList,
        manifests: [
          {
            mediaType: mediaTypes.ociManifest,
            digest: amd64Digest,
            size: 1,
            platform: { os: 'linux', architecture: 'amd64' },
          },
          {
            mediaType: mediaTypes.dockerManifest,
            digest: arm64Digest,
            size: 1,
            platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
          },
        ],
      },
      mediaTypes.dockerList,
    );
  });
  afterEach(() => registry.stop());

  it('answers the Bearer challenge, resolves the list to linux/amd64 and sums its layers', async () => {
    registry.bearer = true;
    const tokens = new TokenCache();
    assert.deepEqual(await lookup(registry, `${registry.host}/team/app:v1`, { tokens }), {
      name: `${registry.host}/team/app:v1`,
      platform: 'linux/amd64',
      digest: amd64Digest,
      compressedBytes: sum(amd64),
      layers: amd64.length,
    });
    assert.deepEqual(registry.requests, [
      '/v2/team/app/manifests/v1',
      '/token?service=fake&scope=repository%3Ateam%2Fapp%3Apull',
      '/v2/team/app/manifests/v1 (token)',
      `/v2/team/app/manifests/${amd64Digest} (token)`,
    ]);
    // The token is reused: the next lookup of the repository sends it at once.
    registry.requests.length = 0;
    assert.deepEqual(await lookup(registry, `${registry.host}/team/app:arm64-only`, { tokens }), {
      name: `${registry.host}/team/app:arm64-only`,
      platform: undefined,
      digest: arm64Digest,
      compressedBytes: sum(arm64),
      layers: arm64.length,
    });
    assert.deepEqual(registry.requests, ['/v2/team/app/manifests/arm64-only (token)']);
  });

  it('picks the FROM --platform entry, and reads references pinned by digest', async () => {
    assert.deepEqual(await lookup(registry, `${registry.host}/team/app:v1`, { platform: 'linux/arm64' }), {
      name: `${registry.host}/team/app:v1`,
      platform: 'linux/arm64/v8',
      digest: arm64Digest,
      compressedBytes: sum(arm64),
      layers: arm64.length,
    });
    assert.deepEqual(await lookup(registry, `${registry.host}/team/app@${indexDigest}`), {
      name: `${registry.host}/team/app@${indexDigest}`,
      platform: 'linux/amd64',
      digest: amd64Digest,
      compressedBytes: sum(amd64),
      layers: amd64.length,
    });
    assert.deepEqual(
      await lookup(registry, `${registry.host}/team/app:v1`, { platform: 'linux/s390x' }),
      `${registry.host}/team/app:v1 has no linux/s390x image (has linux/amd64, linux/arm64/v8)`,
    );
  });

  it('turns every failure into a reason', async () => {
    const host = registry.host;
    registry.routes.set('/v2/bad/json/manifests/1', {
      headers: { 'content-type': mediaTypes.ociManifest },
      body: '{"layers": [',
    });
    registry.routes.set('/v2/basic/only/manifests/1', {
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="registry"' },
    });
    registry.routes.set('/v2/server/error/manifests/1', { status: 500 });
    registry.routes.set('/v2/huge/chunked/manifests/1', {
      headers: { 'content-type': mediaTypes.ociManifest },
      streamBytes: 5 * 1024 * 1024,
    });
    registry.routes.set('/v2/huge/declared/manifests/1', {
      headers: { 'content-type': mediaTypes.ociManifest },
      body: ' '.repeat(100 * 1024),
    });
    const wrongDigest = blob(42);
    registry.routes.set(`/v2/team/app/manifests/${wrongDigest}`, {
      headers: { 'content-type': mediaTypes.ociManifest },
      body: JSON.stringify(imageManifest([1])),
    });
    assert.deepEqual(
      [
        await lookup(registry, `${host}/missing/image:1`),
        await lookup(registry, `${host}/bad/json:1`),
        await lookup(registry, `${host}/basic/only:1`),
        await lookup(registry, `${host}/server/error:1`),
        await lookup(registry, `${host}/huge/chunked:1`),
        await lookup(registry, `${host}/huge/declared:1`),
        await lookup(registry, `${host}/team/app@${wrongDigest}`),
      ],
      [
        `${host}/missing/image:1 is not in the registry (404)`,
        'the manifest is not JSON',
        `${host} wants credentials for basic/only (no anonymous token flow)`,
        `${host} answered HTTP 500 for ${host}/server/error:1`,
        `${host} answered more than the 65536 bytes allowed`,
        `${host} answered 102400 bytes, more than the 65536 allowed`,
        `the manifest of ${host}/team/app@${wrongDigest} does not match its digest`,
      ],
    );
  });

  it('reports a token service that refuses, or answers no token', async () => {
    registry.bearer = true;
    registry.tokenReply = { status: 503 };
    assert.equal(
      await lookup(registry, `${registry.host}/team/app:v1`),
      `the token service ${registry.host} refused an anonymous pull token (HTTP 503)`,
    );
    registry.tokenReply = { body: '{"nothing": true}' };
    assert.equal(
      await lookup(registry, `${registry.host}/team/app:v1`),
      `the token service ${registry.host} answered without a token`,
    );
  });

  it('gives up at the deadline, and on a closed port', async () => {
    registry.routes.set('/v2/slow/image/manifests/1', { hang: true });
    const started = Date.now();
    assert.equal(
      await lookup(registry, `${registry.host}/slow/image:1`, { timeoutMs: 300 }),
      `${registry.host} did not answer in time`,
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2000, `the deadline held (${elapsed} ms)`);
    const closed = await new FakeRegistry().start();
    const closedHost = closed.host;
    await closed.stop();
    assert.equal(await lookup(closed, `${closedHost}/any/image:1`), `cannot reach ${closedHost}: ECONNREFUSED`);
  });

  it('feeds the estimator: data first with a note, exact once the lookup ends, then from the disk cache', async () => {
    registry.bearer = true;
    const cacheDir = mkdtempSync(join(tmpdir(), 'layerlens-registry-cache-'));
    const model = buildModel(
      `FROM ${registry.host}/team/app:v1 AS build\nFROM --platform=linux/arm64 ${registry.host}/team/app:v1\nFROM build\n`,
    );
    let updates = 0;
    let resolveUpdate: () => void = () => undefined;
    const allUpdated = new Promise<void>((resolve) => (resolveUpdate = resolve));
    const sizes = new RegistrySizes({
      cacheDir,
      onUpdate: () => {
        updates++;
        if (updates === 2) resolveUpdate();
      },
    });
    const bases = () =>
      estimateImageSize(model, { baseSizes: sizes.baseSizes }).stages.map((stage) => ({
        compressedBytes: stage.base.compressedBytes,
        confidence: stage.base.confidence,
        notes: stage.base.notes,
      }));
    const unknownImage = `no size data for ${registry.host}/team/app:v1 or another version of the same variant`;
    assert.deepEqual(bases(), [
      { compressedBytes: null, confidence: 'unknown', notes: [unknownImage, 'registry lookup under way'] },
      { compressedBytes: null, confidence: 'unknown', notes: [unknownImage, 'registry lookup under way'] },
      { compressedBytes: null, confidence: 'unknown', notes: ['inherits stage build'] },
    ]);
    await allUpdated;
    const exact = (bytes: number, platform: string) => ({
      compressedBytes: bytes,
      confidence: 'exact',
      notes: [
        `pull size from the registry: ${platform === 'linux/amd64' ? amd64.length : arm64.length} layers of ${registry.host}/team/app:v1, ${platform}`,
        'on disk ≈ 2.4× (rule of thumb)',
      ],
    });
    const expected = [
      exact(sum(amd64), 'linux/amd64'),
      exact(sum(arm64), 'linux/arm64/v8'),
      { compressedBytes: sum(amd64), confidence: 'estimate', notes: ['inherits stage build'] },
    ];
    assert.deepEqual(bases(), expected);
    assert.equal(readdirSync(join(cacheDir, 'registry')).length, 2);

    // A new process (the CLI's next run) answers from disk with the registry gone.
    await registry.stop();
    const again = new RegistrySizes({ cacheDir });
    await again.prefetch(model);
    assert.deepEqual(
      estimateImageSize(model, { baseSizes: again.baseSizes }).stages.map((stage) => ({
        compressedBytes: stage.base.compressedBytes,
        confidence: stage.base.confidence,
        notes: stage.base.notes,
      })),
      expected,
    );
    registry = await new FakeRegistry().start();
  });

  it('falls back to the data with a note, and does not retry a failure at once', async () => {
    registry.routes.set('/v2/library/node/manifests/22', { hang: true });
    let now = 1_000_000;
    const sizes = new RegistrySizes({ timeoutMs: 200, retryAfterMs: 60_000, now: () => now });
    // Docker Hub's node image, served by the fake: `fetch` is redirected to it.
    const redirected = new RegistrySizes({
      timeoutMs: 200,
      retryAfterMs: 60_000,
      now: () => now,
      fetch: (input, init) =>
        fetch(
          (input instanceof Request ? input.url : input.toString()).replace(
            'https://registry-1.docker.io',
            `http://${registry.host}`,
          ),
          init,
        ),
    });
    const model = buildModel('FROM node:22\n');
    await redirected.prefetch(model);
    const [stage] = estimateImageSize(model, { baseSizes: redirected.baseSizes }).stages;
    // The data note names the image's build date, which moves with the data file.
    assert.deepEqual(
      {
        confidence: stage.base.confidence,
        notes: stage.base.notes.map((note) => note.replace(/ \(image built [^)]*\)/, '')),
      },
      {
        confidence: 'data',
        notes: [
          'pull size from docker-library/repo-info; on disk ≈ 2.4× (rule of thumb)',
          'registry lookup failed: registry-1.docker.io did not answer in time',
        ],
      },
    );
    assert.equal(stage.base.compressedBytes, estimateImageSize(model).stages[0].base.compressedBytes);
    const asked = registry.requests.length;
    estimateImageSize(model, { baseSizes: redirected.baseSizes });
    assert.equal(registry.requests.length, asked, 'no new request within retryAfterMs');
    now += 60_000;
    registry.routes.set('/v2/library/node/manifests/22', {
      headers: { 'content-type': mediaTypes.ociManifest },
      body: JSON.stringify(imageManifest([7_000_000])),
    });
    await redirected.prefetch(model);
    assert.deepEqual(
      estimateImageSize(model, { baseSizes: redirected.baseSizes }).stages[0].base.compressedBytes,
      7_000_000,
    );
    assert.equal(sizes.baseSizes(parseImageRef('scratch', 'scratch', false), undefined), undefined);
  });

  it('notes a --platform it cannot read, and looks up the default one', async () => {
    const sizes = new RegistrySizes({});
    const model = buildModel(`FROM --platform=$BUILDPLATFORM ${registry.host}/team/app:v1\n`);
    await sizes.prefetch(model);
    assert.deepEqual(estimateImageSize(model, { baseSizes: sizes.baseSizes }).stages[0].base.notes, [
      '--platform=$BUILDPLATFORM taken as linux/amd64',
      `pull size from the registry: ${amd64.length} layers of ${registry.host}/team/app:v1, linux/amd64`,
      'on disk ≈ 2.4× (rule of thumb)',
    ]);
  });

  it('looks nothing up in the language server unless the setting is on and the workspace trusted', () => {
    const noop = () => undefined;
    const untrusted = new RegistryLookups({ workspaceTrusted: false, storagePath: '/nonexistent' }, noop);
    const otherEditor = new RegistryLookups(undefined, noop);
    const before = [untrusted.baseSizesFor(true), untrusted.baseSizesFor(false), otherEditor.baseSizesFor(false)];
    untrusted.grantTrust();
    assert.deepEqual(
      [...before, typeof untrusted.baseSizesFor(true), typeof otherEditor.baseSizesFor(true)],
      [undefined, undefined, undefined, 'function', 'function'],
    );
  });
});
