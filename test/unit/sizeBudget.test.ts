import assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/model';
import { budgetComment, budgetFor, checkSizeBudget } from '../../server/src/engine/sizeBudget';
import type { ImageSizeEstimate, StageEstimate } from '../../server/src/size/estimate';
import { estimateImageSize } from '../../server/src/size/estimate';
import { parseSize } from '../../server/src/size/format';

const MB = 1e6;

/** An estimate of one shipped stage with the given on-disk figure and interval (the decision under test). */
function shippedAt(disk: number | null, low: number | null, high: number | null, unknownLayers = 0): ImageSizeEstimate {
  const base = { reference: 'debian:bookworm-slim', diskBytes: disk, compressedBytes: null, confidence: 'data' };
  const stage = {
    name: null,
    index: 0,
    shipped: true,
    base: { ...base, diskLow: low, diskHigh: high, compressedLow: null, compressedHigh: null, notes: [] },
    diskBytes: disk,
    diskLow: low,
    diskHigh: high,
    compressedBytes: null,
    compressedLow: null,
    compressedHigh: null,
    addedDiskBytes: 0,
    addedCompressedBytes: 0,
    unknownLayers,
    layers: [],
  } as StageEstimate;
  return { stages: [stage] };
}

describe('size budget', () => {
  const model = buildModel('FROM debian:bookworm-slim\nCMD ["app"]\n');
  const fromLine = { start: { line: 0, character: 0 }, end: { line: 0, character: 25 } };
  const budget = { bytes: 200 * MB, source: '--max-size' };
  const verdict = (estimate: ImageSizeEstimate) => {
    const finding = checkSizeBudget(model, estimate, budget);
    return finding && { severity: finding.severity, message: finding.message, range: finding.range };
  };

  it('reads sizes as budgets are written', () => {
    assert.deepEqual(
      ['200MB', '200 mb', '1.5GB', '500kB', '300MiB', '1GiB', '250', '12B', '', 'big', '0MB', '-5MB', '1e3MB'].map(
        parseSize,
      ),
      [
        200e6,
        200e6,
        1.5e9,
        500e3,
        300 * 1024 ** 2,
        1024 ** 3,
        250e6,
        12,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ],
    );
  });

  it('is over for certain when even the low end of the interval is over: an error on the shipped FROM', () => {
    assert.deepEqual(verdict(shippedAt(245 * MB, 230 * MB, 260 * MB)), {
      severity: 'error',
      message: 'The shipped image is over its 200 MB budget: ≈ 245 MB (230–260) on disk. Budget set by --max-size.',
      range: fromLine,
    });
  });

  it('may exceed when the figure is over but the low end is not (warning), or only the high end (info)', () => {
    assert.deepEqual(verdict(shippedAt(210 * MB, 180 * MB, 240 * MB)), {
      severity: 'warning',
      message: 'The shipped image may exceed its 200 MB budget: ≈ 210 MB (180–240) on disk. Budget set by --max-size.',
      range: fromLine,
    });
    assert.deepEqual(verdict(shippedAt(190 * MB, 170 * MB, 215 * MB))?.severity, 'info');
    assert.equal(verdict(shippedAt(150 * MB, 130 * MB, 170 * MB)), undefined);
  });

  it('says a layer it could not estimate leaves the top open, and when the base is unknown', () => {
    assert.deepEqual(verdict(shippedAt(150 * MB, 130 * MB, null, 2)), {
      severity: 'info',
      message:
        'The shipped image may exceed its 200 MB budget: ≈ 150 MB (at least 130 MB) on disk. 2 layers are not estimated. Budget set by --max-size.',
      range: fromLine,
    });
    assert.deepEqual(
      verdict(shippedAt(null, null, null))?.message,
      'The 200 MB budget cannot be checked: the size of debian:bookworm-slim is unknown. Budget set by --max-size.',
    );
  });

  it('takes the Dockerfile’s own budget comment over the setting or flag, and flags an unreadable one', () => {
    for (const eol of ['\n', '\r\n']) {
      const own = buildModel(['FROM debian:bookworm-slim', '# layerlens budget=1.5GB', 'CMD ["app"]', ''].join(eol));
      assert.deepEqual(budgetFor(own, budget), { bytes: 1.5e9, source: '# layerlens budget on line 2' });
      const bad = buildModel(['# layerlens budget = lots', 'FROM debian:bookworm-slim', ''].join(eol));
      const finding = budgetComment(bad);
      assert.deepEqual(
        finding && 'rule' in finding ? [finding.severity, finding.message, finding.range.start.line] : finding,
        ['warning', 'Unreadable size budget "lots": write it like 200MB or 1.5GB.', 0],
      );
    }
    assert.deepEqual(budgetFor(model, budget), budget);
    assert.equal(budgetFor(model, undefined), undefined);
  });

  it('checks the shipped stage of a real estimate, not a build stage', () => {
    const twoStage = buildModel(
      'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\nCMD ["/app"]\n',
    );
    const estimate = estimateImageSize(twoStage);
    const shipped = estimate.stages[1];
    assert.ok(shipped.shipped && shipped.diskLow !== null);
    const finding = checkSizeBudget(twoStage, estimate, { bytes: shipped.diskLow - 1, source: '--max-size' });
    assert.deepEqual([finding?.severity, finding?.range.start.line], ['error', 2]);
    assert.equal(checkSizeBudget(twoStage, estimate, { bytes: 10 * 1e9, source: '--max-size' }), undefined);
  });
});
