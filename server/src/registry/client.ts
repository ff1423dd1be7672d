import { createHash } from 'node:crypto';
import { parseBearerChallenge } from './auth';
import type { TokenCache } from './auth';
import { describe, getCapped, RegistryError } from './http';
import type { CappedResponse, Fetch } from './http';
import { formatPlatform, manifestAccept, parseManifest, pickPlatform } from './manifest';
import type { Platform } from './manifest';
import type { RegistryImage } from './reference';

/** What the registry says an image weighs: the sum of its compressed layers (what `docker pull` downloads). */
export interface RemoteImageSize {
  name: string;
  /** The platform picked from an index; undefined when the reference named a single-platform manifest. */
  platform?: string;
  /** Digest of the image manifest the layers come from. */
  digest: string;
  compressedBytes: number;
  layers: number;
}

export interface FetchSizeOptions {
  platform: Platform;
  signal: AbortSignal;
  /** Cap for every response body (manifests, token answers). */
  maxBytes: number;
  tokens: TokenCache;
  fetch?: Fetch;
  now?: () => number;
}

/**
 * Reads an image's manifest through the distribution API and sums its layer sizes: resolves an index
 * or manifest list to the wanted platform, answers a registry's Bearer challenge with an anonymous
 * token, and checks the digest of what it got when it asked by digest.
 */
export async function fetchImageSize(image: RegistryImage, options: FetchSizeOptions): Promise<RemoteImageSize> {
  let reference = image.reference;
  let platform: string | undefined;
  // An index may point at another index (rare, but allowed); two hops are plenty.
  for (let hop = 0; hop < 3; hop++) {
    const response = await getManifest(image, reference, options);
    const manifest = parseManifest(response.body.toString('utf8'), response.headers.get('content-type'));
    const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new RegistryError(`the manifest of ${image.name} does not match its digest`);
    }
    if (manifest.kind === 'image') {
      return {
        name: image.name,
        platform,
        digest,
        compressedBytes: manifest.layers.reduce((sum, layer) => sum + layer.size, 0),
        layers: manifest.layers.length,
      };
    }
    const entry = pickPlatform(manifest.entries, options.platform);
    if (!entry) {
      const offered = [
        ...new Set(
          manifest.entries.flatMap((candidate) =>
            candidate.platform && candidate.platform.os !== 'unknown' ? [formatPlatform(candidate.platform)] : [],
          ),
        ),
      ];
      throw new RegistryError(
        `${image.name} has no ${formatPlatform(options.platform)} image${offered.length ? ` (has ${offered.join(', ')})` : ''}`,
      );
    }
    platform = entry.platform ? formatPlatform(entry.platform) : undefined;
    reference = entry.digest;
  }
  throw new RegistryError(`${image.name}: image indexes nest too deep`);
}

async function getManifest(
  image: RegistryImage,
  reference: string,
  options: FetchSizeOptions,
): Promise<CappedResponse> {
  const url = `${image.baseUrl}/v2/${image.repository}/manifests/${reference}`;
  const request = (authorization?: string) =>
    getCapped(url, {
      headers: { Accept: manifestAccept, ...(authorization ? { Authorization: authorization } : {}) },
      signal: options.signal,
      maxBytes: options.maxBytes,
      fetch: options.fetch,
    });
  const known = options.tokens.remembered(image.host, image.repository, (options.now ?? Date.now)());
  let response = await request(known ? `Bearer ${known}` : undefined);
  if (response.status === 401) {
    const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
    if (!challenge)
      throw new RegistryError(
        `${describe(url)} wants credentials for ${image.repository} (no anonymous token flow)`,
        401,
      );
    const token = await options.tokens.token(challenge, image.host, image.repository, options);
    response = await request(`Bearer ${token}`);
    if (response.status === 401)
      throw new RegistryError(`${describe(url)} refused the anonymous token for ${image.repository}`, 401);
  }
  if (response.status === 404) throw new RegistryError(`${image.name} is not in the registry (404)`, 404);
  if (response.status === 403)
    throw new RegistryError(`${describe(url)} denies access to ${image.repository} (403)`, 403);
  if (response.status === 429) throw new RegistryError(`${describe(url)} rate-limits pulls (429)`, 429);
  if (response.status !== 200)
    throw new RegistryError(`${describe(url)} answered HTTP ${response.status} for ${image.name}`, response.status);
  return response;
}
