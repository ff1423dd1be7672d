// What the Java, Rust and .NET conversions share: one build command that leaves files behind, a start
// command that must run one of them, cache mounts for the package manager and runtime-package checks.
import { compileGoGlob, escapeRegExp } from '../../model/glob';
import type { Glob } from '../../model/glob';
import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import type { EffectiveCommand } from '../../model/commands';
import { effectiveCommand, operands } from '../../model/commands';
import { packagesInstalledBy } from '../../knowledge/packageManagers';
import { buildPackageKind } from '../../knowledge/buildPackages';
import { aptSuites, loadAptIndex } from '../../size/apt';
import type { ConvertContext } from './common';
import { absolute, argumentText, execForm, lineOf, refuse, sourceOf, userOf } from './common';
import { startWords } from './start';

export interface FoundCommand {
  instruction: Instruction;
  command: EffectiveCommand;
  /** A `cd` ran earlier in the same RUN: relative paths no longer follow WORKDIR. */
  afterCd: boolean;
}

/** Every command of the stage's RUNs the test accepts, in order. */
export function findCommands(stage: Stage, test: (command: EffectiveCommand) => boolean): FoundCommand[] {
  const found: FoundCommand[] = [];
  for (const instruction of stage.instructions) {
    let afterCd = false;
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      if (command.program === 'cd' || command.program === 'pushd') afterCd = true;
      if (test(command)) found.push({ instruction, command, afterCd });
    }
  }
  return found;
}

/** The value of an option (`-o out`, `-o=out`, `--output out`, `--output=out`, `--output:out`), or undefined. */
export function optionValue(command: EffectiveCommand, ...names: string[]): string | undefined {
  const args = command.args;
  for (let index = 0; index < args.length; index++) {
    const value = args[index].value;
    for (const name of names) {
      if (value === name) return args[index + 1]?.value;
      if (value.startsWith(`${name}=`) || (name.startsWith('--') && value.startsWith(`${name}:`)))
        return value.slice(name.length + 1);
    }
  }
  return undefined;
}

/** How the image starts: the program and its arguments behind ENTRYPOINT and CMD, `sh -c` and entry scripts. */
export interface StartCommand {
  words: string[];
  /** The start command needs a shell in the final image (shell form, `sh -c`, an entry script). */
  shell: boolean;
  instruction: Instruction;
  /** The working directory the command starts in. */
  workdir: string;
  /** An entry script copied from the context that the final stage needs too. */
  script?: { path: string; contextPath: string };
}

export function startCommand(
  model: DockerfileModel,
  stage: Stage,
  dirs: Map<Instruction, string>,
  context: ConvertContext = {},
  allowGlob = false,
): StartCommand {
  const start = startWords(model, stage, dirs, context);
  if (start.unsafe) refuse(start.unsafe.reason);
  const { words, shell } = start;
  const last = start.entrypoint ?? start.cmd;
  if (!last || words.length === 0) refuse('No CMD or ENTRYPOINT: cannot tell what the final image runs.');
  if (start.globbed && !allowGlob)
    refuse(
      `${last.keyword} at line ${lineOf(last)} runs \`${words.join(' ')}\`, a glob: cannot tell which file it runs.`,
    );
  if (['sh', 'bash', 'ash', 'dash'].includes(words[0].split('/').pop() ?? '')) {
    refuse(`${last.keyword} at line ${lineOf(last)} runs a shell script: cannot tell which file it runs.`);
  }
  // The image starts in the stage's last WORKDIR, wherever CMD was written (or where the shell string's cd went).
  const end = stage.instructions[stage.instructions.length - 1];
  return { words, shell, instruction: last, workdir: start.cwd ?? (end && dirs.get(end)) ?? '/', script: start.script };
}

/** A shell glob (`*`, `?`, `[…]`) over one path; `*` does not cross `/`. A malformed one (`settings[.gradle`) matches nothing. */
export function globPattern(glob: string): Glob {
  return compileGoGlob(glob) ?? { test: () => false };
}

export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * Files a RUN copies or moves the build output to after the build command (`cp target/app.jar /app.jar`),
 * as absolute destination → absolute source. Destinations ending in `/` or `.` are folders.
 */
export function copiedOutputs(
  instructions: Instruction[],
  after: FoundCommand,
  dirs: Map<Instruction, string>,
): Map<string, string> {
  const copies = new Map<string, string>();
  // `cp app /usr/local/bin` copies into the folder: folders every image has, and the stage's WORKDIRs, are known to be folders.
  const folders = new Set([...standardFolders, ...dirs.values()]);
  for (const instruction of instructions) {
    const dir = dirs.get(instruction) ?? '/';
    let seenBuild = instruction !== after.instruction;
    let afterCd = false;
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      if (command === after.command) {
        seenBuild = true;
        continue;
      }
      if (command.program === 'cd') afterCd = true;
      if (!seenBuild || (command.program !== 'cp' && command.program !== 'mv')) continue;
      const paths = operands(command.args).map((word) => word.value);
      if (paths.length !== 2 || paths.some((path) => path.includes('$'))) continue;
      const [source, target] = paths;
      if (afterCd && !(source.startsWith('/') && target.startsWith('/'))) continue;
      const from = absolute(source, dir);
      const isDir = /(^|\/)\.?$/.test(target) || target.endsWith('/') || folders.has(absolute(target, dir));
      const name = from.slice(from.lastIndexOf('/') + 1);
      if (isDir && hasGlob(name)) continue;
      const to = isDir
        ? `${absolute(target, dir).replace(/\/$/, '')}/${name}`.replace(/^\/\//, '/')
        : absolute(target, dir);
      copies.set(to, from);
    }
  }
  return copies;
}

const standardFolders = [
  '/',
  '/bin',
  '/sbin',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/usr/local',
  '/opt',
  '/srv',
  '/tmp',
  '/usr/local/cargo/bin',
];

/** RUNs right after the build that only copy or move its output: they belong to the build stage. */
export function trailingCopies(stage: Stage, build: Instruction): Instruction[] {
  const result: Instruction[] = [];
  for (const instruction of stage.instructions.slice(stage.instructions.indexOf(build) + 1)) {
    if (instruction.keyword !== 'RUN') {
      if (['ENV', 'ARG', 'WORKDIR', 'USER', 'RUN', 'COPY', 'ADD'].includes(instruction.keyword)) break;
      continue;
    }
    const commands = (instruction.run?.commands ?? []).map(effectiveCommand);
    // mkdir only alongside a copy (the copy's folder): a folder made on its own may be for run time.
    const copies = commands.some((command) => command.program === 'cp' || command.program === 'mv');
    if (!copies || !commands.every((command) => ['cp', 'mv', 'mkdir'].includes(command.program))) break;
    result.push(instruction);
  }
  return result;
}

/** Programs installed only to build or fetch: never a reason to think the app needs them at run time. */
const buildHelpers = new Set([
  'curl',
  'wget',
  'ca-certificates',
  'unzip',
  'zip',
  'xz-utils',
  'tar',
  'gnupg',
  'gnupg2',
  'pkg-config',
  'pkgconf',
  'pkgconfig',
  'openssh-client',
  'protobuf-compiler',
  'protobuf',
  'perl',
  'python3',
  'bash',
  'findutils',
  'file',
  'binutils',
  'musl-tools',
  'jq',
]);

export interface InstalledPackages {
  manager: string;
  /** Packages that exist to build (compilers, `-dev` headers). */
  build: string[];
  /** Everything else: the app may need these at run time. */
  other: string[];
  instruction: Instruction;
}

/** OS packages the stage installs before the build, split into build packages and the rest. */
export function installedPackages(stage: Stage, build: Instruction): InstalledPackages[] {
  const result: InstalledPackages[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.index > build.index) break;
    for (const raw of instruction.run?.commands ?? []) {
      const installed = packagesInstalledBy(effectiveCommand(raw));
      if (!installed || !['apt', 'apk', 'yum', 'dnf', 'zypper'].includes(installed.manager)) continue;
      const names = installed.packages
        .filter((name) => !name.startsWith('-') && !name.startsWith('.'))
        .map((name) => name.replace(/:[a-z0-9]+$/, ''));
      result.push({
        manager: installed.manager,
        build: names.filter((name) => buildPackageKind(installed.manager, name) !== undefined),
        other: names.filter(
          (name) => buildPackageKind(installed.manager, name) === undefined && !buildHelpers.has(name),
        ),
        instruction,
      });
    }
  }
  return result;
}

/** Refuses when the build stage installs packages that are not build tools: the app may need them at run time. */
export function refuseRuntimePackages(installs: InstalledPackages[], finalImage: string): void {
  for (const install of installs) {
    if (install.other.length > 0) {
      refuse(
        `Line ${lineOf(install.instruction)} installs ${install.other.join(', ')}, which the app may need at run time and ${finalImage} does not have: cannot tell.`,
      );
    }
  }
}

/**
 * `RUN --mount=type=cache,target=…` on every RUN that runs one of the programs, so downloads persist across
 * builds without landing in a layer. All or none: a restore and a build must see the same folder. Empty when
 * a RUN cannot take the mount (exec form, already has mounts) or something else touches the folder.
 */
export function cacheMounts(
  model: DockerfileModel,
  stage: Stage,
  build: Instruction,
  programs: Set<string>,
  targets: string[],
  touches: RegExp,
): Map<Instruction, string> {
  const overrides = new Map<Instruction, string>();
  const runs: Instruction[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.index > build.index) break;
    // The mount belongs to root's home or the image's tool folder: another user could not write it.
    if (instruction.keyword === 'USER' && !/^(root|0)(:(root|0))?$/.test(argumentText(model, instruction)))
      return new Map();
    const text = sourceOf(model, instruction);
    const runsTool = (instruction.run?.commands ?? []).some((raw) => programs.has(effectiveCommand(raw).program));
    if (runsTool) {
      if (instruction.run?.form === 'exec' || instruction.flags.some((flag) => flag.name === 'mount')) return new Map();
      runs.push(instruction);
    }
    if (touches.test(text)) return new Map();
  }
  const mounts = targets.map((target) => `--mount=type=cache,target=${target}`).join(' ');
  for (const instruction of runs) {
    const text = sourceOf(model, instruction);
    const at = model.lines.offsetAt(instruction.keywordRange.end) - instruction.start;
    overrides.set(instruction, `${text.slice(0, at)} ${mounts}${text.slice(at)}`);
  }
  return overrides;
}

/** The HEALTHCHECK instructions that call a program, with their command words (exec form) or text. */
export function healthchecks(
  model: DockerfileModel,
  stage: Stage,
): { instruction: Instruction; text: string; words?: string[] }[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === 'HEALTHCHECK' && !/^NONE$/i.test(argumentText(model, instruction)))
    .map((instruction) => {
      const text = argumentText(model, instruction).replace(/^(--\S+\s+)*CMD\s+/i, '');
      return { instruction, text, words: execForm(text) };
    });
}

/** Refuses a HEALTHCHECK that calls a tool the final image lacks. */
export function refuseMissingTools(model: DockerfileModel, stage: Stage, finalImage: string, missing: string[]): void {
  for (const check of healthchecks(model, stage)) {
    const tool = missing.find((name) => new RegExp(`(^|[\\s"/])${escapeRegExp(name)}\\b`).test(check.text));
    if (tool)
      refuse(
        `HEALTHCHECK at line ${lineOf(check.instruction)} uses ${tool}, which ${finalImage} does not have: check with the app itself (or install ${tool}) first.`,
      );
  }
}

/** The last USER of the stage, as written. */
export function userValue(
  model: DockerfileModel,
  stage: Stage,
): { value: string; instruction: Instruction } | undefined {
  const instruction = userOf(stage);
  return instruction ? { value: argumentText(model, instruction), instruction } : undefined;
}

/** A command that creates the system user `app` on the final image's distribution, or undefined when it has no tool for it. */
export function createAppUser(image: string): string | undefined {
  if (/alpine/.test(image)) return 'addgroup -S app && adduser -S -G app app';
  if (/ubi|distroless|chiseled/.test(image)) return undefined;
  return 'groupadd --system app && useradd --system --gid app --no-create-home app';
}

/** Refuses a base image pinned by digest: the digest of its runtime counterpart is unknown. */
export function refuseDigest(stage: Stage): void {
  if (stage.image.digest)
    refuse(`The base image is pinned by digest: cannot tell the digest of its runtime counterpart.`);
}

/** The shared libraries `-dev` packages stand for (libpq-dev → libpq5), from Debian's index for the suite. */
export function runtimeLibrariesOf(headers: string[], suite: string | undefined): string[] {
  if (headers.length === 0) return [];
  const aptSuite = aptSuites.find((candidate) => candidate === suite);
  const index = aptSuite ? loadAptIndex(aptSuite) : undefined;
  if (!index)
    refuse(`Cannot tell which libraries ${headers.join(', ')} stand for on Debian ${suite ?? '(unknown release)'}.`);
  const libraries = new Set<string>();
  for (const header of headers) {
    const id = index.ids.get(header);
    if (id === undefined || id >= index.packages.length)
      refuse(`${header} is not a ${aptSuite} package: cannot tell which library it stands for.`);
    for (const group of index.packages.depends(id)) {
      const first = Array.isArray(group) ? group[0] : group;
      const name = first === undefined ? undefined : index.names[first];
      if (name && /^lib/.test(name) && !/-dev$/.test(name) && !/^libc6?$/.test(name)) libraries.add(name);
    }
  }
  return [...libraries].sort();
}
