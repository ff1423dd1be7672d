import assert from 'node:assert/strict';
import { formatInterval } from '../../../server/src/size/format';
import { boundsOf, sumIntervals, totalBounds, unknownBounds } from '../../../server/src/size/uncertainty';

describe('size intervals', () => {
  it('adds independent deviations as the root of the sum of squares, and leaves no upper bound when a part has none', () => {
    assert.deepEqual(
      sumIntervals([
        { point: 100, low: 70, high: 140 },
        { point: 100, low: 60, high: 130 },
      ]),
      { point: 200, low: 150, high: 250 },
    );
    assert.deepEqual(
      sumIntervals([
        { point: 100, low: 70, high: 140 },
        { point: 0, low: 0, high: null },
      ]),
      { point: 100, low: 70, high: null },
    );
  });

  it("scales a part by its method's measured truth ÷ estimate range, with the method's slack", () => {
    // apt: compressed 0.82–1.2 with 20 kB slack, disk 0.9–1.1 with twice that.
    assert.deepEqual(boundsOf([{ method: 'apt', diskBytes: 10_000_000, compressedBytes: 4_000_000 }]), {
      diskLow: 8_960_000,
      diskHigh: 11_040_000,
      compressedLow: 3_260_000,
      compressedHigh: 4_820_000,
    });
    assert.deepEqual(boundsOf([{ method: 'apt', diskBytes: 10_000_000, compressedBytes: 4_000_000 }], true), {
      diskLow: 8_960_000,
      diskHigh: null,
      compressedLow: 3_260_000,
      compressedHigh: null,
    });
  });

  it('gives a total no upper bound when one item is unknown', () => {
    const known = {
      diskBytes: 100,
      compressedBytes: 50,
      diskLow: 90,
      diskHigh: 110,
      compressedLow: 40,
      compressedHigh: 60,
    };
    assert.deepEqual(totalBounds([known, { diskBytes: null, compressedBytes: null, ...unknownBounds }]), {
      diskLow: 90,
      diskHigh: null,
      compressedLow: 40,
      compressedHigh: null,
    });
  });

  it('prints the interval beside the figure, the unit once when shared, ≥ for a lower bound', () => {
    assert.deepEqual(
      [
        formatInterval(45_000_000, 38_000_000, 55_000_000),
        formatInterval(900_000, 600_000, 1_200_000),
        formatInterval(0, 0, 200_000),
        formatInterval(45_000_000, 38_000_000, null),
        formatInterval(45_000_000, 45_100_000, 45_200_000),
        formatInterval(45_000_000, null, null),
      ],
      ['45 MB (38–55)', '900 kB (600 kB–1.2 MB)', '0 B (≤ 200 kB)', '≥ 38 MB', '45 MB', '45 MB'],
    );
  });
});
