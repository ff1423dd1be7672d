import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ContextFileReader } from '../size/contextFiles';

/** Lockfiles and requirement files larger than this are not read (the estimate falls back to their size). */
const defaultMaxBytes = 4 * 1024 * 1024;

/**
 * Reads build-context files for the estimator, relative to the context root: never outside it (as
 * in Docker, `../x` and symlinks out of the context are not in it), never more than 4 MB, only regular files; undefined otherwise.
 * Each reader remembers what it read, so one estimate reads a file once.
 */
export function contextFileReader(root: string, maxBytes = defaultMaxBytes): ContextFileReader {
  const read = new Map<string, string | undefined>();
  return (relativePath) => {
    if (read.has(relativePath)) return read.get(relativePath);
    const path = resolve(root, relativePath);
    let text: string | undefined;
    // Symlinks are resolved first: one pointing out of the context is not read either.
    if (isInside(root, path) && isInside(realRoot(root), realPath(path))) text = readSmallFile(path, maxBytes);
    read.set(relativePath, text);
    return text;
  };
}

function isInside(root: string, path: string | undefined): boolean {
  if (path === undefined) return false;
  const inside = relative(root, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function realRoot(root: string): string {
  return realPath(root) ?? root;
}

function readSmallFile(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const buffer = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < stat.size) {
      const count = readSync(fd, buffer, offset, stat.size - offset, offset);
      if (count === 0) break;
      offset += count;
    }
    return buffer.subarray(0, offset).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
