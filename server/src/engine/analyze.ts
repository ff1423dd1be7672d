import type { DockerfileModel, Instruction } from '../model/model';
import { comparePositions } from '../model/text';
import type { Range } from '../model/text';
import { rules as allRules } from '../rules';
import type { BuildContextFacts, Report, Rule, Severity } from '../rules/types';
import type { Finding } from './finding';
import { collectSuppressions } from './suppressions';
import { closestRuleName, unknownRuleMessage } from './ruleNames';

/** The engine's own finding for a suppression comment naming no rule: the comment silences nothing. */
export const unknownRuleFinding = 'unknown-rule-name';

export type RuleSetting = Severity | 'off';

export interface AnalysisSettings {
  /** Per-rule severity override or `off`. */
  rules?: Record<string, RuleSetting | undefined>;
}

export const docsBaseUrl = 'https://github.com/layerlens/layerlens/blob/main/docs/rules/';

export function docsUrlFor(rule: string): string {
  return `${docsBaseUrl}${rule}.md`;
}

/** Runs every enabled rule over a parsed Dockerfile. Pure: no I/O, never throws for a rule's bug. */
export function analyze(
  model: DockerfileModel,
  settings: AnalysisSettings = {},
  rules: readonly Rule[] = allRules,
  context: BuildContextFacts = {},
): Finding[] {
  const suppressions = collectSuppressions(model);
  const findings: Finding[] = suppressions.unknown.map(({ name, range }) => ({
    rule: unknownRuleFinding,
    severity: 'warning',
    message: unknownRuleMessage(name, 'this ignore comment'),
    range,
    fixes: [
      {
        title: `Change to ${closestRuleName(name)}`,
        edits: [{ range, newText: closestRuleName(name) }],
        preferred: true,
      },
    ],
    docsUrl: 'https://github.com/layerlens/layerlens/blob/main/docs/compatibility.md',
    unnecessary: false,
  }));
  for (const rule of rules) {
    const name = rule.meta.name;
    const setting = settings.rules?.[name];
    const aliases = aliasesOf(rule);
    if (setting === 'off' || aliases.some((alias) => suppressions.global.has(alias))) continue;
    if (suppressions.allBuildkitChecks && rule.meta.compat?.buildkit?.length) continue;
    const report = (entry: Report<string>) => {
      const owner = instructionAt(model, entry.range);
      const ignored = owner ? suppressions.byInstruction.get(owner.index) : undefined;
      if (ignored && aliases.some((alias) => ignored.has(alias))) return;
      findings.push({
        rule: name,
        // A hint (hygiene in a stage that is not shipped) stays a hint; otherwise the user's setting wins,
        // then the finding's own severity (a rule may raise or lower it), then the rule's default.
        severity: entry.severity === 'hint' ? 'hint' : (setting ?? entry.severity ?? rule.meta.severity),
        message: renderMessage(rule.meta.messages[entry.messageId] ?? entry.messageId, entry.data),
        range: entry.range,
        fixes: entry.fix ? [entry.fix] : [],
        docsUrl: docsUrlFor(name),
        unnecessary: rule.meta.unnecessary === true,
      });
    };
    try {
      rule.check({ model, context, report });
    } catch (error) {
      // A rule's bug must not take the others (or the server) down; say so where the user looks.
      findings.push({
        rule: name,
        severity: 'error',
        message: `LayerLens rule ${name} failed on this file: ${error instanceof Error ? error.message : String(error)}`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        fixes: [],
        docsUrl: docsUrlFor(name),
        unnecessary: false,
      });
    }
  }
  return sortFindings(findings);
}

/** Findings in document order, then by rule name: the order every output lists them in. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => comparePositions(a.range.start, b.range.start) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

const aliasCache = new WeakMap<Rule, string[]>();

/** The names that silence a rule: its own, and the peer checks it corresponds to. */
function aliasesOf(rule: Rule): string[] {
  let aliases = aliasCache.get(rule);
  if (!aliases) {
    aliases = [rule.meta.name, ...(rule.meta.compat?.hadolint ?? []), ...(rule.meta.compat?.buildkit ?? [])];
    aliasCache.set(rule, aliases);
  }
  return aliases;
}

function instructionAt(model: DockerfileModel, range: Range): Instruction | undefined {
  const line = range.start.line;
  let low = 0;
  let high = model.instructions.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const candidate = model.instructions[mid];
    if (line < candidate.range.start.line) high = mid - 1;
    else if (line > candidate.range.end.line) low = mid + 1;
    else return candidate;
  }
  return undefined;
}

export function renderMessage(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, key: string) =>
    data && key in data ? String(data[key]) : match,
  );
}
