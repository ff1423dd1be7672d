import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { openExportedImage } from '../../../server/src/measure/image';
import { analyzeLayers } from '../../../server/src/measure/layers';
import { readTarStream } from '../../../server/src/measure/tar';
import type { TarEntry } from '../../../server/src/measure/tar';
import { makeDockerArchive, makeOciLayout, makeTar } from './imageFixture';
import type { FixtureLayer } from './imageFixture';

const bytes = (count: number, fill = 'x') => Buffer.alloc(count, fill);

/** A base, a layer that overwrites a file and adds one, a layer that deletes it and empties a folder. */
const layers: FixtureLayer[] = [
  {
    createdBy: '/bin/sh -c #(nop) ADD file:abc in / ',
    entries: [
      { path: 'etc', kind: 'directory' },
      { path: 'etc/config', content: bytes(100) },
      { path: 'data', kind: 'directory' },
      { path: 'data/one', content: bytes(50) },
      { path: 'data/two', content: bytes(70) },
      { path: 'keep.txt', content: bytes(5) },
      { path: 'link', kind: 'symlink', linkTarget: 'keep.txt' },
    ],
  },
  {
    createdBy: '/bin/sh -c build-it',
    entries: [
      { path: 'etc/config', content: bytes(120) },
      { path: 'big.bin', content: bytes(1000) },
    ],
  },
  {
    createdBy: '/bin/sh -c clean-up',
    entries: [{ path: '.wh.big.bin' }, { path: 'data/.wh..wh..opq' }, { path: 'data/three', content: bytes(10) }],
  },
];

describe('measure: reading image layers', () => {
  const cleanups: string[] = [];
  after(() => cleanups.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('reads a tar stream with PAX long names, folders and links', async () => {
    const longPath = `${'deep/'.repeat(30)}file.txt`;
    const tar = makeTar([
      { path: './usr', kind: 'directory' },
      { path: longPath, content: 'hello' },
      { path: 'usr/bin/sh', kind: 'symlink', linkTarget: 'dash' },
      { path: 'usr/bin/hard', kind: 'hardlink', linkTarget: 'usr/bin/dash' },
    ]);
    const entries: TarEntry[] = [];
    await readTarStream(Readable.from([gzipSync(tar)]), (entry) => entries.push(entry), { gzip: true });
    assert.deepEqual(entries, [
      { path: 'usr', kind: 'directory', size: 0, linkTarget: '', mode: 0o644 },
      { path: longPath, kind: 'file', size: 5, linkTarget: '', mode: 0o644 },
      { path: 'usr/bin/sh', kind: 'symlink', size: 0, linkTarget: 'dash', mode: 0o644 },
      { path: 'usr/bin/hard', kind: 'hardlink', size: 0, linkTarget: 'usr/bin/dash', mode: 0o644 },
    ]);
  });

  it('finds added, changed and removed files and the bytes wasted, from an OCI layout', async () => {
    const { dir, layerBlobs } = makeOciLayout(layers);
    cleanups.push(dir);
    const image = openExportedImage(dir);
    assert.deepEqual(
      image.manifestLayerSizes,
      layerBlobs.map((blob) => blob.length),
    );
    const analysis = await analyzeLayers(image);
    assert.deepEqual(
      analysis.layers.map(({ digest: _digest, ...rest }) => rest),
      [
        {
          compressedBytes: layerBlobs[0].length,
          compressedBy: 'archive',
          diskBytes: 225,
          filesAdded: 5,
          filesChanged: 0,
          filesRemoved: 0,
        },
        {
          compressedBytes: layerBlobs[1].length,
          compressedBy: 'archive',
          diskBytes: 1120,
          filesAdded: 1,
          filesChanged: 1,
          filesRemoved: 0,
        },
        {
          compressedBytes: layerBlobs[2].length,
          compressedBy: 'archive',
          diskBytes: 10,
          filesAdded: 1,
          filesChanged: 0,
          filesRemoved: 3,
        },
      ],
    );
    assert.deepEqual(analysis.waste, [
      { path: 'big.bin', bytes: 1000, addedLayer: 1, removedLayer: 2, how: 'removed' },
      { path: 'data', bytes: 120, addedLayer: 0, removedLayer: 2, how: 'removed' },
      { path: 'etc/config', bytes: 100, addedLayer: 0, removedLayer: 1, how: 'overwritten' },
    ]);
    assert.equal(analysis.wastedBytes, 1220);
    assert.equal(analysis.totalDiskBytes, 1355);
    assert.equal(analysis.efficiency, 1 - 1220 / 1355);
  });

  it('reads the same image from a docker save archive and compresses its plain layers with gzip -6', async () => {
    const file = makeDockerArchive(layers);
    cleanups.push(dirname(file));
    const image = openExportedImage(file);
    assert.equal(image.format, 'docker-archive');
    assert.equal(image.manifestLayerSizes, undefined);
    const analysis = await analyzeLayers(image);
    assert.deepEqual(
      analysis.layers.map((layer) => [
        layer.diskBytes,
        layer.filesAdded,
        layer.filesChanged,
        layer.filesRemoved,
        layer.compressedBy,
      ]),
      [
        [225, 5, 0, 0, 'gzip-6'],
        [1120, 1, 1, 0, 'gzip-6'],
        [10, 1, 0, 3, 'gzip-6'],
      ],
    );
    assert.deepEqual(
      analysis.layers.map((layer) => layer.compressedBytes),
      layers.map((layer) => gzipSync(makeTar(layer.entries), { level: 6 }).length),
    );
    assert.equal(analysis.wastedBytes, 1220);
  });

  it('treats a file replacing a folder as removing what the folder held', async () => {
    const { dir } = makeOciLayout([
      { createdBy: 'base', entries: [{ path: 'opt/tool/bin', content: bytes(300) }] },
      { createdBy: 'replace', entries: [{ path: '.wh.opt' }, { path: 'opt', content: bytes(1) }] },
    ]);
    cleanups.push(dir);
    const analysis = await analyzeLayers(openExportedImage(dir));
    assert.deepEqual(analysis.waste, [{ path: 'opt', bytes: 300, addedLayer: 0, removedLayer: 1, how: 'removed' }]);
    assert.deepEqual(
      analysis.layers.map((layer) => [layer.filesAdded, layer.filesChanged, layer.filesRemoved]),
      [
        [1, 0, 0],
        [1, 0, 1],
      ],
    );
  });

  it('says which formats it cannot read', () => {
    const { dir } = makeOciLayout([]);
    cleanups.push(dir);
    rmSync(`${dir}/index.json`);
    assert.throws(() => openExportedImage(dir), /neither an OCI layout/);
  });
});
