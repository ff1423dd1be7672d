// The status-bar item with the shipped size in a real VS Code: shown for the active Dockerfile, updated
// by an edit, hidden for other editors. Read through the extension's exports (the vscode API cannot list
// another extension's status-bar items) and, under code-server, in the rendered workbench (run.mjs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { askWorkbench, extensionId, openFixture, revertAll, waitFor, waitForAsync, workbenchDriven } from './helpers';

interface SizeStatusView {
  visible: boolean;
  text: string;
  tooltip: string;
  command: string | undefined;
  arguments: unknown[];
}

async function sizeStatus(): Promise<() => SizeStatusView | undefined> {
  const extension = vscode.extensions.getExtension<{ sizeStatus(): SizeStatusView | undefined }>(extensionId);
  assert.ok(extension);
  const api = await extension.activate();
  return () => api.sizeStatus();
}

/** The megabytes of `$(package) ≈ 154 MB (134–169)`. */
function megabytes(text: string): number {
  const match = /([\d.]+) (GB|MB|kB)/.exec(text);
  assert.ok(match, `no size in ${text}`);
  return Number(match[1]) * { GB: 1000, MB: 1, kB: 0.001 }[match[2] as 'GB' | 'MB' | 'kB'];
}

/** Waits until the workbench renders the item with `text` (its `$(package)` icon has no text). */
async function renderedAs(text: string): Promise<void> {
  const expected = text.replace('$(package) ', '');
  let seen: string | null = null;
  await waitForAsync(`the rendered status bar to show ${expected}, last seen ${String(seen)}`, async () => {
    seen = await askWorkbench<string | null>('statusBarItem', { label: 'Shipped image' });
    return seen === expected ? true : undefined;
  });
}

describe('LayerLens status bar', function () {
  this.timeout(90_000);

  afterEach(revertAll);

  it('shows the shipped size of the active Dockerfile and updates it after an edit', async () => {
    const editor = await openFixture('cleanup/Dockerfile');
    const uri = editor.document.uri.toString();
    const status = await sizeStatus();
    const before = await waitFor('the size in the status bar', () => {
      const view = status();
      return view?.visible && view.text.startsWith('$(package) ≈') ? view : undefined;
    });
    assert.deepEqual(
      { ...before, text: before.text.replace(/\d+/g, 'N'), tooltip: before.tooltip.split('\n')[0] },
      {
        visible: true,
        text: '$(package) ≈ N MB (N–N)',
        tooltip: '**LayerLens: shipped image, stage 0**',
        command: 'layerlens.showSizeBreakdown',
        arguments: [uri, 0],
      },
    );
    if (workbenchDriven) await renderedAs(before.text);
    const userLine = editor.document.lineAt(3);
    assert.equal(userLine.text, 'USER app');
    await editor.edit((builder) =>
      builder.insert(
        userLine.range.start,
        'RUN apt-get update && apt-get install -y --no-install-recommends build-essential\n',
      ),
    );
    const after = await waitFor('the status bar to grow by the build-essential layer', () => {
      const view = status();
      return view?.visible && megabytes(view.text) > megabytes(before.text) + 100 ? view : undefined;
    });
    if (workbenchDriven) await renderedAs(after.text);
  });

  it('hides the item for an editor that is not a Dockerfile, and shows it again', async () => {
    const status = await sizeStatus();
    await openFixture('cleanup/Dockerfile');
    await waitFor('the item shown', () => (status()?.visible ? true : undefined));
    const text = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'not a Dockerfile\n' });
    await vscode.window.showTextDocument(text);
    await waitFor('the item hidden', () => (status()?.visible === false ? true : undefined));
    if (workbenchDriven)
      await waitForAsync('the rendered item to go', async () =>
        (await askWorkbench<string | null>('statusBarItem', { label: 'Shipped image' })) === null ? true : undefined,
      );
    await openFixture('cleanup/Dockerfile');
    await waitFor('the item shown again', () => (status()?.visible ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
