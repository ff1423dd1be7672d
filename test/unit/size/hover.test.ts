import assert from 'node:assert/strict';
import { sizeHover } from '../../../server/src/features/hover';
import { buildModel } from '../../../server/src/model/model';
import type { ImageSizeEstimate, StageEstimate } from '../../../server/src/size/estimate';

const text = 'FROM debian:bookworm-slim\nRUN apt-get install -y curl\nCOPY app.js /app/\nENV X=1\nRUN make\n';

/** A hand-made estimate, so the hover text depends on the hover code only. */
function fixture(crlf = false): { model: ReturnType<typeof buildModel>; estimate: ImageSizeEstimate } {
  const model = buildModel(crlf ? text.replace(/\n/g, '\r\n') : text);
  const [, run, copy, , make] = model.instructions;
  const stage: StageEstimate = {
    name: null,
    index: 0,
    shipped: true,
    base: {
      reference: 'debian:bookworm-slim',
      diskBytes: 75_000_000,
      compressedBytes: 28_000_000,
      diskLow: 62_000_000,
      diskHigh: 85_000_000,
      compressedLow: 27_200_000,
      compressedHigh: 29_100_000,
      confidence: 'data',
      notes: ['pull size from docker-library/repo-info'],
    },
    diskBytes: 100_000_000,
    compressedBytes: 38_000_000,
    diskLow: 84_000_000,
    diskHigh: null,
    compressedLow: 35_000_000,
    compressedHigh: null,
    addedDiskBytes: 25_000_000,
    addedCompressedBytes: 10_000_000,
    unknownLayers: 1,
    layers: [
      {
        line: 2,
        instruction: 'RUN apt-get install -y curl',
        keyword: 'RUN',
        range: run.range,
        diskBytes: 24_998_000,
        compressedBytes: 9_999_000,
        diskLow: 22_500_000,
        diskHigh: 27_500_000,
        compressedLow: 8_200_000,
        compressedHigh: 12_000_000,
        confidence: 'data',
        notes: ["apt: 37 packages from Debian bookworm's index"],
      },
      {
        line: 3,
        instruction: 'COPY app.js /app/',
        keyword: 'COPY',
        range: copy.range,
        diskBytes: 2_000,
        compressedBytes: 1_000,
        diskLow: 2_000,
        diskHigh: 2_000,
        compressedLow: 200,
        compressedHigh: 4_000,
        confidence: 'exact',
        notes: ['1 files from the build context, measured; pull size ≈ half'],
      },
      {
        line: 5,
        instruction: 'RUN make',
        keyword: 'RUN',
        range: make.range,
        diskBytes: null,
        compressedBytes: null,
        diskLow: null,
        diskHigh: null,
        compressedLow: null,
        compressedHigh: null,
        confidence: 'unknown',
        notes: ['size of `make` is not estimated'],
      },
    ],
  };
  return { model, estimate: { stages: [stage] } };
}

describe('size hover', () => {
  for (const crlf of [false, true]) {
    describe(crlf ? 'CRLF' : 'LF', () => {
      it('shows the stage breakdown on FROM, layers sorted by size, each with where it comes from', () => {
        const { model, estimate } = fixture(crlf);
        assert.deepEqual(sizeHover(estimate, model, { line: 0, character: 2 }), {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } },
          contents: {
            kind: 'markdown',
            value: [
              '**LayerLens: stage 0, shipped**',
              '',
              '≥ 84 MB on disk · ≥ 35 MB to pull (base 75 MB + 25 MB in 2 layers, 1 unknown)',
              '',
              '- base `debian:bookworm-slim`: 75 MB (62–85) on disk · 28 MB (27–29) to pull (from data; pull size from docker-library/repo-info)',
              "- line 2 `RUN`: +25 MB (23–28) (from data) — apt: 37 packages from Debian bookworm's index",
              '- line 3 `COPY`: +2 kB (measured) — 1 files from the build context, measured; pull size ≈ half',
              '- line 5 `RUN`: unknown (unknown) — size of `make` is not estimated',
              '',
              '1 layer is unknown: the total is a lower bound.',
            ].join('\n'),
          },
        });
      });

      it('shows a layer with its notes and its share of the stage on RUN and COPY', () => {
        const { model, estimate } = fixture(crlf);
        assert.deepEqual(sizeHover(estimate, model, { line: 1, character: 0 }), {
          range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
          contents: {
            kind: 'markdown',
            value: [
              '**LayerLens: this layer adds 25 MB (23–28) on disk · 10.0 MB (8.2–12) to pull** (from data)',
              '',
              "- apt: 37 packages from Debian bookworm's index",
              '',
              '25 % of stage 0 (≥ 84 MB on disk · ≥ 35 MB to pull (base 75 MB + 25 MB in 2 layers, 1 unknown))',
            ].join('\n'),
          },
        });
        assert.deepEqual(sizeHover(estimate, model, { line: 4, character: 1 })?.contents, {
          kind: 'markdown',
          value: [
            '**LayerLens: this layer adds an unknown size** (unknown)',
            '',
            '- size of `make` is not estimated',
          ].join('\n'),
        });
      });

      it('is null off the keywords and on instructions that make no layer', () => {
        const { model, estimate } = fixture(crlf);
        assert.deepEqual(
          [
            sizeHover(estimate, model, { line: 1, character: 10 }),
            sizeHover(estimate, model, { line: 3, character: 1 }),
            sizeHover(estimate, model, { line: 9, character: 0 }),
            sizeHover({ stages: [] }, model, { line: 0, character: 1 }),
          ],
          [null, null, null, null],
        );
      });
    });
  }
});
