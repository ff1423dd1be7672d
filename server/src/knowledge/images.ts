import data from '../data/images.json';
import sizes from '../data/image-sizes.json';
import officialImages from '../data/official-images.json';
import type { ImageRef } from '../model/image';
import { imageName } from '../model/image';
import { wildcardMatch } from './glob';

interface SdkEntry {
  match: string;
  tags?: string[];
  exceptTags?: string[];
  toolchain: string;
  runtime: string[];
  alpineRuntime?: string[];
  note?: string;
  dropIn?: boolean;
  onlyWhenRunningBuiltCode?: boolean;
  source: string;
}

interface SlimEntry {
  match: string;
  dropped: string;
  unless: string;
  style: 'slim-before-suite' | 'slim-after-suite';
  latest: string;
  source: string;
}

/** A build image and what runs its output. */
export interface SdkImage {
  toolchain: string;
  /** Runtime images to suggest, best first, with the tag's version and OS variant kept where known. */
  runtimes: string[];
  note?: string;
  /** The first runtime has the same distribution and shell, so swapping it in keeps RUN lines working. */
  dropIn: boolean;
  /** A build image only when the stage installs and builds nothing (the full node image). */
  onlyWhenRunningBuiltCode: boolean;
  source: string;
}

const sdkEntries = data.sdkImages as SdkEntry[];
const slimEntries = data.slimVariants as SlimEntry[];
const debianReleases = data.debianReleases as Record<string, number>;
const ubuntuCodenames = new Set(data.ubuntuCodenames);
const suites = new Set([...Object.keys(debianReleases), ...ubuntuCodenames]);
const defaultSuite = data.defaultSuite;

const sizeByReference = new Map<string, number>(
  sizes.images.map((fact) => [`${fact.image}:${fact.tag}`, fact.compressedBytes]),
);
for (const [alias, target] of Object.entries(sizes.aliases as Record<string, string>)) {
  const size = sizeByReference.get(target);
  if (size !== undefined) sizeByReference.set(alias, size);
}

function entryFor<T extends { match: string; tags?: string[]; exceptTags?: string[] }>(
  entries: T[],
  image: ImageRef,
): T | undefined {
  const name = imageName(image);
  const tag = image.tag ?? 'latest';
  return entries.find(
    (entry) =>
      wildcardMatch(entry.match, name) &&
      (!entry.tags || entry.tags.some((pattern) => wildcardMatch(pattern, tag))) &&
      !entry.exceptTags?.some((pattern) => wildcardMatch(pattern, tag)),
  );
}

/** The build image an image reference names, with the runtime images that run its output. */
export function sdkImageOf(image: ImageRef): SdkImage | undefined {
  if (image.isScratch || image.unresolved) return undefined;
  const entry = entryFor(sdkEntries, image);
  if (!entry) return undefined;
  const tag = image.tag ?? 'latest';
  const alpine = /alpine/.test(tag);
  const templates = alpine && entry.alpineRuntime ? entry.alpineRuntime : entry.runtime;
  const runtimes = templates
    .map((template) => fillTemplate(template, tag))
    .filter((runtime): runtime is string => runtime !== undefined);
  if (runtimes.length === 0) return undefined;
  return {
    toolchain: entry.toolchain,
    runtimes,
    note: entry.note,
    dropIn: entry.dropIn === true && runtimes.length === templates.length,
    onlyWhenRunningBuiltCode: entry.onlyWhenRunningBuiltCode === true,
    source: entry.source,
  };
}

/** Fills a runtime template from the tag; undefined when the tag lacks what the template needs. */
function fillTemplate(template: string, tag: string): string | undefined {
  let missing = false;
  const filled = template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = placeholder(key, tag);
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : filled;
}

function placeholder(key: string, tag: string): string | undefined {
  const suite = suiteOf(tag);
  switch (key) {
    case 'debian':
      return String(debianReleases[suite && !ubuntuCodenames.has(suite) ? suite : defaultSuite]);
    case 'suite':
      return suite ?? defaultSuite;
    case 'debianSlim':
      return suite && ubuntuCodenames.has(suite) ? `ubuntu:${suite}` : `debian:${suite ?? defaultSuite}-slim`;
    case 'java':
      return javaVersion(tag);
    case 'alpine':
      return /alpine/.test(tag) ? '-alpine' : '';
    case 'jreTag':
      return jreTag(tag);
    case 'dotnetTag':
      return dotnetTag(tag);
    case 'slimTag':
      return slimTag('slim-after-suite', 'slim', tag);
    default:
      return undefined;
  }
}

/** The Debian or Ubuntu codename a tag names (`1.23-bookworm`, `trixie-slim`), if any. */
function suiteOf(tag: string): string | undefined {
  return tag.split('-').find((part) => suites.has(part));
}

/** `3.9-eclipse-temurin-21` → 21, `8.10-jdk17-alpine` → 17, `17-jdk-slim` → 17, `8u342-jdk` → 8. */
function javaVersion(tag: string): string | undefined {
  const named = /(?:temurin|openjdk|corretto|jdk|sapmachine|semeru|graalvm-community|zulu|liberica)-?(\d+)/.exec(tag);
  if (named) return named[1];
  const leading = /^(\d+)(?:u\d+|[.-]|$)/.exec(tag);
  return leading ? leading[1] : undefined;
}

/** `21-jdk-jammy` → `21-jre-jammy`; `21` → `21-jre`; `21-alpine` → `21-jre-alpine`. */
function jreTag(tag: string): string | undefined {
  if (/jdk/.test(tag)) return tag.replace('jdk', 'jre');
  if (tag === 'latest') return undefined;
  const dash = tag.indexOf('-');
  return dash < 0 ? `${tag}-jre` : `${tag.slice(0, dash)}-jre${tag.slice(dash)}`;
}

/** SDK tags carry the SDK version (`8.0.403-alpine`); runtime images are tagged by major.minor: `8.0-alpine`. */
function dotnetTag(tag: string): string | undefined {
  const match = /^(\d+\.\d+)(?:\.\d+(?:-\d+)?)?(-.+)?$/.exec(tag);
  return match ? `${match[1]}${match[2] ?? ''}` : undefined;
}

/** The slim variant of a full image's tag (`python:3.12` → `3.12-slim`), or undefined when there is none. */
export function slimVariantOf(
  image: ImageRef,
): { tag: string; dropped: string; unless: string; source: string } | undefined {
  if (image.isScratch || image.unresolved) return undefined;
  const entry = entryFor(slimEntries, image);
  if (!entry) return undefined;
  const tag = slimTag(entry.style, entry.latest, image.tag ?? 'latest', entry.match === 'debian');
  return tag ? { tag, dropped: entry.dropped, unless: entry.unless, source: entry.source } : undefined;
}

const variantWords = /slim|alpine|windowsservercore|nanoserver|onbuild|backports|rc\d*$|beta|alpha/;

function slimTag(style: SlimEntry['style'], latest: string, tag: string, anyTag = false): string | undefined {
  if (variantWords.test(tag)) return undefined;
  if (tag === 'latest') return latest;
  // Debian's own tags are a suite or version, maybe dated (`bookworm-20240110`): slim always comes last.
  if (anyTag) return `${tag}-slim`;
  const parts = tag.split('-');
  const suite = parts.length === 2 && suites.has(parts[1]) ? parts[1] : undefined;
  if (parts.length > (suite ? 2 : 1)) return undefined;
  if (!suite) return suites.has(tag) && style === 'slim-before-suite' ? `slim-${tag}` : `${tag}-slim`;
  return style === 'slim-before-suite' ? `${parts[0]}-slim-${suite}` : `${tag}-slim`;
}

/** Compressed pull size (linux/amd64) of `image:tag` when the data files know it. */
export function compressedSize(reference: string): number | undefined {
  return sizeByReference.get(reference);
}

/** A base image's pull size from the data files, found for its own tag or the nearest one of its family. */
export interface BaseImageSize {
  compressedBytes: number;
  /** The data file's `name:tag` the figure belongs to. */
  reference: string;
  /**
   * `exact`: that very tag (or an alias of it); `nearest`: the nearest version of the same image and
   * variant; `approximate`: a rounded published figure for the image family (distroless, Chainguard).
   */
  match: 'exact' | 'nearest' | 'approximate';
  built?: string;
  source: string;
}

interface SizeFact {
  image: string;
  tag: string;
  compressedBytes: number;
  built: string;
  source: string;
  approximate?: boolean;
}

/** Release numbers of codenames, so `bullseye` sits next to 12 and `jammy` next to 24.04. */
const codenameVersions: Record<string, number[]> = {
  jessie: [8],
  stretch: [9],
  buster: [10],
  bullseye: [11],
  bookworm: [12],
  trixie: [13],
  forky: [14],
  xenial: [16, 4],
  bionic: [18, 4],
  focal: [20, 4],
  jammy: [22, 4],
  noble: [24, 4],
  resolute: [26, 4],
};

/**
 * Windows releases by build number (10.0.<build>), so `ltsc2016`, `1809` and `10.0.17763.3887` compare
 * as versions: 1809 and ltsc2019 are one release, sac2016 is ltsc2016's build.
 */
const windowsReleases: Record<string, number[]> = {
  ltsc2016: [10, 0, 14393],
  sac2016: [10, 0, 14393],
  '1709': [10, 0, 16299],
  '1803': [10, 0, 17134],
  '1809': [10, 0, 17763],
  ltsc2019: [10, 0, 17763],
  '1903': [10, 0, 18362],
  '1909': [10, 0, 18363],
  '2004': [10, 0, 19041],
  '20h2': [10, 0, 19042],
  ltsc2022: [10, 0, 20348],
  ltsc2025: [10, 0, 26100],
};

/** Windows base images, whose tag is the Windows release itself. */
const windowsBaseImages = /^mcr\.microsoft\.com\/windows\/(servercore|nanoserver)$/;

/** Words that name what a moving tag points at rather than a variant: the newest is taken. */
const movingWords = new Set(['latest', 'current', 'lts', 'stable', 'nonroot', 'debug']);

interface ParsedTag {
  /** Null when the tag names no version (`alpine`, `slim`, `latest`): the newest known is meant. */
  version: number[] | null;
  /** What is left once version, distribution release and dates are taken out: `slim`, `fpm-alpine`, `jdk`. */
  variant: string;
}

/**
 * `22.4-bookworm-slim` → 22.4 / `slim`; `1.26-alpine3.23` → 1.26 / `alpine`; `bullseye-slim` of debian →
 * 11 / `slim`; `8.2-cli-alpine` → 8.2 / `alpine` (php's default variant is cli).
 */
function parseTag(name: string, tag: string): ParsedTag {
  const tokens = tag.replace(/^"|"$/g, '').toLowerCase().split('-');
  let version: number[] | null = null;
  const variant: string[] = [];
  const distribution = name === 'debian' || name === 'ubuntu';
  const windows = windowsBaseImages.test(name);
  tokens.forEach((token, position) => {
    // A build or update suffix stays with its version: `25.0.3_9` (Temurin), `8u342`, `3.1.2+1`.
    const number = /^v?(\d+(?:\.\d+)*)(?:[_+u]\w*)?$/.exec(token);
    if (position === 0 && number && !(windows && windowsReleases[token])) {
      version = number[1].split('.').map(Number);
      return;
    }
    if (codenameVersions[token]) {
      if (distribution && position === 0) version = codenameVersions[token];
      return;
    }
    if (windowsReleases[token]) {
      if (windows && position === 0) version = windowsReleases[token];
      return;
    }
    if (/^\d{8}(\.\d+)?$/.test(token) || movingWords.has(token) || token === 'cli' || token === '') return;
    variant.push(token.replace(/^alpine[\d.]+$/, 'alpine'));
  });
  return { version, variant: variant.join('-') };
}

/** How far `candidate` is from `wanted` on the components `wanted` gives (major weighs most). */
function versionDistance(wanted: readonly number[], candidate: readonly number[]): number {
  let distance = 0;
  wanted.slice(0, 3).forEach((part, index) => {
    distance += Math.abs(part - (candidate[index] ?? 0)) * 1000 ** (2 - index);
  });
  return distance;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

const factsByName = new Map<string, { fact: SizeFact; parsed: ParsedTag }[]>();
for (const fact of sizes.images as SizeFact[]) {
  const entry = { fact, parsed: parseTag(fact.image, fact.tag) };
  factsByName.set(fact.image, [...(factsByName.get(fact.image) ?? []), entry]);
}

/** Registries that mirror Docker Hub's official images under another name. */
const mirrorPrefixes = [
  'mcr.microsoft.com/mirror/docker/library/',
  'us-docker.pkg.dev/artifact-foundry-prod/docker-3p-trusted/',
  'public.ecr.aws/docker/library/',
];

/** Official images published under a new name: the old name's tags resolve as the new image's. */
const renamedImages: Record<string, string> = { java: 'openjdk' };

/**
 * The data files' name for an image: mirrors and other-architecture namespaces (`arm64v8/alpine`) mean
 * the official image; distroless flavours drop their Debian release and runtime version
 * (`gcr.io/distroless/nodejs22-debian13` → `gcr.io/distroless/nodejs`).
 */
function familyName(name: string): string {
  const mirror = mirrorPrefixes.find((prefix) => name.startsWith(prefix));
  const unmirrored = mirror
    ? name.slice(mirror.length)
    : name.replace(/^(arm32v[5-7]|arm64v8|amd64|i386|ppc64le|s390x|riscv64)\//, '');
  const image = renamedImages[unmirrored] ?? unmirrored;
  const distroless = /^gcr\.io\/distroless\/([a-z]+?)(\d*)(-debian\d+)?$/.exec(image);
  if (!distroless) return image;
  return `gcr.io/distroless/${distroless[1] === 'python' ? `python${distroless[2]}` : distroless[1]}`;
}

/**
 * The pull size of a base image: its own tag when the data files have it, otherwise the nearest version
 * of the same image and variant (`node:18-slim` → `node:22-slim`, `alpine:3.17` → `alpine:3.22`).
 * `exclude` leaves one data entry out (the bench's leave-one-out check). Undefined for images the data
 * files know nothing of the same variant of.
 */
export function baseImageSize(name: string, tag: string, exclude?: string): BaseImageSize | undefined {
  const image = familyName(name);
  const cleanTag = tag.replace(/^"|"$/g, '');
  const reference = `${image}:${cleanTag}`;
  const aliases = sizes.aliases as Record<string, string>;
  const exact = sizeByReference.get(reference);
  const excluded = exclude !== undefined && (reference === exclude || aliases[reference] === exclude);
  if (exact !== undefined && !excluded) {
    const key = aliases[reference] ?? reference;
    const fact = (sizes.images as SizeFact[]).find((candidate) => `${candidate.image}:${candidate.tag}` === key);
    return {
      compressedBytes: exact,
      reference,
      match: fact?.approximate ? 'approximate' : 'exact',
      built: fact?.built || undefined,
      source: fact?.source ?? '',
    };
  }
  const wanted = parseTag(image, cleanTag);
  const candidates = (factsByName.get(image) ?? []).filter(
    ({ fact, parsed }) =>
      (parsed.variant === wanted.variant || fact.approximate) && `${fact.image}:${fact.tag}` !== exclude,
  );
  if (candidates.length === 0) return undefined;
  const newestFirst = [...candidates].sort((a, b) => compareVersions(b.parsed.version ?? [], a.parsed.version ?? []));
  const wantedVersion = wanted.version;
  const chosen = wantedVersion
    ? newestFirst.reduce((best, candidate) =>
        versionDistance(wantedVersion, candidate.parsed.version ?? []) <
        versionDistance(wantedVersion, best.parsed.version ?? [])
          ? candidate
          : best,
      )
    : newestFirst[0];
  return {
    compressedBytes: chosen.fact.compressedBytes,
    reference: `${chosen.fact.image}:${chosen.fact.tag}`,
    match: chosen.fact.approximate ? 'approximate' : 'nearest',
    built: chosen.fact.built || undefined,
    source: chosen.fact.source,
  };
}

/**
 * The pull size of a FROM's image as written. A reference a variable without a default leaves open is
 * sized only when the image itself is known: a variable in the tag (`alpine:$ALPINE_VERSION`,
 * `docker:${ENGINE_VERSION}-dind`) leaves the variant the rest of the tag names, at the newest known
 * version; a variable as the first path part (`${IMAGE_ARCH}/debian:trixie-slim`) names another
 * architecture's namespace of the same image. Either way it is an estimate (`nearest`), never `exact`.
 */
export function baseImageSizeOf(image: ImageRef): BaseImageSize | undefined {
  if (image.isScratch) return undefined;
  const name = imageName(image);
  const tag = image.tag ?? 'latest';
  if (!image.unresolved) return baseImageSize(name, tag);
  const variable = /\$(?:\{[^}]*\}|\w+)/g;
  const knownName = name.replace(/^\$(?:\{\w+\}|\w+)\//, '');
  if (knownName.includes('$')) return undefined;
  const knownTag = tag
    .replace(variable, '')
    .split('-')
    .filter((part) => part !== '')
    .join('-');
  const found = baseImageSize(knownName, knownTag === '' ? 'latest' : knownTag);
  if (!found) return undefined;
  return { ...found, match: found.match === 'exact' ? 'nearest' : found.match };
}

/** `410908459` → `411 MB` (decimal megabytes, as registries and docker-library report sizes). */
export function formatSize(bytes: number): string {
  const megabytes = bytes / 1e6;
  return megabytes >= 10 ? `${Math.round(megabytes)} MB` : `${megabytes.toFixed(1)} MB`;
}

/** `name:tag` as the data files key it (Docker Hub images bare, tag `latest` when none is written). */
export function referenceOf(image: ImageRef): string {
  return `${imageName(image)}:${image.tag ?? 'latest'}`;
}

const officialNames = new Set([...officialImages.current, ...officialImages.deprecated]);

/** True when an unqualified name (`composer`, `golang`) is one of Docker Hub's official images. */
export function isOfficialImageName(name: string): boolean {
  return officialNames.has(name.toLowerCase());
}
