import type { DockerfileModel } from '../model/model';
import type { Range } from '../model/text';
import type { ImageSizeEstimate } from '../size/estimate';
import { formatBytes, formatInterval, parseSize } from '../size/format';
import type { Severity } from '../rules/types';
import type { Finding } from './finding';

/** The engine's finding for the shipped image against its size budget. */
export const sizeBudgetFinding = 'size-budget';
const docsUrl = 'https://github.com/layerlens/layerlens/blob/main/docs/size.md#size-budget';

/** A size budget and who set it (`--max-size`, `layerlens.sizeBudget`, or the comment on line N). */
export interface SizeBudget {
  bytes: number;
  source: string;
}

const budgetPattern = /^layerlens\s+budget\s*=\s*(.*)$/i;

/**
 * The budget a Dockerfile sets for itself with `# layerlens budget=200MB` (it wins over a setting or
 * flag, as a file's own comment does in ESLint), or a warning finding when its value cannot be read.
 */
export function budgetComment(model: DockerfileModel): SizeBudget | Finding | undefined {
  for (const comment of model.comments) {
    const match = budgetPattern.exec(comment.content);
    if (!match) continue;
    const bytes = parseSize(match[1]);
    if (bytes === undefined)
      return finding(
        'warning',
        `Unreadable size budget "${match[1].trim()}": write it like 200MB or 1.5GB.`,
        comment.range,
      );
    return { bytes, source: `# layerlens budget on line ${comment.line + 1}` };
  }
  return undefined;
}

/** Whether the Dockerfile or its caller sets a budget: only then is an estimate needed. */
export function budgetFor(model: DockerfileModel, fallback: SizeBudget | undefined): SizeBudget | Finding | undefined {
  return budgetComment(model) ?? fallback;
}

/**
 * The shipped image's on-disk estimate against the budget, saying how sure it is: over for certain
 * when even the interval's low end is over (error); "may exceed" when only the figure (warning) or
 * only the high end or an unknown layer (info) is; nothing when the whole interval is within.
 */
export function checkSizeBudget(
  model: DockerfileModel,
  estimate: ImageSizeEstimate,
  budget: SizeBudget | Finding,
): Finding | undefined {
  if (!('bytes' in budget)) return budget;
  const shipped = estimate.stages.find((stage) => stage.shipped);
  if (!shipped) return undefined;
  const range = model.stages[shipped.index].from.range;
  const limit = `${formatBytes(budget.bytes)} budget`;
  const setBy = ` Budget set by ${budget.source}.`;
  if (shipped.diskBytes === null)
    return finding(
      'info',
      `The ${limit} cannot be checked: the size of ${shipped.base.reference} is unknown.${setBy}`,
      range,
    );
  // With a layer not estimated the interval has no top: the figure so far and the floor are both said.
  const size =
    shipped.diskHigh === null && shipped.diskLow !== null
      ? `≈ ${formatBytes(shipped.diskBytes)} (at least ${formatBytes(shipped.diskLow)})`
      : `≈ ${formatInterval(shipped.diskBytes, shipped.diskLow, shipped.diskHigh)}`;
  const unknown = shipped.unknownLayers
    ? ` ${shipped.unknownLayers === 1 ? '1 layer is' : `${shipped.unknownLayers} layers are`} not estimated.`
    : '';
  const low = shipped.diskLow ?? shipped.diskBytes;
  if (low > budget.bytes)
    return finding('error', `The shipped image is over its ${limit}: ${size} on disk.${unknown}${setBy}`, range);
  if (shipped.diskBytes > budget.bytes)
    return finding('warning', `The shipped image may exceed its ${limit}: ${size} on disk.${unknown}${setBy}`, range);
  if (shipped.diskHigh === null || shipped.diskHigh > budget.bytes)
    return finding('info', `The shipped image may exceed its ${limit}: ${size} on disk.${unknown}${setBy}`, range);
  return undefined;
}

function finding(severity: Severity, message: string, range: Range): Finding {
  return { rule: sizeBudgetFinding, severity, message, range, fixes: [], docsUrl, unnecessary: false };
}
