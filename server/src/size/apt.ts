// Size of an `apt-get install` layer on Debian: the packages apt adds (dependency closure over Debian's
// index minus what the base image has) and what they weigh on disk and in the compressed layer.
// The index comes from server/src/data/apt-<suite>.json.gz (scripts/data-apt.ts), read once per process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type AptSuite = 'bookworm' | 'trixie';
export const aptSuites: readonly AptSuite[] = ['bookworm', 'trixie'];

/** A dependency group: one package id, or the ids of `a | b` alternatives, first preferred. */
type Group = number | number[];
/** installedKiB, .deb bytes, flags (1 = Essential, 2 × priority), Pre-Depends + Depends, Recommends. */
type PackageRow = [number, number, number, Group[]?, Group[]?];

/** The data file's shape (see scripts/data-apt.ts). */
export interface AptIndexData {
  suite: string;
  release?: string;
  /** Real packages (ids 0 … packages.length − 1), then virtual names. */
  names: string[];
  packages: PackageRow[];
  /** Per virtual name, in names order: ids of the real packages that Provide it, preferred first. */
  providers: number[][];
  /** [id, provider ids…] for real packages that others Provide too (perl Provides libencode-perl). */
  alsoProvided?: number[][];
  /** /var/lib/apt/lists after `apt-get update` in the official image: disk bytes and gzip bytes. */
  aptLists?: { diskBytes: number; gzipBytes: number };
  images?: { minbase: string[]; curl: string[]; scm: string[]; buildpackDeps: string[] };
}

/** A package index ready for closures: the data plus a name lookup, built once. */
export interface AptIndex {
  readonly data: AptIndexData;
  readonly ids: ReadonlyMap<string, number>;
  /** Real package id → the other packages that Provide it. */
  readonly alsoProvided: ReadonlyMap<number, readonly number[]>;
}

export function aptIndex(data: AptIndexData): AptIndex {
  return {
    data,
    ids: new Map(data.names.map((name, id) => [name, id])),
    alsoProvided: new Map((data.alsoProvided ?? []).map(([id, ...providers]) => [id, providers])),
  };
}

/** One package of a hand-written index (tests, fixtures). */
export interface AptPackageSpec {
  name: string;
  installedKiB: number;
  debBytes: number;
  /** `a | b` written as one string, as in a Debian control file; versions are not allowed. */
  depends?: string[];
  recommends?: string[];
  provides?: string[];
  essential?: boolean;
}

/** Builds an index from readable package entries, for tests and small fixtures. */
export function aptIndexFromPackages(suite: string, specs: readonly AptPackageSpec[], aptLists?: AptIndexData['aptLists']): AptIndex {
  const names = specs.map((spec) => spec.name);
  const real = new Set(names);
  const providers = new Map<string, number[]>();
  specs.forEach((spec, id) => {
    for (const virtual of spec.provides ?? []) providers.set(virtual, [...(providers.get(virtual) ?? []), id]);
  });
  const virtualNames = [...providers.keys()].filter((name) => !real.has(name));
  const ids = new Map([...names, ...virtualNames].map((name, id) => [name, id]));
  const groups = (relations: string[] | undefined): Group[] =>
    (relations ?? []).map((relation) => {
      const alternatives = relation.split('|').map((name) => ids.get(name.trim())).filter((id): id is number => id !== undefined);
      return alternatives.length === 1 ? alternatives[0] : alternatives;
    }).filter((group) => typeof group === 'number' || group.length > 0);
  const packages = specs.map((spec): PackageRow => [spec.installedKiB, spec.debBytes, spec.essential ? 1 : 0, groups(spec.depends), groups(spec.recommends)]);
  const alsoProvided = names.filter((name) => providers.has(name)).map((name) => [ids.get(name)!, ...providers.get(name)!]);
  return aptIndex({ suite, names: [...names, ...virtualNames], packages, providers: virtualNames.map((name) => providers.get(name)!), alsoProvided, aptLists });
}

const indexCache = new Map<AptSuite, AptIndex | null>();

/**
 * The committed index of a suite, read and decompressed on first use. From sources it sits in
 * server/src/data; the bundles (dist/) carry a copy beside themselves. Undefined when the file is missing.
 */
export function loadAptIndex(suite: AptSuite): AptIndex | undefined {
  if (!indexCache.has(suite)) {
    const file = `apt-${suite}.json.gz`;
    const path = [join(__dirname, file), join(__dirname, '../data', file), join(__dirname, 'data', file)].find((candidate) => existsSync(candidate));
    indexCache.set(suite, path ? aptIndex(JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as AptIndexData) : null);
  }
  return indexCache.get(suite) ?? undefined;
}

/** An official Debian-based image whose package set the index knows. */
export interface AptBaseImage {
  suite: AptSuite;
  /** debuerreotype's slim variant: docs, man pages and translations are never unpacked. */
  slim: boolean;
  packages: ReadonlySet<string>;
}

const debianNumbers: Record<string, AptSuite> = { '12': 'bookworm', '13': 'trixie' };
const baseImageCache = new Map<string, AptBaseImage | undefined>();

/**
 * The packages of `debian:<suite>[-slim]` (also `12`, `13`) and `buildpack-deps:<suite>[-curl|-scm]`,
 * from the committed index. `repository` without registry or library/ prefix, e.g. `debian`.
 */
export function aptBaseImage(repository: string, tag: string): AptBaseImage | undefined {
  const key = `${repository}:${tag}`;
  if (!baseImageCache.has(key)) baseImageCache.set(key, resolveBaseImage(repository, tag));
  return baseImageCache.get(key);
}

function resolveBaseImage(repository: string, tag: string): AptBaseImage | undefined {
  const match = /^([a-z]+|\d+)(?:\.\d+)*(?:-(slim|curl|scm))?(?:-\d{8})?$/.exec(tag);
  if (!match) return undefined;
  const suite = (debianNumbers[match[1]] ?? match[1]) as AptSuite;
  if (!aptSuites.includes(suite)) return undefined;
  const variant = match[2];
  const images = loadAptIndex(suite)?.data.images;
  if (!images) return undefined;
  if (repository === 'debian' && (variant === undefined || variant === 'slim')) {
    return { suite, slim: variant === 'slim', packages: new Set(images.minbase) };
  }
  if (repository !== 'buildpack-deps' || variant === 'slim') return undefined;
  const levels = variant === 'curl' ? [images.minbase, images.curl] : variant === 'scm' ? [images.minbase, images.curl, images.scm] : [images.minbase, images.curl, images.scm, images.buildpackDeps];
  return { suite, slim: false, packages: new Set(levels.flat()) };
}

export interface AptInstallOptions {
  suite: AptSuite;
  noInstallRecommends: boolean;
  /** Packages the image has before this install (the base image's and earlier layers'). */
  installed: ReadonlySet<string>;
  /** `apt-get update` ran in this RUN and its lists were not removed in it: they are part of the layer. */
  listsKept?: boolean;
  /** The image excludes docs, man pages and translations from dpkg (debian:*-slim and images built on it). */
  slim?: boolean;
  /** The index to use instead of the committed one for `suite` (tests). */
  index?: AptIndex;
}

export interface AptInstallEstimate {
  /** Bytes the layer adds to the image on disk. */
  diskBytes: number;
  /** Bytes of the layer as a registry stores it (tar | gzip). */
  compressedBytes: number;
  /** Packages apt would add, requested ones and their dependencies, in install-decision order. */
  packages: string[];
  /** Requested names the index does not know (variables, globs, other suites' or third-party packages): not counted. */
  unknown: string[];
  /** `data`: every requested package is in the index; `estimate`: some were not, so the sizes are a lower bound. */
  confidence: 'data' | 'estimate';
}

/**
 * Calibration of sizes against true layers (scripts/bench-size.ts, measured with debootstrap + tar | gzip):
 * see the comments on each constant for where it comes from.
 */
const calibration = {
  /** Bytes on disk per KiB of Installed-Size (dpkg rounds every file up to a KiB; maintainer scripts add files). */
  diskPerKiB: 1024,
  /** Share of a package's bytes that slim images drop (docs, man pages, translations). */
  slimDiskShare: 0,
  /** Gzip bytes per .deb byte (xz data) and per installed byte. */
  gzipPerDebByte: 1,
  gzipPerDiskByte: 0,
  /** dpkg's database, logs and debconf cache rewritten by any install: disk and gzip bytes. */
  layerDiskOverhead: 0,
  layerGzipOverhead: 0,
};

const noPackages: AptInstallEstimate = { diskBytes: 0, compressedBytes: 0, packages: [], unknown: [], confidence: 'data' };

/** What an `apt-get install` of `packages` adds to the image; names may carry `=version`, `:arch`, `/release`. */
export function estimateAptInstall(packages: readonly string[], options: AptInstallOptions): AptInstallEstimate {
  const index = options.index ?? loadAptIndex(options.suite);
  if (!index) return { ...noPackages, unknown: [...packages], confidence: 'estimate' };
  const { added, unknown } = closure(index, packages, options);
  const rows = added.map((id) => index.data.packages[id]);
  const installedBytes = rows.reduce((sum, row) => sum + row[0] * calibration.diskPerKiB, 0) * (options.slim ? 1 - calibration.slimDiskShare : 1);
  const debBytes = rows.reduce((sum, row) => sum + row[1], 0);
  const lists = options.listsKept ? index.data.aptLists : undefined;
  const overhead = added.length > 0;
  const diskBytes = installedBytes + (overhead ? calibration.layerDiskOverhead : 0) + (lists?.diskBytes ?? 0);
  const compressedBytes =
    debBytes * calibration.gzipPerDebByte + installedBytes * calibration.gzipPerDiskByte + (overhead ? calibration.layerGzipOverhead : 0) + (lists?.gzipBytes ?? 0);
  return {
    diskBytes: Math.round(diskBytes),
    compressedBytes: Math.round(compressedBytes),
    packages: added.map((id) => index.data.names[id]),
    unknown,
    confidence: unknown.length > 0 ? 'estimate' : 'data',
  };
}

/** `curl=7.88.1-10+deb12u5`, `curl:amd64`, `curl/bookworm-backports` → `curl`; undefined for what apt would not install. */
function requestedName(spec: string): string | undefined {
  const name = spec.trim().toLowerCase().replace(/[=/].*$/, '').replace(/:[a-z0-9-]+$/, '');
  // `pkg-` asks apt to remove pkg; `pkg+` to install it.
  if (name.endsWith('-')) return undefined;
  return name.replace(/\+$/, '');
}

/**
 * apt's choices, simplified: a group is met when one of its alternatives (or a provider of it) is
 * installed or chosen; otherwise its first alternative that exists is chosen, a virtual name by its
 * preferred provider. Recommends of newly added packages are followed unless turned off, and skipped
 * silently when unresolvable, as apt does. Versions and conflicts are not modelled.
 */
function closure(index: AptIndex, requested: readonly string[], options: AptInstallOptions): { added: number[]; unknown: string[] } {
  const { packages, providers } = index.data;
  const realCount = packages.length;
  const present = new Set<number>();
  for (const name of options.installed) {
    const id = index.ids.get(name);
    if (id !== undefined && id < realCount) present.add(id);
  }
  const added: number[] = [];
  const unknown: string[] = [];
  const isMet = (id: number) =>
    id < realCount ? present.has(id) || (index.alsoProvided.get(id)?.some((provider) => present.has(provider)) ?? false) : providers[id - realCount].some((provider) => present.has(provider));
  const resolve = (id: number): number | undefined => (id < realCount ? id : providers[id - realCount][0]);
  const pending: number[] = [];
  const add = (id: number) => {
    if (present.has(id)) return;
    present.add(id);
    added.push(id);
    pending.push(id);
  };
  const follow = (groups: Group[] | undefined) => {
    for (const group of groups ?? []) {
      const alternatives = typeof group === 'number' ? [group] : group;
      if (alternatives.some(isMet)) continue;
      const chosen = alternatives.map(resolve).find((id) => id !== undefined);
      if (chosen !== undefined) add(chosen);
    }
  };
  for (const spec of requested) {
    const name = requestedName(spec);
    if (name === undefined) continue;
    const id = index.ids.get(name);
    if (id === undefined || /[*?[\]$]/.test(name)) {
      unknown.push(spec);
      continue;
    }
    if (isMet(id)) continue;
    const chosen = resolve(id);
    if (chosen === undefined) unknown.push(spec);
    else add(chosen);
  }
  // Depends first, breadth-wise, then Recommends: apt settles hard dependencies before optional ones.
  const recommendsOf: number[] = [];
  while (pending.length > 0) {
    const id = pending.shift()!;
    follow(packages[id][3]);
    recommendsOf.push(id);
    while (pending.length === 0 && !options.noInstallRecommends && recommendsOf.length > 0) follow(packages[recommendsOf.shift()!][4]);
  }
  return { added, unknown };
}
