// `COPY --from=<stage> <paths>`: what the named stage put at those paths, found by walking its
// instructions back to the one that produced each path: a COPY's destination or a package install's
// layer (its size, at most), a `go build -o` output (a typical Go binary), or the whole stage.
import outputs from '../data/build-outputs.json';
import { packagesInstalledBy, packagesRemovedBy, pathsCreatedBy, pathsRemovedBy } from '../knowledge/packageManagers';
import { effectiveCommandsOf, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { Instruction, Stage } from '../model/model';
import { inheritanceChain } from '../model/model';
import { resolvePath } from '../model/paths';
import type { LayerEstimate, StageEstimate } from './estimate';

export interface CopyFromFigures {
  diskBytes: number | null;
  compressedBytes: number | null;
  confidence: 'estimate' | 'unknown';
  notes: string[];
  /** Some sources are not estimated: the figure is a lower bound. */
  partial: boolean;
}

/** Sizes the sources of a `COPY --from=<stage>`; `estimates` holds the stages estimated so far. */
export function estimateCopyFromStage(
  sources: readonly string[],
  stage: Stage,
  estimates: readonly StageEstimate[],
): CopyFromFigures {
  const title = `stage ${stage.name ?? stage.index}`;
  const whole = estimates[stage.index];
  const notes: string[] = [];
  let disk = 0;
  let compressed = 0;
  const unknown: string[] = [];
  for (const source of sources) {
    const path = resolvePath('/', source.replace(/\/\*$/, ''));
    if (path === '/') {
      if (!whole || whole.diskBytes === null) {
        unknown.push(source);
        continue;
      }
      disk += whole.diskBytes;
      compressed += whole.compressedBytes ?? 0;
      notes.push(`${source}: the whole of ${title}`);
      continue;
    }
    const found = producerOf(path, stage, estimates);
    if (!found) {
      unknown.push(source);
      continue;
    }
    disk += found.diskBytes;
    compressed += found.compressedBytes;
    notes.push(`${source}: ${found.note}`);
  }
  if (unknown.length === sources.length) {
    return {
      diskBytes: null,
      compressedBytes: null,
      confidence: 'unknown',
      partial: true,
      notes: [
        `what ${title} produced at ${unknown.join(', ')} is not estimated (only COPY destinations, go build outputs and folders a package install fills are)`,
      ],
    };
  }
  if (unknown.length > 0) notes.push(`lower bound: ${unknown.join(', ')} not estimated`);
  return {
    diskBytes: Math.round(disk),
    compressedBytes: Math.round(compressed),
    confidence: 'estimate',
    notes,
    partial: unknown.length > 0,
  };
}

interface Producer {
  diskBytes: number;
  compressedBytes: number;
  note: string;
}

/** The last instruction of the stage (or a stage it is built on) that wrote at or below `path`. */
function producerOf(path: string, stage: Stage, estimates: readonly StageEstimate[]): Producer | undefined {
  // A virtual environment grows over several RUNs (created, then installed into): their layers add up.
  const environment: Producer[] = [];
  for (const { instruction, workdir, layer } of stepsOf(stage, estimates)) {
    const venv =
      instruction.keyword === 'RUN' && pythonEnvironment.test(path)
        ? venvLayer(path, instruction, workdir, layer)
        : undefined;
    if (venv) {
      environment.push(venv);
      return sum(environment);
    }
    const found =
      instruction.keyword === 'RUN'
        ? fromRun(path, instruction, workdir, layer)
        : fromCopy(path, instruction, workdir, layer);
    if (found && pythonEnvironment.test(path) && found.note.includes('pip')) {
      environment.push(found);
      continue;
    }
    // After an install into it, only the RUN that made the environment is looked for.
    if (environment.length > 0) continue;
    if (found) return found;
    // A build step that writes where it runs (`npm run build` → dist/) made or changed the path after
    // any older producer: the older layer's size would say nothing about it.
    if (instruction.keyword === 'RUN' && mayWriteAt(path, instruction, workdir)) return undefined;
  }
  return environment.length > 0 ? sum(environment) : undefined;
}

function sum(producers: readonly Producer[]): Producer {
  if (producers.length === 1) return producers[0];
  return {
    diskBytes: producers.reduce((total, producer) => total + producer.diskBytes, 0),
    compressedBytes: producers.reduce((total, producer) => total + producer.compressedBytes, 0),
    note: producers
      .map((producer) => producer.note)
      .reverse()
      .join(' + '),
  };
}

/** The layer of a RUN that creates the virtual environment `path` is in (`python -m venv /opt/venv`). */
function venvLayer(
  path: string,
  instruction: Instruction,
  workdir: string,
  layer: LayerEstimate | undefined,
): Producer | undefined {
  if (!layer || layer.diskBytes === null) return undefined;
  for (const command of instruction.run ? effectiveCommandsOf(instruction.run) : []) {
    const args = command.args.map((arg) => arg.value);
    const target =
      command.program === 'virtualenv'
        ? args.find((arg) => !arg.startsWith('-'))
        : /^python[\d.]*$/.test(command.program) && args[0] === '-m' && args[1] === 'venv'
          ? args.slice(2).find((arg) => !arg.startsWith('-'))
          : undefined;
    if (target && within(path, resolvePath(workdir, target)))
      return {
        diskBytes: layer.diskBytes,
        compressedBytes: layer.compressedBytes ?? 0,
        note: `the virtual environment made on line ${layer.line}`,
      };
  }
  return undefined;
}

/** Commands that leave no files of their own in the working directory. */
const writesNothingThere = new Set([
  'echo',
  'printf',
  'mkdir',
  'ln',
  'chmod',
  'chown',
  'chgrp',
  'true',
  'false',
  'set',
  'export',
  'cd',
  'test',
  '[',
  'useradd',
  'groupadd',
  'adduser',
  'addgroup',
  'usermod',
  'id',
  'sleep',
  'ls',
  'cat',
  'which',
  'env',
  'rm',
  'rmdir',
  'apt-mark',
  'ldconfig',
]);

/** Whether a RUN in `workdir` may have written at `path`: unrecognised commands running in or above it. */
function mayWriteAt(path: string, instruction: Instruction, workdir: string): boolean {
  if (!within(path, workdir) && !within(workdir, path)) return false;
  const commands = instruction.run ? effectiveCommandsOf(instruction.run) : [];
  return commands.some(
    (command) => !writesNothingThere.has(command.program) && !writesElsewhere(command, workdir, path),
  );
}

/**
 * Package-manager installs, removals, updates and cleanups write to system folders and caches (and
 * node_modules, which fromRun sizes); `go build -o` writes its output, sized by fromRun when it is the path.
 */
function writesElsewhere(command: EffectiveCommand, workdir: string, path: string): boolean {
  if (
    packagesInstalledBy(command) ||
    packagesRemovedBy(command) ||
    pathsCreatedBy(command).length > 0 ||
    pathsRemovedBy(command).length > 0
  )
    return true;
  const output = goBuildOutput(command, workdir);
  return output !== undefined && !within(output, path) && !within(path, output);
}

interface Step {
  instruction: Instruction;
  workdir: string;
  layer: LayerEstimate | undefined;
}

// Per estimate run (the `estimates` array) and source stage: several COPY --from often read one stage.
const stepCache = new WeakMap<readonly StageEstimate[], Map<Stage, Step[]>>();

/** The instructions of a stage and the stages it is built on, newest first, with their WORKDIR and layer. */
function stepsOf(stage: Stage, estimates: readonly StageEstimate[]): Step[] {
  let byStage = stepCache.get(estimates);
  if (!byStage) {
    byStage = new Map();
    stepCache.set(estimates, byStage);
  }
  let steps = byStage.get(stage);
  if (!steps) {
    steps = [];
    for (const current of inheritanceChain(stage).reverse()) {
      const layers = new Map((estimates[current.index]?.layers ?? []).map((layer) => [layer.line, layer]));
      let workdir = '/';
      for (const instruction of current.instructions) {
        if (instruction.keyword === 'WORKDIR' && instruction.args[0])
          workdir = resolvePath(workdir, instruction.args[0].value);
        steps.push({ instruction, workdir, layer: layers.get(instruction.range.start.line + 1) });
      }
    }
    steps.reverse();
    byStage.set(stage, steps);
  }
  return steps;
}

/** site-packages, a virtual environment, or the Python prefix's library folder. */
const pythonEnvironment = /\/(site-packages|dist-packages|\.?venv)(\/|$)|^\/usr\/local\/lib\/python3[^/]*(\/|$)/;
/** Folders apt or apk fill with many packages' files. */
const systemFolders = new Set([
  '/usr',
  '/usr/lib',
  '/usr/lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/share',
  '/usr/bin',
  '/usr/sbin',
  '/usr/include',
  '/lib',
  '/lib64',
  '/bin',
  '/sbin',
  '/etc',
  '/var/lib',
  '/opt',
]);

function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder === '/' ? '' : folder}/`);
}

function fromCopy(
  path: string,
  instruction: Instruction,
  workdir: string,
  layer: LayerEstimate | undefined,
): Producer | undefined {
  const destination = instruction.copy?.destination;
  if (destination === undefined || !layer || layer.diskBytes === null) return undefined;
  const target = resolvePath(workdir, destination);
  // The copied path holds the COPY's files (or is one of them): the layer's size, at most.
  if (!within(path, target) && !within(target, path)) return undefined;
  return {
    diskBytes: layer.diskBytes,
    compressedBytes: layer.compressedBytes ?? 0,
    note: `${within(target, path) ? '' : 'at most '}the layer of line ${layer.line} (${layer.keyword} to ${target})`,
  };
}

function fromRun(
  path: string,
  instruction: Instruction,
  workdir: string,
  layer: LayerEstimate | undefined,
): Producer | undefined {
  const commands = instruction.run ? effectiveCommandsOf(instruction.run) : [];
  for (const command of commands) {
    const output = goBuildOutput(command, workdir);
    if (output && (within(output, path) || within(path, output))) {
      const binary = outputs.goBinary;
      return {
        diskBytes: binary.diskBytes,
        compressedBytes: binary.diskBytes * binary.gzipPerDiskByte,
        note: `the Go binary built on line ${instruction.range.start.line + 1}: a typical size (${binary.diskBytes / 1e6} MB, rule of thumb from measured Go programs)`,
      };
    }
  }
  // A package install's layer stands for a copied folder it fills: node_modules below the working
  // directory, a Python environment, or a whole system folder. A single file in such a folder (one
  // binary of /usr/bin) would be a fraction of the layer: it stays unknown rather than over-counted.
  const installs = commands.map(packagesInstalledBy).filter((change) => change !== undefined);
  if (!layer || layer.diskBytes === null || installs.length === 0) return undefined;
  const managers = new Set(installs.map((change) => change.manager));
  const nodeModules = resolvePath(workdir, 'node_modules');
  const writes =
    ((managers.has('npm') || managers.has('yarn')) && within(path, nodeModules)) ||
    (managers.has('pip') && pythonEnvironment.test(path)) ||
    ((managers.has('apt') || managers.has('apk')) && systemFolders.has(path));
  if (!writes) return undefined;
  return {
    diskBytes: layer.diskBytes,
    compressedBytes: layer.compressedBytes ?? 0,
    note: `at most the ${[...managers].join('/')} install layer of line ${layer.line}`,
  };
}

/** Where `go build` writes: `-o path`, else the working directory (the binary is named after the package). */
function goBuildOutput(command: EffectiveCommand, workdir: string): string | undefined {
  if (command.program !== 'go' || operands(command.args)[0]?.value !== 'build') return undefined;
  const index = command.args.findIndex((arg) => arg.value === '-o' || arg.value.startsWith('-o='));
  if (index < 0) return workdir;
  const value =
    command.args[index].value === '-o' ? command.args[index + 1]?.value : command.args[index].value.slice(3);
  return value ? resolvePath(workdir, value) : workdir;
}
