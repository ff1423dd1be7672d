import assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/model/model';
import { estimateImageSize } from '../../../server/src/size/estimate';
import {
  MeasuredResults,
  measuredLenses,
  placeMeasurement,
  textHash,
  withMeasuredHover,
} from '../../../server/src/features/measure';
import type { StoredMeasurement } from '../../../server/src/features/measure';

const text = `FROM debian:bookworm-slim
WORKDIR /app
COPY payload.bin ./payload.bin
RUN head -c 3000000 /dev/urandom > cache.bin
RUN rm cache.bin
`;

const measurement: StoredMeasurement = {
  textHash: textHash(text),
  measuredAt: '2026-12-04T17:00:00.000Z',
  engine: 'buildah',
  image: 'localhost/layerlens-measure:0123456789ab',
  compressedBytes: 33_000_000,
  diskBytes: 80_000_000,
  base: { compressedBytes: 28_000_000, diskBytes: 75_000_000, layers: 1 },
  layers: [
    {
      line: 3,
      keyword: 'COPY',
      text: 'COPY payload.bin ./payload.bin',
      compressedBytes: 1_900_000,
      diskBytes: 2_000_000,
      filesAdded: 1,
      filesChanged: 0,
      filesRemoved: 0,
    },
    {
      line: 4,
      keyword: 'RUN',
      text: 'RUN head -c 3000000 /dev/urandom > cache.bin',
      compressedBytes: 3_001_000,
      diskBytes: 3_000_000,
      filesAdded: 1,
      filesChanged: 0,
      filesRemoved: 0,
    },
    {
      line: 5,
      keyword: 'RUN',
      text: 'RUN rm cache.bin',
      compressedBytes: 200,
      diskBytes: 0,
      filesAdded: 0,
      filesChanged: 0,
      filesRemoved: 1,
    },
  ],
  waste: [{ path: 'app/cache.bin', bytes: 3_000_000, addedLine: 4, removedLine: 5, how: 'removed' }],
  wastedBytes: 3_000_000,
  efficiency: 1 - 3_000_000 / 80_000_000,
};

const titles = (model = buildModel(text), canBuild = true, stored: StoredMeasurement | null = measurement) =>
  measuredLenses('file:///w/Dockerfile', model, estimateImageSize(model), stored ?? undefined, canBuild).map((lens) => [
    lens.range.start.line,
    lens.command?.title,
  ]);

describe('Build and Measure in the editor', () => {
  it('offers "Build and Measure" on the shipped FROM until something was measured, and only where it may build', () => {
    assert.deepEqual(titles(buildModel(text), true, null), [[0, 'Build and Measure']]);
    assert.deepEqual(titles(buildModel(text), false, null), []);
  });

  it('shows the measured total, the measured layers beside their estimate, and the waste where it is deleted', () => {
    const lenses = titles();
    assert.equal(lenses.length, 4);
    assert.deepEqual(lenses[0], [0, 'Measured: 80 MB on disk · 33 MB to pull · 3.0 MB wasted (96.3 % efficient)']);
    assert.equal(lenses[1][0], 2);
    assert.match(String(lenses[1][1]), /^\+2\.0 MB \(measured\) · estimate (unknown|\+\S+ \S+ \(.+\))$/);
    assert.equal(lenses[2][0], 3);
    assert.match(String(lenses[2][1]), /^\+3\.0 MB \(measured\) · estimate /);
    assert.deepEqual(lenses[3], [4, '3.0 MB added by line 4 deleted or overwritten here (measured waste)']);
  });

  it('keeps a stale measurement after an edit, marked, with each layer on its moved instruction', () => {
    const edited = text.replace('WORKDIR /app\n', 'WORKDIR /app\nENV A=1\n');
    const model = buildModel(edited);
    const placed = placeMeasurement(model, measurement);
    assert.equal(placed.stale, true);
    assert.deepEqual(
      placed.layers.map(({ instruction, layer }) => [instruction.range.start.line + 1, layer.line]),
      [
        [4, 3],
        [5, 4],
        [6, 5],
      ],
    );
    assert.deepEqual(titles(model), [
      [0, 'Measured: 80 MB on disk · 33 MB to pull · 3.0 MB wasted (96.3 % efficient) (stale: the file changed since)'],
      [3, '+2.0 MB (measured), stale'],
      [4, '+3.0 MB (measured), stale'],
    ]);
  });

  it('adds the measured figures to the hover of a layer and of the shipped FROM', () => {
    const model = buildModel(text);
    const estimate = estimateImageSize(model);
    const layerHover = withMeasuredHover(null, model, estimate, measurement, { line: 3, character: 1 });
    assert.match(
      JSON.stringify(layerHover?.contents),
      /\*\*\+3\.0 MB \(measured\)\*\*: 3\.0 MB on disk, 3\.0 MB compressed; files \+1 ~0 −0/,
    );
    const fromHover = withMeasuredHover(
      { contents: { kind: 'markdown', value: 'estimate' } },
      model,
      estimate,
      measurement,
      { line: 0, character: 2 },
    );
    assert.equal(
      (fromHover?.contents as { value: string }).value,
      [
        'estimate',
        '',
        '---',
        '',
        '**Measured** with buildah (2026-12-04 17:00 UTC): 80 MB on disk, 33 MB to pull; base 75 MB in 1 layer',
        '- wasted 3.0 MB: 96.3 % efficient',
        '- `/app/cache.bin` 3.0 MB: added on line 4, removed on line 5',
      ].join('\n'),
    );
    assert.equal(withMeasuredHover(null, model, estimate, measurement, { line: 1, character: 1 }), null);
  });

  it('takes only well-formed measurements from the client', () => {
    const results = new MeasuredResults();
    assert.equal(results.restore({ uri: 'file:///w/Dockerfile', measurement: { textHash: 1 } }), false);
    assert.equal(results.restore(null), false);
    assert.equal(results.restore({ uri: 'file:///w/Dockerfile', measurement }), true);
    assert.deepEqual(results.get('file:///w/Dockerfile'), measurement);
  });
});
