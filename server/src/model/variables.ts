/**
 * ARG and ENV as Docker sees them: which variables are in scope at an instruction, their values, and
 * expansion of text with them (BuildKit's shell lexer rules).
 *
 * Scope, as BuildKit has it:
 * - ARGs before the first FROM (global) and the automatic platform ARGs feed FROM lines only; a stage
 *   sees a global ARG after it declares it again with `ARG NAME` (a platform ARG likewise).
 * - A stage's ARG and ENV apply from the instruction after their declaration to the end of the stage;
 *   ENV also carries into stages built `FROM` this one (it is image config), ARG does not.
 * - ENV beats an ARG of the same name, whichever came first.
 * - Values are expanded where they are declared; the pairs of one `ENV A=1 B=$A` see the scope before
 *   the instruction (B gets the earlier A).
 *
 * Values LayerLens cannot know stay unknown: an `ARG X` without default (the build passes it), ENV of the
 * base image, shell variables set inside a RUN. The automatic platform ARGs take the defaults of a build
 * on a linux/amd64 host, marked `assumed` so callers can say so.
 */
import type { DockerfileModel, Instruction, Stage } from './model';
import { getHidden, memoOn, setHidden } from './memo';
import { joinContinuations } from './script';
import type { LineIndex } from './text';

export type VariableKind = 'arg' | 'env' | 'platform';

export interface Variable {
  name: string;
  kind: VariableKind;
  /**
   * The value after expansion, unknown references kept as written (`$HOME`); undefined when declared
   * without a value (`ARG VERSION`), which the build may pass with --build-arg.
   */
  value: string | undefined;
  /** Names the value depends on whose values are unknown (it holds them as written). */
  unresolved: string[];
  /** Names the value depends on whose values are LayerLens's assumption (platform ARGs), itself included. */
  assumed: string[];
  /** The ARG or ENV that set it; undefined for automatic platform ARGs and ENV of the base image. */
  declaredAt?: Instruction;
}

/** Variables by name, as an instruction sees them. */
export type Scope = ReadonlyMap<string, Variable>;

export interface Expansion {
  /** The text with known variables substituted; unknown references stay as written. */
  value: string;
  /** Referenced names without a known value, in order of first use. */
  unresolved: string[];
  /** Referenced names (directly or through the values of others) whose value is assumed. */
  assumed: string[];
}

/** The platform LayerLens assumes for builds: a linux/amd64 host building for itself. */
export const assumedPlatform = { os: 'linux', architecture: 'amd64', variant: '' } as const;

const platformValues: ReadonlyMap<string, string> = new Map(
  ['BUILD', 'TARGET'].flatMap((prefix) => [
    [`${prefix}PLATFORM`, `${assumedPlatform.os}/${assumedPlatform.architecture}`],
    [`${prefix}OS`, assumedPlatform.os],
    [`${prefix}ARCH`, assumedPlatform.architecture],
    [`${prefix}VARIANT`, assumedPlatform.variant],
  ]),
);

/** True for the ARGs BuildKit defines itself (TARGETARCH, BUILDPLATFORM, …). */
export function isPlatformArg(name: string): boolean {
  return platformValues.has(name);
}

function platformVariable(name: string): Variable | undefined {
  const value = platformValues.get(name);
  if (value === undefined) return undefined;
  return { name, kind: 'platform', value, unresolved: [], assumed: [name] };
}

/** A `name=value` pair of an ARG, ENV or LABEL, value as written (quotes and escapes kept). */
export interface KeyValue {
  name: string;
  /** undefined for `ARG NAME` without `=`. */
  rawValue: string | undefined;
  /** Document offsets of the name and of the value as written (the value's are the name's end when absent). */
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
}

const pairsKey = Symbol('keyValuePairs');

/**
 * The pairs of an ARG, ENV or LABEL as BuildKit splits them: words at unquoted blanks (continuations
 * joined), each `name=value`; the legacy `ENV NAME value with blanks` is one pair whose value is the rest.
 */
export function keyValuePairsOf(model: DockerfileModel, instruction: Instruction): KeyValue[] {
  return pairsOf(model.lines, model.escapeChar, instruction);
}

function pairsOf(lines: LineIndex, escapeChar: string, instruction: Instruction): KeyValue[] {
  return memoOn(instruction, pairsKey, () => splitPairs(lines, escapeChar, instruction));
}

function splitPairs(lines: LineIndex, escapeChar: string, instruction: Instruction): KeyValue[] {
  const start = lines.offsetAt(instruction.keywordRange.end);
  const mapped = joinContinuations(lines, start, instruction.range.end.line, escapeChar);
  const text = mapped.text;
  const words = splitWords(text, escapeChar);
  const first = words[0];
  if (!first) return [];
  const toDocument = (index: number) => mapped.toDocument(index);
  const endOf = (index: number) => (index > 0 ? mapped.toDocument(index - 1) + 1 : mapped.toDocument(0));
  if (instruction.keyword === 'ENV' && !text.slice(first.start, first.end).includes('=') && words.length > 1) {
    const valueStart = words[1]?.start ?? first.end;
    const valueEnd = words[words.length - 1]?.end ?? valueStart;
    return [
      {
        name: text.slice(first.start, first.end),
        rawValue: text.slice(valueStart, valueEnd),
        nameStart: toDocument(first.start),
        nameEnd: endOf(first.end),
        valueStart: toDocument(valueStart),
        valueEnd: endOf(valueEnd),
      },
    ];
  }
  return words.map((word): KeyValue => {
    const written = text.slice(word.start, word.end);
    const eq = written.indexOf('=');
    const nameEnd = eq < 0 ? word.end : word.start + eq;
    return {
      name: text.slice(word.start, nameEnd),
      rawValue: eq < 0 ? undefined : written.slice(eq + 1),
      nameStart: toDocument(word.start),
      nameEnd: endOf(nameEnd),
      valueStart: eq < 0 ? endOf(nameEnd) : toDocument(nameEnd + 1),
      valueEnd: eq < 0 ? endOf(nameEnd) : endOf(word.end),
    };
  });
}

/** Word spans split at blanks outside quotes; an escaped character never splits. */
function splitWords(text: string, escapeChar: string): Array<{ start: number; end: number }> {
  const words: Array<{ start: number; end: number }> = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /\s/.test(text[index] ?? '')) index++;
    if (index >= text.length) break;
    const start = index;
    let quote: string | undefined;
    while (index < text.length) {
      const char = text[index] ?? '';
      if (quote) {
        if (char === quote) quote = undefined;
        else if (char === escapeChar && quote === '"') index++;
      } else if (char === '"' || char === "'") quote = char;
      else if (char === escapeChar) index++;
      else if (/\s/.test(char)) break;
      index++;
    }
    words.push({ start, end: Math.min(index, text.length) });
  }
  return words;
}

/** Where one variable was set, by the index of the instruction that set it (-1: before the stage). */
interface Binding {
  at: number;
  variable: Variable;
}

interface StageTable {
  args: Map<string, Binding[]>;
  env: Map<string, Binding[]>;
  /** ENV at the end of the stage, for stages built FROM it. */
  finalEnv: Map<string, Variable>;
}

interface GlobalTable {
  /** Global ARGs in declaration order, each with the index of its instruction. */
  args: Map<string, Binding[]>;
  /** In scope for every FROM: all global ARGs and the platform ARGs. */
  final: Map<string, Variable>;
}

const globalKey = Symbol('globalScope');
const stageKey = Symbol('stageScope');

/**
 * Builds the global scope while the model is parsed (FROM lines need it before the model exists):
 * `declare` each ARG before the first FROM, `resolve` each FROM's image, then `attach` to the model.
 */
export class GlobalScopeBuilder {
  /** Read by globalTable only. */
  readonly table: GlobalTable = { args: new Map(), final: new Map() };

  constructor(
    private readonly lines: LineIndex,
    private readonly escapeChar: string,
  ) {}

  declare(instruction: Instruction): void {
    const lookup = (name: string) => this.table.final.get(name) ?? platformVariable(name);
    for (const pair of pairsOf(this.lines, this.escapeChar, instruction)) {
      const variable = declare(pair, 'arg', instruction, lookup, this.escapeChar);
      this.table.final.set(pair.name, variable);
      bind(this.table.args, pair.name, instruction.index, variable);
    }
  }

  /** A FROM's image as BuildKit expands it: global ARGs and the (assumed) platform ARGs. */
  resolve(image: string): Expansion {
    return expandWith(image, (name) => this.table.final.get(name) ?? platformVariable(name), this.escapeChar, 'word');
  }

  /** The global ARGs by name, values expanded. */
  get globals(): ReadonlyMap<string, Variable> {
    return this.table.final;
  }

  attach(model: DockerfileModel): void {
    setHidden(model, globalKey, this.table);
  }
}

function globalTable(model: DockerfileModel): GlobalTable {
  return memoOn(model, globalKey, () => {
    const builder = new GlobalScopeBuilder(model.lines, model.escapeChar);
    for (const instruction of model.instructions) {
      if (instruction.keyword === 'FROM') break;
      if (instruction.keyword === 'ARG') builder.declare(instruction);
    }
    return builder.table;
  });
}

function stageTable(model: DockerfileModel, stage: Stage): StageTable {
  const cached = getHidden<StageTable>(stage, stageKey);
  if (cached) return cached;
  // Guard against FROM cycles: a stage being computed contributes no inherited ENV.
  const empty: StageTable = { args: new Map(), env: new Map(), finalEnv: new Map() };
  setHidden(stage, stageKey, empty);
  const globals = globalTable(model).final;
  const inherited = stage.baseStage ? stageTable(model, stage.baseStage).finalEnv : new Map<string, Variable>();
  const args = new Map<string, Binding[]>();
  const env = new Map<string, Binding[]>();
  const currentArgs = new Map<string, Variable>();
  const currentEnv = new Map<string, Variable>(inherited);
  for (const [name, variable] of inherited) bind(env, name, -1, variable);
  const lookup = (name: string) => currentEnv.get(name) ?? currentArgs.get(name);
  for (const instruction of stage.instructions) {
    const keyword = instruction.keyword;
    if (keyword !== 'ARG' && keyword !== 'ENV') continue;
    const pairs = keyValuePairsOf(model, instruction);
    const declared = pairs.map((pair): Variable => {
      if (keyword === 'ARG' && pair.rawValue === undefined) {
        const outer = globals.get(pair.name) ?? platformVariable(pair.name);
        if (outer) return { ...outer, declaredAt: outer.kind === 'platform' ? instruction : outer.declaredAt };
      }
      return declare(pair, keyword === 'ARG' ? 'arg' : 'env', instruction, lookup, model.escapeChar);
    });
    // Every pair of one instruction is expanded before any of them applies.
    for (const variable of declared) {
      const target = variable.kind === 'env' ? currentEnv : currentArgs;
      target.set(variable.name, variable);
      bind(variable.kind === 'env' ? env : args, variable.name, instruction.index, variable);
    }
  }
  const table: StageTable = { args, env, finalEnv: currentEnv };
  setHidden(stage, stageKey, table);
  return table;
}

function bind(table: Map<string, Binding[]>, name: string, at: number, variable: Variable): void {
  const bindings = table.get(name);
  if (bindings) bindings.push({ at, variable });
  else table.set(name, [{ at, variable }]);
}

function declare(
  pair: KeyValue,
  kind: 'arg' | 'env',
  instruction: Instruction,
  lookup: (name: string) => Variable | undefined,
  escapeChar: string,
): Variable {
  if (pair.rawValue === undefined)
    return { name: pair.name, kind, value: undefined, unresolved: [], assumed: [], declaredAt: instruction };
  const expansion = expandWith(pair.rawValue, lookup, escapeChar, 'word');
  return {
    name: pair.name,
    kind,
    value: expansion.value,
    unresolved: expansion.unresolved,
    assumed: expansion.assumed,
    declaredAt: instruction,
  };
}

/** The binding of `name` in effect before instruction `at` (bindings are in instruction order). */
function bindingBefore(bindings: Binding[] | undefined, at: number): Variable | undefined {
  if (!bindings) return undefined;
  let found: Variable | undefined;
  for (const binding of bindings) {
    if (binding.at >= at) break;
    found = binding.variable;
  }
  return found;
}

/** How `at` looks a name up: FROM and global ARGs see global ARGs, others their stage's ARG and ENV. */
function lookupAt(model: DockerfileModel, at: Instruction): (name: string) => Variable | undefined {
  if (!at.stage || at.keyword === 'FROM') {
    const { args } = globalTable(model);
    const before = at.stage ? Number.POSITIVE_INFINITY : at.index;
    return (name) => bindingBefore(args.get(name), before) ?? platformVariable(name);
  }
  const table = stageTable(model, at.stage);
  return (name) => bindingBefore(table.env.get(name), at.index) ?? bindingBefore(table.args.get(name), at.index);
}

/** Every variable in scope at an instruction (before it applies its own declarations). */
export function scopeAt(model: DockerfileModel, at: Instruction): Scope {
  const lookup = lookupAt(model, at);
  const names = new Set<string>(platformValues.keys());
  if (!at.stage || at.keyword === 'FROM') for (const name of globalTable(model).args.keys()) names.add(name);
  else {
    const table = stageTable(model, at.stage);
    for (const name of table.args.keys()) names.add(name);
    for (const name of table.env.keys()) names.add(name);
  }
  const scope = new Map<string, Variable>();
  for (const name of names) {
    const variable = lookup(name);
    // Platform ARGs reach a stage only when it declares them.
    if (variable && (variable.kind !== 'platform' || !at.stage || at.keyword === 'FROM' || variable.declaredAt))
      scope.set(name, variable);
  }
  return scope;
}

/** The variable `name` as instruction `at` sees it; undefined when not in scope. */
export function variableAt(model: DockerfileModel, at: Instruction, name: string): Variable | undefined {
  return scopeAt(model, at).get(name);
}

export interface ExpandOptions {
  /**
   * `word` (default): as Docker expands the arguments of FROM, COPY, ENV, WORKDIR… — quotes removed,
   * escapes applied. `shell`: as the shell of a RUN would see the environment — only variables are
   * substituted; quotes, escapes and everything else stay as written (single-quoted text is not expanded).
   */
  mode?: 'word' | 'shell';
}

/** Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}` in text with the variables in scope at `at`. */
export function expand(model: DockerfileModel, text: string, at: Instruction, options: ExpandOptions = {}): Expansion {
  const scope = scopeAt(model, at);
  return expandWith(text, (name) => scope.get(name), model.escapeChar, options.mode ?? 'word');
}

/** Expansion with a given scope, for callers that hold variables of their own (and tests). */
export function expandWith(
  text: string,
  lookup: (name: string) => Variable | undefined,
  escapeChar: string,
  mode: 'word' | 'shell',
): Expansion {
  const unresolved: string[] = [];
  const assumed: string[] = [];
  const note = (list: string[], names: readonly string[]) => {
    for (const name of names) if (!list.includes(name)) list.push(name);
  };
  // The shell's escape is always a backslash, whatever `# escape=` says.
  const escape = mode === 'shell' ? '\\' : escapeChar;

  /** Expands from `index` until `stop` (a `}` closing a modifier word) at nesting depth 0. */
  const run = (start: number, stop: string | undefined): { value: string; end: number } => {
    let out = '';
    let index = start;
    let quote: '"' | "'" | undefined;
    while (index < text.length) {
      const char = text[index] ?? '';
      if (stop !== undefined && quote === undefined && char === stop) return { value: out, end: index };
      if (quote === "'") {
        if (char === "'") {
          quote = undefined;
          if (mode === 'shell') out += char;
        } else out += char;
        index++;
        continue;
      }
      if (char === escape && index + 1 < text.length) {
        const next = text[index + 1] ?? '';
        if (mode === 'shell') out += char + next;
        else if (quote === '"' && next !== '"' && next !== '$' && next !== escape) out += char + next;
        else out += next;
        index += 2;
        continue;
      }
      if (char === "'" && quote === undefined) {
        quote = "'";
        if (mode === 'shell') out += char;
        index++;
        continue;
      }
      if (char === '"') {
        quote = quote === '"' ? undefined : '"';
        if (mode === 'shell') out += char;
        index++;
        continue;
      }
      if (char === '$') {
        const substituted = variable(index);
        out += substituted.value;
        index = substituted.end;
        continue;
      }
      out += char;
      index++;
    }
    return { value: out, end: index };
  };

  const valueOf = (name: string): Variable | undefined => {
    const found = lookup(name);
    if (found) note(assumed, found.assumed);
    return found;
  };

  /** Substitutes the reference starting at `text[start] === '$'`; returns the text and where it ends. */
  const variable = (start: number): { value: string; end: number } => {
    const next = text[start + 1] ?? '';
    if (/[A-Za-z_]/.test(next)) {
      let end = start + 2;
      while (end < text.length && /\w/.test(text[end] ?? '')) end++;
      const name = text.slice(start + 1, end);
      const found = valueOf(name);
      if (found?.value === undefined) {
        note(unresolved, [name]);
        return { value: text.slice(start, end), end };
      }
      note(unresolved, found.unresolved);
      return { value: found.value, end };
    }
    if (next !== '{') return { value: '$', end: start + 1 };
    let nameEnd = start + 2;
    while (nameEnd < text.length && /\w/.test(text[nameEnd] ?? '')) nameEnd++;
    const name = text.slice(start + 2, nameEnd);
    const closing = matchingBrace(text, start + 1);
    if (name === '' || closing < 0) {
      // `${` without a name or a closing brace: BuildKit fails the build; keep the text.
      const end = closing < 0 ? text.length : closing + 1;
      return { value: text.slice(start, end), end };
    }
    const found = valueOf(name);
    const isSet = found !== undefined && found.value !== undefined;
    const isNonEmpty = isSet && found.value !== '';
    const written = text.slice(start, closing + 1);
    const operator = /^(:?[-+?])/.exec(text.slice(nameEnd, closing))?.[1];
    if (nameEnd === closing || operator?.endsWith('?')) {
      if (!isSet) {
        note(unresolved, [name]);
        return { value: written, end: closing + 1 };
      }
      note(unresolved, found.unresolved);
      return { value: found.value ?? '', end: closing + 1 };
    }
    if (!operator) {
      // `${X#pattern}`, `${X/a/b}` and other operators: not modelled.
      note(unresolved, [name]);
      return { value: written, end: closing + 1 };
    }
    // The word is expanded only when used, so names in an unused word are neither unresolved nor assumed.
    const word = () => run(nameEnd + operator.length, '}').value;
    if (operator === ':-' || operator === '-') {
      if (operator === ':-' ? isNonEmpty : isSet) {
        note(unresolved, found?.unresolved ?? []);
        return { value: found?.value ?? '', end: closing + 1 };
      }
      return { value: word(), end: closing + 1 };
    }
    const useWord = operator === ':+' ? isNonEmpty : isSet;
    return { value: useWord ? word() : '', end: closing + 1 };
  };

  const { value } = run(0, undefined);
  return { value, unresolved, assumed };
}

/** Index of the `}` closing the `{` at `open`, skipping nested `${…}`; -1 when unclosed. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return -1;
}
