import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { toolsBin } from './tools';

/** The Debian tools these tests drive; `scripts/registry-tools.sh` extracts them into `toolsBin`. */
export const requiredTools = ['docker-registry', 'skopeo', 'umoci', 'openssl'];

/** Children find the extracted tools first, then the machine's (openssl, or tools a developer installed). */
const toolEnv = { ...process.env, PATH: `${toolsBin}${delimiter}${process.env.PATH ?? ''}` };

export function missingTools(): string[] {
  return requiredTools.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8', env: toolEnv }).status !== 0,
  );
}

export function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: toolEnv });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
}

/** `docker-registry serve` (distribution 2.8) on a free loopback port, storing under `storageDir`. */
export class RealRegistry {
  private child: ChildProcess | undefined;
  private log = '';
  host = '';

  async start(workDir: string, name: string, storageDir: string, auth?: TokenAuth): Promise<this> {
    const port = await freePort();
    this.host = `127.0.0.1:${port}`;
    const config = join(workDir, `${name}.yml`);
    const authBlock = auth
      ? `auth:\n  token:\n    realm: ${auth.realm}\n    service: ${auth.service}\n    issuer: ${auth.issuer}\n    rootcertbundle: ${auth.rootCertBundle}\n`
      : '';
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${storageDir}\nhttp:\n  addr: ${this.host}\n${authBlock}`,
    );
    this.child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'], env: toolEnv });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    // Poll until it answers /v2/ (200 open, 401 with token auth); bounded to about 10 s.
    for (let attempt = 0; attempt < 200; attempt++) {
      if (this.child.exitCode !== null) break;
      const status = await fetch(`http://${this.host}/v2/`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200 || status === 401) return this;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.stop();
    throw new Error(`docker-registry did not start on ${this.host}: ${this.log}`);
  }

  stop(): void {
    this.child?.kill();
    this.child = undefined;
  }
}

/**
 * A token service as Docker Hub's: anonymous GET /token?service=…&scope=repository:NAME:pull answers a
 * JWT signed with a throw-away key whose self-signed certificate is the registry's root bundle.
 * Repositories in `denied` get a token without access (the registry then refuses it).
 */
export class TokenServer {
  readonly requests: string[] = [];
  readonly denied = new Set<string>();
  private server: Server | undefined;
  private key!: ReturnType<typeof createPrivateKey>;
  private certificate = '';
  auth!: TokenAuth;

  async start(workDir: string): Promise<this> {
    const keyFile = join(workDir, 'token.key');
    const certFile = join(workDir, 'token.crt');
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=layerlens-test-token',
      '-days',
      '1',
    ]);
    this.key = createPrivateKey(readFileSync(keyFile));
    this.certificate = new X509Certificate(readFileSync(certFile)).raw.toString('base64');
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://token');
      this.requests.push(`${url.pathname}${url.search}`);
      const scope = url.searchParams.get('scope') ?? '';
      const [, name = '', actions = ''] = /^repository:([^:]+):(.+)$/.exec(scope) ?? [];
      const access =
        name && !this.denied.has(name)
          ? [{ type: 'repository', name, actions: actions.split(',').filter((action) => action === 'pull') }]
          : [];
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token: this.jwt(url.searchParams.get('service') ?? '', access), expires_in: 300 }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.auth = {
      realm: `http://127.0.0.1:${port}/token`,
      service: 'layerlens-test-registry',
      issuer: 'layerlens-test-issuer',
      rootCertBundle: certFile,
    };
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private jwt(audience: string, access: object[]): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ typ: 'JWT', alg: 'RS256', x5c: [this.certificate] });
    const claims = encode({
      iss: this.auth.issuer,
      sub: '',
      aud: audience,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), this.key).toString('base64url');
    return `${header}.${claims}.${signature}`;
  }
}

export interface LayoutImage {
  tag: string;
  manifestDigest: string;
  compressedBytes: number;
  layers: number;
}

/**
 * An OCI layout made with umoci: one image per architecture, each with a layer of incompressible
 * bytes of a different size, and an image index (`multi`) over them written by hand (umoci makes no
 * indexes). Sizes come from the layout's own manifests: they are what the registry must report.
 */
export function buildLayout(workDir: string): {
  layout: string;
  images: Record<'amd64' | 'arm64', LayoutImage>;
  index: { tag: string; digest: string };
} {
  const layout = join(workDir, 'layout');
  run('umoci', ['init', '--layout', layout]);
  const images = {} as Record<'amd64' | 'arm64', LayoutImage>;
  for (const [architecture, bytes] of [
    ['amd64', 300_000],
    ['arm64', 200_000],
  ] as const) {
    run('umoci', ['new', '--image', `${layout}:${architecture}`]);
    run('umoci', ['config', '--image', `${layout}:${architecture}`, '--architecture', architecture, '--os', 'linux']);
    const content = join(workDir, `content-${architecture}`);
    run('mkdir', ['-p', content]);
    writeFileSync(join(content, 'payload.bin'), randomBytes(bytes));
    run('umoci', ['insert', '--image', `${layout}:${architecture}`, content, '/opt/payload']);
    images[architecture] = describeTag(layout, architecture);
  }
  const indexBody = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: (['amd64', 'arm64'] as const).map((architecture) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: images[architecture].manifestDigest,
      size: blob(layout, images[architecture].manifestDigest).length,
      platform: { os: 'linux', architecture, ...(architecture === 'arm64' ? { variant: 'v8' } : {}) },
    })),
  });
  const indexDigest = `sha256:${createHash('sha256').update(indexBody).digest('hex')}`;
  writeFileSync(join(layout, 'blobs/sha256', indexDigest.slice('sha256:'.length)), indexBody);
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: object[] };
  top.manifests.push({
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: indexDigest,
    size: indexBody.length,
    annotations: { 'org.opencontainers.image.ref.name': 'multi' },
  });
  writeFileSync(join(layout, 'index.json'), JSON.stringify(top));
  return { layout, images, index: { tag: 'multi', digest: indexDigest } };
}

function blob(layout: string, digest: string): Buffer {
  return readFileSync(join(layout, 'blobs/sha256', digest.slice('sha256:'.length)));
}

function describeTag(layout: string, tag: string): LayoutImage {
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = top.manifests.find((manifest) => manifest.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new Error(`no ${tag} in the layout`);
  const manifest = JSON.parse(blob(layout, entry.digest).toString('utf8')) as { layers: { size: number }[] };
  return {
    tag,
    manifestDigest: entry.digest,
    compressedBytes: manifest.layers.reduce((sum, layer) => sum + layer.size, 0),
    layers: manifest.layers.length,
  };
}
