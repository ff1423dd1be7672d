// Editor speed and memory, LayerLens next to dockerfile-language-server-nodejs (the server VS Code's
// Docker extensions run): both started over stdio, the same edit sequences replayed on a small file, on
// typical corpus files and on a 2,000-line Dockerfile, interleaved (each round alternates which server
// goes first), all in one run, printed as ratios side by side. Then the analysis-only bench (npm run bench).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} = require('vscode-languageserver-protocol/node');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.LAYERLENS_CORPUS ?? join(root, '../shared/corpus/dockerfiles');
if (!existsSync(corpus)) {
  console.log(`bench:lsp: corpus not found at ${corpus}; skipped`);
  process.exit(0);
}
const ourServer = join(root, 'dist/server.js');
if (!existsSync(ourServer)) {
  console.error('bench:lsp: dist/server.js is missing; run npm run build first');
  process.exit(2);
}
const peerServer = require.resolve('dockerfile-language-server-nodejs/lib/server.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const editsPerRound = Number(process.env.BENCH_EDITS ?? 30);
// Time between keystrokes once the previous edit's diagnostics arrived (a steady typist).
const keystrokeGapMs = 40;

const servers = [
  { name: 'LayerLens', args: [ourServer, '--stdio'] },
  { name: 'dockerfile-language-server', args: [peerServer, '--stdio'] },
];

// ---- files -------------------------------------------------------------------------------------
const names = readdirSync(corpus).sort();
const corpusTexts = names.map((name) => readFileSync(join(corpus, name), 'utf8').replace(/\r\n/g, '\n'));
const lineCount = (text) => text.split('\n').length;
const smallText = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n';
// Typical: the 10 corpus files around the median length.
const byLength = corpusTexts
  .map((text, index) => ({ text, index }))
  .sort((a, b) => lineCount(a.text) - lineCount(b.text));
const middle = byLength.length >> 1;
const typicalTexts = byLength.slice(middle - 5, middle + 5).map((entry) => entry.text);
// Big: corpus files (parser directives dropped) one after the other until 2,000 lines: a many-stage file.
function bigDockerfile() {
  const parts = [];
  let lines = 0;
  for (const text of corpusTexts) {
    if (lines >= 2000) break;
    const body = text
      .split('\n')
      .filter((line) => !/^#\s*(syntax|escape|check)\s*=/i.test(line))
      .join('\n');
    parts.push(body);
    lines += lineCount(body);
  }
  return parts.join('\n').split('\n').slice(0, 2000).join('\n') + '\n';
}
const bigText = bigDockerfile();

/** Where a typist works: the end of the first RUN line in the middle of the file (or the last line). */
function typingPoint(text) {
  const lines = text.split('\n');
  const middleLine = lines.length >> 1;
  for (let offset = 0; offset < lines.length; offset++) {
    for (const line of [middleLine + offset, middleLine - offset]) {
      if (line >= 0 && line < lines.length && /^\s*RUN\s/i.test(lines[line]) && !lines[line].trimEnd().endsWith('\\'))
        return { line, character: lines[line].length };
    }
  }
  const last = Math.max(0, lines.length - 2);
  return { line: last, character: lines[last].length };
}

// ---- one server over stdio ---------------------------------------------------------------------
class Server {
  constructor(spec) {
    this.spec = spec;
    this.process = spawn(process.execPath, spec.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LAYERLENS_TIMINGS: '1' },
    });
    this.process.stderr.on('data', () => undefined);
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout),
      new StreamMessageWriter(this.process.stdin),
    );
    this.waiters = [];
    this.timings = new Map();
    this.connection.onRequest('workspace/configuration', (params) => params.items.map(() => ({})));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/codeLens/refresh', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('layerlens/timing', (params) =>
      this.timings.set(`${params.uri}@${params.version}`, params),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (params) => {
      const now = performance.now();
      for (const waiter of [...this.waiters]) {
        if (waiter.uri !== params.uri) continue;
        if (params.version !== undefined && waiter.version !== undefined && params.version < waiter.version) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(now);
      }
    });
    this.connection.listen();
  }

  /** Resolves with the time the next diagnostics of `uri` (for `version` or later, when the server says) arrive. */
  nextDiagnostics(uri, version) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.spec.name}: no diagnostics for ${uri}`)), 30000);
      this.waiters.push({
        uri,
        version,
        resolve: (time) => {
          clearTimeout(timer);
          resolve(time);
        },
      });
    });
  }

  async initialize() {
    this.capabilities = (
      await this.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: {
          workspace: { configuration: true, workspaceEdit: { documentChanges: true } },
          textDocument: { publishDiagnostics: { versionSupport: true } },
        },
      })
    ).capabilities;
    await this.connection.sendNotification('initialized', {});
  }

  /** What an editor asks for a document it shows, besides diagnostics (the lenses, for LayerLens). */
  async showRequests(uri) {
    if (this.capabilities.codeLensProvider)
      await this.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  }

  async openAndWait(uri, text) {
    const diagnostics = this.nextDiagnostics(uri, 1);
    const start = performance.now();
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'dockerfile', version: 1, text },
    });
    return (await diagnostics) - start;
  }

  close(uri) {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async editAndWait(uri, version, position, text) {
    const diagnostics = this.nextDiagnostics(uri, version);
    const start = performance.now();
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position, end: position }, text }],
    });
    return (await diagnostics) - start;
  }

  rssBytes() {
    const status = readFileSync(`/proc/${this.process.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
  }

  async stop() {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // Already gone.
    }
    this.connection.dispose();
    this.process.kill();
  }
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const workDir = mkdtempSync(join(tmpdir(), 'layerlens-bench-lsp-'));
let fileCounter = 0;
/** A fresh file on disk (so build-context reads are real) and its URI. */
function fileFor(text) {
  const dir = join(workDir, String(fileCounter++));
  mkdirSync(dir);
  const path = join(dir, 'Dockerfile');
  writeFileSync(path, text);
  return pathToFileURL(path).href;
}

// ---- measurements ------------------------------------------------------------------------------
const results = new Map(servers.map((spec) => [spec.name, { init: [], open: {}, edit: {}, serverTime: {}, rss: {} }]));
const push = (object, key, values) => (object[key] ??= []).push(...values);

/** Types `RUN`-line characters one at a time, each after the previous one's diagnostics arrived. */
async function typeInto(server, text, label, result) {
  const uri = fileFor(text);
  const openMs = await server.openAndWait(uri, text);
  push(result.open, label, [openMs]);
  await server.showRequests(uri);
  const at = typingPoint(text);
  const typed = ' && echo hello-world-from-the-bench';
  const latencies = [];
  const serverTimes = [];
  for (let index = 0; index < editsPerRound; index++) {
    const version = index + 2;
    const ch = typed[index % typed.length];
    const position = { line: at.line, character: at.character + index };
    latencies.push(await server.editAndWait(uri, version, position, ch));
    await pause(keystrokeGapMs);
    // LayerLens reports the time right after publishing; by the next keystroke it has arrived.
    const timing = server.timings.get(`${uri}@${version}`);
    if (timing) serverTimes.push(timing.processingMs);
  }
  await server.close(uri);
  push(result.edit, label, latencies);
  push(result.serverTime, label, serverTimes);
}

async function withServer(spec, body) {
  const server = new Server(spec);
  try {
    await server.initialize();
    return await body(server);
  } finally {
    await server.stop();
  }
}

async function measureInit(spec) {
  const server = new Server(spec);
  try {
    const start = performance.now();
    await server.initialize();
    const uri = fileFor(typicalTexts[0]);
    const diagnostics = server.nextDiagnostics(uri, 1);
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'dockerfile', version: 1, text: typicalTexts[0] },
    });
    return (await diagnostics) - start;
  } finally {
    await server.stop();
  }
}

async function measureMemory(spec) {
  return withServer(spec, async (server) => {
    const open = async (text) => {
      const uri = fileFor(text);
      await server.openAndWait(uri, text);
      await server.showRequests(uri);
      return uri;
    };
    // 50 files open at once, as in a big workspace.
    const opened = [];
    for (let index = 0; index < 50; index++) opened.push(await open(corpusTexts[index % corpusTexts.length]));
    const after50 = server.rssBytes();
    for (const uri of opened) await server.close(uri);
    // 500 distinct files opened and closed one after the other.
    for (let index = 0; index < 500; index++)
      await server.close(await open(corpusTexts[(index + 50) % corpusTexts.length]));
    const after500 = server.rssBytes();
    return { after50, after500 };
  });
}

const order = (round) => (round % 2 === 0 ? servers : [...servers].reverse());
const sets = [
  { label: 'small (5 lines)', texts: [smallText] },
  {
    label: `typical (10 corpus files, ${lineCount(typicalTexts[0])}–${lineCount(typicalTexts[9])} lines)`,
    texts: typicalTexts,
  },
  {
    label: `big (${lineCount(bigText) - 1} lines, ${(bigText.match(/^FROM\s/gim) ?? []).length} stages)`,
    texts: [bigText],
  },
];

console.log(
  `bench:lsp — ${rounds} interleaved rounds, ${editsPerRound} edits per file and round, Node ${process.version}`,
);
for (let round = 0; round < rounds; round++) {
  for (const spec of order(round)) results.get(spec.name).init.push(await measureInit(spec));
  for (const spec of order(round)) {
    await withServer(spec, async (server) => {
      for (const set of sets) {
        for (const text of set.texts) await typeInto(server, text, set.label, results.get(spec.name));
      }
    });
  }
}
for (let round = 0; round < Math.min(rounds, 2); round++) {
  for (const spec of order(round)) {
    const memory = await measureMemory(spec);
    push(results.get(spec.name).rss, 'after 50 open files', [memory.after50]);
    push(results.get(spec.name).rss, 'after 500 open/close', [memory.after500]);
  }
}
rmSync(workDir, { recursive: true, force: true });

// ---- report ------------------------------------------------------------------------------------
const quantile = (values, q) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const median = (values) => quantile(values, 0.5);
const ms = (value) => (Number.isNaN(value) ? '—' : `${value.toFixed(1)} ms`);
const mb = (value) => `${(value / 1e6).toFixed(0)} MB`;
const ours = results.get('LayerLens');
const peer = results.get('dockerfile-language-server');
const row = (label, a, b, format) =>
  console.log(
    `${label.padEnd(58)} ${format(a).padStart(11)} ${format(b).padStart(11)} ${(a / b).toFixed(2).padStart(6)}x`,
  );

console.log('');
console.log(`${''.padEnd(58)} ${'LayerLens'.padStart(11)} ${'peer'.padStart(11)}  ratio`);
for (const set of sets) {
  console.log(set.label);
  const a = ours.edit[set.label];
  const b = peer.edit[set.label];
  row('  edit → diagnostics p50', median(a), median(b), ms);
  row('  edit → diagnostics p95', quantile(a, 0.95), quantile(b, 0.95), ms);
  const serverTime = ours.serverTime[set.label] ?? [];
  row('  LayerLens server time p95 vs peer edit → diagnostics p95', quantile(serverTime, 0.95), quantile(b, 0.95), ms);
  row('  open → diagnostics p50', median(ours.open[set.label]), median(peer.open[set.label]), ms);
}
row('initialize → first diagnostics, p50', median(ours.init), median(peer.init), ms);
row(
  'RSS after 50 open files (median)',
  median(ours.rss['after 50 open files']),
  median(peer.rss['after 50 open files']),
  mb,
);
row(
  'RSS after 500 open/close (median)',
  median(ours.rss['after 500 open/close']),
  median(peer.rss['after 500 open/close']),
  mb,
);
const growth = median(ours.rss['after 500 open/close']) / median(ours.rss['after 50 open files']);
console.log(`LayerLens RSS after 500 open/close / after 50 files: ${growth.toFixed(2)}x`);

const big = sets[2].label;
const typical = sets[1].label;
const checks = [
  ['edit p95 ≤ 1.0× peer, big', quantile(ours.edit[big], 0.95) <= quantile(peer.edit[big], 0.95)],
  ['edit p95 ≤ 1.0× peer, typical', quantile(ours.edit[typical], 0.95) <= quantile(peer.edit[typical], 0.95)],
  [
    'server time p95 ≤ 0.5× peer edit p95, big',
    quantile(ours.serverTime[big] ?? [], 0.95) <= 0.5 * quantile(peer.edit[big], 0.95),
  ],
  [
    'open ≤ 1.5× peer (every size)',
    sets.every((set) => median(ours.open[set.label]) <= 1.5 * median(peer.open[set.label])),
  ],
  ['initialize ≤ 1.2× peer', median(ours.init) <= 1.2 * median(peer.init)],
  [
    'RSS after 50 ≤ 1.5× peer',
    median(ours.rss['after 50 open files']) <= 1.5 * median(peer.rss['after 50 open files']),
  ],
  ['RSS after 500 open/close within 10 % of after 50', growth <= 1.1],
];
console.log('');
for (const [name, ok] of checks) console.log(`${ok ? 'met    ' : 'NOT met'}  ${name}`);

if (!process.argv.includes('--no-analysis')) {
  console.log('');
  console.log('analysis only (npm run bench):');
  const analysis = spawnSync(process.execPath, [join(root, 'scripts/bench.mjs')], { stdio: 'inherit' });
  process.exitCode = analysis.status ?? 1;
}
