import { effectiveCommandsOf, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import { isWindowsImage } from '../model/image';
import type { DocumentWord, DockerfileModel, Instruction } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import { literalPath, resolvePath } from '../model/paths';
import { copyCreations } from './cleanup-in-later-layer';
import type { CopyEntry } from './cleanup-in-later-layer';
import { pathCovers } from './package-cache-left';
import type { Fix, TextEdit } from './types';
import { defineRule } from './types';

interface Copied {
  instruction: Instruction;
  entries: CopyEntry[];
}

/** A `chown`/`chmod` command of a RUN, split into what a COPY flag could express. */
interface Ownership {
  command: EffectiveCommand;
  kind: 'chown' | 'chmod';
  recursive: DocumentWord | undefined;
  /** Owner (`app:app`) or mode (`755`) as written. */
  value: DocumentWord;
  paths: DocumentWord[];
  /** Only options a COPY flag reproduces (-R, -v, -c, -f). */
  plainOptions: boolean;
}

export const rule = defineRule({
  meta: {
    name: 'chown-after-copy',
    severity: 'warning',
    fixable: true,
    docs: {
      summary:
        'A RUN of the shipped image changes the owner or mode of files an earlier COPY or ADD put there, which stores them a second time.',
      rationale:
        'A layer records every file that changed, and a new owner or mode is a change: `RUN chown -R app /app` after ' +
        '`COPY . /app` writes the whole tree again into a new layer, doubling its size in the image. Give the owner and ' +
        'mode in the COPY itself (`COPY --chown=app:app`, `COPY --chmod=755`; `--chmod` needs BuildKit, the default ' +
        'builder since Docker 23, and octal modes before Dockerfile syntax 1.14). The quick fix moves them when the ' +
        'COPY is the only source of the files and the owner or mode maps one to one; for a directory it keeps a ' +
        'non-recursive chown of the directory itself, which a COPY flag does not change when the directory already ' +
        'exists. Build stages that are not shipped are not checked.',
      bad: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\nUSER node\nCMD ["node", "server.js"]\n',
      good: 'FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\nCMD ["node", "server.js"]\n',
    },
    messages: {
      tree: '`{{command}}` rewrites the files the {{copy}} on line {{line}} put in `{{path}}`. The image stores them twice; set {{what}} in the {{copy}} (`--{{kind}}=…`) instead.',
      file: '`{{command}}` stores `{{path}}` a second time just to change its {{what}}. It came from the {{copy}} on line {{line}}; set it in the {{copy}} (`--{{kind}}=…`) instead.',
    },
  },
  check({ model, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    const root = rootStage(shipped);
    // Windows containers have no chown/chmod; COPY --chown works differently there.
    if (isWindowsImage(root.image)) return;
    const layers = layersOf(shipped);
    const copies: Copied[] = [];
    const workdirs = new Set<string>();
    let workdir = '/';
    layers.forEach((instruction, layer) => {
      if (instruction.keyword === 'WORKDIR') {
        const path = literalPath(instruction.args[0]);
        if (path) workdir = resolvePath(workdir, path);
        workdirs.add(workdir);
      } else if (instruction.copy) {
        const entries = copyCreations(instruction.copy, workdir, workdirs, instruction.keyword === 'ADD');
        if (entries.length > 0) copies.push({ instruction, entries });
      } else if (instruction.run?.posixShell) {
        for (const command of effectiveCommandsOf(instruction.run)) {
          const ownership = ownershipOf(command);
          if (!ownership) continue;
          for (const word of ownership.paths) {
            const written = literalPath(word);
            if (!written) continue;
            const path = resolvePath(workdir, written);
            const match = latestCopy(copies, path, ownership.recursive !== undefined);
            if (!match) continue;
            const { copy, entry } = match;
            const shown = model.text.slice(command.nameWord.start, command.command.end).replace(/\s+/g, ' ');
            const data = {
              command: shown.length > 60 ? `${shown.slice(0, 57)}…` : shown,
              copy: copy.instruction.keyword,
              line: copy.instruction.range.start.line + 1,
              path,
              what: ownership.kind === 'chown' ? 'the owner' : 'the mode',
              kind: ownership.kind,
            };
            const single = entry.file && entry.path === path;
            report({
              messageId: single ? 'file' : 'tree',
              data: single ? { ...data, what: ownership.kind === 'chown' ? 'owner' : 'mode' } : data,
              range: model.lines.range(command.nameWord.start, command.command.end),
              // One copied file costs what it weighs, unknown here; a whole tree is the usual big waste.
              severity: ownership.recursive ? undefined : 'info',
              fix: moveToCopyFix(model, { instruction, layer, layers, ownership, path, copies, single }),
            });
            break;
          }
        }
      }
    });
  },
});

/** The newest COPY that put files where the command changes them. */
function latestCopy(
  copies: Copied[],
  path: string,
  recursive: boolean,
): { copy: Copied; entry: CopyEntry } | undefined {
  for (let index = copies.length - 1; index >= 0; index--) {
    const copy = copies[index];
    const entry = copy.entries.find((candidate) =>
      recursive
        ? pathCovers(path, candidate.path) || (!candidate.file && pathCovers(candidate.path, path))
        : candidate.file && candidate.path === path,
    );
    if (entry) return { copy, entry };
  }
  return undefined;
}

const plainOption = /^-[Rvcf]+$|^--(recursive|verbose|changes|silent|quiet)$/;

function ownershipOf(command: EffectiveCommand): Ownership | undefined {
  if (command.program !== 'chown' && command.program !== 'chmod') return undefined;
  const kind = command.program;
  const words = operands(command.args);
  const [value, ...paths] = words;
  if (!value || paths.length === 0) return undefined;
  const options = command.args.filter((arg) => arg.value.startsWith('-'));
  const recursive = options.find((arg) => arg.value === '--recursive' || /^-[a-zA-Z]*R[a-zA-Z]*$/.test(arg.value));
  return { command, kind, recursive, value, paths, plainOptions: options.every((arg) => plainOption.test(arg.value)) };
}

interface FixInput {
  instruction: Instruction;
  layer: number;
  layers: Instruction[];
  ownership: Ownership;
  path: string;
  copies: Copied[];
  single: boolean;
}

/**
 * Adds `--chown`/`--chmod` to every COPY that put files under the path and drops the RUN (one file) or its
 * recursion (a directory keeps its own non-recursive change), when that changes nothing but the layers: the
 * RUN holds only this command on one path, the owner is `user:group` or the mode octal, the COPYs are in the
 * same stage and nothing else wrote under the path.
 */
function moveToCopyFix(model: DockerfileModel, input: FixInput): Fix | undefined {
  const { instruction, layer, layers, ownership, path, copies, single } = input;
  const run = instruction.run!;
  if (run.form !== 'shell' || run.parseError || run.commands.length !== 1 || instruction.flags.length > 0)
    return undefined;
  if (!ownership.plainOptions || ownership.paths.length !== 1 || !ownership.value.literal) return undefined;
  const value = ownership.value.value;
  if (
    ownership.kind === 'chown'
      ? !/^[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value)
      : !copyTakesMode(model, value)
  )
    return undefined;

  const involved = copies.filter(
    (copy) => copy.instruction.index < instruction.index && copy.entries.some((entry) => pathCovers(path, entry.path)),
  );
  const wider = copies.some((copy) =>
    copy.entries.some((entry) => entry.path !== path && pathCovers(entry.path, path)),
  );
  if (involved.length === 0 || wider || involved.some((copy) => copy.instruction.stage !== instruction.stage))
    return undefined;
  if (wroteUnder(layers.slice(0, layer), path)) return undefined;

  const edits: TextEdit[] = [];
  for (const { instruction: copy } of involved) {
    const existing = copy.flags.find((flag) => flag.name === ownership.kind);
    if (existing && existing.value !== value) return undefined;
    if (!existing)
      edits.push({
        range: { start: copy.keywordRange.end, end: copy.keywordRange.end },
        newText: ` --${ownership.kind}=${value}`,
      });
  }
  const lines = model.lines;
  if (single) {
    const end =
      instruction.range.end.line + 1 < lines.lineCount
        ? { line: instruction.range.end.line + 1, character: 0 }
        : instruction.range.end;
    edits.push({ range: { start: { line: instruction.range.start.line, character: 0 }, end }, newText: '' });
  } else {
    const recursive = ownership.recursive;
    if (!recursive) return undefined;
    const rest = recursive.value === '--recursive' ? '' : `-${recursive.value.slice(1).replace(/R/g, '')}`;
    if (rest === '' || rest === '-') {
      // Delete the option and the blank after it.
      let end = recursive.end;
      while (model.text[end] === ' ' || model.text[end] === '\t') end++;
      edits.push({ range: lines.range(recursive.start, end), newText: '' });
    } else {
      edits.push({ range: recursive.range, newText: rest });
    }
  }
  const flag = `--${ownership.kind}=${value}`;
  const line = involved[0].instruction.range.start.line + 1;
  return {
    title: single
      ? `Set ${flag} on the ${involved[0].instruction.keyword} on line ${line} and drop this RUN`
      : `Set ${flag} on the ${involved.length > 1 ? 'COPYs' : `${involved[0].instruction.keyword} on line ${line}`} and change only the directory itself here`,
    edits,
  };
}

/** Octal modes always; symbolic ones (`+x`, `u=rwx,go=rx`) since Dockerfile syntax 1.14, so only under such a `# syntax`. */
function copyTakesMode(model: DockerfileModel, mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return true;
  if (!/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(mode)) return false;
  const syntax = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?:(\d+)(?:\.(\d+))?/.exec(
    model.directives.get('syntax') ?? '',
  );
  if (!syntax) return false;
  const major = Number(syntax[1]);
  const minor = syntax[2] === undefined ? Infinity : Number(syntax[2]);
  return major > 1 || (major === 1 && minor >= 14);
}

/** True when a RUN or WORKDIR before may have written under `path`: it ran there, names it, or creates a directory in it. */
function wroteUnder(before: Instruction[], path: string): boolean {
  let workdir = '/';
  for (const instruction of before) {
    if (instruction.keyword === 'WORKDIR') {
      const written = literalPath(instruction.args[0]);
      if (!written) return true;
      workdir = resolvePath(workdir, written);
      if (workdir !== path && pathCovers(path, workdir)) return true;
    } else if (instruction.run) {
      if (pathCovers(path, workdir)) return true;
      for (const command of effectiveCommandsOf(instruction.run)) {
        const named = command.args.filter((word) => mentionsPath(word.value, path));
        if (named.length === 0) continue;
        // `mkdir -p /app` only makes the directory the RUN keeps changing itself.
        const onlyMakesIt =
          command.program === 'mkdir' && named.every((word) => resolvePath(workdir, word.value) === path);
        if (!onlyMakesIt) return true;
      }
    }
  }
  return false;
}

/** True when a word names `path` or something inside it. */
function mentionsPath(word: string, path: string): boolean {
  const index = word.indexOf(path);
  if (index < 0) return false;
  const after = word[index + path.length];
  return after === undefined || after === '/' || after === ' ' || after === ':' || after === ';';
}
