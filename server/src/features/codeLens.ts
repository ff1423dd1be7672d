import type { CodeLens } from 'vscode-languageserver';
import type { ImageSizeEstimate } from '../size/estimate';
import { formatBytes, stageSummary } from '../size/format';

export const showSizeBreakdownCommand = 'layerlens.showSizeBreakdown';
/** Instructions that add at least this much get a lens of their own. */
export const bigLayerBytes = 10 * 1000 * 1000;

/**
 * Size lenses: one on each FROM (the shipped stage's estimate, or "build stage … not shipped") and one
 * on each instruction that adds ≥ 10 MB. Clicking opens the stage's breakdown.
 */
export function sizeLenses(
  uri: string,
  estimate: ImageSizeEstimate,
  fromRanges: ReadonlyArray<CodeLens['range']>,
): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const stage of estimate.stages) {
    const range = fromRanges[stage.index];
    if (!range) continue;
    const title = stage.shipped
      ? `LayerLens: ${stageSummary(stage)}`
      : `build stage ${stage.diskBytes === null ? `(unknown base ${stage.base.reference})` : `${stage.unknownLayers > 0 ? '≥' : '≈'} ${formatBytes(stage.diskBytes)}`} · not shipped`;
    lenses.push({
      range: { start: range.start, end: range.start },
      command: { title, command: showSizeBreakdownCommand, arguments: [uri, stage.index] },
    });
    for (const layer of stage.layers) {
      if (layer.diskBytes === null || layer.diskBytes < bigLayerBytes) continue;
      lenses.push({
        range: { start: layer.range.start, end: layer.range.start },
        command: {
          title: `+${formatBytes(layer.diskBytes)} (${layer.confidence})`,
          command: showSizeBreakdownCommand,
          arguments: [uri, stage.index],
        },
      });
    }
  }
  return lenses;
}
