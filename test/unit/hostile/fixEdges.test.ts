// Fixes at the edges of a file: a byte-order mark before line 1, a dangling continuation at the end.
import assert from 'node:assert/strict';
import { analyzeDocument } from '../../../server/src/engine/document';
import { applyEdits } from '../../../server/src/engine/edits';
import { codeActionsFor } from '../../../server/src/features/codeActions';
import { toDiagnostic } from '../../../server/src/features/diagnostics';
import type { TextEdit } from '../../../server/src/rules/types';

describe('fixes at the edges of a file', () => {
  it('"Ignore … for this instruction" on line 1 of a file with a byte-order mark keeps the FROM', () => {
    const text = '\uFEFFFROM node:22\nCMD ["node", "server.js"]\n';
    const analysis = analyzeDocument(text);
    const finding = analysis.findings.find((candidate) => candidate.rule === 'no-user-in-final-stage');
    assert.ok(finding);
    const actions = codeActionsFor({ uri: 'file:///x/Dockerfile', version: 1 }, analysis, [toDiagnostic(finding)], {
      canCreateFiles: false,
    });
    const ignore = actions.find((action) => action.title === 'Ignore no-user-in-final-stage for this instruction');
    const edits = ignore?.edit?.changes?.['file:///x/Dockerfile'] as TextEdit[];
    const fixed = applyEdits(text, edits);
    assert.equal(fixed, '\uFEFF# layerlens ignore=no-user-in-final-stage\nFROM node:22\nCMD ["node", "server.js"]\n');
    const again = analyzeDocument(fixed);
    assert.deepEqual(
      [again.model?.stages.length, again.findings.filter((entry) => entry.rule === 'no-user-in-final-stage')],
      [1, []],
    );
  });

  // The CMD comes before the last RUN, so the USER goes at the end, after the dangling continuation.
  const app = 'FROM node:22\nCMD ["node", "server.js"]\nRUN npm ci\n';
  for (const text of [`${app}ENV X=1 \\\n`, `${app}ENV X=1 \\`, `${app}ENV X=1 \\\n\n`]) {
    it(`"Add USER" after a last line ending in a continuation stays its own instruction: ${JSON.stringify(text)}`, () => {
      const finding = analyzeDocument(text).findings.find((candidate) => candidate.rule === 'no-user-in-final-stage');
      const fix = finding?.fixes[0];
      assert.equal(fix?.title, 'Add USER node');
      const fixed = analyzeDocument(applyEdits(text, fix.edits));
      assert.deepEqual(
        fixed.model?.instructions.map((instruction) => instruction.keyword),
        ['FROM', 'CMD', 'RUN', 'ENV', 'USER'],
      );
      assert.deepEqual(
        fixed.findings.filter((entry) => entry.rule === 'no-user-in-final-stage'),
        [],
      );
    });
  }
});
