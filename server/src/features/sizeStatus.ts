import type { SizeStatus } from '../protocol';
import type { ImageSizeEstimate, SizeConfidence, StageEstimate } from '../size/estimate';
import { formatInterval, stageSummary, stageTitle } from '../size/format';
import { confidenceWords } from './hover';

/** The shipped stage's on-disk figure as the lens states it: `≈ 142 MB (130–150)`, `≥ 38 MB`. */
function shippedFigure(stage: StageEstimate): string {
  if (stage.diskBytes === null) return 'size unknown';
  const figure = formatInterval(stage.diskBytes, stage.diskLow, stage.diskHigh);
  return figure.startsWith('≥') ? figure : `≈ ${figure}`;
}

/** `base from data; layers: 2 from data, 1 estimated, 1 unknown`. */
function howSure(stage: StageEstimate): string {
  const counts = new Map<SizeConfidence, number>();
  for (const layer of stage.layers) counts.set(layer.confidence, (counts.get(layer.confidence) ?? 0) + 1);
  const order: SizeConfidence[] = ['exact', 'data', 'estimate', 'unknown'];
  const layers = order
    .filter((confidence) => counts.has(confidence))
    .map((confidence) => `${String(counts.get(confidence))} ${confidenceWords[confidence]}`);
  const base = `base \`${stage.base.reference}\` ${confidenceWords[stage.base.confidence]}`;
  return layers.length === 0 ? base : `${base}; layers: ${layers.join(', ')}`;
}

function otherStage(stage: StageEstimate): string {
  const figure = stage.diskBytes === null ? `unknown base \`${stage.base.reference}\`` : shippedFigure(stage);
  return `- ${stageTitle(stage)}: ${figure} on disk · not shipped`;
}

/**
 * The status bar's view of an estimate: the shipped stage's figure, and in the tooltip every stage's
 * figures with how each was obtained. Null when no stage ships (nothing parsed).
 */
export function sizeStatus(estimate: ImageSizeEstimate, fromLines: readonly number[]): SizeStatus | null {
  const shipped = estimate.stages.find((stage) => stage.shipped);
  if (!shipped) return null;
  const others = estimate.stages.filter((stage) => !stage.shipped);
  const lines = [
    `**LayerLens: shipped image, ${stageTitle(shipped)}**`,
    '',
    stageSummary(shipped),
    '',
    `How sure: ${howSure(shipped)}.${shipped.unknownLayers > 0 ? ' Unknown layers make the total a lower bound.' : ''} An interval is where the true size lay for about nine figures in ten measured with the same method.`,
  ];
  if (others.length > 0) lines.push('', ...others.map(otherStage));
  lines.push('', 'Click for the breakdown by layer.');
  return {
    text: shippedFigure(shipped),
    tooltip: lines.join('\n'),
    stage: shipped.index,
    fromLine: fromLines[shipped.index] ?? 0,
  };
}
