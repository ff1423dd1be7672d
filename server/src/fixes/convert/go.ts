import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import type { EffectiveCommand } from '../../model/commands';
import { effectiveCommand } from '../../model/commands';
import { packagesInstalledBy } from '../../knowledge/packageManagers';
import type { ConvertContext } from './common';
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

/** FROM golang + `go build -o out` → build stage + distroless with only the binary. */
export function convertGo(
  model: DockerfileModel,
  stage: Stage,
  _context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  const dirs = workdirs(stage, '/go');
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
      messages.push('Added CGO_ENABLED=0 to `go build` so the binary is static and runs on distroless/static.');
  } else {
    messages.push(
      `The build uses cgo (a C compiler is installed or CGO_ENABLED=1): the final image is ${glibcImage}, which has glibc.`,
    );
  }
  const finalImage = cgo ? glibcImage : staticImage;

  const outputs = builds.map((entry) => entry.output);
  checkRuntime(model, stage, outputs, dirs);
  const user = userOf(stage);
  if (user) {
    const value = argumentText(model, user);
    if (!isNumericUser(value) && !distrolessUsers.has(value)) {
      refuse(`USER ${value} (line ${lineOf(user)}) is not a user of the distroless image: use a numeric UID.`);
    }
  } else {
    messages.push('No USER added: the distroless :nonroot image already runs as nonroot (UID 65532).');
  }

  const generated = [...new Set(outputs)].map((output) => `COPY --from=build ${output} ${output}`);
  const plan = { stage, build };
  const left = buildOnlyCopies(plan, (source) => /^(\.|\.\/|go\.(mod|sum)|.*\.go|vendor\/?)$/.test(source));
  if (left.length > 0)
    messages.push(
      `Only the build stage has ${left.join(', ')}: if the program reads them at run time, COPY --from=build them too.`,
    );
  messages.push(`The final stage is ${finalImage} with only ${outputs.join(', ')} from the build stage.`);
  const text = assemble({ model, stage, build, overrides, finalImage, generated, droppable: () => false });
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

/** Distroless has no shell and nothing but the binary: CMD, ENTRYPOINT and HEALTHCHECK must run the output directly. */
function checkRuntime(model: DockerfileModel, stage: Stage, outputs: string[], dirs: Map<Instruction, string>): void {
  let program: { path: string; instruction: Instruction } | undefined;
  for (const instruction of stage.instructions) {
    const keyword = instruction.keyword;
    if (keyword === 'CMD' || keyword === 'ENTRYPOINT') {
      const words = execForm(argumentText(model, instruction));
      if (!words)
        refuse(
          `Shell-form ${keyword} at line ${lineOf(instruction)}: distroless has no shell. Write it in exec form (["/app", "…"]) first.`,
        );
      if (keyword === 'ENTRYPOINT' || !stage.instructions.some((other) => other.keyword === 'ENTRYPOINT')) {
        if (words[0] !== undefined) program = { path: absolute(words[0], dirs.get(instruction) ?? '/go'), instruction };
      }
    }
    if (keyword === 'HEALTHCHECK') {
      const text = argumentText(model, instruction);
      if (/^NONE$/i.test(text)) continue;
      const words = execForm(text.replace(/^(--\S+\s+)*CMD\s+/i, ''));
      if (!words || !runsOutput(absolute(words[0] ?? '', dirs.get(instruction) ?? '/go'), outputs)) {
        refuse(
          `HEALTHCHECK at line ${lineOf(instruction)} needs a shell or a tool (curl, wget) that distroless does not have: make the program check itself (exec form) first.`,
        );
      }
    }
  }
  if (!program) refuse('No exec-form CMD or ENTRYPOINT: cannot tell what the final image runs.');
  if (!runsOutput(program.path, outputs)) {
    refuse(
      `${program.instruction.keyword} at line ${lineOf(program.instruction)} runs ${program.path}, which is not the build output: distroless has nothing else.`,
    );
  }
}

function runsOutput(path: string, outputs: string[]): boolean {
  return outputs.some((output) => (output.endsWith('/') ? path.startsWith(output) : path === output));
}
