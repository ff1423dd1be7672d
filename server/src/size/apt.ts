// Size of an `apt-get install` layer on Debian: the packages apt adds (dependency closure over Debian's
// index minus what the base image has) and what they weigh on disk and in the compressed layer.
// The index comes from server/src/data/apt-<suite>.json.gz (scripts/data-apt.ts), read once per process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { memoOn } from '../model/memo';
import {
  aptRecommendsOff,
  hasFlag,
  packagesInstalledBy,
  packagesRemovedBy,
  pathsCreatedBy,
  pathsRemovedBy,
} from '../knowledge/packageManagers';
import { effectiveCommand, operands } from '../model/commands';
import type { DockerfileModel, Instruction, RunInfo } from '../model/model';
import { literalPath, removalTouches } from '../model/paths';

export type AptSuite = 'bookworm' | 'trixie';
export const aptSuites: readonly AptSuite[] = ['bookworm', 'trixie'];

/** A dependency group: one package id, or the ids of `a | b` alternatives, first preferred. */
type Group = number | number[];
/**
 * installedKiB, .deb bytes, flags (1 = Essential, 2 × priority), files shipped, of which docs and of which
 * translations (both excluded by slim images), of which Python modules byte-compiled on install,
 * Pre-Depends + Depends, Recommends.
 */
type PackageRow = [number, number, number, number, number, number, number, Group[]?, Group[]?];

/** The data file's shape (see scripts/data-apt.ts). */
export interface AptIndexData {
  suite: string;
  /** What the archive calls the suite now: `stable`, `oldstable`. */
  suiteAlias?: string;
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

/** The index's small facts; the package rows live in a PackageTable. */
export type AptIndexMeta = Omit<AptIndexData, 'names' | 'packages' | 'providers' | 'alsoProvided'>;

/** A package index ready for closures: a name lookup and the package rows in compact form, built once. */
export interface AptIndex {
  readonly data: AptIndexMeta;
  /** Real packages (ids 0 … packages.length − 1), then virtual names. */
  readonly names: readonly string[];
  readonly packages: PackageTable;
  /** Per virtual name, in names order: ids of the real packages that Provide it, preferred first. */
  readonly providers: readonly (readonly number[])[];
  readonly ids: ReadonlyMap<string, number>;
  /** Real package id → the other packages that Provide it. */
  readonly alsoProvided: ReadonlyMap<number, readonly number[]>;
}

/** Numbers per package in PackageTable.numbers: installedKiB, .deb bytes, flags, files, doc, locale and Python files. */
const numbersPerPackage = 7;

/**
 * The package rows of an index in typed arrays: tens of thousands of small arrays per suite were most
 * of the server's heap (≈ 22 MB per suite, measured with process.memoryUsage after a forced GC) and
 * lengthened every full garbage collection. Dependency groups are one Int32Array: a single id as
 * itself, `a | b | c` as −3 followed by the three ids.
 */
export class PackageTable {
  readonly length: number;
  private readonly numbers: Float64Array;
  /** Per package: where its Depends start, where its Recommends start; then the end. */
  private readonly relationStarts: Uint32Array;
  private readonly relations: Int32Array;

  constructor(rows: readonly PackageRow[]) {
    this.length = rows.length;
    this.numbers = new Float64Array(rows.length * numbersPerPackage);
    this.relationStarts = new Uint32Array(rows.length * 2 + 1);
    let size = 0;
    const groupsSize = (groups: Group[] | undefined) =>
      (groups ?? []).reduce<number>((sum, group) => sum + (typeof group === 'number' ? 1 : group.length + 1), 0);
    for (const row of rows) size += groupsSize(row[7]) + groupsSize(row[8]);
    this.relations = new Int32Array(size);
    let at = 0;
    const write = (groups: Group[] | undefined) => {
      for (const group of groups ?? []) {
        if (typeof group === 'number') {
          this.relations[at++] = group;
          continue;
        }
        this.relations[at++] = -group.length;
        for (const id of group) this.relations[at++] = id;
      }
    };
    rows.forEach((row, id) => {
      for (let field = 0; field < numbersPerPackage; field++)
        this.numbers[id * numbersPerPackage + field] = row[field] as number;
      this.relationStarts[id * 2] = at;
      write(row[7]);
      this.relationStarts[id * 2 + 1] = at;
      write(row[8]);
    });
    this.relationStarts[rows.length * 2] = at;
  }

  installedKiB(id: number): number {
    return this.numbers[id * numbersPerPackage];
  }

  debBytes(id: number): number {
    return this.numbers[id * numbersPerPackage + 1];
  }

  /** Files shipped, of which docs, translations and Python modules. */
  files(id: number): { files: number; docFiles: number; localeFiles: number; pyFiles: number } {
    const at = id * numbersPerPackage;
    return {
      files: this.numbers[at + 3],
      docFiles: this.numbers[at + 4],
      localeFiles: this.numbers[at + 5],
      pyFiles: this.numbers[at + 6],
    };
  }

  /** Pre-Depends + Depends, each group a single id or its alternatives, first preferred. */
  depends(id: number): Group[] {
    return this.groups(this.relationStarts[id * 2], this.relationStarts[id * 2 + 1]);
  }

  recommends(id: number): Group[] {
    return this.groups(this.relationStarts[id * 2 + 1], this.relationStarts[id * 2 + 2]);
  }

  private groups(start: number, end: number): Group[] {
    const groups: Group[] = [];
    for (let at = start; at < end;) {
      const head = this.relations[at++];
      if (head >= 0) {
        groups.push(head);
        continue;
      }
      groups.push(Array.from(this.relations.subarray(at, at - head)));
      at -= head;
    }
    return groups;
  }
}

export function aptIndex(data: AptIndexData): AptIndex {
  // The rows are copied into the table and not kept: only the small facts stay as parsed.
  const { names, packages, providers, alsoProvided, ...meta } = data;
  return {
    data: meta,
    names,
    packages: new PackageTable(packages),
    providers,
    ids: new Map(names.map((name, id) => [name, id])),
    alsoProvided: new Map((alsoProvided ?? []).map(([id, ...others]) => [id, others])),
  };
}

/** One package of a hand-written index (tests, fixtures). */
export interface AptPackageSpec {
  name: string;
  installedKiB: number;
  debBytes: number;
  /** Paths the package ships; of them docs and man pages, translations (slim images drop both), Python modules. */
  files?: number;
  docFiles?: number;
  localeFiles?: number;
  pyFiles?: number;
  /** `a | b` written as one string, as in a Debian control file; versions are not allowed. */
  depends?: string[];
  recommends?: string[];
  provides?: string[];
  essential?: boolean;
}

/** Builds an index from readable package entries, for tests and small fixtures. */
export function aptIndexFromPackages(
  suite: string,
  specs: readonly AptPackageSpec[],
  aptLists?: AptIndexData['aptLists'],
): AptIndex {
  const names = specs.map((spec) => spec.name);
  const real = new Set(names);
  const providers = new Map<string, number[]>();
  specs.forEach((spec, id) => {
    for (const virtual of spec.provides ?? []) providers.set(virtual, [...(providers.get(virtual) ?? []), id]);
  });
  const virtualNames = [...providers.keys()].filter((name) => !real.has(name));
  const ids = new Map([...names, ...virtualNames].map((name, id) => [name, id]));
  const groups = (relations: string[] | undefined): Group[] =>
    (relations ?? [])
      .map((relation) => {
        const alternatives = relation
          .split('|')
          .map((name) => ids.get(name.trim()))
          .filter((id): id is number => id !== undefined);
        return alternatives.length === 1 ? alternatives[0] : alternatives;
      })
      .filter((group) => typeof group === 'number' || group.length > 0);
  const packages = specs.map((spec): PackageRow => [
    spec.installedKiB,
    spec.debBytes,
    spec.essential ? 1 : 0,
    spec.files ?? 0,
    spec.docFiles ?? 0,
    spec.localeFiles ?? 0,
    spec.pyFiles ?? 0,
    groups(spec.depends),
    groups(spec.recommends),
  ]);
  const alsoProvided = names
    .filter((name) => providers.has(name))
    .map((name) => [ids.get(name)!, ...providers.get(name)!]);
  return aptIndex({
    suite,
    names: [...names, ...virtualNames],
    packages,
    providers: virtualNames.map((name) => providers.get(name)!),
    alsoProvided,
    aptLists,
  });
}

const indexCache = new Map<AptSuite, AptIndex | null>();

/**
 * The committed index of a suite, read and decompressed on first use. From sources it sits in
 * server/src/data; the bundles (dist/) carry a copy beside themselves. Undefined when the file is missing.
 */
export function loadAptIndex(suite: AptSuite): AptIndex | undefined {
  if (!indexCache.has(suite)) {
    const file = `apt-${suite}.json.gz`;
    const path = [join(__dirname, file), join(__dirname, '../data', file), join(__dirname, 'data', file)].find(
      (candidate) => existsSync(candidate),
    );
    indexCache.set(
      suite,
      path ? aptIndex(JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as AptIndexData) : null,
    );
  }
  return indexCache.get(suite) ?? undefined;
}

/**
 * Loads every suite's index ahead of the first estimate, one suite per timer tick (each takes about
 * 0.2 s of synchronous work), so the first lens after opening a file does not wait for it.
 */
export function preloadAptIndexes(delayMs: number): void {
  aptSuites.forEach((suite, position) => setTimeout(() => loadAptIndex(suite), delayMs * (position + 1)).unref());
}

/** An official Debian-based image whose package set the index knows. */
export interface AptBaseImage {
  suite: AptSuite;
  /** debuerreotype's slim variant: docs, man pages and translations are never unpacked. */
  slim: boolean;
  packages: ReadonlySet<string>;
}

const debianNumbers: Record<string, AptSuite> = { '12': 'bookworm', '13': 'trixie' };
/** Package sets per suite and image level (`debian`, `curl`, `scm`, `buildpack-deps`), built once. */
const packageSetCache = new Map<string, ReadonlySet<string>>();

/**
 * The packages of `debian:<suite>[-slim]` (also `12`, `12.11`, `stable`, `latest`, dated tags) and
 * `buildpack-deps:<suite>[-curl|-scm]`, from the committed index. `repository` is the image name
 * without registry or library/ prefix, e.g. `debian`. Undefined for any other image.
 */
export function aptBaseImage(repository: string, tag: string): AptBaseImage | undefined {
  if (repository !== 'debian' && repository !== 'buildpack-deps') return undefined;
  const match = /^([a-z]+|\d+)(?:\.\d+)*(?:-\d{8})?(?:-(slim|curl|scm))?$/.exec(tag);
  if (!match) return undefined;
  const variant = match[2];
  if (repository === 'debian' ? variant !== undefined && variant !== 'slim' : variant === 'slim') return undefined;
  const suite = suiteNamed(match[1]);
  const images = suite && loadAptIndex(suite)?.data.images;
  if (!suite || !images) return undefined;
  const level = repository === 'debian' ? 'debian' : (variant ?? 'buildpack-deps');
  const key = `${suite}:${level}`;
  if (!packageSetCache.has(key)) {
    const levels = {
      debian: [images.minbase],
      curl: [images.minbase, images.curl],
      scm: [images.minbase, images.curl, images.scm],
    }[level] ?? [images.minbase, images.curl, images.scm, images.buildpackDeps];
    packageSetCache.set(key, new Set(levels.flat()));
  }
  return { suite, slim: variant === 'slim', packages: packageSetCache.get(key)! };
}

/** `bookworm`, `12`, `stable` (the index records which suite the archive calls that), `latest`. */
function suiteNamed(name: string): AptSuite | undefined {
  if (aptSuites.includes(name as AptSuite)) return name as AptSuite;
  if (debianNumbers[name]) return debianNumbers[name];
  if (!/^(latest|stable|oldstable)$/.test(name)) return undefined;
  const alias = name === 'latest' ? 'stable' : name;
  return aptSuites.find((suite) => loadAptIndex(suite)?.data.suiteAlias === alias);
}

export interface AptInstallOptions {
  suite: AptSuite;
  noInstallRecommends: boolean;
  /** Packages the image has before this install (the base image's and earlier layers'). */
  installed: ReadonlySet<string>;
  /**
   * The base image's packages, when kept apart from `installed` (which then holds only what later layers
   * added): the base set's ids are looked up once per index and reused by every estimate.
   */
  base?: ReadonlySet<string>;
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
  /**
   * Versioned names the index lacks, sized by the nearest version it has (`postgresql-16` from a
   * third-party repository → `postgresql-17`): `[requested, stand-in]`.
   */
  standIns?: [string, string][];
}

/**
 * How package data becomes layer bytes. Fitted on 1,416 packages installed into bookworm and trixie
 * minbase roots (per package: its files' bytes, tar | gzip -6 of them, and of the part a slim image
 * keeps) and on the byte-compiled modules and dpkg bookkeeping of those roots; checked per layer by
 * scripts/bench-size.ts against registry layers and server/src/data/apt-layer-measurements.tsv.
 */
const calibration = {
  /** dpkg's Installed-Size rounds every file up to a whole KiB: bytes ≈ KiB × 1024 − this × files. */
  roundingBytesPerFile: 720,
  /**
   * Compressed bytes of a package's files ≈ e^c × deb^a × installed^b: the .deb is xz, which finds
   * repeats across files that gzip's 32 KiB window misses; its installed size says how much there is.
   */
  gzipLogConstant: -0.207,
  gzipDebExponent: 0.608,
  gzipInstalledExponent: 0.394,
  /**
   * Bytes (disk, gzip) a slim image saves per file the package ships under /usr/share/{doc,man,info,…}
   * and per translation under /usr/share/locale. Translations are larger on average, but weighing them
   * apart (10 / 75 kB on disk, 4 / 40 kB gzip, fitted per package) made the layer estimates worse.
   */
  slimDiskBytesPerDocFile: 15300,
  slimDiskBytesPerLocaleFile: 15300,
  slimGzipBytesPerDocFile: 7800,
  slimGzipBytesPerLocaleFile: 7800,
  /**
   * __pycache__/*.pyc that py3compile writes at install time, which no Installed-Size counts: about as
   * large as the modules, taken as the package's installed bytes × its share of .py files. They repeat
   * what the modules repeat, so they compress like the package's own files, somewhat less well.
   */
  pycPerModuleByte: 1.0,
  pycGzipRelative: 1.3,
  /** dpkg rewrites its status file (and status-old) whole: ≈ this many bytes per installed package, twice. */
  statusBytesPerPackage: 900,
  /** /var/lib/dpkg/info: list, md5sums, maintainer scripts, symbols: per package and per file. */
  infoBytesPerPackage: 15000,
  infoBytesPerFile: 150,
  /** dpkg.log and apt's history and term logs. */
  logBytes: 60000,
  /** debconf rewrites templates.dat and keeps templates.dat-old when a package brings templates. */
  debconfCacheBytes: 1_500_000,
  /** gzip ratios of those files: status, info, logs, debconf cache. */
  statusGzipRatio: 0.234,
  infoGzipRatio: 0.2,
  logGzipRatio: 0.1,
  debconfGzipRatio: 0.27,
};

const noPackages: AptInstallEstimate = {
  diskBytes: 0,
  compressedBytes: 0,
  packages: [],
  unknown: [],
  confidence: 'data',
};

/** What an `apt-get install` of `packages` adds to the image; names may carry `=version`, `:arch`, `/release`. */
export function estimateAptInstall(packages: readonly string[], options: AptInstallOptions): AptInstallEstimate {
  return estimateInstalls([{ packages: [...packages], noInstallRecommends: options.noInstallRecommends }], options);
}

/**
 * What a RUN's apt commands add to its layer (see aptRunFacts): its installs one after another, each
 * with its own --no-install-recommends, the lists if it keeps them, dpkg's bookkeeping once.
 */
export function estimateAptRun(
  facts: AptRunFacts,
  options: Omit<AptInstallOptions, 'noInstallRecommends' | 'listsKept'>,
): AptInstallEstimate {
  return estimateInstalls(facts.installs, { ...options, listsKept: facts.listsKept });
}

function estimateInstalls(
  installs: readonly AptInstallCommand[],
  options: Omit<AptInstallOptions, 'noInstallRecommends'>,
): AptInstallEstimate {
  const index = options.index ?? loadAptIndex(options.suite);
  const requested = installs.flatMap((install) => install.packages);
  if (!index) return { ...noPackages, unknown: requested, confidence: 'estimate' };
  // The base's packages (a cached set, never copied) under the ones this build added so far.
  const present = new PresentPackages(options.base ? baseIds(index, options.base) : new Set());
  for (const name of options.installed) {
    if (options.base?.has(name)) continue;
    const id = index.ids.get(name);
    if (id !== undefined && id < index.packages.length) present.add(id);
  }
  const added: number[] = [];
  const unknown: string[] = [];
  const standIns: [string, string][] = [];
  for (const install of installs) {
    const packages = install.packages.map((spec) => {
      const name = requestedName(spec, index.ids);
      const standIn = name === undefined || index.ids.has(name) ? undefined : nearestVersionOf(index, name);
      if (standIn) standIns.push([name!, standIn]);
      return standIn ?? spec;
    });
    const result = closure(index, packages, install.noInstallRecommends, present);
    added.push(...result.added);
    unknown.push(...result.unknown);
  }
  const lists = options.listsKept ? index.data.aptLists : undefined;
  const size = { disk: lists?.diskBytes ?? 0, gzip: lists?.gzipBytes ?? 0 };
  if (added.length > 0) {
    for (const id of added) {
      const own = packageSize(index, id, options.slim === true);
      size.disk += own.disk;
      size.gzip += own.gzip;
    }
    const overhead = bookkeeping(index, added, options.installed.size + (options.base?.size ?? 0));
    size.disk += overhead.disk;
    size.gzip += overhead.gzip;
  }
  return {
    diskBytes: Math.round(size.disk),
    compressedBytes: Math.round(size.gzip),
    packages: added.map((id) => index.names[id]),
    unknown,
    confidence: unknown.length > 0 || standIns.length > 0 ? 'estimate' : 'data',
    ...(standIns.length > 0 ? { standIns } : {}),
  };
}

/**
 * The package of the index with the same name but the nearest version number in it, for a versioned
 * name the index lacks: `postgresql-16` → `postgresql-17`, `openjdk-11-jre` → `openjdk-17-jre`. Only
 * one number may differ; undefined when no such package exists.
 */
function nearestVersionOf(index: AptIndex, name: string): string | undefined {
  const match = /^([a-z][a-z0-9+.]*?[-.]?)(\d+)((?:-[a-z][a-z0-9+.-]*)?)$/.exec(name);
  if (!match || /[*?$]/.test(name)) return undefined;
  const [, prefix, number, suffix] = match;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of index.ids.keys()) {
    if (!candidate.startsWith(prefix) || !candidate.endsWith(suffix)) continue;
    const middle = candidate.slice(prefix.length, candidate.length - suffix.length);
    if (!/^\d+$/.test(middle)) continue;
    const id = index.ids.get(candidate)!;
    if (id >= index.packages.length) continue;
    const distance = Math.abs(Number(middle) - Number(number));
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best?.name;
}

const baseIdCache = new WeakMap<AptIndex, WeakMap<ReadonlySet<string>, ReadonlySet<number>>>();

/** Ids of a base image's packages in an index, found once per (index, package set). */
function baseIds(index: AptIndex, names: ReadonlySet<string>): ReadonlySet<number> {
  let bySet = baseIdCache.get(index);
  if (!bySet) {
    bySet = new WeakMap();
    baseIdCache.set(index, bySet);
  }
  let ids = bySet.get(names);
  if (!ids) {
    ids = new Set(
      [...names]
        .map((name) => index.ids.get(name))
        .filter((id): id is number => id !== undefined && id < index.packages.length),
    );
    bySet.set(names, ids);
  }
  return ids;
}

/** One package of an index on disk and gzipped in a layer, with the calibration above (no bookkeeping). */
export function aptPackageFootprint(
  index: AptIndex,
  id: number,
  slim = false,
): { disk: number; gzip: number; deb: number } {
  return { ...packageSize(index, id, slim), deb: index.packages.debBytes(id) };
}

/** Ids of the dependencies of a real package, each group met by its first alternative (a virtual name by its first provider). */
export function aptDependencyIds(index: AptIndex, id: number): number[] {
  const realCount = index.packages.length;
  return index.packages
    .depends(id)
    .map((group) => (typeof group === 'number' ? group : group[0]))
    .map((first) => (first < realCount ? first : index.providers[first - realCount][0]))
    .filter((dependency): dependency is number => dependency !== undefined);
}

/** One package's files on disk and in the layer's gzip, docs dropped on slim images, .pyc files added. */
function packageSize(index: AptIndex, id: number, slim: boolean): { disk: number; gzip: number } {
  // Rows are immutable and shared by every estimate: size each once per slim flag (NaN: not yet).
  let sizes = packageSizeCache.get(index);
  if (!sizes) {
    sizes = new Float64Array(index.packages.length * 4).fill(NaN);
    packageSizeCache.set(index, sizes);
  }
  const at = id * 4 + (slim ? 2 : 0);
  if (Number.isNaN(sizes[at])) {
    const size = computePackageSize(index.packages, id, slim);
    sizes[at] = size.disk;
    sizes[at + 1] = size.gzip;
  }
  return { disk: sizes[at], gzip: sizes[at + 1] };
}

const packageSizeCache = new WeakMap<AptIndex, Float64Array>();

function computePackageSize(packages: PackageTable, id: number, slim: boolean): { disk: number; gzip: number } {
  const debBytes = packages.debBytes(id);
  const { files, docFiles, localeFiles, pyFiles } = packages.files(id);
  const installed = packages.installedKiB(id) * 1024;
  let disk = Math.max(installed - calibration.roundingBytesPerFile * files, 0.3 * installed);
  let gzip =
    Math.exp(calibration.gzipLogConstant) *
    Math.max(debBytes, 1) ** calibration.gzipDebExponent *
    Math.max(installed, 1) ** calibration.gzipInstalledExponent;
  if (slim) {
    disk = Math.max(
      disk - calibration.slimDiskBytesPerDocFile * docFiles - calibration.slimDiskBytesPerLocaleFile * localeFiles,
      0.1 * disk,
    );
    gzip = Math.max(
      gzip - calibration.slimGzipBytesPerDocFile * docFiles - calibration.slimGzipBytesPerLocaleFile * localeFiles,
      0.1 * gzip,
    );
  }
  const pyc = files > 0 ? (calibration.pycPerModuleByte * installed * pyFiles) / files : 0;
  return { disk: disk + pyc, gzip: gzip + (calibration.pycGzipRelative * pyc * gzip) / Math.max(disk, 1) };
}

/** What dpkg, apt and debconf rewrite around any install: they land in the layer whole. */
function bookkeeping(
  index: AptIndex,
  added: readonly number[],
  installedBefore: number,
): { disk: number; gzip: number } {
  const debconf = [index.ids.get('debconf'), index.ids.get('debconf-2.0')].filter(
    (id): id is number => id !== undefined,
  );
  const usesDebconf = added.some((id) =>
    index.packages
      .depends(id)
      .some((group) =>
        (typeof group === 'number' ? [group] : group).some((dependency) => debconf.includes(dependency)),
      ),
  );
  const files = added.reduce((sum, id) => sum + index.packages.files(id).files, 0);
  const status = 2 * calibration.statusBytesPerPackage * (installedBefore + added.length);
  const info = calibration.infoBytesPerPackage * added.length + calibration.infoBytesPerFile * files;
  const debconfCache = usesDebconf ? calibration.debconfCacheBytes : 0;
  return {
    disk: status + info + calibration.logBytes + debconfCache,
    gzip:
      status * calibration.statusGzipRatio +
      info * calibration.infoGzipRatio +
      calibration.logBytes * calibration.logGzipRatio +
      debconfCache * calibration.debconfGzipRatio,
  };
}

/**
 * `curl=7.88.1-10+deb12u5`, `curl:amd64`, `curl/bookworm-backports` → `curl`; undefined for a name apt
 * would remove (`pkg-`). `g++` is a package; `curl+` asks apt to install curl.
 */
function requestedName(spec: string, ids: ReadonlyMap<string, number>): string | undefined {
  const name = spec
    .trim()
    .toLowerCase()
    .replace(/[=/].*$/, '')
    .replace(/:[a-z0-9-]+$/, '');
  if (ids.has(name) || !/[+-]$/.test(name)) return name;
  return name.endsWith('-') ? undefined : name.slice(0, -1);
}

/** Package ids already in the image: a shared read-only set of the base's, and the ones added on top. */
class PresentPackages {
  private readonly added = new Set<number>();

  constructor(private readonly base: ReadonlySet<number>) {}

  has(id: number): boolean {
    return this.base.has(id) || this.added.has(id);
  }

  add(id: number): void {
    if (!this.base.has(id)) this.added.add(id);
  }
}

/**
 * apt's choices, simplified: a group is met when one of its alternatives (or a provider of it) is
 * installed or chosen; otherwise its first alternative that exists is chosen, a virtual name by its
 * preferred provider. Recommends of newly added packages are followed unless turned off, and skipped
 * silently when unresolvable, as apt does. Versions and conflicts are not modelled. Adds to `present`.
 */
function closure(
  index: AptIndex,
  requested: readonly string[],
  noInstallRecommends: boolean,
  present: PresentPackages,
): { added: number[]; unknown: string[] } {
  const { packages, providers } = index;
  const realCount = packages.length;
  const added: number[] = [];
  const unknown: string[] = [];
  const isMet = (id: number) =>
    id < realCount
      ? present.has(id) || (index.alsoProvided.get(id)?.some((provider) => present.has(provider)) ?? false)
      : providers[id - realCount].some((provider) => present.has(provider));
  const resolve = (id: number): number | undefined => (id < realCount ? id : providers[id - realCount][0]);
  const pending: number[] = [];
  const add = (id: number) => {
    if (present.has(id)) return;
    present.add(id);
    added.push(id);
    pending.push(id);
  };
  const follow = (groups: Group[]) => {
    for (const group of groups) {
      const alternatives = typeof group === 'number' ? [group] : group;
      if (alternatives.some(isMet)) continue;
      const chosen = alternatives.map(resolve).find((id) => id !== undefined);
      if (chosen !== undefined) add(chosen);
    }
  };
  for (const spec of requested) {
    const name = requestedName(spec, index.ids);
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
  // Queues read by a moving head: shift() would copy the array on every step of large closures.
  const recommendsOf: number[] = [];
  let next = 0;
  let nextRecommends = 0;
  while (next < pending.length) {
    const id = pending[next++];
    follow(packages.depends(id));
    recommendsOf.push(id);
    while (next === pending.length && !noInstallRecommends && nextRecommends < recommendsOf.length)
      follow(packages.recommends(recommendsOf[nextRecommends++]));
  }
  return { added, unknown };
}

/** One `apt-get install` of a RUN. */
export interface AptInstallCommand {
  packages: string[];
  noInstallRecommends: boolean;
}

/** What a RUN does with apt, read from its shell commands in order. */
export interface AptRunFacts {
  installs: AptInstallCommand[];
  /** `apt-get update` ran and nothing later in the RUN removed /var/lib/apt/lists. */
  listsKept: boolean;
  /** The RUN also removes or purges packages (`apt-get purge --auto-remove …`): the layer is not just the installs. */
  removesPackages: boolean;
  /** Names the RUN removes or purges, as written (lowercased); variables stay as `$name`. */
  removed: string[];
  /** `apt-get autoremove` or `--auto-remove`: what only the removed packages needed goes too. */
  autoRemove: boolean;
  /** `apt-mark auto '.*'`: every package becomes removable, except those marked manual again. */
  marksAllAuto: boolean;
  /** Literal names `apt-mark manual` keeps (not `$savedAptMark`, which names what was there before). */
  markedManual: string[];
  /** The RUN marks manual the libraries its binaries link (`ldd … | xargs apt-mark manual`). */
  keepsLinkedLibraries: boolean;
}

const aptLists = '/var/lib/apt/lists';

/** The apt installs of a RUN instruction, whether it keeps the package lists, and whether it also removes packages. */
export function aptRunFacts(model: DockerfileModel, instruction: Instruction): AptRunFacts {
  const run = instruction.run;
  if (!run) return noAptFacts();
  return memoOn(run, runFactsKey, () => runFacts(model.text, instruction, run));
}

function noAptFacts(): AptRunFacts {
  return {
    installs: [],
    listsKept: false,
    removesPackages: false,
    removed: [],
    autoRemove: false,
    marksAllAuto: false,
    markedManual: [],
    keepsLinkedLibraries: false,
  };
}

// A fact of the parsed RUN alone: each estimate of the same model version asks again (lenses, hovers).
const runFactsKey = Symbol('aptRunFacts');

function runFacts(text: string, instruction: Instruction, run: RunInfo): AptRunFacts {
  const facts = noAptFacts();
  if (!run.posixShell) return facts;
  for (const command of run.commands) {
    const effective = effectiveCommand(command);
    // `find … -exec ldd '{}' ';'` runs ldd as find's argument.
    if ([effective.program, ...effective.args.map((arg) => arg.value)].some((word) => /^(ldd|scanelf)$/.test(word)))
      facts.keepsLinkedLibraries = true;
    if (effective.program === 'apt-mark') {
      const [verb, ...names] = operands(effective.args).map((word) => word.value);
      if (verb === 'auto' && names.some((name) => /^\.?\*$|^'\.\*'$/.test(name))) facts.marksAllAuto = true;
      if (verb === 'manual') facts.markedManual.push(...names.filter((name) => !name.includes('$')));
    }
    if (effective.program === 'apt-get' || effective.program === 'apt') {
      const words = operands(effective.args).map((word) => word.value);
      if (words[0] === 'autoremove' || hasFlag(effective.args, '--auto-remove', '--autoremove'))
        facts.autoRemove = true;
    }
    if (effective.program === 'rm') {
      if (
        operands(effective.args).some((word) => {
          const path = literalPath(word);
          return path !== undefined && removalTouches(path, aptLists);
        })
      )
        facts.listsKept = false;
      continue;
    }
    if (pathsCreatedBy(effective).includes(aptLists)) facts.listsKept = true;
    if (pathsRemovedBy(effective).includes(aptLists)) facts.listsKept = false;
    const removal = packagesRemovedBy(effective);
    if (removal?.manager === 'apt') {
      facts.removesPackages = true;
      facts.removed.push(...removal.packages);
    }
    const install = packagesInstalledBy(effective);
    if (install?.manager === 'apt' && install.packages.length > 0)
      facts.installs.push({
        packages: install.packages,
        noInstallRecommends: aptRecommendsOff(text, instruction, effective),
      });
  }
  return facts;
}

/**
 * The libraries software built against `-dev` packages links at run time: each requested library `-dev`
 * package's direct dependencies that are libraries themselves (`libssl-dev` → `libssl3`, `zlib1g-dev` →
 * `zlib1g`). What `ldd … | xargs apt-mark manual` keeps once the build tools are purged.
 */
export function runtimeLibrariesOf(requested: readonly string[], suite: AptSuite, index?: AptIndex): string[] {
  const found = index ?? loadAptIndex(suite);
  if (!found) return [];
  const libraries = new Set<string>();
  for (const spec of requested) {
    const name = requestedName(spec, found.ids);
    // Library headers only (`libssl-dev`, `zlib1g-dev`): `dpkg-dev` is a tool, not a library.
    const id = name && /^(lib|zlib).*-dev$/.test(name) ? found.ids.get(name) : undefined;
    if (id === undefined || id >= found.packages.length) continue;
    for (const dependency of aptDependencyIds(found, id)) {
      const dependencyName = found.names[dependency];
      if (/^(lib|zlib)/.test(dependencyName) && !/-(dev|bin|common|data|doc)$/.test(dependencyName))
        libraries.add(dependencyName);
    }
  }
  return [...libraries];
}
