// Size of a node_modules install (npm, yarn, pnpm). Offline there is no per-package size data, so the
// figure is a rule of thumb measured on real installs (server/src/data/node-modules.json) times the
// number of packages: counted from the lockfile when it can be read, from the lockfile's size when only
// that is known, from package.json's direct dependencies or the names on the command line otherwise.
import ruleOfThumb from '../data/node-modules.json';

export type NodeManager = 'npm' | 'yarn' | 'pnpm';

export interface NodeInstallRequest {
  manager: NodeManager;
  /** Packages named on the command line (`npm install express`); empty for a lockfile install. */
  named: string[];
  /** Dev dependencies left out (`--omit=dev`, `--production`, `NODE_ENV=production`). */
  production: boolean;
  lockfile?: { name: string; bytes: number; text?: string };
  packageJson?: { bytes: number; text?: string };
  /** The package manager's cache stays in the layer. */
  cacheKept: boolean;
}

export interface NodeInstallEstimate {
  diskBytes: number;
  compressedBytes: number;
  packages: number;
  /** How the package count was obtained, for notes. */
  basis: string;
}

/** The lockfile each manager reads, preferred first. */
export const lockfileNames: Record<NodeManager, string[]> = {
  npm: ['npm-shrinkwrap.json', 'package-lock.json'],
  yarn: ['yarn.lock'],
  pnpm: ['pnpm-lock.yaml'],
};

/** Packages a lockfile installs; undefined when it cannot be parsed. */
/** The last count: estimates of successive versions read the same lockfile text (one string, shared by the reader). */
let lastCount: { name: string; text: string; production: boolean; count: number | undefined } | undefined;

export function lockfilePackages(name: string, text: string, production: boolean): number | undefined {
  if (lastCount && lastCount.text === text && lastCount.name === name && lastCount.production === production)
    return lastCount.count;
  const count = countLockfilePackages(name, text, production);
  lastCount = { name, text, production, count };
  return count;
}

function countLockfilePackages(name: string, text: string, production: boolean): number | undefined {
  if (name.endsWith('.json')) {
    let lock: {
      packages?: Record<string, { dev?: boolean; link?: boolean }>;
      dependencies?: Record<string, NestedDependency>;
    };
    try {
      lock = JSON.parse(text) as typeof lock;
    } catch {
      return undefined;
    }
    // Keys are install paths: `node_modules/x`, nested `node_modules/x/node_modules/y`; workspace folders are not installs.
    if (lock.packages)
      return Object.entries(lock.packages).filter(
        ([path, entry]) => path.includes('node_modules/') && !entry.link && !(production && entry.dev),
      ).length;
    if (lock.dependencies) return countNested(lock.dependencies, production);
    return undefined;
  }
  if (name === 'yarn.lock') {
    // Every entry starts at column 0 with its specifiers and a colon; yarn 2+ adds `__metadata:`.
    return text.split(/\r?\n/).filter((line) => /^[^\s#].*:$/.test(line) && !line.startsWith('__metadata')).length;
  }
  if (name === 'pnpm-lock.yaml') {
    const section = /^packages:\s*$([\s\S]*?)(?=^\S|(?![\s\S]))/m.exec(text)?.[1] ?? '';
    return section.split(/\r?\n/).filter((line) => /^ {2}\S.*:\s*$/.test(line)).length;
  }
  return undefined;
}

interface NestedDependency {
  dev?: boolean;
  dependencies?: Record<string, NestedDependency>;
}

/** lockfileVersion 1 nests packages under `dependencies`. */
function countNested(dependencies: Record<string, NestedDependency>, production: boolean): number {
  let count = 0;
  for (const entry of Object.values(dependencies)) {
    if (production && entry.dev) continue;
    count += 1 + countNested(entry.dependencies ?? {}, production);
  }
  return count;
}

/** Direct dependencies package.json declares; undefined when it cannot be parsed. */
export function directDependencies(text: string, production: boolean): number | undefined {
  let manifest: {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    return undefined;
  }
  const names = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
    ...(production ? [] : Object.keys(manifest.devDependencies ?? {})),
  ]);
  return names.size;
}

/** The estimate, or undefined when nothing tells how many packages are installed. */
export function estimateNodeInstall(request: NodeInstallRequest): NodeInstallEstimate | undefined {
  const counted = packageCount(request);
  if (!counted) return undefined;
  const diskBytes = counted.packages * ruleOfThumb.bytesPerPackage;
  const compressed = diskBytes * ruleOfThumb.gzipPerDiskByte;
  // The cache keeps the downloaded tarballs: about the packages' compressed size, already compressed.
  const cache = request.cacheKept ? compressed : 0;
  return {
    diskBytes: Math.round(diskBytes + cache),
    compressedBytes: Math.round(compressed + cache),
    packages: counted.packages,
    basis: counted.basis,
  };
}

function packageCount(request: NodeInstallRequest): { packages: number; basis: string } | undefined {
  const perDirect = ruleOfThumb.packagesPerDirectDependency;
  if (request.named.length > 0) {
    return {
      packages: Math.round(request.named.length * perDirect),
      basis: `${request.named.length} named package${request.named.length === 1 ? '' : 's'} × ${perDirect} packages each (rule of thumb)`,
    };
  }
  const lock = request.lockfile;
  if (lock?.text !== undefined) {
    const packages = lockfilePackages(lock.name, lock.text, request.production);
    if (packages !== undefined)
      return {
        packages,
        basis: `${packages} packages in ${lock.name}${request.production ? ' (dev dependencies left out)' : ''}`,
      };
  }
  if (lock && lock.name === 'package-lock.json') {
    const packages = Math.round(lock.bytes / ruleOfThumb.packageLockBytesPerEntry);
    return {
      packages,
      basis: `≈ ${packages} packages from ${lock.name}'s size (${ruleOfThumb.packageLockBytesPerEntry} bytes per entry)${request.production ? '; dev dependencies not told apart' : ''}`,
    };
  }
  const direct =
    request.packageJson?.text !== undefined
      ? directDependencies(request.packageJson.text, request.production)
      : undefined;
  if (direct !== undefined) {
    return {
      packages: Math.round(direct * perDirect),
      basis: `${direct} direct dependencies in package.json × ${perDirect} packages each (rule of thumb)`,
    };
  }
  return undefined;
}

export const nodeRuleOfThumb = `${Math.round(ruleOfThumb.bytesPerPackage / 1000)} kB per package, measured on 487 installed packages (${ruleOfThumb.date}); real trees range 63 kB–1.6 MB per package`;
