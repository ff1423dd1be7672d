import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readRegularText } from '../context/safeRead';
import type { RemoteImageSize } from './client';
import { isPlausibleImageSize } from './manifest';

/** A cache entry is a few hundred bytes; anything much larger is not one of ours. */
const maxEntryBytes = 64 * 1024;

/** Tags move (base images are rebuilt weekly or so); a day-old size is close enough for an estimate. */
export const tagLifetimeMs = 24 * 60 * 60 * 1000;

interface CacheFile {
  key: string;
  fetchedAt: number;
  size: RemoteImageSize;
}

/**
 * Registry answers on disk, one small JSON file per (reference, platform). A digest never changes what
 * it names, so digest references are kept for good; tag references for `tagLifetimeMs`. A missing,
 * unreadable or malformed file is a miss, never an error.
 */
export class SizeCache {
  constructor(
    private readonly dir: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  // eslint-disable-next-line @typescript-eslint/require-await -- the cache's interface is asynchronous; this store reads synchronously (see below)
  async read(key: string, pinned: boolean): Promise<RemoteImageSize | undefined> {
    if (!this.dir) return undefined;
    try {
      // Synchronous, bounded and non-blocking: a FIFO or /dev/zero planted in the cache cannot stall the lookup.
      const text = readRegularText(this.pathOf(key), { root: this.dir, maxBytes: maxEntryBytes });
      if (text === undefined) return undefined;
      const file = JSON.parse(text) as Partial<CacheFile>;
      if (file.key !== key || typeof file.fetchedAt !== 'number' || !isSize(file.size)) return undefined;
      if (!pinned && this.now() - file.fetchedAt > tagLifetimeMs) return undefined;
      return file.size;
    } catch {
      return undefined;
    }
  }

  async write(key: string, size: RemoteImageSize): Promise<void> {
    if (!this.dir) return;
    const path = this.pathOf(key);
    const file: CacheFile = { key, fetchedAt: this.now(), size };
    try {
      await mkdir(join(this.dir, 'registry'), { recursive: true });
      // Write then rename: a reader (another window's server) never sees half a file.
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(file));
      await rename(temporary, path);
    } catch {
      // A read-only or full disk only costs the next lookup.
    }
  }

  private pathOf(key: string): string {
    return join(this.dir ?? '', 'registry', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }
}

function isSize(value: unknown): value is RemoteImageSize {
  if (!value || typeof value !== 'object') return false;
  const size = value as Record<string, unknown>;
  return (
    typeof size.name === 'string' &&
    typeof size.digest === 'string' &&
    isPlausibleImageSize(size.compressedBytes, size.layers)
  );
}

/** The CLI's default cache: `$XDG_CACHE_HOME/layerlens`, else `~/.cache/layerlens`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'layerlens');
}
