import type { CodeLens } from 'vscode-languageserver';
import type { ImageSizeEstimate } from '../size/estimate';
import { formatInterval, stageSummary } from '../size/format';

export const showSizeBreakdownCommand = 'layerlens.showSizeBreakdown';
/** Instructions that add at least this much get a lens of their own. */
export const bigLayerBytes = 10 * 1000 * 1000;

const approximately = (text: string) => (text.startsWith('≥') ? text : `≈ ${text}`);

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
      : `build stage ${stage.diskBytes === null ? `(unknown base ${stage.base.reference})` : approximately(formatInterval(stage.diskBytes, stage.diskLow, stage.diskHigh))} · not shipped`;
    lenses.push({
      range: { start: range.start, end: range.start },
      command: { title, command: showSizeBreakdownCommand, arguments: [uri, stage.index] },
    });
    for (const layer of stage.layers) {
      if (layer.diskBytes === null || layer.diskBytes < bigLayerBytes) continue;
      lenses.push({
        range: { start: layer.range.start, end: layer.range.start },
        command: {
          title: `+${formatInterval(layer.diskBytes, layer.diskLow, layer.diskHigh)} (${layer.confidence})`,
          command: showSizeBreakdownCommand,
          arguments: [uri, stage.index],
        },
      });
    }
  }
  return lenses;
}
