/** A base image reference split into its parts, after ARG substitution. */
export interface ImageRef {
  /** As written in the Dockerfile. */
  raw: string;
  /** After substituting global ARG defaults; unresolved variables stay as written. */
  resolved: string;
  /** True when a variable in the reference could not be resolved from ARG defaults. */
  unresolved: boolean;
  /** Names of variables whose assumed values (platform ARGs: linux/amd64) the reference was resolved with; absent when none. */
  assumed?: string[];
  registry?: string;
  /** Repository path without registry, e.g. `library/node` normalised to `node`, `bitnami/redis`. */
  repository: string;
  tag?: string;
  digest?: string;
  isScratch: boolean;
}

const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function parseImageRef(raw: string, resolved: string, unresolved: boolean, assumed: string[] = []): ImageRef {
  let rest = resolved.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let repository = rest.toLowerCase();
  if (registry && dockerHubHosts.has(registry.toLowerCase())) registry = undefined;
  if (!registry && repository.startsWith('library/')) repository = repository.slice('library/'.length);
  return {
    raw,
    resolved,
    unresolved,
    ...(assumed.length > 0 ? { assumed } : {}),
    registry,
    repository,
    tag,
    digest,
    isScratch: !registry && repository === 'scratch',
  };
}

/** Windows base images: no root user and no POSIX shell (cmd or PowerShell run RUN). */
export function isWindowsImage(image: ImageRef): boolean {
  return (
    /(^|\/)(windows|nanoserver|servercore|windowsservercore)(\/|$)/.test(image.repository) ||
    /(^|-)(windowsservercore|nanoserver|ltsc20\d\d)/.test(image.tag ?? '')
  );
}

/** The reference as one comparable string: `registry/repository`, Docker Hub images without a registry. */
export function imageName(image: ImageRef): string {
  return image.registry ? `${image.registry.toLowerCase()}/${image.repository}` : image.repository;
}
