import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/engine/edits';
import type { Finding } from '../../server/src/engine/finding';
import { buildModel } from '../../server/src/model/model';
import { LineIndex } from '../../server/src/model/text';
import type { Range } from '../../server/src/model/text';
import type { BuildContextFacts, Fix, Rule, Severity } from '../../server/src/rules/types';

/**
 * Cases use `«` and `»` around each range where a finding is expected. Every case also runs with
 * CRLF line ends and, unless a case opts out, under `# escape=\`` (continuations rewritten) and after
 * an unrelated build stage put in front (a shipped-stage rule must not care).
 */
export interface ValidCase {
  name: string;
  code: string;
  target?: string;
  variants?: Partial<Record<VariantName, boolean>>;
  /** Build-context facts the rule sees (default `{}`: unknown, as for an unsaved file). */
  context?: BuildContextFacts;
}

/** A fix as the user meets it: its title in the lightbulb and whether it is the preferred one. */
export interface ExpectedFix {
  title: string;
  preferred: boolean;
}

/** One expected finding when it differs from the case's defaults (severity, fixes). */
export interface ExpectedFinding {
  /** A substring of the message is enough. */
  message: string;
  severity?: Severity;
  fixes?: ExpectedFix[];
}

export interface InvalidCase extends ValidCase {
  /**
   * Expected findings, one per marked range, in document order: a message (a substring is enough), or
   * an object when a finding's severity or fixes differ from the case's.
   */
  messages: Array<string | ExpectedFinding>;
  /** Severity of every finding unless it says otherwise (default: the rule's). */
  severity?: Severity;
  /** Fixes of every finding, in order, unless it says otherwise (default: none). */
  fixes?: ExpectedFix[];
  /** The document after applying the first fix of the first finding; `null` = the finding has no fix. */
  output?: string | null;
  /** Files the first fix creates (`createFiles`), path → content; checked when given. */
  createdFiles?: Record<string, string>;
}

export type VariantName = 'crlf' | 'escape' | 'multiStage';

interface Variant {
  name: VariantName | 'as written';
  transform: (code: string) => string;
  /** Lines the transform adds in front, so `line N` in expected messages can follow. */
  lineShift: number;
}

const variants: Variant[] = [
  { name: 'as written', transform: (code) => code, lineShift: 0 },
  { name: 'crlf', transform: (code) => code.replace(/\r?\n/g, '\r\n'), lineShift: 0 },
  { name: 'escape', transform: (code) => `# escape=\`\n${code.replace(/\\(?=[ \t]*\r?\n)/g, '`')}`, lineShift: 1 },
  {
    name: 'multiStage',
    transform: (code) => `FROM alpine:3.20 AS unrelated\nRUN echo unrelated > /x\n\n${code}`,
    lineShift: 3,
  },
];

export function stripMarkers(code: string): { text: string; ranges: Range[] } {
  const ranges: Range[] = [];
  let text = '';
  const starts: number[] = [];
  const offsets: Array<[number, number]> = [];
  for (const ch of code) {
    if (ch === '«') starts.push(text.length);
    else if (ch === '»') offsets.push([starts.pop() ?? 0, text.length]);
    else text += ch;
  }
  const lines = new LineIndex(text);
  for (const [start, end] of offsets.sort((a, b) => a[0] - b[0])) ranges.push(lines.range(start, end));
  return { text, ranges };
}

function run(rule: Rule, text: string, target?: string, context: BuildContextFacts = {}): Finding[] {
  return analyze(buildModel(text, { target }), {}, [rule], context);
}

/** The context after a fix created its files: a created `.dockerignore` becomes the one that applies. */
function contextAfter(context: BuildContextFacts, fix: Fix): BuildContextFacts {
  const created = fix.createFiles ?? [];
  const dockerignore = created.find((file) => file.path.endsWith('.dockerignore'));
  const rootNames = created.map((file) => file.path).filter((path) => !path.includes('/'));
  return {
    ...context,
    ...(dockerignore ? { dockerignore: { path: dockerignore.path, text: dockerignore.content } } : {}),
    ...(context.rootEntries ? { rootEntries: [...new Set([...context.rootEntries, ...rootNames])] } : {}),
  };
}

export function ruleTester(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.name, () => {
    for (const variant of variants) {
      const applies = (testCase: ValidCase) =>
        variant.name === 'as written' || testCase.variants?.[variant.name] !== false;
      describe(variant.name, () => {
        for (const testCase of cases.valid.filter(applies)) {
          it(`valid: ${testCase.name}`, () => {
            const { text } = stripMarkers(variant.transform(testCase.code));
            assert.deepEqual(run(rule, text, testCase.target, testCase.context).map(summarize), []);
          });
        }
        for (const testCase of cases.invalid.filter(applies)) {
          it(`invalid: ${testCase.name}`, () => {
            const { text, ranges } = stripMarkers(variant.transform(testCase.code));
            const findings = run(rule, text, testCase.target, testCase.context);
            const shift = (text: string) =>
              text.replace(/line (\d+)/g, (_match, line: string) => `line ${Number(line) + variant.lineShift}`);
            const expected = testCase.messages.map((entry, index) => {
              const finding = typeof entry === 'string' ? { message: entry } : entry;
              return {
                rule: rule.meta.name,
                range: ranges[index],
                message: shift(finding.message),
                severity: finding.severity ?? testCase.severity ?? rule.meta.severity,
                fixes: (finding.fixes ?? testCase.fixes ?? []).map((fix) => ({ ...fix, title: shift(fix.title) })),
              };
            });
            // Whole objects: a finding's severity and every fix's title and preferred flag count as much as
            // its range and message (the lightbulb and `--fix` read them).
            assert.deepEqual(
              findings.map((finding, index) => ({
                rule: finding.rule,
                range: finding.range,
                message:
                  expected[index] && finding.message.includes(expected[index].message)
                    ? expected[index].message
                    : finding.message,
                severity: finding.severity,
                fixes: finding.fixes.map((fix) => ({ title: fix.title, preferred: fix.preferred !== false })),
              })),
              expected,
            );
            if (testCase.output === undefined) return;
            const fix = findings[0]?.fixes[0];
            if (testCase.output === null) {
              assert.equal(fix, undefined, 'expected no fix');
              return;
            }
            assert.ok(fix, 'expected a fix');
            const fixed = applyEdits(text, fix.edits);
            assert.equal(fixed, stripMarkers(variant.transform(testCase.output)).text);
            if (testCase.createdFiles)
              assert.deepEqual(
                Object.fromEntries((fix.createFiles ?? []).map((file) => [file.path, file.content])),
                testCase.createdFiles,
              );
            // The fixed file parses and the rule no longer fires on it (with the created files in place).
            assert.deepEqual(
              run(rule, fixed, testCase.target, contextAfter(testCase.context ?? {}, fix)).map(summarize),
              [],
            );
          });
        }
      });
    }
  });
}

function summarize(finding: Finding): string {
  return `${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.message}`;
}
