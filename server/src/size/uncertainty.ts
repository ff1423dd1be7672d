// How sure a size figure is: every figure is the sum of parts, each obtained by one method whose error
// was measured (server/src/data/size-errors.json); the interval is the range the truth lies in for about
// nine layers in ten checked with that method.
import table from '../data/size-errors.json';

export type SizeMethod = keyof typeof table.methods;

interface MethodError {
  compressed: number[];
  disk: number[];
  slackBytes: number;
}

const methods: Record<SizeMethod, MethodError> = table.methods;

/** Where the true sizes lie: null when unknown; a high of null when the figure is only a lower bound. */
export interface SizeBounds {
  diskLow: number | null;
  diskHigh: number | null;
  compressedLow: number | null;
  compressedHigh: number | null;
}

export const unknownBounds: SizeBounds = { diskLow: null, diskHigh: null, compressedLow: null, compressedHigh: null };

/** One part of a figure and the method that sized it. */
export interface SizedPart {
  method: SizeMethod;
  diskBytes: number;
  compressedBytes: number;
}

/** A figure with its interval, as summed. */
export interface Interval {
  point: number;
  low: number;
  /** Null: no upper bound (something in the figure is not counted). */
  high: number | null;
}

/**
 * The interval of a sum: the errors of separate parts are taken as independent, so their deviations
 * add as the root of the sum of squares (a sum of ten ±20 % parts is not ±20 % of the whole off).
 */
export function sumIntervals(items: readonly Interval[]): Interval {
  let point = 0;
  let below = 0;
  let above = 0;
  let open = false;
  for (const item of items) {
    point += item.point;
    below += (item.point - item.low) ** 2;
    if (item.high === null) open = true;
    else above += (item.high - item.point) ** 2;
  }
  return {
    point,
    low: Math.max(0, Math.round(point - Math.sqrt(below))),
    high: open ? null : Math.round(point + Math.sqrt(above)),
  };
}

function partInterval(bytes: number, method: SizeMethod, kind: 'compressed' | 'disk'): Interval {
  const error = methods[method];
  const [low, high] = error[kind];
  const slack = kind === 'disk' ? 2 * error.slackBytes : error.slackBytes;
  return { point: bytes, low: Math.max(0, bytes * low - slack), high: bytes * high + slack };
}

/** The bounds of a figure made of `parts`; `open` when something in it is not counted (no upper bound). */
export function boundsOf(parts: readonly SizedPart[], open = false): SizeBounds {
  const disk = sumIntervals(parts.map((part) => partInterval(part.diskBytes, part.method, 'disk')));
  const compressed = sumIntervals(parts.map((part) => partInterval(part.compressedBytes, part.method, 'compressed')));
  return {
    diskLow: disk.low,
    diskHigh: open ? null : disk.high,
    compressedLow: compressed.low,
    compressedHigh: open ? null : compressed.high,
  };
}

/** The disk and compressed intervals of something that carries a figure and its bounds. */
export function intervalsOf(figure: { diskBytes: number | null; compressedBytes: number | null } & SizeBounds): {
  disk: Interval;
  compressed: Interval;
} | null {
  if (figure.diskBytes === null || figure.diskLow === null) return null;
  return {
    disk: { point: figure.diskBytes, low: figure.diskLow, high: figure.diskHigh },
    compressed: {
      point: figure.compressedBytes ?? 0,
      low: figure.compressedLow ?? 0,
      high: figure.compressedHigh,
    },
  };
}

/** Bounds of a total: base and layers, each with its own bounds; an unknown layer leaves no upper bound. */
export function totalBounds(
  items: readonly ({ diskBytes: number | null; compressedBytes: number | null } & SizeBounds)[],
): SizeBounds {
  const disk: Interval[] = [];
  const compressed: Interval[] = [];
  for (const item of items) {
    const intervals = intervalsOf(item);
    if (!intervals) {
      disk.push({ point: 0, low: 0, high: null });
      compressed.push({ point: 0, low: 0, high: null });
      continue;
    }
    disk.push(intervals.disk);
    compressed.push(intervals.compressed);
  }
  const diskSum = sumIntervals(disk);
  const compressedSum = sumIntervals(compressed);
  return {
    diskLow: diskSum.low,
    diskHigh: diskSum.high,
    compressedLow: compressedSum.low,
    compressedHigh: compressedSum.high,
  };
}

/** Where a method's error figures come from, for notes and docs. */
export function methodSource(method: SizeMethod): string {
  return table.methods[method].source;
}
