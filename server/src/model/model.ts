import './astMemo';
import { DockerfileParser } from 'dockerfile-ast';
import type { Instruction as AstInstruction, Heredoc } from 'dockerfile-ast';
import { isWindowsImage, parseImageRef } from './image';
import type { ImageRef } from './image';
import { joinContinuations, verbatim } from './script';
import type { MappedScript } from './script';
import { parseShell } from './shell';
import type { ShellWord } from './shell';
import { memoOn } from './memo';
import { LineIndex } from './text';
import type { Range } from './text';
import { GlobalScopeBuilder } from './variables';
import type { Variable } from './variables';

export interface Flag {
  name: string;
  value: string | null;
  range: Range;
}

export interface DocumentWord {
  value: string;
  literal: boolean;
  range: Range;
  /** Offsets into the document. */
  start: number;
  end: number;
}

/** A simple command of a RUN, with document ranges. */
export interface RunCommand {
  name: string;
  nameWord: DocumentWord;
  args: DocumentWord[];
  range: Range;
  start: number;
  end: number;
  /** Shared by the commands of one pipeline (`curl … | sh`); undefined outside pipelines. */
  pipeline?: number;
}

export interface RunInfo {
  form: 'shell' | 'exec' | 'heredoc';
  /** The script the shell runs (continuations joined; heredoc body for `RUN <<EOF`). */
  script: string;
  commands: RunCommand[];
  /** The shell parser's complaint when it rejected the script; commands then come from a word split. */
  parseError?: string;
  /** False when SHELL names a non-POSIX shell (cmd, powershell): commands are then not analysed. */
  posixShell: boolean;
}

export interface CopyInfo {
  sources: string[];
  destination: string | undefined;
  /** The `--from` value as written (for a malformed `--from build`, the word after it). */
  from?: string;
  /** `--from build` without `=`: a build error ("missing a value on flag"); `from` holds the word meant. */
  malformedFrom?: boolean;
  /** The stage `--from` names, when it names one. */
  fromStage?: Stage;
}

export interface Instruction {
  index: number;
  keyword: string;
  range: Range;
  keywordRange: Range;
  /** Offsets into the document. */
  start: number;
  end: number;
  args: DocumentWord[];
  flags: Flag[];
  /** The stage the instruction belongs to; undefined for ARGs before the first FROM. */
  stage: Stage | undefined;
  run?: RunInfo;
  copy?: CopyInfo;
  ast: AstInstruction;
}

export interface Stage {
  index: number;
  /** The `AS name`, lower-cased as Docker compares stage names. */
  name?: string;
  from: Instruction;
  image: ImageRef;
  /** Set when the FROM names an earlier stage instead of an image. */
  baseStage?: Stage;
  /** Instructions after the FROM, up to the next FROM. */
  instructions: Instruction[];
  /** Stages this one reads from: its base stage, `COPY --from` and `RUN --mount=from=` sources. */
  dependencies: Stage[];
  shipped: boolean;
  /** True for the shipped stage and every stage it (transitively) depends on. */
  reachable: boolean;
}

export interface CommentLine {
  line: number;
  /** The text after `#`, trimmed. */
  content: string;
  range: Range;
}

export interface ModelOptions {
  /** The stage shipped (`docker build --target`); the last stage when empty or unknown. */
  target?: string;
}

export interface DockerfileModel {
  text: string;
  lines: LineIndex;
  escapeChar: string;
  directives: Map<string, string>;
  /** ARGs before the first FROM, values expanded (see variables.ts for scope and expansion). */
  globalArgs: ReadonlyMap<string, Variable>;
  instructions: Instruction[];
  stages: Stage[];
  shipped: Stage | undefined;
  comments: CommentLine[];
}

const knownDirectives = new Set(['syntax', 'escape', 'check']);
const posixShells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);

/** Parses a Dockerfile once into the facts every rule reads. Never throws on malformed input. */
export function buildModel(text: string, options: ModelOptions = {}): DockerfileModel {
  const lines = new LineIndex(text);
  const ast = DockerfileParser.parse(text);
  const escapeChar = ast.getEscapeCharacter();
  const directives = new Map<string, string>();
  for (const directive of ast.getDirectives()) {
    const name = directive.getName()?.toLowerCase();
    if (name && knownDirectives.has(name)) directives.set(name, directive.getValue() ?? '');
  }

  const globals = new GlobalScopeBuilder(lines, escapeChar);
  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  const stageByName = new Map<string, Stage>();
  const shellByStage = new Map<Stage, string[]>();
  let current: Stage | undefined;

  for (const node of ast.getInstructions()) {
    const instruction = toInstruction(node, instructions.length, lines);
    instructions.push(instruction);
    const keyword = instruction.keyword;
    if (keyword === 'FROM') {
      current = startStage(instruction, stages, stageByName, globals);
      shellByStage.set(
        current,
        current.baseStage ? (shellByStage.get(current.baseStage) ?? defaultShell(current)) : defaultShell(current),
      );
      continue;
    }
    if (!current) {
      if (keyword === 'ARG') globals.declare(instruction);
      continue;
    }
    instruction.stage = current;
    current.instructions.push(instruction);
    if (keyword === 'SHELL') {
      const shell = jsonStrings(node, lines);
      if (shell.length > 0) shellByStage.set(current, shell);
    } else if (keyword === 'RUN') {
      instruction.run = analyseRun(instruction, lines, escapeChar, shellByStage.get(current) ?? ['/bin/sh', '-c']);
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      instruction.copy = analyseCopy(instruction, lines);
    }
  }

  for (const instruction of instructions) {
    if (instruction.copy?.from !== undefined)
      instruction.copy.fromStage = stageFromReference(instruction.copy.from, stageByName, stages);
  }
  for (const stage of stages) stage.dependencies = dependenciesOf(stage, stageByName);
  const shipped = pickShipped(stages, options.target);
  if (shipped) {
    shipped.shipped = true;
    markReachable(shipped);
  }

  const comments = collectComments(lines, instructions);
  const model: DockerfileModel = {
    text,
    lines,
    escapeChar,
    directives,
    globalArgs: globals.globals,
    instructions,
    stages,
    shipped,
    comments,
  };
  globals.attach(model);
  return model;
}

/**
 * Comment lines outside instructions, directives included (dockerfile-ast reports a first-line
 * comment that looks like `# key=value` as a directive, which would hide `# layerlens global ignore=`).
 */
function collectComments(lines: LineIndex, instructions: Instruction[]): CommentLine[] {
  const comments: CommentLine[] = [];
  const text = lines.text;
  let next = 0;
  // Only lines whose first non-blank character is `#` can be comments: find those, then drop the ones inside instructions.
  // A byte-order mark may precede the first line's comment.
  for (const match of text.matchAll(/^\uFEFF?[ \t]*#[^\r\n]*/gm)) {
    const offset = match.index ?? 0;
    const { line } = lines.positionAt(offset);
    while (next < instructions.length && instructions[next].range.end.line < line) next++;
    const owner = instructions[next];
    if (owner && owner.range.start.line <= line) continue;
    const hash = match[0].indexOf('#');
    comments.push({
      line,
      content: match[0].slice(hash + 1).trim(),
      range: { start: { line, character: hash }, end: { line, character: match[0].length } },
    });
  }
  return comments;
}

/** An instruction whose arguments and flags are split by dockerfile-ast only when a rule asks (it is the costly part). */
class LazyInstruction implements Instruction {
  stage: Stage | undefined = undefined;
  run?: RunInfo;
  copy?: CopyInfo;
  private cachedArgs?: DocumentWord[];
  private cachedFlags?: Flag[];

  constructor(
    readonly index: number,
    readonly keyword: string,
    readonly range: Range,
    readonly keywordRange: Range,
    readonly start: number,
    readonly end: number,
    readonly ast: AstInstruction,
    private readonly lines: LineIndex,
  ) {}

  get args(): DocumentWord[] {
    this.cachedArgs ??= this.ast.getArguments().map((argument) => {
      const argRange = argument.getRange();
      const value = argument.getValue();
      return {
        value,
        literal: !value.includes('$'),
        range: argRange,
        start: this.lines.offsetAt(argRange.start),
        end: this.lines.offsetAt(argRange.end),
      };
    });
    return this.cachedArgs;
  }

  get flags(): Flag[] {
    if (!this.cachedFlags) {
      const flagged = this.ast as AstInstruction & {
        getFlags?: () => Array<{ getName(): string; getValue(): string | null; getRange(): Range }>;
      };
      this.cachedFlags = (flagged.getFlags?.() ?? []).map((flag) => ({
        name: flag.getName().toLowerCase(),
        value: flag.getValue(),
        range: flag.getRange(),
      }));
    }
    return this.cachedFlags;
  }

  set flags(flags: Flag[]) {
    this.cachedFlags = flags;
  }
}

function toInstruction(node: AstInstruction, index: number, lines: LineIndex): LazyInstruction {
  const range = node.getRange();
  return new LazyInstruction(
    index,
    node.getKeyword().toUpperCase(),
    range,
    node.getInstructionRange(),
    lines.offsetAt(range.start),
    lines.offsetAt(range.end),
    node,
    lines,
  );
}

/**
 * Reads `--name=value` flags at the start of a RUN's arguments, skipping blanks and line continuations,
 * and returns them with the offset where the command itself starts.
 */
function scanRunFlags(
  lines: LineIndex,
  from: number,
  to: number,
  escapeChar: string,
): { flags: Flag[]; scriptStart: number } {
  const text = lines.text;
  const flags: Flag[] = [];
  let offset = from;
  const skipBlanks = () => {
    for (;;) {
      while (offset < to && (text[offset] === ' ' || text[offset] === '\t')) offset++;
      if (text[offset] !== escapeChar) return;
      let next = offset + 1;
      while (next < to && (text[next] === ' ' || text[next] === '\t')) next++;
      if (text[next] === '\r') next++;
      if (text[next] !== '\n') return;
      offset = next + 1;
    }
  };
  for (;;) {
    skipBlanks();
    if (!text.startsWith('--', offset)) return { flags, scriptStart: offset };
    const start = offset;
    while (offset < to && !/\s/.test(text[offset])) offset++;
    const token = text.slice(start + 2, offset);
    const eq = token.indexOf('=');
    flags.push({
      name: (eq < 0 ? token : token.slice(0, eq)).toLowerCase(),
      value: eq < 0 ? null : token.slice(eq + 1),
      range: lines.range(start, offset),
    });
  }
}

function startStage(
  from: Instruction,
  stages: Stage[],
  stageByName: Map<string, Stage>,
  globals: GlobalScopeBuilder,
): Stage {
  // Flags (--platform) are not arguments in dockerfile-ast; the image is the first argument.
  const raw = from.args[0]?.value ?? '';
  const asIndex = from.args.findIndex((arg) => arg.value.toLowerCase() === 'as');
  const name = asIndex >= 0 ? from.args[asIndex + 1]?.value.toLowerCase() : undefined;
  const substituted = globals.resolve(raw);
  const image = parseImageRef(raw, substituted.value, substituted.unresolved.length > 0, substituted.assumed);
  const baseStage =
    !image.registry && !image.tag && !image.digest ? stageByName.get(substituted.value.toLowerCase()) : undefined;
  const stage: Stage = {
    index: stages.length,
    name,
    from,
    image,
    baseStage,
    instructions: [],
    dependencies: [],
    shipped: false,
    reachable: false,
  };
  from.stage = stage;
  stages.push(stage);
  if (name && !stageByName.has(name)) stageByName.set(name, stage);
  return stage;
}

/** `"x"` or `'x'` → `x`; anything else as it is. */
export function stripQuotes(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0])
    return value.slice(1, -1);
  return value;
}

function defaultShell(stage: Stage): string[] {
  return isWindowsImage(stage.image) ? ['cmd', '/S', '/C'] : ['/bin/sh', '-c'];
}

function jsonStrings(node: AstInstruction, lines: LineIndex): string[] {
  const json = node as AstInstruction & { getJSONStrings?: () => Array<{ getRange(): Range; getJSONValue(): string }> };
  return (json.getJSONStrings?.() ?? []).map((value) => {
    // dockerfile-ast drops blanks inside JSON strings ("x y" → xy): decode the string as written.
    const range = value.getRange();
    try {
      const decoded: unknown = JSON.parse(lines.text.slice(lines.offsetAt(range.start), lines.offsetAt(range.end)));
      return typeof decoded === 'string' ? decoded : value.getJSONValue();
    } catch {
      return value.getJSONValue();
    }
  });
}

/**
 * The heredocs of an instruction, as dockerfile-ast parses them; none when it fails on one (it throws
 * on `RUN <<"EOF""`): a dependency's bug must not reach the engine, which never throws.
 */
export function heredocsOf(node: AstInstruction): Heredoc[] {
  const withHeredocs = node as unknown as { getHeredocs?: () => Heredoc[] };
  try {
    return withHeredocs.getHeredocs?.() ?? [];
  } catch {
    return [];
  }
}

function analyseRun(instruction: LazyInstruction, lines: LineIndex, escapeChar: string, shell: string[]): RunInfo {
  const shellName =
    (shell[0] ?? '')
      .split(/[\\/]/)
      .pop()
      ?.toLowerCase()
      .replace(/\.exe$/, '') ?? '';
  const posixShell = posixShells.has(shellName);
  const exec = jsonStrings(instruction.ast, lines);
  if (exec.length > 0) {
    return { form: 'exec', script: exec.join(' '), commands: execCommand(instruction, exec), posixShell };
  }

  // Skip the RUN flags (--mount=…, --network=…): the script starts after them.
  const { flags, scriptStart } = scanRunFlags(
    lines,
    lines.offsetAt(instruction.keywordRange.end),
    instruction.end,
    escapeChar,
  );
  instruction.flags = flags;
  const heredocs = lines.text.slice(scriptStart, instruction.end).includes('<<') ? heredocsOf(instruction.ast) : [];
  let mapped: MappedScript;
  let form: RunInfo['form'] = 'shell';
  const firstHeredoc = heredocs[0];
  const bodyRange = firstHeredoc?.getContentRange();
  if (firstHeredoc && bodyRange && lines.offsetAt(firstHeredoc.getStartRange().start) === scriptStart) {
    // `RUN <<EOF` runs the body itself as the script.
    form = 'heredoc';
    mapped = verbatim(lines, lines.offsetAt(bodyRange.start), lines.offsetAt(bodyRange.end));
  } else if (heredocs.length > 0) {
    // `RUN python3 <<EOF`: the shell sees the command line and the heredoc as written.
    mapped = verbatim(lines, scriptStart, instruction.end);
  } else {
    mapped = joinContinuations(lines, scriptStart, instruction.range.end.line, escapeChar);
  }
  if (!posixShell) return { form, script: mapped.text, commands: [], posixShell };
  const parsed = parseShell(mapped.text);
  const toWord = (word: ShellWord): DocumentWord => {
    const start = mapped.toDocument(word.start);
    const end = word.end > word.start ? mapped.toDocument(word.end - 1) + 1 : start;
    return new ShellDocumentWord(word.value, word.literal, start, end, lines);
  };
  const commands = parsed.commands.map((command): RunCommand => {
    const nameWord = toWord({
      value: command.name,
      raw: command.name,
      start: command.start,
      end: command.start + commandNameLength(mapped.text, command.start, command.args[0]?.start),
      literal: true,
    });
    const args = command.args.map(toWord);
    const start = nameWord.start;
    const end = args.length > 0 ? args[args.length - 1].end : nameWord.end;
    const runCommand: RunCommand = new LazyRunCommand(command.name, nameWord, args, start, end, lines);
    if (command.pipeline !== undefined) runCommand.pipeline = command.pipeline;
    return runCommand;
  });
  return { form, script: mapped.text, commands, parseError: parsed.error, posixShell };
}

/**
 * Words and commands of RUN scripts are many and most are never reported: their LSP ranges (two
 * position searches and three objects each) are computed only when a rule asks.
 */
/** A document span whose LSP range is computed on first use. */
abstract class LazySpan {
  private cachedRange?: Range;

  constructor(
    readonly start: number,
    readonly end: number,
    private readonly lines: LineIndex,
  ) {}

  get range(): Range {
    this.cachedRange ??= this.lines.range(this.start, this.end);
    return this.cachedRange;
  }
}

class ShellDocumentWord extends LazySpan implements DocumentWord {
  constructor(
    readonly value: string,
    readonly literal: boolean,
    start: number,
    end: number,
    lines: LineIndex,
  ) {
    super(start, end, lines);
  }
}

class LazyRunCommand extends LazySpan implements RunCommand {
  pipeline?: number;

  constructor(
    readonly name: string,
    readonly nameWord: DocumentWord,
    readonly args: DocumentWord[],
    start: number,
    end: number,
    lines: LineIndex,
  ) {
    super(start, end, lines);
  }
}

/** The written length of a command's first word: up to the next blank or its first argument. */
function commandNameLength(script: string, start: number, nextStart: number | undefined): number {
  let end = start;
  const limit = nextStart ?? script.length;
  while (end < limit && !/[\s;&|()]/.test(script[end])) end++;
  return Math.max(1, end - start);
}

function execCommand(instruction: Instruction, exec: string[]): RunCommand[] {
  // Exec form runs one command; every word points at the whole JSON array.
  const first = instruction.args[0];
  const last = instruction.args[instruction.args.length - 1];
  if (!first || !last) return [];
  const range = { start: first.range.start, end: last.range.end };
  const word = (value: string): DocumentWord => ({ value, literal: true, range, start: first.start, end: last.end });
  const [name, ...rest] = exec;
  return [{ name, nameWord: word(name), args: rest.map(word), range, start: first.start, end: last.end }];
}

function analyseCopy(instruction: Instruction, lines: LineIndex): CopyInfo {
  const json = jsonStrings(instruction.ast, lines);
  // `COPY <<EOF /dest`: the heredoc body is file content, not paths; only words before its first line count.
  const bodyStart = lines.text.slice(instruction.start, instruction.end).includes('<<')
    ? heredocsOf(instruction.ast)[0]?.getContentRange()?.start.line
    : undefined;
  let words = instruction.args.filter((arg) => bodyStart === undefined || arg.range.start.line < bodyStart);
  const fromFlag = instruction.flags.find((flag) => flag.name === 'from');
  // `--from build /a /b` fails the build; read it as meant, so the stage it names is not taken for unused.
  const malformedFrom = fromFlag !== undefined && fromFlag.value === null && json.length === 0 && words.length > 2;
  const from = malformedFrom ? words[0].value : (fromFlag?.value ?? undefined);
  if (malformedFrom) words = words.slice(1);
  const heredocSources = words.filter((arg) => arg.value.startsWith('<<')).length;
  const paths = json.length > 0 ? json : words.map((arg) => arg.value).filter((value) => !value.startsWith('<<'));
  return {
    ...(malformedFrom ? { malformedFrom } : {}),
    sources: paths.slice(0, -1),
    // With heredoc sources a single path is the destination.
    destination: paths.length > 1 || (paths.length === 1 && heredocSources > 0) ? paths[paths.length - 1] : undefined,
    from,
    // Resolved once all stages are known: BuildKit accepts a reference to a later stage.
    fromStage: undefined,
  };
}

/** `--from` takes a stage name or a stage index; anything else is an image. */
function stageFromReference(reference: string, stageByName: Map<string, Stage>, stages: Stage[]): Stage | undefined {
  const named = stageByName.get(reference.toLowerCase());
  if (named) return named;
  if (/^\d+$/.test(reference)) return stages[Number(reference)];
  return undefined;
}

function dependenciesOf(stage: Stage, stageByName: Map<string, Stage>): Stage[] {
  const result = new Set<Stage>();
  if (stage.baseStage) result.add(stage.baseStage);
  for (const instruction of stage.instructions) {
    if (instruction.copy?.fromStage) result.add(instruction.copy.fromStage);
    for (const flag of instruction.flags) {
      if (flag.name !== 'mount' || !flag.value) continue;
      const fromOption = /(?:^|,)from=([^,]+)/.exec(flag.value);
      // RUN --mount from= takes a stage name or an image, never an index (unlike COPY --from).
      const source = fromOption ? stageByName.get(fromOption[1].toLowerCase()) : undefined;
      if (source) result.add(source);
    }
  }
  result.delete(stage);
  return [...result];
}

function pickShipped(stages: Stage[], target: string | undefined): Stage | undefined {
  const wanted = target?.trim().toLowerCase();
  if (wanted) {
    const named = stages.find((stage) => stage.name === wanted);
    if (named) return named;
  }
  return stages[stages.length - 1];
}

function markReachable(stage: Stage): void {
  if (stage.reachable) return;
  stage.reachable = true;
  for (const dependency of stage.dependencies) markReachable(dependency);
}

/** The `--platform` flag of a stage's FROM, as written (it may hold a variable). */
export function platformFlagOf(stage: Stage): string | undefined {
  return stage.from.flags.find((flag) => flag.name === 'platform')?.value ?? undefined;
}

/** The stage and the stages whose layers it inherits through `FROM <stage>`, nearest first. */
export function inheritanceChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let current: Stage | undefined = stage; current && !chain.includes(current); current = current.baseStage)
    chain.push(current);
  return chain;
}

/** The first stage of a stage's FROM chain: the one whose FROM names an image (the stage itself when it does). */
export function rootStage(stage: Stage): Stage {
  const chain = inheritanceChain(stage);
  return chain[chain.length - 1];
}

const layersKey = Symbol('layers');

/** Every instruction whose layer ends up in the stage's image, oldest first (inherited stages included). Callers must not mutate it. */
export function layersOf(stage: Stage): Instruction[] {
  return memoOn(stage, layersKey, () =>
    inheritanceChain(stage)
      .reverse()
      .flatMap((member) => member.instructions),
  );
}
