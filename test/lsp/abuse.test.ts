// Issue #14's attack through the real server: hostile build contexts, inputs that hung or crashed the engine,
// fixes at the edges of a file and malformed requests. After each, the server must still answer: a hover on a
// healthy document's lens comes back within a bound.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol/node';
import { initShellParser } from '../../server/src/engine/document';
import { applyEdits } from '../../server/src/engine/edits';
import { buildModel } from '../../server/src/model/model';
import { LspClient } from './lspClient';

/** How long a request may take on a busy machine before the server counts as stuck. */
const boundMs = 10_000;

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${boundMs} ms`)), boundMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('language server under abuse (issue #14 cases)', function () {
  this.timeout(120_000);
  let client: LspClient;
  let root: string;
  let counter = 0;
  const healthy = 'file:///abuse/healthy/Dockerfile';

  /** A folder of its own for a Dockerfile, its files written by `setup`; returns the document's URI. */
  function project(text: string, setup: (dir: string) => void = () => undefined): string {
    const dir = join(root, `p${++counter}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'Dockerfile'), text);
    setup(dir);
    return pathToFileURL(join(dir, 'Dockerfile')).href;
  }

  /** Opens the document and waits for its diagnostics, within the bound. */
  async function openAndCheck(uri: string, text: string): Promise<Diagnostic[]> {
    await client.open(uri, text);
    return client.diagnostics(uri, () => true, boundMs);
  }

  const request = <T>(method: string, params: unknown) =>
    within(client.connection.sendRequest<T>(method, params), method);

  /** The server still answers: the size lens of a healthy document's FROM. */
  async function stillAnswers(): Promise<void> {
    const lenses = await request<unknown[]>('textDocument/codeLens', { textDocument: { uri: healthy } });
    assert.ok(lenses.length > 0, 'the healthy document has its size lens');
  }

  const internalErrors = (diagnostics: Diagnostic[]) =>
    diagnostics.filter((diagnostic) =>
      /internal error|failed on this file/.test(
        typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
      ),
    );

  before(async () => {
    await initShellParser();
    root = mkdtempSync(join(tmpdir(), 'layerlens-lsp-abuse-'));
    client = new LspClient();
    await client.initialize();
    client.settings = {};
    await openAndCheck(healthy, 'FROM node:22-slim\nUSER node\nCMD ["node", "server.js"]\n');
  });

  after(async () => {
    await client.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  afterEach(stillAnswers);

  const app = 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n';

  it('a FIFO .dockerignore: diagnostics, lenses and hover', async () => {
    const uri = project(app, (dir) => execFileSync('mkfifo', [join(dir, '.dockerignore')]));
    assert.deepEqual(internalErrors(await openAndCheck(uri, app)), []);
    await request('textDocument/codeLens', { textDocument: { uri } });
    await request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } });
  });

  it('a .dockerignore linked to /dev/zero, and one linked out of the context', async () => {
    const zero = project(app, (dir) => symlinkSync('/dev/zero', join(dir, '.dockerignore')));
    await openAndCheck(zero, app);
    await request('textDocument/codeLens', { textDocument: { uri: zero } });
    writeFileSync(join(root, 'outside-secret'), 'secret-line-from-outside\n');
    const outside = project(app, (dir) => symlinkSync(join(root, 'outside-secret'), join(dir, '.dockerignore')));
    const diagnostics = await openAndCheck(outside, app);
    const hover = await request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: outside },
      position: { line: 2, character: 2 },
    });
    assert.doesNotMatch(JSON.stringify([diagnostics, hover]), /secret-line-from-outside/);
  });

  it('a FIFO package.json and a Dockerfile.x linked to /dev/zero beside a convertible Dockerfile', async () => {
    const fixture = join(__dirname, '../fixtures/convert/node/npm');
    const text = readFileSync(join(fixture, 'Dockerfile'), 'utf8');
    const uri = project(text, (dir) => {
      cpSync(fixture, dir, { recursive: true });
      unlinkSync(join(dir, 'package.json'));
      execFileSync('mkfifo', [join(dir, 'package.json')]);
      symlinkSync('/dev/zero', join(dir, 'Dockerfile.x'));
    });
    await openAndCheck(uri, text);
    await request('textDocument/codeLens', { textDocument: { uri } });
    const answer = await request<{ ok: boolean } | null>('layerlens/convert', { textDocument: { uri } });
    assert.ok(answer, 'layerlens/convert answers');
  });

  it('globs built to backtrack: rm -rf /a*a*…b against a long COPY path, --exclude=**/**/… over a deep folder', async () => {
    const stars = `FROM debian:12\nCOPY x /${'a'.repeat(40)}\nRUN rm -rf /${'a*'.repeat(14)}b\n`;
    assert.deepEqual(internalErrors(await openAndCheck(project(stars), stars)), []);
    const exclude = `FROM debian:12\nCOPY --exclude=${'**/'.repeat(10)}b . /app\nCMD ["sh"]\n`;
    const uri = project(exclude, (dir) => {
      let deep = dir;
      for (let depth = 0; depth < 30; depth++) deep = join(deep, 'd');
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(deep, 'file'), 'x');
    });
    await openAndCheck(uri, exclude);
    await request('textDocument/codeLens', { textDocument: { uri } });
  });

  it('convert with pattern characters: USER (x+x+)+y with an almost-matching useradd, USER app(, COPY settings[.gradle', async () => {
    const texts = [
      `FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nRUN useradd ${'x'.repeat(30)}!\nUSER (x+x+)+y\nCMD ["python", "app.py"]\n`,
      'FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nUSER app(\nCMD ["python", "app.py"]\n',
      'FROM gradle:8-jdk21\nCOPY settings[.gradle ./\nCOPY . .\nRUN gradle build\nCMD ["java", "-jar", "build/libs/app.jar"]\n',
    ];
    for (const text of texts) {
      const uri = project(text, (dir) => writeFileSync(join(dir, 'requirements.txt'), 'flask\n'));
      assert.deepEqual(internalErrors(await openAndCheck(uri, text)), []);
      const answer = await request<{ ok: boolean; reason?: string } | null>('layerlens/convert', {
        textDocument: { uri },
      });
      assert.doesNotMatch(answer?.reason ?? '', /internal error/);
    }
  });

  it('one RUN of 80,000 `a;` and a COPY path of 40,000 segments: diagnostics, lenses and hover', async () => {
    const run = `FROM debian:12\nRUN ${'a;'.repeat(80_000)}\n`;
    const runUri = project(run);
    await openAndCheck(runUri, run);
    await request('textDocument/codeLens', { textDocument: { uri: runUri } });
    await request('textDocument/hover', { textDocument: { uri: runUri }, position: { line: 1, character: 1 } });
    const copy = `FROM debian:12\nCOPY . /${'s/'.repeat(40_000)}\n`;
    const copyUri = project(copy);
    await openAndCheck(copyUri, copy);
    await request('textDocument/codeLens', { textDocument: { uri: copyUri } });
  });

  it('the heredoc that crashed the parser: diagnostics without an internal error, code actions answered', async () => {
    const text = 'FROM alpine:3.20\nRUN <<"EOF""\nEOF\n';
    const uri = project(text);
    const diagnostics = await openAndCheck(uri, text);
    assert.deepEqual(internalErrors(diagnostics), []);
    await request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
      context: { diagnostics },
    });
  });

  /** The code action titled `title` for the diagnostic of `rule`, applied to `text`. */
  async function applyAction(uri: string, text: string, rule: string, title: string): Promise<string> {
    const diagnostics = await openAndCheck(uri, text);
    const diagnostic = diagnostics.find((candidate) => candidate.code === rule);
    assert.ok(diagnostic, `${rule} fires`);
    const actions = await request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const action = actions.find((candidate) => candidate.title === title);
    const edits =
      action?.edit?.changes?.[uri] ??
      action?.edit?.documentChanges?.flatMap((change) => ('edits' in change ? change.edits : []));
    assert.ok(edits, `"${title}" among ${JSON.stringify(actions.map((candidate) => candidate.title))}`);
    return applyEdits(text, edits as TextEdit[]);
  }

  it('fixes at the edges: the ignore comment after a BOM keeps the FROM; Add USER after a dangling escape and trailing comments is its own instruction', async () => {
    const bom = '\uFEFFFROM node:22\nCMD ["node", "server.js"]\n';
    const ignored = await applyAction(
      project(bom),
      bom,
      'no-user-in-final-stage',
      'Ignore no-user-in-final-stage for this instruction',
    );
    assert.deepEqual(
      buildModel(ignored).instructions.map((instruction) => instruction.keyword),
      ['FROM', 'CMD'],
    );
    const dangling = 'FROM node:22\nCMD ["node", "server.js"]\nRUN npm ci \\\n# a comment\n\n';
    const added = await applyAction(project(dangling), dangling, 'no-user-in-final-stage', 'Add USER node');
    assert.deepEqual(
      buildModel(added).instructions.map((instruction) => instruction.keyword),
      ['FROM', 'CMD', 'RUN', 'USER'],
    );
  });

  it('malformed requests get an error or an empty answer, and a garbled message is survived', async () => {
    const uri = project(app);
    await openAndCheck(uri, app);
    const settle = (promise: Promise<unknown>) =>
      within(
        promise.then(
          (value) => ({ value }),
          (error: unknown) => ({ error: String(error) }),
        ),
        'a malformed request',
      );
    await settle(client.connection.sendRequest('textDocument/hover', {}));
    await settle(client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: null }));
    await settle(
      client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: null, context: null }),
    );
    await settle(client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: 42 } }));
    await settle(client.connection.sendRequest('layerlens/convert', null));
    await settle(
      client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line: 1e9, character: -5 },
      }),
    );
    const unknown = await settle(client.connection.sendRequest('layerlens/noSuchMethod', {}));
    assert.ok('error' in unknown, 'an unknown method is an error');
    await client.change(uri, 2, [
      { range: { start: { line: 99, character: 99 }, end: { line: -1, character: 0 } }, text: 'x' },
    ]);
    // A frame whose body is not JSON, written straight to the server's input.
    const body = '{"jsonrpc": "2.0", "id": 9999, "method": ';
    client.process.stdin?.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
});
