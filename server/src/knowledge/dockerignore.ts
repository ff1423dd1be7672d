import { DockerPatterns } from '../context/walker';
import data from '../data/dockerignore-templates.json';
import { effectiveCommand, operands } from '../model/commands';
import type { DockerfileModel, Flag, Instruction } from '../model/model';
import { wildcardMatch } from './glob';

// ---------------------------------------------------------------------------------------------
// Matching: Docker's .dockerignore semantics, by the walker's port of moby's patternmatcher.
// ---------------------------------------------------------------------------------------------

/** Answers whether a context path is left out of the build context by one .dockerignore text. */
export interface DockerignoreMatcher {
  /** True when excluded, false when sent; undefined when the file has a pattern Docker rejects (the build fails). */
  ignores(path: string): boolean | undefined;
}

/** Compiled matchers by file text: rules run on every keystroke, the .dockerignore rarely changes. */
const matcherCache = new Map<string, DockerignoreMatcher>();
const maxCachedMatchers = 16;

/** The matcher for a .dockerignore text (compiled once per distinct text). */
export function compileDockerignore(text: string): DockerignoreMatcher {
  let matcher = matcherCache.get(text);
  if (!matcher) {
    matcher = createMatcher(text);
    if (matcherCache.size >= maxCachedMatchers) matcherCache.delete(matcherCache.keys().next().value as string);
    matcherCache.set(text, matcher);
  }
  return matcher;
}

/** True when `path` (relative to the context root, `/`-separated) is excluded by the .dockerignore text. */
export function isIgnored(dockerignoreText: string, path: string): boolean | undefined {
  return compileDockerignore(dockerignoreText).ignores(path);
}

function createMatcher(text: string): DockerignoreMatcher {
  // The same patterns the build-context walker applies, so rules and sizes never disagree about a path.
  const patterns = DockerPatterns.fromDockerignore(text);
  return {
    ignores(path) {
      // A pattern Docker rejects (an unbalanced `[`…): the build fails, so nothing can be said.
      if ('error' in patterns) return undefined;
      const relative = path.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
      if (relative === '' || relative === '.') return false;
      return patterns.matchesPath(relative);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What instructions read from the context.
// ---------------------------------------------------------------------------------------------

export interface ContextSource {
  /** The path as written (`.`, `./src`, `package*.json`). */
  path: string;
  /** True when it names the whole context: `.`, `./`, `*`, `./*`. */
  wide: boolean;
}

/**
 * The literal build-context paths an instruction reads: COPY/ADD sources (not `--from`, URLs, git or
 * heredocs) and `RUN --mount=type=bind` sources without `from` (a bind mount defaults to the whole context).
 */
export function contextSources(instruction: Instruction): ContextSource[] {
  if (instruction.copy) {
    if (instruction.copy.from !== undefined) return [];
    return copyPaths(instruction)
      .slice(0, -1)
      .filter((path) => !path.includes('$') && !isRemote(path))
      .map((path) => ({ path, wide: isContextWide(path) }));
  }
  if (instruction.keyword !== 'RUN') return [];
  const sources: ContextSource[] = [];
  for (const flag of instruction.flags) {
    const path = bindMountSource(flag);
    if (path !== undefined) sources.push({ path, wide: isContextWide(path) });
  }
  return sources;
}

/**
 * A COPY/ADD's sources and destination as written. The model also lists the words of a heredoc's body
 * (`COPY <<EOF /x` … `EOF`); only the words up to the line of the last `<<` operator are the instruction's.
 */
export function copyPaths(instruction: Instruction): string[] {
  const copy = instruction.copy;
  if (!copy) return [];
  let operatorLine = -1;
  for (const arg of instruction.args)
    if (arg.value.startsWith('<<')) operatorLine = Math.max(operatorLine, arg.range.start.line);
  if (operatorLine < 0) return copy.destination === undefined ? [...copy.sources] : [...copy.sources, copy.destination];
  return instruction.args
    .filter((arg) => arg.range.start.line <= operatorLine && !arg.value.startsWith('<<'))
    .map((arg) => arg.value);
}

/** The `--mount` flag of a RUN that bind-mounts the whole context, if any. */
export function wideMountFlag(instruction: Instruction): Flag | undefined {
  if (instruction.keyword !== 'RUN') return undefined;
  return instruction.flags.find((flag) => {
    const path = bindMountSource(flag);
    return path !== undefined && isContextWide(path);
  });
}

/** The context path a `--mount` bind-mounts (bind is the default type; `source` defaults to the whole context), or undefined. */
function bindMountSource(flag: Flag): string | undefined {
  if (flag.name !== 'mount' || !flag.value) return undefined;
  const options = new Map<string, string>();
  for (const part of flag.value.split(',')) {
    const eq = part.indexOf('=');
    options.set((eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase(), eq < 0 ? '' : part.slice(eq + 1).trim());
  }
  if ((options.get('type') ?? 'bind') !== 'bind' || options.has('from')) return undefined;
  const path = options.get('source') ?? options.get('src') ?? '.';
  return path.includes('$') ? undefined : path;
}

function isRemote(path: string): boolean {
  return path.includes('://') || path.startsWith('git@');
}

/** `.`, `./`, `*`, `./*`, `/`: the source covers every entry at the context root (`..` cannot leave it). */
export function isContextWide(path: string): boolean {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.length === 0 || (segments.length === 1 && /^\*+$/.test(segments[0]));
}

/** `COPY --exclude=PATTERN` values (Dockerfile 1.7+): they drop paths like .dockerignore lines do. */
export function excludePatterns(instruction: Instruction): string[] {
  return instruction.flags.filter((flag) => flag.name === 'exclude' && flag.value).map((flag) => flag.value as string);
}

// ---------------------------------------------------------------------------------------------
// What a context-wide COPY lets through.
// ---------------------------------------------------------------------------------------------

interface CheckEntry {
  names: string[];
  inside?: string;
  hazard: boolean;
  assumeWhenUnknown: boolean;
}

const checks = data.checks as CheckEntry[];

export interface ExposedEntry {
  /** The root entry name, e.g. `.git`, `.env.local`. */
  name: string;
  /** Secrets, VCS history or host-built dependencies, as opposed to dead weight. */
  hazard: boolean;
}

/**
 * Root entries a context-wide copy takes along although they should stay out: those present in the
 * context (all probed names when `rootEntries` is unknown and the check assumes them) that neither the
 * .dockerignore (null = none) nor the extra patterns exclude. Undefined when the .dockerignore cannot be evaluated.
 */
export function exposedEntries(
  dockerignoreText: string | null,
  rootEntries: readonly string[] | undefined,
  extraPatterns: readonly string[] = [],
): readonly ExposedEntry[] | undefined {
  const text = [dockerignoreText ?? '', ...extraPatterns].join('\n');
  // The context's entries are one array per Dockerfile until a watched file changes: answer each text once.
  const byText =
    exposedCache.get(rootEntries ?? unknownEntries) ?? new Map<string, readonly ExposedEntry[] | undefined>();
  exposedCache.set(rootEntries ?? unknownEntries, byText);
  if (!byText.has(text)) {
    if (byText.size >= maxCachedMatchers) byText.clear();
    byText.set(text, computeExposed(compileDockerignore(text), rootEntries));
  }
  return byText.get(text);
}

const exposedCache = new WeakMap<readonly string[], Map<string, readonly ExposedEntry[] | undefined>>();
const unknownEntries: readonly string[] = [];

function computeExposed(
  matcher: DockerignoreMatcher,
  rootEntries: readonly string[] | undefined,
): ExposedEntry[] | undefined {
  const exposed: ExposedEntry[] = [];
  for (const check of checks) {
    const names = rootEntries
      ? rootEntries.filter((entry) => check.names.some((pattern) => wildcardMatch(pattern, entry)))
      : check.assumeWhenUnknown
        ? check.names.filter((name) => !name.includes('*'))
        : [];
    for (const name of names) {
      const ignored = matcher.ignores(check.inside ? `${name}/${check.inside}` : name);
      if (ignored === undefined) return undefined;
      if (!ignored) exposed.push({ name, hazard: check.hazard });
    }
  }
  return exposed;
}

const testImages = data.testImages as {
  stageNames: string[];
  programs: string[];
  subcommands: string[][];
  scripts: string[];
};
const testStageNames = new Set(testImages.stageNames);
const testPrograms = new Set(testImages.programs);

/**
 * True for a test image, where copying the sources is the point: the stage is named like one (`test`,
 * `e2e`, `dev`) or its ENTRYPOINT/CMD (as written, exec or shell form) runs a test runner or test script.
 */
export function isTestImage(stageName: string | undefined, command: string): boolean {
  if (stageName && testStageNames.has(stageName)) return true;
  const words = command
    .split(/[\s[\],"'&|;]+/)
    .filter((word) => word !== '')
    .map((word) => word.slice(word.lastIndexOf('/') + 1));
  return words.some(
    (word, index) =>
      testPrograms.has(word) ||
      testImages.scripts.some((script) => wildcardMatch(script, word)) ||
      testImages.subcommands.some((sequence) => sequence.every((part, offset) => words[index + offset] === part)),
  );
}

// ---------------------------------------------------------------------------------------------
// A .dockerignore for a Dockerfile that has none.
// ---------------------------------------------------------------------------------------------

interface TemplateEntry {
  pattern: string;
  onlyWhenRun?: { programs: string[]; firstOperands?: string[] };
  unlessRun?: string[];
}

interface Ecosystem {
  name: string;
  markers: string[];
  entries: TemplateEntry[];
}

const template = data.template as { header: string[]; common: TemplateEntry[]; ecosystems: Ecosystem[] };

export interface DockerignoreProposal {
  content: string;
  /** Ecosystems (recognised from the context's entries and the Dockerfile's sources) that added lines, e.g. `Node.js`. */
  ecosystems: string[];
}

/**
 * A .dockerignore for the Dockerfile: common lines plus those of the recognised ecosystems, minus any
 * line that would exclude a path the Dockerfile copies or mounts by name (the build would fail, see
 * BuildKit's CopyIgnoredFile) and output the Dockerfile does not rebuild itself.
 */
export function proposeDockerignore(
  model: DockerfileModel,
  rootEntries: readonly string[] | undefined,
): DockerignoreProposal {
  const named: string[] = [];
  for (const instruction of model.instructions) {
    for (const source of contextSources(instruction))
      if (!source.wide) named.push(source.path.replace(/^(\.\/|\/)+/, ''));
  }
  const run = runInvocations(model);
  const fromEntries = rootEntries ? ecosystemsAmong(rootEntries) : new Set<Ecosystem>();
  const fromSources = ecosystemsAmong(named.map((path) => path.slice(path.lastIndexOf('/') + 1)));
  const ecosystems = template.ecosystems.filter(
    (ecosystem) => fromEntries.has(ecosystem) || fromSources.has(ecosystem),
  );

  const keep = (entry: TemplateEntry) => {
    if (entry.unlessRun?.some((program) => run.has(program))) return false;
    const needed = entry.onlyWhenRun;
    if (
      needed &&
      !needed.programs.some((program) =>
        (needed.firstOperands ?? [undefined]).some((operand) =>
          run.has(operand === undefined ? program : `${program} ${operand}`),
        ),
      )
    )
      return false;
    const matcher = patternMatcher(entry.pattern);
    return !named.some((path) => matcher.ignores(path) !== false);
  };
  const lines = [...template.header, ...template.common.filter(keep).map((entry) => entry.pattern)];
  const contributing: string[] = [];
  for (const ecosystem of ecosystems) {
    const kept = ecosystem.entries
      .filter(keep)
      .map((entry) => entry.pattern)
      .filter((pattern) => !lines.includes(pattern));
    if (kept.length === 0) continue;
    lines.push('', `# ${ecosystem.name}`, ...kept);
    contributing.push(ecosystem.name);
  }
  return { content: `${lines.join('\n')}\n`, ecosystems: contributing };
}

/** Ecosystems per context listing: the array stays the same until a watched file changes. */
const ecosystemsByEntries = new WeakMap<readonly string[], Set<Ecosystem>>();

/**
 * Ecosystems whose markers are among the names: a root entry or copied file (`*.csproj` matches
 * `Api.csproj`), or a copied glob that names a marker (`package*.json`).
 */
function ecosystemsAmong(names: readonly string[]): Set<Ecosystem> {
  const cached = ecosystemsByEntries.get(names);
  if (cached) return cached;
  const present = new Set(names);
  const globs = names.filter((name) => name.includes('*') && /[^*]/.test(name));
  const isMarker = (marker: string) =>
    (marker.includes('*') ? names.some((name) => wildcardMatch(marker, name)) : present.has(marker)) ||
    globs.some((glob) => wildcardMatch(glob, marker));
  const found = new Set(template.ecosystems.filter((ecosystem) => ecosystem.markers.some(isMarker)));
  ecosystemsByEntries.set(names, found);
  return found;
}

/** One matcher per template line, kept apart from the bounded cache of whole files. */
const patternMatchers = new Map<string, DockerignoreMatcher>();

function patternMatcher(pattern: string): DockerignoreMatcher {
  let matcher = patternMatchers.get(pattern);
  if (!matcher) {
    matcher = createMatcher(pattern);
    patternMatchers.set(pattern, matcher);
  }
  return matcher;
}

/** Programs the Dockerfile's RUNs invoke, as `program` and `program firstOperand` (`program ` when it has none). */
function runInvocations(model: DockerfileModel): Set<string> {
  const seen = new Set<string>();
  for (const instruction of model.instructions) {
    for (const command of instruction.run?.commands ?? []) {
      const effective = effectiveCommand(command);
      const first = operands(effective.args)[0]?.value ?? '';
      seen.add(effective.program);
      seen.add(`${effective.program} ${first}`);
    }
  }
  return seen;
}
