// Size of a `pip install` layer: the requested distributions and their Requires-Dist closure, sized
// from real installs measured into server/src/data/pip-sizes.json (scripts/data-pip.ts). Packages not
// measured there are sized from Debian's python3-<name> package and the libraries it needs (a stand-in
// for the wheel, which bundles them); anything else is unknown and listed, never guessed.
import pipData from '../data/pip-sizes.json';
import { aptDependencyIds, aptPackageFootprint, loadAptIndex } from './apt';
import type { AptIndex, AptSuite } from './apt';

interface MeasuredPackage {
  version: string;
  diskBytes: number;
  gzipBytes: number;
  files: number;
  requires: string[];
}

const measured = pipData.packages as Record<string, MeasuredPackage>;

/** Debian names that are not `python3-<pip name>` (Debian source package naming). */
const debianNames: Record<string, string> = {
  pyyaml: 'python3-yaml',
  beautifulsoup4: 'python3-bs4',
  'scikit-learn': 'python3-sklearn',
  pillow: 'python3-pil',
  'opencv-python': 'python3-opencv',
  'opencv-python-headless': 'python3-opencv',
  'psycopg2-binary': 'python3-psycopg2',
  pyjwt: 'python3-jwt',
  attrs: 'python3-attr',
  mysqlclient: 'python3-mysqldb',
  pyopenssl: 'python3-openssl',
  'python-dotenv': 'python3-dotenv',
  'python-dateutil': 'python3-dateutil',
  'websocket-client': 'python3-websocket',
  pyzmq: 'python3-zmq',
  protobuf: 'python3-protobuf',
};

export interface PipInstallOptions {
  suite: AptSuite;
  /** Distributions (normalised names) the image has from earlier pip installs. */
  installed: ReadonlySet<string>;
  /** pip's download cache stays in the layer (no --no-cache-dir, no PIP_NO_CACHE_DIR). */
  cacheKept: boolean;
  /** Python minor version the markers are evaluated for (`3.12`); newer than the measured 3.11 by default. */
  pythonVersion?: string;
  /** The index to use instead of the committed one (tests). */
  index?: AptIndex;
  /** False: size everything from Debian stand-ins (bench:size compares them with the measured installs). */
  useMeasured?: boolean;
}

export interface PipInstallEstimate {
  diskBytes: number;
  compressedBytes: number;
  /** Distributions added, requested ones first, with where their size comes from. */
  packages: { name: string; source: 'measured' | 'debian' }[];
  /** Requested names (or dependencies) with no size data: not counted. */
  unknown: string[];
  /** What the cache adds (included in the totals). */
  cacheBytes: number;
}

/** PEP 503 normalisation, extras and versions dropped: `Flask_Cors[x]>=1` → `flask-cors`. */
export function pipName(spec: string): string | undefined {
  const match = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(spec.trim());
  if (!match || /^(https?|git|file):/.test(spec)) return undefined;
  return match[0].toLowerCase().replace(/[-_.]+/g, '-');
}

/** Requirement lines of a requirements file: names only; options, URLs, editables and nested files skipped. */
export function requirementsOf(text: string): { names: string[]; skipped: string[] } {
  const names: string[] = [];
  const skipped: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    if (line.startsWith('-') || line.includes('://') || line.startsWith('.') || line.startsWith('/')) {
      skipped.push(line);
      continue;
    }
    const name = pipName(line);
    if (name) names.push(name);
    else skipped.push(line);
  }
  return { names, skipped };
}

/**
 * True when a Requires-Dist marker can hold on Linux for the target Python: platform tests for
 * Windows/macOS and `python_version < "3.x"` backports that the target is past are false; anything
 * not understood is taken as true.
 */
export function markerHolds(marker: string, pythonVersion: string): boolean {
  if (/\bextra\s*==/.test(marker)) return false;
  if (/\bor\b/.test(marker)) return true;
  for (const clause of marker.split(/\band\b/)) {
    const text = clause.replace(/[()]/g, '').trim();
    if (
      /^(sys_platform|platform_system|os_name)\s*==\s*['"](win32|Windows|nt|darwin|Darwin|cygwin|emscripten)['"]$/.test(
        text,
      )
    )
      return false;
    if (/^(sys_platform|platform_system)\s*!=\s*['"](linux|Linux)['"]$/.test(text)) return false;
    const version = /^python_(?:full_)?version\s*(<=|<|>=|>|==|!=)\s*['"](\d+(?:\.\d+)*)['"]$/.exec(text);
    if (version && !compare(pythonVersion, version[1], version[2])) return false;
  }
  return true;
}

function compare(actual: string, operator: string, wanted: string): boolean {
  const a = actual.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  let order = 0;
  for (let index = 0; index < Math.max(a.length, b.length) && order === 0; index++)
    order = Math.sign((a[index] ?? 0) - (b[index] ?? 0));
  return (
    { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0, '==': order === 0, '!=': order !== 0 }[
      operator
    ] ?? true
  );
}

/** What `pip install <names>` adds to the layer. */
export function estimatePipInstall(requested: readonly string[], options: PipInstallOptions): PipInstallEstimate {
  const pythonVersion = options.pythonVersion ?? '3.12';
  const index = options.index ?? loadAptIndex(options.suite);
  const seen = new Set(options.installed);
  const result: PipInstallEstimate = { diskBytes: 0, compressedBytes: 0, packages: [], unknown: [], cacheBytes: 0 };
  const queue = [...requested];
  const debianCounted = new Set<number>();
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const known = options.useMeasured === false ? undefined : measured[name];
    if (known) {
      result.packages.push({ name, source: 'measured' });
      result.diskBytes += known.diskBytes;
      result.compressedBytes += known.gzipBytes;
      result.cacheBytes += known.gzipBytes;
      for (const requirement of known.requires) {
        const [dependency, marker] = requirement.split(';').map((part) => part.trim());
        if (!marker || markerHolds(marker, pythonVersion)) queue.push(dependency);
      }
      continue;
    }
    const proxy = index ? debianStandIn(index, name, debianCounted) : undefined;
    if (!proxy) {
      result.unknown.push(name);
      continue;
    }
    result.packages.push({ name, source: 'debian' });
    queue.push(...proxy.requires);
    result.diskBytes += proxy.disk;
    result.compressedBytes += proxy.gzip;
    result.cacheBytes += proxy.deb;
  }
  if (options.cacheKept) {
    // The cache holds the wheels as downloaded: already compressed, so they weigh the same in the layer.
    result.diskBytes += result.cacheBytes;
    result.compressedBytes += result.cacheBytes;
  } else {
    result.cacheBytes = 0;
  }
  result.diskBytes = Math.round(result.diskBytes);
  result.compressedBytes = Math.round(result.compressedBytes);
  result.cacheBytes = Math.round(result.cacheBytes);
  return result;
}

const interpreterCache = new WeakMap<AptIndex, Set<number>>();

/** Debian's Python interpreter and what it needs: the Python image has its own, so none of it counts. */
function interpreterIds(index: AptIndex): Set<number> {
  let ids = interpreterCache.get(index);
  if (!ids) {
    ids = new Set<number>();
    const start = index.ids.get('python3');
    const queue = start === undefined ? [] : [start];
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (ids.has(id) || id >= index.packages.length) continue;
      ids.add(id);
      queue.push(...aptDependencyIds(index, id));
    }
    interpreterCache.set(index, ids);
  }
  return ids;
}

/**
 * Debian's python3-<name> and the python3-* modules and libraries it pulls in, minus the interpreter's
 * own closure and packages counted already in this install. Undefined when Debian has no such package.
 */
function debianStandIn(
  index: AptIndex,
  name: string,
  counted: Set<number>,
): { disk: number; gzip: number; deb: number; requires: string[] } | undefined {
  const standIn = standInOf(index, name);
  if (!standIn) return undefined;
  const total = { disk: 0, gzip: 0, deb: 0, requires: standIn.requires };
  for (const id of standIn.ids) {
    if (counted.has(id)) continue;
    counted.add(id);
    const footprint = aptPackageFootprint(index, id);
    total.disk += footprint.disk;
    total.gzip += footprint.gzip;
    total.deb += footprint.deb;
  }
  return total;
}

interface StandIn {
  /** python3-<name> and the shared libraries it needs (a wheel bundles those). */
  ids: number[];
  /** Its python3-* dependencies as pip names: pip resolves them itself, measured ones first. */
  requires: string[];
}

// The stand-in depends only on the index and the name: found once, summed per install.
const standInCache = new WeakMap<AptIndex, Map<string, StandIn | null>>();
const pipNameOfDebian = new Map(Object.entries(debianNames).map(([pip, debian]) => [debian, pip]));

function standInOf(index: AptIndex, name: string): StandIn | undefined {
  let byName = standInCache.get(index);
  if (!byName) {
    byName = new Map();
    standInCache.set(index, byName);
  }
  if (!byName.has(name)) byName.set(name, findStandIn(index, name) ?? null);
  return byName.get(name) ?? undefined;
}

function findStandIn(index: AptIndex, name: string): StandIn | undefined {
  const candidates = [debianNames[name], `python3-${name}`, `python3-${name.replace(/^python-/, '')}`].filter(
    (candidate): candidate is string => candidate !== undefined,
  );
  const start = candidates
    .map((candidate) => index.ids.get(candidate))
    .find((id) => id !== undefined && id < index.packages.length);
  if (start === undefined) return undefined;
  const interpreter = interpreterIds(index);
  const found = new Set<number>();
  const requires = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (found.has(id) || interpreter.has(id)) continue;
    const packageName = index.names[id];
    if (/^(python3(\.\d+)?(-minimal|-dev|-distutils|-lib2to3)?|libpython3.*)$/.test(packageName)) continue;
    if (id !== start && packageName.startsWith('python3-')) {
      requires.add(pipNameOfDebian.get(packageName) ?? packageName.slice('python3-'.length));
      continue;
    }
    // Only shared libraries travel inside wheels; tools and data packages do not.
    if (id !== start && !packageName.startsWith('lib')) continue;
    found.add(id);
    queue.push(...aptDependencyIds(index, id));
  }
  return { ids: [...found], requires: [...requires] };
}

/** Where the measured sizes come from, for notes. */
export const pipDataSource = `measured pip installs, CPython ${pipData.python}, ${pipData.date}`;
