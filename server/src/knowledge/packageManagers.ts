import data from '../data/package-managers.json';
import { memoOn } from '../model/memo';
import type { EffectiveCommand } from '../model/commands';
import type { DocumentWord, Instruction } from '../model/model';
import { layersOf } from '../model/model';

interface PathRule {
  /** Exact prefix of the command's operands. */
  operands?: string[];
  /** Alternatives for the first operand. */
  verbs?: string[];
  /** Matches only a command without operands (`yarn`). */
  bare?: boolean;
  /** Options that turn the rule off (`--no-cache`). */
  unless?: string[];
  /** Options the rule needs (`go clean -modcache`). */
  with?: string[];
  paths: string[];
}

interface CacheRule extends PathRule {
  what: string;
  /** Option that keeps the cache out, inserted after the verb. */
  flag?: string;
  /** Cleanup command to run after the command, `{{program}}` = the program as written. */
  append?: string;
  /** Environment variables that turn the cache off. */
  env?: string[];
}

interface ManagerEntry {
  manager: string;
  programs: string[];
  install: string[];
  uninstall: string[];
  optionsWithValue?: string[];
  creates: PathRule[];
  removes: PathRule[];
  caches?: CacheRule[];
}

const managers = data.managers as ManagerEntry[];
const managerByProgram = new Map<string, ManagerEntry>();
for (const manager of managers) for (const program of manager.programs) managerByProgram.set(program, manager);
const optionsWithValue = new Map(managers.map((manager) => [manager, new Set(manager.optionsWithValue ?? [])]));

/** A command as its package manager sees it: `python3 -m pip install x` is `pip install x`. */
interface ManagerCommand {
  manager: ManagerEntry;
  command: EffectiveCommand;
  /** Non-option words, option values skipped. */
  operands: DocumentWord[];
}

const versionedPip = /^pip\d+(\.\d+)*$/;
const python = /^python\d*(\.\d+)*$/;

/**
 * True when the program may be a package manager or build tool this module knows (`python` may run `-m pip`):
 * a cheap test that lets rules skip the other commands of a RUN.
 */
export function mayBePackageManager(program: string): boolean {
  return managerByProgram.has(program) || program.startsWith('pip') || program.startsWith('python');
}

/** Per RUN command and program: every rule asks about the same commands several times per analysis. */
const resolvedKey = Symbol('managerCommand');

/** The package manager a command runs, seen through `python -m pip` and versioned names like `pip3.12`. */
function managerCommand(command: EffectiveCommand): ManagerCommand | undefined {
  return memoOn(command, resolvedKey, () => resolveManagerCommand(command));
}

function resolveManagerCommand(command: EffectiveCommand): ManagerCommand | undefined {
  let effective = command;
  if (
    python.test(command.program) &&
    command.args[0]?.value === '-m' &&
    /^pip\d*$/.test(command.args[1]?.value ?? '')
  ) {
    effective = { program: 'pip', nameWord: command.args[1], args: command.args.slice(2), command: command.command };
  }
  const program = versionedPip.test(effective.program) ? 'pip' : effective.program;
  const manager = managerByProgram.get(program);
  if (!manager) return undefined;
  return { manager, command: effective, operands: managerOperands(effective.args, optionsWithValue.get(manager)!) };
}

function managerOperands(args: readonly DocumentWord[], withValue: ReadonlySet<string>): DocumentWord[] {
  const result: DocumentWord[] = [];
  for (let index = 0; index < args.length; index++) {
    const word = args[index].value;
    if (word.startsWith('-')) {
      if (withValue.has(word)) index++;
      continue;
    }
    result.push(args[index]);
  }
  return result;
}

/** True when an option is given: `--name`, `--name=value`, or a short `-x` inside a bundle like `-afy`. */
export function hasFlag(args: readonly DocumentWord[], ...names: string[]): boolean {
  return args.some(({ value }) =>
    names.some(
      (name) =>
        value === name ||
        value.startsWith(`${name}=`) ||
        (/^-[a-zA-Z]$/.test(name) && /^-[a-zA-Z]{2,}$/.test(value) && value.includes(name[1])),
    ),
  );
}

function ruleMatches(rule: PathRule, command: ManagerCommand): boolean {
  const words = command.operands.map((word) => word.value);
  if (rule.bare && words.length > 0) return false;
  if (rule.operands && !rule.operands.every((operand, index) => words[index] === operand)) return false;
  if (rule.verbs && !rule.verbs.includes(words[0])) return false;
  if (rule.unless && hasFlag(command.command.args, ...rule.unless)) return false;
  if (rule.with && !hasFlag(command.command.args, ...rule.with)) return false;
  return true;
}

/** Paths a package-manager or build-tool command leaves behind (caches, package lists). */
export function pathsCreatedBy(command: EffectiveCommand): string[] {
  return memoOn(command, createdKey, () => {
    const resolved = managerCommand(command);
    return resolved
      ? resolved.manager.creates.filter((rule) => ruleMatches(rule, resolved)).flatMap((rule) => rule.paths)
      : [];
  });
}

/** Paths a package-manager cleanup command (`apt-get clean`, `npm cache clean`) deletes. */
export function pathsRemovedBy(command: EffectiveCommand): string[] {
  return memoOn(command, removedPathsKey, () => {
    const resolved = managerCommand(command);
    return resolved
      ? resolved.manager.removes.filter((rule) => ruleMatches(rule, resolved)).flatMap((rule) => rule.paths)
      : [];
  });
}

// Rules and the size estimator ask both questions of the same commands: answered once per parsed command.
const createdKey = Symbol('pathsCreated');
const removedPathsKey = Symbol('pathsRemoved');

/** A download cache a command leaves in its layer, and how to avoid it. */
export interface CacheLeft {
  manager: string;
  /** Where the cache lives; a `~` is the user's home. Any one of them removed counts as cleaned. */
  paths: string[];
  /** Human name of the cache, e.g. `the apt package lists (/var/lib/apt/lists)`. */
  what: string;
  /** The word after which `flag` goes (`install` of `pip install`). */
  verb: DocumentWord;
  /** Option that keeps the cache out of the layer. */
  flag?: string;
  /** Cleanup command to run after the command in the same RUN. */
  append?: string;
  /** Environment variables that turn the cache off. */
  env: string[];
  /** The command seen through `python -m pip`. */
  command: EffectiveCommand;
}

/** The download caches a command leaves (`apt-get update` → the package lists), whether or not a cleanup follows. */
export function cachesLeftBy(command: EffectiveCommand): CacheLeft[] {
  const resolved = managerCommand(command);
  if (!resolved?.manager.caches) return [];
  return resolved.manager.caches
    .filter((rule) => ruleMatches(rule, resolved))
    .map((rule) => ({
      manager: resolved.manager.manager,
      paths: rule.paths,
      what: rule.what,
      // The last word of the subcommand: `install` of `pip install`, `update` of `conda env update`.
      verb: resolved.operands[Math.max(0, (rule.operands?.length ?? 1) - 1)] ?? resolved.command.nameWord,
      flag: rule.flag,
      append: rule.append?.replace('{{program}}', resolved.command.nameWord.value),
      env: rule.env ?? [],
      command: resolved.command,
    }));
}

export interface PackageChange {
  manager: string;
  packages: string[];
}

/** Packages a command installs, e.g. `apt-get install -y curl git` → apt: curl, git. */
export function packagesInstalledBy(command: EffectiveCommand): PackageChange | undefined {
  return memoised(installedCache, command, () => packageChange(command, (manager) => manager.install));
}

// Several rules ask the same questions of the same command: answer each once per parsed command
// (on the command itself: model/memo.ts says why not in WeakMaps).
const installedCache = Symbol('installed');
const removedCache = Symbol('removed');

function memoised<T>(cache: symbol, command: EffectiveCommand, compute: () => T): T {
  return memoOn(command, cache, compute);
}

/** Packages a command removes, e.g. `apk del .build-deps`. */
export function packagesRemovedBy(command: EffectiveCommand): PackageChange | undefined {
  return memoised(removedCache, command, () => packageChange(command, (manager) => manager.uninstall));
}

function packageChange(
  command: EffectiveCommand,
  verbs: (manager: ManagerEntry) => string[],
): PackageChange | undefined {
  const resolved = managerCommand(command);
  if (!resolved) return undefined;
  const [verb, ...named] = resolved.operands;
  if (!verb || !verbs(resolved.manager).includes(verb.value)) return undefined;
  const packages = named.map((word) => packageBaseName(word.value));
  // apk add --virtual NAME installs a named group that `apk del NAME` removes.
  const args = resolved.command.args;
  const virtualIndex = args.findIndex((arg) => arg.value === '--virtual' || arg.value === '-t');
  if (resolved.manager.manager === 'apk' && virtualIndex >= 0 && args[virtualIndex + 1])
    packages.push(args[virtualIndex + 1].value);
  return { manager: resolved.manager.manager, packages };
}

/** `curl=7.88.1-10` → `curl`, `requests==2.31` → `requests`, `gcc~=12` → `gcc`. */
export function packageBaseName(spec: string): string {
  const match = /^[^=<>~!@\s[]+/.exec(spec);
  return (match ? match[0] : spec).toLowerCase();
}

/** The verb word of an install command (`install` of `apt-get -y install curl`), options and their values skipped. */
export function installVerbOf(command: EffectiveCommand): DocumentWord | undefined {
  const resolved = managerCommand(command);
  const verb = resolved?.operands[0];
  return verb && resolved.manager.install.includes(verb.value) ? verb : undefined;
}

/** `--no-install-recommends`, or `-o APT::Install-Recommends=false` in any of its spellings (`-oAPT::…`, `--option=…`). */
function aptCommandKeepsRecommendsOut(command: EffectiveCommand): boolean {
  if (hasFlag(command.args, '--no-install-recommends')) return true;
  return command.args.some((arg, index) => {
    const previous = command.args[index - 1]?.value;
    const setting = previous === '-o' || previous === '--option' ? arg.value : arg.value.replace(/^(--option=|-o)/, '');
    return /^APT::Install-Recommends=("?)(0|false|no|off)\1$/i.test(setting);
  });
}

/** `echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/…` and its spellings, in shell text. */
function turnsRecommendsOffInConfig(script: string): boolean {
  if (!script.includes('Install-Recommends')) return false;
  return /Install-Recommends\s*(?:=\s*)?\\?["']?\s*(0|false|no|off)\b/i.test(script);
}

/** A COPY/ADD into apt's configuration: its content is not known here, so it is taken to turn recommends off. */
function copiesAptConfig(instruction: Instruction): boolean {
  const destination = instruction.copy?.destination ?? '';
  return /^\/etc\/apt\/apt\.conf(\.d\/?|$)/.test(destination) || destination.startsWith('/etc/apt/apt.conf.d/');
}

const recommendsOffFromKey = Symbol('recommendsOffFrom');

/** The first layer after which apt's configuration keeps recommends out, by instruction index; Infinity when none. */
function recommendsConfiguredOffAfter(layers: readonly Instruction[]): number {
  return memoOn(layers, recommendsOffFromKey, () => {
    for (const layer of layers) {
      if (copiesAptConfig(layer) || (layer.run?.posixShell && turnsRecommendsOffInConfig(layer.run.script)))
        return layer.index;
    }
    return Number.POSITIVE_INFINITY;
  });
}

/**
 * Whether an apt install (`command`, in the RUN `instruction` of a document whose text is `text`) leaves
 * recommended packages out: the command's own option, an apt configuration written earlier in the same
 * RUN, or one written or copied by an earlier layer of its stage (inherited stages included). The
 * apt-install-recommends rule and the size estimator both ask this, so they agree.
 */
export function aptRecommendsOff(text: string, instruction: Instruction, command: EffectiveCommand): boolean {
  if (aptCommandKeepsRecommendsOut(command)) return true;
  const layers = instruction.stage ? layersOf(instruction.stage) : [];
  if (recommendsConfiguredOffAfter(layers) < instruction.index) return true;
  return (
    instruction.run?.posixShell === true &&
    turnsRecommendsOffInConfig(instruction.run.script) &&
    turnsRecommendsOffInConfig(text.slice(instruction.start, command.nameWord.start))
  );
}
