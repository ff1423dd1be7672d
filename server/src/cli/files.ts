import { readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { describeFailure, readRegularFile } from '../context/safeRead';

/** Names a folder search treats as Dockerfiles: Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*, x__Dockerfile… */
export function isDockerfileName(name: string): boolean {
  if (/\.dockerignore$/i.test(name)) return false;
  return /(^|[._-])(dockerfile|containerfile)([._-]|$)/i.test(name);
}

const skippedFolders = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.cache']);

/** Dockerfiles larger than this are not read (the engine would not analyse them either). */
export const maxDockerfileBytes = 4 * 1024 * 1024;

export interface CollectedFile {
  /** As given, or joined onto the folder given. */
  path: string;
  /** The folder searched, for files a folder search found: a symlink out of it is not followed. */
  root?: string;
}

/**
 * Expands the CLI's paths: files as given, folders searched for Dockerfiles (sorted, bounded). A file
 * reached twice (given twice, or by a folder and by name) is listed once. Throws for a path that does not exist.
 */
export function collectFiles(paths: string[], limit = 100_000): CollectedFile[] {
  const files: CollectedFile[] = [];
  const seenFiles = new Set<string>();
  const add = (file: CollectedFile) => {
    const key = realPathOrSelf(file.path);
    if (seenFiles.has(key)) return;
    seenFiles.add(key);
    files.push(file);
  };
  for (const path of paths) {
    const stats = statSync(path);
    if (stats.isDirectory()) walk(path, path, add, () => files.length >= limit, new Set());
    else add({ path });
  }
  return files;
}

export type DockerfileRead = { ok: true; text: string } | { ok: false; message: string };

/** Reads a Dockerfile the CLI was given or found: a regular file, bounded, not through a link out of the searched folder. */
export function readDockerfile(file: CollectedFile): DockerfileRead {
  const read = readRegularFile(file.path, { maxBytes: maxDockerfileBytes, root: file.root });
  if (!read.ok) return { ok: false, message: describeFailure(read, maxDockerfileBytes) };
  if (looksBinary(read.bytes)) return { ok: false, message: `not a text file (binary data): ${file.path}` };
  return { ok: true, text: read.bytes.toString('utf8') };
}

/** NUL bytes or runs of control characters near the start, as `git diff` decides. */
function looksBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return true;
  // eslint-disable-next-line no-control-regex -- binary files are told by their control characters
  return /[\u0001-\u0008\u000e-\u001a]{4}/.test(head.toString('latin1'));
}

function walk(
  root: string,
  folder: string,
  add: (file: CollectedFile) => void,
  full: () => boolean,
  seen: Set<string>,
): void {
  let id: string;
  let entries: Dirent[];
  try {
    const stats = statSync(folder);
    id = `${stats.ino}:${stats.dev}`;
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    // An unreadable folder is skipped, as `docker build` would fail on it only if it were copied.
    return;
  }
  if (seen.has(id)) return;
  seen.add(id);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (full()) return;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!skippedFolders.has(entry.name)) walk(root, path, add, full, seen);
    } else if (entry.isFile() && isDockerfileName(basename(path))) {
      add({ path, root });
    } else if (entry.isSymbolicLink() && isDockerfileName(basename(path)) && !linksToFolder(path)) {
      // A link to a folder named like a Dockerfile is not one; a link to a device or out of the folder is refused when read.
      add({ path, root });
    }
  }
}

function linksToFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function realPathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** A report's path for a file: relative to the folder the CLI ran in, with `/`, never `./`-prefixed. */
export function reportPath(root: string, file: string): string {
  return relative(root, resolve(root, file)).split(sep).join('/');
}
