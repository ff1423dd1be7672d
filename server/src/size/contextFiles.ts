// Files a RUN reads that an earlier COPY brought in from the build context (package-lock.json,
// requirements.txt): found by name among the COPY sources of the stage and its base stages, measured
// with the context index, and read only through the reader the caller hands in (the estimator does no I/O).
import { cleanPath, segmentMatcher } from '../context/walker';
import type { ContextIndex } from '../context/walker';
import { copyPaths } from '../knowledge/dockerignore';
import type { Instruction, Stage } from '../model/model';
import { layersOf } from '../model/model';

/** Reads a file of the build context by its path relative to the context root; undefined when unreadable. */
export type ContextFileReader = (relativePath: string) => string | undefined;

export interface ContextFile {
  /** Relative to the context root. */
  path: string;
  bytes: number;
  /** The content, when a reader was given and could read it. */
  text?: string;
}

export interface ContextFiles {
  /** A file with this base name copied into the image before the RUN, if the context has one. */
  find(name: string): ContextFile | undefined;
}

/**
 * Looks up files that COPY instructions before `before` (in its stage and base stages) took from the
 * context, directly or through a `COPY --from=<stage>` of a file that stage copied from the context.
 */
export function contextFilesBefore(
  before: Instruction,
  index: ContextIndex | undefined,
  read: ContextFileReader | undefined,
): ContextFiles {
  // Lazily: most RUNs never look a file up, and listing the copies for each of 100,000 RUNs is quadratic.
  let copies: Instruction[] | undefined;
  const cache = new Map<string, ContextFile | undefined>();
  return {
    find(name) {
      if (!index) return undefined;
      copies ??= before.stage ? copiesOf(before.stage, before.index) : [];
      if (!cache.has(name)) cache.set(name, locate(name, copies, index, read, 0));
      return cache.get(name);
    },
  };
}

/** COPY/ADD instructions of a stage and the stages it is built on, oldest first; in `stage` only those before `beforeIndex`. */
function copiesOf(stage: Stage, beforeIndex = Infinity): Instruction[] {
  return layersOf(stage).filter(
    (instruction) => instruction.copy && (instruction.stage !== stage || instruction.index < beforeIndex),
  );
}

function locate(
  name: string,
  copies: readonly Instruction[],
  index: ContextIndex,
  read: ContextFileReader | undefined,
  depth: number,
): ContextFile | undefined {
  // The latest COPY wins, as it would overwrite the earlier file in the image.
  for (const copy of [...copies].reverse()) {
    const sources = copyPaths(copy).slice(0, -1);
    if (copy.copy?.from !== undefined) {
      // From another stage: the file it copied from the context, when this COPY brings a file of that name.
      const fromStage = copy.copy.fromStage;
      if (!fromStage || depth >= 8 || !sources.some((source) => bringsName(source, name))) continue;
      const found = locate(name, copiesOf(fromStage), index, read, depth + 1);
      if (found) return found;
      continue;
    }
    for (const source of sources) {
      for (const candidate of candidatesFor(source, name)) {
        const entry = index.entries.get(candidate);
        if (!entry || entry.kind !== 'file') continue;
        return { path: candidate, bytes: entry.size, text: read?.(candidate) };
      }
    }
  }
  return undefined;
}

/** Whether a stage path (`/app/package*.json`, `/app/package-lock.json`) names a file called `name`. */
function bringsName(source: string, name: string): boolean {
  const last = source.replace(/\/+$/, '').split('/').pop() ?? '';
  return last === name || (/[*?[]/.test(last) && segmentMatcher(last)?.(name) === true);
}

/** Context paths where `source` would bring a file called `name`: itself, a wildcard match, or a file in a copied folder. */
function candidatesFor(source: string, name: string): string[] {
  const clean = cleanPath(source.replace(/^(\.\/|\/+)/, ''));
  const slash = clean.lastIndexOf('/');
  const folder = slash < 0 ? '' : clean.slice(0, slash);
  const last = slash < 0 ? clean : clean.slice(slash + 1);
  const join = (dir: string) => (dir === '' || dir === '.' ? name : `${dir}/${name}`);
  if (last === name) return [clean];
  if (/[*?[]/.test(last)) return segmentMatcher(last)?.(name) ? [join(folder)] : [];
  // A folder copied whole (`COPY . .`, `COPY app/ /app/`) brings its files along.
  return [join(clean)];
}
