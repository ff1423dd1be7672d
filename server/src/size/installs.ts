import outputs from '../data/build-outputs.json';
// The non-apt package installs of a RUN: pip, npm/yarn/pnpm and apk, each turned into layer bytes with
// notes on how the number was obtained. Every figure here is an estimate; apk stays unknown (no Alpine
// index is available offline).
import { cachesLeftBy, hasFlag, packagesInstalledBy, pathsRemovedBy } from '../knowledge/packageManagers';
import { operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { Instruction } from '../model/model';
import { layersOf } from '../model/model';
import { literalPath, removalTouches, resolvePath } from '../model/paths';
import type { AptSuite } from './apt';
import type { ContextFiles } from './contextFiles';
import { estimateNodeInstall, lockfileNames, nodeRuleOfThumb } from './node';
import type { NodeManager } from './node';
import { estimatePipInstall, pipDataSource, pipName, requirementsOf } from './pip';
import type { SizeMethod } from './uncertainty';

export interface InstallContext {
  suite: AptSuite;
  /** pip distributions earlier layers of the stage installed; installs here are added. */
  pipInstalled: Set<string>;
  files: ContextFiles;
  instruction: Instruction;
}

export interface InstallFigures {
  /** Null when nothing is known; otherwise a lower bound when `unknownParts` is not empty. */
  diskBytes: number | null;
  compressedBytes: number | null;
  notes: string[];
  /** What could not be sized (named in a note too). */
  unknownParts: string[];
  /** How the figure was obtained, for its interval. */
  method: SizeMethod;
}

/**
 * The commands of a RUN after the one being sized. Shared by every command of the RUN: whether a
 * cache is removed later is found by one scan per cache, so a RUN of 80,000 commands costs linear time.
 */
export class CommandsAfter {
  constructor(
    private readonly commands: readonly EffectiveCommand[],
    readonly from: number,
    /** Per set of cache folders, the last command that removes one (-1: none); shared by every view of the RUN. */
    private readonly lastRemoval = new Map<string, number>(),
  ) {}

  /** The same RUN, after the command at `position`. */
  after(position: number): CommandsAfter {
    return new CommandsAfter(this.commands, position + 1, this.lastRemoval);
  }

  /** True when a later command removes one of the cache folders (absolute paths). */
  removesAny(paths: readonly string[]): boolean {
    const key = paths.join('\u0000');
    let last = this.lastRemoval.get(key);
    if (last === undefined) {
      last = -1;
      for (let index = this.commands.length - 1; index >= 0 && last < 0; index--)
        if (removes(this.commands[index], paths)) last = index;
      this.lastRemoval.set(key, last);
    }
    return last >= this.from;
  }
}

/** A pip, npm, yarn, pnpm or apk install, sized; undefined for any other command. */
export function estimateInstallCommand(
  command: EffectiveCommand,
  later: CommandsAfter,
  context: InstallContext,
): InstallFigures | undefined {
  const change = packagesInstalledBy(command);
  if (change?.manager === 'pip') return pipFigures(command, change.packages, later, context);
  if (change?.manager === 'apk') {
    return {
      diskBytes: null,
      compressedBytes: null,
      notes: ['apk: no Alpine package index is available offline, so Alpine package sizes are unknown'],
      unknownParts: ['apk add'],
      method: 'apt',
    };
  }
  const node = nodeInstall(command);
  if (node) return nodeFigures(command, node, later, context);
  if (createsVenv(command)) {
    const venv = outputs.pythonVenv;
    const withoutPip = command.args.some((arg) => arg.value === '--without-pip' || arg.value === '--no-pip');
    const diskBytes = withoutPip ? 30_000 : venv.diskBytes;
    return {
      diskBytes,
      compressedBytes: Math.round(diskBytes * venv.gzipPerDiskByte),
      notes: [
        `a Python virtual environment${withoutPip ? ' without pip' : ' with pip and setuptools'}: measured size of a fresh one (rule of thumb)`,
      ],
      unknownParts: [],
      method: 'venv',
    };
  }
  return undefined;
}

/** `python -m venv DIR`, `python3.12 -m venv DIR`, `virtualenv DIR`. */
function createsVenv(command: EffectiveCommand): boolean {
  if (command.program === 'virtualenv') return true;
  return /^python[\d.]*$/.test(command.program) && command.args[0]?.value === '-m' && command.args[1]?.value === 'venv';
}

function pipFigures(
  command: EffectiveCommand,
  packages: readonly string[],
  later: CommandsAfter,
  context: InstallContext,
): InstallFigures {
  const names: string[] = [];
  const unknownParts: string[] = [];
  const notes: string[] = [];
  for (const spec of packages) {
    const name = pipName(spec);
    if (name && !/[$*]/.test(spec)) names.push(name);
    else unknownParts.push(spec);
  }
  for (const file of requirementFiles(command)) {
    const found = context.files.find(file.slice(file.lastIndexOf('/') + 1));
    if (found?.text === undefined) {
      unknownParts.push(`-r ${file}`);
      continue;
    }
    const requirements = requirementsOf(found.text);
    names.push(...requirements.names);
    notes.push(
      `${requirements.names.length} requirements read from ${found.path}${requirements.skipped.length ? `; skipped: ${requirements.skipped.slice(0, 3).join(', ')}` : ''}`,
    );
    unknownParts.push(...requirements.skipped);
  }
  const cacheKept = cacheStays(command, later, context.instruction, ['PIP_NO_CACHE_DIR']);
  const estimate = estimatePipInstall(names, { suite: context.suite, installed: context.pipInstalled, cacheKept });
  for (const { name } of estimate.packages) context.pipInstalled.add(name);
  unknownParts.push(...estimate.unknown);
  const measured = estimate.packages.filter((entry) => entry.source === 'measured').length;
  const debian = estimate.packages.length - measured;
  const method: SizeMethod = debian > 0 ? 'pip-debian-stand-in' : 'pip-measured';
  const parts = [`pip: ${estimate.packages.length} distributions`];
  if (measured) parts.push(`${measured} sized from measured installs (${pipDataSource})`);
  if (debian)
    parts.push(
      `${debian} from Debian ${context.suite}'s python3-* packages as a stand-in (wheels bundling C libraries weigh more)`,
    );
  notes.unshift(parts.join('; '));
  if (cacheKept && estimate.cacheBytes > 0)
    notes.push("pip's cache (~/.cache/pip) stays in the layer: the downloaded wheels are counted");
  if (unknownParts.length > 0) notes.push(`not sized: ${unknownParts.join(', ')}`);
  if (estimate.packages.length === 0 && unknownParts.length === 0 && names.length > 0) {
    return {
      diskBytes: 0,
      compressedBytes: 0,
      notes: ['pip: everything requested was installed by an earlier layer'],
      unknownParts,
      method,
    };
  }
  if (estimate.packages.length === 0) return { diskBytes: null, compressedBytes: null, notes, unknownParts, method };
  return { diskBytes: estimate.diskBytes, compressedBytes: estimate.compressedBytes, notes, unknownParts, method };
}

/** `-r requirements.txt`, `--requirement=req.txt`. */
function requirementFiles(command: EffectiveCommand): string[] {
  const files: string[] = [];
  command.args.forEach((arg, index) => {
    const value = arg.value;
    if ((value === '-r' || value === '--requirement') && command.args[index + 1])
      files.push(command.args[index + 1].value);
    else if (value.startsWith('--requirement=')) files.push(value.slice('--requirement='.length));
    else if (/^-r[^-]/.test(value)) files.push(value.slice(2));
  });
  return files;
}

interface NodeInstallCommand {
  manager: NodeManager;
  named: string[];
  production: boolean;
}

/** npm install/ci, yarn (bare, install, add, global add), pnpm install/add. */
function nodeInstall(command: EffectiveCommand): NodeInstallCommand | undefined {
  if (command.program !== 'npm' && command.program !== 'yarn' && command.program !== 'pnpm') return undefined;
  const words = operands(command.args).map((word) => word.value);
  const text = command.args.map((arg) => arg.value).join(' ');
  const production = /(^| )(--production|--prod|-P|--omit[= ]dev|--only[= ]prod(uction)?)( |$)/.test(text);
  if (command.program === 'npm') {
    const change = packagesInstalledBy(command);
    if (change?.manager !== 'npm') return undefined;
    return { manager: 'npm', named: change.packages, production };
  }
  if (command.program === 'yarn') {
    if (words.length === 0 || words[0] === 'install') return { manager: 'yarn', named: [], production };
    if (words[0] === 'add') return { manager: 'yarn', named: words.slice(1), production };
    if (words[0] === 'global' && words[1] === 'add') return { manager: 'yarn', named: words.slice(2), production };
    return undefined;
  }
  if (command.program === 'pnpm') {
    if (words[0] === 'install' || words[0] === 'i') return { manager: 'pnpm', named: [], production };
    if (words[0] === 'add') return { manager: 'pnpm', named: words.slice(1), production };
    return undefined;
  }
  return undefined;
}

function nodeFigures(
  command: EffectiveCommand,
  install: NodeInstallCommand,
  later: CommandsAfter,
  context: InstallContext,
): InstallFigures {
  const production = install.production || /\bNODE_ENV[= ]"?production\b/.test(environmentBefore(context.instruction));
  const lockfile =
    install.named.length > 0
      ? undefined
      : lockfileNames[install.manager].map((name) => context.files.find(name)).find((file) => file !== undefined);
  const packageJson = install.named.length > 0 ? undefined : context.files.find('package.json');
  const cacheKept =
    install.manager === 'npm' || install.manager === 'yarn'
      ? cacheStays(command, later, context.instruction, [])
      : !hasMountCache(context.instruction);
  const estimate = estimateNodeInstall({
    manager: install.manager,
    named: install.named,
    production,
    lockfile: lockfile && {
      name: lockfile.path.slice(lockfile.path.lastIndexOf('/') + 1),
      bytes: lockfile.bytes,
      text: lockfile.text,
    },
    packageJson,
    cacheKept,
  });
  if (!estimate) {
    return {
      diskBytes: null,
      compressedBytes: null,
      notes: [
        `${install.manager}: no lockfile or package.json found among the copied files: node_modules is not sized`,
      ],
      unknownParts: [`${install.manager} install`],
      method: 'node-modules',
    };
  }
  const notes = [`${install.manager}: ${estimate.basis}; ${nodeRuleOfThumb}`];
  if (cacheKept) notes.push(`${install.manager}'s cache stays in the layer: the downloaded tarballs are counted`);
  return {
    diskBytes: estimate.diskBytes,
    compressedBytes: estimate.compressedBytes,
    notes,
    unknownParts: [],
    method: 'node-modules',
  };
}

/** The text of the ENV and ARG instructions before `instruction` in its stage and base stages. */
function environmentBefore(instruction: Instruction): string {
  if (!instruction.stage) return '';
  const stage = instruction.stage;
  return layersOf(stage)
    .filter(
      (other) =>
        (other.keyword === 'ENV' || other.keyword === 'ARG') &&
        (other.stage !== stage || other.index < instruction.index),
    )
    .map((other) => other.args.map((arg) => arg.value).join(' '))
    .join('\n');
}

function hasMountCache(instruction: Instruction): boolean {
  return instruction.flags.some((flag) => flag.name === 'mount' && /(^|,)type=cache(,|$)/.test(flag.value ?? ''));
}

/** True when the command's download cache ends up in the layer: not turned off, not on a cache mount, not removed later in the RUN. */
function cacheStays(
  command: EffectiveCommand,
  later: CommandsAfter,
  instruction: Instruction,
  offVariables: readonly string[],
): boolean {
  const caches = cachesLeftBy(command);
  if (caches.length === 0 || hasMountCache(instruction)) return false;
  if (hasFlag(command.args, '--no-cache-dir', '--no-cache')) return false;
  const environment = environmentBefore(instruction);
  if (offVariables.some((name) => new RegExp(`\\b${name}[= ]`).test(environment))) return false;
  const paths = caches.flatMap((cache) => cache.paths).map((path) => resolvePath('/', path));
  return !later.removesAny(paths);
}

function removes(next: EffectiveCommand, paths: readonly string[]): boolean {
  if (pathsRemovedBy(next).some((removed) => paths.includes(resolvePath('/', removed)))) return true;
  if (next.program !== 'rm') return false;
  return operands(next.args).some((word) => {
    const path = literalPath(word);
    return path !== undefined && paths.some((cache) => removalTouches(resolvePath('/', path), cache));
  });
}
