// npm run bench:estimate: what the size estimate adds to the analysis of a Dockerfile. Over the corpus
// (../shared/corpus/dockerfiles), in one process and one run, per file: analyzeDocument alone, and
// analyzeDocument followed by estimateImageSize on its model (as the server does for lenses and hovers),
// interleaved per file with alternating order. The apt indexes' first load is timed apart: the server
// loads them once per process (and preloads them when idle), so it is not a per-file cost.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../server/src/engine/document';
import { initShellParser } from '../server/src/model/shell';
import { aptSuites, loadAptIndex } from '../server/src/size/apt';
import { estimateImageSize } from '../server/src/size/estimate';

const root = join(__dirname, '..');
const corpus = process.env.LAYERLENS_CORPUS ?? join(root, '../shared/corpus/dockerfiles');
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);

function milliseconds(action: () => void): number {
  const start = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function quantile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.log(`bench:estimate: corpus not found at ${corpus}; skipped`);
    return;
  }
  await initShellParser();
  const firstLoad = aptSuites.map((suite) => ({ suite, ms: milliseconds(() => loadAptIndex(suite)) }));
  const names = readdirSync(corpus).sort();
  const files = names.map((name) => readFileSync(join(corpus, name), 'utf8'));
  const analysisOnly = (text: string) => analyzeDocument(text);
  const withEstimate = (text: string) => {
    const { model } = analyzeDocument(text);
    if (model) estimateImageSize(model);
  };
  // Warm-up: JIT both paths on every file once.
  for (const text of files) {
    analysisOnly(text);
    withEstimate(text);
  }
  const alone = files.map((): number[] => []);
  const both = files.map((): number[] => []);
  const totals: { alone: number; both: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const total = { alone: 0, both: 0 };
    files.forEach((text, index) => {
      let a: number;
      let b: number;
      if ((round + index) % 2 === 0) {
        a = milliseconds(() => analysisOnly(text));
        b = milliseconds(() => withEstimate(text));
      } else {
        b = milliseconds(() => withEstimate(text));
        a = milliseconds(() => analysisOnly(text));
      }
      alone[index].push(a);
      both[index].push(b);
      total.alone += a;
      total.both += b;
    });
    totals.push(total);
  }
  const fileAlone = alone.map(median);
  const fileBoth = both.map(median);
  const overhead = fileAlone.map((value, index) => fileBoth[index] / value - 1);
  const format = (ms: number) => `${ms.toFixed(3)} ms`.padEnd(14);
  console.log(`corpus: ${files.length} files, ${rounds} rounds (after one warm-up), Node ${process.version}`);
  console.log(
    `apt index first load (once per process, not per file): ${firstLoad.map(({ suite, ms }) => `${suite} ${ms.toFixed(0)} ms`).join(', ')}`,
  );
  console.log('');
  console.log('                       analysis      analysis + estimate   estimate adds');
  const totalAlone = median(totals.map((total) => total.alone));
  const totalBoth = median(totals.map((total) => total.both));
  console.log(
    `total per round (med)  ${format(totalAlone)}${format(totalBoth)}        ${(totalBoth / totalAlone - 1).toFixed(2)}×`,
  );
  for (const fraction of [0.5, 0.9, 0.99]) {
    console.log(
      `per file p${String(fraction * 100).padEnd(3)}           ${format(quantile(fileAlone, fraction))}${format(quantile(fileBoth, fraction))}        ${quantile(overhead, fraction).toFixed(2)}× (p${fraction * 100} of per-file ratios)`,
    );
  }
  console.log('');
  console.log('highest 5 per-file overheads:');
  const worst = overhead
    .map((_, index) => index)
    .sort((a, b) => overhead[b] - overhead[a])
    .slice(0, 5);
  for (const index of worst)
    console.log(
      `  ${format(fileAlone[index])}→ ${format(fileBoth[index])} ${overhead[index].toFixed(2)}×  ${names[index]}`,
    );
  console.log('');
  console.log(
    `target: the estimate adds ≤ 0.3× to per-file analysis (whole corpus: ${(totalBoth / totalAlone - 1).toFixed(2)}×, per-file median ${quantile(overhead, 0.5).toFixed(2)}×)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
