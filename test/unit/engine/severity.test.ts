// Which severity a finding ends up with: the user's setting, then the finding's own, then the rule's default;
// a hint (a finding in a stage that is not shipped) stays a hint whatever the setting says.
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import type { RuleSetting } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { defineRule } from '../../../server/src/rules/types';
import type { Rule, Severity } from '../../../server/src/rules/types';

/** A rule that reports the FROM once, with the given severity of its own (or none). */
function ruleReporting(own: Severity | undefined): Rule {
  return defineRule({
    meta: {
      name: 'probe',
      severity: 'warning',
      fixable: false,
      docs: { summary: 's', rationale: 'r', bad: 'FROM a', good: 'FROM a' },
      messages: { found: 'found' },
    },
    check({ model, report }) {
      const from = model.stages[0]?.from;
      if (from) report({ messageId: 'found', range: from.range, severity: own });
    },
  });
}

function severityOf(own: Severity | undefined, setting: RuleSetting | undefined): Severity[] {
  const settings = setting ? { rules: { probe: setting } } : {};
  return analyze(buildModel('FROM alpine:3.20\n'), settings, [ruleReporting(own)]).map((finding) => finding.severity);
}

describe('engine: severity precedence', () => {
  const cases: Array<{ own: Severity | undefined; setting: RuleSetting | undefined; expected: Severity[] }> = [
    { own: undefined, setting: undefined, expected: ['warning'] },
    { own: 'info', setting: undefined, expected: ['info'] },
    { own: 'error', setting: undefined, expected: ['error'] },
    { own: undefined, setting: 'error', expected: ['error'] },
    { own: 'info', setting: 'error', expected: ['error'] },
    { own: 'error', setting: 'info', expected: ['info'] },
    { own: 'hint', setting: 'error', expected: ['hint'] },
    { own: 'hint', setting: undefined, expected: ['hint'] },
    { own: 'info', setting: 'off', expected: [] },
  ];
  for (const { own, setting, expected } of cases) {
    it(`finding says ${own ?? 'nothing'}, the user says ${setting ?? 'nothing'} → ${expected.join() || 'no finding'}`, () => {
      assert.deepEqual(severityOf(own, setting), expected);
    });
  }
});
