import { buildToolchain } from '../knowledge/buildCommands';
import { compressedSize, formatSize, referenceOf, sdkImageOf } from '../knowledge/images';
import type { SdkImage } from '../knowledge/images';
import { packagesInstalledBy } from '../knowledge/packageManagers';
import { effectiveCommand, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import { imageName, parseImageRef } from '../model/image';
import type { DocumentWord, DockerfileModel, Instruction, Stage } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import { needsItsToolchain } from '../knowledge/imagePurpose';
import type { Fix } from './types';
import { defineRule } from './types';

/** Programs that need the SDK itself: a RUN calling them breaks on the runtime image. */
const sdkPrograms = new Set([
  'javac',
  'jar',
  'jlink',
  'jdeps',
  'jpackage',
  'jshell',
  'native-image',
  'mvn',
  'mvnw',
  'gradle',
  'gradlew',
  'dotnet',
  'go',
  'gofmt',
  'cargo',
  'rustc',
  'rustup',
  'gcc',
  'g++',
  'cc',
  'c++',
  'make',
  'cmake',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'bun',
  'corepack',
  'node-gyp',
]);
/** Node package managers: installing modules may compile native addons with the full image's gcc/python. */
const nodeManagers = new Set(['npm', 'yarn', 'pnpm', 'bun']);

export const rule = defineRule({
  meta: {
    name: 'sdk-image-in-final-stage',
    severity: 'warning',
    fixable: true,
    docs: {
      summary:
        'The shipped stage is based on a build image (golang, rust, maven, gradle, a JDK, the .NET SDK, gcc, buildpack-deps) instead of a runtime image.',
      rationale:
        'SDK images carry compilers, package caches and build tools: golang:1.25 is about 305 MB to pull, eclipse-temurin:21-jdk 230 MB, ' +
        'while the program they build runs on gcr.io/distroless/static (about 2 MB), a JRE image or the .NET aspnet/runtime image. ' +
        'Build in an earlier stage FROM the SDK and COPY --from it only the output into a stage FROM the runtime image named in the message ' +
        '(same version and OS variant where the tag tells them). The full `node` image is treated as a build image only when the stage ' +
        'installs no modules and builds nothing, i.e. it only runs code built elsewhere; otherwise heavy-base-image reports it, because ' +
        'npm may compile native addons with the compilers it carries. Images whose purpose is the toolchain are not flagged: no program of ' +
        'their own (no CMD/ENTRYPOINT, a shell), ONBUILD bases, images that start the toolchain, a build tool or a tool that reads source ' +
        'code (`CMD ["go"]`, `ENTRYPOINT ["golangci-lint"]`), builder and CI images (by their labels), and development images (a dev server ' +
        'or tests as the start command, `NODE_ENV=development`); nor are single-stage builds, which single-stage-build reports. ' +
        'The quick fix swaps the image only where the runtime image has the same OS and shell (node → node slim, JDK → JRE, .NET sdk → aspnet) ' +
        'and no RUN of the stage calls an SDK tool. ' +
        'In the editor, a single-stage file also gets the quick fix Split into build and runtime stages: the conversion of `layerlens convert` (docs/convert.md), shown as a diff before it applies, or nothing when the conversion refuses.',
      bad:
        'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app ./cmd/server\n\n' +
        'FROM golang:1.23\nCOPY --from=build /app /app\nUSER 65532\nCMD ["/app"]\n',
      good:
        'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app ./cmd/server\n\n' +
        'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nCMD ["/app"]\n',
    },
    messages: {
      sdk: '`{{image}}` is a {{toolchain}} build image{{size}}. The whole toolchain ships with the program: run the built output on {{runtimes}}{{note}}, and use `{{image}}` only in an earlier build stage.',
      builtCode:
        '`{{image}}` is the full Node.js image{{size}}, with compilers and headers for native modules, but this stage installs and builds nothing: `{{runtime}}` runs the same code.',
    },
  },
  check({ model, report }) {
    const found = shippedSdkImage(model);
    if (!found) return;
    const { root, imageWord, sdk, layers } = found;
    const image = root.image.resolved;
    const runtime = sdk.runtimes[0];
    const fix = swapFix(model, root, sdk, layers);
    if (sdk.onlyWhenRunningBuiltCode) {
      report({
        messageId: 'builtCode',
        data: { image, size: sizeText(referenceOf(root.image), runtime), runtime },
        range: imageWord.range,
        fix,
      });
      return;
    }
    report({
      messageId: 'sdk',
      data: {
        image,
        toolchain: sdk.toolchain,
        size: sizeText(referenceOf(root.image)),
        runtimes: sdk.runtimes.map((name) => `\`${name}\``).join(' or '),
        note: sdk.note ? ` (${sdk.note})` : '',
      },
      range: imageWord.range,
      fix,
    });
  },
});

/**
 * The build image the shipped image is based on, when this rule reports it (heavy-base-image leaves
 * such images alone): the root of the shipped stage's FROM chain is an SDK image, the image runs a
 * program of its own, it is not a single-stage build, and for the full node image the stage neither
 * installs modules nor builds.
 */
export function shippedSdkImage(
  model: DockerfileModel,
): { root: Stage; imageWord: DocumentWord; sdk: SdkImage; layers: Instruction[] } | undefined {
  const shipped = model.shipped;
  if (!shipped) return undefined;
  const root = rootStage(shipped);
  const sdk = sdkImageOf(root.image);
  const imageWord = root.from.args[0];
  if (!sdk || !imageWord) return undefined;
  const layers = layersOf(shipped);
  // Toolchain, builder, CI, linter and development images need the SDK at run time.
  if (needsItsToolchain(layers)) return undefined;
  const commands = layers.flatMap((instruction) => (instruction.run?.commands ?? []).map(effectiveCommand));
  // A single stage that builds is single-stage-build's finding; splitting it moves the SDK away too.
  if (model.stages.length === 1 && commands.some((command) => buildToolchain(command) !== undefined)) return undefined;
  if (
    sdk.onlyWhenRunningBuiltCode &&
    commands.some((command) => installsNodeModules(command) || buildToolchain(command) !== undefined)
  )
    return undefined;
  return { root, imageWord, sdk, layers };
}

/** `npm ci`, `yarn`, `pnpm install`, `yarn workspaces focus`, `npm rebuild`: may compile native addons. */
export function installsNodeModules(command: EffectiveCommand): boolean {
  if (!nodeManagers.has(command.program)) return false;
  const words = operands(command.args).map((word) => word.value);
  // A bare `yarn` installs, `yarn workspaces focus` installs a workspace, `npm rebuild` compiles addons.
  const bare =
    words.length === 0 && !command.args.some((arg) => ['--version', '-v', '--help', '-h'].includes(arg.value));
  return (
    packagesInstalledBy(command) !== undefined ||
    bare ||
    (words[0] === 'workspaces' && words[1] === 'focus') ||
    words[0] === 'rebuild'
  );
}

/** ` (≈ 408 MB to pull; node:22-slim ≈ 80 MB)` when the data files know the sizes. */
function sizeText(reference: string, runtime?: string): string {
  const size = compressedSize(reference);
  if (size === undefined) return '';
  const runtimeReference = runtime?.includes(':') ? runtime : runtime ? `${runtime}:latest` : undefined;
  const runtimeSize = runtimeReference ? compressedSize(runtimeReference) : undefined;
  return runtimeSize === undefined
    ? ` (≈ ${formatSize(size)} to pull)`
    : ` (≈ ${formatSize(size)} to pull; ${runtime} ≈ ${formatSize(runtimeSize)})`;
}

/**
 * Swaps the FROM image for the runtime image when that is a drop-in (same distribution and shell), the
 * reference is literal and not pinned by digest, and no RUN of the shipped image calls an SDK tool.
 */
function swapFix(model: DockerfileModel, root: Stage, sdk: SdkImage, layers: Instruction[]): Fix | undefined {
  const word = root.from.args[0];
  const image = root.image;
  if (!sdk.dropIn || !word || image.digest || image.raw.includes('$')) return undefined;
  const usesSdk = layers.some((instruction) =>
    instruction.run?.commands.some((command) => sdkPrograms.has(effectiveCommand(command).program)),
  );
  if (usesSdk) return undefined;
  const runtime = sdk.runtimes[0];
  const target = parseImageRef(runtime, runtime, false);
  const written = model.text.slice(word.start, word.end);
  // Same repository: change only the tag, so a registry prefix stays as written.
  const colon = written.lastIndexOf(':');
  const sameRepository = imageName(target) === imageName(image) && target.tag && colon > written.lastIndexOf('/');
  const range = sameRepository ? model.lines.range(word.start + colon + 1, word.end) : word.range;
  return {
    title: `Switch to ${runtime}`,
    edits: [{ range, newText: sameRepository ? (target.tag ?? '') : runtime }],
    preferred: false,
  };
}
