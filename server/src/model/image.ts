/** A base image reference split into its parts, after ARG substitution. */
export interface ImageRef {
  /** As written in the Dockerfile. */
  raw: string;
  /** After substituting global ARG defaults; unresolved variables stay as written. */
  resolved: string;
  /** True when a variable in the reference could not be resolved from ARG defaults. */
  unresolved: boolean;
  registry?: string;
  /** Repository path without registry, e.g. `library/node` normalised to `node`, `bitnami/redis`. */
  repository: string;
  tag?: string;
  digest?: string;
  isScratch: boolean;
}

const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function parseImageRef(raw: string, resolved: string, unresolved: boolean): ImageRef {
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

/**
 * Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` the way Docker expands FROM
 * arguments, using the given values; reports whether any variable stayed unknown.
 */
export function substituteVariables(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
): { value: string; unresolved: boolean } {
  let unresolved = false;
  const value = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (match, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const known = values.has(name);
      const current = values.get(name);
      const isSet = known && current !== undefined;
      const isNonEmpty = isSet && current !== '';
      if (op === ':-') return isNonEmpty ? current : (word ?? '');
      if (op === '-') return isSet ? current : (word ?? '');
      if (op === ':+') return isNonEmpty ? (word ?? '') : '';
      if (op === '+') return isSet ? (word ?? '') : '';
      if (!isSet) {
        unresolved = true;
        return match;
      }
      return current;
    },
  );
  return { value, unresolved };
}
