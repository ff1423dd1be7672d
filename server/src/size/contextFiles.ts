// Files a RUN reads that an earlier COPY brought in from the build context (package-lock.json,
// requirements.txt): found by name among the COPY sources of the stage and its base stages, measured
// with the context index, and read only through the reader the caller hands in (the estimator does no I/O).
import { cleanPath, segmentMatcher } from '../context/walker';
import type { ContextIndex } from '../context/walker';
import { copyPaths } from '../knowledge/dockerignore';
import type { Instruction, Stage } from '../model/model';

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

/** Looks up files that COPY instructions before `before` (in its stage and base stages) took from the context. */
export function contextFilesBefore(before: Instruction, index: ContextIndex | undefined, read: ContextFileReader | undefined): ContextFiles {
  const stages: Stage[] = [];
  for (let stage = before.stage; stage && stages.length < 64; stage = stage.baseStage) stages.push(stage);
  const copies = stages.flatMap((stage) => stage.instructions.filter((instruction) => instruction.copy && instruction.copy.from === undefined && (stage !== before.stage || instruction.index < before.index)));
  const cache = new Map<string, ContextFile | undefined>();
  return {
    find(name) {
      if (!index) return undefined;
      if (!cache.has(name)) cache.set(name, locate(name, copies, index, read));
      return cache.get(name);
    },
  };
}

function locate(name: string, copies: readonly Instruction[], index: ContextIndex, read: ContextFileReader | undefined): ContextFile | undefined {
  // The latest COPY wins, as it would overwrite the earlier file in the image.
  for (const copy of [...copies].reverse()) {
    for (const source of copyPaths(copy).slice(0, -1)) {
      for (const candidate of candidatesFor(source, name)) {
        const entry = index.entries.get(candidate);
        if (!entry || entry.kind !== 'file') continue;
        return { path: candidate, bytes: entry.size, text: read?.(candidate) };
      }
    }
  }
  return undefined;
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
