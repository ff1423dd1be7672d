import { compileGoGlob } from './glob';
import type { DocumentWord } from './model';

/** Joins a path written in a Dockerfile or shell command onto a working directory, POSIX style. */
export function resolvePath(workdir: string, path: string, home = '/root'): string {
  let full = path;
  if (full === '~' || full.startsWith('~/')) full = home + full.slice(1);
  else if (full.startsWith('$HOME/') || full === '$HOME') full = home + full.slice('$HOME'.length);
  else if (full.startsWith('${HOME}')) full = home + full.slice('${HOME}'.length);
  if (!full.startsWith('/')) full = `${workdir.replace(/\/+$/, '')}/${full}`;
  const parts: string[] = [];
  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** True when deleting `removed` (which may end in `/*` or hold globs) deletes some of `created`. */
export function removalTouches(removed: string, created: string): boolean {
  const base = removed.replace(/\/\*$/, '').replace(/\/+$/, '') || '/';
  if (base === '/') return false;
  if (/[*?[]/.test(base)) {
    // Compare the glob with `created` cut to as many segments as the glob has: `/tmp/*.tgz` deletes `/tmp/a.tgz/x`.
    const depth = base.split('/').length;
    return globMatch(base, created.split('/').slice(0, depth).join('/'));
  }
  return created === base || created.startsWith(`${base}/`) || base.startsWith(`${created}/`);
}

/** `*` and `?` within a segment, `[…]` classes; linear in the path whatever the pattern (it comes from the Dockerfile). */
function globMatch(pattern: string, value: string): boolean {
  return compileGoGlob(pattern)?.test(value) ?? false;
}

/** The literal value of a word usable as a path, or undefined when it depends on a variable. */
export function literalPath(word: DocumentWord | undefined): string | undefined {
  if (!word) return undefined;
  if (word.literal) return word.value;
  return /^(\$HOME|\$\{HOME\})(\/|$)/.test(word.value) && !word.value.slice(5).includes('$') ? word.value : undefined;
}
