import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCommand, storageArgs } from '../../server/src/measure/engine';
import { measureExportedImage } from '../../server/src/measure/measure';
import type { MeasuredImage } from '../../server/src/measure/measure';
import { buildModel } from '../../server/src/model/model';
import { readFileSync } from 'node:fs';
import { measureCommand } from '../../server/src/cli/measure';
import { ensureLabTools, labAvailable, labBuild, labEngine, labRun, labStorageConf } from '../../scripts/lab';

const fixture = resolve(__dirname, '../fixtures/measure/multistage/Dockerfile');

/**
 * The measure tier: real builds with buildah in the lab (its own store under .cache/lab). Skips when
 * buildah cannot run here; under CI it installs buildah and fails instead of skipping.
 */
describe('measure: real builds in the buildah lab', function () {
  this.timeout(20 * 60 * 1000);
  let measured: MeasuredImage;
  const cleanups: string[] = [];

  before(async function () {
    if (!(await labAvailable())) ensureLabTools((line) => process.stderr.write(`${line}\n`));
    if (!(await labAvailable())) {
      if (process.env.CI) throw new Error('CI: the measure tier needs root and buildah, and could not install them');
      this.skip();
    }
    measured = await labBuild(fixture, { log: () => undefined });
  });
  after(() => cleanups.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('maps the shipped stage\u2019s layers to their lines; the build stage\u2019s layers are not in the image', () => {
    assert.deepEqual(
      measured.layers.map((layer) => [layer.line, layer.instruction]),
      [
        [undefined, undefined],
        [8, 'COPY'],
        [9, 'RUN'],
        [10, 'COPY'],
        [11, 'RUN'],
      ],
    );
  });

  it('measures each layer\u2019s compressed bytes as the OCI manifest states them', () => {
    assert.ok(measured.manifestLayerSizes);
    assert.deepEqual(
      measured.layers.map((layer) => layer.compressedBytes),
      measured.manifestLayerSizes,
    );
  });

  it('measures the on-disk bytes and files of each layer exactly', () => {
    assert.deepEqual(
      measured.layers
        .slice(1)
        .map((layer) => [layer.diskBytes, layer.filesAdded, layer.filesChanged, layer.filesRemoved]),
      [
        [63, 1, 0, 0],
        // buildah's RUN leaves the empty /etc/hosts it mounted over: a real, if empty, file of the layer.
        [3_000_002, 3, 0, 0],
        [200_000, 1, 0, 0],
        [2, 0, 1, 1],
      ],
    );
  });

  it('finds the planted add-then-delete with its exact bytes and lines', () => {
    assert.deepEqual(measured.waste, [
      { path: 'app/cache.bin', bytes: 3_000_000, addedLine: 9, removedLine: 11, how: 'removed' },
      { path: 'app/version', bytes: 2, addedLine: 9, removedLine: 11, how: 'overwritten' },
    ]);
    assert.equal(measured.wastedBytes, 3_000_002);
  });

  it('reads the docker save and OCI archive formats (what docker and podman export) to the same layers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlens-archives-'));
    cleanups.push(dir);
    const stage = buildModel(readFileSync(fixture, 'utf8')).shipped;
    assert.ok(stage);
    const push = async (transport: string, file: string) => {
      const result = await runCommand('buildah', [
        ...storageArgs(labEngine),
        'push',
        '--quiet',
        measured.image,
        `${transport}:${file}`,
      ]);
      assert.equal(result.code, 0, result.output);
      return measureExportedImage(file, stage, { engine: 'buildah', image: measured.image });
    };
    const facts = (image: MeasuredImage) =>
      image.layers.map((layer) => [
        layer.line,
        layer.diskBytes,
        layer.filesAdded,
        layer.filesChanged,
        layer.filesRemoved,
      ]);
    const dockerArchive = await push('docker-archive', join(dir, 'docker.tar'));
    const ociArchive = await push('oci-archive', join(dir, 'oci.tar'));
    assert.equal(dockerArchive.format, 'docker-archive');
    assert.equal(ociArchive.format, 'oci-archive');
    assert.deepEqual(facts(dockerArchive), facts(measured));
    assert.deepEqual(facts(ociArchive), facts(measured));
    assert.deepEqual(dockerArchive.waste, measured.waste);
    // docker save holds plain tars: compressed here with gzip -6, within a few percent of buildah's own gzip.
    for (const [index, layer] of dockerArchive.layers.entries()) {
      if (layer.compressedBytes < 100_000) continue;
      const relative =
        Math.abs(layer.compressedBytes - measured.layers[index].compressedBytes) /
        measured.layers[index].compressedBytes;
      assert.ok(
        relative < 0.05,
        `layer ${index}: ${layer.compressedBytes} vs ${measured.layers[index].compressedBytes}`,
      );
    }
  });

  it('runs a command in the built image', async () => {
    const result = await labRun(measured.image, ['/bin/cat', '/app/version']);
    assert.deepEqual([result.code, result.output.trim()], [0, 'v2']);
  });

  it('layerlens measure --engine buildah --json prints the size schema with measured layers and waste', async () => {
    const saved = process.env.CONTAINERS_STORAGE_CONF;
    process.env.CONTAINERS_STORAGE_CONF = labStorageConf();
    let stdout = '';
    let stderr = '';
    try {
      const code = await measureCommand([fixture, '--engine', 'buildah', '--json'], {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        cwd: process.cwd(),
      });
      assert.equal(code, 0, stderr);
    } finally {
      if (saved === undefined) delete process.env.CONTAINERS_STORAGE_CONF;
      else process.env.CONTAINERS_STORAGE_CONF = saved;
    }
    const json = JSON.parse(stdout) as {
      stages: Array<{
        shipped: boolean;
        layers: Array<{ line: number; measured: { compressedBytes: number; diskBytes: number } | null }>;
        waste?: unknown[];
      }>;
      measured: { engine: string; wastedBytes: number };
    };
    const [build, shipped] = json.stages;
    assert.deepEqual(
      build.layers.map((layer) => layer.measured),
      [null],
    );
    assert.deepEqual(
      shipped.layers.map((layer) => [layer.line, layer.measured?.diskBytes]),
      [
        [8, 63],
        [9, 3_000_002],
        [10, 200_000],
        [11, 2],
      ],
    );
    assert.deepEqual(shipped.waste, [
      { path: 'app/cache.bin', bytes: 3_000_000, addedLine: 9, removedLine: 11, how: 'removed' },
      { path: 'app/version', bytes: 2, addedLine: 9, removedLine: 11, how: 'overwritten' },
    ]);
    assert.deepEqual([json.measured.engine, json.measured.wastedBytes], ['buildah', 3_000_002]);
    assert.match(stderr, /building with buildah/);
  });
});
