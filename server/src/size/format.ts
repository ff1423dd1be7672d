import { formatSize } from '../knowledge/images';
import type { StageEstimate } from './estimate';

/** Sizes below a megabyte in kB, so a 2 kB COPY does not read as 0.0 MB; a gigabyte and more in GB. */
export function formatBytes(bytes: number): string {
  if (bytes === 0) return '0 B';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : formatSize(bytes);
}

/**
 * A figure with its interval: `45 MB (38–55)`, the unit written once when the bounds share it
 * (`900 kB (600 kB–1.2 MB)` otherwise); `0 B (≤ 200 kB)`; `≥ 38 MB` when there is no upper bound;
 * `45 MB` when the interval rounds to the figure itself.
 */
export function formatInterval(point: number, low: number | null, high: number | null): string {
  if (low === null) return formatBytes(point);
  if (high === null) return `≥ ${formatBytes(low)}`;
  const [figure, lower, upper] = [point, low, high].map(formatBytes);
  if (lower === figure && upper === figure) return figure;
  if (point === 0) return `${figure} (≤ ${upper})`;
  const unit = (text: string) => text.slice(text.lastIndexOf(' ') + 1);
  const sameUnit = unit(lower) === unit(figure) && unit(upper) === unit(figure) && lower !== '0 B';
  const number = (text: string) => (sameUnit ? text.slice(0, text.lastIndexOf(' ')) : text);
  return `${figure} (${number(lower)}–${number(upper)})`;
}

export function stageTitle(stage: StageEstimate): string {
  return `stage ${stage.index}${stage.name ? ` (${stage.name})` : ''}`;
}

/**
 * `≈ 182 MB (170–195) on disk · 64 MB (60–70) to pull (base 155 MB + 27 MB in 5 layers)`; with unknown
 * layers only what is sure is said: `≥ 170 MB on disk · ≥ 60 MB to pull (…, 1 unknown)`.
 */
export function stageSummary(stage: StageEstimate): string {
  const known = stage.layers.length - stage.unknownLayers;
  const layers = `${formatBytes(stage.addedDiskBytes)} in ${known} layer${known === 1 ? '' : 's'}${stage.unknownLayers ? `, ${stage.unknownLayers} unknown` : ''}`;
  if (stage.diskBytes === null) return `unknown base ${stage.base.reference} + ${layers}`;
  const disk = formatInterval(stage.diskBytes, stage.diskLow, stage.diskHigh);
  const compressed = formatInterval(stage.compressedBytes ?? 0, stage.compressedLow, stage.compressedHigh);
  const approximately = (text: string) => (text.startsWith('≥') ? text : `≈ ${text}`);
  return `${approximately(disk)} on disk · ${compressed} to pull (base ${formatBytes(stage.base.diskBytes ?? 0)} + ${layers})`;
}

const units: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/**
 * A size as people write budgets: `200MB`, `200 MB`, `1.5GB`, `500kB`, `300MiB` (decimal units as
 * registries and `docker images` report them, binary ones when written with `i`; a bare number is
 * megabytes). Undefined when it is not a positive size.
 */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * units[(match[2] ?? 'mb').toLowerCase()]);
  return bytes > 0 ? bytes : undefined;
}

/** A change in size with its sign: `+120 MB`, `−3.2 MB`, `±0 B`. */
export function formatDelta(bytes: number): string {
  if (bytes === 0) return '±0 B';
  return `${bytes > 0 ? '+' : '−'}${formatBytes(Math.abs(bytes))}`;
}

/** A stage's on-disk figure as summaries give it: `≈ 68 MB (56–77)`, `≥ 89 MB` (a lower bound), `unknown`. */
export function stageDiskFigure(stage: StageEstimate): string {
  if (stage.diskBytes === null) return 'unknown';
  const figure = formatInterval(stage.diskBytes, stage.diskLow, stage.diskHigh);
  return figure.startsWith('≥') ? figure : `≈ ${figure}`;
}
