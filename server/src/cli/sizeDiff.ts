import type { SizeDiff, StageChange } from '../engine/sizeDiff';
import type { ImageSizeEstimate, StageEstimate } from '../size/estimate';
import { formatDelta, stageDiskFigure, stageTitle } from '../size/format';
import { sizeToJson } from './size';

/**
 * `layerlens size --diff REF` as text: per stage the on-disk estimate before → after and the change, then
 * the shipped image's change on disk and to pull.
 */
export function sizeDiffText(
  diff: SizeDiff,
  revision: string,
  commit: string,
  before: ImageSizeEstimate | undefined,
): string {
  const lines = [`${revision} (${commit.slice(0, 12)}) → working tree, on disk`];
  if (!before) lines.push(`  the Dockerfile did not exist at ${revision} (or had no FROM): every stage is new`);
  const rows = diff.stages.map((change) => [
    title(change),
    change.after?.shipped ? 'shipped' : change.after ? 'not shipped' : 'removed',
    `${side(change.before)} → ${side(change.after)}`,
    delta(change.diskDelta, change),
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    lines.push(
      `  ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell)).join('  ')}`.trimEnd(),
    );
  const { shipped } = diff;
  const approximate = diff.approximate
    ? ' (a layer is not estimated on one side: the change counts the layers that are)'
    : '';
  lines.push(
    shipped.diskDelta === null
      ? `shipped image: ${side(shipped.before)} → ${side(shipped.after)} (no change can be computed)`
      : `shipped image: ${formatDelta(shipped.diskDelta)} on disk, ${shipped.compressedDelta === null ? 'unknown' : formatDelta(shipped.compressedDelta)} to pull (the difference of the two estimates above)${approximate}`,
  );
  return `${lines.join('\n')}\n`;
}

function title(change: StageChange): string {
  const stage = change.after ?? change.before;
  return stage ? stageTitle(stage) : 'stage';
}

function side(stage: StageEstimate | undefined): string {
  return stage ? stageDiskFigure(stage) : '(none)';
}

function delta(bytes: number | null, change: StageChange): string {
  if (!change.before) return 'new';
  if (!change.after) return 'removed';
  return bytes === null ? 'unknown' : formatDelta(bytes);
}

/** The JSON of `size --diff`: both estimates in the `size --json` shape, and the changes. */
export function sizeDiffJson(
  diff: SizeDiff,
  revision: string,
  commit: string,
  before: ImageSizeEstimate | undefined,
  after: ImageSizeEstimate,
) {
  const stageChange = (change: StageChange) => ({
    name: change.name,
    beforeIndex: change.before?.index ?? null,
    afterIndex: change.after?.index ?? null,
    diskDelta: change.diskDelta,
    compressedDelta: change.compressedDelta,
  });
  return {
    revision,
    commit,
    before: before ? sizeToJson(before) : null,
    after: sizeToJson(after),
    changes: diff.stages.map(stageChange),
    shipped: { ...stageChange(diff.shipped), lowerBound: diff.approximate },
  };
}
