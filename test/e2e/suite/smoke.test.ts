// Smoke test: the extension loads in a real VS Code and activates on a Dockerfile.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionId, openFixture, waitFor } from './helpers';

describe('LayerLens smoke', () => {
  it('opens a Dockerfile as the dockerfile language', async () => {
    const editor = await openFixture('single-stage/Dockerfile');
    assert.equal(editor.document.languageId, 'dockerfile');
  });

  // Opening a Dockerfile is what activates the extension (onLanguage:dockerfile),
  // so this test does it too rather than rely on the previous one.
  it(`activates ${extensionId} on a Dockerfile`, async () => {
    await openFixture('single-stage/Dockerfile');
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not loaded as a development extension`);
    await waitFor(`${extensionId} to activate`, () => (extension.isActive ? true : undefined));
  });
});
