import type { DockerfileModel, DocumentWord, Instruction, Stage } from '../../model/model';
import { escapeRegExp } from '../../model/glob';
import type { EffectiveCommand } from '../../model/commands';
import { effectiveCommand, hasOption, operands } from '../../model/commands';
import { packageBaseName, packagesInstalledBy, packagesRemovedBy } from '../../knowledge/packageManagers';
import { buildPackageKind } from '../../knowledge/buildPackages';
import { slimVariantOf } from '../../knowledge/images';
import runtimeLibraries from '../../data/runtime-libraries.json';
import type { ConvertContext } from './common';
import { startWords } from './start';
import {
  absolute,
  argumentText,
  assemble,
  buildKeywords,
  expectedGain,
  isNumericUser,
  lineOf,
  refuse,
  sharedKeywords,
  sourceOf,
  userOf,
  workdirs,
} from './common';
import { isRootUser } from '../../model/user';

export const venv = '/opt/venv';
/** The same line in both stages: the build installs into the venv, the final stage runs from it. */
export const venvEnv = `ENV VIRTUAL_ENV=${venv} PATH="${venv}/bin:$PATH"`;
/** The UID of the user added when the original ran as root: above the range distributions hand out. */
const addedUid = 10001;
/** Files that only describe dependencies: the install reads them, the running app does not. */
const manifest =
  /^(\.\/)?(requirements[^/]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile(\.lock)?|setup\.(py|cfg)|README[^/]*)$/;
/** Packages only the build uses (the installer and its tools): installing only these is not the dependency install. */
const installerTools = new Set([
  'pip',
  'setuptools',
  'wheel',
  'poetry',
  'uv',
  'pipenv',
  'pip-tools',
  'poetry-plugin-export',
  'hatch',
  'pdm',
]);
/** Console scripts whose distribution has another name. */
const scriptPackages: Record<string, string> = {
  'waitress-serve': 'waitress',
  'django-admin': 'django',
  fastapi: 'fastapi',
};
/** Commands a RUN may hold besides installs: cleanups and checks that change nothing the final stage needs. */
const harmless = new Set(['rm', 'true', 'echo', 'ls', 'cd']);
const userCommands = new Set(['useradd', 'adduser', 'groupadd', 'addgroup']);
const fileCommands = new Set(['mkdir', 'chown', 'chmod']);

type RuntimeLibraries = Record<string, string[] | Record<string, string[]>>;

interface DependencyInstall {
  instruction: Instruction;
  command: EffectiveCommand;
  tool: 'pip' | 'poetry' | 'uv-sync' | 'uv-pip';
}

/** FROM python + pip/poetry/uv install → build stage with a venv + slim final stage with the venv and the app folder. */
export function convertPython(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  const dirs = workdirs(stage, '/');
  const image = stage.image;
  const alpine = /alpine/.test(image.tag ?? '');
  const installs = dependencyInstalls(stage);
  if (installs.length === 0)
    refuse(
      'No dependency install (pip install -r / pip install . / poetry install / uv sync) found: nothing to build in a separate stage.',
    );
  const firstInstall = installs[0].instruction;
  const build = [...stage.instructions]
    .reverse()
    .find((instruction) => buildKeywords.has(instruction.keyword) && instruction.keyword !== 'SHELL');
  if (!build) refuse('No RUN, COPY or ADD: nothing to build.');
  const earlyUser = stage.instructions.find(
    (instruction) =>
      instruction.keyword === 'USER' &&
      instruction.index < build.index &&
      !isRootUser(argumentText(model, instruction)),
  );
  if (earlyUser)
    refuse(
      `USER ${argumentText(model, earlyUser)} (line ${lineOf(earlyUser)}) comes before the last COPY/RUN: move it below them first, so the final stage can create the user before switching to it.`,
    );

  const appDirs = appDirectories(stage, dirs);
  const packages = systemPackages(stage, alpine, suiteOf(image.tag ?? ''));
  const setup = userSetup(model, stage, appDirs);
  checkOtherRuns(stage, dirs);
  const installed = installedNames(stage, context);
  checkProgram(model, stage, dirs, installed, appDirs, context);
  checkHealthcheck(model, stage, packages.runtime, alpine);

  // The venv goes in right before the first dependency install (after what the build ran before it, e.g. apt and the installer).
  const overrides = new Map<Instruction, string>();
  const needsUvProject = installs.some((install) => install.tool === 'uv-sync');
  const builderEnv = needsUvProject
    ? `ENV VIRTUAL_ENV=${venv} UV_PROJECT_ENVIRONMENT=${venv} PATH="${venv}/bin:$PATH"`
    : venvEnv;
  const venvLines = [`RUN python -m venv ${venv}`, builderEnv].join(model.lines.eol);
  const anchor = venvAnchor(stage, firstInstall);
  if (anchor) overrides.set(anchor, `${sourceOf(model, anchor)}${model.lines.eol}${venvLines}`);
  else overrides.set(firstInstall, `${venvLines}${model.lines.eol}${sourceOf(model, firstInstall)}`);
  for (const install of installs) {
    if (install.tool !== 'pip' && install.tool !== 'uv-pip') continue;
    const text = overrides.get(install.instruction) ?? sourceOf(model, install.instruction);
    overrides.set(install.instruction, withCacheMount(model, install, text));
  }

  const finalImage = finalImageOf(stage);
  const generated: string[] = [];
  if (packages.runtime.length > 0) {
    const names = packages.runtime.join(' ');
    generated.push(
      alpine
        ? `RUN apk add --no-cache ${names}`
        : `RUN apt-get update && apt-get install -y --no-install-recommends ${names} && rm -rf /var/lib/apt/lists/*`,
    );
    messages.push(`The final stage installs ${names}: ${packages.reasons.join('; ')}.`);
  }
  if (packages.buildOnly.length > 0) messages.push(`${packages.buildOnly.join(', ')} stay in the build stage.`);
  const user = userOf(stage);
  const userName = user ? argumentText(model, user).split(':')[0] : undefined;
  if (
    user &&
    userName &&
    !isNumericUser(argumentText(model, user)) &&
    !isRootUser(userName) &&
    !setup.commands.some((command) => new RegExp(`\\b${escapeRegExp(userName)}\\b`).test(command))
  ) {
    refuse(
      `USER ${userName} (line ${lineOf(user)}) is not created by a RUN of this Dockerfile: cannot tell whether the slim image has it.`,
    );
  }
  let addedUser: string | undefined;
  if (setup.commands.length > 0) generated.push(`RUN ${setup.commands.join(' && ')}`);
  if (!user) {
    generated.push(alpine ? `RUN adduser -D -u ${addedUid} app` : `RUN useradd --create-home --uid ${addedUid} app`);
    addedUser = 'USER app';
    messages.push(
      `Added USER app: the original ran as root; the app (UID ${addedUid}) cannot change its own files, which stay owned by root.`,
    );
  }
  generated.push(`COPY --from=build ${venv} ${venv}`, venvEnv);
  for (const dir of appDirs) {
    const owner = setup.owners.get(dir);
    generated.push(`COPY --from=build ${owner ? `--chown=${owner} ` : ''}${dir} ${dir}`);
  }
  messages.push(`Added ${venvEnv}: the dependencies are installed in a virtual environment the final stage copies.`);
  if (appDirs.length > 0) {
    messages.push(
      `The final stage is ${finalImage} with the venv and ${appDirs.join(', ')} as the build stage left them (Python runs its sources); keep tests and docs out with .dockerignore.`,
    );
  } else {
    messages.push(`The final stage is ${finalImage} with the venv from the build stage.`);
  }
  const gain =
    finalImage === image.raw ? undefined : expectedGain(stage, finalImage, 'and compilers stay in the build stage');
  if (gain) messages.push(gain);
  const text = assemble({ model, stage, build, overrides, finalImage, generated, addedUser, droppable: () => false });
  return { text, messages };
}

/** `3.12-bookworm` → bookworm; a tag without a suite is built on the current Debian stable. */
function suiteOf(tag: string): string {
  return /\b(bullseye|bookworm|trixie)\b/.exec(tag)?.[1] ?? 'trixie';
}

/** python:3.12 → python:3.12-slim, python:3.12-bookworm → python:3.12-slim-bookworm; slim and alpine tags stay (alpine keeps musl wheels working). */
function finalImageOf(stage: Stage): string {
  const image = stage.image;
  const raw = image.raw;
  const slim = slimVariantOf(image);
  // Already slim or alpine: the final stage runs on the very image the build used (digest included).
  if (!slim) return raw;
  if (image.digest) refuse('The python image is pinned by digest: cannot tell the digest of its slim variant.');
  if (image.tag === undefined) return `${raw}:${slim.tag}`;
  if (!raw.endsWith(image.tag)) refuse(`The python tag of ${raw} comes from a variable: cannot name its slim variant.`);
  return `${raw.slice(0, raw.length - image.tag.length)}${slim.tag}`;
}

/** The pip arguments of `pip …`, `pip3 …`, `python -m pip …`, or undefined. */
function pipArgs(command: EffectiveCommand): DocumentWord[] | undefined {
  if (/^pip(\d+(\.\d+)*)?$/.test(command.program)) return command.args;
  if (
    /^python(\d+(\.\d+)*)?$/.test(command.program) &&
    command.args[0]?.value === '-m' &&
    command.args[1]?.value === 'pip'
  )
    return command.args.slice(2);
  return undefined;
}

function dependencyInstalls(stage: Stage): DependencyInstall[] {
  const found: DependencyInstall[] = [];
  for (const instruction of stage.instructions) {
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      const tool = installTool(command, instruction);
      if (tool) found.push({ instruction, command, tool });
    }
  }
  return found;
}

/** Which installer a command is, when it installs the app's dependencies (not only the installer itself). */
function installTool(command: EffectiveCommand, instruction: Instruction): DependencyInstall['tool'] | undefined {
  const where = `at line ${lineOf(instruction)}`;
  const pip = pipArgs(command);
  if (pip) {
    if (pip[0]?.value !== 'install') return undefined;
    const args = pip.slice(1);
    if (hasOption(args, '-e', '--editable'))
      refuse(
        `The editable install (pip install -e) ${where} links the environment to a source folder: install the project normally (pip install .) first.`,
      );
    if (hasOption(args, '--user'))
      refuse(
        `pip install --user ${where} installs into the home folder, outside a virtual environment: drop --user first.`,
      );
    if (hasOption(args, '--target', '-t', '--prefix', '--root'))
      refuse(
        `pip install ${where} installs into a folder of its own (--target/--prefix/--root): cannot tell what the app imports.`,
      );
    if (hasOption(args, '-r', '--requirement')) return 'pip';
    const named = requirementOperands(args);
    return named.some((name) => !installerTools.has(packageBaseName(name))) ? 'pip' : undefined;
  }
  const verb = operands(command.args)[0]?.value;
  if (command.program === 'poetry' && (verb === 'install' || verb === 'sync')) return 'poetry';
  if (command.program === 'uv' && verb === 'sync') return 'uv-sync';
  if (
    command.program === 'uv' &&
    verb === 'pip' &&
    ['install', 'sync'].includes(operands(command.args)[1]?.value ?? '')
  ) {
    if (hasOption(command.args, '--system'))
      refuse(
        `uv pip install --system ${where} installs into the system Python, not a virtual environment: drop --system first.`,
      );
    return 'uv-pip';
  }
  if (command.program === 'pipenv' && verb === 'install')
    refuse(
      `pipenv install ${where}: Pipenv installs are not converted (export a requirements.txt and pip install it).`,
    );
  if (command.program === 'conda' || command.program === 'mamba' || command.program === 'micromamba')
    refuse(`${command.program} ${where}: conda environments are not converted.`);
  return undefined;
}

/** Package operands of `pip install`, values of options such as `-i URL` and `-c FILE` skipped. */
function requirementOperands(args: DocumentWord[]): string[] {
  const withValue = new Set([
    '-i',
    '--index-url',
    '--extra-index-url',
    '-c',
    '--constraint',
    '-f',
    '--find-links',
    '--trusted-host',
    '--platform',
    '--python-version',
    '--only-binary',
    '--no-binary',
    '--progress-bar',
    '--timeout',
    '--retries',
    '--cache-dir',
  ]);
  const names: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const value = args[index].value;
    if (withValue.has(value)) index++;
    else if (!value.startsWith('-')) names.push(value);
  }
  return names;
}

/** The instruction after which the venv is created: the last builder instruction before the dependency files are copied for the install. */
function venvAnchor(stage: Stage, install: Instruction): Instruction | undefined {
  const list = stage.instructions;
  let first = list.indexOf(install);
  // Copying the manifests comes right before the install: the venv goes above them so it is not rebuilt when they change.
  for (let position = first - 1; position >= 0; position--) {
    const instruction = list[position];
    if (
      instruction.copy &&
      instruction.copy.from === undefined &&
      instruction.copy.sources.every((source) => manifest.test(source))
    )
      first = position;
    else if (instruction.keyword === 'RUN' || instruction.copy) break;
  }
  return list
    .slice(0, first)
    .reverse()
    .find((instruction) => sharedKeywords.has(instruction.keyword) || buildKeywords.has(instruction.keyword));
}

/** A BuildKit cache for pip/uv downloads: rebuilds reuse them and no layer keeps them. */
function withCacheMount(model: DockerfileModel, install: DependencyInstall, text: string): string {
  const instruction = install.instruction;
  if (instruction.run?.form !== 'shell' || instruction.flags.some((flag) => flag.name === 'mount')) return text;
  if (hasOption(install.command.args, '--no-cache-dir', '--no-cache')) return text;
  const target = install.tool === 'uv-pip' ? '/root/.cache/uv' : '/root/.cache/pip';
  const keyword = model.text.slice(instruction.start, model.lines.offsetAt(instruction.keywordRange.end));
  const at = text.indexOf(keyword) + keyword.length;
  return `${text.slice(0, at)} --mount=type=cache,target=${target}${text.slice(at)}`;
}

/** Absolute folders (or files) the app's COPY/ADD put into the image, as the final stage copies them from the build stage. */
function appDirectories(stage: Stage, dirs: Map<Instruction, string>): string[] {
  const paths: string[] = [];
  for (const instruction of stage.instructions) {
    const copy = instruction.copy;
    if (!copy || copy.from !== undefined) continue;
    if (copy.sources.every((source) => manifest.test(source))) continue;
    const destination = copy.destination;
    if (destination === undefined || /\$/.test(destination))
      refuse(
        `${instruction.keyword} at line ${lineOf(instruction)} has no literal destination: cannot tell where the app is.`,
      );
    if (
      instruction.keyword === 'ADD' &&
      copy.sources.some((source) => /^(https?:|git@)|\.(tar(\.\w+)?|tgz)$/.test(source))
    ) {
      refuse(
        `ADD at line ${lineOf(instruction)} fetches or unpacks an archive: cannot tell what the app needs from it.`,
      );
    }
    // The destination is the folder the sources went into, or the copied file itself: the final stage copies it whole.
    let path = absolute(destination, dirs.get(instruction) ?? '/');
    if (path.endsWith('/') && path !== '/') path = path.slice(0, -1);
    if (path === '/')
      refuse(`${instruction.keyword} at line ${lineOf(instruction)} copies into /: set a WORKDIR for the app first.`);
    if (path === venv || path.startsWith(`${venv}/`))
      refuse(
        `${instruction.keyword} at line ${lineOf(instruction)} copies into ${venv}, where the conversion puts the virtual environment.`,
      );
    paths.push(path);
  }
  const unique = [...new Set(paths)];
  return unique.filter((path) => !unique.some((other) => other !== path && path.startsWith(`${other}/`)));
}

interface SystemPackages {
  runtime: string[];
  buildOnly: string[];
  reasons: string[];
}

/** apt/apk installs: build-only packages stay in the build stage, their runtime libraries and every other package go to the final stage too. */
function systemPackages(stage: Stage, alpine: boolean, suite: string): SystemPackages {
  const result: SystemPackages = { runtime: [], buildOnly: [], reasons: [] };
  const kept: string[] = [];
  const libraries: string[] = [];
  for (const instruction of stage.instructions) {
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      const installed = packagesInstalledBy(command);
      if (!installed || (installed.manager !== 'apt' && installed.manager !== 'apk')) {
        if (installed && installed.manager !== 'pip')
          refuse(
            `Line ${lineOf(instruction)} installs with ${installed.manager}: only apt and apk packages are converted.`,
          );
        continue;
      }
      if ((installed.manager === 'apk') !== alpine)
        refuse(`Line ${lineOf(instruction)} uses ${installed.manager} on a ${alpine ? 'Alpine' : 'Debian'} image.`);
      const removedLater = new Set(
        instruction.run?.commands.flatMap((later) => packagesRemovedBy(effectiveCommand(later))?.packages ?? []) ?? [],
      );
      for (const name of installed.packages) {
        if (name.startsWith('.')) continue;
        // A -dev package purged after the install still leaves the extension needing its library: map it anyway.
        const mapping = (runtimeLibraries[installed.manager] as RuntimeLibraries)[name];
        if (mapping !== undefined) {
          const names = Array.isArray(mapping) ? mapping : mapping[suite];
          if (!names)
            refuse(`No runtime library known for ${name} on Debian ${suite}: cannot tell what the final stage needs.`);
          result.buildOnly.push(name);
          for (const library of names) if (!libraries.includes(library)) libraries.push(library);
          if (names.length > 0) result.reasons.push(`${names.join(', ')} for ${name}`);
          continue;
        }
        const kind = buildPackageKind(installed.manager, name);
        if (kind === 'headers')
          refuse(
            `Line ${lineOf(instruction)} installs ${name}, whose runtime library is not known: cannot tell what the final stage needs.`,
          );
        if (kind) result.buildOnly.push(name);
        else if (!kept.includes(name) && !removedLater.has(name)) kept.push(name);
      }
    }
  }
  if (kept.length > 0)
    result.reasons.push(`${kept.join(', ')} as the original image had ${kept.length === 1 ? 'it' : 'them'}`);
  result.runtime = [...libraries, ...kept.filter((name) => !libraries.includes(name))];
  return result;
}

interface UserSetup {
  /** User and group creation commands as written, repeated in the final stage. */
  commands: string[];
  /** Owners `chown` gave app folders (the folder or one above it), for the final stage's COPY. */
  owners: Map<string, string>;
}

/** RUNs that create the app's user (and own or create app folders): the final stage needs the user too. */
function userSetup(model: DockerfileModel, stage: Stage, appDirs: string[]): UserSetup {
  const setup: UserSetup = { commands: [], owners: new Map() };
  for (const instruction of stage.instructions) {
    const commands = (instruction.run?.commands ?? []).map(effectiveCommand);
    if (!commands.some((command) => userCommands.has(command.program))) continue;
    for (const command of commands) {
      if (userCommands.has(command.program)) {
        setup.commands.push(model.text.slice(command.command.start, command.command.end));
        continue;
      }
      if (!fileCommands.has(command.program))
        refuse(
          `The RUN at line ${lineOf(instruction)} creates a user and runs ${command.program}: split it so the user can be created again in the final stage.`,
        );
      const words = operands(command.args).map((word) => word.value);
      const targets = command.program === 'mkdir' ? words : words.slice(1);
      for (const target of targets) {
        const path = absolute(target, '/');
        if (!appDirs.some((dir) => path === dir || path.startsWith(`${dir}/`) || dir.startsWith(`${path}/`))) {
          refuse(
            `${command.program} ${target} at line ${lineOf(instruction)} changes a path outside the app folder: cannot tell whether the final stage needs it.`,
          );
        }
      }
      if (command.program !== 'chown') continue;
      for (const target of targets) {
        const path = absolute(target, '/');
        const owned = appDirs.filter((dir) => dir === path || dir.startsWith(`${path}/`));
        if (owned.length === 0)
          refuse(
            `chown ${target} at line ${lineOf(instruction)} owns part of an app folder: cannot copy it with one owner.`,
          );
        for (const dir of owned) setup.owners.set(dir, words[0]);
      }
    }
  }
  return setup;
}

/** Every other RUN must do nothing the final stage would miss: installs, cleanups and user setup are understood. */
function checkOtherRuns(stage: Stage, dirs: Map<Instruction, string>): void {
  for (const instruction of stage.instructions) {
    const commands = (instruction.run?.commands ?? []).map(effectiveCommand);
    if (commands.some((command) => userCommands.has(command.program))) continue;
    for (const command of commands) {
      const program = command.program;
      if (packagesInstalledBy(command) || packagesRemovedBy(command) || harmless.has(program)) continue;
      if (['apt-get', 'apt', 'apk'].includes(program)) continue;
      if (pipArgs(command) || ['poetry', 'uv', 'pipenv'].includes(program)) continue;
      // `curl … | python -` runs an installer (poetry's); the tool it installs is only needed to build.
      if (
        /^python(\d+(\.\d+)*)?$/.test(program) &&
        (command.args[0]?.value === '-' || ['--version', '-V'].includes(command.args[0]?.value ?? ''))
      )
        continue;
      if (
        /^python(\d+(\.\d+)*)?$/.test(program) &&
        command.args[0]?.value === '-m' &&
        command.args[1]?.value === 'compileall'
      )
        continue;
      if (
        (/^python(\d+(\.\d+)*)?$/.test(program) &&
          command.args[0]?.value === '-m' &&
          ['venv', 'virtualenv'].includes(command.args[1]?.value ?? '')) ||
        program === 'virtualenv' ||
        (program === 'uv' && command.args[0]?.value === 'venv')
      ) {
        refuse(
          `The RUN at line ${lineOf(instruction)} creates a virtual environment of its own: copying it into a slim stage is not converted yet.`,
        );
      }
      if ((program === 'curl' || program === 'wget') && command.command.pipeline !== undefined) continue;
      if (fileCommands.has(program)) {
        const workdir = dirs.get(instruction) ?? '/';
        const targets = operands(command.args)
          .map((word) => word.value)
          .slice(program === 'mkdir' ? 0 : 1);
        if (
          targets.every(
            (target) => absolute(target, workdir).startsWith(`${workdir === '/' ? '' : workdir}/`) && workdir !== '/',
          )
        )
          continue;
      }
      refuse(
        `The RUN at line ${lineOf(instruction)} runs \`${program}\`: cannot tell whether the final stage needs what it changes.`,
      );
    }
  }
}

/** Distribution names the Dockerfile and the context's manifests install. */
function installedNames(stage: Stage, context: ConvertContext): { names: Set<string>; known: boolean } {
  const names = new Set<string>();
  for (const instruction of stage.instructions) {
    for (const raw of instruction.run?.commands ?? []) {
      const args = pipArgs(effectiveCommand(raw));
      if (args?.[0]?.value === 'install')
        for (const name of requirementOperands(args.slice(1))) names.add(normaliseName(packageBaseName(name)));
    }
  }
  const files = context.files ?? {};
  let known = false;
  for (const [file, text] of Object.entries(files)) {
    if (/^requirements[^/]*\.txt$/.test(file)) {
      known = true;
      for (const line of text.split(/\r?\n/)) {
        const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
        if (name) names.add(normaliseName(name));
      }
    }
    if (file === 'pyproject.toml' || file === 'Pipfile') {
      known = true;
      // Dependency strings ("gunicorn>=22") and poetry/Pipfile tables (gunicorn = "^22") both start with the name.
      for (const match of text.matchAll(
        /(?:^|["'])\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[=<>~!;"'\s]|$)/gm,
      ))
        names.add(normaliseName(match[1]));
    }
  }
  return { names, known };
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The program CMD/ENTRYPOINT starts must be Python, a script of the app or a console script an install provides. */
function checkProgram(
  model: DockerfileModel,
  stage: Stage,
  dirs: Map<Instruction, string>,
  installed: { names: Set<string>; known: boolean },
  appDirs: string[],
  context: ConvertContext,
): void {
  const started = startWords(model, stage, dirs, context);
  const start = started.entrypoint ?? started.cmd;
  if (!start) refuse('No CMD or ENTRYPOINT: cannot tell what the final image runs.');
  if (started.unsafe) refuse(started.unsafe.reason);
  const program = started.words[0];
  if (program === undefined)
    refuse(`${start.keyword} at line ${lineOf(start)} is empty: cannot tell what the final image runs.`);
  // An entry script copied from the context lies in an app folder, which the final stage copies whole.
  if (started.script && !appDirs.some((dir) => started.script?.path.startsWith(`${dir}/`)))
    refuse(
      `The entry script ${started.script.path} is outside the copied app folders: move it under ${appDirs[0] ?? 'the app folder'} first.`,
    );
  const name = program.slice(program.lastIndexOf('/') + 1);
  if (/^python(\d+(\.\d+)*)?$/.test(name)) {
    if (program.includes('/') && !program.startsWith(`${venv}/`))
      refuse(
        `${start.keyword} at line ${lineOf(start)} runs ${program}, which bypasses the virtual environment: run \`${name}\` (found on PATH) instead.`,
      );
    return;
  }
  if (program.includes('/') || program.startsWith('.')) {
    const path = absolute(program, dirs.get(start) ?? '/');
    if (appDirs.some((dir) => path === dir || path.startsWith(`${dir}/`))) return;
    refuse(
      `${start.keyword} at line ${lineOf(start)} runs ${program}, which is not in the copied app folder: cannot tell what it needs.`,
    );
  }
  if (['sh', 'bash', 'ash', 'dash'].includes(name))
    refuse(`${start.keyword} at line ${lineOf(start)} runs a shell: cannot tell what its script needs.`);
  const distribution = normaliseName(scriptPackages[name] ?? name);
  if (installed.names.has(distribution) || scriptOfProject(name, context)) return;
  if (!installed.known)
    refuse(
      `${start.keyword} at line ${lineOf(start)} runs ${name}: cannot tell whether an install provides it (pass the build context with its requirements or pyproject.toml).`,
    );
  refuse(
    `${start.keyword} at line ${lineOf(start)} runs ${name}, which no install in this Dockerfile or its requirements provides: cannot tell what the final stage needs.`,
  );
}

/** A console script the project declares itself ([project.scripts] or [tool.poetry.scripts]). */
function scriptOfProject(name: string, context: ConvertContext): boolean {
  const pyproject = context.files?.['pyproject.toml'];
  if (!pyproject) return false;
  const section =
    /^\[(project\.scripts|tool\.poetry\.scripts)\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject)?.[2] ?? '';
  return new RegExp(`^\\s*["']?${escapeRegExp(name)}["']?\\s*=`, 'm').test(section);
}

/** Slim images have no curl or wget: a HEALTHCHECK calling them would always fail unless the final stage installs them. */
function checkHealthcheck(model: DockerfileModel, stage: Stage, runtime: string[], alpine: boolean): void {
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'HEALTHCHECK') continue;
    const tool = /\b(curl|wget)\b/.exec(argumentText(model, instruction))?.[1];
    if (!tool || runtime.includes(tool) || (alpine && tool === 'wget')) continue;
    refuse(
      `HEALTHCHECK at line ${lineOf(instruction)} uses ${tool}, which the slim image does not have: check with python instead first.`,
    );
  }
}
