import {
  mayBePackageManager,
  packagesInstalledBy,
  packagesRemovedBy,
  pathsCreatedBy,
  pathsRemovedBy,
} from '../knowledge/packageManagers';
import { effectiveCommandsOf, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { CopyInfo, DockerfileModel, Instruction } from '../model/model';
import { layersOf } from '../model/model';
import { literalPath, removalTouches, resolvePath as resolveUncached } from '../model/paths';
import { appendToRun, cacheMountTargets, pathCovers } from './package-cache-left';
import type { Fix } from './types';
import { defineRule } from './types';

/** Something an instruction left in its layer: a path or an installed package. */
interface Creation {
  instruction: Instruction;
  path?: string;
  /** False when the path is a single file: deleting something inside it cannot be about it. */
  deeper?: boolean;
  package?: { manager: string; name: string };
}

interface Cleanup {
  command: EffectiveCommand;
  paths: string[];
  packages?: { manager: string; names: string[] };
}

export const rule = defineRule({
  meta: {
    name: 'cleanup-in-later-layer',
    severity: 'warning',
    fixable: true,
    docs: {
      summary: 'A RUN deletes files or packages that an earlier instruction of the shipped image created.',
      rationale:
        'Every RUN, COPY and ADD is a layer, and layers only add: deleting in a later layer hides the files but ' +
        'their bytes stay in the earlier layer, so the image does not get smaller. Delete in the same RUN that ' +
        'creates the files (package lists, caches of apt, apk, yum, dnf, zypper, pip, npm, yarn, go, cargo, Maven, ' +
        'Gradle and conda, downloaded archives), or keep them out of the image (a build stage, a cache mount, ' +
        '`RUN --mount=type=bind` instead of COPY, .dockerignore).',
      bad: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
      good: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
    },
    messages: {
      path: '`{{cleanup}}` deletes {{what}} that the {{creator}} on line {{line}} put in an earlier layer. The bytes stay in the image; delete it in that same instruction.',
      package:
        '`{{cleanup}}` removes {{what}} installed by the RUN on line {{line}}. That layer keeps the package, so the image does not shrink; install and remove in one RUN (or build in another stage).',
    },
  },
  check({ model, report }) {
    if (!model.shipped) return;
    let creations: Creation[] = [];
    let workdir = '/';
    const workdirs = new Set<string>();
    for (const instruction of layersOf(model.shipped)) {
      if (instruction.keyword === 'WORKDIR') {
        const path = literalPath(instruction.args[0]);
        if (path) workdir = resolvePath(workdir, path);
        workdirs.add(workdir);
      } else if (instruction.copy) {
        for (const entry of copyCreations(instruction.copy, workdir, workdirs, instruction.keyword === 'ADD')) {
          creations.push({ instruction, path: entry.path, deeper: !entry.file });
        }
      } else if (instruction.run) {
        const commands = effectiveCommandsOf(instruction.run);
        let own: Creation[] = [];
        for (let index = 0; index < commands.length; index++) {
          const command = commands[index];
          // Most commands of a RUN (set, cd, echo, make…) neither create nor delete anything this rule follows.
          if (
            !removers.has(command.program) &&
            !fileTools.has(command.program) &&
            !mayBePackageManager(command.program)
          )
            continue;
          const cleanup = cleanupOf(command, workdir);
          if (cleanup) {
            reportCleanup(model, instruction, cleanup, creations, own, report);
            // Deleted in the RUN that made them, nothing of them reaches a layer; deleted from an earlier layer,
            // they are reported once (here) and a later deletion deletes nothing of them.
            if (own.some((entry) => deletes(cleanup, entry))) own = own.filter((entry) => !deletes(cleanup, entry));
            if (creations.some((entry) => deletes(cleanup, entry)))
              creations = creations.filter((entry) => !deletes(cleanup, entry));
          }
          for (const entry of createdBy(command, workdir, instruction, commands, index)) own.push(entry);
        }
        // What a RUN writes into a cache or tmpfs mount never reaches its layer.
        const mounts = cacheMountTargets(instruction);
        for (const entry of own)
          if (!entry.path || !mounts.some((target) => pathCovers(target, entry.path!))) creations.push(entry);
      }
    }
  },
});

type Reporter = Parameters<(typeof rule)['check']>[0]['report'];

function reportCleanup(
  model: DockerfileModel,
  instruction: Instruction,
  cleanup: Cleanup,
  earlier: Creation[],
  own: Creation[],
  report: Reporter,
): void {
  const shown = () => shorten(model.text.slice(cleanup.command.nameWord.start, cleanup.command.command.end));
  const range = () => model.lines.range(cleanup.command.nameWord.start, cleanup.command.command.end);
  if (cleanup.packages) {
    const { manager, names } = cleanup.packages;
    const wanted = new Set(names);
    for (const entry of own) if (entry.package?.manager === manager) wanted.delete(entry.package.name);
    const creator = findLast(earlier, (entry) => entry.package?.manager === manager && wanted.has(entry.package.name));
    if (!creator?.package) return;
    report({
      messageId: 'package',
      data: { cleanup: shown(), what: `\`${creator.package.name}\``, line: creator.instruction.range.start.line + 1 },
      range: range(),
      fix: moveCleanupFix(model, creator.instruction, instruction),
    });
    return;
  }
  for (const removed of cleanup.paths) {
    // Files this RUN makes itself are cleaned in the same layer: that is the right way.
    if (own.some((entry) => entry.path && touches(removed, entry))) continue;
    const creator = findLast(earlier, (entry) => entry.path !== undefined && touches(removed, entry));
    if (!creator?.path) continue;
    report({
      messageId: 'path',
      data: {
        cleanup: shown(),
        what: `\`${removed}\``,
        creator: creator.instruction.keyword,
        line: creator.instruction.range.start.line + 1,
      },
      range: range(),
      fix: creator.instruction.keyword === 'RUN' ? moveCleanupFix(model, creator.instruction, instruction) : undefined,
    });
    return;
  }
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index])) return items[index];
  return undefined;
}

/** resolvePath, memoised: the same cache and cleanup paths come back in every RUN and on every keystroke. */
const resolved = new Map<string, string>();
function resolvePath(workdir: string, path: string): string {
  if (path.startsWith('/') && !path.includes('.') && !path.includes('//'))
    return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') : path;
  const key = `${workdir}\0${path}`;
  let result = resolved.get(key);
  if (result === undefined) {
    if (resolved.size >= 2000) resolved.clear();
    result = resolveUncached(workdir, path);
    resolved.set(key, result);
  }
  return result;
}

/** True when the cleanup deletes all of a creation. */
function deletes(cleanup: Cleanup, creation: Creation): boolean {
  if (creation.package)
    return (
      cleanup.packages?.manager === creation.package.manager && cleanup.packages.names.includes(creation.package.name)
    );
  return (
    creation.path !== undefined &&
    cleanup.paths.some((removed) => removalTouches(removed, creation.path!) && !insideOnly(removed, creation.path!))
  );
}

/** True when deleting `removed` deletes some of what the creation left. */
function touches(removed: string, creation: Creation): boolean {
  if (!creation.path || !removalTouches(removed, creation.path)) return false;
  return creation.deeper !== false || !insideOnly(removed, creation.path);
}

/** True when `removed` lies strictly inside `path` (so it cannot delete all of it). */
function insideOnly(removed: string, path: string): boolean {
  const base = removed.replace(/\/\*$/, '').replace(/\/+$/, '');
  return !/[*?[]/.test(base) && base.startsWith(`${path}/`);
}

function shorten(text: string): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > 60 ? `${single.slice(0, 57)}…` : single;
}

const removers = new Set(['rm', 'rmdir', 'unlink']);

function cleanupOf(command: EffectiveCommand, workdir: string): Cleanup | undefined {
  if (removers.has(command.program)) {
    const paths = operands(command.args)
      .map(literalPath)
      .filter((path): path is string => path !== undefined)
      .map((path) => resolvePath(workdir, path));
    return paths.length > 0 ? { command, paths } : undefined;
  }
  const removedPaths = pathsRemovedBy(command).map((path) => resolvePath(workdir, path));
  if (removedPaths.length > 0) return { command, paths: removedPaths };
  const removedPackages = packagesRemovedBy(command);
  if (removedPackages && removedPackages.packages.length > 0)
    return { command, paths: [], packages: { manager: removedPackages.manager, names: removedPackages.packages } };
  return undefined;
}

/** Existing system directories: a COPY names a file inside them, never renames a file to them. */
const systemDirectories = new Set([
  '/',
  '/bin',
  '/sbin',
  '/lib',
  '/etc',
  '/opt',
  '/tmp',
  '/var',
  '/var/lib',
  '/var/tmp',
  '/root',
  '/home',
  '/srv',
  '/usr',
  '/usr/bin',
  '/usr/sbin',
  '/usr/lib',
  '/usr/share',
  '/usr/local',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/usr/local/lib',
  '/usr/local/share',
  '/usr/src',
]);
const archive = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tar\.lz4)$/i;

/** A path a COPY or ADD creates; `file` when it is one file, `contents` when a directory's content landed in it. */
export interface CopyEntry {
  path: string;
  file: boolean;
  contents: boolean;
}

/**
 * What a COPY/ADD creates, as precisely as the Dockerfile tells: `COPY a.conf /etc/x/` creates /etc/x/a.conf (not
 * all of /etc/x), `COPY . .` fills the working directory, `ADD app.tar.gz /opt/` extracts into /opt.
 */
export function copyCreations(
  copy: CopyInfo,
  workdir: string,
  knownDirectories: ReadonlySet<string>,
  isAdd: boolean,
): CopyEntry[] {
  const destination = copy.destination;
  if (!destination || destination.includes('$')) return [];
  const target = resolvePath(workdir, destination);
  const intoDirectory =
    /\/\.?$/.test(destination) ||
    destination === '.' ||
    copy.sources.length > 1 ||
    systemDirectories.has(target) ||
    knownDirectories.has(target) ||
    target === workdir;
  return copy.sources.flatMap((source): CopyEntry[] => {
    const remote = /^(https?|ftp):\/\//i.test(source);
    const name = (remote ? source.split(/[?#]/)[0] : source).replace(/\/+$/, '').split('/').pop() ?? '';
    const contents =
      !remote &&
      (/(^|\/)\.?\/?$/.test(source) ||
        source.endsWith('/') ||
        name === '*' ||
        (isAdd && archive.test(name) && !copy.from));
    if (contents) return [{ path: target, file: false, contents: true }];
    const file = remote || /^[^.].*\.[A-Za-z0-9_-]+$/.test(name);
    if (!intoDirectory) return [{ path: target, file, contents: !file }];
    const named = resolvePath(target, name);
    // `COPY --from=build /out/app /srv` copies the directory's content when /out/app is one.
    if (file || systemDirectories.has(target)) return [{ path: named, file, contents: false }];
    return [
      { path: named, file: false, contents: false },
      { path: target, file: false, contents: true },
    ];
  });
}

/** Commands that only look at or set metadata on a directory: they never fill one. */
const metadataOnly = new Set(['mkdir', 'chown', 'chmod', 'chgrp', 'touch', 'ls', 'test', '[', 'stat', 'echo']);

/** Programs whose files createdBy follows, besides package managers. */
const fileTools = new Set(['curl', 'wget', 'git', 'mkdir', 'tar', 'unzip', 'cp', 'mv', 'ln']);

/** Paths and packages one command of a RUN leaves in its layer. */
function createdBy(
  command: EffectiveCommand,
  workdir: string,
  instruction: Instruction,
  commands: EffectiveCommand[],
  index: number,
): Creation[] {
  const at = (path: string | undefined): Creation[] =>
    path ? [{ instruction, path: resolvePath(workdir, path) }] : [];
  const creations: Creation[] = [];
  for (const path of pathsCreatedBy(command)) creations.push({ instruction, path: resolvePath(workdir, path) });
  const installed = packagesInstalledBy(command);
  for (const name of installed?.packages ?? [])
    creations.push({ instruction, package: { manager: installed!.manager, name } });
  if (!fileTools.has(command.program)) return creations;
  const args = command.args;
  const words = args.map((arg) => arg.value);
  const positional = operands(args)
    .map(literalPath)
    .filter((path): path is string => path !== undefined);
  switch (command.program) {
    case 'curl': {
      const output = optionValue(words, ['-o', '--output'], 'o');
      if (output !== undefined) return output === '-' ? creations : [...creations, ...at(pathValue(output))];
      const remoteName = words.some(
        (word) => word === '-O' || word === '--remote-name' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(word),
      );
      return remoteName ? [...creations, ...at(urlBasename(words))] : creations;
    }
    case 'wget': {
      const output = optionValue(words, ['-O', '--output-document'], 'O');
      if (output === '-') return creations;
      if (output !== undefined) return [...creations, ...at(pathValue(output))];
      const name = urlBasename(words);
      const prefix = optionValue(words, ['-P', '--directory-prefix'], 'P');
      const directory = prefix === undefined ? undefined : pathValue(prefix);
      if (prefix !== undefined && directory === undefined) return creations;
      return [...creations, ...at(name && directory ? `${directory}/${name}` : name)];
    }
    case 'git':
      if (positional[0] !== 'clone') return creations;
      return [
        ...creations,
        ...at(
          positional[2] ??
            positional[1]
              ?.replace(/\/+$/, '')
              .split('/')
              .pop()
              ?.replace(/\.git$/, ''),
        ),
      ];
    case 'mkdir': {
      // An empty directory costs nothing; it matters when this RUN fills it (cd into it, download or unpack there).
      const later = commands.slice(index + 1);
      const filled = positional.filter((path) =>
        later.some((next) => !metadataOnly.has(next.program) && next.args.some((arg) => mentions(arg.value, path))),
      );
      return [...creations, ...filled.flatMap((path) => at(path))];
    }
    case 'tar': {
      const extracting = words.some(
        (word, index) =>
          /^-[a-zA-Z]*x[a-zA-Z]*$/.test(word) ||
          (index === 0 && /^[a-zA-Z]*x[a-zA-Z]*$/.test(word)) ||
          word === '--extract' ||
          word === '--get',
      );
      if (extracting) return [...creations, ...at(optionValue(words, ['-C', '--directory'], 'C') ?? '.')];
      return [...creations, ...at(optionValue(words, ['-f', '--file'], 'f'))];
    }
    case 'unzip':
      return [...creations, ...at(optionValue(words, ['-d'], 'd') ?? '.')];
    case 'cp':
    case 'mv':
    case 'ln':
      return [...creations, ...at(positional[positional.length - 1])];
    default:
      return creations;
  }
}

/** True when a word names `path` or something inside it (`/src`, `/src/app`, `-C/src`). */
function mentions(word: string, path: string): boolean {
  const trimmed = path.replace(/\/+$/, '');
  const index = word.indexOf(trimmed);
  if (index < 0) return false;
  const after = word[index + trimmed.length];
  return after === undefined || after === '/';
}

/**
 * The value of an option: `-o file`, `--output file`, `--output=file`, or a bundle of short flags that ends in
 * the option's letter (`-fsSLo file`, `-qO-`).
 */
function optionValue(words: string[], names: string[], letter: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    for (const name of names) {
      if (word === name) return words[i + 1];
      if (name.startsWith('--') && word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
    if (/^-[a-zA-Z]+/.test(word) && !word.startsWith('--')) {
      const flags = word.slice(1);
      const at = flags.indexOf(letter);
      if (at < 0 || !/^[a-zA-Z]*$/.test(flags.slice(0, at))) continue;
      const rest = flags.slice(at + 1);
      if (rest === '') return words[i + 1];
      // `-O-`, `-ofile`: the value is attached.
      if (at > 0 || names.includes(`-${letter}`)) return rest;
    }
  }
  return undefined;
}

/** A path written as an option value, unless it depends on a variable other than $HOME. */
function pathValue(value: string): string | undefined {
  return !value.includes('$') || /^(\$HOME|\$\{HOME\})(\/|$)/.test(value) ? value : undefined;
}

function urlBasename(words: string[]): string | undefined {
  const url = words.find((word) => /^(https?|ftp):\/\//.test(word));
  const name = url?.split(/[?#]/)[0].split('/').pop();
  return name && !name.includes('$') ? name : undefined;
}

/** Instructions that make no layer and cannot change what a cleanup command does. */
const transparent = new Set([
  'LABEL',
  'EXPOSE',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'CMD',
  'ENTRYPOINT',
  'MAINTAINER',
  'ENV',
  'ARG',
]);

/**
 * Appends the cleanup RUN to the RUN that created the files and deletes it, when that cannot change what
 * the build does: both are RUNs of one stage with only transparent instructions between, the cleanup RUN
 * holds nothing but cleanup commands, and the joined script still parses. The appended text follows the
 * creating RUN's continuation style (see appendToRun).
 */
function moveCleanupFix(model: DockerfileModel, creator: Instruction, cleanupRun: Instruction): Fix | undefined {
  const creatorRun = creator.run;
  const cleanup = cleanupRun.run;
  if (!creatorRun || !cleanup || cleanup.form !== 'shell' || cleanup.parseError || !cleanup.posixShell)
    return undefined;
  if (creator.stage !== cleanupRun.stage || !creator.stage || cleanupRun.flags.length > 0) return undefined;
  const between = creator.stage.instructions.slice(
    creator.stage.instructions.indexOf(creator) + 1,
    creator.stage.instructions.indexOf(cleanupRun),
  );
  const usesVariables = cleanup.script.includes('$');
  if (
    between.some(
      (instruction) =>
        !transparent.has(instruction.keyword) ||
        (usesVariables && (instruction.keyword === 'ENV' || instruction.keyword === 'ARG')),
    )
  )
    return undefined;
  const commands = effectiveCommandsOf(cleanup);
  if (commands.length === 0 || commands.some((command) => !cleanupOf(command, '/') && command.program !== 'true'))
    return undefined;

  const cleanupText = cleanup.script.trim().replace(/\s*\n\s*/g, ' ');
  const sequenced = /;/.test(cleanupText) ? `{ ${cleanupText.replace(/;?\s*$/, '')}; }` : cleanupText;
  const appended = appendToRun(model, creator, sequenced);
  if (!appended) return undefined;

  const lines = model.lines;
  const removeStart = { line: cleanupRun.range.start.line, character: 0 };
  const removeEnd =
    cleanupRun.range.end.line + 1 < lines.lineCount
      ? { line: cleanupRun.range.end.line + 1, character: 0 }
      : cleanupRun.range.end;
  return {
    title: `Move the cleanup into the RUN on line ${creator.range.start.line + 1}`,
    edits: [...appended, { range: { start: removeStart, end: removeEnd }, newText: '' }],
  };
}
