import assert from 'node:assert/strict';
import type {
  CodeAction,
  Diagnostic,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyEdits } from '../../server/src/engine/edits';
import { rules } from '../../server/src/rules';
import { LspClient } from './lspClient';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const nodeApp = 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n';

/** Settings that leave only the seed rules on, so these protocol tests do not move with the catalogue. */
const seedRules = ['single-stage-build', 'no-user-in-final-stage', 'cleanup-in-later-layer'];
function focused(overrides: Record<string, string> = {}): Record<string, unknown> {
  const ruleSettings: Record<string, string> = {};
  for (const rule of rules) if (!seedRules.includes(rule.meta.name)) ruleSettings[rule.meta.name] = 'off';
  return { rules: { ...ruleSettings, ...overrides } };
}

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code)).sort();
}

describe('language server over stdio', function () {
  let client: LspClient;
  let counter = 0;
  const nextUri = () => `file:///work/project${++counter}/Dockerfile`;

  before(async () => {
    client = new LspClient();
    const result = await client.initialize();
    assert.deepEqual(
      {
        sync: result.capabilities.textDocumentSync,
        codeActions: result.capabilities.codeActionProvider,
        hover: result.capabilities.hoverProvider,
        name: result.serverInfo?.name,
      },
      { sync: 2, codeActions: { codeActionKinds: ['quickfix'] }, hover: true, name: 'layerlens' },
    );
  });

  after(() => client.shutdown());

  beforeEach(() => {
    client.settings = focused();
  });

  it('publishes diagnostics on open with code, docs link and source', async () => {
    const uri = nextUri();
    await client.open(uri, nodeApp);
    const diagnostics = await client.diagnostics(uri);
    assert.deepEqual(
      diagnostics.map((diagnostic) => ({
        code: diagnostic.code,
        href: diagnostic.codeDescription?.href,
        source: diagnostic.source,
        severity: diagnostic.severity,
        line: diagnostic.range.start.line,
      })),
      [
        {
          code: 'no-user-in-final-stage',
          href: 'https://github.com/layerlens/layerlens/blob/main/docs/rules/no-user-in-final-stage.md',
          source: 'layerlens',
          severity: 2,
          line: 0,
        },
        {
          code: 'single-stage-build',
          href: 'https://github.com/layerlens/layerlens/blob/main/docs/rules/single-stage-build.md',
          source: 'layerlens',
          severity: 2,
          line: 3,
        },
      ],
    );
  });

  it('updates diagnostics on incremental changes and publishes only the newest version', async () => {
    const uri = nextUri();
    await client.open(uri, 'FROM debian:12\nRUN apt-get update\nUSER nobody\n');
    assert.deepEqual(codes(await client.diagnostics(uri)), []);
    // Several quick edits: the debounce must drop the stale ones and publish version 4.
    await client.change(uri, 2, [
      {
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
        text: 'RUN rm -rf /var/lib/apt/lists/*\n',
      },
    ]);
    await client.change(uri, 3, [
      { range: { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } }, text: ' ' },
    ]);
    await client.change(uri, 4, [
      { range: { start: { line: 2, character: 4 }, end: { line: 2, character: 5 } }, text: '' },
    ]);
    const diagnostics = await client.diagnostics(uri, (params) => params.version === 4);
    assert.deepEqual(codes(diagnostics), ['cleanup-in-later-layer']);
    assert.deepEqual(diagnostics[0].range, { start: { line: 2, character: 4 }, end: { line: 2, character: 31 } });
  });

  it('returns a quick fix whose edit removes its diagnostic', async () => {
    const uri = nextUri();
    const text =
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\nUSER nobody\n';
    await client.open(uri, text);
    const [diagnostic] = await client.diagnostics(uri, (params) => params.diagnostics.length > 0);
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    assert.deepEqual(
      actions.map((action) => action.title),
      [
        'Move the cleanup into the RUN on line 2',
        'Ignore cleanup-in-later-layer for this instruction',
        'Show documentation for cleanup-in-later-layer',
      ],
    );
    const edits = actions[0].edit?.changes?.[uri] as TextEdit[];
    const fixed = applyEdits(text, edits);
    assert.equal(
      fixed,
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
    );
    await client.change(uri, 2, [{ text: fixed }]);
    assert.deepEqual(codes(await client.diagnostics(uri, (params) => params.version === 2)), []);
  });

  it('honours suppression comments, and offers to insert one', async () => {
    const uri = nextUri();
    const text = 'FROM node:22\nRUN npm run build\nCMD ["node", "dist/index.js"]\n';
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri);
    const build = diagnostics.find((diagnostic) => diagnostic.code === 'single-stage-build');
    assert.ok(build);
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: build.range,
      context: { diagnostics: [build] },
    });
    const ignore = actions.find((action) => action.title === 'Ignore single-stage-build for this instruction');
    const suppressed = applyEdits(text, ignore?.edit?.changes?.[uri] as TextEdit[]);
    assert.equal(
      suppressed,
      'FROM node:22\n# layerlens ignore=single-stage-build\nRUN npm run build\nCMD ["node", "dist/index.js"]\n',
    );
    await client.change(uri, 2, [{ text: `# layerlens global ignore=no-user-in-final-stage\n${suppressed}` }]);
    assert.deepEqual(codes(await client.diagnostics(uri, (params) => params.version === 2)), []);
  });

  it('pulls settings per document and refreshes them on change', async () => {
    const uri = nextUri();
    await client.open(uri, nodeApp);
    assert.deepEqual(codes(await client.diagnostics(uri)), ['no-user-in-final-stage', 'single-stage-build']);
    client.settings = focused({ 'single-stage-build': 'off', 'no-user-in-final-stage': 'error' });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const refreshed = await client.diagnostics(uri, (params) => params.diagnostics.length === 1);
    assert.deepEqual(
      refreshed.map((diagnostic) => [diagnostic.code, diagnostic.severity]),
      [['no-user-in-final-stage', 1]],
    );
    client.settings = { ...focused(), enable: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(await client.diagnostics(uri, (params) => params.diagnostics.length === 0), []);
  });

  it('warns once about an unknown rule name in layerlens.rules, naming the closest rule', async () => {
    client.settings = focused({ 'single-stage-bild': 'off' });
    const [first, second] = [nextUri(), nextUri()];
    await client.open(first, nodeApp);
    await client.open(second, nodeApp);
    await client.diagnostics(first);
    await client.diagnostics(second);
    const warning = {
      type: 2,
      message: 'LayerLens: Unknown rule "single-stage-bild" in layerlens.rules; did you mean "single-stage-build"?',
    };
    const shown = await client.messages((messages) => messages.some((message) => message.message === warning.message));
    assert.deepEqual(
      shown.filter((message) => message.message.includes('single-stage-bild')),
      [warning],
    );
  });

  it('checks layerlens.sizeBudget on the shipped FROM, and follows the setting when it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlens-lsp-budget-'));
    const uri = pathToFileURL(join(dir, 'Dockerfile')).href;
    client.settings = { ...focused(), sizeBudget: '10MB' };
    await client.open(uri, 'FROM debian:bookworm-slim\nUSER nobody\nCMD ["sh"]\n');
    const isBudget = (diagnostic: Diagnostic) => diagnostic.code === 'size-budget';
    const [over] = (await client.diagnostics(uri, (params) => params.diagnostics.some(isBudget))).filter(isBudget);
    assert.deepEqual(
      { severity: over.severity, message: over.message, line: over.range.start.line },
      {
        severity: 1,
        message: 'The shipped image is over its 10 MB budget: ≈ 68 MB (56–77) on disk.',
        line: 0,
      },
    );
    // The diagnostic says what is wrong; the hover there has the whole message, where the budget came from too.
    const hover = await client.connection.sendRequest<{ contents: { kind: string; value: string } } | null>(
      'textDocument/hover',
      { textDocument: { uri }, position: { line: 0, character: 1 } },
    );
    assert.ok(
      hover?.contents.value.endsWith(
        '**size-budget**: The shipped image is over its 10 MB budget: ≈ 68 MB (56–77) on disk. Budget set by layerlens.sizeBudget.',
      ),
      hover?.contents.value,
    );
    client.settings = { ...focused(), sizeBudget: '1GB' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(await client.diagnostics(uri, (params) => !params.diagnostics.some(isBudget)), []);
    client.settings = { ...focused(), sizeBudget: 'ten megs' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const problem = 'LayerLens: layerlens.sizeBudget "ten megs" is not a size: write it like 200MB or 1.5GB.';
    await client.messages((messages) => messages.some((message) => message.message === problem));
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows "+N MB since HEAD" on the shipped FROM of a file in a git repository, as size --diff HEAD says', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'layerlens-lsp-head-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: repo });
    git('init', '-q');
    writeFileSync(join(repo, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY app.bin /app\nCMD ["/app"]\n');
    writeFileSync(join(repo, 'app.bin'), randomBytes(1_000_000));
    git('add', '-A');
    git('commit', '-qm', 'one');
    const edited =
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*\nCOPY app.bin /app\nCMD ["/app"]\n';
    // The same text on disk, so the CLI's --diff compares the same two versions the editor has.
    writeFileSync(join(repo, 'Dockerfile'), edited);
    const cli = spawnSync(
      process.execPath,
      [join(__dirname, '../../bin/layerlens.js'), 'size', 'Dockerfile', '--diff', 'HEAD', '--json'],
      { cwd: repo, encoding: 'utf8' },
    );
    const expected = (JSON.parse(cli.stdout) as { shipped: { diskDelta: number } }).shipped.diskDelta;
    assert.ok(expected > 20e6, String(expected));
    const uri = pathToFileURL(join(repo, 'Dockerfile')).href;
    await client.open(uri, edited);
    await client.diagnostics(uri);
    type Lens = { range: { start: { line: number } }; command: { title: string } };
    const deadline = Date.now() + 20_000;
    let since: Lens[] = [];
    // The HEAD estimate is made after a lens request returns: ask again until it is there (poll, bounded).
    while (since.length === 0 && Date.now() < deadline) {
      const lenses = await client.connection.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      since = lenses.filter((lens) => lens.command.title.includes('since HEAD'));
      if (since.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(
      since.map((lens) => ({ line: lens.range.start.line, title: lens.command.title })),
      [{ line: 0, title: `+${Math.round(expected / 1e6)} MB since HEAD` }],
    );
    rmSync(repo, { recursive: true, force: true });
  });

  it('shows size lenses on each FROM of a two-stage file and answers layerlens/imageSize', async () => {
    const uri = nextUri();
    const text =
      'FROM golang:1.23 AS build\nRUN go build -o /app .\n\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /app /app\nCMD ["/app"]\n';
    await client.open(uri, text);
    await client.diagnostics(uri);
    const lenses = await client.connection.sendRequest<
      Array<{ range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }>
    >('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((lens) => ({
        line: lens.range.start.line,
        title: lens.command.title.replace(/\d+(\.\d)? (MB|kB)/g, 'N').replace(/\(\d+(\.\d)?–\d+(\.\d)?\)/g, '(N–N)'),
        command: lens.command.command,
        args: lens.command.arguments,
      })),
      [
        {
          line: 0,
          title: 'build stage ≥ N · not shipped',
          command: 'layerlens.showSizeBreakdown',
          args: [uri, 0],
        },
        {
          line: 3,
          title: 'LayerLens: ≈ N (N–N) on disk · N (N–N) to pull (base N + N in 2 layers)',
          command: 'layerlens.showSizeBreakdown',
          args: [uri, 1],
        },
        { line: 4, title: '+N (N–N) (data)', command: 'layerlens.showSizeBreakdown', args: [uri, 1] },
        { line: 5, title: '+N (N–N) (estimate)', command: 'layerlens.showSizeBreakdown', args: [uri, 1] },
        { line: 3, title: 'Build and Measure', command: 'layerlens.buildAndMeasure', args: [uri] },
      ],
    );
    const size = await client.connection.sendRequest<{
      stages: Array<{
        name: string | null;
        shipped: boolean;
        layers: Array<{ line: number; confidence: string; diskBytes: number | null }>;
      }>;
    }>('layerlens/imageSize', { textDocument: { uri } });
    assert.deepEqual(
      size.stages.map((stage) => ({
        name: stage.name,
        shipped: stage.shipped,
        layers: stage.layers.map((layer) => [layer.line, layer.confidence, layer.diskBytes === null]),
      })),
      [
        { name: 'build', shipped: false, layers: [[2, 'unknown', true]] },
        {
          name: null,
          shipped: true,
          layers: [
            [5, 'data', false],
            [6, 'estimate', false],
          ],
        },
      ],
    );
    const curl = size.stages[1].layers[0].diskBytes ?? 0;
    assert.ok(
      curl > 10e6 && curl < 60e6,
      `curl with its dependencies on bookworm-slim should add 10–60 MB, got ${curl}`,
    );
    assert.equal(
      await client.connection.sendRequest('layerlens/imageSize', {
        textDocument: { uri: 'file:///nowhere/Dockerfile' },
      }),
      null,
    );
  });

  it('keeps the size lens while a save re-reads the build context (no "0 layers" flicker)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlens-lsp-save-'));
    try {
      const path = join(dir, 'Dockerfile');
      const text = 'FROM debian:bookworm-slim\nCOPY . /app\nCMD ["/app/run"]\n';
      writeFileSync(path, text);
      writeFileSync(join(dir, 'payload.bin'), Buffer.alloc(50_000, 1));
      const uri = pathToFileURL(path).href;
      await client.open(uri, text);
      await client.diagnostics(uri);
      const fromLens = async () => {
        const lenses = await client.connection.sendRequest<
          Array<{ range: { start: { line: number } }; command: { title: string } }>
        >('textDocument/codeLens', { textDocument: { uri } });
        return lenses.find((lens) => lens.range.start.line === 0)?.command.title ?? '';
      };
      // The first lens starts the walk of the build context; poll until the COPY is measured.
      const deadline = Date.now() + 10_000;
      let measured = await fromLens();
      while (measured.includes('unknown') && Date.now() < deadline) measured = await fromLens();
      assert.match(measured, /in 1 layer\)$/);
      // A save: the client reports the Dockerfile changed on disk, which drops the context's index.
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
      assert.equal(await fromLens(), measured, 'the lens during the new walk');
      let after = await fromLens();
      while (after !== measured && Date.now() < deadline) after = await fromLens();
      assert.equal(after, measured, 'the lens after the new walk');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers layerlens/sizeStatus for the status bar, and says when sizes change without an edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlens-lsp-status-'));
    let sizesChanged = 0;
    const listener = client.connection.onNotification('layerlens/sizesChanged', () => {
      sizesChanged++;
    });
    try {
      const path = join(dir, 'Dockerfile');
      const text =
        'FROM golang:1.23 AS build\nRUN go build -o /app .\n\nFROM debian:bookworm-slim\nCOPY . /srv\nCMD ["/app"]\n';
      writeFileSync(path, text);
      writeFileSync(join(dir, 'payload.bin'), Buffer.alloc(3_000_000, 1));
      const uri = pathToFileURL(path).href;
      await client.open(uri, text);
      await client.diagnostics(uri);
      type Status = { text: string; tooltip: string; stage: number; fromLine: number } | null;
      const status = () => client.connection.sendRequest<Status>('layerlens/sizeStatus', { textDocument: { uri } });
      const shape = (reply: Status) =>
        reply && {
          ...reply,
          text: reply.text.replace(/\d+(\.\d)? (MB|kB)/g, 'N').replace(/\(\d+(\.\d)?–\d+(\.\d)?\)/g, '(N–N)'),
          tooltip: reply.tooltip
            .replace(/\d+(\.\d)? (MB|kB)/g, 'N')
            .replace(/\(\d+(\.\d)?–\d+(\.\d)?\)/g, '(N–N)')
            .split('\n'),
        };
      // The first request starts the walk of the build context; its end is announced, then the COPY is known.
      const deadline = Date.now() + 10_000;
      let answer = await status();
      while ((sizesChanged === 0 || answer?.text.startsWith('≥')) && Date.now() < deadline) answer = await status();
      assert.ok(sizesChanged > 0, 'layerlens/sizesChanged after the build context was read');
      assert.deepEqual(shape(answer), {
        text: '≈ N (N–N)',
        tooltip: [
          '**LayerLens: shipped image, stage 1**',
          '',
          '≈ N (N–N) on disk · N (N–N) to pull (base N + N in 1 layer)',
          '',
          'How sure: base `debian:bookworm-slim` from data; layers: 1 measured. An interval is where the true size lay for about nine figures in ten measured with the same method.',
          '',
          '- stage 0 (build): ≥ N on disk · not shipped',
          '',
          'Click for the breakdown by layer.',
        ],
        stage: 1,
        fromLine: 3,
      });
      assert.equal(
        await client.connection.sendRequest('layerlens/sizeStatus', {
          textDocument: { uri: 'file:///nowhere/Dockerfile' },
        }),
        null,
      );
    } finally {
      listener.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers hovers on FROM and RUN with the size breakdown and its sources, null elsewhere', async () => {
    const uri = nextUri();
    await client.open(
      uri,
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nRUN make\n',
    );
    await client.diagnostics(uri);
    type HoverReply = {
      contents: { kind: string; value: string };
      range: { start: { line: number; character: number }; end: { line: number; character: number } };
    } | null;
    const hover = (line: number, character: number) =>
      client.connection.sendRequest<HoverReply>('textDocument/hover', {
        textDocument: { uri },
        position: { line, character },
      });
    const [from, run, unknown, elsewhere] = [
      await hover(0, 1),
      await hover(1, 1),
      await hover(2, 1),
      await hover(1, 20),
    ];
    const shape = (reply: HoverReply) =>
      reply && {
        kind: reply.contents.kind,
        range: reply.range,
        lines: reply.contents.value
          .replace(/\d+(\.\d)? (MB|kB)/g, 'N')
          .replace(/\(\d+(\.\d)?–\d+(\.\d)?\)/g, '(N–N)')
          .replace(/image built [^)]+/, 'image built D')
          .split('\n'),
      };
    assert.deepEqual(
      [shape(from)?.lines.slice(0, 5), shape(run)?.range, shape(unknown)?.lines[0], elsewhere],
      [
        [
          '**LayerLens: stage 0, shipped**',
          '',
          '≥ N on disk · ≥ N to pull (base N + N in 1 layer, 1 unknown)',
          '',
          '- base `debian:bookworm-slim`: N (N–N) on disk · N (N–N) to pull (from data; pull size from docker-library/repo-info (image built D); on disk ≈ 2.4× (rule of thumb))',
        ],
        { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
        '**LayerLens: this layer adds an unknown size** (unknown)',
        null,
      ],
    );
    assert.match(
      shape(run)?.lines.join('\n') ?? '',
      /^\*\*LayerLens: this layer adds N \(N–N\) on disk · N \(N–N\) to pull\*\* \(from data\)\n\n- apt: \d+ packages from Debian bookworm's index/,
    );
  });

  it('shows the Convert lens on the start commands it used to refuse (bare name on PATH, sh -c, Node without a build)', async () => {
    const titles: Record<string, string | undefined> = {};
    for (const fixture of ['go/bare-name-on-path', 'java/sh-c-java-opts', 'node/plain-no-build']) {
      const dir = mkdtempSync(join(tmpdir(), 'layerlens-lsp-convert-'));
      cpSync(join(__dirname, '../fixtures/convert', fixture), dir, { recursive: true });
      const uri = pathToFileURL(join(dir, 'Dockerfile')).href;
      await client.open(uri, readFileSync(join(dir, 'Dockerfile'), 'utf8'));
      await client.diagnostics(uri);
      const lenses = await client.connection.sendRequest<Array<{ command: { title: string; command: string } }>>(
        'textDocument/codeLens',
        { textDocument: { uri } },
      );
      const lens = lenses.find((candidate) => candidate.command.command === 'layerlens.convertToMultiStage');
      titles[fixture] = lens?.command.title.replace(/ \(.*\)$/, '');
    }
    assert.deepEqual(titles, {
      'go/bare-name-on-path': 'Convert to multi-stage build',
      'java/sh-c-java-opts': 'Convert to multi-stage build',
      'node/plain-no-build': 'Convert to multi-stage build',
    });
  });

  it('converts a single-stage file: lens, split quick fix and layerlens/convert give one annotated edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlens-lsp-convert-'));
    cpSync(join(__dirname, '../fixtures/convert/node/npm'), dir, { recursive: true });
    const uri = pathToFileURL(join(dir, 'Dockerfile')).href;
    // node:22 rather than the fixture's node:22-bookworm: the size data knows that tag, so the titles quote sizes.
    const text = readFileSync(join(dir, 'Dockerfile'), 'utf8').replace('node:22-bookworm', 'node:22');
    const expected = readFileSync(join(dir, 'expected.Dockerfile'), 'utf8')
      .replace('node:22-bookworm-slim', 'node:22-slim')
      .replace('node:22-bookworm', 'node:22');
    await client.open(uri, text);
    const diagnostic = (await client.diagnostics(uri)).find((candidate) => candidate.code === 'single-stage-build');
    assert.ok(diagnostic, 'single-stage-build fires');
    // Sizes move with the data (and are lower bounds while npm installs are unknown): only their shape is checked.
    const sized = (title: string) => title.replace(/[≈≥] \d+(\.\d)? (MB|GB|kB)/g, 'N');

    const lenses = await client.connection.sendRequest<
      Array<{ command: { title: string; command: string; arguments: unknown[] } }>
    >('textDocument/codeLens', { textDocument: { uri } });
    const lens = lenses.find((candidate) => candidate.command.command === 'layerlens.convertToMultiStage');
    assert.deepEqual(lens && { title: sized(lens.command.title), args: lens.command.arguments }, {
      title: 'Convert to multi-stage build (N → N on disk)',
      args: [uri],
    });

    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const split = actions.find((action) => action.title.startsWith('Split into build and runtime stages'));
    assert.equal(split && sized(split.title), 'Split into build and runtime stages (N → N on disk)');
    const response = await client.connection.sendRequest<{
      ok: boolean;
      edit: WorkspaceEdit;
      messages: string[];
      sizeChange: string;
    }>('layerlens/convert', { textDocument: { uri } });
    for (const edit of [split?.edit, response.edit]) {
      const change = edit?.documentChanges?.[0] as TextDocumentEdit;
      assert.deepEqual(
        {
          uri: change.textDocument.uri,
          version: change.textDocument.version,
          annotation: edit?.changeAnnotations?.['layerlens.convert.confirm']?.needsConfirmation,
        },
        { uri, version: 1, annotation: true },
      );
      assert.equal(applyEdits(text, change.edits as TextEdit[]), expected);
    }
    assert.deepEqual(
      { ok: response.ok, notes: response.messages.length > 0, size: sized(response.sizeChange) },
      { ok: true, notes: true, size: 'N → N on disk' },
    );

    await client.change(uri, 2, [{ text: 'FROM node:22\nCMD ["node", "server.js"]\n' }]);
    await client.diagnostics(uri, (params) => params.version === 2);
    assert.deepEqual(await client.connection.sendRequest('layerlens/convert', { textDocument: { uri } }), {
      ok: false,
      reason: 'No npm ci / npm install / yarn / pnpm install found: nothing to separate.',
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers [] for code actions on an unknown document', async () => {
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'file:///nowhere/Dockerfile' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
  });

  it('survives binary, huge and malformed input with a clear diagnostic', async () => {
    const binary = nextUri();
    await client.open(binary, '\u0000\u0001\u0002ELF\u0000\u0000junk');
    assert.deepEqual(
      (await client.diagnostics(binary)).map((diagnostic) => [diagnostic.code, diagnostic.message]),
      [['input', 'This file looks binary, not like a Dockerfile: it is not checked.']],
    );

    const huge = nextUri();
    await client.open(huge, `FROM debian:12\n${'RUN echo layer\n'.repeat(200_000)}`);
    assert.deepEqual(
      (await client.diagnostics(huge)).map((diagnostic) => diagnostic.code),
      ['input'],
    );

    const broken = nextUri();
    await client.open(broken, 'RUN apt-get install "unterminated \\\nCOPY --from= \nFROM\nRUN <<EOF\n');
    await client.diagnostics(broken);

    // The server still answers after all of that.
    const fine = nextUri();
    await client.open(fine, 'FROM node:22-slim\nUSER node\n');
    assert.deepEqual(await client.diagnostics(fine), []);
  });
});
