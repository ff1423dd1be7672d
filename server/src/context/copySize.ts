import { copyPaths, excludePatterns } from '../knowledge/dockerignore';
import type { DockerfileModel, Instruction } from '../model/model';
import { heredocsOf } from '../model/model';
import { DockerPatterns, cleanPath, hasWildcard, segmentMatcher } from './walker';
import type { ContextEntry, ContextIndex, MatchFlags } from './walker';

export type Confidence = 'exact' | 'estimate' | 'unknown';

/** What a COPY/ADD takes from the build context, as written. */
export interface CopyRequest {
  keyword: 'COPY' | 'ADD';
  /** Sources as written, relative to the context root: paths with filepath.Match wildcards, URLs and git refs (ADD). */
  sources: readonly string[];
  /** Bodies of heredoc sources (`COPY <<EOF /dest`). */
  heredocs?: readonly string[];
  /** `--exclude` patterns (.dockerignore syntax, relative to each copied source). */
  exclude?: readonly string[];
  /** `--parents`: sources become patterns (`**` allowed) below the context root or a `/./` pivot. */
  parents?: boolean;
}

/** A source the build fails on. */
export interface CopySourceError {
  source: string;
  message: string;
}

export interface CopySize {
  /** Bytes of the files copied (file contents; links and folders count 0). */
  bytes: number;
  /** Files, links and special files copied. */
  files: number;
  /** True when some source names something (a heredoc counts). */
  matched: boolean;
  /** `exact`; `estimate` (a lower bound or an approximation, see notes); `unknown` (nothing could be measured). */
  confidence: Confidence;
  errors: CopySourceError[];
  /** Why the figure is not exact, in short sentences. */
  notes: string[];
}

/**
 * The size a COPY/ADD adds from the build context, computed from the index alone (no I/O). Without an
 * index (the walk has not finished) context sources are unknown.
 */
export function copySize(index: ContextIndex | undefined, request: CopyRequest): CopySize {
  const tally = new Tally();
  for (const body of request.heredocs ?? []) {
    tally.add(Buffer.byteLength(body), 1);
    tally.matched = true;
    if (body.includes('$')) tally.estimate('A heredoc with `$` may expand variables, which changes its length.');
  }

  const local: string[] = [];
  for (const source of request.sources) {
    if (isRemote(source)) {
      if (request.keyword === 'COPY') tally.fail(source, "source can't be a URL for COPY (ADD fetches URLs)");
      else tally.unknown(`${source} is downloaded at build time: its size is not known here.`);
    } else if (source.includes('$')) {
      tally.unknown(`${source} names a variable that is only known at build time.`);
    } else {
      local.push(source);
    }
  }
  if (local.length > 0) {
    if (!index) {
      tally.unknown('The build context is still being measured.');
    } else if (index.dockerignore === 'invalid') {
      for (const source of local)
        tally.fail(source, `the .dockerignore is invalid (${index.dockerignoreError ?? 'Docker rejects it'})`);
    } else {
      measureContextSources(index, request, local, tally);
    }
  }
  return tally.result();
}

/** The request of a COPY/ADD from the build context; undefined for `--from` copies and other instructions. */
export function copyRequestOf(model: DockerfileModel, instruction: Instruction): CopyRequest | undefined {
  if (!instruction.copy || instruction.copy.from !== undefined) return undefined;
  const parents = instruction.flags.find((flag) => flag.name === 'parents');
  return {
    keyword: instruction.keyword === 'ADD' ? 'ADD' : 'COPY',
    sources: copyPaths(instruction).slice(0, -1),
    heredocs: heredocBodies(model, instruction),
    exclude: excludePatterns(instruction),
    parents: parents !== undefined && parents.value?.toLowerCase() !== 'false',
  };
}

function heredocBodies(model: DockerfileModel, instruction: Instruction): string[] {
  const heredocs = heredocsOf(instruction.ast);
  return heredocs.map((heredoc) => {
    const range = heredoc.getContentRange();
    if (!range) return '';
    const body = `${model.text.slice(model.lines.offsetAt(range.start), model.lines.offsetAt(range.end))}\n`;
    const operator = model.text.slice(
      model.lines.offsetAt(heredoc.getStartRange().start),
      model.lines.offsetAt(heredoc.getStartRange().end),
    );
    // `<<-EOF` strips leading tabs from every line.
    return operator.startsWith('<<-') ? body.replace(/^\t+/gm, '') : body;
  });
}

function isRemote(source: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(source) || source.startsWith('git@');
}

// ---------------------------------------------------------------------------------------------
// Context sources, as BuildKit resolves them (dockerfile2llb dispatchCopy + fsutil copy).
// ---------------------------------------------------------------------------------------------

/** Something copied: an entry, with the patterns that filter what is below it. */
interface CopyUnit {
  /** Where the copy starts. */
  start: ContextEntry;
  /** The folder `include` and `exclude` paths are relative to (the source, or the `--parents` pivot). */
  base: string;
  include?: DockerPatterns;
  exclude?: DockerPatterns;
}

function measureContextSources(
  index: ContextIndex,
  request: CopyRequest,
  sources: readonly string[],
  tally: Tally,
): void {
  let exclude: DockerPatterns | undefined;
  if (request.exclude && request.exclude.length > 0) {
    const compiled = DockerPatterns.fromList(request.exclude);
    if ('error' in compiled) {
      for (const source of sources) tally.fail(source, `invalid --exclude pattern: ${compiled.error}`);
      return;
    }
    if (!compiled.isEmpty) exclude = compiled;
  }
  if (index.dockerignore === 'unknown')
    tally.estimate('The .dockerignore could not be read: sizes assume it excludes nothing.');

  const units: CopyUnit[] = [];
  for (const source of sources) {
    if (escapesContext(source)) {
      tally.fail(source, `${source} is outside the build context`);
      continue;
    }
    const found = request.parents
      ? parentsUnits(index, source, exclude, tally)
      : sourceUnits(index, source, exclude, tally);
    if (found.length > 0) tally.matched = true;
    units.push(...found);
  }

  for (const unit of dedupe(units)) {
    measureUnit(unit, tally);
    if (request.keyword === 'ADD' && !request.parents && unit.start.kind === 'file' && isArchiveName(unit.start.path)) {
      tally.estimate(
        `ADD unpacks the local archive ${unit.start.path}: the layer holds its contents, usually larger than the archive.`,
      );
    }
  }
}

/** `..` that climbs above the root: the legacy builder refuses it, BuildKit quietly reads the context's own path instead. */
function escapesContext(source: string): boolean {
  let depth = 0;
  for (const segment of source.split('/')) {
    if (segment === '' || segment === '.') continue;
    depth += segment === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/** A plain source: a path (its symlinks followed) or a wildcard pattern, each match copied whole. */
function sourceUnits(
  index: ContextIndex,
  source: string,
  exclude: DockerPatterns | undefined,
  tally: Tally,
): CopyUnit[] {
  const resolved = resolveSource(index, source, tally);
  return resolved.map((start) => ({ start, base: start.path, exclude }));
}

/**
 * `--parents`: the part before a `/./` pivot (or the root) is where the copy starts; the rest is an
 * include pattern below it. Without wildcards the path must exist.
 */
function parentsUnits(
  index: ContextIndex,
  source: string,
  exclude: DockerPatterns | undefined,
  tally: Tally,
): CopyUnit[] {
  const pivot = source.indexOf('/./');
  const basePart = pivot < 0 ? '/' : source.slice(0, pivot);
  const pattern = cleanPath(`/${pivot < 0 ? source : source.slice(pivot + 3)}`).slice(1);
  const bases = resolveSource(index, basePart, tally, source);
  if (pattern === '') return bases.map((start) => ({ start, base: start.path, exclude }));

  const include = DockerPatterns.fromList([pattern]);
  if ('error' in include) {
    tally.fail(source, include.error);
    return [];
  }
  const required = !hasWildcard(basePart) && !hasWildcard(pattern);
  // Only what lies below the pattern's literal prefix can match: start there instead of walking the whole base.
  const segments = pattern.split('/');
  const literalCount = segments.findIndex((segment) => hasWildcard(segment) || segment.includes('\\'));
  const prefix = segments.slice(0, literalCount < 0 ? segments.length : literalCount);
  const units: CopyUnit[] = [];
  for (const base of bases) {
    if (base.kind !== 'dir') continue;
    const startPath = [base.path, ...prefix].filter((part) => part !== '').join('/');
    const start = index.entries.get(startPath);
    if (start) {
      units.push({ start, base: base.path, include, exclude });
      continue;
    }
    const missing = missingReason(index, startPath);
    if (missing.uncertain) tally.unknown(unmeasured(source));
    else if (required)
      tally.fail(source, `${source}: not found${missing.excluded ? ' (excluded by .dockerignore)' : ''}`);
    else tally.note(`${source} matches nothing.`);
  }
  return units;
}

/**
 * The entries a source names: a literal path with its symlinks followed, or the matches of a wildcard
 * pattern (filepath.Match per segment; `**` is just `*`). Problems go to the tally.
 */
function resolveSource(index: ContextIndex, path: string, tally: Tally, source = path): ContextEntry[] {
  const segments = cleanPath(`/${path}`)
    .split('/')
    .filter((segment) => segment !== '');
  const firstWildcard = segments.findIndex(hasWildcard);
  const literal = firstWildcard < 0 ? segments : segments.slice(0, firstWildcard);
  const found = follow(index, literal);
  if ('missing' in found) {
    if (found.loop) tally.fail(source, `${source}: too many levels of symbolic links`);
    else if (found.uncertain) tally.unknown(unmeasured(source));
    else tally.fail(source, `${source}: not found${found.excluded ? ' (excluded by .dockerignore)' : ''}`);
    return [];
  }
  if (firstWildcard < 0) return [found.entry];

  let candidates: ContextEntry[] = [found.entry];
  for (let position = firstWildcard; position < segments.length; position++) {
    const segment = segments[position];
    const matcher = segmentMatcher(segment);
    if (!matcher) {
      tally.fail(source, `${source}: syntax error in pattern`);
      return [];
    }
    const next: ContextEntry[] = [];
    for (const candidate of candidates) {
      // Like filepath.Walk, the expansion does not go through symlinked folders.
      if (candidate.kind !== 'dir') continue;
      if (candidate.listed !== true) tally.estimate(partialNote);
      if (!hasWildcard(segment) && !segment.includes('\\')) {
        const child = index.entries.get(candidate.path === '' ? segment : `${candidate.path}/${segment}`);
        if (child) next.push(child);
        continue;
      }
      for (const child of candidate.children ?? [])
        if (matcher(child.path.slice(child.path.lastIndexOf('/') + 1))) next.push(child);
    }
    candidates = next;
  }
  if (candidates.length === 0)
    tally.note(`${source} matches nothing (BuildKit copies nothing; the legacy builder fails when no source matches).`);
  const matches: ContextEntry[] = [];
  for (const candidate of candidates) {
    if (candidate.kind !== 'symlink') {
      matches.push(candidate);
      continue;
    }
    const target = follow(index, candidate.path.split('/'));
    if ('entry' in target) matches.push(target.entry);
    else if (target.uncertain) tally.unknown(unmeasured(source));
    else tally.fail(source, `${candidate.path}: the link points to nothing in the build context`);
  }
  return matches;
}

type Followed = { entry: ContextEntry } | { missing: string; uncertain: boolean; excluded: boolean; loop?: boolean };

/** Docker's scoped path resolution: symlinks are followed inside the context, `/` and `..` stop at its root. */
function follow(index: ContextIndex, segments: readonly string[]): Followed {
  const current: string[] = [];
  let pending = [...segments];
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      current.pop();
      continue;
    }
    const path = current.length === 0 ? name : `${current.join('/')}/${name}`;
    const entry = index.entries.get(path);
    if (!entry) return { missing: path, ...missingReason(index, path) };
    if (entry.kind === 'symlink') {
      if (++hops > 255) return { missing: path, uncertain: false, excluded: false, loop: true };
      const target = entry.target ?? '';
      if (target.startsWith('/')) current.length = 0;
      pending = [...target.split('/'), ...pending];
      continue;
    }
    current.push(name);
  }
  return { entry: index.entries.get(current.join('/')) ?? index.rootEntry };
}

/** Why a path is not in the index: left out by the .dockerignore, or maybe just not walked. */
function missingReason(index: ContextIndex, path: string): { uncertain: boolean; excluded: boolean } {
  if (index.isExcluded(path)) return { uncertain: false, excluded: true };
  // The nearest folder the index has decides: if its listing was cut short, the path may exist.
  let parent = path;
  for (;;) {
    parent = parent.includes('/') ? parent.slice(0, parent.lastIndexOf('/')) : '';
    const folder = index.entries.get(parent);
    if (folder) return { uncertain: folder.kind === 'dir' && folder.listed !== true, excluded: false };
    if (parent === '') return { uncertain: true, excluded: false };
  }
}

/** Drops units inside another unfiltered unit: `COPY src src/a.ts` stores `src/a.ts` once. */
function dedupe(units: CopyUnit[]): CopyUnit[] {
  const whole = new Set(
    units.filter((unit) => !unit.include && !unit.exclude && unit.start.kind === 'dir').map((unit) => unit.start.path),
  );
  const seen = new Set<string>();
  return units.filter((unit) => {
    const path = unit.start.path;
    if (!unit.include && !unit.exclude) {
      if (seen.has(path)) return false;
      seen.add(path);
    }
    if (whole.has('') && path !== '') return false;
    for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1))
      if (whole.has(path.slice(0, cut))) return false;
    return true;
  });
}

const partialNote = 'Part of the build context was not measured (too large, or unreadable): sizes are lower bounds.';

function unmeasured(source: string): string {
  return `${source}: part of the build context was not measured.`;
}

/** Adds what a unit copies: a folder's totals at once, or entry by entry when patterns filter it. */
function measureUnit(unit: CopyUnit, tally: Tally): void {
  const { start, base, include, exclude } = unit;
  const partial = () => tally.estimate(partialNote);
  if (!include && !exclude) {
    tally.add(start.size, start.files);
    if (!start.complete) partial();
    return;
  }
  // Paths the patterns see are relative to the base; the base itself is never filtered.
  const relative = (entry: ContextEntry) => (base === '' ? entry.path : entry.path.slice(base.length + 1));
  if (start.path === base && start.kind !== 'dir') {
    tally.add(start.size, start.files);
    return;
  }
  interface Expansion {
    folder: ContextEntry;
    depth: number;
    includeFlags: MatchFlags | undefined;
    excludeFlags: MatchFlags | undefined;
  }
  // Only folders go on the stack; their files are summed in place.
  const stack: Expansion[] = [];
  let bytes = 0;
  let files = 0;
  const visit = (
    entry: ContextEntry,
    depth: number,
    parentIn: MatchFlags | undefined,
    parentOut: MatchFlags | undefined,
  ): void => {
    const path = relative(entry);
    if (entry.kind !== 'dir') {
      if ((!include || include.matches(path, depth, parentIn)) && !exclude?.matches(path, depth, parentOut)) {
        bytes += entry.size;
        files += entry.files;
      }
      return;
    }
    const includeFlags = include?.flags(path, depth, parentIn);
    const excludeFlags = exclude?.flags(path, depth, parentOut);
    const included = include ? include.decide(includeFlags) : true;
    const excluded = exclude ? exclude.decide(excludeFlags) : false;
    if (excluded && !exclude?.mayMatchBelow(path, true)) return;
    if (!included && !include?.mayMatchBelow(path, false)) return;
    // Everything below is in and nothing can take it out again: take the folder's totals.
    if (included && !excluded && !include?.mayMatchBelow(path, true) && !exclude?.mayMatchBelow(path, false)) {
      bytes += entry.size;
      files += entry.files;
      if (!entry.complete) partial();
      return;
    }
    stack.push({ folder: entry, depth, includeFlags, excludeFlags });
  };

  if (start.path === base) {
    stack.push({ folder: start, depth: 0, includeFlags: undefined, excludeFlags: undefined });
  } else {
    let includeFlags: MatchFlags | undefined;
    let excludeFlags: MatchFlags | undefined;
    const segments = relative(start).split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const path = segments.slice(0, depth).join('/');
      includeFlags = include?.flags(path, depth, includeFlags);
      excludeFlags = exclude?.flags(path, depth, excludeFlags);
    }
    visit(start, segments.length, includeFlags, excludeFlags);
  }
  while (stack.length > 0) {
    const { folder, depth, includeFlags, excludeFlags } = stack.pop() as Expansion;
    if (folder.listed !== true) partial();
    for (const child of folder.children ?? []) visit(child, depth + 1, includeFlags, excludeFlags);
  }
  tally.add(bytes, files);
}

const archiveName = /\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst|lz4|lzma|Z))$/i;

function isArchiveName(path: string): boolean {
  return archiveName.test(path);
}

/** Running totals and what keeps them from being exact. */
class Tally {
  bytes = 0;
  files = 0;
  matched = false;
  private measured = false;
  private unmeasured = false;
  private approximate = false;
  private readonly errors: CopySourceError[] = [];
  private readonly notes = new Set<string>();

  add(bytes: number, files: number): void {
    this.bytes += bytes;
    this.files += files;
    this.measured = true;
  }

  /** Measured, exactly: a remark only (a wildcard that matches nothing). */
  note(text: string): void {
    this.measured = true;
    this.notes.add(text);
  }

  estimate(text: string): void {
    this.approximate = true;
    this.notes.add(text);
  }

  unknown(text: string): void {
    this.unmeasured = true;
    this.notes.add(text);
  }

  /** The build fails on this source; what it would have copied is not known. */
  fail(source: string, message: string): void {
    this.unmeasured = true;
    this.errors.push({ source, message });
  }

  result(): CopySize {
    const confidence: Confidence = !this.measured
      ? this.unmeasured
        ? 'unknown'
        : 'exact'
      : this.unmeasured || this.approximate
        ? 'estimate'
        : 'exact';
    return {
      bytes: this.bytes,
      files: this.files,
      matched: this.matched,
      confidence,
      errors: this.errors,
      notes: [...this.notes],
    };
  }
}
