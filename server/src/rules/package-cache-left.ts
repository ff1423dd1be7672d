import { cachesLeftBy, mayBePackageManager, pathsCreatedBy, pathsRemovedBy } from '../knowledge/packageManagers';
import type { CacheLeft } from '../knowledge/packageManagers';
import { effectiveCommandsOf, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { DockerfileModel, Instruction } from '../model/model';
import { heredocsOf, layersOf } from '../model/model';
import { literalPath, removalTouches, resolvePath } from '../model/paths';
import { parseShell } from '../model/shell';
import { instructionTail } from '../model/tail';
import type { Fix, TextEdit } from './types';
import { defineRule } from './types';

interface Leftover {
  instruction: Instruction;
  /** Index of the instruction in the shipped layers. */
  layer: number;
  /** The command as written (before `python -m pip` is seen as pip), for the range. */
  written: EffectiveCommand;
  cache: CacheLeft;
}

export const rule = defineRule({
  meta: {
    name: 'package-cache-left',
    severity: 'warning',
    fixable: true,
    docs: {
      summary:
        "A RUN of the shipped image installs packages and leaves the package manager's download cache or package lists in its layer.",
      rationale:
        'apt lists, the apk index, the pip, npm, yarn and conda caches and the yum/dnf/zypper caches are only needed while installing: left ' +
        "in the layer they add megabytes to every pull of the shipped image. Avoid them with the manager's own option " +
        '(`apk add --no-cache`, `pip install --no-cache-dir`), delete them at the end of the same RUN (a later RUN cannot ' +
        'shrink the layer), or keep them in a `RUN --mount=type=cache` mount. Official Debian and Ubuntu images already delete ' +
        'downloaded .deb files after each install (/etc/apt/apt.conf.d/docker-clean), but not the lists that `apt-get update` ' +
        'writes to /var/lib/apt/lists. A cache deleted by a later RUN is reported by cleanup-in-later-layer instead. Build ' +
        'stages that are not shipped are not checked.',
      bad: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\nRUN pip install psycopg\nUSER nobody\n',
      good: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir psycopg\nUSER nobody\n',
    },
    messages: {
      flag: '`{{command}}` leaves {{what}} in a shipped layer. Add `{{flag}}`.',
      append:
        '`{{command}}` leaves {{what}} in a shipped layer. End the same RUN with `{{cleanup}}`, or use a cache mount.',
    },
    compat: { hadolint: ['DL3009', 'DL3019', 'DL3042', 'DL3060', 'DL3032', 'DL3036', 'DL3040'] },
  },
  check({ model, report }) {
    if (!model.shipped) return;
    const layers = layersOf(model.shipped);
    const env = new Set<string>();
    const leftovers: Leftover[] = [];
    let workdir = '/';
    layers.forEach((instruction, layer) => {
      if (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') {
        for (const name of assignedNames(instruction)) env.add(name);
      } else if (instruction.keyword === 'WORKDIR') {
        const path = literalPath(instruction.args[0]);
        if (path) workdir = resolvePath(workdir, path);
      } else if (instruction.run?.posixShell) {
        const run = instruction.run;
        const commands = effectiveCommandsOf(run);
        const mounts = cacheMountTargets(instruction);
        commands.forEach((written, index) => {
          if (!mayBePackageManager(written.program)) return;
          for (const cache of cachesLeftBy(written)) {
            if (cache.env.some((name) => env.has(name) || run.script.includes(name))) continue;
            if (cache.paths.some((path) => mounts.some((target) => pathCovers(target, path)))) continue;
            if (
              commands
                .slice(index + 1)
                .some((later) =>
                  removedBy(later, workdir).some((removed) => cache.paths.some((path) => removalCovers(removed, path))),
                )
            )
              continue;
            leftovers.push({ instruction, layer, written, cache });
          }
        });
      }
    });

    const reported = new Set<string>();
    for (const leftover of leftovers) {
      const key = `${leftover.instruction.index}:${leftover.cache.what}`;
      if (reported.has(key)) continue;
      reported.add(key);
      // A later RUN that only deletes the cache is cleanup-in-later-layer's finding, with a fix that moves it here.
      if (cleanedLater(layers, leftover)) continue;
      const group = leftovers.filter(
        (entry) => entry.instruction === leftover.instruction && entry.cache.what === leftover.cache.what,
      );
      const { written, cache } = leftover;
      const words =
        cache.verb === written.nameWord
          ? [written.nameWord]
          : [written.nameWord, ...written.args.slice(0, written.args.indexOf(cache.verb) + 1)];
      const command = shorten(words.map((word) => word.value).join(' '));
      const range = model.lines.range(written.nameWord.start, Math.max(written.nameWord.end, cache.verb.end));
      const fix = cacheFix(model, leftover.instruction, group);
      if (group.every((entry) => entry.cache.flag) && cache.flag) {
        report({ messageId: 'flag', data: { command, what: cache.what, flag: cache.flag }, range, fix });
      } else {
        report({
          messageId: 'append',
          data: { command, what: cache.what, cleanup: appendedCleanup(group) },
          range,
          fix,
        });
      }
    }
  },
});

function shorten(text: string): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > 60 ? `${single.slice(0, 57)}…` : single;
}

function appendedCleanup(group: Leftover[]): string {
  return (
    [...group].reverse().find((entry) => entry.cache.append)?.cache.append ?? `rm -rf ${group[0].cache.paths[0]}/*`
  );
}

/** Adds the manager's option to each command, or appends the cleanup when one of them has no such option. */
function cacheFix(model: DockerfileModel, instruction: Instruction, group: Leftover[]): Fix | undefined {
  const run = instruction.run;
  if (!run || run.form === 'exec') return undefined;
  if (group.every((entry) => entry.cache.flag)) {
    const flag = group[0].cache.flag!;
    return {
      title: `Add ${flag}`,
      edits: group.map(({ cache }) => ({
        range: model.lines.range(cache.verb.end, cache.verb.end),
        newText: ` ${cache.flag}`,
      })),
    };
  }
  const cleanup = appendedCleanup(group);
  const edits = appendToRun(model, instruction, cleanup);
  return edits ? { title: `Delete ${group[0].cache.what.replace(/^the /, '')} in the same RUN`, edits } : undefined;
}

/** True when a later RUN of the shipped image deletes the cache without making it again first. */
function cleanedLater(layers: Instruction[], leftover: Leftover): boolean {
  for (const instruction of layers.slice(leftover.layer + 1)) {
    const commands = instruction.run ? effectiveCommandsOf(instruction.run) : [];
    for (const command of commands) {
      if (
        pathsCreatedBy(command).some((created) =>
          leftover.cache.paths.some((path) => pathCovers(created, path) || pathCovers(path, created)),
        )
      )
        break;
      if (removedBy(command, '/').some((removed) => leftover.cache.paths.some((path) => removalCovers(removed, path))))
        return true;
    }
  }
  return false;
}

const removers = new Set(['rm', 'rmdir']);

/** Paths a command deletes: rm operands and package-manager cleanups. */
function removedBy(command: EffectiveCommand, workdir: string): string[] {
  if (removers.has(command.program)) {
    return operands(command.args)
      .map(literalPath)
      .filter((path): path is string => path !== undefined)
      .map((path) => resolvePath(workdir, path));
  }
  return pathsRemovedBy(command);
}

/** `removed` (which may end in `/*` or hold globs) deletes all of `path`, not just part of it. */
function removalCovers(removed: string, path: string): boolean {
  const home = homeRelative(path);
  if (home !== undefined) {
    const removedHome = homeRelative(removed);
    if (removedHome === undefined) return false;
    removed = `/root${removedHome}`;
    path = `/root${home}`;
  }
  const base = removed.replace(/\/\*$/, '').replace(/\/+$/, '');
  if (!/[*?[]/.test(base) && base.startsWith(`${path}/`)) return false;
  return removalTouches(removed, path);
}

/**
 * `~/.cache/pip` → `/.cache/pip`; `/root/.npm` and `/home/app/.npm` → `/.npm`: a cache in a home is compared
 * whichever user's home it is. Undefined outside a home and for a home itself (deleting /home/app is not
 * deleting root's cache).
 */
function homeRelative(path: string): string | undefined {
  return /^(?:~|\$HOME|\$\{HOME\}|\/root|\/home\/[^/]+)(\/.+)$/.exec(path)?.[1];
}

/** True when `outer` is `path` or one of its parent directories (homes compared by what follows them). */
export function pathCovers(outer: string, path: string): boolean {
  const outerHome = homeRelative(outer);
  const pathHome = homeRelative(path);
  if (outerHome !== undefined && pathHome !== undefined) {
    outer = `/root${outerHome}`;
    path = `/root${pathHome}`;
  }
  const trimmed = outer.replace(/\/+$/, '') || '/';
  return path === trimmed || path.startsWith(trimmed === '/' ? '/' : `${trimmed}/`);
}

/** Targets of `RUN --mount=type=cache|tmpfs,target=…`: what is written there never reaches the layer. */
export function cacheMountTargets(instruction: Instruction): string[] {
  const targets: string[] = [];
  for (const flag of instruction.flags) {
    if (flag.name !== 'mount' || !flag.value) continue;
    const options = new Map(
      flag.value.split(',').map((part) => {
        const eq = part.indexOf('=');
        return eq < 0
          ? [part.trim().toLowerCase(), '']
          : [
              part.slice(0, eq).trim().toLowerCase(),
              part
                .slice(eq + 1)
                .trim()
                .replace(/^["']|["']$/g, ''),
            ];
      }),
    );
    const type = options.get('type') ?? 'bind';
    const target = options.get('target') ?? options.get('dst') ?? options.get('destination');
    if ((type === 'cache' || type === 'tmpfs') && target) targets.push(target);
  }
  return targets;
}

/** Names an ENV or ARG instruction gives a value (`ENV A=1 B=2`, legacy `ENV A 1`, `ARG A=1`). */
function assignedNames(instruction: Instruction): string[] {
  const args = instruction.args;
  if (instruction.keyword === 'ENV' && args.length >= 2 && !args[0].value.includes('=')) return [args[0].value];
  return args
    .map((arg) => arg.value)
    .filter((value) => value.indexOf('=') > 0 && value.indexOf('=') < value.length - 1)
    .map((value) => value.slice(0, value.indexOf('=')));
}

/** Scripts whose command count was already parsed: fixes are recomputed on every keystroke for the same RUNs. */
const parsedCounts = new Map<string, number | undefined>();

/** Number of simple commands in a script, undefined when it does not parse; memoised. */
function commandCount(script: string): number | undefined {
  if (parsedCounts.has(script)) return parsedCounts.get(script);
  const parsed = parseShell(script);
  const count = parsed.error ? undefined : parsed.commands.length;
  if (parsedCounts.size >= 500) parsedCounts.clear();
  parsedCounts.set(script, count);
  return count;
}

/**
 * Edits that run `command` at the end of a RUN, in the RUN's own continuation style (`&& \` or `\ … &&` or
 * `; \`, escape character, line breaks, indentation); for `RUN <<EOF` a line before the terminator.
 * Undefined when that cannot be done safely: exec form, a parse error, a heredoc inside a shell-form RUN or
 * one never terminated, a continuation that runs on into comment lines at the end, or a non-POSIX shell.
 */
export function appendToRun(model: DockerfileModel, instruction: Instruction, command: string): TextEdit[] | undefined {
  const run = instruction.run;
  if (!run || run.form === 'exec' || run.parseError || !run.posixShell) return undefined;
  const lines = model.lines;
  const eol = lines.eol;
  const added = commandCount(command);
  if (added === undefined) return undefined;
  if (run.form === 'heredoc') {
    const heredocs = heredocsOf(instruction.ast);
    const terminator = instruction.range.end.line;
    // A heredoc whose terminator never comes has no line to put the command before.
    if (heredocs.length !== 1 || !heredocs[0].getDelimiterRange() || terminator <= instruction.range.start.line + 1)
      return undefined;
    if (commandCount(`${run.script}\n${command}`) !== run.commands.length + added) return undefined;
    const indent = /^[ \t]*/.exec(lines.lineText(terminator - 1))?.[0] ?? '';
    const at = { line: terminator, character: 0 };
    return [{ range: { start: at, end: at }, newText: `${indent}${command}${eol}` }];
  }
  if (run.script.includes('<<')) return undefined;

  const escape = model.escapeChar;
  const first = instruction.range.start.line;
  const last = instruction.range.end.line;
  const texts: string[] = [];
  for (let line = first; line <= last; line++) texts.push(lines.lineText(line));
  // A continuation over trailing comment lines would put the command inside the last comment; after an escaped
  // escape (`foo \\`) BuildKit's RUN, which the script is, ends before the line the command would go on.
  const tail = instructionTail(model, instruction);
  if (tail.danglingEscape || tail.endsEarlierInBuildKit) return undefined;
  const continued = (text: string) => {
    const trimmed = text.trimEnd();
    return trimmed.endsWith(escape) ? trimmed.slice(0, -1).trimEnd() : undefined;
  };
  let trailingAnd = 0;
  let trailingSemicolon = 0;
  let leadingAnd = 0;
  let leadingIndent: string | undefined;
  let trailingIndent: string | undefined;
  texts.forEach((text, index) => {
    const body = continued(text);
    if (body?.endsWith('&&')) trailingAnd++;
    else if (body?.endsWith(';')) trailingSemicolon++;
    if (index > 0 && /^\s*&&/.test(text)) {
      leadingAnd++;
      leadingIndent = /^[ \t]*/.exec(text)![0];
    }
    const previous = index > 0 ? continued(texts[index - 1]) : undefined;
    if (
      previous &&
      (previous.endsWith('&&') || previous.endsWith(';')) &&
      text.trim() !== '' &&
      !text.trimStart().startsWith('#')
    ) {
      trailingIndent = /^[ \t]*/.exec(text)![0];
    }
  });
  const style =
    leadingAnd > 0 && leadingAnd >= trailingAnd + trailingSemicolon
      ? 'leading'
      : trailingSemicolon > trailingAnd
        ? 'semicolon'
        : trailingAnd > 0
          ? 'trailing'
          : 'leading';
  if (
    commandCount(style === 'semicolon' ? `${run.script}; ${command}` : `${run.script} && ${command}`) !==
    run.commands.length + added
  )
    return undefined;
  const indent = (style === 'leading' ? leadingIndent : trailingIndent) ?? '    ';
  const newText =
    style === 'leading'
      ? ` ${escape}${eol}${indent}&& ${command}`
      : style === 'semicolon'
        ? `; ${escape}${eol}${indent}${command}`
        : ` && ${escape}${eol}${indent}${command}`;
  return [{ range: { start: instruction.range.end, end: instruction.range.end }, newText }];
}
