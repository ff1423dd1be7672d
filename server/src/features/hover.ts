import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { DockerfileModel } from '../model/model';
import type { Position, Range } from '../model/text';
import type { ImageSizeEstimate, LayerEstimate, SizeConfidence, StageEstimate } from '../size/estimate';
import { formatInterval, stageSummary, stageTitle } from '../size/format';
import type { SizeBounds } from '../size/uncertainty';

/** How each confidence reads in a hover. */
export const confidenceWords: Record<SizeConfidence, string> = {
  exact: 'measured',
  data: 'from data',
  estimate: 'estimated',
  unknown: 'unknown',
};

/**
 * The size hover of the instruction keyword under `position`: on FROM the stage's breakdown, on
 * RUN/COPY/ADD the layer's size, each with where its numbers come from. Null elsewhere. Pure.
 */
export function sizeHover(estimate: ImageSizeEstimate, model: DockerfileModel, position: Position): Hover | null {
  const instruction = model.instructions.find((candidate) => contains(candidate.keywordRange, position));
  if (!instruction?.stage) return null;
  const stage = estimate.stages[instruction.stage.index];
  if (!stage) return null;
  if (instruction === instruction.stage.from) return markdown(stageHover(stage), instruction.keywordRange);
  const layer = stage.layers.find((candidate) => candidate.line === instruction.range.start.line + 1);
  return layer ? markdown(layerHover(layer, stage), instruction.keywordRange) : null;
}

function contains(range: Range, position: Position): boolean {
  const afterStart =
    position.line > range.start.line ||
    (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd =
    position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function markdown(value: string, range: Range): Hover {
  const contents: MarkupContent = { kind: 'markdown', value };
  return { contents, range };
}

function sizes(figure: { diskBytes: number | null; compressedBytes: number | null } & SizeBounds): string {
  if (figure.diskBytes === null) return 'unknown';
  return `${formatInterval(figure.diskBytes, figure.diskLow, figure.diskHigh)} on disk · ${formatInterval(figure.compressedBytes ?? 0, figure.compressedLow, figure.compressedHigh)} to pull`;
}

function stageHover(stage: StageEstimate): string {
  const heading = `**LayerLens: ${stageTitle(stage)}${stage.shipped ? ', shipped' : ', build stage (not shipped)'}**`;
  const base = stage.base;
  const lines = [
    heading,
    '',
    stageSummary(stage),
    '',
    `- base \`${base.reference}\`: ${sizes(base)} (${confidenceWords[base.confidence]}; ${base.notes.join('; ')})`,
  ];
  const bySize = [...stage.layers].sort((a, b) => (b.diskBytes ?? -1) - (a.diskBytes ?? -1));
  for (const layer of bySize) {
    const size =
      layer.diskBytes === null ? 'unknown' : `+${formatInterval(layer.diskBytes, layer.diskLow, layer.diskHigh)}`;
    lines.push(
      `- line ${layer.line} \`${layer.keyword}\`: ${size} (${confidenceWords[layer.confidence]}) — ${layer.notes[0] ?? ''}`,
    );
  }
  if (stage.unknownLayers > 0)
    lines.push(
      '',
      `${stage.unknownLayers} layer${stage.unknownLayers === 1 ? ' is' : 's are'} unknown: the total is a lower bound.`,
    );
  return lines.join('\n');
}

function layerHover(layer: LayerEstimate, stage: StageEstimate): string {
  const lines = [
    `**LayerLens: this layer adds ${layer.diskBytes === null ? 'an unknown size' : sizes(layer)}** (${confidenceWords[layer.confidence]})`,
    '',
  ];
  for (const note of layer.notes) lines.push(`- ${note}`);
  if (layer.diskBytes !== null && stage.diskBytes !== null && stage.diskBytes > 0) {
    lines.push(
      '',
      `${Math.round((100 * layer.diskBytes) / stage.diskBytes)} % of ${stageTitle(stage)} (${stageSummary(stage)})`,
    );
  }
  return lines.join('\n');
}
