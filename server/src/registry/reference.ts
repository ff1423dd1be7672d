import type { ImageRef } from '../model/image';

/** Where an image's manifest lives: the registry's API base, the repository path and a tag or digest. */
export interface RegistryImage {
  /** Host with optional port, as the registry is addressed (`registry-1.docker.io`, `localhost:5000`). */
  host: string;
  /** `https://host` or, for loopback registries, `http://host`. */
  baseUrl: string;
  /** Full repository path: Docker Hub's official images get `library/`. */
  repository: string;
  /** A digest when the reference pins one, else the tag (`latest` when none). */
  reference: string;
  /** `host/repository:tag` or `host/repository@digest`, for notes and cache keys. */
  name: string;
}

const dockerHubApiHost = 'registry-1.docker.io';

/**
 * Docker talks plain HTTP to loopback registries by default (127.0.0.0/8 and localhost are implicit
 * insecure registries); every other registry is HTTPS.
 */
function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The registry address of a parsed FROM reference; undefined for scratch and references with unresolved variables. */
export function registryImageOf(image: ImageRef): RegistryImage | undefined {
  if (image.isScratch || image.unresolved || !image.repository) return undefined;
  const host = image.registry?.toLowerCase() ?? dockerHubApiHost;
  const repository =
    !image.registry && !image.repository.includes('/') ? `library/${image.repository}` : image.repository;
  const reference = image.digest ?? image.tag ?? 'latest';
  const name = `${host}/${repository}${image.digest ? '@' : ':'}${reference}`;
  return { host, baseUrl: `${isLoopback(host) ? 'http' : 'https'}://${host}`, repository, reference, name };
}
