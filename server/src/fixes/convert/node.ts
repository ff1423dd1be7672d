import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import type { EffectiveCommand } from '../../model/commands';
import { effectiveCommand, hasOption, operands } from '../../model/commands';
import { packagesInstalledBy } from '../../knowledge/packageManagers';
import { buildPackageKind } from '../../knowledge/buildPackages';
import type { ConvertContext } from './common';
import { installedPackages, runtimeLibrariesOf } from './compiled';
import { contextCopies, contextText, startWords } from './start';
import {
  absolute,
  argumentText,
  assemble,
  buildOnlyCopies,
  expectedGain,
  isNumericUser,
  lineOf,
  refuse,
  sourceOf,
  userOf,
  workdirs,
} from './common';

type Manager = 'npm' | 'yarn' | 'pnpm';

/** Output folders JavaScript build tools write by default (tsc outDir, vite, webpack, rollup, babel). */
const conventionalOutputs = new Set(['dist', 'build', 'out', 'lib', '.output']);
const lockfiles: Record<Manager, string[]> = { npm: [], yarn: ['yarn.lock'], pnpm: ['pnpm-lock.yaml'] };
/** Config the install reads (private registries, yarn settings): the production install needs it too. */
const installConfig = new Set(['.npmrc', '.yarnrc', '.yarnrc.yml']);

/** FROM node + install + build script + CMD node <file> → build stage + slim image with production dependencies and the output. */
export function convertNode(
  model: DockerfileModel,
  stage: Stage,
  originalContext: ConvertContext,
): { text: string; messages: string[] } {
  let context = originalContext;
  const messages: string[] = [];
  const dirs = workdirs(stage, '/');
  const install = findCommand(stage, isInstall);
  if (install) context = withAppManifest(stage, dirs, context, dirs.get(install.instruction) ?? '/');
  if (!install) refuse('No npm ci / npm install / yarn / pnpm install found: nothing to separate.');
  const build = findCommand(stage, isBuild);
  if (!build) return convertWithoutBuild(model, stage, context, install);
  if (install.instruction.index > build.instruction.index)
    refuse(`The install at line ${lineOf(install.instruction)} runs after the build.`);
  const manager = install.command.program as Manager;
  checkScript(context, build.command);

  const workdir = dirs.get(build.instruction) ?? '/';
  const outputDir = outputDirOf(model, stage, workdir, dirs, context);
  const finalImage = slimImage(stage);
  checkRuntime(model, stage, finalImage);

  const user = userOf(stage);
  if (user) {
    const value = argumentText(model, user);
    if (!isNumericUser(value) && !['node', 'root', 'node:node', 'root:root'].includes(value)) {
      refuse(
        `USER ${value} (line ${lineOf(user)}) is created in the build stage only: use USER node or a numeric UID.`,
      );
    }
  }
  const activeUser = stage.instructions
    .filter((instruction) => instruction.keyword === 'USER' && instruction.index < build.instruction.index)
    .pop();
  const chown =
    activeUser && !/^root(:root)?$|^0(:0)?$/.test(argumentText(model, activeUser))
      ? ` --chown=${argumentText(model, activeUser)}`
      : '';

  const copiedConfig = configCopied(stage, build.instruction);
  const packageFiles = [
    join(workdir, 'package*.json'),
    ...[...lockfiles[manager], ...copiedConfig].map((file) => join(workdir, file)),
  ];
  const native = nativeLibraries(stage, finalImage, build.instruction, messages);
  const generated = [
    ...native,
    `COPY --from=build${chown} ${packageFiles.join(' ')} ./`,
    `RUN ${productionInstall(manager, install.command, context)}`,
    `COPY --from=build${chown} ${join(workdir, outputDir)} ./${outputDir}`,
  ];
  const left = buildOnlyCopies({ stage, build: build.instruction }, (source) =>
    /^(\.|\.\/|package(-lock)?\.json|package\*\.json|yarn\.lock|pnpm-lock\.yaml|\.npmrc|\.yarnrc(\.yml)?|tsconfig.*\.json|src\/?)$/.test(
      source,
    ),
  );
  if (left.length > 0)
    messages.push(
      `Only the build stage has ${left.join(', ')}: if the app reads them at run time, COPY --from=build them too.`,
    );
  messages.push(
    `The final stage is ${finalImage} with production dependencies and ${outputDir}/ from the build stage.`,
  );
  const addedUser = user ? undefined : 'USER node';
  if (addedUser) messages.push('Added USER node: the original ran as root (the runtime config differs only in USER).');
  const text = assemble({
    model,
    stage,
    build: build.instruction,
    overrides: new Map(),
    finalImage,
    generated,
    addedUser,
    droppable: (instruction) => isPrune(instruction),
    finalExtra: new Set(['SHELL']),
  });
  if (stage.instructions.some((instruction) => instruction.index > build.instruction.index && isPrune(instruction))) {
    messages.push('Dropped `npm prune` after the build: the final stage installs production dependencies only.');
  }
  return { text, messages };
}

/**
 * The context with the package.json the install reads as its `package.json`: in a monorepo it is the one
 * a COPY brought from a subfolder (`COPY apps/api/package*.json ./`), not the root's.
 */
function withAppManifest(
  stage: Stage,
  dirs: Map<Instruction, string>,
  context: ConvertContext,
  workdir: string,
): ConvertContext {
  const contextPath = contextCopies(stage, dirs)(join(workdir, 'package.json'));
  if (contextPath === undefined || contextPath === 'package.json') return context;
  const text = contextText(context, contextPath);
  return text === undefined ? context : { ...context, files: { ...context.files, 'package.json': text } };
}

interface Found {
  instruction: Instruction;
  command: EffectiveCommand;
  /** A `cd` ran earlier in the same RUN: relative paths no longer follow WORKDIR. */
  afterCd: boolean;
}

function findCommand(stage: Stage, test: (command: EffectiveCommand) => boolean): Found | undefined {
  for (const instruction of stage.instructions) {
    let afterCd = false;
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      if (command.program === 'cd') afterCd = true;
      if (test(command)) return { instruction, command, afterCd };
    }
  }
  return undefined;
}

function isInstall(command: EffectiveCommand): boolean {
  const verb = command.args[0]?.value;
  if (command.program === 'npm')
    return verb === 'ci' || ((verb === 'install' || verb === 'i') && operands(command.args).length === 1);
  if (command.program === 'yarn') return verb === undefined || verb === 'install' || verb.startsWith('-');
  if (command.program === 'pnpm') return verb === 'install' || verb === 'i';
  return false;
}

/** The script a build command runs (`npm run build` → build), or undefined. */
function buildScript(command: EffectiveCommand): string | undefined {
  const words = command.args.map((arg) => arg.value);
  if (!['npm', 'yarn', 'pnpm'].includes(command.program)) return undefined;
  const script =
    words[0] === 'run' || words[0] === 'run-script' ? words[1] : command.program === 'npm' ? undefined : words[0];
  return script !== undefined && /^build(:|$)/.test(script) ? script : undefined;
}

function isBuild(command: EffectiveCommand): boolean {
  return buildScript(command) !== undefined;
}

function isPrune(instruction: Instruction): boolean {
  const commands = instruction.run?.commands ?? [];
  return (
    commands.length > 0 &&
    commands.every((raw) => {
      const command = effectiveCommand(raw);
      return command.program === 'npm' && command.args[0]?.value === 'prune';
    })
  );
}

function checkScript(context: ConvertContext, command: EffectiveCommand): void {
  const text = context.files?.['package.json'];
  if (text === undefined) return;
  const script = buildScript(command) ?? 'build';
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
  } catch {
    refuse('package.json is not valid JSON.');
  }
  if (typeof scripts !== 'object' || scripts === null || !(script in scripts))
    refuse(`package.json has no "${script}" script.`);
}

/** The output folder the CMD's script lives in (`node dist/server.js` → dist), refused when the build may not make it. */
function outputDirOf(
  model: DockerfileModel,
  stage: Stage,
  workdir: string,
  dirs: Map<Instruction, string>,
  context: ConvertContext,
): string {
  const start = startWords(model, stage, dirs, context);
  if (start.unsafe) refuse(start.unsafe.reason);
  if (start.globbed) refuse('The start command has a glob: cannot tell which files it runs.');
  if (start.script)
    refuse(
      `The entry script ${start.script.contextPath} comes from the build context: the final stage of a build would need it too, which is not converted yet.`,
    );
  const words = start.words.filter((word) => !word.includes('$'));
  if (words.length === 0) refuse('No CMD or ENTRYPOINT: cannot tell which files the app runs.');
  if (words[0] !== 'node' && words[0] !== '/usr/local/bin/node')
    refuse(`The image runs \`${words.join(' ')}\`, not \`node <file>\`: cannot tell which files it needs.`);
  const file = words.slice(1).find((word) => !word.startsWith('-'));
  if (!file) refuse('`node` runs without a script file: cannot tell which files the app runs.');
  const path = absolute(file, workdir);
  if (!path.startsWith(`${workdir === '/' ? '' : workdir}/`))
    refuse(`The script ${file} is outside the working directory ${workdir}.`);
  const relative = path.slice(workdir === '/' ? 1 : workdir.length + 1);
  const slash = relative.indexOf('/');
  if (slash < 0) refuse(`The script ${file} is not under a build output folder: cannot tell what the build produces.`);
  const dir = relative.slice(0, slash);
  const inContext = context.rootEntries?.includes(dir);
  const copied = stage.instructions.some(
    (instruction) =>
      instruction.copy &&
      instruction.copy.sources.some((source) => source.replace(/^\.\//, '').replace(/\/$/, '') === dir),
  );
  if (inContext || copied)
    refuse(`The script ${file} is under ${dir}/, which comes from the build context: it is not a build output.`);
  if (context.rootEntries === undefined && !conventionalOutputs.has(dir))
    refuse(`Cannot tell whether ${dir}/ is made by the build (pass the context).`);
  return dir;
}

/** node:22 → node:22-slim, node:22-bookworm → node:22-bookworm-slim; alpine and slim tags stay. */
function slimImage(stage: Stage): string {
  const image = stage.image;
  if (image.digest) refuse('The node image is pinned by digest: cannot tell the digest of its slim variant.');
  const raw = image.raw;
  const tag = image.tag;
  if (tag === undefined) return `${raw}:slim`;
  if (/alpine|slim/.test(tag)) return raw;
  return `${raw}-slim`;
}

/** Slim images have no curl or wget: a HEALTHCHECK calling them would always fail. */
function checkRuntime(model: DockerfileModel, stage: Stage, finalImage: string): void {
  if (/alpine/.test(finalImage)) return;
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'HEALTHCHECK') continue;
    if (/\b(curl|wget)\b/.test(argumentText(model, instruction))) {
      refuse(
        `HEALTHCHECK at line ${lineOf(instruction)} uses curl/wget, which ${finalImage} does not have: check with node instead first.`,
      );
    }
  }
  for (const instruction of stage.instructions) {
    for (const raw of instruction.run?.commands ?? []) {
      const installed = packagesInstalledBy(effectiveCommand(raw));
      const runtime = installed?.packages.filter(
        (name) =>
          !buildPackageKind(installed.manager, name) && installed.manager !== 'npm' && installed.manager !== 'yarn',
      );
      if (runtime && runtime.length > 0)
        refuse(
          `Line ${lineOf(instruction)} installs ${runtime.join(', ')}, which the app may need at run time: cannot tell.`,
        );
    }
  }
}

function configCopied(stage: Stage, build: Instruction): string[] {
  const found = new Set<string>();
  for (const instruction of stage.instructions) {
    if (instruction.index > build.index || !instruction.copy) continue;
    for (const source of instruction.copy.sources) {
      const name = source.replace(/^\.\//, '');
      if (installConfig.has(name)) found.add(name);
    }
  }
  return [...found];
}

function productionInstall(manager: Manager, install: EffectiveCommand, context: ConvertContext): string {
  if (manager === 'npm')
    return `npm ${install.args[0]?.value === 'ci' ? 'ci' : 'install'} --omit=dev && npm cache clean --force`;
  if (manager === 'yarn') {
    const packageManager = packageManagerField(context);
    if (packageManager && !/^yarn@1\./.test(packageManager))
      refuse(`package.json uses ${packageManager}: only Yarn 1 production installs are converted.`);
    return 'yarn install --frozen-lockfile --production && yarn cache clean';
  }
  return 'corepack enable pnpm && pnpm install --frozen-lockfile --prod';
}

function packageManagerField(context: ConvertContext): string | undefined {
  try {
    const value = (JSON.parse(context.files?.['package.json'] ?? '{}') as { packageManager?: unknown }).packageManager;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function join(dir: string, file: string): string {
  return dir === '/' ? `/${file}` : `${dir}/${file}`;
}

/** Programs a Node image without a build step may start: node itself and the package managers the slim image carries. */
const nodeRunners = new Set(['node', 'npm', 'yarn', 'npx']);
/** Commands a RUN of a Node app without a build may hold besides package installs: they change nothing outside the app. */
const harmless = new Set(['rm', 'echo', 'true', 'ls']);
const fileCommands = new Set(['mkdir', 'chown', 'chmod']);

/**
 * FROM node + a dependency install, no build script → the original stage with a production install (native
 * modules compile where gcc and python are) and the slim image with the app folder as that stage left it:
 * the same files minus dev dependencies and the full image's toolchain.
 */
function convertWithoutBuild(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
  install: Found,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  const dirs = workdirs(stage, '/');
  const manager = install.command.program as Manager;
  const appDir = dirs.get(install.instruction) ?? '/';
  if (install.afterCd)
    refuse(`The install at line ${lineOf(install.instruction)} runs after cd: cannot tell where node_modules lands.`);
  if (appDir === '/') refuse('The app is installed in /: set a WORKDIR for it first, so the final stage can copy it.');
  const start = startWords(model, stage, dirs, context);
  if (start.unsafe) refuse(start.unsafe.reason);
  const program = start.words[0];
  const instruction = start.entrypoint ?? start.cmd;
  if (program === undefined || !instruction) refuse('No CMD or ENTRYPOINT: cannot tell what the final image runs.');
  const name = program.slice(program.lastIndexOf('/') + 1);
  if (!nodeRunners.has(name) || (program.includes('/') && !/^\/usr\/(local\/)?bin\//.test(program)))
    refuse(
      `${instruction.keyword} at line ${lineOf(instruction)} runs \`${start.words.join(' ')}\`, not node or a package manager: cannot tell what it needs from the full image.`,
    );
  const finalImage = slimImage(stage);
  if (finalImage === stage.image.raw)
    refuse(
      `The base image is already slim or Alpine and nothing is built: a second stage would not make it smaller (${finalImage}; install with --omit=dev in place instead).`,
    );
  checkRuntime(model, stage, finalImage);
  checkAppOnly(stage, dirs, appDir, install);
  const user = userOf(stage);
  if (user) {
    const value = argumentText(model, user);
    if (!isNumericUser(value) && !['node', 'root', 'node:node', 'root:root'].includes(value))
      refuse(
        `USER ${value} (line ${lineOf(user)}) is created in the original image only: use USER node or a numeric UID.`,
      );
  }
  const build = [...stage.instructions].reverse().find((candidate) => candidate.run || candidate.copy);
  if (!build) refuse('No RUN or COPY: nothing to build.');
  const production = productionFlag(manager, install.command, context);
  const overrides = new Map<Instruction, string>();
  if (production) {
    if (install.instruction.run?.form !== 'shell')
      refuse(`The install at line ${lineOf(install.instruction)} is not in shell form: cannot add ${production}.`);
    const text = sourceOf(model, install.instruction);
    const at = install.command.command.end - install.instruction.start;
    overrides.set(install.instruction, `${text.slice(0, at)} ${production}${text.slice(at)}`);
    messages.push(
      `Added ${production} to the install at line ${lineOf(install.instruction)}: only production dependencies reach the final stage.`,
    );
  }
  const chown = copyOwner(stage);
  const generated = [
    ...nativeLibraries(stage, finalImage, build, messages),
    `COPY --from=build${chown ? ` --chown=${chown}` : ''} ${appDir} ${appDir}`,
  ];
  const addedUser = user ? undefined : 'USER node';
  if (addedUser) messages.push('Added USER node: the original ran as root (the runtime config differs only in USER).');
  messages.push(
    `The final stage is ${finalImage} with ${appDir} as the build stage left it (the app runs its sources, with production dependencies only); keep tests and docs out with .dockerignore.`,
  );
  const gain = expectedGain(stage, finalImage, 'and dev dependencies stay out');
  if (gain) messages.push(gain);
  const text = assemble({
    model,
    stage,
    build,
    overrides,
    finalImage,
    generated,
    addedUser,
    droppable: () => false,
    finalExtra: new Set(['SHELL']),
  });
  return { text, messages };
}

/** Every COPY puts files under the app folder and every RUN changes only the app folder (or installs build packages, checked elsewhere). */
function checkAppOnly(stage: Stage, dirs: Map<Instruction, string>, appDir: string, install: Found): void {
  const inside = (path: string) => path === appDir || path.startsWith(`${appDir}/`);
  for (const instruction of stage.instructions) {
    const copy = instruction.copy;
    if (copy) {
      if (copy.from !== undefined)
        refuse(
          `${instruction.keyword} --from at line ${lineOf(instruction)} copies from another image: not converted.`,
        );
      const destination =
        copy.destination === undefined ? undefined : absolute(copy.destination, dirs.get(instruction) ?? '/');
      if (destination === undefined || destination.includes('$') || !inside(destination.replace(/\/$/, '')))
        refuse(
          `${instruction.keyword} at line ${lineOf(instruction)} copies outside the app folder ${appDir}: cannot tell whether the final stage needs it.`,
        );
    }
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      if (
        command === install.command ||
        packagesInstalledBy(command)?.manager === 'apt' ||
        packagesInstalledBy(command)?.manager === 'apk'
      ) {
        if (['npm', 'yarn', 'pnpm'].includes(command.program) && isGlobal(command))
          refuse(`Line ${lineOf(instruction)} installs a global package: the final stage would not have it.`);
        continue;
      }
      if (['apt-get', 'apt', 'apk'].includes(command.program) || harmless.has(command.program)) continue;
      if (['npm', 'yarn', 'pnpm'].includes(command.program)) {
        const verb = command.args[0]?.value;
        if (verb === 'cache' || verb === 'config') continue;
        refuse(
          `Line ${lineOf(instruction)} runs \`${command.program} ${verb ?? ''}\`, which may need the dev dependencies a production install leaves out: cannot convert it safely.`,
        );
      }
      if (fileCommands.has(command.program)) {
        const targets = operands(command.args)
          .map((word) => word.value)
          .slice(command.program === 'mkdir' ? 0 : 1);
        if (targets.every((target) => inside(absolute(target, dirs.get(instruction) ?? '/')))) continue;
      }
      refuse(
        `The RUN at line ${lineOf(instruction)} runs \`${command.program}\`: cannot tell whether the final stage needs what it changes.`,
      );
    }
  }
}

function isGlobal(command: EffectiveCommand): boolean {
  return hasOption(command.args, '-g', '--global') || command.args[0]?.value === 'global';
}

/** The one `--chown` the context copies use, so the final stage's copy keeps the owner; refused when they differ. */
function copyOwner(stage: Stage): string | undefined {
  const owners = new Set(
    stage.instructions
      .filter((instruction) => instruction.copy)
      .map((instruction) => instruction.flags.find((flag) => flag.name === 'chown')?.value ?? ''),
  );
  if (owners.size > 1)
    refuse(
      `The COPY instructions give files different owners (${[...owners].map((owner) => owner || 'root').join(', ')}): cannot copy the app folder with one.`,
    );
  const [owner] = owners;
  return owner || undefined;
}

/** The flag that makes the install production-only, or undefined when it already is. */
function productionFlag(manager: Manager, install: EffectiveCommand, context: ConvertContext): string | undefined {
  if (hasOption(install.args, '--omit', '--production', '--prod', '--only', '-P')) return undefined;
  if (manager === 'npm') return '--omit=dev';
  if (manager === 'pnpm') return '--prod';
  const packageManager = packageManagerField(context);
  if (packageManager && !/^yarn@1\./.test(packageManager))
    refuse(`package.json uses ${packageManager}: only Yarn 1 production installs are converted.`);
  return '--production';
}

/** Header packages every image has the library of (the C library, the kernel's headers). */
const baseHeaders = /^(libc6?-dev|linux-libc-dev|linux-headers.*|musl-dev)$/;

/**
 * Native modules (node-gyp) compiled against `-dev` packages in the build stage link their libraries at
 * run time: the final stage installs the libraries Debian's index says those packages stand for
 * (libpq-dev → libpq5), or the conversion refuses when it cannot tell (Alpine has no index here).
 */
function nativeLibraries(stage: Stage, finalImage: string, build: Instruction, messages: string[]): string[] {
  const headers = installedPackages(stage, build).flatMap((install) =>
    install.build.filter((name) => buildPackageKind(install.manager, name) === 'headers' && !baseHeaders.test(name)),
  );
  if (headers.length === 0) return [];
  if (/alpine/.test(finalImage))
    refuse(
      `The build installs ${headers.join(', ')} for native modules: cannot tell which Alpine libraries the final stage needs (no Alpine index here).`,
    );
  const tag = stage.image.tag ?? '';
  const major = Number(/^(\d+)/.exec(tag)?.[1] ?? 0);
  // Tags without a suite: node 18–22 are built on bookworm, 24 and later on trixie.
  const suite = /\b(bullseye|bookworm|trixie)\b/.exec(tag)?.[1] ?? (major >= 24 || major === 0 ? 'trixie' : 'bookworm');
  const libraries = runtimeLibrariesOf(headers, suite);
  if (libraries.length === 0) return [];
  const user = stage.instructions.find(
    (instruction) =>
      instruction.keyword === 'USER' &&
      instruction.index < build.index &&
      !/^(root|0)(:(root|0))?$/.test(instruction.args.map((arg) => arg.value).join(' ')),
  );
  if (user)
    refuse(
      `USER at line ${user.range.start.line + 1} comes before the build: the final stage could not install ${libraries.join(', ')} for the native modules as that user.`,
    );
  messages.push(
    `The final stage installs ${libraries.join(', ')}: native modules built against ${headers.join(', ')} link ${libraries.length === 1 ? 'it' : 'them'} at run time (Debian ${suite}'s index).`,
  );
  return [
    `RUN apt-get update && apt-get install -y --no-install-recommends ${libraries.join(' ')} && rm -rf /var/lib/apt/lists/*`,
  ];
}
