import { formatSize } from '../knowledge/images';
import type { StageEstimate } from './estimate';

/** Sizes below a megabyte in kB, so a 2 kB COPY does not read as 0.0 MB; a gigabyte and more in GB. */
export function formatBytes(bytes: number): string {
  if (bytes === 0) return '0 B';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : formatSize(bytes);
}

export function stageTitle(stage: StageEstimate): string {
  return `stage ${stage.index}${stage.name ? ` (${stage.name})` : ''}`;
}

/** `≈ 182 MB on disk · 64 MB to pull (base 155 MB + 27 MB in 5 layers)`, honest about unknowns. */
export function stageSummary(stage: StageEstimate): string {
  const atLeast = stage.unknownLayers > 0 ? '≥ ' : '≈ ';
  const known = stage.layers.length - stage.unknownLayers;
  const layers = `${formatBytes(stage.addedDiskBytes)} in ${known} layer${known === 1 ? '' : 's'}${stage.unknownLayers ? `, ${stage.unknownLayers} unknown` : ''}`;
  if (stage.diskBytes === null) return `unknown base ${stage.base.reference} + ${layers}`;
  return `${atLeast}${formatBytes(stage.diskBytes)} on disk · ${formatBytes(stage.compressedBytes ?? 0)} to pull (base ${formatBytes(stage.base.diskBytes ?? 0)} + ${layers})`;
}
