import { buildPackageKind, isBuildPackageGroup } from '../knowledge/buildPackages';
import { sdkImageOf } from '../knowledge/images';
import { packageBaseName, packagesInstalledBy, packagesRemovedBy } from '../knowledge/packageManagers';
import { effectiveCommandsOf, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { ImageRef } from '../model/image';
import type { DocumentWord } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import { needsItsToolchain } from '../knowledge/imagePurpose';
import type { LineIndex } from '../model/text';
import { defineRule } from './types';

/** Managers of OS packages; pip/npm/gem installs are libraries of the app, not its toolchain. */
const osManagers = new Set(['apt', 'apk', 'yum', 'dnf', 'zypper']);
/** Their programs: a cheap test before asking the package-manager tables about every command. */
const osManagerPrograms = new Set(['apt-get', 'apt', 'aptitude', 'apk', 'yum', 'dnf', 'microdnf', 'tdnf', 'zypper']);

/** Programs whose group verbs (`groupinstall`, `group install`) packagesInstalledBy does not cover. */
const groupPrograms = new Map([
  ['yum', 'yum'],
  ['dnf', 'dnf'],
  ['microdnf', 'dnf'],
  ['tdnf', 'dnf'],
]);
/** At most this many package names in a message; the range still covers them all. */
const shownTools = 6;

interface Tool {
  word: DocumentWord;
  name: string;
  kind: string;
}

interface ToolInstall {
  command: EffectiveCommand;
  manager: string;
  tools: Tool[];
  /** `apk add --virtual NAME`: `apk del NAME` removes the whole install. */
  virtualName?: string;
}

export const rule = defineRule({
  meta: {
    name: 'build-tools-in-final-stage',
    severity: 'warning',
    fixable: false,
    docs: {
      summary:
        'The shipped stage installs compilers, build tools, `-dev`/`-devel` headers, git or an SDK with the OS package manager.',
      rationale:
        'gcc, make, cmake, header packages, git and language SDKs are needed to build the program, not to run it. ' +
        'Installed in the final stage they ship in every pull of the image (in python:3.12 the layer with gcc, make and ' +
        'about 40 -dev packages is 236 MB compressed, per docker-library/repo-info) and hand an attacker a compiler. Install them in a build stage and COPY --from it only the result, or remove them in the same RUN ' +
        'that installed them (`apk add --virtual .build-deps … && apk del .build-deps`, `apt-get purge -y --auto-remove …`). ' +
        'Removing them in a later RUN does not shrink the image: that is what cleanup-in-later-layer reports. ' +
        'Not flagged: images without a program of their own (no CMD/ENTRYPOINT, a shell, `sleep infinity`, a `/build.sh` entrypoint) and ' +
        'ONBUILD bases, which are build or development environments; git, hg or svn installed without any compiler (services such as CI agents run ' +
        'them); images FROM a build base (an SDK image, `*-devel`, `dev-*`), where sdk-image-in-final-stage or the base choice is ' +
        'the finding; and packages a comment right above names, calls run-time dependencies, a fix or a workaround. ' +
        'Library installs of pip, npm or gem are not considered, and build stages that are not shipped are never flagged. ' +
        'In the editor, a single-stage file also gets the quick fix Split into build and runtime stages: the conversion of `layerlens convert` (docs/convert.md), shown as a diff before it applies, or nothing when the conversion refuses.',
      bad:
        'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\\n    && rm -rf /var/lib/apt/lists/*\n' +
        'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nUSER nobody\nCMD ["python", "app.py"]\n',
      good:
        'FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev\n' +
        'COPY requirements.txt .\nRUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt\n\n' +
        'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n' +
        'COPY --from=build /wheels /wheels\nRUN pip install --no-cache-dir /wheels/* && rm -rf /wheels\nCOPY . .\nUSER nobody\nCMD ["python", "app.py"]\n',
    },
    messages: {
      tools:
        '`{{tools}}` ({{kinds}}) ship in the final image. They are needed only to build: install them in a build stage and COPY --from it only the result, or remove them in this same RUN.',
    },
  },
  check({ model, report }) {
    if (!model.shipped) return;
    const layers = layersOf(model.shipped);
    // A build or development environment (golang, buildpack-deps, a devcontainer): the toolchain is the product.
    // Toolchain, builder, CI and development images need their build tools.
    if (needsItsToolchain(layers)) return;
    // On a build base (golang, nvidia/cuda:*-devel, rocm/dev-*) the toolchain ships anyway: the base is the finding.
    if (isBuildBase(rootStage(model.shipped).image)) return;
    // Each RUN's commands, seen through sudo/env, computed once.
    const runs = layers.flatMap((instruction) => (instruction.run ? [effectiveCommandsOf(instruction.run)] : []));
    for (const [runIndex, commands] of runs.entries()) {
      for (const [index, command] of commands.entries()) {
        const install = toolInstallOf(command);
        if (!install) continue;
        const laterInRun = commands.slice(index + 1);
        const marksAllAuto = commands.slice(0, index).concat(laterInRun).some(isAptMarkAuto);
        const laterRuns = runs.slice(runIndex + 1).flat();
        // Removed in this RUN: never shipped. Removed in a later RUN: cleanup-in-later-layer reports that.
        const kept = install.tools.filter(
          (tool) =>
            !removedBy(laterInRun, install, tool, marksAllAuto) &&
            !removedBy(laterRuns, install, tool, false) &&
            !explained(model.lines, tool),
        );
        // git, hg or svn alone are usually run by the service itself (CI agents, git servers, docker build).
        if (kept.length === 0 || kept.every((tool) => tool.kind === 'version control')) continue;
        const names = kept.map((tool) => tool.name);
        const shown =
          names.length > shownTools
            ? `${names.slice(0, shownTools).join(', ')}, … (${names.length - shownTools} more)`
            : names.join(', ');
        report({
          messageId: 'tools',
          data: { tools: shown, kinds: [...new Set(kept.map((tool) => tool.kind))].join(', ') },
          range: model.lines.range(kept[0].word.start, kept[kept.length - 1].word.end),
        });
      }
    }
  },
});

/**
 * A comment just above the package word (inside the RUN, or right before it) that names the package, says
 * it is for run time (`# Runtime packages`) or calls it a fix or workaround: the author keeps it on purpose.
 */
function explained(lines: LineIndex, tool: Tool): boolean {
  const line = tool.word.range.start.line;
  for (let above = line - 1; above >= Math.max(0, line - 3); above--) {
    const text = lines.lineText(above).trim().toLowerCase();
    if (!text.startsWith('#')) continue;
    if (
      /\brun[- ]?time\b|\bat run\b|\bfix\b|\bwork ?around\b/.test(text) ||
      text.split(/[^a-z0-9.+_-]+/).includes(tool.name)
    )
      return true;
  }
  return false;
}

/** The build packages an OS package-manager command installs, with the words that name them. */
function toolInstallOf(command: EffectiveCommand): ToolInstall | undefined {
  if (!osManagerPrograms.has(command.program)) return undefined;
  const words = operands(command.args).filter((word) => word.literal);
  const installed = packagesInstalledBy(command);
  if (installed && osManagers.has(installed.manager)) {
    const virtualName = installed.manager === 'apk' ? virtualNameOf(command.args) : undefined;
    const tools: Tool[] = [];
    for (const word of words.slice(1)) {
      if (word.value === virtualName) continue;
      if (isBuildPackageGroup(installed.manager, word.value)) {
        tools.push({ word, name: word.value, kind: 'compiler' });
        continue;
      }
      const name = packageBaseName(word.value).replace(/:[a-z0-9]+$/, '');
      const kind = buildPackageKind(installed.manager, name);
      if (kind) tools.push({ word, name, kind });
    }
    return tools.length > 0 ? { command, manager: installed.manager, tools, virtualName } : undefined;
  }
  // yum groupinstall "Development Tools", dnf group install …
  const groupManager = groupPrograms.get(command.program);
  if (!groupManager) return undefined;
  const verbs = words.map((word) => word.value);
  const start =
    verbs[0] === 'groupinstall'
      ? 1
      : (verbs[0] === 'group' || verbs[0] === 'groups') && verbs[1] === 'install'
        ? 2
        : -1;
  if (start < 0) return undefined;
  const tools = words
    .slice(start)
    .filter((word) => isBuildPackageGroup(groupManager, word.value))
    .map((word) => ({ word, name: word.value, kind: 'compiler' }));
  return tools.length > 0 ? { command, manager: groupManager, tools } : undefined;
}

function virtualNameOf(args: readonly DocumentWord[]): string | undefined {
  for (const [index, arg] of args.entries()) {
    if (arg.value === '--virtual' || arg.value === '-t') return args[index + 1]?.value;
    if (arg.value.startsWith('--virtual=')) return arg.value.slice('--virtual='.length);
  }
  return undefined;
}

/**
 * `apt-mark auto '.*'` (or `apt-mark showmanual | xargs apt-mark auto`): the official images' way to let
 * `apt-get purge --auto-remove` take every package the RUN installed.
 */
function isAptMarkAuto(command: EffectiveCommand): boolean {
  const words = [command.nameWord, ...command.args];
  return words.some((word, index) => word.value === 'apt-mark' && words[index + 1]?.value === 'auto');
}

function removedBy(commands: EffectiveCommand[], install: ToolInstall, tool: Tool, marksAllAuto: boolean): boolean {
  return commands.some((command) => {
    if (!osManagerPrograms.has(command.program)) return false;
    const removed = packagesRemovedBy(command);
    if (removed && sameFamily(removed.manager, install.manager)) {
      if (
        removed.packages.includes(tool.name) ||
        (install.virtualName && removed.packages.includes(install.virtualName.toLowerCase()))
      )
        return true;
      // `apt-get purge -y $buildDeps`: the variable most likely lists what was installed.
      if (operands(command.args).some((word) => !word.literal)) return true;
    }
    if (marksAllAuto && install.manager === 'apt' && command.program.startsWith('apt')) {
      const verb = operands(command.args)[0]?.value;
      return (
        verb === 'autoremove' ||
        ((verb === 'purge' || verb === 'remove') &&
          command.args.some((arg) => arg.value === '--auto-remove' || arg.value === '--autoremove'))
      );
    }
    return false;
  });
}

const rpmManagers = new Set(['yum', 'dnf', 'zypper']);

function sameFamily(a: string, b: string): boolean {
  return a === b || (rpmManagers.has(a) && rpmManagers.has(b));
}

/** An SDK image, or one whose name or tag says it is a development variant (`-devel`, `dev-`). */
function isBuildBase(image: ImageRef): boolean {
  if (image.isScratch) return false;
  const sdk = sdkImageOf(image);
  if (sdk && !sdk.onlyWhenRunningBuiltCode) return true;
  return /(^|[-_/.:])(devel|dev)([-_/.:]|$)/.test(`${image.repository}:${image.tag ?? ''}`);
}
