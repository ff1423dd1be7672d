// A registry (or a planted cache) that lies or stalls must not put absurd figures on screen nor hold a run.
import assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/model';
import { RegistryError } from '../../server/src/registry/http';
import { mediaTypes, parseManifest } from '../../server/src/registry/manifest';
import { RegistrySizes } from '../../server/src/registry/lookups';
import { FakeRegistry } from './fakeRegistry';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('registry: hostile answers', () => {
  it('refuses manifests no real image has: 5,000 layers, or layers of 2^53 bytes', () => {
    const manifest = (count: number, size: number) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        layers: Array.from({ length: count }, (_, index) => ({ digest: digest(index), size })),
      });
    const problem = (body: string) => {
      try {
        parseManifest(body, mediaTypes.ociManifest);
        return 'accepted';
      } catch (error) {
        return error instanceof RegistryError ? error.message : `crash: ${String(error)}`;
      }
    };
    assert.deepEqual(
      [problem(manifest(5000, 2 ** 53)), problem(manifest(2, 2 ** 53 - 1)), problem(manifest(300, 2 ** 33))],
      [
        'the image manifest lists 5000 layers, more than an image can have',
        'a layer claims 9007199254740991 bytes, more than any real image: not trusted',
        'the image manifest claims 2576980377600 bytes, more than any real image: not trusted',
      ],
    );
    assert.equal(problem(manifest(3, 30_000_000)), 'accepted');
  });

  describe('size --registry against a registry that never answers', () => {
    let registry: FakeRegistry;
    beforeEach(async () => {
      registry = await new FakeRegistry().start();
    });
    afterEach(() => registry.stop());

    it('ends by the overall bound, however many images the Dockerfile names', async () => {
      // 40 images, 4 at a time, 3 s each: 30 s without an overall bound, longer than this test may run.
      const stages = Array.from(
        { length: 40 },
        (_, index) => `FROM ${registry.host}/slow/image${index}:1 AS s${index}`,
      );
      for (let index = 0; index < 40; index++)
        registry.routes.set(`/v2/slow/image${index}/manifests/1`, { hang: true });
      const sizes = new RegistrySizes({ timeoutMs: 3000 });
      const started = performance.now();
      await sizes.prefetch(buildModel(`${stages.join('\n')}\n`), 1500);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 10_000, `prefetch returned after ${Math.round(elapsed)} ms`);
    });
  });
});
