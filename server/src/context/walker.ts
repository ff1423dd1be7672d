import { lstatSync, promises as fsp, readlinkSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { compileDockerGlob, compileGoGlob } from '../model/glob';

// ---------------------------------------------------------------------------------------------
// Go's filepath.Match, one path segment at a time: COPY sources and --exclude use it.
// ---------------------------------------------------------------------------------------------

/** Matches one path segment (a name without `/`). */
export type SegmentMatcher = (name: string) => boolean;

/** True when a path segment holds a wildcard (`*`, `?`, `[`) that no `\` escapes, as BuildKit decides. */
export function hasWildcard(segment: string): boolean {
  for (let index = 0; index < segment.length; index++) {
    const ch = segment[index];
    if (ch === '\\') index++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

const segmentMatchers = new Map<string, SegmentMatcher | null>();
const maxCachedSegments = 1024;

/** Go's `filepath.Match(pattern, name)` for one segment; undefined when Go reports ErrBadPattern. */
export function segmentMatcher(pattern: string): SegmentMatcher | undefined {
  let matcher = segmentMatchers.get(pattern);
  if (matcher === undefined) {
    matcher = compileSegment(pattern) ?? null;
    if (segmentMatchers.size >= maxCachedSegments) segmentMatchers.clear();
    segmentMatchers.set(pattern, matcher);
  }
  return matcher ?? undefined;
}

function compileSegment(pattern: string): SegmentMatcher | undefined {
  if (!/[*?[\\]/.test(pattern)) return (name) => name === pattern;
  // Linear whatever the pattern: a RegExp built from `a*a*a*…b` would backtrack exponentially.
  const glob = compileGoGlob(pattern);
  return glob && ((name) => glob.test(name));
}

// ---------------------------------------------------------------------------------------------
// Docker's path patterns (moby/patternmatcher): .dockerignore lines, COPY --exclude, COPY --parents.
// ---------------------------------------------------------------------------------------------

/** Linux's PATH_MAX: a context path is never longer. */
const maxPathLength = 4096;

/** Which patterns matched a folder (1) or not (0); its entries inherit the matches. */
export type MatchFlags = Uint8Array;

interface PatternRule {
  /** A `!` line: a match puts the path back. */
  exclusion: boolean;
  test: (path: string) => boolean;
  /** The segment count of every path the pattern matches itself; undefined when `**`, a class or an escape make it vary. */
  depth: number | undefined;
  /** filepath.Match per segment, for "could this match below that folder"; undefined when unknown (`**`, escapes). */
  segments: (SegmentMatcher | undefined)[] | undefined;
}

/**
 * An ordered list of Docker path patterns. A path matches a pattern when the path or one of its parent
 * folders does; the last matching pattern decides (a `!` pattern un-matches). Matching walks down the
 * tree, so every entry is tested once against the patterns and inherits its folder's matches, as
 * BuildKit's `MatchesUsingParentResults` does (without its skip shortcut, so a path gets the verdict `matchesPath` gives it alone).
 */
export class DockerPatterns {
  private constructor(private readonly rules: readonly PatternRule[]) {}

  /** The patterns of a .dockerignore text, or the reason Docker rejects the file. */
  static fromDockerignore(text: string): DockerPatterns | { error: string } {
    const patterns: string[] = [];
    for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
      // moby reads a line as a comment before trimming it; the `!` is trimmed and cleaned apart.
      if (line.startsWith('#')) continue;
      let pattern = line.trim();
      if (pattern === '') continue;
      const exclusion = pattern.startsWith('!');
      if (exclusion) pattern = pattern.slice(1).trim();
      if (pattern.length > 0) {
        pattern = cleanPath(pattern);
        if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
      }
      patterns.push(exclusion ? `!${pattern}` : pattern);
    }
    return DockerPatterns.fromList(patterns);
  }

  /** Patterns as BuildKit takes them for `--exclude` and `--parents` (a leading `/` is the context root). */
  static fromList(patterns: readonly string[]): DockerPatterns | { error: string } {
    const rules: PatternRule[] = [];
    for (const raw of patterns) {
      const rule = compileRule(raw);
      if (typeof rule === 'string') return { error: rule };
      if (rule) rules.push(rule);
    }
    return new DockerPatterns(rules);
  }

  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** The patterns `path` (with `depth` segments) matches, given its folder's; undefined when none. */
  flags(path: string, depth: number, parent: MatchFlags | undefined): MatchFlags | undefined {
    let flags: MatchFlags | undefined;
    for (let index = 0; index < this.rules.length; index++) {
      const rule = this.rules[index];
      if (
        (parent !== undefined && parent[index] === 1) ||
        ((rule.depth === undefined || rule.depth === depth) && rule.test(path))
      ) {
        flags ??= new Uint8Array(this.rules.length);
        flags[index] = 1;
      }
    }
    return flags;
  }

  /** True when the last matching pattern is not a `!` one. */
  decide(flags: MatchFlags | undefined): boolean {
    if (!flags) return false;
    for (let index = this.rules.length - 1; index >= 0; index--)
      if (flags[index] === 1) return !this.rules[index].exclusion;
    return false;
  }

  /** `decide(flags(…))` for an entry that has no entries of its own: stops at the last matching pattern. */
  matches(path: string, depth: number, parent: MatchFlags | undefined): boolean {
    for (let index = this.rules.length - 1; index >= 0; index--) {
      const rule = this.rules[index];
      if (
        (parent !== undefined && parent[index] === 1) ||
        ((rule.depth === undefined || rule.depth === depth) && rule.test(path))
      )
        return !rule.exclusion;
    }
    return false;
  }

  /** The verdict for a path on its own (`a/b/c`), testing each of its parent folders on the way down. */
  matchesPath(path: string): boolean {
    // No file system holds a longer path (PATH_MAX); testing every prefix of one would be quadratic.
    if (path.length > maxPathLength) return false;
    const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
    let flags: MatchFlags | undefined;
    let prefix = '';
    for (let depth = 1; depth < segments.length; depth++) {
      prefix = depth === 1 ? segments[0] : `${prefix}/${segments[depth - 1]}`;
      flags = this.flags(prefix, depth, flags);
    }
    return segments.length > 0 && this.matches(segments.join('/'), segments.length, flags);
  }

  /**
   * False only when no pattern of the kind (`!` ones, or plain ones) can match anything below the
   * folder: a matched folder whose entries no `!` pattern can reach is not walked (Docker prunes it too).
   */
  mayMatchBelow(folder: string, exclusions: boolean): boolean {
    const folderSegments = folder.split('/');
    for (const rule of this.rules) {
      if (rule.exclusion !== exclusions) continue;
      if (!rule.segments) return true;
      const shared = Math.min(rule.segments.length, folderSegments.length);
      let possible = true;
      for (let index = 0; index < shared && possible; index++)
        possible = rule.segments[index]?.(folderSegments[index]) ?? true;
      // A shorter pattern that matched a parent matches everything below it too.
      if (possible) return true;
    }
    return false;
  }
}

/** Go's filepath.Clean for `/`-separated paths. */
export function cleanPath(path: string): string {
  const cleaned = posix.normalize(path);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

function compileRule(raw: string): PatternRule | string | undefined {
  let pattern = raw.trim();
  if (pattern === '') return undefined;
  pattern = cleanPath(pattern);
  const exclusion = pattern.startsWith('!');
  if (exclusion) {
    if (pattern.length === 1) return 'illegal exclusion pattern: "!"';
    pattern = pattern.slice(1);
  }
  if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
  // patternmatcher validates with filepath.Match(pattern, ".").
  const segmentSources = pattern.split('/');
  if (segmentSources.some((segment) => segmentMatcher(segment) === undefined)) return `syntax error in pattern: ${raw}`;
  let test: (path: string) => boolean;
  if (!/[*?[\\]/.test(pattern)) {
    test = (path) => path === pattern;
  } else {
    const glob = compileDockerGlob(pattern);
    if (!glob) return `syntax error in pattern: ${raw}`;
    test = (path) => glob.test(path);
  }
  const fixedShape = !/\*\*|\[|\\/.test(pattern);
  return {
    exclusion,
    test,
    depth: fixedShape ? segmentSources.length : undefined,
    segments:
      pattern.includes('**') || pattern.includes('\\')
        ? undefined
        : segmentSources.map((segment) => segmentMatcher(segment)),
  };
}

// ---------------------------------------------------------------------------------------------
// The build-context index.
// ---------------------------------------------------------------------------------------------

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface ContextEntry {
  /** Relative to the context root, `/`-separated; `''` is the root. */
  readonly path: string;
  readonly kind: EntryKind;
  /** A file's size in bytes; for a folder, the total of every file below it; 0 for links and special files. */
  readonly size: number;
  /** 1 for a file, link or special file; for a folder, the count of those below it. */
  readonly files: number;
  /** A folder's entries (those the .dockerignore lets through). */
  readonly children?: readonly ContextEntry[];
  /** A symlink's target as stored in the link (Docker copies the link, not what it points to). */
  readonly target?: string;
  /** A folder's own entries were all read (false: unreadable, or a bound was hit first). */
  readonly listed?: boolean;
  /** False when something at or below was not listed: sizes are then lower bounds. */
  readonly complete: boolean;
}

export interface ContextIndex {
  /** The context folder, absolute, symlinks resolved. */
  readonly root: string;
  readonly rootEntry: ContextEntry;
  /** Every entry the build context holds, by relative path. */
  readonly entries: ReadonlyMap<string, ContextEntry>;
  /** True when every folder was listed in full: sizes are exact. Otherwise they are lower bounds. */
  readonly complete: boolean;
  /** Why the walk stopped early, if it did. */
  readonly stoppedBy?: 'entry-limit' | 'time-budget' | 'cancelled';
  /** Folders that could not be read (relative paths; `''` is the root). */
  readonly unreadable: readonly string[];
  /** `applied`; `none` (no file); `unknown` (unreadable: walked as if none); `invalid` (Docker rejects it: nothing walked). */
  readonly dockerignore: 'applied' | 'none' | 'unknown' | 'invalid';
  /** Docker's complaint when the .dockerignore is invalid. */
  readonly dockerignoreError?: string;
  /** Directory entries seen, excluded ones included. */
  readonly entryCount: number;
  readonly durationMs: number;
  /** True when the .dockerignore leaves the path out of the build context. */
  isExcluded(path: string): boolean;
  /** True when a change at `path` cannot alter this index: the .dockerignore keeps it and all below it out. */
  ignoresChange(path: string): boolean;
}

export interface WalkLimits {
  /** Directory entries to look at before giving up (the index is then incomplete). */
  maxEntries: number;
  /** Milliseconds before giving up. */
  timeBudgetMs: number;
  /** Folders read at once. */
  concurrency: number;
}

export const defaultWalkLimits: WalkLimits = { maxEntries: 200_000, timeBudgetMs: 2_000, concurrency: 8 };

export interface WalkOptions extends Partial<WalkLimits> {
  /** The .dockerignore text that applies (see `readContextFacts`); null when there is none; undefined when it could not be read. */
  dockerignore: string | null | undefined;
  signal?: AbortSignal;
}

/** At most this long on the event loop at a time; the walk then yields so the server stays responsive. */
const sliceMs = 8;

/**
 * Walks a build-context folder once into an index, leaving out what the .dockerignore excludes.
 * Symlinks are recorded, never followed; nothing outside the folder is read. Never rejects: an
 * unreadable folder is skipped and listed, a bound marks the index incomplete.
 */
export async function walkContext(root: string, options: WalkOptions): Promise<ContextIndex> {
  const started = performance.now();
  const limits: WalkLimits = {
    maxEntries: options.maxEntries ?? defaultWalkLimits.maxEntries,
    timeBudgetMs: options.timeBudgetMs ?? defaultWalkLimits.timeBudgetMs,
    concurrency: Math.max(1, options.concurrency ?? defaultWalkLimits.concurrency),
  };
  let patterns: DockerPatterns | undefined;
  let dockerignore: ContextIndex['dockerignore'] = options.dockerignore === undefined ? 'unknown' : 'none';
  if (typeof options.dockerignore === 'string') {
    const compiled = DockerPatterns.fromDockerignore(options.dockerignore);
    if ('error' in compiled)
      return emptyIndex(resolve(root), started, { dockerignore: 'invalid', dockerignoreError: compiled.error });
    dockerignore = 'applied';
    if (!compiled.isEmpty) patterns = compiled;
  }
  let realRoot: string;
  try {
    realRoot = await fsp.realpath(resolve(root));
  } catch {
    return emptyIndex(resolve(root), started, { dockerignore, unreadable: [''] });
  }
  return new Walk(realRoot, limits, patterns, dockerignore, started, options.signal).run();
}

interface BuildingEntry {
  path: string;
  kind: EntryKind;
  size: number;
  files: number;
  children?: BuildingEntry[];
  target?: string;
  listed?: boolean;
  complete: boolean;
}

interface PendingFolder {
  entry: BuildingEntry;
  abs: string;
  depth: number;
  flags: MatchFlags | undefined;
  /** Excluded itself but walked, because a `!` pattern may bring back something below. */
  excluded: boolean;
}

class Walk {
  private readonly entries = new Map<string, BuildingEntry>();
  private readonly rootEntry: BuildingEntry = {
    path: '',
    kind: 'dir',
    size: 0,
    files: 0,
    children: [],
    listed: true,
    complete: true,
  };
  /** Every folder in creation order: parents before their entries. */
  private readonly folders: PendingFolder[] = [];
  private readonly queue: PendingFolder[] = [];
  private readonly unreadable: string[] = [];
  /** Excluded folders not walked: changes below them cannot matter. */
  private readonly pruned = new Set<string>();
  private readonly deadline: number;
  private readonly rootPrefix: string;
  private active = 0;
  private entryCount = 0;
  /** When the walk last gave the event loop back; shared, so concurrent folders do not each take a slice. */
  private lastYield = performance.now();
  private stoppedBy: ContextIndex['stoppedBy'];

  constructor(
    private readonly root: string,
    private readonly limits: WalkLimits,
    private readonly patterns: DockerPatterns | undefined,
    private readonly dockerignore: ContextIndex['dockerignore'],
    private readonly started: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.deadline = started + limits.timeBudgetMs;
    this.rootPrefix = root.endsWith(sep) ? root : root + sep;
    const rootFolder: PendingFolder = { entry: this.rootEntry, abs: root, depth: 0, flags: undefined, excluded: false };
    this.folders.push(rootFolder);
    this.queue.push(rootFolder);
  }

  async run(): Promise<ContextIndex> {
    await new Promise<void>((done) => {
      const pump = (): void => {
        while (this.active < this.limits.concurrency && this.queue.length > 0 && !this.stoppedBy) {
          // Depth first: subtrees finish early, so a bound leaves whole folders exact.
          const folder = this.queue.pop() as PendingFolder;
          this.active++;
          void this.visit(folder).then(() => {
            this.active--;
            pump();
          });
        }
        if (this.active === 0 && (this.queue.length === 0 || this.stoppedBy)) done();
      };
      pump();
    });
    for (const folder of this.queue) folder.entry.listed = false;
    return this.finish();
  }

  private stop(reason: NonNullable<ContextIndex['stoppedBy']>): void {
    this.stoppedBy ??= reason;
  }

  /** Lists one folder and records its entries; never rejects. */
  private async visit(folder: PendingFolder): Promise<void> {
    if (this.signal?.aborted) this.stop('cancelled');
    // Paths are built from directory entry names and links are never followed, so this holds; checked anyway.
    if (this.stoppedBy || (folder.abs !== this.root && !folder.abs.startsWith(this.rootPrefix))) {
      folder.entry.listed = false;
      return;
    }
    let dirents: Dirent[];
    try {
      dirents = await fsp.readdir(folder.abs, { withFileTypes: true });
    } catch {
      this.unreadable.push(folder.entry.path);
      folder.entry.listed = false;
      return;
    }
    for (let index = 0; index < dirents.length; index++) {
      if ((index & 63) === 63) {
        const now = performance.now();
        if (now > this.deadline) this.stop('time-budget');
        else if (now - this.lastYield > sliceMs) {
          await new Promise<void>((resume) => setImmediate(resume));
          if (this.signal?.aborted) this.stop('cancelled');
          this.lastYield = performance.now();
        }
      }
      if (!this.stoppedBy && this.entryCount >= this.limits.maxEntries) this.stop('entry-limit');
      if (this.stoppedBy) {
        folder.entry.listed = false;
        return;
      }
      this.entryCount++;
      this.record(folder, dirents[index]);
    }
    if (performance.now() > this.deadline) this.stop('time-budget');
  }

  private record(folder: PendingFolder, dirent: Dirent): void {
    const name = dirent.name;
    const path = folder.entry.path === '' ? name : `${folder.entry.path}/${name}`;
    const abs = folder.abs.endsWith(sep) ? folder.abs + name : folder.abs + sep + name;
    const depth = folder.depth + 1;
    const patterns = this.patterns;
    if (dirent.isDirectory()) {
      let flags: MatchFlags | undefined;
      let excluded = false;
      if (patterns) {
        flags = patterns.flags(path, depth, folder.flags);
        excluded = patterns.decide(flags);
        if (excluded && !patterns.mayMatchBelow(path, true)) {
          this.pruned.add(path);
          return;
        }
      }
      const entry: BuildingEntry = { path, kind: 'dir', size: 0, files: 0, children: [], listed: true, complete: true };
      this.add(folder.entry, entry);
      const pending: PendingFolder = { entry, abs, depth, flags, excluded };
      this.folders.push(pending);
      this.queue.push(pending);
      return;
    }
    if (patterns?.matches(path, depth, folder.flags)) return;
    let entry: BuildingEntry;
    try {
      if (dirent.isFile()) {
        // One synchronous lstat per file: a promise per file costs more than the system call (see the bench).
        const stat = lstatSync(abs, { throwIfNoEntry: false });
        if (!stat) return;
        entry = { path, kind: 'file', size: stat.size, files: 1, complete: true };
      } else if (dirent.isSymbolicLink()) {
        entry = { path, kind: 'symlink', size: 0, files: 1, target: readlinkSync(abs), complete: true };
      } else {
        entry = { path, kind: 'other', size: 0, files: 1, complete: true };
      }
    } catch {
      folder.entry.listed = false;
      return;
    }
    this.add(folder.entry, entry);
  }

  private add(parent: BuildingEntry, entry: BuildingEntry): void {
    (parent.children as BuildingEntry[]).push(entry);
    this.entries.set(entry.path, entry);
  }

  private finish(): ContextIndex {
    // Totals bottom-up: a folder comes after its parent, so walking backwards sees children first.
    const dropped = new Set<BuildingEntry>();
    for (let index = this.folders.length - 1; index >= 0; index--) {
      const { entry, excluded } = this.folders[index];
      if (dropped.size > 0) entry.children = (entry.children as BuildingEntry[]).filter((child) => !dropped.has(child));
      let size = 0;
      let files = 0;
      let complete = entry.listed === true;
      for (const child of entry.children as BuildingEntry[]) {
        size += child.size;
        files += child.files;
        complete &&= child.complete;
      }
      entry.size = size;
      entry.files = files;
      entry.complete = complete;
      // An excluded folder walked for `!` patterns exists in the context only if something came back.
      if (excluded && complete && entry.children?.length === 0) {
        dropped.add(entry);
        this.entries.delete(entry.path);
      }
    }
    this.entries.set('', this.rootEntry);
    const patterns = this.patterns;
    const pruned = this.pruned;
    return {
      root: this.root,
      rootEntry: this.rootEntry,
      entries: this.entries,
      complete: this.rootEntry.complete,
      stoppedBy: this.stoppedBy,
      unreadable: this.unreadable,
      dockerignore: this.dockerignore,
      entryCount: this.entryCount,
      durationMs: performance.now() - this.started,
      isExcluded: (path) => (patterns ? patterns.matchesPath(path) : false),
      ignoresChange(path) {
        if (!patterns) return false;
        const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
        for (let depth = 1; depth < segments.length; depth++)
          if (pruned.has(segments.slice(0, depth).join('/'))) return true;
        const joined = segments.join('/');
        return segments.length > 0 && patterns.matchesPath(joined) && !patterns.mayMatchBelow(joined, true);
      },
    };
  }
}

function emptyIndex(
  root: string,
  started: number,
  details: Pick<ContextIndex, 'dockerignore'> & Partial<Pick<ContextIndex, 'dockerignoreError' | 'unreadable'>>,
): ContextIndex {
  const rootEntry: ContextEntry = {
    path: '',
    kind: 'dir',
    size: 0,
    files: 0,
    children: [],
    listed: false,
    complete: false,
  };
  return {
    root,
    rootEntry,
    entries: new Map([['', rootEntry]]),
    complete: false,
    unreadable: details.unreadable ?? [],
    dockerignore: details.dockerignore,
    dockerignoreError: details.dockerignoreError,
    entryCount: 0,
    durationMs: performance.now() - started,
    isExcluded: () => false,
    ignoresChange: () => false,
  };
}

// ---------------------------------------------------------------------------------------------
// One walk per context folder and .dockerignore, kept until a file under the folder changes.
// ---------------------------------------------------------------------------------------------

interface Variant {
  index?: ContextIndex;
  pending?: Promise<ContextIndex>;
  controller: AbortController;
}

interface CachedRoot {
  /** The folder with symlinks resolved, once a walk has told it. */
  realRoot?: string;
  /** By .dockerignore text: Dockerfiles sharing a context may each have their own. */
  variants: Map<string, Variant>;
}

export interface ContextIndexCacheOptions {
  /** Context folders kept (least recently used dropped first). */
  maxRoots?: number;
  /** .dockerignore variants kept per folder. */
  maxVariants?: number;
  limits?: Partial<WalkLimits>;
}

/**
 * Build-context indexes by folder. `walk` starts (or joins) the one walk of a folder; `lookup` answers
 * synchronously from what is ready, so the server never waits: until then sizes show as "measuring…".
 * The server calls `invalidate` from file-watch events.
 */
export class ContextIndexCache {
  private readonly roots = new Map<string, CachedRoot>();
  private readonly maxRoots: number;
  private readonly maxVariants: number;

  constructor(private readonly options: ContextIndexCacheOptions = {}) {
    this.maxRoots = options.maxRoots ?? 8;
    this.maxVariants = options.maxVariants ?? 4;
  }

  /** The finished index of the folder for that .dockerignore text, if any; never starts a walk. */
  lookup(root: string, dockerignore: string | null | undefined): ContextIndex | undefined {
    const cached = this.roots.get(resolve(root));
    return cached?.variants.get(variantKey(dockerignore))?.index;
  }

  /** True while a walk of the folder for that .dockerignore text runs. */
  isWalking(root: string, dockerignore: string | null | undefined): boolean {
    return this.roots.get(resolve(root))?.variants.get(variantKey(dockerignore))?.pending !== undefined;
  }

  /** The index, walking the folder if no walk is done or running; callers at the same time share one walk. */
  walk(root: string, dockerignore: string | null | undefined): Promise<ContextIndex> {
    const key = resolve(root);
    let cached = this.roots.get(key);
    if (cached) this.roots.delete(key);
    cached ??= { variants: new Map() };
    this.roots.set(key, cached);
    this.evictRoots();

    const variantId = variantKey(dockerignore);
    const existing = cached.variants.get(variantId);
    if (existing?.index) return Promise.resolve(existing.index);
    if (existing?.pending) return existing.pending;

    const variant: Variant = { controller: new AbortController() };
    const owner = cached;
    variant.pending = walkContext(key, {
      ...this.options.limits,
      dockerignore,
      signal: variant.controller.signal,
    }).then((index) => {
      // An invalidation during the walk dropped this variant: hand the result to the callers, keep nothing.
      if (this.roots.get(key) === owner && owner.variants.get(variantId) === variant) {
        variant.index = index;
        owner.realRoot = index.root;
      }
      variant.pending = undefined;
      return index;
    });
    if (cached.variants.size >= this.maxVariants) {
      const oldest = cached.variants.keys().next().value as string;
      cached.variants.get(oldest)?.controller.abort();
      cached.variants.delete(oldest);
    }
    cached.variants.set(variantId, variant);
    return variant.pending;
  }

  /**
   * Forgets the folder's indexes (a running walk is cancelled). With `changedPath`, only when the path
   * lies inside the folder and could alter what the context holds. True when something was dropped.
   */
  invalidate(root: string, changedPath?: string): boolean {
    const key = resolve(root);
    const cached = this.roots.get(key);
    if (!cached) return false;
    if (changedPath !== undefined) {
      const relativePath = [key, cached.realRoot]
        .map((base) => (base === undefined ? undefined : insidePath(base, resolve(changedPath))))
        .find((path) => path !== undefined);
      if (relativePath === undefined) return false;
      const variants = [...cached.variants.values()];
      if (variants.length > 0 && variants.every((variant) => variant.index?.ignoresChange(relativePath))) return false;
    }
    for (const variant of cached.variants.values()) variant.controller.abort();
    this.roots.delete(key);
    return true;
  }

  /** `invalidate` for every cached folder that holds the changed path (nested contexts included); the folders dropped. */
  invalidatePath(changedPath: string): string[] {
    return [...this.roots.keys()].filter((root) => this.invalidate(root, changedPath));
  }

  clear(): void {
    for (const root of [...this.roots.keys()]) this.invalidate(root);
  }

  private evictRoots(): void {
    while (this.roots.size > this.maxRoots) this.invalidate(this.roots.keys().next().value as string);
  }
}

function variantKey(dockerignore: string | null | undefined): string {
  return dockerignore === null ? 'none' : dockerignore === undefined ? 'unknown' : `text:${dockerignore}`;
}

/** `path` relative to `base` with `/` separators (`''` for the base itself), or undefined when outside. */
function insidePath(base: string, path: string): string | undefined {
  const relativePath = relative(base, path);
  if (relativePath === '') return '';
  if (relativePath === '..' || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath)) return undefined;
  return relativePath.split(sep).join('/');
}
