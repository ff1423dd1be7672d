// The lightbulb's preferred mark: only a finding's first fix, and only when the rule does not call it a suggestion.
import assert from 'node:assert/strict';
import type { CodeAction } from 'vscode-languageserver';
import { codeActionsFor } from '../../../server/src/features/codeActions';
import type { SplitEdit } from '../../../server/src/features/codeActions';
import { toDiagnostic } from '../../../server/src/features/diagnostics';
import type { DocumentAnalysis } from '../../../server/src/engine/document';
import type { Finding } from '../../../server/src/engine/finding';
import type { Fix } from '../../../server/src/rules/types';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
const edit = (newText: string): Fix['edits'] => [{ range, newText }];

function finding(rule: string, fixes: Fix[]): Finding {
  return { rule, severity: 'warning', message: 'm', range, fixes, docsUrl: 'https://x/y.md', unnecessary: false };
}

function preferredMarks(found: Finding): Array<Pick<CodeAction, 'title' | 'isPreferred'>> {
  const analysis: DocumentAnalysis = { model: undefined, findings: [found] };
  return codeActionsFor({ uri: 'file:///x/Dockerfile', version: 1 }, analysis, [toDiagnostic(found)], {
    canCreateFiles: false,
  })
    .filter((action) => action.edit)
    .map((action) => ({ title: action.title, isPreferred: action.isPreferred }));
}

describe('code actions: preferred fixes', () => {
  it('marks the first fix preferred and the others not', () => {
    const found = finding('sudo-in-run', [
      { title: 'first', edits: edit('a') },
      { title: 'second', edits: edit('b') },
    ]);
    assert.deepEqual(preferredMarks(found), [
      { title: 'first', isPreferred: true },
      { title: 'second', isPreferred: false },
    ]);
  });

  it('does not mark a fix the rule calls a suggestion', () => {
    const found = finding('heavy-base-image', [{ title: 'Switch to slim', edits: edit('a'), preferred: false }]);
    assert.deepEqual(preferredMarks(found), [{ title: 'Switch to slim', isPreferred: false }]);
  });

  it('does not mark the stage split preferred', () => {
    const found = finding('single-stage-build', []);
    const split: SplitEdit = () => ({ title: 'Split into stages', edit: { changes: {} } });
    const analysis: DocumentAnalysis = { model: undefined, findings: [found] };
    const actions = codeActionsFor(
      { uri: 'file:///x/Dockerfile', version: 1 },
      analysis,
      [toDiagnostic(found)],
      { canCreateFiles: false },
      split,
    );
    assert.deepEqual(
      actions
        .filter((action) => action.edit)
        .map((action) => ({ title: action.title, isPreferred: action.isPreferred })),
      [{ title: 'Split into stages', isPreferred: undefined }],
    );
  });
});
