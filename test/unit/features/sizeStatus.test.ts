import assert from 'node:assert/strict';
import { sizeStatus } from '../../../server/src/features/sizeStatus';
import type { LayerEstimate, SizeConfidence, StageEstimate } from '../../../server/src/size/estimate';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function layer(line: number, diskBytes: number | null, confidence: SizeConfidence): LayerEstimate {
  return {
    line,
    instruction: 'RUN x',
    keyword: 'RUN',
    range,
    diskBytes,
    compressedBytes: diskBytes,
    diskLow: diskBytes === null ? null : diskBytes * 0.9,
    diskHigh: diskBytes === null ? null : diskBytes * 1.1,
    compressedLow: diskBytes === null ? null : diskBytes * 0.9,
    compressedHigh: diskBytes === null ? null : diskBytes * 1.1,
    confidence,
    notes: [],
  };
}

function stage(index: number, shipped: boolean, baseBytes: number | null, layers: LayerEstimate[]): StageEstimate {
  const known = layers.filter((entry) => entry.diskBytes !== null);
  const unknownLayers = layers.length - known.length;
  const added = known.reduce((sum, entry) => sum + (entry.diskBytes ?? 0), 0);
  const total = baseBytes === null ? null : baseBytes + added;
  return {
    name: index === 0 && !shipped ? 'build' : null,
    index,
    shipped,
    base: {
      reference: index === 0 ? 'golang:1.23' : 'debian:bookworm-slim',
      diskBytes: baseBytes,
      compressedBytes: baseBytes,
      diskLow: baseBytes,
      diskHigh: baseBytes,
      compressedLow: baseBytes,
      compressedHigh: baseBytes,
      confidence: baseBytes === null ? 'unknown' : 'data',
      notes: [],
    },
    diskBytes: total,
    compressedBytes: total === null ? null : total / 2,
    diskLow: total === null ? null : total - 10e6,
    diskHigh: total === null || unknownLayers > 0 ? null : total + 10e6,
    compressedLow: total === null ? null : total / 2 - 5e6,
    compressedHigh: total === null || unknownLayers > 0 ? null : total / 2 + 5e6,
    addedDiskBytes: added,
    addedCompressedBytes: added / 2,
    unknownLayers,
    layers,
  };
}

describe('size status (the status bar item)', () => {
  it('states the shipped stage with its interval, and every stage and how sure in the tooltip', () => {
    const estimate = {
      stages: [
        stage(0, false, null, [layer(2, null, 'unknown')]),
        stage(1, true, 100e6, [layer(5, 30e6, 'data'), layer(6, 12e6, 'estimate'), layer(7, 2e6, 'data')]),
      ],
    };
    assert.deepEqual(sizeStatus(estimate, [0, 3]), {
      text: '≈ 144 MB (134–154)',
      tooltip: [
        '**LayerLens: shipped image, stage 1**',
        '',
        '≈ 144 MB (134–154) on disk · 72 MB (67–77) to pull (base 100 MB + 44 MB in 3 layers)',
        '',
        'How sure: base `debian:bookworm-slim` from data; layers: 2 from data, 1 estimated. An interval is where the true size lay for about nine figures in ten measured with the same method.',
        '',
        '- stage 0 (build): unknown base `golang:1.23` on disk · not shipped',
        '',
        'Click for the breakdown by layer.',
      ].join('\n'),
      stage: 1,
      fromLine: 3,
    });
  });

  it('says a total with unknown layers is a lower bound, and an unknown base is unknown', () => {
    const lower = sizeStatus({ stages: [stage(0, true, 100e6, [layer(2, null, 'unknown')])] }, [0]);
    assert.deepEqual(lower && { text: lower.text, howSure: lower.tooltip.split('\n')[4] }, {
      text: '≥ 90 MB',
      howSure:
        'How sure: base `golang:1.23` from data; layers: 1 unknown. Unknown layers make the total a lower bound. An interval is where the true size lay for about nine figures in ten measured with the same method.',
    });
    assert.equal(sizeStatus({ stages: [stage(0, true, null, [])] }, [0])?.text, 'size unknown');
  });

  it('has nothing to show when no stage ships', () => {
    assert.equal(sizeStatus({ stages: [] }, []), null);
  });
});
