import { packagesInstalledBy, packagesRemovedBy, pathsCreatedBy, pathsRemovedBy } from '../knowledge/packageManagers';
import { effectiveCommand, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { DockerfileModel, Instruction } from '../model/model';
import { layersOf } from '../model/model';
import { literalPath, removalTouches, resolvePath } from '../model/paths';
import { parseShell } from '../model/shell';
import type { Fix } from './types';
import { defineRule } from './types';

/** Something an instruction left in its layer: a path or an installed package. */
interface Creation {
  instruction: Instruction;
  path?: string;
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
        'creates the files, or keep them out of the image (a build stage, a cache mount, .dockerignore).',
      bad: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
      good: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
    },
    messages: {
      path: '`{{cleanup}}` deletes {{what}} that the {{creator}} on line {{line}} put in an earlier layer: the bytes stay in the image. Delete it in that same instruction.',
      package: '`{{cleanup}}` removes {{what}} installed by the RUN on line {{line}}: that layer keeps the package, so the image does not shrink. Install and remove in one RUN (or build in another stage).',
    },
  },
  check({ model, report }) {
    if (!model.shipped) return;
    const creations: Creation[] = [];
    let workdir = '/';
    for (const instruction of layersOf(model.shipped)) {
      if (instruction.keyword === 'WORKDIR') {
        const path = literalPath(instruction.args[0]);
        if (path) workdir = resolvePath(workdir, path);
      } else if (instruction.copy) {
        const destination = instruction.copy.destination;
        if (destination && !destination.includes('$')) creations.push({ instruction, path: resolvePath(workdir, destination) });
      } else if (instruction.run) {
        const commands = instruction.run.commands.map(effectiveCommand);
        const ownCreations = commands.flatMap((command) => createdBy(command, workdir, instruction));
        for (const cleanup of commands.map((command) => cleanupOf(command, workdir)).filter((entry): entry is Cleanup => entry !== undefined)) {
          reportCleanup(model, instruction, cleanup, creations, ownCreations, report);
        }
        creations.push(...ownCreations);
      }
    }
  },
});

type Reporter = Parameters<(typeof rule)['check']>[0]['report'];

function reportCleanup(model: DockerfileModel, instruction: Instruction, cleanup: Cleanup, earlier: Creation[], own: Creation[], report: Reporter): void {
  const shown = shorten(model.text.slice(cleanup.command.nameWord.start, cleanup.command.command.end));
  const range = model.lines.range(cleanup.command.nameWord.start, cleanup.command.command.end);
  if (cleanup.packages) {
    const { manager, names } = cleanup.packages;
    const ownPackages = new Set(own.filter((entry) => entry.package?.manager === manager).map((entry) => entry.package?.name));
    const creator = [...earlier].reverse().find((entry) => entry.package?.manager === manager && names.includes(entry.package.name) && !ownPackages.has(entry.package.name));
    if (!creator?.package) return;
    report({
      messageId: 'package',
      data: { cleanup: shown, what: `\`${creator.package.name}\``, line: creator.instruction.range.start.line + 1 },
      range,
      fix: moveCleanupFix(model, creator.instruction, instruction),
    });
    return;
  }
  for (const removed of cleanup.paths) {
    // Files this RUN makes itself are cleaned in the same layer: that is the right way.
    if (own.some((entry) => entry.path && removalTouches(removed, entry.path))) continue;
    const creator = [...earlier].reverse().find((entry) => entry.path !== undefined && removalTouches(removed, entry.path));
    if (!creator?.path) continue;
    report({
      messageId: 'path',
      data: { cleanup: shown, what: `\`${removed}\``, creator: creator.instruction.keyword, line: creator.instruction.range.start.line + 1 },
      range,
      fix: creator.instruction.keyword === 'RUN' ? moveCleanupFix(model, creator.instruction, instruction) : undefined,
    });
    return;
  }
}

function shorten(text: string): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > 60 ? `${single.slice(0, 57)}…` : single;
}

const removers = new Set(['rm', 'rmdir', 'unlink']);

function cleanupOf(command: EffectiveCommand, workdir: string): Cleanup | undefined {
  if (removers.has(command.program)) {
    const paths = operands(command.args).map(literalPath).filter((path): path is string => path !== undefined).map((path) => resolvePath(workdir, path));
    return paths.length > 0 ? { command, paths } : undefined;
  }
  const removedPaths = pathsRemovedBy(command).map((path) => resolvePath(workdir, path));
  if (removedPaths.length > 0) return { command, paths: removedPaths };
  const removedPackages = packagesRemovedBy(command);
  if (removedPackages && removedPackages.packages.length > 0) return { command, paths: [], packages: { manager: removedPackages.manager, names: removedPackages.packages } };
  return undefined;
}

/** Paths and packages one command of a RUN leaves in its layer. */
function createdBy(command: EffectiveCommand, workdir: string, instruction: Instruction): Creation[] {
  const at = (path: string | undefined): Creation[] => (path ? [{ instruction, path: resolvePath(workdir, path) }] : []);
  const creations: Creation[] = pathsCreatedBy(command).flatMap((path) => at(path));
  const installed = packagesInstalledBy(command);
  for (const name of installed?.packages ?? []) creations.push({ instruction, package: { manager: installed!.manager, name } });
  const args = command.args;
  const valueAfter = (...options: string[]) => {
    for (let i = 0; i < args.length; i++) {
      const word = args[i].value;
      for (const option of options) {
        if (word === option) return literalPath(args[i + 1]);
        if (option.startsWith('--') && word.startsWith(`${option}=`)) return word.slice(option.length + 1);
      }
    }
    return undefined;
  };
  const urlBasename = () => {
    const url = operands(args).find((word) => /^(https?|ftp):\/\//.test(word.value));
    const name = url?.value.split(/[?#]/)[0].split('/').pop();
    return name ? name : undefined;
  };
  const positional = operands(args).map(literalPath).filter((path): path is string => path !== undefined);
  switch (command.program) {
    case 'curl':
      return [...creations, ...at(valueAfter('-o', '--output') ?? (args.some((arg) => arg.value === '-O' || arg.value === '--remote-name' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(arg.value)) ? urlBasename() : undefined))];
    case 'wget': {
      const output = valueAfter('-O', '--output-document');
      if (output === '-') return creations;
      const directory = valueAfter('-P', '--directory-prefix');
      const name = output ?? urlBasename();
      return [...creations, ...at(name && directory && !output ? `${directory}/${name}` : name)];
    }
    case 'git':
      if (positional[0] !== 'clone') return creations;
      return [...creations, ...at(positional[2] ?? positional[1]?.replace(/\/+$/, '').split('/').pop()?.replace(/\.git$/, ''))];
    case 'mkdir':
      return [...creations, ...positional.flatMap((path) => at(path))];
    case 'tar': {
      const extracting = args.some((arg) => /^-?[a-zA-Z]*x/.test(arg.value) && !arg.value.startsWith('--')) || args.some((arg) => arg.value === '--extract');
      if (extracting) return [...creations, ...at(valueAfter('-C', '--directory') ?? '.')];
      return [...creations, ...at(valueAfter('-f', '--file') ?? fileAfterBundledF(args.map((arg) => arg.value)))];
    }
    case 'unzip':
      return [...creations, ...at(valueAfter('-d'))];
    case 'cp':
    case 'mv':
    case 'ln':
      return [...creations, ...at(positional[positional.length - 1])];
    default:
      return creations;
  }
}

/** `tar -czf out.tgz dir`: the archive is the word after the bundled flags that end in `f`. */
function fileAfterBundledF(words: string[]): string | undefined {
  const index = words.findIndex((word) => /^-?[a-zA-Z]*f$/.test(word) && !word.startsWith('--'));
  return index >= 0 ? words[index + 1] : undefined;
}

/** Instructions that make no layer and cannot change what a cleanup command does. */
const transparent = new Set(['LABEL', 'EXPOSE', 'STOPSIGNAL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'MAINTAINER', 'ENV', 'ARG']);

/**
 * Appends the cleanup RUN to the RUN that created the files and deletes it, when that cannot change what
 * the build does: both are plain shell RUNs of one stage with only transparent instructions between,
 * the cleanup RUN holds nothing but cleanup commands, and the joined script still parses.
 */
function moveCleanupFix(model: DockerfileModel, creator: Instruction, cleanupRun: Instruction): Fix | undefined {
  const creatorRun = creator.run;
  const cleanup = cleanupRun.run;
  if (!creatorRun || !cleanup || creatorRun.form !== 'shell' || cleanup.form !== 'shell') return undefined;
  if (creatorRun.parseError || cleanup.parseError || !creatorRun.posixShell || !cleanup.posixShell) return undefined;
  if (creator.stage !== cleanupRun.stage || !creator.stage || cleanupRun.flags.length > 0) return undefined;
  const between = creator.stage.instructions.slice(creator.stage.instructions.indexOf(creator) + 1, creator.stage.instructions.indexOf(cleanupRun));
  const usesVariables = cleanup.script.includes('$');
  if (between.some((instruction) => !transparent.has(instruction.keyword) || (usesVariables && (instruction.keyword === 'ENV' || instruction.keyword === 'ARG')))) return undefined;
  const commands = cleanup.commands.map(effectiveCommand);
  if (commands.length === 0 || commands.some((command) => !cleanupOf(command, '/') && command.program !== 'true')) return undefined;

  const cleanupText = cleanup.script.trim().replace(/\s*\n\s*/g, ' ');
  const sequenced = /;/.test(cleanupText) ? `{ ${cleanupText.replace(/;?\s*$/, '')}; }` : cleanupText;
  const joined = parseShell(`${creatorRun.script} && ${sequenced}`);
  if (joined.error || joined.commands.length !== creatorRun.commands.length + cleanup.commands.length) return undefined;

  const lines = model.lines;
  const lastLine = creator.range.end.line;
  const lastLineText = lines.lineText(lastLine);
  const indent = lastLine > creator.range.start.line ? (/^\s*/.exec(lastLineText)?.[0] ?? '    ') : '    ';
  const insertion = ` ${model.escapeChar}${lines.eol}${indent}&& ${sequenced}`;
  const removeStart = { line: cleanupRun.range.start.line, character: 0 };
  const removeEnd = cleanupRun.range.end.line + 1 < lines.lineCount ? { line: cleanupRun.range.end.line + 1, character: 0 } : cleanupRun.range.end;
  return {
    title: `Move the cleanup into the RUN on line ${creator.range.start.line + 1}`,
    edits: [
      { range: { start: creator.range.end, end: creator.range.end }, newText: insertion },
      { range: { start: removeStart, end: removeEnd }, newText: '' },
    ],
  };
}
