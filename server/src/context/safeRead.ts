// The one way LayerLens reads a file that came with a repository (a Dockerfile, .dockerignore,
// manifest, lockfile, registry cache entry). Every such file is attacker-controlled: it may be a FIFO
// (an open blocks forever), a symlink to /dev/zero (a read never ends) or to a file outside the build
// context (whose lines would then be echoed back), or a folder with a Dockerfile's name.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type SafeReadFailure =
  /** No such file (or a parent is not a folder). */
  | 'missing'
  /** A folder, FIFO, socket or device: only regular files are read. */
  | 'not-a-file'
  /** The path, or a symlink on the way to it, leads outside the root it must stay in. */
  | 'outside-root'
  /** Longer than the cap (counted while reading, not taken from `stat`). */
  | 'too-large'
  /** Permissions or another I/O error. */
  | 'unreadable';

export type SafeReadResult =
  { ok: true; bytes: Buffer } | { ok: false; reason: SafeReadFailure; path: string; code?: string };

export interface SafeReadOptions {
  /** Bytes read at most; a longer file is `too-large`. */
  maxBytes: number;
  /** When given, the file must lie inside this folder with every symlink resolved (as in Docker's build context). */
  root?: string;
}

/** O_NONBLOCK: should a FIFO appear between the checks and the open, the open still returns at once. */
const openFlags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
const chunkBytes = 64 * 1024;

/** Reads a regular file, bounded, without blocking and without leaving `root`; never throws. */
export function readRegularFile(path: string, options: SafeReadOptions): SafeReadResult {
  const absolute = resolve(path);
  const fail = (reason: SafeReadFailure, code?: string): SafeReadResult => ({ ok: false, reason, path, code });
  let real: string;
  try {
    if (options.root !== undefined && !isInside(resolve(options.root), absolute)) return fail('outside-root');
    // Resolving links first means the file opened is the one checked, and a link out of the root is caught.
    real = realpathSync(absolute);
    if (options.root !== undefined && !isInside(realRoot(options.root), real)) return fail('outside-root');
    if (!lstatSync(real).isFile()) return fail('not-a-file');
  } catch (error) {
    return fail(failureOf(error), (error as NodeJS.ErrnoException).code);
  }
  let fd: number | undefined;
  try {
    fd = openSync(real, openFlags);
    // Checked again on the open file: it may have been swapped since the lstat.
    if (!fstatSync(fd).isFile()) return fail('not-a-file');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, options.maxBytes + 1 - total));
      const count = readSync(fd, chunk, 0, chunk.length, null);
      if (count === 0) break;
      chunks.push(count === chunk.length ? chunk : chunk.subarray(0, count));
      total += count;
      if (total > options.maxBytes) return fail('too-large');
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return fail(failureOf(error), (error as NodeJS.ErrnoException).code);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `readRegularFile` as UTF-8 text (a leading byte-order mark kept: callers decide), or undefined on any failure. */
export function readRegularText(path: string, options: SafeReadOptions): string | undefined {
  const result = readRegularFile(path, options);
  return result.ok ? result.bytes.toString('utf8') : undefined;
}

/** A one-line message for a failed read, for CLI errors and notes. */
export function describeFailure(failure: Extract<SafeReadResult, { ok: false }>, maxBytes?: number): string {
  switch (failure.reason) {
    case 'missing':
      return `no such file: ${failure.path}`;
    case 'not-a-file':
      return `not a regular file: ${failure.path}`;
    case 'outside-root':
      return `leads outside its folder (symlink): ${failure.path}`;
    case 'too-large':
      return `larger than ${maxBytes === undefined ? 'the limit' : `${Math.round(maxBytes / 1024 / 1024)} MB`}: ${failure.path}`;
    case 'unreadable':
      return failure.code === 'EACCES' ? `permission denied: ${failure.path}` : `cannot read ${failure.path}`;
  }
}

/** True when `path` is `root` itself or below it. */
export function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
}

function realRoot(root: string): string {
  try {
    return realpathSync(resolve(root));
  } catch {
    return resolve(root);
  }
}

function failureOf(error: unknown): SafeReadFailure {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
  if (code === 'EISDIR' || code === 'ELOOP') return 'not-a-file';
  return 'unreadable';
}
