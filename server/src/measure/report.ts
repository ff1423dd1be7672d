import type { ImageSizeEstimate, LayerEstimate } from '../size/estimate';
import { formatBytes, stageTitle } from '../size/format';
import type { EngineName } from './engine';
import type { MeasuredImage, MeasuredWaste } from './measure';

/** The measured figures of one layer, as `--json` prints them beside the estimate. */
export interface LayerMeasure {
  compressedBytes: number;
  diskBytes: number;
  filesAdded: number;
  filesChanged: number;
  filesRemoved: number;
}

export interface StageMeasured {
  /** The base image's layers together (what the stage starts from). */
  base: { compressedBytes: number; diskBytes: number; layers: number };
  compressedBytes: number;
  diskBytes: number;
  wastedBytes: number;
  efficiency: number;
}

export interface StageMeasureReport {
  shipped: boolean;
  /** Per estimate layer, in the estimate's order: what the build measured for its line (null: not built). */
  layers: Array<LayerMeasure | null>;
  measured?: StageMeasured;
  waste?: Array<
    Omit<MeasuredWaste, 'addedLine' | 'removedLine'> & { addedLine: number | null; removedLine: number | null }
  >;
}

export interface MeasureReport {
  stages: StageMeasureReport[];
  image: { engine: EngineName; image: string; format: MeasuredImage['format'] } & StageMeasured;
}

const pick = (layer: LayerMeasure): LayerMeasure => ({
  compressedBytes: layer.compressedBytes,
  diskBytes: layer.diskBytes,
  filesAdded: layer.filesAdded,
  filesChanged: layer.filesChanged,
  filesRemoved: layer.filesRemoved,
});

/** Puts measured layers beside the estimate's, by Dockerfile line; only the shipped stage was built. */
export function combineMeasured(estimate: ImageSizeEstimate, measured: MeasuredImage): MeasureReport {
  const byLine = new Map(
    measured.layers.filter((layer) => layer.line !== undefined).map((layer) => [layer.line, layer]),
  );
  const baseLayers = measured.layers.filter((layer) => layer.line === undefined);
  const stageMeasured: StageMeasured = {
    base: {
      compressedBytes: baseLayers.reduce((sum, layer) => sum + layer.compressedBytes, 0),
      diskBytes: baseLayers.reduce((sum, layer) => sum + layer.diskBytes, 0),
      layers: baseLayers.length,
    },
    compressedBytes: measured.compressedBytes,
    diskBytes: measured.diskBytes,
    wastedBytes: measured.wastedBytes,
    efficiency: measured.efficiency,
  };
  return {
    stages: estimate.stages.map((stage) => {
      if (!stage.shipped) return { shipped: false, layers: stage.layers.map(() => null) };
      const layers = stage.layers.map((layer) => {
        const found = byLine.get(layer.line);
        return found ? pick(found) : null;
      });
      return {
        shipped: true,
        layers,
        measured: stageMeasured,
        waste: measured.waste.map((entry) => ({
          ...entry,
          addedLine: entry.addedLine ?? null,
          removedLine: entry.removedLine ?? null,
        })),
      };
    }),
    image: { engine: measured.engine, image: measured.image, format: measured.format, ...stageMeasured },
  };
}

/** The difference of a measured figure from the estimate: `+4 %`, `−12 %`, or the bytes when tiny. */
export function differenceText(estimated: number | null, measured: number): string {
  if (estimated === null) return 'no estimate';
  if (estimated === 0) return measured === 0 ? 'same' : `estimate 0 B`;
  const percent = ((estimated - measured) / measured) * 100;
  if (!Number.isFinite(percent)) return `estimate ${formatBytes(estimated)}`;
  const rounded = Math.round(percent);
  if (rounded === 0) return 'estimate within 1 %';
  return `estimate ${rounded > 0 ? '+' : '−'}${Math.abs(rounded)} %`;
}

/** `+12.3 MB (measured)` — the lens and hover text of a measured layer. */
export function measuredLayerText(measure: LayerMeasure): string {
  return `+${formatBytes(measure.diskBytes)} (measured)`;
}

function layerRow(layer: LayerEstimate, measure: LayerMeasure | null): string {
  const estimate = layer.diskBytes === null ? 'unknown' : `+${formatBytes(layer.diskBytes)}`;
  const measured = measure ? `+${formatBytes(measure.diskBytes)}` : 'not built';
  const pull = measure ? formatBytes(measure.compressedBytes) : '';
  const files = measure ? `+${measure.filesAdded} ~${measure.filesChanged} -${measure.filesRemoved}` : '';
  const difference = measure ? differenceText(layer.diskBytes, measure.diskBytes) : '';
  return `${String(layer.line).padStart(4)}  ${estimate.padStart(9)}  ${measured.padStart(9)}  ${pull.padStart(9)}  ${files.padEnd(14)} ${difference.padEnd(20)} ${layer.instruction}`;
}

/** The CLI's table: per layer of the shipped stage the estimate, the measurement and the difference; then the waste. */
export function measuredTable(estimate: ImageSizeEstimate, report: MeasureReport): string {
  const lines: string[] = [];
  const index = estimate.stages.findIndex((stage) => stage.shipped);
  const stage = estimate.stages[index];
  const stageReport = report.stages[index];
  const image = report.image;
  lines.push(
    `${stageTitle(stage)} built with ${image.engine} as ${image.image}: ${formatBytes(image.diskBytes)} on disk, ${formatBytes(image.compressedBytes)} compressed (measured)`,
  );
  lines.push(
    `  base ${stage.base.reference}: ${formatBytes(image.base.diskBytes)} on disk, ${formatBytes(image.base.compressedBytes)} compressed in ${image.base.layers} layer${image.base.layers === 1 ? '' : 's'} (measured); estimate ${stage.base.diskBytes === null ? 'unknown' : formatBytes(stage.base.diskBytes)}`,
  );
  lines.push(`  line   estimate   measured   to pull  files          difference           instruction`);
  for (const [layerIndex, layer] of stage.layers.entries())
    lines.push(`  ${layerRow(layer, stageReport.layers[layerIndex])}`);
  lines.push(
    `  wasted ${formatBytes(image.wastedBytes)} of ${formatBytes(image.diskBytes)}: efficiency ${(image.efficiency * 100).toFixed(1)} % (bytes added by one layer and removed or overwritten by a later one)`,
  );
  for (const entry of stageReport.waste?.slice(0, 20) ?? []) {
    const added = entry.addedLine === null ? 'by the base image' : `on line ${entry.addedLine}`;
    const removed = entry.removedLine === null ? 'in the base image' : `on line ${entry.removedLine}`;
    lines.push(`    ${formatBytes(entry.bytes).padStart(9)}  /${entry.path}  added ${added}, ${entry.how} ${removed}`);
  }
  if ((stageReport.waste?.length ?? 0) > 20)
    lines.push(`    … ${(stageReport.waste?.length ?? 0) - 20} more (--json lists all)`);
  return `${lines.join('\n')}\n`;
}

/** What to say when no engine works: which engines are supported, and what to check. */
export function noEngineMessage(preferred: EngineName | undefined): string {
  const supported = 'LayerLens builds with docker, podman or buildah';
  if (preferred === 'docker') return `docker does not work here (is the Docker daemon running?); ${supported}.`;
  if (preferred) return `${preferred} does not work here (is it installed and on PATH?); ${supported}.`;
  return `no container engine found: ${supported}; install one of them (or set layerlens.measure.engine).`;
}
