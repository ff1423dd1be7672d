import type { DockerfileModel, Instruction } from '../model/model';
import { comparePositions } from '../model/text';
import type { Range } from '../model/text';
import { rules as allRules } from '../rules';
import type { Report, Rule, Severity } from '../rules/types';
import type { Finding } from './finding';
import { collectSuppressions } from './suppressions';

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
export function analyze(model: DockerfileModel, settings: AnalysisSettings = {}, rules: readonly Rule[] = allRules): Finding[] {
  const suppressions = collectSuppressions(model);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const name = rule.meta.name;
    const setting = settings.rules?.[name];
    if (setting === 'off' || suppressions.global.has(name)) continue;
    const severity = setting ?? rule.meta.severity;
    const report = (entry: Report<string>) => {
      const owner = instructionAt(model, entry.range);
      if (owner && suppressions.byInstruction.get(owner.index)?.has(name)) return;
      findings.push({
        rule: name,
        severity,
        message: renderMessage(rule.meta.messages[entry.messageId] ?? entry.messageId, entry.data),
        range: entry.range,
        fixes: entry.fix ? [entry.fix] : [],
        docsUrl: docsUrlFor(name),
        unnecessary: rule.meta.unnecessary === true,
      });
    };
    try {
      rule.check({ model, report });
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
  findings.sort((a, b) => comparePositions(a.range.start, b.range.start) || a.rule.localeCompare(b.rule));
  return findings;
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
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, key: string) => (data && key in data ? String(data[key]) : match));
}
