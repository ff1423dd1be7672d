import { getCapped, RegistryError } from './http';
import type { Fetch } from './http';

/** The `Bearer` challenge of a 401: where to get a token, for which service and scope. */
export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

/**
 * Reads the Bearer challenge of a `WWW-Authenticate` header
 * (`Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"`).
 * Undefined when there is none (Basic only, or no header): anonymous access cannot go on then.
 */
export function parseBearerChallenge(header: string | null): BearerChallenge | undefined {
  if (!header) return undefined;
  const start = header.search(/(^|[\s,])Bearer\s/i);
  if (start < 0) return undefined;
  const rest = header.slice(header.toLowerCase().indexOf('bearer', start) + 'bearer'.length);
  const params = new Map<string, string>();
  // key="quoted, may hold commas" or key=token; stops at the next auth scheme (a bare word).
  const pattern = /\s*,?\s*([A-Za-z][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/y;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    params.set(match[1].toLowerCase(), match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? ''));
  }
  const realm = params.get('realm');
  if (!realm) return undefined;
  return { realm, service: params.get('service'), scope: params.get('scope') };
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface TokenOptions {
  signal: AbortSignal;
  maxBytes: number;
  fetch?: Fetch;
  now?: () => number;
}

/** Anonymous pull tokens, reused until they expire (Docker Hub: 300 s) across lookups. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  /** The last token that worked for a registry's repository: sent up front, saving a 401 round trip per request. */
  private readonly byRepository = new Map<string, CachedToken>();

  remembered(host: string, repository: string, now: number): string | undefined {
    const cached = this.byRepository.get(`${host}/${repository}`);
    return cached && cached.expiresAt > now ? cached.token : undefined;
  }

  async token(challenge: BearerChallenge, host: string, repository: string, options: TokenOptions): Promise<string> {
    const scope = challenge.scope ?? `repository:${repository}:pull`;
    const key = `${challenge.realm}\n${challenge.service ?? ''}\n${scope}`;
    const now = (options.now ?? Date.now)();
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > now) {
      this.byRepository.set(`${host}/${repository}`, cached);
      return cached.token;
    }
    let url: URL;
    try {
      url = new URL(challenge.realm);
    } catch {
      throw new RegistryError(`the registry's token realm is not a URL: ${challenge.realm}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RegistryError(`the registry's token realm is not HTTP: ${url.protocol}`);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    url.searchParams.set('scope', scope);
    const response = await getCapped(url.toString(), {
      signal: options.signal,
      maxBytes: options.maxBytes,
      fetch: options.fetch,
    });
    if (response.status !== 200)
      throw new RegistryError(
        `the token service ${url.host} refused an anonymous pull token (HTTP ${response.status})`,
        response.status,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new RegistryError(`the token service ${url.host} answered something that is not JSON`);
    }
    const body = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    // Docker Hub sends both; the distribution spec names `token`, OAuth2 clients read `access_token`.
    const token =
      typeof body.token === 'string'
        ? body.token
        : typeof body.access_token === 'string'
          ? body.access_token
          : undefined;
    if (!token) throw new RegistryError(`the token service ${url.host} answered without a token`);
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    // Renew a little early so a token never expires between the index and the manifest request.
    const entry = { token, expiresAt: now + Math.max(0, lifetime - 10) * 1000 };
    this.tokens.set(key, entry);
    this.byRepository.set(`${host}/${repository}`, entry);
    return token;
  }
}
