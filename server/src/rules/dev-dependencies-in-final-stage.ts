import { buildToolchain } from '../knowledge/buildCommands';
import { effectiveCommandsOf } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { DocumentWord, DockerfileModel, Instruction } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import { needsItsToolchain, recordEnvironment } from '../knowledge/imagePurpose';
import type { Fix } from './types';
import { defineRule } from './types';

/**
 * Environment a stage's RUNs see, from ENV and ARG (ARG values are environment variables of RUN too).
 * `null` = set, but to something LayerLens cannot know (`ARG NODE_ENV`, `ENV NODE_ENV=$MODE`).
 */
type Environment = Map<string, string | null>;

interface DevInstall {
  ecosystem: 'npm' | 'yarn' | 'pnpm' | 'bun' | 'pip' | 'poetry' | 'uv' | 'pipenv' | 'bundle' | 'composer';
  what: string;
  advice: string;
  /** The word after which `--omit=dev` can go (npm without package arguments). */
  verbWord?: DocumentWord;
  /** `--include=dev` was given. */
  include?: boolean;
}

/** Programs that may install dependencies (plus `pip3.12`, `python3 -m pip`, matched by prefix). */
const installers = new Set([
  'npm',
  'yarn',
  'pnpm',
  'bun',
  'pip',
  'python',
  'uv',
  'poetry',
  'pipenv',
  'bundle',
  'bundler',
  'composer',
  'composer.phar',
]);

/** How each Node package manager leaves devDependencies out, for the message when a build needs them first. */
const productionInstall: Record<string, { flag: string; prune: string }> = {
  npm: { flag: '--omit=dev', prune: 'npm prune --omit=dev' },
  yarn: { flag: '--production', prune: 'yarn install --production' },
  pnpm: { flag: '--prod', prune: 'pnpm prune --prod' },
  bun: { flag: '--production', prune: 'bun install --production' },
};

const npmInstallVerbs = new Set([
  'install',
  'i',
  'in',
  'ins',
  'inst',
  'insta',
  'instal',
  'isnt',
  'isnta',
  'isntal',
  'isntall',
  'add',
  'ci',
  'clean-install',
  'ic',
  'install-clean',
  'isntall-clean',
]);
/** npm options that take a separate value (`--omit dev`): their value is not a package argument. */
const npmValueOptions = new Set([
  '--omit',
  '--only',
  '--include',
  '--registry',
  '--cache',
  '--prefix',
  '--loglevel',
  '--userconfig',
  '-C',
  '--workspace',
  '-w',
]);
const devExtras = /\[[^\]]*\b(dev|develop|development|test|tests|testing|lint|docs)\b[^\]]*\]/i;
const devRequirementFile =
  /(^|[/_.-])(dev|devel|develop|development|test|tests|testing|lint|local)([/_.-][^/]*)?\.(txt|in)$/i;

export const rule = defineRule({
  meta: {
    name: 'dev-dependencies-in-final-stage',
    severity: 'warning',
    fixable: true,
    docs: {
      summary:
        'The shipped stage installs development dependencies: npm/yarn/pnpm/bun without production mode, dev requirement files, poetry/uv dev groups, bundler without BUNDLE_WITHOUT, composer without --no-dev.',
      rationale:
        'devDependencies, dev requirement files and development gem groups hold test runners, linters, bundlers and type definitions: often ' +
        'more than the runtime dependencies, and more code with known vulnerabilities in the image that runs. Install them in a build or ' +
        'test stage; in the shipped stage install production dependencies only (`npm ci --omit=dev`, `NODE_ENV=production`, `yarn install ' +
        '--production`, `pnpm install --prod`, `poetry install --only main`, `uv sync --no-dev`, `BUNDLE_WITHOUT=development:test`, ' +
        '`composer install --no-dev`). A prune in the same RUN (`npm ci && npm run build && npm prune --omit=dev`) is fine; a prune in a ' +
        'later RUN does not shrink the image. When the stage builds after installing, the build needs the dev dependencies: move the build ' +
        'to an earlier stage. The quick fix adds `--omit=dev` to a plain `npm ci`/`npm install` when no build or script runs after it ' +
        '(`--only=production` for Node images older than 15, whose npm ignores --omit). Build stages are never flagged, nor are ' +
        'development, test and toolchain images: no program of their own, an ONBUILD base, a CMD/ENTRYPOINT that runs tests or a dev server ' +
        '(`npm run dev`, `ng serve`, `yarn serve`, `playwright test`) or a build tool, or `NODE_ENV=development`. A Node install is not ' +
        'flagged either when the package.json at the build-context root, the one the image copies, declares no devDependencies.',
      bad: 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
      good: 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
    },
    messages: {
      devDependencies: '`{{command}}` installs {{what}} in the shipped image. {{advice}}',
      buildNeedsThem:
        '`{{command}}` installs {{what}} for `{{build}}` on line {{line}}, and they ship with the image. Build in an earlier stage and install here with {{flag}}, or prune in this same RUN (`{{prune}}`).',
    },
  },
  check({ model, context, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    const layers = layersOf(shipped);
    // Development, test and toolchain images (no program of their own, a dev server, tests, NODE_ENV=development) need them.
    if (needsItsToolchain(layers)) return;
    // The package.json the image installs from declares no devDependencies: a Node install has none to leave out.
    const noNodeDevDependencies = context.packageJson?.devDependencies === false && installsRootManifest(layers);
    const environment: Environment = new Map();
    let bundleWithout = false;
    const runs = layers.map((instruction) => (instruction.run?.posixShell ? effectiveCommandsOf(instruction.run) : []));
    for (const [layerIndex, instruction] of layers.entries()) {
      if (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') {
        recordEnvironment(instruction, environment);
        continue;
      }
      const run = instruction.run;
      if (!run) continue;
      // The model has no shell assignments: `NODE_ENV=production npm ci` and `export NODE_ENV=production` show in the script.
      let inlineProduction: boolean | undefined;
      const commands = runs[layerIndex];
      for (const [index, command] of commands.entries()) {
        if (!installers.has(command.program) && !/^(pip|python)\d/.test(command.program)) continue;
        if (configuresBundleWithout(command)) bundleWithout = true;
        inlineProduction ??= /\bNODE_ENV=["']?production\b/.test(run.script);
        const dev = devInstallOf(command, environment, inlineProduction, bundleWithout);
        if (!dev || (noNodeDevDependencies && productionInstall[dev.ecosystem])) continue;
        if (commands.slice(index + 1).some((later) => prunesDevDependencies(later, dev.ecosystem))) continue;
        const build = productionInstall[dev.ecosystem] ? laterUse(layers, runs, layerIndex, index) : undefined;
        const shown = shorten(model.text.slice(command.nameWord.start, command.command.end));
        const range = model.lines.range(command.nameWord.start, command.command.end);
        if (build) {
          const { flag, prune } = productionInstall[dev.ecosystem];
          report({
            messageId: 'buildNeedsThem',
            data: {
              command: shown,
              what: dev.what,
              build: shorten(model.text.slice(build.command.nameWord.start, build.command.command.end)),
              line: build.instruction.range.start.line + 1,
              flag,
              prune,
            },
            range,
          });
          continue;
        }
        report({
          messageId: 'devDependencies',
          data: { command: shown, what: dev.what, advice: dev.advice },
          range,
          fix: omitDevFix(model, instruction, dev),
        });
      }
    }
  },
});

/** Every package.json the layers copy from the build context is the root one (`package*.json`, `.`). */
function installsRootManifest(layers: Instruction[]): boolean {
  const sources = layers.flatMap((instruction) =>
    instruction.copy && instruction.copy.from === undefined ? instruction.copy.sources : [],
  );
  const manifests = sources.filter((source) => /(^|\/)package[^/]*\.json$/.test(source));
  return manifests.every((source) => /^(\.\/)?package[^/]*\.json$/.test(source));
}

/** The first command after `runs[layerIndex][index]` in the shipped image that runs a build or a package script. */
function laterUse(
  layers: Instruction[],
  runs: EffectiveCommand[][],
  layerIndex: number,
  index: number,
): { command: EffectiveCommand; instruction: Instruction } | undefined {
  for (let layer = layerIndex; layer < layers.length; layer++) {
    const commands = layer === layerIndex ? runs[layer].slice(index + 1) : runs[layer];
    const command = commands.find(needsDevDependencies);
    if (command) return { command, instruction: layers[layer] };
  }
  return undefined;
}

function shorten(text: string): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > 60 ? `${single.slice(0, 57)}…` : single;
}

/** An environment variable, names compared case-insensitively as npm does for `npm_config_*`. */
function variable(environment: Environment, name: string): string | null | undefined {
  for (const [key, value] of environment) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

/** True when the variable is set to one of the values, or to something unknown (benefit of the doubt). */
function setTo(environment: Environment, name: string, ...values: string[]): boolean {
  const value = variable(environment, name);
  return value === null || (value !== undefined && values.includes(value.toLowerCase()));
}

function words(command: EffectiveCommand): string[] {
  return command.args.map((arg) => arg.value);
}

/** `--name`, `--name=value` or `--name value`; the value (or '' for a bare flag), else undefined. */
function optionValue(args: string[], ...names: string[]): string | undefined {
  for (const [index, arg] of args.entries()) {
    for (const name of names) {
      if (arg === name) return args[index + 1] !== undefined && !args[index + 1].startsWith('-') ? args[index + 1] : '';
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    }
  }
  return undefined;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() !== 'false' && value !== '0';
}

function nodeProduction(args: string[], environment: Environment, inlineProduction: boolean): boolean {
  if (optionValue(args, '--include') === 'dev' || optionValue(args, '--production', '--prod') === 'false') return false;
  if (optionValue(args, '--omit') === 'dev' || args.some((arg) => /^--omit=(.*,)?dev(,|$)/.test(arg))) return true;
  if (/^prod/.test(optionValue(args, '--only') ?? '') || isTrue(optionValue(args, '--production', '--prod')))
    return true;
  if (args.includes('-P') || args.includes('-p')) return true;
  return (
    inlineProduction ||
    setTo(environment, 'NODE_ENV', 'production') ||
    setTo(environment, 'npm_config_production', 'true', '1') ||
    setTo(environment, 'npm_config_omit', 'dev') ||
    setTo(environment, 'YARN_PRODUCTION', 'true', '1')
  );
}

/** Non-option words, skipping the values of options that take one. */
function positional(command: EffectiveCommand, valueOptions: Set<string>): DocumentWord[] {
  const result: DocumentWord[] = [];
  for (let index = 0; index < command.args.length; index++) {
    const arg = command.args[index];
    if (valueOptions.has(arg.value)) index++;
    else if (!arg.value.startsWith('-')) result.push(arg);
  }
  return result;
}

/** `yarn --version` prints; a bare `yarn` installs. */
const informational = new Set(['--version', '-v', '--help', '-h']);

const nodeWhat = 'devDependencies (test tools, bundlers, types)';

function devInstallOf(
  command: EffectiveCommand,
  environment: Environment,
  inlineProduction: boolean,
  bundleWithout: boolean,
): DevInstall | undefined {
  const args = words(command);
  const program = command.program;
  if (program === 'npm') {
    const [verb, ...packages] = positional(command, npmValueOptions);
    if (
      !verb ||
      !npmInstallVerbs.has(verb.value) ||
      packages.length > 0 ||
      args.includes('-g') ||
      args.includes('--global')
    )
      return undefined;
    if (nodeProduction(args, environment, inlineProduction)) return undefined;
    return {
      ecosystem: 'npm',
      what: nodeWhat,
      advice: 'Add --omit=dev (or set NODE_ENV=production before it).',
      verbWord: verb,
      include: optionValue(args, '--include') !== undefined,
    };
  }
  if (program === 'yarn') {
    const operands = positional(
      command,
      new Set(['--cwd', '--modules-folder', '--cache-folder', '--network-timeout', '--mutex']),
    ).map((word) => word.value);
    const bare = operands.length === 0 && !args.some((arg) => informational.has(arg));
    const installs =
      bare ||
      (operands.length === 1 && operands[0] === 'install') ||
      (operands[0] === 'workspaces' && operands[1] === 'focus');
    if (!installs || args.includes('--global') || nodeProduction(args, environment, inlineProduction)) return undefined;
    return {
      ecosystem: 'yarn',
      what: nodeWhat,
      advice: 'Add --production (Yarn 1), or use `yarn workspaces focus --production` (Yarn 2+).',
    };
  }
  if (program === 'pnpm' || program === 'bun') {
    const operands = positional(command, new Set(['--filter', '-F', '--dir', '-C', '--store-dir'])).map(
      (word) => word.value,
    );
    if (
      operands.length !== 1 ||
      !['install', 'i'].includes(operands[0]) ||
      args.includes('-g') ||
      args.includes('--global')
    )
      return undefined;
    if (nodeProduction(args, environment, inlineProduction)) return undefined;
    return program === 'pnpm'
      ? { ecosystem: 'pnpm', what: nodeWhat, advice: 'Add --prod (or set NODE_ENV=production before it).' }
      : { ecosystem: 'bun', what: nodeWhat, advice: 'Add --production.' };
  }
  const pip = pipArguments(command);
  if (pip) {
    const [verb] = pip.filter((arg) => !arg.startsWith('-'));
    if (verb !== 'install') return undefined;
    const requirement = requirementFiles(pip).find((file) => devRequirementFile.test(file));
    if (requirement)
      return {
        ecosystem: 'pip',
        what: `the development requirements of \`${requirement}\``,
        advice: 'Install them only in a build or test stage.',
      };
    const extra = pip.find((arg) => !arg.startsWith('-') && devExtras.test(arg));
    if (extra)
      return {
        ecosystem: 'pip',
        what: `the development extras of \`${extra}\``,
        advice: 'Install the package without them here; keep them for a test stage.',
      };
    return undefined;
  }
  const operands = args.filter((arg) => !arg.startsWith('-'));
  if (program === 'poetry' && operands[0] === 'install') {
    const only = optionValue(args, '--only');
    const without = optionValue(args, '--without') ?? '';
    if (
      args.includes('--no-dev') ||
      args.includes('--only-root') ||
      (only !== undefined && !/\bdev\b/.test(only)) ||
      /\bdev\b/.test(without)
    )
      return undefined;
    return { ecosystem: 'poetry', what: 'the dev dependency group', advice: 'Add --only main (or --without dev).' };
  }
  if (program === 'uv' && operands[0] === 'sync') {
    const onlyGroup = optionValue(args, '--only-group');
    if (
      args.includes('--no-dev') ||
      args.includes('--no-default-groups') ||
      (onlyGroup !== undefined && onlyGroup !== 'dev') ||
      setTo(environment, 'UV_NO_DEV', '1', 'true')
    )
      return undefined;
    return { ecosystem: 'uv', what: 'the dev dependency group', advice: 'Add --no-dev.' };
  }
  if (
    program === 'pipenv' &&
    (operands[0] === 'install' || operands[0] === 'sync') &&
    (args.includes('--dev') || args.includes('-d'))
  ) {
    return { ecosystem: 'pipenv', what: 'the [dev-packages] of the Pipfile', advice: 'Drop --dev here.' };
  }
  if ((program === 'bundle' || program === 'bundler') && operands[0] === 'install') {
    const configured = (name: string) => {
      const value = variable(environment, name);
      return value === null || (value !== undefined && value !== '');
    };
    if (
      bundleWithout ||
      /development|test/.test(optionValue(args, '--without') ?? '') ||
      configured('BUNDLE_WITHOUT') ||
      configured('BUNDLE_ONLY')
    )
      return undefined;
    return {
      ecosystem: 'bundle',
      what: 'the development and test gem groups',
      advice: 'Set `ENV BUNDLE_WITHOUT="development:test"` before it.',
    };
  }
  if ((program === 'composer' || program === 'composer.phar') && operands[0] === 'install') {
    if (args.includes('--no-dev') || setTo(environment, 'COMPOSER_NO_DEV', '1', 'true')) return undefined;
    return { ecosystem: 'composer', what: 'the require-dev packages', advice: 'Add --no-dev.' };
  }
  return undefined;
}

/** The arguments after `pip`, `pip3`, `python -m pip` or `uv pip`; undefined for other commands. */
function pipArguments(command: EffectiveCommand): string[] | undefined {
  const args = words(command);
  if (/^pip\d*(\.\d+)?$/.test(command.program)) return args;
  if (/^python\d*(\.\d+)?$/.test(command.program)) {
    const module = args.indexOf('-m');
    return module >= 0 && args[module + 1] === 'pip' ? args.slice(module + 2) : undefined;
  }
  if (command.program === 'uv' && args[0] === 'pip') return args.slice(1);
  return undefined;
}

function requirementFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const [index, arg] of args.entries()) {
    if ((arg === '-r' || arg === '--requirement' || arg === '-c' || arg === '--constraint') && args[index + 1])
      files.push(args[index + 1]);
    else if (arg.startsWith('--requirement=')) files.push(arg.slice('--requirement='.length));
    else if (/^-r[^-]/.test(arg)) files.push(arg.slice(2));
  }
  return files.filter((file) => !file.includes('$'));
}

/** `bundle config set --local without 'development test'` (or the older `bundle config without …`). */
function configuresBundleWithout(command: EffectiveCommand): boolean {
  if (command.program !== 'bundle' && command.program !== 'bundler') return false;
  const operands = words(command).filter((arg) => !arg.startsWith('-'));
  return (
    operands[0] === 'config' && (operands[1] === 'without' || (operands[1] === 'set' && operands[2] === 'without'))
  );
}

/** A later command of the same RUN that leaves only production dependencies. */
function prunesDevDependencies(command: EffectiveCommand, ecosystem: DevInstall['ecosystem']): boolean {
  const args = words(command);
  const operands = args.filter((arg) => !arg.startsWith('-'));
  const production = nodeProduction(args, new Map(), false);
  switch (ecosystem) {
    case 'npm':
    case 'yarn':
    case 'pnpm':
    case 'bun': {
      if (!['npm', 'yarn', 'pnpm', 'bun'].includes(command.program)) return false;
      if (operands[0] === 'prune') return production;
      return (
        production &&
        (operands.length === 0 ||
          ['install', 'i', 'ci'].includes(operands[0]) ||
          (operands[0] === 'workspaces' && operands[1] === 'focus'))
      );
    }
    case 'composer':
      return (
        (command.program === 'composer' || command.program === 'composer.phar') &&
        operands[0] === 'install' &&
        args.includes('--no-dev')
      );
    case 'poetry':
      // `poetry install --only main --sync` removes what is not in the main group.
      return (
        command.program === 'poetry' &&
        args.includes('--sync') &&
        devInstallOf(command, new Map(), false, false) === undefined
      );
    case 'uv':
      return command.program === 'uv' && operands[0] === 'sync' && args.includes('--no-dev');
    case 'bundle':
      return (command.program === 'bundle' || command.program === 'bundler') && operands[0] === 'clean';
    default:
      return false;
  }
}

/** A build or script that runs with the installed packages, so it may need the dev dependencies. */
function needsDevDependencies(command: EffectiveCommand): boolean {
  if (buildToolchain(command) === 'Node.js') return true;
  const operands = words(command).filter((arg) => !arg.startsWith('-'));
  if (command.program === 'npx' || command.program === 'pnpx' || command.program === 'bunx') return true;
  if (['npm', 'pnpm', 'bun'].includes(command.program))
    return ['run', 'run-script', 'test', 't', 'exec', 'x'].includes(operands[0] ?? '');
  // `yarn <script>` runs a package.json script; `yarn install`/`add`/`cache` do not.
  return (
    command.program === 'yarn' &&
    operands.length > 0 &&
    ![
      'install',
      'add',
      'remove',
      'cache',
      'config',
      'global',
      'workspaces',
      'set',
      'plugin',
      'policies',
      'info',
      'why',
      'version',
      'versions',
      'licenses',
      'audit',
      'dedupe',
    ].includes(operands[0])
  );
}

/**
 * Adds `--omit=dev` after `npm ci`/`npm install` (`--only=production` when the base is a Node image older
 * than 15, whose npm 6 ignores --omit). Not in exec form, where the words are JSON strings.
 */
function omitDevFix(model: DockerfileModel, instruction: Instruction, dev: DevInstall): Fix | undefined {
  if (dev.ecosystem !== 'npm' || !dev.verbWord || instruction.run?.form === 'exec' || !instruction.stage)
    return undefined;
  // `--include=dev` asks for them on purpose: adding --omit=dev would contradict it.
  if (dev.include) return undefined;
  const root = rootStage(instruction.stage);
  const major =
    root.image.repository === 'node' && !root.image.registry ? /^(\d+)/.exec(root.image.tag ?? '')?.[1] : undefined;
  const flag = major !== undefined && Number(major) < 15 ? '--only=production' : '--omit=dev';
  return {
    title: `Add ${flag}`,
    edits: [{ range: model.lines.range(dev.verbWord.end, dev.verbWord.end), newText: ` ${flag}` }],
  };
}
