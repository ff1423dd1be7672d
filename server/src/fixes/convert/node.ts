import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import type { EffectiveCommand } from '../../model/commands';
import { effectiveCommand, operands } from '../../model/commands';
import { packagesInstalledBy } from '../../knowledge/packageManagers';
import { buildPackageKind } from '../../knowledge/buildPackages';
import type { ConvertContext } from './common';
import {
  absolute,
  argumentText,
  assemble,
  buildOnlyCopies,
  isNumericUser,
  lineOf,
  refuse,
  startWords,
  userOf,
  workdirs,
} from './common';

type Manager = 'npm' | 'yarn' | 'pnpm';

/** Output folders JavaScript build tools write by default (tsc outDir, vite, webpack, rollup, babel). */
const conventionalOutputs = new Set(['dist', 'build', 'out', 'lib', '.output']);
const lockfiles: Record<Manager, string[]> = { npm: [], yarn: ['yarn.lock'], pnpm: ['pnpm-lock.yaml'] };
/** Config the install reads (private registries, yarn settings): the production install needs it too. */
const installConfig = new Set(['.npmrc', '.yarnrc', '.yarnrc.yml']);
/** Characters that make a shell-form CMD more than one plain command. */
const shellFeatures = /[$&|;<>()`'"*?~{}[\]\\#\n]/;

/** FROM node + install + build script + CMD node <file> → build stage + slim image with production dependencies and the output. */
export function convertNode(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  const dirs = workdirs(stage, '/');
  const install = findCommand(stage, isInstall);
  if (!install) refuse('No npm ci / npm install / yarn / pnpm install found: nothing to separate.');
  const build = findCommand(stage, isBuild);
  if (!build)
    refuse(
      'No build script (`npm run build`, `yarn build`, `pnpm build`) found: the app runs its sources, a build stage would not make the image smaller.',
    );
  if (install.instruction.index > build.instruction.index)
    refuse(`The install at line ${lineOf(install.instruction)} runs after the build.`);
  const manager = install.command.program as Manager;
  checkScript(context, build.command);

  const workdir = dirs.get(build.instruction) ?? '/';
  const outputDir = outputDirOf(model, stage, workdir, context);
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
    `${join(workdir, 'package*.json')}`,
    ...[...lockfiles[manager], ...copiedConfig].map((file) => join(workdir, file)),
  ];
  const generated = [
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

interface Found {
  instruction: Instruction;
  command: EffectiveCommand;
}

function findCommand(stage: Stage, test: (command: EffectiveCommand) => boolean): Found | undefined {
  let found: Found | undefined;
  for (const instruction of stage.instructions) {
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      if (test(command) && !found) found = { instruction, command };
    }
  }
  return found;
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
function outputDirOf(model: DockerfileModel, stage: Stage, workdir: string, context: ConvertContext): string {
  const start = startWords(model, stage, shellFeatures);
  if (start.unsafe)
    refuse(
      `Shell-form ${start.unsafe.keyword} at line ${lineOf(start.unsafe)} uses shell features: cannot tell which files it runs.`,
    );
  const words = start.words;
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
