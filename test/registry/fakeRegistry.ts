import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the lookup's deadline must end it). */
  hang?: boolean;
  /** Stream this many bytes in chunks without a Content-Length. */
  streamBytes?: number;
}

/**
 * A loopback HTTP server playing a registry for the error paths a real one will not produce on demand:
 * routes are `path → reply`; `bearer` makes every /v2/ route want a token from its own /token.
 */
export class FakeRegistry {
  readonly requests: string[] = [];
  readonly routes = new Map<string, FakeReply>();
  bearer = false;
  tokenReply: FakeReply | undefined;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  get host(): string {
    return `127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Serves a manifest under its tag and its digest; returns the digest. */
  manifest(repository: string, tag: string, manifest: object, mediaType: string): string {
    const body = JSON.stringify(manifest);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    for (const reference of [tag, digest])
      this.routes.set(`/v2/${repository}/manifests/${reference}`, { headers: { 'content-type': mediaType }, body });
    return digest;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const authorized = request.headers.authorization === 'Bearer good-token';
    this.requests.push(`${url.pathname}${url.search}${authorized ? ' (token)' : ''}`);
    if (url.pathname === '/token') {
      this.reply(
        response,
        this.tokenReply ?? {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: 'good-token', expires_in: 300 }),
        },
      );
      return;
    }
    if (this.bearer && !authorized) {
      const repository = /^\/v2\/(.+)\/manifests\//.exec(url.pathname)?.[1] ?? '';
      this.reply(response, {
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="http://${this.host}/token",service="fake",scope="repository:${repository}:pull"`,
        },
        body: '{"errors":[]}',
      });
      return;
    }
    this.reply(
      response,
      this.routes.get(url.pathname) ?? { status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}' },
    );
  }

  private reply(response: ServerResponse, reply: FakeReply): void {
    if (reply.hang) {
      this.hanging.add(response);
      return;
    }
    response.on('error', () => undefined);
    if (reply.streamBytes === undefined) {
      const body = Buffer.from(reply.body ?? '');
      response.writeHead(reply.status ?? 200, { ...reply.headers, 'content-length': String(body.length) });
      response.end(body);
      return;
    }
    response.writeHead(reply.status ?? 200, reply.headers);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = reply.streamBytes;
    const pump = (): void => {
      while (left > 0 && !response.destroyed) {
        left -= chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    pump();
  }
}
