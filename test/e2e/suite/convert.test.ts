// "Convert to multi-stage build" in a real VS Code: the lens, the command with its diff preview, and
// the split quick fix from the lightbulb.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFixture, revertAll, waitFor, waitForCodes } from './helpers';

const converted = `FROM node:22 AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:22-slim
WORKDIR /app
COPY --from=build /app/package*.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
EXPOSE 3000
USER node
CMD ["node", "dist/server.js"]
`;

/**
 * Applies the refactor preview VS Code opens for an edit that needs confirmation, as a user pressing
 * "Apply" would: retried until the preview is there and `pending` (the edit being applied) settles.
 */
async function acceptPreview<T>(pending: Thenable<T>): Promise<T> {
  let settled: { value: T } | undefined;
  let failed: unknown;
  pending.then(
    (value) => (settled = { value }),
    (error: unknown) => (failed = error ?? new Error('rejected')),
  );
  await waitFor('the refactor preview to be applied', () => {
    if (failed) throw failed instanceof Error ? failed : new Error(JSON.stringify(failed));
    if (settled) return true;
    void Promise.resolve(vscode.commands.executeCommand('refactorPreview.apply')).catch(() => undefined);
    return undefined;
  });
  return (settled as { value: T }).value;
}

describe('LayerLens convert to multi-stage build', function () {
  this.timeout(90_000);

  afterEach(revertAll);

  it('offers a convert lens on the single-stage FROM with the size before → after', async () => {
    const editor = await openFixture('convert/Dockerfile');
    let title: string | undefined;
    await waitFor('the convert lens', () => {
      void vscode.commands
        .executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10)
        .then((lenses) => {
          title = lenses.find((lens) => lens.command?.command === 'layerlens.convertToMultiStage')?.command?.title;
        });
      return title;
    });
    assert.match(title ?? '', /^Convert to multi-stage build \([≈≥] [\d.]+ (GB|MB) → [≈≥] [\d.]+ MB on disk\)$/);
  });

  it('applies "Split into build and runtime stages" from the lightbulb', async () => {
    const editor = await openFixture('convert/Dockerfile');
    const uri = editor.document.uri;
    await waitForCodes(uri, ['6:single-stage-build']);
    const diagnostic = vscode.languages
      .getDiagnostics(uri)
      .find(
        (entry) =>
          entry.source === 'layerlens' && typeof entry.code === 'object' && entry.code.value === 'single-stage-build',
      );
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const split = actions.find((action) => action.title.startsWith('Split into build and runtime stages'));
    assert.ok(split?.edit, `no split action among ${actions.map((action) => action.title).join(' | ')}`);
    assert.equal(await acceptPreview(vscode.workspace.applyEdit(split.edit)), true);
    assert.equal(editor.document.getText(), converted);
  });

  it('rewrites the Dockerfile from the command palette command after the diff preview', async () => {
    const editor = await openFixture('convert/Dockerfile');
    await waitForCodes(editor.document.uri, ['6:single-stage-build']);
    assert.equal(
      vscode.window.activeTextEditor?.document.uri.toString(),
      editor.document.uri.toString(),
      'the palette command converts the active editor',
    );
    const applied = await acceptPreview(vscode.commands.executeCommand<boolean>('layerlens.convertToMultiStage'));
    assert.equal(applied, true, `not applied; text now ${editor.document.getText()}`);
    assert.equal(editor.document.getText(), converted);
    await waitForCodes(
      editor.document.uri,
      [],
      ['single-stage-build', 'sdk-image-in-final-stage', 'source-copied-into-final-stage'],
    );
  });

  it('explains why it leaves a Dockerfile alone', async () => {
    const editor = await openFixture('cleanup/Dockerfile');
    const before = editor.document.getText();
    assert.equal(await vscode.commands.executeCommand('layerlens.convertToMultiStage', editor.document.uri), false);
    assert.equal(editor.document.getText(), before);
  });
});
