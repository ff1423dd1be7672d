import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import type { EffectiveCommand } from '../../model/commands';
import { effectiveCommand } from '../../model/commands';
import { packagesInstalledBy } from '../../knowledge/packageManagers';
import type { ConvertContext } from './common';
import { createAppUser, installedPackages, refuseRuntimePackages } from './compiled';
import { defaultPath, entryScriptCopy, pathDirs, resolveProgram, startWords } from './start';
import {
  absolute,
  argumentText,
  assemble,
  buildOnlyCopies,
  execForm,
  isNumericUser,
  lineOf,
  refuse,
  sourceOf,
  userOf,
  workdirs,
} from './common';
import { isRootUser } from '../../model/user';

const staticImage = 'gcr.io/distroless/static-debian12:nonroot';
const glibcImage = 'gcr.io/distroless/base-debian12:nonroot';
/** Packages whose installation says the build links C code (cgo). */
const cgoPackages = new Set(['gcc', 'g++', 'build-essential', 'libc-dev', 'libc6-dev', 'musl-dev', 'clang']);
/** Users the distroless images know by name. */
const distrolessUsers = new Set(['root', 'nonroot', 'nobody', 'nonroot:nonroot', 'root:root']);

interface GoBuild {
  instruction: Instruction;
  command: EffectiveCommand;
  /** Absolute path of `-o`, a trailing `/` for a directory. */
  output: string;
}

/** OS images a Go toolchain installed with the package manager turns into a Go build image. */
const osImages = new Set(['debian', 'ubuntu', 'alpine']);
/** Distribution packages of the Go toolchain (Debian/Ubuntu `golang-go`, `golang-1.22-go`; Alpine `go`). */
const goToolchain = /^(golang|golang-go|golang-\d+(\.\d+)*(-go)?|go)$/;

/** A golang image, or an OS image (debian, ubuntu, alpine) whose package manager installs the Go toolchain. */
export function acceptsGo(stage: Stage): boolean {
  if (stage.image.repository === 'golang') return true;
  return osImages.has(stage.image.repository) && goToolchainInstall(stage) !== undefined;
}

/** The package that installs the Go toolchain on an OS image, or undefined. */
function goToolchainInstall(stage: Stage): string | undefined {
  for (const instruction of stage.instructions)
    for (const raw of instruction.run?.commands ?? []) {
      const installed = packagesInstalledBy(effectiveCommand(raw));
      const name = installed?.packages.find((candidate) => goToolchain.test(candidate));
      if (name) return name;
    }
  return undefined;
}

/** FROM golang (or an OS image with the Go toolchain installed) + `go build -o out` → build stage + distroless with only the binary. */
export function convertGo(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  const osBase = stage.image.repository !== 'golang';
  const dirs = workdirs(stage, osBase ? '/' : '/go');
  if (osBase) {
    // Everything else the OS image installed may be needed at run time; distroless has none of it.
    refuseRuntimePackages(installedPackages(stage, stage.instructions[stage.instructions.length - 1]), staticImage);
    messages.push(
      `The build stage stays ${stage.image.raw} with the Go toolchain (${goToolchainInstall(stage)}) from its package manager; the final stage has only the binary.`,
    );
  }
  const builds = goBuilds(stage, dirs);
  if (builds.length === 0) refuse('No `go build` found in a RUN: nothing to separate.');
  const build = builds[builds.length - 1].instruction;

  const cgo = usesCgo(model, stage, build);
  if (cgo && /alpine/.test(stage.image.tag ?? ''))
    refuse('The build uses cgo on Alpine (musl): the binary would not run on distroless, which has glibc.');
  const overrides = new Map<Instruction, string>();
  if (!cgo) {
    const setByEnv = stage.instructions.some(
      (instruction) =>
        (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') &&
        /\bCGO_ENABLED\b/.test(sourceOf(model, instruction)),
    );
    for (const { instruction, command } of builds) {
      const text = overrides.get(instruction) ?? sourceOf(model, instruction);
      // An ENV, an export or a prefix the author wrote already decides cgo for this build.
      if (setByEnv || /\bCGO_ENABLED=/.test(sourceOf(model, instruction))) continue;
      if (instruction.run?.form === 'exec')
        refuse(`The exec-form RUN at line ${lineOf(instruction)} cannot get CGO_ENABLED=0.`);
      // Later builds in the same RUN were already shifted: insert from the end of the text backwards.
      const at = command.command.start - instruction.start + (text.length - sourceOf(model, instruction).length);
      overrides.set(instruction, `${text.slice(0, at)}CGO_ENABLED=0 ${text.slice(at)}`);
    }
    if (overrides.size > 0)
      messages.push('Added CGO_ENABLED=0 to `go build` so the binary is static (it needs no C library at run time).');
  } else {
    messages.push(
      `The build uses cgo (a C compiler is installed or CGO_ENABLED=1): the final image is ${glibcImage}, which has glibc.`,
    );
  }
  const outputs = builds.map((entry) => entry.output);
  const started = checkRuntime(model, stage, outputs, dirs, context);
  // A start command that needs a shell (shell form, `sh -c`, an entry script) runs on the slim OS image instead.
  const finalImage = started.shell ? shellImage(stage) : cgo ? glibcImage : staticImage;
  if (started.shell)
    messages.push(
      `${started.script ? `The entry script ${started.script.contextPath}` : 'The start command'} needs a shell, which distroless does not have: the final image is ${finalImage}.`,
    );
  const user = userOf(stage);
  const generatedFirst: string[] = [];
  let addedUser: string | undefined;
  if (user) {
    const value = argumentText(model, user);
    if (!isNumericUser(value) && !(started.shell ? isRootUser(value) : distrolessUsers.has(value))) {
      refuse(
        `USER ${value} (line ${lineOf(user)}) is not a user of ${started.shell ? finalImage : 'the distroless image'}: use a numeric UID.`,
      );
    }
  } else if (started.shell) {
    generatedFirst.push(`RUN ${createAppUser(finalImage) ?? ''}`);
    addedUser = 'USER app';
    messages.push('Added USER app: the original ran as root; the final stage creates the system user app.');
  } else {
    messages.push('No USER added: the distroless :nonroot image already runs as nonroot (UID 65532).');
  }

  // A bare name found on the golang image's PATH (/go/bin) must be on the final image's PATH too.
  const relocated = relocation(model, stage, started, outputs);
  const generated = [
    ...generatedFirst,
    ...entryScriptCopy(started).lines,
    ...[...new Set(outputs)].map((output) =>
      output === started.path && relocated
        ? `COPY --from=build ${output} ${relocated}`
        : `COPY --from=build ${output} ${output}`,
    ),
  ];
  if (relocated)
    messages.push(
      `${started.path} is copied to ${relocated}: the final image's PATH has no ${started.path.slice(0, started.path.lastIndexOf('/'))}.`,
    );
  const plan = { stage, build };
  const left = buildOnlyCopies(plan, (source) => /^(\.|\.\/|go\.(mod|sum)|.*\.go|vendor\/?)$/.test(source));
  if (left.length > 0)
    messages.push(
      `Only the build stage has ${left.join(', ')}: if the program reads them at run time, COPY --from=build them too.`,
    );
  messages.push(`The final stage is ${finalImage} with only ${outputs.join(', ')} from the build stage.`);
  const text = assemble({ model, stage, build, overrides, finalImage, generated, addedUser, droppable: () => false });
  return { text, messages };
}

function goBuilds(stage: Stage, dirs: Map<Instruction, string>): GoBuild[] {
  const builds: GoBuild[] = [];
  for (const instruction of stage.instructions) {
    if (!instruction.run) continue;
    let changedDir = false;
    for (const raw of instruction.run.commands) {
      const command = effectiveCommand(raw);
      if (command.program === 'cd') changedDir = true;
      if (command.program !== 'go' || command.args[0]?.value !== 'build') continue;
      const output = outputOf(command);
      if (output === undefined)
        refuse(`\`go build\` at line ${lineOf(instruction)} has no -o: cannot tell the build output.`);
      if (output.includes('$'))
        refuse(`The -o path ${output} at line ${lineOf(instruction)} uses a variable: cannot tell the build output.`);
      if (!output.startsWith('/') && changedDir)
        refuse(`\`go build -o ${output}\` at line ${lineOf(instruction)} runs after cd: cannot tell the build output.`);
      builds.push({ instruction, command, output: absolute(output, dirs.get(instruction) ?? '/go') });
    }
  }
  return builds;
}

function outputOf(command: EffectiveCommand): string | undefined {
  const args = command.args;
  for (let index = 1; index < args.length; index++) {
    const value = args[index].value;
    if (value === '-o' || value === '--o') return args[index + 1]?.value;
    if (value.startsWith('-o=')) return value.slice(3);
  }
  return undefined;
}

function usesCgo(model: DockerfileModel, stage: Stage, build: Instruction): boolean {
  for (const instruction of stage.instructions) {
    if (instruction.index > build.index) break;
    const text = sourceOf(model, instruction);
    if (/\bCGO_ENABLED=["']?1\b/.test(text)) return true;
    for (const raw of instruction.run?.commands ?? []) {
      const installed = packagesInstalledBy(effectiveCommand(raw));
      if (installed?.packages.some((name) => cgoPackages.has(name))) return true;
    }
  }
  return false;
}

/**
 * Distroless has no shell and nothing but the binary: CMD/ENTRYPOINT and HEALTHCHECK must run the output
 * directly. Returns the output the image starts, found by path or, for a bare name, on the image's PATH.
 */
function checkRuntime(
  model: DockerfileModel,
  stage: Stage,
  outputs: string[],
  dirs: Map<Instruction, string>,
  context: ConvertContext,
): { path: string; bare: boolean; shell: boolean; words: string[]; script?: { path: string; contextPath: string } } {
  const start = startWords(model, stage, dirs, context);
  const instruction = start.entrypoint ?? start.cmd;
  if (!instruction) refuse('No CMD or ENTRYPOINT: cannot tell what the final image runs.');
  if (start.unsafe) refuse(start.unsafe.reason);
  const end = stage.instructions[stage.instructions.length - 1];
  const workdir = (end && dirs.get(end)) ?? '/go';
  const path = pathDirs(model, stage);
  const program = start.words[0] ?? '';
  const made = (file: string) => runsOutput(file, outputs);
  const resolved = resolveProgram(program, workdir, path, made);
  if (!resolved || !made(resolved)) {
    refuse(
      `${instruction.keyword} at line ${lineOf(instruction)} runs ${resolved ?? `${program} (not on PATH ${path.join(':')})`}, which is not the build output: distroless has nothing else.`,
    );
  }
  for (const check of stage.instructions) {
    if (check.keyword !== 'HEALTHCHECK') continue;
    const text = argumentText(model, check);
    if (/^NONE$/i.test(text)) continue;
    const words = execForm(text.replace(/^(--\S+\s+)*CMD\s+/i, ''));
    const checked = words && resolveProgram(words[0] ?? '', dirs.get(check) ?? '/go', path, made);
    if (!checked || !made(checked)) {
      refuse(
        `HEALTHCHECK at line ${lineOf(check)} needs a shell or a tool (curl, wget) that distroless does not have: make the program check itself (exec form) first.`,
      );
    }
  }
  return { path: resolved, bare: !program.includes('/'), shell: start.shell, words: start.words, script: start.script };
}

/** Where the started binary goes in the final stage when the start command finds it by name on a PATH folder the final image lacks. */
function relocation(
  model: DockerfileModel,
  stage: Stage,
  started: { path: string; bare: boolean },
  outputs: string[],
): string | undefined {
  if (!started.bare || !outputs.includes(started.path)) return undefined;
  const folder = started.path.slice(0, started.path.lastIndexOf('/')) || '/';
  if (pathDirs(model, stage, defaultPath()).includes(folder)) return undefined;
  return `/usr/local/bin/${started.path.slice(started.path.lastIndexOf('/') + 1)}`;
}

/** The slim OS image a Go binary runs on when the start command needs a shell: the golang tag's Debian suite or Alpine release. */
function shellImage(stage: Stage): string {
  const tag = stage.image.tag ?? '';
  if (stage.image.repository === 'ubuntu' && tag) return stage.image.raw;
  if (stage.image.repository === 'alpine' && /^\d+\.\d+/.test(tag)) return stage.image.raw;
  if (/alpine/.test(tag)) {
    const release = /alpine(\d+\.\d+)/.exec(tag)?.[1];
    if (!release)
      refuse(
        `The start command needs a shell and ${stage.image.raw} names no Alpine release: cannot pick the final image.`,
      );
    return `alpine:${release}`;
  }
  return `debian:${/\b(bullseye|bookworm|trixie)\b/.exec(tag)?.[1] ?? 'trixie'}-slim`;
}

function runsOutput(path: string, outputs: string[]): boolean {
  return outputs.some((output) => (output.endsWith('/') ? path.startsWith(output) : path === output));
}
