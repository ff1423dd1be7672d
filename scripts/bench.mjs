// Analysis time per corpus file, LayerLens next to dockerfile-utils `validate`, measured side by side
// in one process and one run (interleaved per file, alternating which goes first), printed as ratios.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.LAYERLENS_CORPUS ?? join(root, '../shared/corpus/dockerfiles');
if (!existsSync(corpus)) {
  console.log(`bench: corpus not found at ${corpus}; skipped`);
  process.exit(0);
}
const enginePath = join(root, 'dist/engine.js');
if (!existsSync(enginePath)) {
  console.error('bench: dist/engine.js is missing; run npm run build first');
  process.exit(2);
}
const { analyzeDocument, initShellParser } = require(enginePath);
await initShellParser();
const { validate } = require('dockerfile-utils');

const names = readdirSync(corpus).sort();
const files = names.map((name) => readFileSync(join(corpus, name), 'utf8'));
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);

const time = (fn, text) => {
  const start = process.hrtime.bigint();
  fn(text);
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const ours = (text) => analyzeDocument(text);
const theirs = (text) => validate(text);

// Warm-up: JIT both sides on every file once.
for (const text of files) {
  ours(text);
  theirs(text);
}

const perFileOurs = files.map(() => []);
const perFileTheirs = files.map(() => []);
const roundTotals = [];
for (let round = 0; round < rounds; round++) {
  let totalOurs = 0;
  let totalTheirs = 0;
  files.forEach((text, index) => {
    let a;
    let b;
    if ((round + index) % 2 === 0) {
      a = time(ours, text);
      b = time(theirs, text);
    } else {
      b = time(theirs, text);
      a = time(ours, text);
    }
    perFileOurs[index].push(a);
    perFileTheirs[index].push(b);
    totalOurs += a;
    totalTheirs += b;
  });
  roundTotals.push({ ours: totalOurs, theirs: totalTheirs, ratio: totalOurs / totalTheirs });
}

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const quantile = (values, q) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const fileOurs = perFileOurs.map(median);
const fileTheirs = perFileTheirs.map(median);
const fileRatios = fileOurs.map((value, index) => value / fileTheirs[index]);

const ratio = median(roundTotals.map((round) => round.ratio));
const fmt = (ms) => `${ms.toFixed(3)} ms`;
console.log(`corpus: ${files.length} files, ${rounds} rounds (after one warm-up), Node ${process.version}`);
console.log('');
console.log('                       LayerLens      dockerfile-utils validate');
console.log(
  `total per round (med)  ${fmt(median(roundTotals.map((r) => r.ours))).padEnd(14)} ${fmt(median(roundTotals.map((r) => r.theirs)))}`,
);
console.log(`per file p50           ${fmt(quantile(fileOurs, 0.5)).padEnd(14)} ${fmt(quantile(fileTheirs, 0.5))}`);
console.log(`per file p90           ${fmt(quantile(fileOurs, 0.9)).padEnd(14)} ${fmt(quantile(fileTheirs, 0.9))}`);
console.log(`per file p99           ${fmt(quantile(fileOurs, 0.99)).padEnd(14)} ${fmt(quantile(fileTheirs, 0.99))}`);
console.log('');
console.log(`ratio LayerLens / dockerfile-utils, whole corpus (median of rounds): ${ratio.toFixed(2)}x`);
console.log(
  `ratio per file: p50 ${quantile(fileRatios, 0.5).toFixed(2)}x, p90 ${quantile(fileRatios, 0.9).toFixed(2)}x`,
);
// Where the time goes: the files LayerLens spends most on, and the files where it compares worst.
const top = (key) =>
  fileOurs
    .map((_, index) => index)
    .sort((a, b) => key(b) - key(a))
    .slice(0, 5);
const row = (index) =>
  `  ${fmt(fileOurs[index]).padStart(10)} vs ${fmt(fileTheirs[index]).padStart(10)}  ${fileRatios[index].toFixed(2)}x  ${names[index]}`;
console.log('slowest 5 files (LayerLens median time):');
for (const index of top((index) => fileOurs[index])) console.log(row(index));
console.log('highest 5 per-file ratios:');
for (const index of top((index) => fileRatios[index])) console.log(row(index));
console.log(
  `targets: foundation <= 1.5x, rule catalogue <= 1.0x, goal <= 0.5x -> ${ratio <= 0.5 ? 'goal met' : ratio <= 1.0 ? '<= 1.0x met' : ratio <= 1.5 ? '<= 1.5x met' : 'NOT met'}`,
);
