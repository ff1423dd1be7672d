import starts from '../data/base-image-starts.json';
import { programName } from '../model/commands';
import type { ImageRef } from '../model/image';
import { imageName } from '../model/image';
import type { Instruction } from '../model/model';
import { wildcardMatch } from './glob';
import { isOfficialImageName } from './images';

/**
 * What an image is for, decided once from what its Dockerfile says, so every rule that judges "the shipped
 * image carries X it does not need" agrees on which images need X on purpose.
 *
 * - `application`: it starts a program of its own; the rules apply.
 * - `environment`: no program of its own (a bare shell, `sleep infinity`), an ONBUILD base, a `build.sh`-style
 *   entrypoint, or no CMD/ENTRYPOINT on a base that starts a shell, a toolchain, nothing, or something
 *   LayerLens does not know: a build or development environment, or a base for other images. Without a CMD
 *   of its own an image runs its base's (Docker inherits CMD and ENTRYPOINT), so `FROM nginx` + COPY is an
 *   application, `FROM debian` + RUN is not.
 * - `toolchain`: it starts a language toolchain, a build tool or a tool that reads source code
 *   (`CMD ["python3"]`, `ENTRYPOINT ["mvn"]`, `ENTRYPOINT ["golangci-lint"]`), or its labels say it is a
 *   builder, CI or development-container image: the toolchain is its product.
 * - `development`: it starts a dev server or tests (`ng serve`, `npm run dev`, `pytest`) or sets
 *   `NODE_ENV=development` (and the like): its dev dependencies and SDK are needed.
 */
export type ImagePurpose =
  { kind: 'application' } | { kind: 'environment' | 'toolchain' | 'development'; reason: string };

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'fish', 'ksh', 'pwsh', 'powershell', 'cmd', 'cmd.exe']);

/** Interpreters and REPLs: started without a script operand they are the toolchain itself. */
const interpreters =
  /^(python|python\d(\.\d+)?|pypy\d?|node|nodejs|deno|bun|ruby|irb|erl|iex|elixir|php|perl|java|jshell|ghci|julia|R|swift|scala|clojure|lein|groovy|rakudo|raku|swipl|racket|ocaml|utop)$/;
/** Build tools and compilers: an image that starts one is a builder whatever its operands. */
const buildTools =
  /^(mvn|mvnw|gradle|gradlew|go|cargo|rustc|rustup|make|cmake|ninja|bazel|bazelisk|gcc|g\+\+|clang|javac|sbt|ant|dotnet-sdk|msbuild|tsc|emcc|zig|nix|nix-build|pip|pip3|composer)$/;
/** Package managers: bare or with a build/install verb they are a builder (`ENTRYPOINT ["yarn"]`); `yarn start` runs an app. */
const packageManagers = new Set(['npm', 'npx', 'yarn', 'pnpm']);
const builderVerbs = new Set(['install', 'ci', 'build', 'pack', 'publish', 'exec', 'dlx']);
/** Programs that read and check source code, and so need the language toolchain next to them at run time. */
const sourceTools = /(lint|linter|vet|fmt|format|formatter|check|checker|analy[sz]er?|sonar-scanner|codeql|semgrep)$/;

/** Start commands of dev servers and test runners. */
const devServerPatterns: RegExp[] = [
  /\b(ng|nx|vue-cli-service|gatsby|quasar|ember|hugo|jekyll|mkdocs|umi|docusaurus)\s+(serve|develop|dev)\b/,
  /\b(npm|pnpm|bun)\s+(run\s+)?(dev|serve|develop|watch|start:dev|dev:\S+|storybook|test|test:\S+)\b/,
  /\byarn\s+(run\s+)?(dev|serve|develop|watch|start:dev|dev:\S+|storybook|test|test:\S+)\b/,
  /\b(next|nuxt|nuxi|remix|astro|vite|svelte-kit)\s+dev\b/,
  /(^|\s|\/)(vite|webpack-dev-server|nodemon|ts-node-dev|react-scripts\s+start|webpack\s+serve|browser-sync|live-server)(\s|$)/,
  /\b(artisan\s+serve|manage\.py\s+runserver|flask\s+run\s+.*--debug|rails\s+(s|server)\s+.*-e\s+development|mix\s+phx\.server)\b/,
  /(^|\s|\/)(pytest|jest|vitest|mocha|rspec|cypress|playwright|karma|phpunit|tox|nox)(\s|$)/,
  /\b(go\s+test|cargo\s+test|mvn\s+test|gradle\s+test|dotnet\s+test|dotnet\s+watch)\b/,
];

/** Environment variables that put a framework in development mode, with the values that do. */
const developmentSettings: Record<string, RegExp> = {
  NODE_ENV: /^(development|dev|test)$/i,
  RAILS_ENV: /^(development|test)$/i,
  RACK_ENV: /^(development|test)$/i,
  FLASK_ENV: /^development$/i,
  FLASK_DEBUG: /^(1|true)$/i,
  APP_ENV: /^(dev|development|local|test)$/i,
  MIX_ENV: /^(dev|test)$/i,
  ASPNETCORE_ENVIRONMENT: /^development$/i,
  DJANGO_DEBUG: /^(1|true)$/i,
};

/** Label keys that describe an image, and the words in their values that make it a builder or CI image. */
const describingLabels = /(^|\.)(description|title|name|summary|purpose)$/i;
const builderWords =
  /\b(builder|build (image|environment|container|tools?)|ci (image|runner|environment)|toolchain|sdk image|development (image|environment|container)|dev ?container)\b/i;

/**
 * The purpose of an image from its layers (the shipped stage's, inherited stages included) and the image its
 * first stage is built FROM, whose start command applies when the layers set none. Without `base`, an image
 * with no CMD/ENTRYPOINT is an environment.
 */
export function imagePurpose(layers: Instruction[], base?: ImageRef): ImagePurpose {
  if (layers.some((instruction) => instruction.keyword === 'ONBUILD'))
    return { kind: 'environment', reason: 'an ONBUILD base' };
  const words = programWords(startWords(layers));
  const program = programName(words[0] ?? '');
  if (words.length === 0) {
    const inherited = base ? baseImageStarts(base) : undefined;
    if (inherited !== 'application') return { kind: 'environment', reason: noStartReason(base, inherited) };
  }
  if (words.length === 1 && shells.has(program)) return { kind: 'environment', reason: `it starts a shell` };
  // `sleep infinity` / `tail -f /dev/null` keep a dev container alive; `/build.sh` runs a builder.
  if (program === 'sleep' || (program === 'tail' && words.includes('/dev/null')))
    return { kind: 'environment', reason: 'it only stays alive' };
  if (/^(build|compile|package)([-_.]|$)/.test(program)) return { kind: 'environment', reason: 'a build entrypoint' };

  const development = developmentReason(layers, words);
  if (development) return { kind: 'development', reason: development };
  const toolchain = toolchainReason(layers, words, program);
  if (toolchain) return { kind: 'toolchain', reason: toolchain };
  return { kind: 'application' };
}

/** True for a build or development environment without a program of its own (see `ImagePurpose`). */
export function isEnvironmentImage(layers: Instruction[], base?: ImageRef): boolean {
  return imagePurpose(layers, base).kind === 'environment';
}

/** True when the image exists to build, develop or test, so the toolchain and dev dependencies are its point. */
export function needsItsToolchain(layers: Instruction[], base?: ImageRef): boolean {
  return imagePurpose(layers, base).kind !== 'application';
}

/** What a base image starts when an image built FROM it sets no CMD/ENTRYPOINT (see base-image-starts.json). */
export type BaseImageStart = 'shell' | 'toolchain' | 'nothing' | 'application';

interface BaseImageStartEntry {
  match: string;
  tags?: string[];
  exceptTags?: string[];
  starts: BaseImageStart;
}

const startEntries = starts.images as BaseImageStartEntry[];
/** Docker Hub namespaces of the official images built for other architectures (`arm32v7/alpine`). */
const architectureNamespace = /^(amd64|arm32v5|arm32v6|arm32v7|arm64v8|i386|mips64le|ppc64le|riscv64|s390x)\//;

/** What `image` starts by default; undefined when LayerLens does not know the image (or cannot resolve it). */
export function baseImageStarts(image: ImageRef): BaseImageStart | undefined {
  if (image.isScratch) return 'nothing';
  if (image.unresolved) return undefined;
  const name = imageName(image).replace(architectureNamespace, '');
  const tag = image.tag ?? 'latest';
  const entry = startEntries.find(
    (candidate) =>
      wildcardMatch(candidate.match, name) &&
      (!candidate.tags || candidate.tags.some((pattern) => wildcardMatch(pattern, tag))) &&
      !candidate.exceptTags?.some((pattern) => wildcardMatch(pattern, tag)),
  );
  if (entry) return entry.starts;
  // The official images are operating systems, languages or applications; the first two are listed above.
  return !name.includes('/') && isOfficialImageName(name) ? 'application' : undefined;
}

function noStartReason(base: ImageRef | undefined, inherited: BaseImageStart | undefined): string {
  if (!base) return 'no CMD or ENTRYPOINT';
  const name = base.isScratch ? 'scratch' : `\`${base.resolved}\``;
  switch (inherited) {
    case 'shell':
      return `no CMD or ENTRYPOINT of its own, and ${name} starts a shell`;
    case 'toolchain':
      return `no CMD or ENTRYPOINT of its own, and ${name} starts its language toolchain`;
    case 'nothing':
      return `no CMD or ENTRYPOINT of its own, and ${name} starts nothing`;
    default:
      return `no CMD or ENTRYPOINT of its own, on ${name}, an image whose start command LayerLens does not know`;
  }
}

function developmentReason(layers: Instruction[], words: string[]): string | undefined {
  // A shell wrapper (`sh -c "npm run dev"`) hides the command in one word: match the joined text.
  const start = words.join(' ');
  if (devServerPatterns.some((pattern) => pattern.test(start))) return 'it starts a dev server or tests';
  for (const [name, value] of environmentOf(layers)) {
    const development = developmentSettings[name.toUpperCase()];
    if (development && value !== null && development.test(value)) return `${name}=${value}`;
    // A start command configured through ENV (a supervisor's program line, `SUPERVISOR_PHP_COMMAND=… artisan serve`).
    if (/COMMAND|CMD/i.test(name) && value !== null && devServerPatterns.some((pattern) => pattern.test(value)))
      return `${name} starts a dev server`;
  }
  return undefined;
}

function toolchainReason(layers: Instruction[], words: string[], program: string): string | undefined {
  const operands = words.slice(1).filter((word) => !word.startsWith('-'));
  if (interpreters.test(program) && operands.length === 0) return `it starts the ${program} toolchain`;
  if (buildTools.test(program)) return `it starts ${program}`;
  if (packageManagers.has(program) && (operands.length === 0 || builderVerbs.has(operands[0])))
    return `it starts ${program}`;
  if (sourceTools.test(program)) return `it starts ${program}, a tool that reads source code`;
  for (const instruction of layers) {
    if (instruction.keyword !== 'LABEL') continue;
    for (const [key, value] of keyValues(instruction)) {
      if (key.startsWith('com.github.actions.')) return 'a GitHub Action image (CI)';
      if (describingLabels.test(key) && value !== null && builderWords.test(value)) return `its label ${key}`;
    }
  }
  return undefined;
}

/**
 * The words the container starts with: the last ENTRYPOINT's, then the last CMD's (BuildKit appends CMD
 * to the entrypoint), JSON brackets and quotes removed, login/interactive switches of a shell dropped.
 */
export function startWords(layers: Instruction[]): string[] {
  const wordsOf = (instruction: Instruction | undefined) =>
    (instruction?.args ?? [])
      .map((arg) => arg.value.replace(/[[\]"]/g, '').replace(/,$/, ''))
      .filter((word) => word !== '' && word !== '-l' && word !== '-i');
  const last = (keyword: string) => layers.filter((instruction) => instruction.keyword === keyword).pop();
  // `ENTRYPOINT []` clears the entrypoint: CMD decides then.
  const entrypoint = wordsOf(last('ENTRYPOINT'));
  const command = wordsOf(last('CMD'));
  return entrypoint.length > 0 ? [...entrypoint, ...command] : command;
}

/** Init processes and entrypoint scripts that exec the command after them (`tini --`, `docker-entrypoint.sh`). */
const passThrough = /^(tini|dumb-init|catatonit|docker-entrypoint(\.sh)?|entrypoint(\.sh)?|[\w.-]*-entrypoint(\.sh)?)$/;
const switchingUser = new Set(['gosu', 'su-exec']);

/** The start words without the init process or entrypoint script in front of the real program. */
export function programWords(words: string[]): string[] {
  let rest = words;
  for (let guard = 0; guard < 4 && rest.length > 1; guard++) {
    const program = programName(rest[0]);
    if (switchingUser.has(program)) rest = rest.slice(2);
    else if (passThrough.test(program)) rest = rest.slice(1);
    else break;
    while (rest[0] === '--' || rest[0]?.startsWith('-')) rest = rest.slice(1);
  }
  return rest;
}

/** What ENV and ARG set by the end of the layers (`ENV A=1 B="x"`, the legacy `ENV A 1`, `ARG A=1`). */
export function environmentOf(layers: Instruction[]): Map<string, string | null> {
  const environment = new Map<string, string | null>();
  for (const instruction of layers) recordEnvironment(instruction, environment);
  return environment;
}

/**
 * Adds what one ENV or ARG sets to an environment (ARG values are environment variables of RUN too);
 * `null` = set, but to something LayerLens cannot know (`ARG NODE_ENV`, `ENV NODE_ENV=$MODE`).
 */
export function recordEnvironment(instruction: Instruction, environment: Map<string, string | null>): void {
  if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') return;
  for (const [name, value] of keyValues(instruction)) {
    // `ARG NODE_ENV` without a default: whatever --build-arg passes; an ENV or ARG set before stays.
    if (value === null) {
      if (!environment.has(name)) environment.set(name, null);
      continue;
    }
    environment.set(name, value.includes('$') ? null : value);
  }
}

/** dockerfile-ast's view of one `NAME=value` of an ARG, ENV or LABEL (quotes and escapes already removed). */
interface AstProperty {
  getName(): string;
  getValue(): string | null;
}

/** `KEY=value` pairs of ARG/ENV/LABEL; `KEY` alone gives null. */
function keyValues(instruction: Instruction): Array<[string, string | null]> {
  const withProperties = instruction.ast as unknown as { getProperties?: () => AstProperty[] };
  return (withProperties.getProperties?.() ?? []).map((property) => [property.getName(), property.getValue()]);
}
