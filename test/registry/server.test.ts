import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { mediaTypes } from '../../server/src/registry/manifest';
import type { ImageSizeEstimate } from '../../server/src/size/estimate';
import { FakeRegistry } from './fakeRegistry';

const serverPath = join(__dirname, '../../dist/server.js');
const sizes = [26_000_000, 3_100_000];

/** The built server over stdio, with the setting, trust flag and storage path the test chooses. */
class Session {
  readonly connection: ProtocolConnection;
  private readonly child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  private refreshes = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly settings: object) {
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout),
      new StreamMessageWriter(this.child.stdin),
    );
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => this.settings),
    );
    this.connection.onRequest('workspace/codeLens/refresh', () => {
      this.refreshes++;
      for (const wake of this.waiters.splice(0)) wake();
      return null;
    });
    this.connection.onNotification('textDocument/publishDiagnostics', () => undefined);
    this.connection.listen();
  }

  async start(initializationOptions: object): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      initializationOptions,
      capabilities: { workspace: { configuration: true, codeLens: { refreshSupport: true } } },
    });
    await this.connection.sendNotification('initialized', {});
  }

  /** Resolves at the next workspace/codeLens/refresh (the server's "sizes changed"). */
  nextRefresh(): Promise<void> {
    const seen = this.refreshes;
    return new Promise((resolve) => (this.refreshes > seen ? resolve() : this.waiters.push(resolve)));
  }

  async base(uri: string): Promise<{ compressedBytes: number | null; confidence: string; notes: string[] }> {
    const estimate = await this.connection.sendRequest<ImageSizeEstimate | null>('layerlens/imageSize', {
      textDocument: { uri },
    });
    assert.ok(estimate);
    const { base } = estimate.stages[0];
    return { compressedBytes: base.compressedBytes, confidence: base.confidence, notes: base.notes };
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      this.child.kill();
    }
  }
}

describe('registry: language server wiring (built server, loopback fake registry)', function () {
  let registry: FakeRegistry;
  before(function () {
    if (!existsSync(serverPath)) {
      console.log('    skipped: dist/server.js missing (npm run build)');
      this.skip();
    }
  });
  beforeEach(async () => {
    registry = await new FakeRegistry().start();
    registry.bearer = true;
    registry.manifest(
      'team/app',
      'v1',
      {
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        config: { digest: `sha256:${'c'.repeat(64)}`, size: 1 },
        layers: sizes.map((size, n) => ({ digest: `sha256:${String(n).repeat(64)}`, size })),
      },
      mediaTypes.ociManifest,
    );
  });
  afterEach(() => registry.stop());

  const uri = 'untitled:Dockerfile';
  const dockerfile = () => `FROM ${registry.host}/team/app:v1\nRUN echo hi\n`;
  const exact = () => ({
    compressedBytes: sizes[0] + sizes[1],
    confidence: 'exact',
    notes: [`pull size from the registry: 2 layers of ${registry.host}/team/app:v1`, 'on disk ≈ 2.4× (rule of thumb)'],
  });
  const notYet = (note?: string) => ({
    compressedBytes: null,
    confidence: 'unknown',
    notes: [
      `no size data for ${registry.host}/team/app:v1 or another version of the same variant`,
      ...(note ? [note] : []),
    ],
  });

  it('looks up in the background, refreshes lenses, then answers exact; caches under the storage path', async () => {
    const storagePath = mkdtempSync(join(tmpdir(), 'layerlens-storage-'));
    const session = new Session({ registry: { lookup: true } });
    try {
      await session.start({ storagePath, workspaceTrusted: true });
      await session.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'dockerfile', version: 1, text: dockerfile() },
      });
      const refreshed = session.nextRefresh();
      assert.deepEqual(await session.base(uri), notYet('registry lookup under way'));
      await refreshed;
      assert.deepEqual(await session.base(uri), exact());
      assert.deepEqual(readdirSync(join(storagePath, 'registry')).length, 1);
    } finally {
      await session.stop();
    }
  });

  it('looks nothing up off or untrusted, until trust is granted', async () => {
    const off = new Session({});
    const untrusted = new Session({ registry: { lookup: true } });
    try {
      await off.start({ workspaceTrusted: true });
      await untrusted.start({ workspaceTrusted: false });
      for (const session of [off, untrusted]) {
        await session.connection.sendNotification('textDocument/didOpen', {
          textDocument: { uri, languageId: 'dockerfile', version: 1, text: dockerfile() },
        });
        assert.deepEqual(await session.base(uri), notYet());
      }
      assert.deepEqual(registry.requests, []);
      const refreshed = untrusted.nextRefresh();
      await untrusted.connection.sendNotification('layerlens/workspaceTrusted');
      await refreshed;
      const lookupDone = untrusted.nextRefresh();
      assert.deepEqual(await untrusted.base(uri), notYet('registry lookup under way'));
      await lookupDone;
      assert.deepEqual(await untrusted.base(uri), exact());
    } finally {
      await off.stop();
      await untrusted.stop();
    }
  });
});
