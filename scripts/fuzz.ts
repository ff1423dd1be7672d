// Seeded mutation fuzzer over the shared corpus of real Dockerfiles (issue #14). Each seed picks a
// corpus file and mutates it; the input is analysed, every fix of every finding is applied and the
// result re-analysed, and the file is converted twice. It fails on any exception or internal-error
// diagnostic; on a fix whose result does not re-parse, still has the finding (its rule and message) at least
// as often, or changes again when the same fix is applied to the same finding (not idempotent); on a conversion that
// does not re-parse or converts again; and on an input over 100× the median input's time (an input's time is
// its slowest analysis or conversion; an outlier is re-timed a few times and the minimum taken, so a garbage
// collection or a busy machine does not count).
// Usage: npm run fuzz -- [--from N] [--count M] [--chunk C --record FILE]
//   Seeds are independent, so a range can be resumed or repeated. With --record, the range is run in
//   chunks of C seeds; each chunk's result is appended to FILE (TSV) with the commit that ran, and chunks
//   already recorded for the same commit are skipped.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument, initShellParser, inputRuleName } from '../server/src/engine/document';
import type { DocumentAnalysis } from '../server/src/engine/document';
import { applyEdits } from '../server/src/engine/edits';
import { convertToMultiStage, internalErrorPrefix } from '../server/src/fixes/convert';
import type { ConvertContext } from '../server/src/fixes/convert';
import { readConvertContext } from '../server/src/fixes/convert/contextFiles';
import { LineIndex } from '../server/src/model/text';
import type { Finding } from '../server/src/engine/finding';
import type { Fix } from '../server/src/rules/types';

export const defaultCorpusDir = process.env.LAYERLENS_CORPUS ?? join(__dirname, '../../shared/corpus/dockerfiles');
/** Convertible projects with their contexts: no corpus file converts without its context, these do. */
const convertFixtures = join(__dirname, '../test/fixtures/convert');

/** A file the fuzzer mutates, with the build context a conversion reads (none for corpus files). */
export interface FuzzSource {
  text: string;
  context: ConvertContext;
}

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

export interface Failure {
  seed: number;
  kind: string;
  detail: string;
}

export interface FuzzSummary {
  from: number;
  count: number;
  corpusFiles: number;
  seconds: number;
  /** Fixes applied and re-analysed, conversions made (each checked). */
  fixes: number;
  conversions: number;
  medianMs: number;
  /** The slowest input's time over the median, an outlier's time being the minimum of its re-timings. */
  worstRatio: number;
  worstSeed: number;
  failures: Failure[];
}

/** Slower than this many medians is a failure, when every re-timing is too. */
const slowFactor = 100;
const retimings = 3;

function hasInputProblem(analysis: DocumentAnalysis): boolean {
  return !analysis.model || analysis.findings.some((finding) => finding.rule === inputRuleName);
}

/** Where `offset` of the text before the edits is in the text after them. */
function mapOffset(lines: LineIndex, fix: Fix, offset: number): number {
  let shift = 0;
  for (const edit of fix.edits) {
    const start = lines.offsetAt(edit.range.start);
    const end = lines.offsetAt(edit.range.end);
    if (end <= offset && !(start === end && end === offset)) shift += edit.newText.length - (end - start);
    else if (start < offset) shift += start - offset;
  }
  return offset + shift;
}

/**
 * The slowest engine call (an analysis or a conversion) of the input being checked. An input's time is its
 * slowest call, not their sum: the sum grows with the number of fixes re-analysed, which is the fuzzer's
 * work, while a hang or a quadratic path shows in one call.
 */
let slowestCall = 0;

function timed<T>(call: () => T): T {
  const begin = performance.now();
  try {
    return call();
  } finally {
    slowestCall = Math.max(slowestCall, performance.now() - begin);
  }
}

interface Counts {
  fixes: number;
  conversions: number;
}

function check(
  text: string,
  context: ConvertContext,
  fail: (kind: string, detail: string) => void,
  counts: Counts,
): void {
  const analysis = timed(() => analyzeDocument(text));
  const inputProblem = hasInputProblem(analysis);
  const lines = new LineIndex(text);
  for (const finding of analysis.findings)
    if (/internal error|failed on this file/.test(finding.message)) fail('internal-error', finding.message);
  for (const finding of analysis.findings) {
    for (const fix of finding.fixes) checkFix(text, lines, analysis, inputProblem, finding, fix, fail, counts);
  }
  const converted = timed(() => convertToMultiStage(text, context));
  if (!converted.ok && converted.reason.startsWith(internalErrorPrefix)) fail('convert', converted.reason);
  if (converted.ok) {
    counts.conversions++;
    if (!inputProblem && hasInputProblem(timed(() => analyzeDocument(converted.text))))
      fail('convert-reparse', 'a converted file does not parse');
    const twice = timed(() => convertToMultiStage(converted.text, context));
    if (twice.ok) fail('convert-not-idempotent', 'a converted file converted again');
    else if (twice.reason.startsWith(internalErrorPrefix)) fail('convert', twice.reason);
  }
}

function checkFix(
  text: string,
  lines: LineIndex,
  analysis: DocumentAnalysis,
  inputProblem: boolean,
  finding: Finding,
  fix: Fix,
  fail: (kind: string, detail: string) => void,
  counts: Counts,
): void {
  const name = `${finding.rule}: ${fix.title}`;
  let fixed: string;
  try {
    fixed = applyEdits(text, fix.edits);
  } catch (error) {
    fail('fix-edits', `${name}: ${String(error)}`);
    return;
  }
  counts.fixes++;
  const after = timed(() => analyzeDocument(fixed));
  if (!inputProblem && hasInputProblem(after)) fail('fix-reparse', name);
  // The finding is the rule and its message: a fix may bring out another finding of its rule (`--from build`
  // written right now copies from its own stage), but the one it fixed must be gone.
  const same = (entry: Finding) => entry.rule === finding.rule && entry.message === finding.message;
  const left = after.findings.filter((entry) => entry.rule === finding.rule);
  if (left.filter(same).length >= analysis.findings.filter(same).length) fail('fix-leaves-finding', name);
  // The same finding after the fix (its rule, where its start moved to), if it is still there, must not be
  // changed again by the same fix.
  const moved = mapOffset(lines, fix, lines.offsetAt(finding.range.start));
  const afterLines = new LineIndex(fixed);
  const again = left
    .filter((entry) => afterLines.offsetAt(entry.range.start) === moved)
    .flatMap((entry) => entry.fixes)
    .find((candidate) => candidate.title === fix.title);
  if (!again) return;
  let twice: string;
  try {
    twice = applyEdits(fixed, again.edits);
  } catch (error) {
    fail('fix-edits', `${name} (applied again): ${String(error)}`);
    return;
  }
  if (twice !== fixed) fail('fix-not-idempotent', name);
}

/**
 * The files fuzzed, in a fixed order (seeds pick from it): the corpus, then the convert fixtures with their
 * contexts. Undefined when the corpus is absent.
 */
export function loadCorpus(corpusDir = defaultCorpusDir): FuzzSource[] | undefined {
  if (!existsSync(corpusDir)) return undefined;
  const corpus = readdirSync(corpusDir)
    .filter((name) => /dockerfile|containerfile/i.test(name))
    .sort()
    .map((name) => ({ text: readFileSync(join(corpusDir, name), 'utf8'), context: {} }));
  const fixtures = readdirSync(convertFixtures)
    .filter((group) => group !== 'refuse')
    .sort()
    .flatMap((group) =>
      readdirSync(join(convertFixtures, group))
        .sort()
        .map((name) => join(convertFixtures, group, name)),
    )
    .map((dir) => {
      const context = readConvertContext(dir);
      const rootEntries = context.rootEntries?.filter((name) => !/^(expected\.Dockerfile|reason\.txt)$/.test(name));
      return { text: readFileSync(join(dir, 'Dockerfile'), 'utf8'), context: { ...context, rootEntries } };
    });
  return [...corpus, ...fixtures];
}

/** The input a seed makes from the sources. */
export function fuzzInput(sources: readonly FuzzSource[], seed: number): FuzzSource {
  const random = mulberry32(seed);
  const source = sources[Math.floor(random() * sources.length)];
  return { text: mutate(source.text, random), context: source.context };
}

/** Fuzzes seeds from..from+count-1 of the corpus. */
export async function runFuzz(corpus: readonly FuzzSource[], from: number, count: number): Promise<FuzzSummary> {
  await initShellParser();
  const failures: Failure[] = [];
  const counts: Counts = { fixes: 0, conversions: 0 };
  const times = new Float64Array(count);
  const started = performance.now();
  const run = (seed: number, record: boolean): number => {
    const { text, context } = fuzzInput(corpus, seed);
    const fail = (kind: string, detail: string) => {
      if (record) failures.push({ seed, kind, detail: detail.slice(0, 300) });
    };
    slowestCall = 0;
    try {
      check(text, context, fail, record ? counts : { fixes: 0, conversions: 0 });
    } catch (error) {
      fail('exception', error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    return slowestCall;
  };
  for (let index = 0; index < count; index++) times[index] = run(from + index, true);
  const median = [...times].sort((a, b) => a - b)[Math.floor(count / 2)] ?? 0;
  let worstRatio = 0;
  let worstSeed = from;
  for (let index = 0; index < count; index++) {
    let ms = times[index];
    // An outlier is timed again; its fastest run counts, so one pause of the machine does not.
    for (let retiming = 0; retiming < retimings && ms > slowFactor * median; retiming++)
      ms = Math.min(ms, run(from + index, false));
    const ratio = median > 0 ? ms / median : 0;
    if (ratio > worstRatio) [worstRatio, worstSeed] = [ratio, from + index];
    if (ms > slowFactor * median)
      failures.push({
        seed: from + index,
        kind: 'slow',
        detail: `${ms.toFixed(0)} ms at best of ${retimings + 1} runs, median ${median.toFixed(2)} ms`,
      });
  }
  return {
    from,
    count,
    corpusFiles: corpus.length,
    seconds: (performance.now() - started) / 1000,
    fixes: counts.fixes,
    conversions: counts.conversions,
    medianMs: median,
    worstRatio,
    worstSeed,
    failures,
  };
}

export function kindsOf(failures: readonly Failure[]): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const failure of failures) kinds.set(failure.kind, (kinds.get(failure.kind) ?? 0) + 1);
  return kinds;
}

function describe(summary: FuzzSummary): string {
  const { from, count, failures } = summary;
  const kinds = kindsOf(failures);
  return (
    `fuzz: seeds ${from}..${from + count - 1} (${count} inputs, ${summary.corpusFiles} files) in ${summary.seconds.toFixed(1)} s; ` +
    `${summary.fixes} fixes and ${summary.conversions} conversions checked; median ${summary.medianMs.toFixed(2)} ms, ` +
    `slowest ${summary.worstRatio.toFixed(1)}× median (seed ${summary.worstSeed}); ` +
    `failures: ${failures.length}${failures.length ? ` (${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ')})` : ''}`
  );
}

const recordHeader = [
  'from',
  'to',
  'inputs',
  'fixes',
  'conversions',
  'seconds',
  'median_ms',
  'worst_ratio',
  'exceptions',
  'slow',
  'other_failures',
  'failing_seeds',
  'commit',
  'finished',
].join('\t');

/** Seed ranges the record file holds for this commit, so a run resumes after its last recorded chunk. */
function recordedRanges(file: string, commit: string): Set<string> {
  if (!existsSync(file)) return new Set();
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'))
      .filter((fields) => fields[12] === commit)
      .map((fields) => fields.slice(0, 2).join('-')),
  );
}

/** The commit the fuzzer's code came from, read once when it starts (a long run outlives later commits). */
function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  } catch {
    // Outside a checkout the commit is not known; the row is still worth keeping.
    return 'unknown';
  }
}

function record(file: string, summary: FuzzSummary, commit: string): void {
  if (!existsSync(file)) appendFileSync(file, `${recordHeader}\n`);
  const kinds = kindsOf(summary.failures);
  const exceptions = kinds.get('exception') ?? 0;
  const slow = kinds.get('slow') ?? 0;
  const failingSeeds = [...new Set(summary.failures.map((failure) => failure.seed))].slice(0, 20).join(',');
  const row = [
    summary.from,
    summary.from + summary.count - 1,
    summary.count,
    summary.fixes,
    summary.conversions,
    summary.seconds.toFixed(1),
    summary.medianMs.toFixed(3),
    summary.worstRatio.toFixed(1),
    exceptions,
    slow,
    summary.failures.length - exceptions - slow,
    failingSeeds || '-',
    commit,
    new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  ];
  appendFileSync(file, `${row.join('\t')}\n`);
}

async function main(): Promise<void> {
  const argument = (name: string, fallback: number) => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? Number(process.argv[index + 1]) : fallback;
  };
  const recordIndex = process.argv.indexOf('--record');
  const recordFile = recordIndex >= 0 ? process.argv[recordIndex + 1] : undefined;
  const from = argument('--from', 0);
  const count = argument('--count', 2000);
  const chunk = argument('--chunk', count);
  const corpus = loadCorpus();
  if (!corpus) {
    // Under CI the skip is said loudly, so a missing corpus is never mistaken for a pass.
    console.log(`${process.env.CI ? 'NOTICE: ' : ''}fuzz: corpus ${defaultCorpusDir} not found, skipped`);
    return;
  }
  const commit = currentCommit();
  const done = recordFile ? recordedRanges(recordFile, commit) : new Set<string>();
  for (let start = from; start < from + count; start += chunk) {
    const size = Math.min(chunk, from + count - start);
    if (done.has(`${start}-${start + size - 1}`)) {
      console.log(`fuzz: seeds ${start}..${start + size - 1} already recorded in ${recordFile}, skipped`);
      continue;
    }
    const summary = await runFuzz(corpus, start, size);
    console.log(describe(summary));
    for (const failure of summary.failures.slice(0, 20))
      console.log(`  seed ${failure.seed} ${failure.kind}: ${failure.detail}`);
    if (recordFile) record(recordFile, summary, commit);
    if (summary.failures.length > 0) process.exitCode = 1;
  }
}

if (require.main === module) void main();
