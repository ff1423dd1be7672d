import { resolve } from 'node:path';
import type { ContextFileReader } from '../size/contextFiles';
import { readRegularText } from './safeRead';

/** Lockfiles and requirement files larger than this are not read (the estimate falls back to their size). */
const defaultMaxBytes = 4 * 1024 * 1024;

/**
 * Reads build-context files for the estimator, relative to the context root: never outside it (as
 * in Docker, `../x` and symlinks out of the context are not in it), never more than 4 MB, only
 * regular files (never a FIFO or device); undefined otherwise. Each reader remembers what it read,
 * so one estimate reads a file once.
 */
export function contextFileReader(root: string, maxBytes = defaultMaxBytes): ContextFileReader {
  const read = new Map<string, string | undefined>();
  return (relativePath) => {
    if (read.has(relativePath)) return read.get(relativePath);
    const path = resolve(root, relativePath);
    // The root itself is a folder, never a file of the context.
    const text = path === resolve(root) ? undefined : readRegularText(path, { root, maxBytes });
    read.set(relativePath, text);
    return text;
  };
}
