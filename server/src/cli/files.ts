import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Names a folder search treats as Dockerfiles: Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*, x__Dockerfile… */
export function isDockerfileName(name: string): boolean {
  if (/\.dockerignore$/i.test(name)) return false;
  return /(^|[._-])(dockerfile|containerfile)([._-]|$)/i.test(name);
}

const skippedFolders = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.cache']);

/** Expands the CLI's paths: files as given, folders searched for Dockerfiles (sorted, bounded). */
export function collectFiles(paths: string[], limit = 100_000): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const stats = statSync(path);
    if (stats.isDirectory()) walk(path, files, limit, new Set());
    else files.push(path);
  }
  return files;
}

function walk(folder: string, files: string[], limit: number, seen: Set<string>): void {
  let real: string;
  let entries;
  try {
    real = statSync(folder).ino + ':' + statSync(folder).dev;
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    // An unreadable folder is skipped, as `docker build` would fail on it only if it were copied.
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (files.length >= limit) return;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!skippedFolders.has(entry.name)) walk(path, files, limit, seen);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isDockerfileName(basename(path))) {
      files.push(path);
    }
  }
}
