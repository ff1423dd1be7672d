import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Replaces a file's content so that it is either the old text or the new one, never half of each:
 * the text goes to a new file in the same folder (same mode), is flushed, then renamed over the
 * original. Refuses to write through a symlink or onto anything but a regular file. Throws an Error
 * with a one-line message.
 */
export function replaceFileAtomically(path: string, text: string): void {
  let mode: number;
  try {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) throw new Error(`not writing ${path}: it is a symlink (write its target instead)`);
    if (!stats.isFile()) throw new Error(`not writing ${path}: not a regular file`);
    mode = stats.mode & 0o7777;
  } catch (error) {
    throw new Error(writeProblem(path, error), { cause: error });
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    // `wx`: never reuses a file (or a link) someone put there.
    fd = openSync(temporary, 'wx', mode);
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    throw new Error(writeProblem(path, error), { cause: error });
  }
}

function writeProblem(path: string, error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === undefined) return message;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    ENOSPC: 'no space left on the disk',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EISDIR: 'is a folder',
    EIO: 'I/O error',
    EFBIG: 'file too large for the disk or a size limit',
  };
  return `cannot write ${path}: ${reasons[code] ?? code} (the file is unchanged)`;
}
