import data from '../data/images.json';
import sizes from '../data/image-sizes.json';
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
  const leading = /^(\d+)(?:u\d+|[.\-]|$)/.exec(tag);
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

/** `410908459` → `411 MB` (decimal megabytes, as registries and docker-library report sizes). */
export function formatSize(bytes: number): string {
  const megabytes = bytes / 1e6;
  return megabytes >= 10 ? `${Math.round(megabytes)} MB` : `${megabytes.toFixed(1)} MB`;
}

/** `name:tag` as the data files key it (Docker Hub images bare, tag `latest` when none is written). */
export function referenceOf(image: ImageRef): string {
  return `${imageName(image)}:${image.tag ?? 'latest'}`;
}
