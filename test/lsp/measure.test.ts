import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';

type Lens = { range: { start: { line: number } }; command: { title: string; command: string } };

const text = 'FROM debian:bookworm-slim\nRUN head -c 2000000 /dev/urandom > /blob\nRUN rm /blob\n';

describe('Build and Measure over LSP', function () {
  let client: LspClient;
  let dir: string;

  before(async () => {
    client = new LspClient();
    await client.initialize();
    dir = mkdtempSync(join(tmpdir(), 'layerlens-lsp-measure-'));
  });
  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const lenses = async (uri: string) =>
    (await client.connection.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } }))
      .filter((lens) => /measure/i.test(lens.command.title + lens.command.command))
      .map((lens) => [lens.range.start.line, lens.command.title]);

  it('shows a measurement the client restores, and marks it stale once the text changes', async () => {
    const uri = pathToFileURL(join(dir, 'restored.Dockerfile')).href;
    await client.open(uri, text);
    await client.diagnostics(uri);
    assert.deepEqual(await lenses(uri), [[0, 'Build and Measure']]);
    await client.connection.sendNotification('layerlens/measured', {
      uri,
      measurement: {
        textHash: createHash('sha256').update(text).digest('hex'),
        measuredAt: '2026-12-04T17:00:00.000Z',
        engine: 'buildah',
        image: 'localhost/layerlens-measure:0123456789ab',
        compressedBytes: 32_000_000,
        diskBytes: 77_000_000,
        base: { compressedBytes: 30_000_000, diskBytes: 75_000_000, layers: 1 },
        layers: [
          {
            line: 2,
            keyword: 'RUN',
            text: 'RUN head -c 2000000 /dev/urandom > /blob',
            compressedBytes: 2_000_700,
            diskBytes: 2_000_000,
            filesAdded: 1,
            filesChanged: 0,
            filesRemoved: 0,
          },
          {
            line: 3,
            keyword: 'RUN',
            text: 'RUN rm /blob',
            compressedBytes: 150,
            diskBytes: 0,
            filesAdded: 0,
            filesChanged: 0,
            filesRemoved: 1,
          },
        ],
        waste: [{ path: 'blob', bytes: 2_000_000, addedLine: 2, removedLine: 3, how: 'removed' }],
        wastedBytes: 2_000_000,
        efficiency: 1 - 2 / 77,
      },
    });
    const measured = await lenses(uri);
    assert.deepEqual(measured[0], [0, 'Measured: 77 MB on disk · 32 MB to pull · 2.0 MB wasted (97.4 % efficient)']);
    assert.equal(measured[1][0], 1);
    assert.match(String(measured[1][1]), /^\+2\.0 MB \(measured\) · estimate /);
    assert.deepEqual(measured[2], [2, '2.0 MB added by line 2 deleted or overwritten here (measured waste)']);

    await client.change(uri, 2, [{ text: `# a comment\n${text}` }]);
    await client.diagnostics(uri, (params) => params.version === 2);
    assert.deepEqual(await lenses(uri), [
      [1, 'Measured: 77 MB on disk · 32 MB to pull · 2.0 MB wasted (97.4 % efficient) (stale: the file changed since)'],
      [2, '+2.0 MB (measured), stale'],
    ]);
  });

  it('says which engines it supports when the chosen one does not work', async () => {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await client.open(uri, text);
    const response = await client.connection.sendRequest('layerlens/measure', {
      textDocument: { uri },
      engine: 'podman',
    });
    assert.deepEqual(response, {
      ok: false,
      reason:
        'podman does not work here (is it installed and on PATH?); LayerLens builds with docker, podman or buildah.',
    });
  });

  it('builds only the saved file', async () => {
    const file = join(dir, 'unsaved.Dockerfile');
    writeFileSync(file, 'FROM scratch\n');
    const uri = pathToFileURL(file).href;
    await client.open(uri, text);
    const response = await client.connection.sendRequest('layerlens/measure', { textDocument: { uri } });
    assert.deepEqual(response, { ok: false, reason: 'Save the Dockerfile first: LayerLens builds the file on disk.' });
  });
});
