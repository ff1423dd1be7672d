import type { EffectiveCommand } from '../model/commands';
import { effectiveCommand, effectiveCommandsOf, programName } from '../model/commands';
import type { DockerfileModel, Instruction, Stage } from '../model/model';
import { inheritanceChain } from '../model/model';
import type { Fix } from '../rules/types';
import { absolute, execForm, workdirs } from './convert/common';

/** A file or folder a build stage makes at a path the Dockerfile states (`go build -o /out/app`). */
export interface Artifact {
  stage: Stage;
  instruction: Instruction;
  /** Absolute; a trailing `/` for a folder. */
  path: string;
  /** The command that makes it, as a key to recognise the same build elsewhere (`go build`). */
  build: string;
}

/** Commands that leave a layer unchanged or only adjust what is there: fine after a COPY --from. */
const harmless = new Set([
  'chmod',
  'chown',
  'useradd',
  'adduser',
  'addgroup',
  'groupadd',
  'mkdir',
  'ln',
  'echo',
  'true',
  'id',
  'ls',
]);
/** Extensions of files an interpreter runs: a CMD naming one runs sources from the context. */
const sourceFile = /\.(py|js|mjs|cjs|ts|rb|php|pl|sh|jar|war|dll|lua|R)$/;

/**
 * The artifacts of a stage whose output path is written out: `go build -o`, `dotnet publish -o`,
 * `cc/gcc/g++/clang -o`, `python -m venv DIR`, `virtualenv DIR`, `pip wheel -w DIR`, `tsc --outDir DIR`.
 * Relative paths resolve against the WORKDIR; after a `cd` in the same RUN they are not trusted.
 */
export function stageArtifacts(stage: Stage): Artifact[] {
  const dirs = workdirs(stage, '/');
  const artifacts: Artifact[] = [];
  for (const instruction of stage.instructions) {
    if (!instruction.run) continue;
    let changedDir = false;
    for (const raw of instruction.run.commands) {
      const command = effectiveCommand(raw);
      if (command.program === 'cd' || command.program === 'pushd') changedDir = true;
      const found = artifactOf(command);
      if (!found || found.path.includes('$') || (!found.path.startsWith('/') && changedDir)) continue;
      const path = absolute(
        found.dir && !found.path.endsWith('/') ? `${found.path}/` : found.path,
        dirs.get(instruction) ?? '/',
      );
      artifacts.push({ stage, instruction, path, build: found.build });
    }
  }
  return artifacts;
}

function artifactOf(command: EffectiveCommand): { path: string; dir: boolean; build: string } | undefined {
  const args = command.args.map((arg) => arg.value);
  const program = command.program;
  if (program === 'go' && args[0] === 'build') return option(args, ['-o', '--o'], false, 'go build');
  if (program === 'dotnet' && args[0] === 'publish') return option(args, ['-o', '--output'], true, 'dotnet publish');
  if (['cc', 'gcc', 'g++', 'clang', 'clang++'].includes(program)) return option(args, ['-o'], false, `${program} -o`);
  if (program === 'tsc') return option(args, ['--outDir'], true, 'tsc');
  if (program === 'virtualenv')
    return args.filter((arg) => !arg.startsWith('-')).map((path) => ({ path, dir: true, build: 'virtualenv' }))[0];
  if (/^python[\d.]*$/.test(program) && args[0] === '-m' && args[1] === 'venv') {
    const path = args.slice(2).filter((arg) => !arg.startsWith('-'))[0];
    return path ? { path, dir: true, build: 'venv' } : undefined;
  }
  if (/^pip[\d.]*$/.test(program) && args[0] === 'wheel') return option(args, ['-w', '--wheel-dir'], true, 'pip wheel');
  return undefined;
}

function option(
  args: string[],
  names: string[],
  dir: boolean,
  build: string,
): { path: string; dir: boolean; build: string } | undefined {
  for (let index = 0; index < args.length; index++) {
    for (const name of names) {
      if (args[index] === name && args[index + 1] !== undefined) return { path: args[index + 1], dir, build };
      if (args[index].startsWith(`${name}=`)) return { path: args[index].slice(name.length + 1), dir, build };
    }
  }
  return undefined;
}

/**
 * For a context-wide COPY in the shipped stage of a multi-stage file: when what the stage runs is an
 * artifact a build stage made (its CMD/ENTRYPOINT names it) and nothing after the COPY needs the
 * sources (or only rebuilds that same artifact), replace the COPY with `COPY --from` of the artifact
 * and drop the rebuild. Undefined when it cannot tell.
 */
export function copyFromFix(model: DockerfileModel, copy: Instruction): Fix | undefined {
  const shipped = copy.stage;
  if (
    !shipped ||
    !shipped.shipped ||
    copy.run ||
    copy.flags.some((flag) => !['chown', 'chmod', 'link'].includes(flag.name))
  )
    return undefined;
  const chain = new Set(inheritanceChain(shipped));
  const artifacts = model.stages
    .filter((stage) => stage.index < shipped.index && !chain.has(stage))
    .flatMap(stageArtifacts);
  if (artifacts.length === 0) return undefined;

  const rebuilds: Instruction[] = [];
  for (const instruction of shipped.instructions) {
    if (instruction.index <= copy.index || !instruction.run) continue;
    if (instruction.run.form === 'exec' || instruction.run.parseError) return undefined;
    const commands = effectiveCommandsOf(instruction.run);
    const rebuilt = stageArtifacts({ ...shipped, instructions: [instruction] });
    if (
      rebuilt.length > 0 &&
      rebuilt.every((made) =>
        artifacts.some((artifact) => artifact.path === made.path && artifact.build === made.build),
      )
    ) {
      // Only a RUN that does nothing but rebuild (and fetch modules for it) is dropped.
      if (!commands.every((command) => artifactOf(command) || isFetchFor(command))) return undefined;
      rebuilds.push(instruction);
      continue;
    }
    if (!commands.every((command) => harmless.has(command.program))) return undefined;
  }

  const used = artifactsRun(model, shipped, artifacts);
  if (!used) return undefined;
  const flags = copy.flags.map((flag) => ` --${flag.name}${flag.value === null ? '' : `=${flag.value}`}`).join('');
  const eol = model.lines.eol;
  const lines = used.map(
    (artifact) =>
      `COPY --from=${artifact.stage.name ?? artifact.stage.index}${flags} ${artifact.path} ${artifact.path}`,
  );
  const edits = [{ range: copy.range, newText: lines.join(eol) }];
  for (const rebuild of rebuilds) {
    const start = { line: rebuild.range.start.line, character: 0 };
    const end =
      rebuild.range.end.line + 1 < model.lines.lineCount
        ? { line: rebuild.range.end.line + 1, character: 0 }
        : rebuild.range.end;
    edits.push({ range: { start, end }, newText: '' });
  }
  const dropped =
    rebuilds.length > 0
      ? ` and drop the rebuild on line ${rebuilds.map((rebuild) => rebuild.range.start.line + 1).join(', ')}`
      : '';
  return { title: `Add ${lines.join('; ')} in place of the context copy${dropped}`, edits };
}

/** `go mod download`, `dotnet restore`, `pip install -r …`: fetching what the rebuild needs. */
function isFetchFor(command: EffectiveCommand): boolean {
  const [first, second] = command.args.map((arg) => arg.value);
  return (
    (command.program === 'go' && first === 'mod' && second === 'download') ||
    (command.program === 'dotnet' && first === 'restore')
  );
}

/** The artifacts the shipped stage's ENTRYPOINT/CMD run, or undefined when it also runs sources or cannot tell. */
function artifactsRun(model: DockerfileModel, shipped: Stage, artifacts: Artifact[]): Artifact[] | undefined {
  const dirs = workdirs(shipped, '/');
  const words: { value: string; dir: string }[] = [];
  for (const instruction of shipped.instructions) {
    if (instruction.keyword !== 'CMD' && instruction.keyword !== 'ENTRYPOINT') continue;
    const text = model.text.slice(model.lines.offsetAt(instruction.keywordRange.end), instruction.end).trim();
    const exec = execForm(text) ?? text.split(/\s+/);
    for (const value of exec) words.push({ value, dir: dirs.get(instruction) ?? '/' });
  }
  const used = new Set<Artifact>();
  for (const { value, dir } of words) {
    if (value === '' || value.startsWith('-') || value.includes('$')) continue;
    const looksLikePath = value.includes('/') || sourceFile.test(value);
    if (!looksLikePath) continue;
    const path = absolute(value, dir);
    const artifact = artifacts.find((candidate) =>
      candidate.path.endsWith('/') ? `${path}/`.startsWith(candidate.path) : path === candidate.path,
    );
    if (artifact) used.add(artifact);
    // A program of the base image (`/usr/bin/env`) is fine; a file under the workdir that no stage built is a source.
    else if (!value.startsWith('/') || !isSystemPath(path)) return undefined;
  }
  return used.size > 0 ? [...used] : undefined;
}

function isSystemPath(path: string): boolean {
  return /^\/(usr|bin|sbin|lib|etc|opt\/[^/]+\/bin)\//.test(path) || programName(path) === 'env';
}
