// How the image starts, as a conversion must know it: the program and its arguments behind ENTRYPOINT
// and CMD, through `sh -c '…'`, `exec`, a shell-form string (parsed with the project's shell parser) and
// an entry script copied from the build context, and where a bare program name is found on PATH.
import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import { expandWith, keyValuePairsOf, scopeAt } from '../../model/variables';
import type { Variable } from '../../model/variables';
import { parseShell } from '../../model/shell';
import type { ShellCommand } from '../../model/shell';
import imagePaths from '../../data/image-paths.json';
import type { ConvertContext } from './common';
import { absolute, argumentText, execForm, lineOf } from './common';

/** How an image starts, as Docker joins ENTRYPOINT and CMD and the shell (or the entry script) runs them. */
export interface StartWords {
  /** The program and its arguments; quotes removed, expansions (`$JAVA_OPTS`) kept as written. */
  words: string[];
  entrypoint?: Instruction;
  cmd?: Instruction;
  /** The start command needs a shell in the final image: a shell form, `sh -c`, or an entry script. */
  shell: boolean;
  /** Why the program cannot be told (several commands, a variable program, a syntax error). */
  unsafe?: { instruction: Instruction; reason: string };
  /** Some word has an unquoted glob (`*.jar`), which only a shell expands. */
  globbed: boolean;
  /** The folder a `cd` in the shell string moved to before the program, when it is literal. */
  cwd?: string;
  /** The entry script the start command runs, followed to the program it execs. */
  script?: { path: string; contextPath: string };
}

/** Shells whose `-c` string is the command; their scripts are parsed. */
const shells = new Set(['sh', 'bash', 'ash', 'dash']);
/**
 * Commands a start string or an entry script may run besides the program without the final image
 * needing anything: shell builtins and checks.
 */
const preamble = new Set([
  'set',
  'echo',
  'printf',
  'export',
  'cd',
  'test',
  '[',
  '[[',
  ':',
  'true',
  'false',
  'shift',
  'exit',
  'return',
  'local',
  'readonly',
  'unset',
  'umask',
  'ulimit',
  'trap',
  'wait',
]);

/**
 * The start command of a stage: the last ENTRYPOINT and the last CMD (CMD ignored after a shell-form
 * ENTRYPOINT, as Docker does), with `sh -c` strings and shell forms parsed, and an entry script copied
 * from the context followed when the context can read it.
 */
export function startWords(
  model: DockerfileModel,
  stage: Stage,
  dirs?: Map<Instruction, string>,
  context: ConvertContext = {},
): StartWords {
  const entrypoint = stage.instructions.filter((instruction) => instruction.keyword === 'ENTRYPOINT').pop();
  const cmd = stage.instructions.filter((instruction) => instruction.keyword === 'CMD').pop();
  const start: StartWords = { words: [], entrypoint, cmd, shell: false, globbed: false };
  for (const instruction of [entrypoint, cmd]) {
    if (!instruction) continue;
    // A shell-form ENTRYPOINT or `sh -c` ENTRYPOINT ignores CMD (it only becomes `$0`, `$1`…).
    if (instruction === cmd && entrypoint && start.shell) break;
    const text = argumentText(model, instruction);
    const exec = execForm(text);
    if (exec && !(exec.length >= 3 && shells.has(baseName(exec[0])) && exec[1] === '-c')) {
      start.words.push(...exec);
      continue;
    }
    start.shell = true;
    const parsed = mainCommand(exec ? exec[2] : text);
    if ('reason' in parsed) {
      start.unsafe ??= {
        instruction,
        reason: `${instruction.keyword} at line ${lineOf(instruction)} ${parsed.reason}`,
      };
      continue;
    }
    start.words.push(...parsed.words);
    start.globbed ||= parsed.globbed;
    if (parsed.cwd) start.cwd = parsed.cwd;
  }
  if (!start.unsafe && dirs) followEntryScript(model, stage, dirs, context, start);
  return start;
}

type MainCommand = { words: string[]; globbed: boolean; cwd?: string } | { reason: string };

/** The one program a shell string runs (after `cd`, `set -e`, `export` and the like), through `exec`. */
function mainCommand(script: string, depth = 0): MainCommand {
  const parsed = parseShell(script);
  if (parsed.error)
    return { reason: `is shell the parser cannot read (${parsed.error}): cannot tell which program runs.` };
  let cwd: string | undefined;
  const programs: ShellCommand[] = [];
  for (const command of parsed.commands) {
    if (preamble.has(command.name)) {
      if (command.name === 'cd') cwd = literalDir(command, cwd);
      continue;
    }
    programs.push(command);
  }
  if (programs.length === 0) return { reason: 'runs no program: cannot tell what the image runs.' };
  if (programs.length > 1)
    return {
      reason: `runs several programs (${programs.map((command) => command.name).join(', ')}): cannot tell which files it needs.`,
    };
  const command = unwrapExec(programs[0]);
  if (!command) return { reason: 'execs nothing: cannot tell what the image runs.' };
  const [program] = command;
  // `CMD sh -c "…"` in shell form: the inner string is the command.
  if (shells.has(baseName(program.value)) && command[1]?.value === '-c' && command[2]?.literal && depth < 2) {
    const inner = mainCommand(command[2].value, depth + 1);
    return 'reason' in inner ? inner : { ...inner, cwd: inner.cwd ?? cwd };
  }
  if (!program.literal) return { reason: `runs ${program.raw}, a variable: cannot tell which program runs.` };
  return {
    words: command.map((word) => word.value),
    globbed: command.some((word) => isUnquotedGlob(word.raw)),
    cwd,
  };
}

type Word = ShellCommand['args'][number];

/** `exec [-a name] prog args` → prog args; other commands as they are. */
function unwrapExec(command: ShellCommand): Word[] | undefined {
  const name: Word = {
    value: command.name,
    raw: command.name,
    start: command.start,
    end: command.start + command.name.length,
    literal: !command.name.includes('$'),
  };
  const words = [name, ...command.args];
  if (command.name !== 'exec') return words;
  let index = 1;
  while (index < words.length && words[index].value.startsWith('-')) index += words[index].value === '-a' ? 2 : 1;
  return index < words.length ? words.slice(index) : undefined;
}

function literalDir(command: ShellCommand, current: string | undefined): string | undefined {
  const target = command.args[0];
  if (!target || !target.literal || command.args.length > 1) return undefined;
  return target.value.startsWith('/') ? absolute(target.value, '/') : current && absolute(target.value, current);
}

function isUnquotedGlob(raw: string): boolean {
  return /[*?]/.test(raw.replace(/'[^']*'|"[^"]*"/g, ''));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// ---- PATH ------------------------------------------------------------------------------------------

interface ImagePaths {
  default: string[];
  images: Record<string, string[]>;
}

/** The PATH folders of the stage at its end: the base image's, then what ENV PATH sets (the model's expansion, `$PATH` being the PATH so far). */
export function pathDirs(model: DockerfileModel, stage: Stage, base: string[] = basePath(stage)): string[] {
  let path = base.join(':');
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'ENV') continue;
    for (const pair of keyValuePairsOf(model, instruction)) {
      if (pair.name !== 'PATH' || pair.rawValue === undefined) continue;
      const scope = scopeAt(model, instruction);
      const current: Variable = { name: 'PATH', kind: 'env', value: path, unresolved: [], assumed: [] };
      path = expandWith(
        pair.rawValue,
        (name) => (name === 'PATH' ? current : scope.get(name)),
        model.escapeChar,
        'word',
      ).value;
    }
  }
  return path.split(':').filter((dir) => dir.startsWith('/') && !dir.includes('$'));
}

/** The PATH an image sets (its Dockerfile's ENV PATH), Docker's default when it sets none. */
export function basePath(stage: Stage | undefined): string[] {
  const table = imagePaths as ImagePaths;
  return (stage && table.images[stage.image.repository]) ?? table.default;
}

/** Docker's PATH of an image that sets none (distroless, debian, alpine, the slim runtimes). */
export function defaultPath(): string[] {
  return (imagePaths as ImagePaths).default;
}

/**
 * The absolute path a program word runs: a path joined to the working directory, a bare name looked
 * up on PATH among the files `exists` knows (the first PATH folder holding one wins, as in the shell).
 */
export function resolveProgram(
  program: string,
  workdir: string,
  path: string[],
  exists: (file: string) => boolean,
): string | undefined {
  if (program.includes('/')) return absolute(program, workdir);
  for (const dir of path) {
    const file = `${dir === '/' ? '' : dir}/${program}`;
    if (exists(file)) return file;
  }
  return undefined;
}

// ---- Entry scripts ---------------------------------------------------------------------------------

/** The image's files COPY put there from the context, as image path → context path (folders map their contents). */
export function contextCopies(stage: Stage, dirs: Map<Instruction, string>): (imagePath: string) => string | undefined {
  type Copy = { to: string; from: string; folder: boolean; name?: RegExp };
  const copies: Copy[] = [];
  for (const instruction of stage.instructions) {
    const copy = instruction.copy;
    if (!copy || copy.from !== undefined || copy.destination === undefined) continue;
    const workdir = dirs.get(instruction) ?? '/';
    const destination = absolute(copy.destination, workdir).replace(/\/$/, '');
    const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1 || /(^|\/)\.$/.test(copy.destination);
    for (const source of copy.sources) {
      if (source.includes('$') || source.startsWith('/') || /^[a-z]+:\/\//.test(source)) continue;
      const from = absolute(source, '/').slice(1);
      const slash = from.lastIndexOf('/');
      const parent = from.slice(0, Math.max(slash, 0));
      const last = from.slice(slash + 1);
      // A glob in the last segment (`src/Api/*.csproj`, `package*.json`): matching files land in the destination folder.
      if (/[*?[]/.test(last)) {
        if (!/[*?[]/.test(parent)) copies.push({ to: destination, from: parent, folder: false, name: globName(last) });
        continue;
      }
      if (/[*?[]/.test(from)) continue;
      // Without listing the context, a source may be a file or a folder: both readings are kept, the file's first.
      copies.push({ to: destination, from, folder: true });
      if (!source.endsWith('/') && from !== '')
        copies.push({ to: intoFolder ? `${destination}/${last}` : destination, from, folder: false });
    }
  }
  const within = (folder: string, path: string) => path.startsWith(`${folder === '/' ? '' : folder}/`);
  return (imagePath) => {
    // The last COPY to a path wins, as in the image.
    for (const copy of [...copies].reverse()) {
      if (copy.name) {
        const name = imagePath.slice(imagePath.lastIndexOf('/') + 1);
        const folder = imagePath.slice(0, imagePath.lastIndexOf('/')) || '/';
        if (folder === (copy.to || '/') && copy.name.test(name))
          return copy.from === '' ? name : `${copy.from}/${name}`;
        continue;
      }
      if (!copy.folder && copy.to === imagePath) return copy.from;
      if (copy.folder && within(copy.to || '/', imagePath)) {
        const rest = imagePath.slice((copy.to || '/') === '/' ? 1 : copy.to.length + 1);
        return copy.from === '' ? rest : `${copy.from}/${rest}`;
      }
    }
    return undefined;
  };
}

/** A glob over one path segment as a regular expression (`*` and `?` within the segment, other characters literal). */
function globName(glob: string): RegExp {
  let source = '';
  for (const character of glob) {
    if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Reads a file of the build context: the files read up front, then the context's reader. */
export function contextText(context: ConvertContext, path: string): string | undefined {
  return context.files?.[path] ?? context.read?.(path);
}

/**
 * When the program is a script copied from the context (`docker-entrypoint.sh`), reads it and replaces
 * the words with what it execs: `exec "$@"` runs CMD, `exec prog …` runs prog. The script may run shell
 * builtins and the program it execs before that; anything else is a reason to stop (`unsafe`).
 */
function followEntryScript(
  model: DockerfileModel,
  stage: Stage,
  dirs: Map<Instruction, string>,
  context: ConvertContext,
  start: StartWords,
): void {
  const program = start.words[0];
  const instruction = start.entrypoint ?? start.cmd;
  if (program === undefined || !instruction) return;
  const end = stage.instructions[stage.instructions.length - 1];
  const workdir = start.cwd ?? (end && dirs.get(end)) ?? '/';
  const fromContext = contextCopies(stage, dirs);
  const path = resolveProgram(program, workdir, pathDirs(model, stage), (file) => fromContext(file) !== undefined);
  const contextPath = path && fromContext(path);
  if (!path || contextPath === undefined || /\.(jar|dll|js|mjs|cjs|py)$/.test(path)) return;
  const text = contextText(context, contextPath);
  if (text === undefined) return;
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  const interpreter = shebang ? baseName(shebang[1] === '/usr/bin/env' ? (shebang[2] ?? '') : shebang[1]) : 'sh';
  if (!shells.has(interpreter)) return;
  const where = `The entry script ${contextPath} (${instruction.keyword} at line ${lineOf(instruction)})`;
  const parsed = parseShell(text);
  if (parsed.error) {
    start.unsafe = { instruction, reason: `${where} is shell the parser cannot read: cannot tell what it runs.` };
    return;
  }
  const execs = parsed.commands.filter((command) => command.name === 'exec');
  const last = execs[execs.length - 1];
  const words = last && unwrapExec(last);
  if (!words) {
    start.unsafe = { instruction, reason: `${where} execs no program: cannot tell what it runs.` };
    return;
  }
  const passesCmd = words.length === 1 && (words[0].raw === '"$@"' || words[0].raw === '$@');
  const target = passesCmd ? start.words.slice(1) : words.map((word) => word.value);
  if (target.length === 0 || (!passesCmd && !words[0].literal)) {
    start.unsafe = { instruction, reason: `${where} execs ${words[0].raw}: cannot tell which program runs.` };
    return;
  }
  for (const command of parsed.commands) {
    if (command === last || preamble.has(command.name) || baseName(command.name) === baseName(target[0])) continue;
    start.unsafe = {
      instruction,
      reason: `${where} runs \`${command.name}\`, which the final image may not have: cannot tell.`,
    };
    return;
  }
  start.words = target;
  start.script = { path, contextPath };
  start.shell = true;
  start.globbed ||= !passesCmd && words.some((word) => isUnquotedGlob(word.raw));
}

/** The COPY that gives the final stage the entry script the start command runs, with its message; nothing without one. */
export function entryScriptCopy(start: Pick<StartWords, 'script' | 'words'>): { lines: string[]; message?: string } {
  if (!start.script) return { lines: [] };
  const { path, contextPath } = start.script;
  return {
    lines: [`COPY --from=build ${path} ${path}`],
    message: `The final stage also gets the entry script ${path} (from ${contextPath}), which execs ${start.words[0]}.`,
  };
}
