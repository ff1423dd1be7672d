// npm run corpus: runs every rule over ../shared/corpus/dockerfiles and writes docs/evaluation.md. For each rule
// it samples up to 30 findings (all when fewer) with a fixed seed, reads their verdicts from
// docs/evaluation/verdicts/<rule>.tsv (`file<TAB>line<TAB>verdict<TAB>reason`, verdict true, false or debatable,
// judged by reading the Dockerfile around the finding) and reports the false-positive rate with a 95 % Wilson
// interval. Sampled findings without a verdict are listed (and fail the run) so they get judged.
// It also converts every single-stage file to multi-stage and checks each output (re-parses into two
// stages, same runtime config) or counts the refusal by its reason.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument, initShellParser } from '../server/src/engine/document';
import type { Finding } from '../server/src/engine/finding';
import { rules } from '../server/src/rules';
import { convertToMultiStage } from '../server/src/fixes/convert';
import { buildModel } from '../server/src/model/model';
import { runtimeConfig } from '../server/src/model/runtime';

const root = join(__dirname, '..');
// Worktrees sit one level deeper than the main checkout; /work/shared is where the corpus lives on this machine.
const corpus =
  process.env.LAYERLENS_CORPUS ??
  [join(root, '../shared/corpus/dockerfiles'), join(root, '../../shared/corpus/dockerfiles')].find((dir) =>
    existsSync(dir),
  ) ??
  join(root, '../shared/corpus/dockerfiles');
const verdictDir = join(root, 'docs/evaluation/verdicts');
/** Findings sampled per rule; the seed keeps the sample the same from run to run until the findings change. */
const sampleSize = 30;
const seed = 11;

type VerdictValue = 'true' | 'false' | 'debatable';

interface Verdict {
  file: string;
  line: number;
  verdict: VerdictValue;
  reason: string;
}

interface Sampled {
  file: string;
  line: number;
  finding: Finding;
}

function readVerdicts(rule: string): Map<string, Verdict> {
  const path = join(verdictDir, `${rule}.tsv`);
  const verdicts = new Map<string, Verdict>();
  if (!existsSync(path)) return verdicts;
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const [file, lineNumber, verdict, reason = ''] = line.split('\t');
    if (verdict !== 'true' && verdict !== 'false' && verdict !== 'debatable')
      throw new Error(`${path}: verdict must be true, false or debatable: ${line}`);
    if (reason.trim() === '') throw new Error(`${path}: every verdict needs a reason: ${line}`);
    verdicts.set(`${file}:${lineNumber}`, { file, line: Number(lineNumber), verdict, reason });
  }
  return verdicts;
}

/** FNV-1a: a small seeded hash, so the sample is reproducible without a dependency. */
function hash(text: string): number {
  let value = 2166136261;
  for (const char of text) value = Math.imul(value ^ char.charCodeAt(0), 16777619);
  return value >>> 0;
}

/**
 * Up to `sampleSize` findings at distinct lines, in file order: the ones whose seeded hash of rule, file and
 * line ranks lowest. A finding keeps its rank when others appear or go, so a fix of one class changes the
 * sample only where findings went away.
 */
function sample(rule: string, found: Array<{ file: string; finding: Finding }>): Sampled[] {
  const byLine = new Map<string, Sampled>();
  for (const { file, finding } of found) {
    const line = finding.range.start.line + 1;
    if (!byLine.has(`${file}:${line}`)) byLine.set(`${file}:${line}`, { file, line, finding });
  }
  const rank = (entry: Sampled) => hash(`${seed}:${rule}:${entry.file}:${entry.line}`);
  return [...byLine.values()]
    .sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file) || a.line - b.line)
    .slice(0, sampleSize)
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The 95 % Wilson score interval of a proportion, in percent. */
export function wilson(successes: number, trials: number): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 100 };
  const z = 1.959964;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { low: 100 * Math.max(0, centre - half), high: 100 * Math.min(1, centre + half) };
}

function percent(value: number): string {
  return `${value.toFixed(0)} %`;
}

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.log(`corpus not found at ${corpus}; nothing to evaluate`);
    return;
  }
  await initShellParser();
  const files = readdirSync(corpus)
    .filter((file) => !file.endsWith('.tsv') && !file.endsWith('.md'))
    .sort();
  const byRule = new Map<string, Array<{ file: string; finding: Finding }>>();
  let crashes = 0;
  const crashNotes: string[] = [];
  for (const file of files) {
    try {
      // Corpus files have no build context here: context-dependent rules see it as unknown.
      const { findings } = analyzeDocument(readFileSync(join(corpus, file), 'utf8'));
      for (const finding of findings) {
        if (finding.message.startsWith('LayerLens rule')) {
          crashes++;
          crashNotes.push(`${file}: ${finding.message}`);
        }
        const list = byRule.get(finding.rule) ?? [];
        list.push({ file, finding });
        byRule.set(finding.rule, list);
      }
    } catch (error) {
      crashes++;
      crashNotes.push(`${file}: ${String(error)}`);
    }
  }

  const lines: string[] = [
    '# Evaluation over the real-world corpus',
    '',
    `Generated by \`npm run corpus\` over ${files.length} Dockerfiles of ../shared/corpus (not in this repository).`,
    `For each rule, up to ${sampleSize} findings at distinct lines (all when fewer) are drawn with a fixed seed (${seed})`,
    'and judged by reading the Dockerfile around them: **true** = a real problem of the image as the message',
    'describes it, **false** = the rule is wrong about this file, **debatable** = a reviewer could argue either way.',
    'Verdicts, each with its reason, live in `docs/evaluation/verdicts/<rule>.tsv`. The FP rate counts false',
    'verdicts over the sample, with its 95 % Wilson interval; the last column counts debatable ones as false too.',
    'The rules were written against this corpus, so these figures are an upper bound on precision elsewhere.',
    '',
    `Crashes (exceptions or failing rules): **${crashes}**`,
    ...crashNotes.map((note) => `- ${note}`),
    '',
    '| Rule | Findings | Files | Sampled | True | False | Debatable | FP rate (95 % CI) | FP incl. debatable |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const details: string[] = [];
  const unjudged: string[] = [];
  for (const name of [...rules.map((rule) => rule.meta.name), 'input']) {
    const found = byRule.get(name) ?? [];
    if (name === 'input' && found.length === 0) continue;
    const verdicts = readVerdicts(name);
    const sampled = sample(name, found);
    const judged = sampled.flatMap((entry) => {
      const verdict = verdicts.get(`${entry.file}:${entry.line}`);
      if (verdict) return [verdict];
      unjudged.push(`${name}\t${entry.file}\t${entry.line}\t${entry.finding.message}`);
      return [];
    });
    const count = (value: VerdictValue) => judged.filter((verdict) => verdict.verdict === value).length;
    const falseCount = count('false');
    const debatable = count('debatable');
    const interval = wilson(falseCount, judged.length);
    const rate =
      judged.length > 0
        ? `${percent((100 * falseCount) / judged.length)} (${percent(interval.low)}–${percent(interval.high)})`
        : '–';
    const withDebatable = judged.length > 0 ? percent((100 * (falseCount + debatable)) / judged.length) : '–';
    const missing = sampled.length - judged.length;
    lines.push(
      `| \`${name}\` | ${found.length} | ${new Set(found.map((entry) => entry.file)).size} | ${judged.length}${missing ? ` (+${missing} unjudged)` : ''} | ${count('true')} | ${falseCount} | ${debatable} | ${rate} | ${withDebatable} |`,
    );
    if (judged.length > 0) {
      details.push(`### ${name}`, '', '| File | Line | Verdict | Reason |', '|---|---|---|---|');
      for (const verdict of judged)
        details.push(
          `| ${verdict.file} | ${verdict.line} | ${verdict.verdict} | ${verdict.reason.replace(/\|/g, '\\|')} |`,
        );
      details.push('');
    }
  }
  lines.push('', ...conversionReport(files));
  lines.push('', '## Sampled findings and their verdicts', '', ...details);
  writeFileSync(join(root, 'docs/evaluation.md'), `${lines.join('\n')}\n`);
  const tableStart = lines.findIndex((line) => line.startsWith('| Rule'));
  console.log(lines.slice(tableStart, tableStart + rules.length + 2).join('\n'));
  if (unjudged.length > 0) {
    console.log(`\n${unjudged.length} sampled findings have no verdict yet (rule, file, line, message):`);
    for (const entry of unjudged) console.log(entry);
    process.exitCode = 1;
  }
  if (crashes > 0) process.exitCode = 1;
}

/** A refusal reason without its specifics (line numbers, names, paths), so reasons group. */
function reasonGroup(reason: string): string {
  return reason
    .replace(/line \d+/g, 'line N')
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\b(?:base image|USER|-o path|path) \S+/g, (match) => `${match.split(' ').slice(0, -1).join(' ')} …`)
    .replace(/\([^)]*\)/g, '(…)');
}

/** What a conversion may change in the runtime config: only what one of its messages says it changed. */
function unexplainedChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  messages: string[],
): string[] {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (messages.some((message) => new RegExp(`^(Added|Replaced|Changed) ${key}\\b`).test(message))) continue;
    changed.push(key);
  }
  return changed;
}

function conversionReport(files: string[]): string[] {
  let single = 0;
  const converted: string[] = [];
  const broken: string[] = [];
  const reasons = new Map<string, number>();
  const bases = new Map<string, number>();
  for (const file of files) {
    const text = readFileSync(join(corpus, file), 'utf8');
    let model;
    try {
      model = buildModel(text);
    } catch {
      continue;
    }
    if (model.stages.length !== 1) continue;
    single++;
    try {
      // No build context here: conversions that need package.json, pom.xml, … refuse, as they would without them.
      const result = convertToMultiStage(text, {});
      if (!result.ok) {
        const base = /^No conversion for the base image (\S+)/.exec(result.reason)?.[1];
        if (base) bases.set(base, (bases.get(base) ?? 0) + 1);
        const group = reasonGroup(result.reason);
        reasons.set(group, (reasons.get(group) ?? 0) + 1);
        continue;
      }
      const output = buildModel(result.text);
      const changes = unexplainedChanges({ ...runtimeConfig(model) }, { ...runtimeConfig(output) }, result.messages);
      if (output.stages.length !== 2 || output.shipped?.index !== 1 || changes.length > 0)
        broken.push(`${file}: ${output.stages.length} stages, changed ${changes.join(', ') || 'nothing'}`);
      else converted.push(file);
    } catch (error) {
      broken.push(`${file}: crashed: ${String(error)}`);
    }
  }
  const refused = [...reasons.values()].reduce((sum, count) => sum + count, 0);
  return [
    '## Convert to multi-stage build',
    '',
    `${single} of the corpus files are single-stage. Each was converted without its build context (the corpus has`,
    'only Dockerfiles), so conversions that read package.json, pom.xml, Cargo.toml, … refuse here; the golden fixtures',
    'under test/fixtures/convert cover them with realistic contexts.',
    '',
    `- Converted: **${converted.length}** (each output re-parses into two stages, the second shipped, with the same CMD/ENTRYPOINT/ENV/EXPOSE/USER/WORKDIR except what a message names)`,
    `- Refused with a reason: **${refused}**`,
    `- Converted but broken, or crashed: **${broken.length}**`,
    ...broken.map((note) => `  - ${note}`),
    '',
    ...(converted.length > 0 ? ['Converted files: ' + converted.map((file) => `\`${file}\``).join(', '), ''] : []),
    '| Refusal reason | Files |',
    '|---|---|',
    ...[...reasons]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([reason, count]) => `| ${reason.replace(/\|/g, '\\|')} | ${count} |`),
    '',
    `Base images without a conversion (no build toolchain LayerLens converts): ${[...bases]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([base, count]) => `${base} ${count}`)
      .join(', ')}.`,
  ];
}

void main();
