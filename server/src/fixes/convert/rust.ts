import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import { escapeRegExp } from '../../model/glob';
import type { EffectiveCommand } from '../../model/commands';
import { sdkImageOf } from '../../knowledge/images';
import { buildPackageKind } from '../../knowledge/buildPackages';
import type { ConvertContext } from './common';
import { absolute, assemble, buildOnlyCopies, isNumericUser, lineOf, refuse, sourceOf, workdirs } from './common';
import {
  cacheMounts,
  copiedOutputs,
  createAppUser,
  findCommands,
  healthchecks,
  installedPackages,
  optionValue,
  refuseDigest,
  refuseMissingTools,
  refuseRuntimePackages,
  runtimeLibrariesOf,
  startCommand,
  trailingCopies,
  userValue,
} from './compiled';
import { entryScriptCopy, pathDirs } from './start';
import { isRootUser } from '../../model/user';

const staticImage = 'gcr.io/distroless/static-debian12:nonroot';
/** Users the distroless images know by name. */
const distrolessUsers = new Set(['root', 'nonroot', 'nobody', 'nonroot:nonroot', 'root:root']);
/** Libraries the distroless base (and so cc) image already has: glibc's, libgcc, libstdc++, OpenSSL. */
const inDistrolessCc = /^(libc6|libgcc-s1|libstdc\+\+6|libssl3(t64)?|libgomp1)$/;
/** Where the rust image keeps cargo's home (`CARGO_HOME`): `cargo install` puts binaries in its bin/. */
const cargoHome = '/usr/local/cargo';

/** FROM rust + `cargo build --release` (or `cargo install --path .`) → build stage + distroless/cc (or Debian slim with the libraries it links). */
export function convertRust(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  refuseDigest(stage);
  const dirs = workdirs(stage, '/');
  const builds = findCommands(
    stage,
    (command) =>
      command.program === 'cargo' &&
      (command.args[0]?.value === 'build' ||
        (command.args[0]?.value === 'install' && optionValue(command, '--path') !== undefined)),
  );
  if (builds.length === 0) refuse('No `cargo build` or `cargo install --path` found in a RUN: nothing to separate.');
  const build = builds[builds.length - 1];
  const projectDir = dirs.get(build.instruction) ?? '/';
  if (build.afterCd)
    refuse(`\`cargo\` at line ${lineOf(build.instruction)} runs after cd: cannot tell where the binary lands.`);
  if (context.rootEntries?.includes('.cargo'))
    refuse(
      'The context has .cargo/, whose config may set the target or target dir: cannot tell where the binary lands.',
    );
  const names = binaryNames(context, build.command);
  const outputs = binaryOutputs(model, stage, build, projectDir, names);
  const copiesAfter = trailingCopies(stage, build.instruction);
  const end = copiesAfter[copiesAfter.length - 1] ?? build.instruction;
  const copies = copiedOutputs([build.instruction, ...copiesAfter], build, dirs);

  // The image starts the binary: find which file that is in the build stage and where the final stage puts it.
  const start = startCommand(model, stage, dirs, context);
  const program = start.words[0];
  if (program.includes('$'))
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs ${program}, a variable: cannot tell which binary runs.`,
    );
  const shipped = shippedBinary(program, start.workdir, outputs, copies, pathDirs(model, stage));
  if (!shipped) {
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs ${program}, which is not a binary the build makes (${[...outputs.keys()].join(', ')}).`,
    );
  }

  const musl = /alpine/.test(stage.image.tag ?? '') || /musl/.test(targetTriple(model, stage, build) ?? '');
  const installs = installedPackages(stage, build.instruction);
  const headers = installs.flatMap((install) =>
    install.build
      .filter(
        (name) =>
          buildPackageKind(install.manager, name) === 'headers' &&
          !/^(musl-dev|libc6?-dev|linux-libc-dev|linux-headers)$/.test(name),
      )
      .map((name) => ({ manager: install.manager, name })),
  );
  let finalImage: string;
  let runtimePackages: string[] = [];
  if (musl) {
    if (headers.length > 0)
      refuse(
        `The build links ${headers.map((header) => header.name).join(', ')} on musl: cannot tell whether the binary is static.`,
      );
    finalImage = staticImage;
    messages.push('The binary targets musl, which Rust links statically: the final image is distroless/static.');
  } else {
    const runtimes = sdkImageOf(stage.image)?.runtimes ?? [];
    const distroless = runtimes.find((image) => image.startsWith('gcr.io/distroless/cc'));
    const slim = runtimes.find((image) => image.startsWith('debian:') || image.startsWith('ubuntu:'));
    if (!distroless || !slim)
      refuse(`Cannot tell the Debian release of ${stage.image.raw}: name it in the tag (e.g. 1-bookworm).`);
    const suite = /^debian:(\w+)-slim$/.exec(slim)?.[1];
    runtimePackages = runtimeLibrariesOf(
      headers.map((header) => header.name),
      suite,
    );
    const missing = runtimePackages.filter((name) => !inDistrolessCc.test(name));
    if (missing.length === 0 && !start.shell) {
      finalImage = `${distroless}:nonroot`;
      if (runtimePackages.length > 0)
        messages.push(
          `The binary links ${runtimePackages.join(', ')} (from ${headers.map((header) => header.name).join(', ')}), which ${distroless} has.`,
        );
    } else if (missing.length === 0) {
      finalImage = slim;
      messages.push(
        `${start.script ? `The entry script ${start.script.contextPath}` : 'The start command'} needs a shell, which distroless does not have: the final image is ${slim}.`,
      );
    } else {
      finalImage = slim;
      messages.push(
        `The binary links ${runtimePackages.join(', ')} (from ${headers.map((header) => header.name).join(', ')}); distroless/cc has no ${missing.join(', ')}: the final image is ${slim} with them installed.`,
      );
    }
  }
  const distrolessFinal = finalImage.startsWith('gcr.io/distroless/');
  refuseRuntimePackages(installs, finalImage);

  const user = userValue(model, stage);
  let addedUser: string | undefined;
  const generated: string[] = [];
  if (distrolessFinal) {
    if (start.shell)
      refuse(
        `Shell-form ${start.instruction.keyword} at line ${lineOf(start.instruction)}: distroless has no shell. Write it in exec form (["/app", "…"]) first.`,
      );
    for (const check of healthchecks(model, stage)) {
      if (
        !check.words ||
        shippedBinary(check.words[0] ?? '', start.workdir, outputs, copies, pathDirs(model, stage))?.to !== shipped.to
      ) {
        refuse(
          `HEALTHCHECK at line ${lineOf(check.instruction)} needs a shell or a tool (curl, wget) that distroless does not have: make the program check itself (exec form) first.`,
        );
      }
    }
    if (user && !isNumericUser(user.value) && !distrolessUsers.has(user.value)) {
      refuse(
        `USER ${user.value} (line ${lineOf(user.instruction)}) is not a user of the distroless image: use a numeric UID.`,
      );
    }
    if (!user) messages.push('No USER added: the distroless :nonroot image already runs as nonroot (UID 65532).');
  } else {
    refuseMissingTools(model, stage, finalImage, ['curl', 'wget']);
    if (user && !isRootUser(user.value) && !isNumericUser(user.value))
      refuse(
        `USER ${user.value} (line ${lineOf(user.instruction)}) is created in the build stage only: use a numeric UID.`,
      );
    const eol = model.lines.eol;
    const steps = [
      'apt-get update',
      `apt-get install -y --no-install-recommends ${['ca-certificates', ...runtimePackages.filter((name) => name !== 'ca-certificates')].sort().join(' ')}`,
      'rm -rf /var/lib/apt/lists/*',
    ];
    const createUser = user ? undefined : createAppUser(finalImage);
    if (createUser) {
      steps.push(createUser);
      addedUser = 'USER app';
      messages.push(
        'Added USER app: the original ran as root; the final stage creates the system user app (give it any folder the program writes outside /tmp).',
      );
    }
    generated.push(`RUN ${steps.join(` \\${eol}    && `)}`);
  }
  generated.push(`COPY --from=build ${shipped.from} ${shipped.to}`);
  const script = entryScriptCopy(start);
  generated.push(...script.lines);
  if (script.message) messages.push(script.message);
  if (shipped.from !== shipped.to)
    messages.push(`${shipped.from} is copied to ${shipped.to}: the final image's PATH has no ${cargoHome}/bin.`);

  const overrides = cacheMounts(
    model,
    stage,
    build.instruction,
    new Set(['cargo']),
    [`${cargoHome}/registry`],
    /CARGO_HOME|cargo\/registry/,
  );
  if (overrides.size > 0)
    messages.push(
      'Added a BuildKit cache mount for the cargo registry to the cargo RUN lines: crates are downloaded once across builds and stay out of the layers.',
    );
  const left = buildOnlyCopies({ stage, build: end }, (source) =>
    /^(\.|\.\/|Cargo\.(toml|lock)|src\/?|build\.rs|benches\/?|tests\/?|examples\/?|crates\/?)$/.test(source),
  );
  if (left.length > 0)
    messages.push(
      `Only the build stage has ${left.join(', ')}: if the program reads them at run time, COPY --from=build them too.`,
    );
  messages.push(`The final stage is ${finalImage} with only ${shipped.to} from the build stage.`);
  const text = assemble({
    model,
    stage,
    build: end,
    overrides,
    finalImage,
    generated,
    addedUser,
    droppable: () => false,
  });
  return { text, messages };
}

interface CargoManifest {
  packageName?: string;
  bins: string[];
  workspace: boolean;
}

/** [package] name, [[bin]] names and whether there is a [workspace]: all a conversion needs of Cargo.toml. */
export function parseCargoToml(text: string): CargoManifest {
  const manifest: CargoManifest = { bins: [], workspace: false };
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[\[?\s*([\w.-]+)\s*\]\]?$/.exec(line);
    if (header) {
      section = line.startsWith('[[') ? `[[${header[1]}]]` : header[1];
      if (section === 'workspace') manifest.workspace = true;
      continue;
    }
    const name = /^name\s*=\s*["']([^"']+)["']/.exec(line)?.[1];
    if (!name) continue;
    if (section === 'package') manifest.packageName = name;
    else if (section === '[[bin]]') manifest.bins.push(name);
  }
  return manifest;
}

/** The binaries the build makes: `--bin` names, else the package's binary and its [[bin]]s. */
function binaryNames(context: ConvertContext, command: EffectiveCommand): string[] {
  const text = context.files?.['Cargo.toml'];
  if (text === undefined) refuse('No Cargo.toml in the build context: cannot tell the binary name.');
  const manifest = parseCargoToml(text);
  if (!manifest.packageName)
    refuse('Cargo.toml is a workspace without a [package]: cannot tell which member makes the binary.');
  if (optionValue(command, '-p', '--package', '--manifest-path') !== undefined)
    refuse('The cargo command names a package or manifest (-p/--manifest-path): cannot tell the binary.');
  const known = [...new Set([...manifest.bins, manifest.packageName])];
  const chosen = command.args.flatMap((arg, index) =>
    arg.value === '--bin'
      ? [command.args[index + 1]?.value ?? '']
      : arg.value.startsWith('--bin=')
        ? [arg.value.slice(6)]
        : [],
  );
  for (const name of chosen)
    if (!known.includes(name)) refuse(`\`--bin ${name}\` is not a binary Cargo.toml names (${known.join(', ')}).`);
  return chosen.length > 0 ? chosen : known;
}

/** Absolute path of each binary in the build stage → its name. */
function binaryOutputs(
  model: DockerfileModel,
  stage: Stage,
  build: { instruction: Instruction; command: EffectiveCommand },
  projectDir: string,
  names: string[],
): Map<string, string> {
  const command = build.command;
  if (command.args[0]?.value === 'install') {
    const path = optionValue(command, '--path');
    if (path !== '.' && path !== './' && absolute(path ?? '', projectDir) !== projectDir)
      refuse(`\`cargo install --path ${path}\` builds another folder's Cargo.toml: cannot tell the binary name.`);
    if (
      optionValue(command, '--root') !== undefined ||
      stage.instructions.some((instruction) => /\bCARGO_(HOME|INSTALL_ROOT)\b/.test(sourceOf(model, instruction)))
    ) {
      refuse('`cargo install` puts binaries under a custom root: cannot tell where they land.');
    }
    return new Map(names.map((name) => [`${cargoHome}/bin/${name}`, name]));
  }
  const targetDirValue =
    optionValue(command, '--target-dir') ?? environment(model, stage, build.instruction, 'CARGO_TARGET_DIR');
  if (targetDirValue?.includes('$'))
    refuse(`The target dir ${targetDirValue} uses a variable: cannot tell where the binary lands.`);
  const targetDir = absolute(targetDirValue ?? 'target', projectDir);
  const profile =
    optionValue(command, '--profile') ??
    (command.args.some((arg) => arg.value === '--release' || arg.value === '-r') ? 'release' : 'dev');
  const profileDir = profile === 'dev' || profile === 'test' ? 'debug' : profile === 'bench' ? 'release' : profile;
  const triple = targetTriple(model, stage, build);
  if (triple?.includes('$') || triple?.endsWith('.json'))
    refuse(`The target ${triple} is a variable or a custom target file: cannot tell where the binary lands.`);
  const dir = [targetDir, ...(triple ? [triple] : []), profileDir].join('/');
  return new Map(names.map((name) => [`${dir}/${name}`, name]));
}

function targetTriple(
  model: DockerfileModel,
  stage: Stage,
  build: { instruction: Instruction; command: EffectiveCommand },
): string | undefined {
  return optionValue(build.command, '--target') ?? environment(model, stage, build.instruction, 'CARGO_BUILD_TARGET');
}

/** A variable set by ENV before the build or as an assignment in the build's RUN. */
function environment(model: DockerfileModel, stage: Stage, build: Instruction, name: string): string | undefined {
  let value: string | undefined;
  for (const instruction of stage.instructions) {
    if (instruction.index > build.index) break;
    if (instruction.keyword !== 'ENV' && instruction !== build) continue;
    const match = new RegExp(`\\b${escapeRegExp(name)}(?:=|\\s+)["']?([^\\s"']+)`).exec(sourceOf(model, instruction));
    if (match) value = match[1];
  }
  return value;
}

/** The build-stage file the start command runs and where the final stage puts it; undefined when it is no build output. */
function shippedBinary(
  program: string,
  workdir: string,
  outputs: Map<string, string>,
  copies: Map<string, string>,
  path: string[],
): { from: string; to: string } | undefined {
  const made = (path: string) => outputs.has(path) || outputs.has(copies.get(path) ?? '');
  if (program.includes('/')) {
    const path = absolute(program, workdir);
    // A path the start command names stays where it was, even under cargo's home.
    return made(path) ? { from: path, to: path } : undefined;
  }
  // A bare name runs from PATH: the first PATH folder holding a build output wins, as in the shell.
  for (const dir of path) {
    const path = `${dir}/${program}`;
    if (made(path)) return { from: path, to: dir === `${cargoHome}/bin` ? `/usr/local/bin/${program}` : path };
  }
  return undefined;
}

export function isRustBuildImage(stage: Stage): boolean {
  return stage.image.repository === 'rust';
}
