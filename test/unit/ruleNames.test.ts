import assert from 'node:assert/strict';
import { analyzeDocument } from '../../server/src/engine/document';
import { applyEdits } from '../../server/src/engine/edits';
import { closestRuleName, editDistance, isKnownRuleName } from '../../server/src/engine/ruleNames';
import { normalizeSettings, settingsProblems } from '../../server/src/settings';

describe('unknown rule names', () => {
  it('measures edit distance', () => {
    assert.deepEqual(
      [
        editDistance('', ''),
        editDistance('abc', ''),
        editDistance('kitten', 'sitting'),
        editDistance('flaw', 'lawn'),
        editDistance('same', 'same'),
      ],
      [0, 3, 3, 2, 0],
    );
  });

  it('names the closest rule', () => {
    assert.deepEqual(
      ['no-user-in-final', 'unused-stages', 'Unpinned-Base-Image', 'sudo', 'package-cache'].map(closestRuleName),
      ['no-user-in-final-stage', 'unused-stage', 'unpinned-base-image', 'sudo-in-run', 'package-cache-left'],
    );
  });

  it('knows rule names and the peer checks they correspond to', () => {
    assert.deepEqual(
      ['unused-stage', 'DL3008', 'DL3015', 'SecretsUsedInArgOrEnv', 'unused-stages'].map(isKnownRuleName),
      [true, false, true, true, false],
    );
  });

  it('warns on an unknown name in a layerlens ignore comment, on the name, with the closest name and a fix', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['FROM node:22-slim', '# layerlens ignore=DL3015, no-user-in-final', 'CMD ["node"]', ''].join(eol);
      const findings = analyzeDocument(text).findings.filter((finding) => finding.rule === 'unknown-rule-name');
      const range = { start: { line: 1, character: 27 }, end: { line: 1, character: 43 } };
      assert.deepEqual(
        findings.map(({ severity, message, range, fixes }) => ({ severity, message, range, fixes })),
        [
          {
            severity: 'warning',
            message: 'Unknown rule "no-user-in-final" in this ignore comment; did you mean "no-user-in-final-stage"?',
            range,
            fixes: [
              {
                title: 'Change to no-user-in-final-stage',
                edits: [{ range, newText: 'no-user-in-final-stage' }],
                preferred: true,
              },
            ],
          },
        ],
      );
      // The fix names the rule, which then is silenced for the CMD, and the warning is gone.
      const fixed = applyEdits(text, findings[0].fixes[0].edits);
      assert.deepEqual(
        analyzeDocument(fixed).findings.map((finding) => finding.rule),
        [],
      );
    }
  });

  it('leaves hadolint comments and global ignores of known names alone', () => {
    const text =
      'FROM node:22-slim\n# hadolint ignore=DL3008,DL9999\n# layerlens global ignore=unused-stage\nUSER node\n';
    assert.deepEqual(
      analyzeDocument(text).findings.filter((finding) => finding.rule === 'unknown-rule-name'),
      [],
    );
  });

  it('finds unknown keys of layerlens.rules (kept in the settings, where they match nothing)', () => {
    const raw = { rules: { 'unused-stage': 'off', 'unused-stages': 'off', DL3015: 'off' } };
    assert.deepEqual(settingsProblems(raw), [
      'Unknown rule "unused-stages" in layerlens.rules; did you mean "unused-stage"?',
    ]);
    assert.deepEqual(settingsProblems({}), []);
    assert.deepEqual(settingsProblems(null), []);
    assert.deepEqual(normalizeSettings(raw).rules, { 'unused-stage': 'off', 'unused-stages': 'off', DL3015: 'off' });
  });
});
