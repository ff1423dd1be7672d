import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sizeCommand } from '../../server/src/cli/size';
import { buildModel } from '../../server/src/model/model';
import { RegistrySizes } from '../../server/src/registry/lookups';
import { manifestAccept, mediaTypes } from '../../server/src/registry/manifest';
import { estimateImageSize } from '../../server/src/size/estimate';
import type { BaseEstimate } from '../../server/src/size/estimate';
import { buildLayout, missingTools, RealRegistry, run, TokenServer } from './realRegistry';
import type { LayoutImage } from './realRegistry';

/**
 * Against Debian's docker-registry (distribution 2.8) on loopback, filled with an image built here as
 * an OCI layout (umoci) and pushed with skopeo: as an OCI manifest, as Docker schema 2, and as a
 * two-platform index; then again behind token auth served by a loopback token service.
 */
describe('registry: a real docker-registry on 127.0.0.1', function () {
  const work = mkdtempSync(join(tmpdir(), 'layerlens-docker-registry-'));
  const storage = join(work, 'storage');
  const open = new RealRegistry();
  const guarded = new RealRegistry();
  const tokens = new TokenServer();
  let images: Record<'amd64' | 'arm64', LayoutImage>;
  let indexDigest: string;

  before(async function () {
    const missing = missingTools();
    if (missing.length > 0) {
      console.log(`    skipped: ${missing.join(', ')} not available (scripts/registry-tools.sh fetches them)`);
      this.skip();
    }
    this.timeout(120_000);
    const built = buildLayout(work);
    images = built.images;
    indexDigest = built.index.digest;
    await open.start(work, 'open', storage);
    const push = (source: string, target: string, ...flags: string[]) =>
      run('skopeo', [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        ...flags,
        `oci:${built.layout}:${source}`,
        `docker://${open.host}/${target}`,
      ]);
    push('amd64', 'layerlens/oci:v1');
    push('amd64', 'layerlens/docker:v1', '--format', 'v2s2');
    push('multi', 'layerlens/multi:v1', '--all');
    await tokens.start(work);
    // The same storage behind token auth: what Docker Hub and most registries do for anonymous pulls.
    await guarded.start(work, 'guarded', storage, tokens.auth);
  });

  after(async () => {
    open.stop();
    guarded.stop();
    await tokens.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const baseOf = async (
    dockerfile: string,
    options: { timeoutMs?: number; cacheDir?: string } = {},
  ): Promise<Pick<BaseEstimate, 'compressedBytes' | 'confidence' | 'notes'>> => {
    const sizes = new RegistrySizes(options);
    const model = buildModel(dockerfile);
    await sizes.prefetch(model);
    const { base } = estimateImageSize(model, { baseSizes: sizes.baseSizes }).stages[0];
    return { compressedBytes: base.compressedBytes, confidence: base.confidence, notes: base.notes };
  };
  const exact = (image: LayoutImage, name: string, platform?: string) => ({
    compressedBytes: image.compressedBytes,
    confidence: 'exact',
    notes: [
      `pull size from the registry: ${image.layers} layers of ${name}${platform ? `, ${platform}` : ''}`,
      'on disk ≈ 2.4× (rule of thumb)',
    ],
  });

  it('reads OCI and Docker schema 2 manifests', async () => {
    const served = async (repository: string) => {
      const response = await fetch(`http://${open.host}/v2/${repository}/manifests/v1`, {
        headers: { Accept: manifestAccept },
      });
      return response.headers.get('content-type');
    };
    // skopeo pushed what the test means to read: one manifest of each format, and an index.
    assert.deepEqual(
      [await served('layerlens/oci'), await served('layerlens/docker'), await served('layerlens/multi')],
      [mediaTypes.ociManifest, mediaTypes.dockerManifest, mediaTypes.ociIndex],
    );
    assert.deepEqual(
      await baseOf(`FROM ${open.host}/layerlens/oci:v1\n`),
      exact(images.amd64, `${open.host}/layerlens/oci:v1`),
    );
    assert.deepEqual(
      await baseOf(`FROM ${open.host}/layerlens/docker:v1\n`),
      exact(images.amd64, `${open.host}/layerlens/docker:v1`),
    );
  });

  it('resolves a multi-platform index to linux/amd64, or to FROM --platform', async () => {
    assert.deepEqual(
      await baseOf(`FROM ${open.host}/layerlens/multi:v1\n`),
      exact(images.amd64, `${open.host}/layerlens/multi:v1`, 'linux/amd64'),
    );
    assert.deepEqual(
      await baseOf(`FROM --platform=linux/arm64 ${open.host}/layerlens/multi:v1 AS build\n`),
      exact(images.arm64, `${open.host}/layerlens/multi:v1`, 'linux/arm64/v8'),
    );
  });

  it('reads references pinned by digest (index and manifest)', async () => {
    assert.deepEqual(
      await baseOf(`FROM ${open.host}/layerlens/multi@${indexDigest}\n`),
      exact(images.amd64, `${open.host}/layerlens/multi@${indexDigest}`, 'linux/amd64'),
    );
    assert.deepEqual(
      await baseOf(`FROM ${open.host}/layerlens/oci:v1@${images.amd64.manifestDigest}\n`),
      exact(images.amd64, `${open.host}/layerlens/oci@${images.amd64.manifestDigest}`),
    );
  });

  it('falls back with a note for a missing tag', async () => {
    assert.deepEqual(await baseOf(`FROM ${open.host}/layerlens/oci:nope\n`), {
      compressedBytes: null,
      confidence: 'unknown',
      notes: [
        `no size data for ${open.host}/layerlens/oci:nope or another version of the same variant`,
        `registry lookup failed: ${open.host}/layerlens/oci:nope is not in the registry (404)`,
      ],
    });
  });

  it('gets an anonymous token from the realm of the 401 and pulls with it', async () => {
    tokens.requests.length = 0;
    assert.deepEqual(
      await baseOf(`FROM ${guarded.host}/layerlens/multi:v1\n`),
      exact(images.amd64, `${guarded.host}/layerlens/multi:v1`, 'linux/amd64'),
    );
    assert.deepEqual(tokens.requests, [
      `/token?service=${tokens.auth.service}&scope=repository%3Alayerlens%2Fmulti%3Apull`,
    ]);
  });

  it('reports a token the registry refuses', async () => {
    tokens.denied.add('layerlens/docker');
    assert.deepEqual(await baseOf(`FROM ${guarded.host}/layerlens/docker:v1\n`), {
      compressedBytes: null,
      confidence: 'unknown',
      notes: [
        `no size data for ${guarded.host}/layerlens/docker:v1 or another version of the same variant`,
        `registry lookup failed: ${guarded.host} refused the anonymous token for layerlens/docker`,
      ],
    });
  });

  it('layerlens size --registry --cache-dir: exact base size, kept on disk for the next run', async () => {
    const project = join(work, 'project');
    const cacheDir = join(work, 'cache');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'Dockerfile'), `FROM ${open.host}/layerlens/multi:v1\nRUN echo built > /built\n`);
    const size = async (...args: string[]) => {
      let stdout = '';
      const code = await sizeCommand(['Dockerfile', '--json', ...args], {
        stdout: (text) => (stdout += text),
        stderr: () => undefined,
        cwd: project,
      });
      const base = (
        JSON.parse(stdout) as {
          stages: { base: { compressedBytes: number | null; confidence: string; notes: string[] } }[];
        }
      ).stages[0].base;
      return { code, compressedBytes: base.compressedBytes, confidence: base.confidence, notes: base.notes };
    };
    const expected = { code: 0, ...exact(images.amd64, `${open.host}/layerlens/multi:v1`, 'linux/amd64') };
    assert.deepEqual(await size('--registry', '--cache-dir', cacheDir), expected);
    open.stop();
    try {
      assert.deepEqual(await size('--registry', '--cache-dir', cacheDir), expected);
      assert.deepEqual(await size(), {
        code: 0,
        compressedBytes: null,
        confidence: 'unknown',
        notes: [`no size data for ${open.host}/layerlens/multi:v1 or another version of the same variant`],
      });
    } finally {
      await open.start(work, 'open', storage);
    }
  });
});
