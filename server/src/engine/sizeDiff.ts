import type { ImageSizeEstimate, StageEstimate } from '../size/estimate';

/** One stage before and after: matched by name when both have one, else by position. */
export interface StageChange {
  name: string | null;
  before: StageEstimate | undefined;
  after: StageEstimate | undefined;
  /** After minus before, on disk and compressed; null when either side is missing or unknown. */
  diskDelta: number | null;
  compressedDelta: number | null;
}

export interface SizeDiff {
  stages: StageChange[];
  /** The shipped stage of each side (the stages may differ, e.g. a new final stage). */
  shipped: StageChange;
  /** True when a figure compared is a lower bound (a layer not estimated on either side): the change is too. */
  approximate: boolean;
}

/** What changed in the estimate between two versions of a Dockerfile (`before` undefined: it is new). */
export function diffEstimates(before: ImageSizeEstimate | undefined, after: ImageSizeEstimate): SizeDiff {
  const old = before?.stages ?? [];
  const used = new Set<StageEstimate>();
  const stages: StageChange[] = after.stages.map((stage) => {
    const match =
      (stage.name !== null ? old.find((candidate) => candidate.name === stage.name) : undefined) ??
      old.find((candidate) => candidate.index === stage.index && candidate.name === stage.name);
    if (match) used.add(match);
    return change(match, stage);
  });
  for (const stage of old) if (!used.has(stage)) stages.push(change(stage, undefined));
  const shipped = change(
    old.find((stage) => stage.shipped),
    after.stages.find((stage) => stage.shipped),
  );
  const approximate = [shipped.before, shipped.after].some((stage) => stage !== undefined && stage.unknownLayers > 0);
  return { stages, shipped, approximate };
}

function change(before: StageEstimate | undefined, after: StageEstimate | undefined): StageChange {
  const delta = (pick: (stage: StageEstimate) => number | null) => {
    const [from, to] = [before && pick(before), after && pick(after)];
    return from === undefined || from === null || to === undefined || to === null ? null : to - from;
  };
  return {
    name: after?.name ?? before?.name ?? null,
    before,
    after,
    diskDelta: delta((stage) => stage.diskBytes),
    compressedDelta: delta((stage) => stage.compressedBytes),
  };
}
