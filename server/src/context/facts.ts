import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuildContextFacts } from '../rules/types';
import { contextFileReader } from './readFile';
import { readRegularFile } from './safeRead';

/** At most this many root entries are listed: enough to recognise an ecosystem, bounded for huge folders. */
const maxRootEntries = 2000;
/** A .dockerignore larger than this is treated as unreadable rather than loaded into every analysis. */
const maxDockerignoreBytes = 1024 * 1024;

/**
 * Reads what rules need to know about the build context of a Dockerfile on disk, assuming the
 * context is the Dockerfile's folder (as `docker build -f Dockerfile .` from there). Never throws,
 * never blocks (a FIFO is not opened), never reads outside the folders (a symlink out is not followed).
 */
export function readContextFacts(dockerfilePath: string, contextDir = dirname(dockerfilePath)): BuildContextFacts {
  const rootEntries = listRoot(contextDir);
  const dockerignore = readDockerignore(dockerfilePath, contextDir);
  // A context folder that cannot be listed says nothing about its .dockerignore: unknown, not none.
  return {
    dockerignore: dockerignore === null && rootEntries === undefined ? undefined : dockerignore,
    rootEntries,
    packageJson: rootEntries === undefined ? undefined : readPackageJson(contextDir, rootEntries),
  };
}

/** Whether the context's package.json declares devDependencies; null without a readable package.json. */
function readPackageJson(contextDir: string, rootEntries: string[]): BuildContextFacts['packageJson'] {
  if (!rootEntries.includes('package.json')) return null;
  const text = contextFileReader(contextDir)('package.json');
  if (text === undefined) return undefined;
  try {
    const manifest: unknown = JSON.parse(text);
    if (typeof manifest !== 'object' || manifest === null) return null;
    const dev = (manifest as { devDependencies?: unknown }).devDependencies;
    return { devDependencies: typeof dev === 'object' && dev !== null && Object.keys(dev).length > 0 };
  } catch {
    return null;
  }
}

/** BuildKit uses `<Dockerfile>.dockerignore` beside the Dockerfile first, then `.dockerignore` at the context root. */
function readDockerignore(dockerfilePath: string, contextDir: string): BuildContextFacts['dockerignore'] {
  const candidates = [
    { path: `${dockerfilePath}.dockerignore`, root: dirname(dockerfilePath) },
    { path: join(contextDir, '.dockerignore'), root: contextDir },
  ];
  for (const { path, root } of candidates) {
    const read = readRegularFile(path, { root, maxBytes: maxDockerignoreBytes });
    if (read.ok) return { path, text: read.bytes.toString('utf8') };
    // Missing: try the next place. Present but unusable (a FIFO, a device, a link out, too large): unknown.
    if (read.reason !== 'missing') return undefined;
  }
  return null;
}

function listRoot(contextDir: string): string[] | undefined {
  try {
    const names = readdirSync(contextDir);
    return names.length > maxRootEntries ? names.slice(0, maxRootEntries) : names;
  } catch {
    return undefined;
  }
}
