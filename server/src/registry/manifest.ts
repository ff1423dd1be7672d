import { RegistryError } from './http';

export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Sent on every manifest request: without it registries answer schema 1 or only the default type. */
export const manifestAccept = [
  mediaTypes.ociIndex,
  mediaTypes.dockerList,
  mediaTypes.ociManifest,
  mediaTypes.dockerManifest,
].join(', ');

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface IndexEntry {
  digest: string;
  mediaType?: string;
  platform?: Platform;
}

export interface Layer {
  digest: string;
  size: number;
}

export type ParsedManifest = { kind: 'index'; entries: IndexEntry[] } | { kind: 'image'; layers: Layer[] };

const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Reads an image index / manifest list or an image manifest (OCI or Docker schema 2). The kind comes
 * from the Content-Type, else the body's `mediaType`, else its shape (OCI allows both to be absent).
 */
export function parseManifest(body: string, contentType: string | null): ParsedManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new RegistryError('the manifest is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new RegistryError('the manifest is not a JSON object');
  const value = parsed as Record<string, unknown>;
  const declared = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const mediaType =
    declared && declared !== 'application/json' && declared !== 'text/plain'
      ? declared
      : typeof value.mediaType === 'string'
        ? value.mediaType
        : '';
  if (
    /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/.test(mediaType) ||
    value.schemaVersion === 1
  ) {
    throw new RegistryError('the registry only serves a schema 1 manifest (no layer sizes)');
  }
  const isIndex =
    mediaType === mediaTypes.ociIndex ||
    mediaType === mediaTypes.dockerList ||
    (!mediaType && Array.isArray(value.manifests));
  if (isIndex) {
    if (!Array.isArray(value.manifests)) throw new RegistryError('the image index has no manifests');
    return { kind: 'index', entries: value.manifests.map(indexEntry) };
  }
  const isImage =
    mediaType === mediaTypes.ociManifest ||
    mediaType === mediaTypes.dockerManifest ||
    (!mediaType && Array.isArray(value.layers));
  if (!isImage) throw new RegistryError(`unexpected manifest type ${mediaType || 'unknown'}`);
  if (!Array.isArray(value.layers)) throw new RegistryError('the image manifest has no layers');
  if (value.layers.length > maxPlausibleLayers)
    throw new RegistryError(`the image manifest lists ${value.layers.length} layers, more than an image can have`);
  const layers = value.layers.map(layer);
  const total = layers.reduce((sum, entry) => sum + entry.size, 0);
  if (total > maxPlausibleImageBytes)
    throw new RegistryError(`the image manifest claims ${total} bytes, more than any real image: not trusted`);
  return { kind: 'image', layers };
}

/** Docker's overlay storage stacks at most 128 layers; a manifest listing many more is not a real image. */
export const maxPlausibleLayers = 500;
/** 1 TiB compressed: far above any image pulled in practice, far below where sums lose precision. */
export const maxPlausibleImageBytes = 2 ** 40;

/** A registry size that could be real: as the manifest checks say, also for sizes read back from the cache. */
export function isPlausibleImageSize(compressedBytes: unknown, layers: unknown): boolean {
  return (
    typeof compressedBytes === 'number' &&
    Number.isSafeInteger(compressedBytes) &&
    compressedBytes >= 0 &&
    compressedBytes <= maxPlausibleImageBytes &&
    typeof layers === 'number' &&
    Number.isSafeInteger(layers) &&
    layers >= 0 &&
    layers <= maxPlausibleLayers
  );
}

function descriptor(raw: unknown, what: string): Record<string, unknown> {
  if (!raw || typeof raw !== 'object') throw new RegistryError(`a ${what} entry is not an object`);
  const value = raw as Record<string, unknown>;
  if (typeof value.digest !== 'string' || !digestPattern.test(value.digest))
    throw new RegistryError(`a ${what} entry has no valid digest`);
  return value;
}

function indexEntry(raw: unknown): IndexEntry {
  const value = descriptor(raw, 'index');
  const platform =
    value.platform && typeof value.platform === 'object' ? (value.platform as Record<string, unknown>) : undefined;
  return {
    digest: value.digest as string,
    mediaType: typeof value.mediaType === 'string' ? value.mediaType : undefined,
    platform:
      platform && typeof platform.os === 'string' && typeof platform.architecture === 'string'
        ? {
            os: platform.os,
            architecture: platform.architecture,
            variant: typeof platform.variant === 'string' ? platform.variant : undefined,
          }
        : undefined,
  };
}

function layer(raw: unknown): Layer {
  const value = descriptor(raw, 'layer');
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0)
    throw new RegistryError('a layer has no valid size');
  if (value.size > maxPlausibleImageBytes)
    throw new RegistryError(`a layer claims ${value.size} bytes, more than any real image: not trusted`);
  return { digest: value.digest as string, size: value.size };
}

const architectureAliases: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i686: '386',
  i386: '386',
};
/** The variant a platform means when it names none (Go's and containerd's defaults). */
const defaultVariants: Record<string, string> = { arm64: 'v8', arm: 'v7' };

export const defaultPlatform: Platform = { os: 'linux', architecture: 'amd64' };

/** `linux/arm64/v8`, `linux/amd64`, `arm64` (OS defaults to linux); undefined when it is not a platform. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.some((part) => !/^[a-z0-9_.-]+$/.test(part)) || parts.length > 3) return undefined;
  const [os, architecture, variant] = parts.length === 1 ? ['linux', parts[0], undefined] : parts;
  return {
    os,
    architecture: architectureAliases[architecture] ?? architecture,
    variant: variant ?? (architecture === 'armhf' ? 'v7' : architecture === 'armel' ? 'v6' : undefined),
  };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The index entry for a platform; an exact variant wins, an entry without a variant matches the default one. */
export function pickPlatform(entries: IndexEntry[], wanted: Platform): IndexEntry | undefined {
  const wantedVariant = wanted.variant ?? defaultVariants[wanted.architecture];
  const candidates = entries.filter(
    (entry) =>
      entry.platform &&
      entry.platform.os === wanted.os &&
      (architectureAliases[entry.platform.architecture] ?? entry.platform.architecture) === wanted.architecture,
  );
  return (
    candidates.find((entry) => (entry.platform?.variant ?? defaultVariants[wanted.architecture]) === wantedVariant) ??
    // A platform without a variant (`linux/arm`) takes whichever the index has.
    (wanted.variant ? undefined : candidates[0])
  );
}
