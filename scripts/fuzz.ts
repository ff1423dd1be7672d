// Seeded mutation fuzzer over the shared corpus of real Dockerfiles (issue #14). Each seed picks a
// corpus file and mutates it; the input is analysed, every fix of every finding is applied and the
// result re-analysed, and the file is converted twice. It fails on any exception or internal-error
// diagnostic, on a fix whose result does not parse or still has the finding's rule at least as often,
// and on an input taking over 100× the median input's time (confirmed by a second run).
// Usage: npm run fuzz -- [--from N] [--count M]   (resumable: seeds are independent)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument, initShellParser } from '../server/src/engine/document';
import { applyEdits } from '../server/src/engine/edits';
import { convertToMultiStage, internalErrorPrefix } from '../server/src/fixes/convert';

const corpusDir = process.env.LAYERLENS_CORPUS ?? join(__dirname, '../../shared/corpus/dockerfiles');
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const from = argument('--from', 0);
const count = argument('--count', 2000);

/** Fragments that broke parsers, matchers and fixes before; spliced in at random places. */
const hostile = [
  '\\\n',
  '\\',
  '\uFEFF',
  '# escape=`\n',
  'RUN <<"EOF""\nEOF\n',
  'RUN <<EOF\necho hi\nEOF\n',
  'COPY --from= . .\n',
  'USER (x+x+)+y\n',
  'USER app(\n',
  'RUN rm -rf /a*a*a*a*a*a*a*a*b\n',
  'COPY --exclude=**/**/**/b . /app\n',
  'COPY settings[.gradle ./\n',
  'ARG X=${Y:-${Z}}\n',
  'FROM\n',
  'FROM scratch AS a\n',
  '\r\n',
  '\t',
  '"',
  "'",
  '$(',
  '`',
  ' && ',
  ' | sh',
  ';',
  '\u0000',
];

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, random: () => number): string {
  const pick = (n: number) => Math.floor(random() * n);
  let result = text;
  const steps = 1 + pick(4);
  for (let step = 0; step < steps; step++) {
    const at = pick(result.length + 1);
    const lines = result.split('\n');
    switch (pick(6)) {
      case 0:
        result = result.slice(0, at) + hostile[pick(hostile.length)] + result.slice(at);
        break;
      case 1:
        result = result.slice(0, at) + result.slice(at + 1 + pick(20));
        break;
      case 2: {
        const line = pick(lines.length);
        lines.splice(line, 0, lines[line]);
        result = lines.join('\n');
        break;
      }
      case 3: {
        const a = pick(lines.length);
        const b = pick(lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        result = lines.join('\n');
        break;
      }
      case 4:
        result = result.slice(0, at);
        break;
      default:
        result = result.replace(/\n/g, '\r\n');
    }
  }
  return result;
}

interface Failure {
  seed: number;
  kind: string;
  detail: string;
}

function check(text: string, failures: Failure[], seed: number): void {
  const fail = (kind: string, detail: string) => failures.push({ seed, kind, detail: detail.slice(0, 200) });
  const analysis = analyzeDocument(text);
  for (const finding of analysis.findings)
    if (/internal error|failed on this file/.test(finding.message)) fail('internal-error', finding.message);
  for (const finding of analysis.findings) {
    for (const fix of finding.fixes) {
      let fixed: string;
      try {
        fixed = applyEdits(text, fix.edits);
      } catch (error) {
        fail('fix-edits', `${finding.rule}: ${fix.title}: ${String(error)}`);
        continue;
      }
      const after = analyzeDocument(fixed);
      if (!after.model) fail('fix-reparse', `${finding.rule}: ${fix.title}`);
      const before = analysis.findings.filter((entry) => entry.rule === finding.rule).length;
      const left = after.findings.filter((entry) => entry.rule === finding.rule).length;
      if (left >= before) fail('fix-leaves-finding', `${finding.rule}: ${fix.title}`);
    }
  }
  const converted = convertToMultiStage(text);
  if (!converted.ok && converted.reason.startsWith(internalErrorPrefix)) fail('convert', converted.reason);
  if (converted.ok) {
    const twice = convertToMultiStage(converted.text);
    if (twice.ok) fail('convert-not-idempotent', 'a converted file converted again');
    else if (twice.reason.startsWith(internalErrorPrefix)) fail('convert', twice.reason);
  }
}

async function main(): Promise<void> {
  if (!existsSync(corpusDir)) {
    // Under CI the skip is said loudly, so a missing corpus is never mistaken for a pass.
    console.log(`${process.env.CI ? 'NOTICE: ' : ''}fuzz: corpus ${corpusDir} not found, skipped`);
    return;
  }
  await initShellParser();
  const corpus = readdirSync(corpusDir)
    .filter((name) => /dockerfile|containerfile/i.test(name))
    .sort()
    .map((name) => readFileSync(join(corpusDir, name), 'utf8'));
  const failures: Failure[] = [];
  const times: { seed: number; ms: number }[] = [];
  const inputOf = (seed: number) => {
    const random = mulberry32(seed);
    return mutate(corpus[Math.floor(random() * corpus.length)], random);
  };
  const started = performance.now();
  for (let seed = from; seed < from + count; seed++) {
    const text = inputOf(seed);
    const begin = performance.now();
    try {
      check(text, failures, seed);
    } catch (error) {
      failures.push({
        seed,
        kind: 'exception',
        detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    times.push({ seed, ms: performance.now() - begin });
  }
  const sorted = times.map((entry) => entry.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  let worstRatio = 0;
  for (const { seed, ms } of times) {
    if (ms <= 100 * median) continue;
    // Confirmed by a second run, so a garbage collection or a busy machine does not count.
    const begin = performance.now();
    check(inputOf(seed), [], seed);
    const again = performance.now() - begin;
    worstRatio = Math.max(worstRatio, Math.min(ms, again) / median);
    if (again > 100 * median)
      failures.push({ seed, kind: 'slow', detail: `${again.toFixed(0)} ms, median ${median.toFixed(1)} ms` });
  }
  worstRatio = Math.max(worstRatio, (sorted[sorted.length - 1] ?? 0) / (median || 1));
  const kinds = new Map<string, number>();
  for (const failure of failures) kinds.set(failure.kind, (kinds.get(failure.kind) ?? 0) + 1);
  console.log(
    `fuzz: seeds ${from}..${from + count - 1} (${count} inputs, ${corpus.length} corpus files) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `median ${median.toFixed(2)} ms, slowest ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms (${worstRatio.toFixed(1)}× median); ` +
      `failures: ${failures.length}${failures.length ? ` (${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ')})` : ''}`,
  );
  for (const failure of failures.slice(0, 20)) console.log(`  seed ${failure.seed} ${failure.kind}: ${failure.detail}`);
  if (failures.length > 0) process.exitCode = 1;
}

void main();
