import type { Instruction, Stage } from '../model/model';
import { layersOf } from '../model/model';
import type { HistoryEntry } from './image';

/** Which Dockerfile instruction made a history entry of the built image; none for the base image's entries. */
export interface HistoryLine {
  /** 1-based line of the instruction, undefined for the base image's history. */
  line: number | undefined;
  instruction: Instruction | undefined;
  emptyLayer: boolean;
}

const layerKeywords = new Set(['RUN', 'COPY', 'ADD']);
const keywords = new Set([
  'RUN',
  'COPY',
  'ADD',
  'ENV',
  'ARG',
  'LABEL',
  'WORKDIR',
  'USER',
  'EXPOSE',
  'VOLUME',
  'CMD',
  'ENTRYPOINT',
  'HEALTHCHECK',
  'SHELL',
  'STOPSIGNAL',
  'ONBUILD',
  'MAINTAINER',
]);

/**
 * The instruction keyword a history entry records. Builders write it three ways: the legacy builder,
 * buildah and podman as `/bin/sh -c #(nop) COPY …` (and a RUN as the bare shell command, prefixed by
 * `|N ARG=…` when build arguments were set), BuildKit as `COPY … # buildkit` / `RUN /bin/sh -c …`.
 */
export function historyKeyword(createdBy: string): string {
  const text = createdBy.trim();
  const nop = /#\(nop\)\s+([A-Za-z]+)/.exec(text);
  if (nop) return nop[1].toUpperCase();
  const word = /^([A-Z]+)\b/.exec(text);
  if (word && keywords.has(word[1])) return word[1];
  // A shell command, with or without the build-argument prefix, is what RUN records.
  return 'RUN';
}

/**
 * Lines history entries up with the instructions of the stage that was built (and the stages it
 * inherits through `FROM <stage>`), from the newest backwards: the newest entries belong to the
 * Dockerfile, the older ones to the base image. An instruction that makes no layer may have no entry
 * (engines differ on ARG); an instruction that makes a layer must match a layer entry.
 */
export function mapHistory(history: HistoryEntry[], stage: Stage): HistoryLine[] {
  const mapped: HistoryLine[] = history.map((entry) => ({
    line: undefined,
    instruction: undefined,
    emptyLayer: entry.emptyLayer,
  }));
  const instructions = layersOf(stage).filter((instruction) => instruction.keyword !== 'FROM');
  let i = instructions.length - 1;
  let j = history.length - 1;
  while (i >= 0 && j >= 0) {
    const instruction = instructions[i];
    const keyword = historyKeyword(history[j].createdBy);
    if (keyword === instruction.keyword) {
      mapped[j] = { line: instruction.range.start.line + 1, instruction, emptyLayer: history[j].emptyLayer };
      i--;
      j--;
      continue;
    }
    if (!layerKeywords.has(instruction.keyword)) {
      i--;
      continue;
    }
    if (history[j].emptyLayer) {
      j--;
      continue;
    }
    break;
  }
  return mapped;
}

/**
 * The line of each layer blob, base first. Entries that made no layer are left out, so the n-th entry
 * with a layer belongs to the n-th blob. When the history does not account for every blob (some
 * exporters drop it), the newest blobs are matched with the newest layer-making instructions instead.
 */
export function layerLines(history: HistoryEntry[], stage: Stage, layerCount: number): HistoryLine[] {
  const withLayers = mapHistory(history, stage).filter((entry) => !entry.emptyLayer);
  if (withLayers.length === layerCount) return withLayers;
  const producing = layersOf(stage).filter((instruction) => layerKeywords.has(instruction.keyword));
  const lines: HistoryLine[] = [];
  for (let blob = layerCount - 1, k = producing.length - 1; blob >= 0; blob--, k--) {
    const instruction = k >= 0 ? producing[k] : undefined;
    lines[blob] = { line: instruction ? instruction.range.start.line + 1 : undefined, instruction, emptyLayer: false };
  }
  return lines;
}
