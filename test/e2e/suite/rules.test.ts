// Rules end to end in a real VS Code: diagnostics arrive, a quick fix applies, edits re-check.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { askWorkbench, extensionId, openFixture, revertAll, waitFor, waitForCodes, workbenchDriven } from './helpers';

function bundledDoc(rule: string): vscode.Uri {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension);
  return vscode.Uri.joinPath(extension.extensionUri, 'docs', 'rules', `${rule}.md`);
}

describe('LayerLens diagnostics and quick fixes', function () {
  this.timeout(90_000);

  afterEach(revertAll);

  it('reports single-stage-build and no-user-in-final-stage with code, source and the bundled docs link', async () => {
    const editor = await openFixture('single-stage/Dockerfile');
    const uri = editor.document.uri;
    await waitForCodes(uri, ['1:no-user-in-final-stage', '4:single-stage-build']);
    const build = vscode.languages
      .getDiagnostics(uri)
      .find(
        (diagnostic) =>
          diagnostic.source === 'layerlens' &&
          typeof diagnostic.code === 'object' &&
          diagnostic.code.value === 'single-stage-build',
      );
    assert.ok(build);
    assert.deepEqual(
      {
        severity: build.severity,
        code:
          typeof build.code === 'object'
            ? { value: build.code.value, target: build.code.target.toString() }
            : build.code,
        text: editor.document.getText(build.range),
      },
      {
        severity: vscode.DiagnosticSeverity.Warning,
        code: { value: 'single-stage-build', target: bundledDoc('single-stage-build').toString() },
        text: 'npm run build',
      },
    );
  });

  it('opens the rule doc inside VS Code from the code link and from "Show documentation"', async () => {
    const editor = await openFixture('single-stage/Dockerfile');
    const uri = editor.document.uri;
    await waitForCodes(uri, ['4:single-stage-build']);
    const diagnostic = vscode.languages
      .getDiagnostics(uri)
      .find((candidate) => typeof candidate.code === 'object' && candidate.code.value === 'single-stage-build');
    assert.ok(diagnostic && typeof diagnostic.code === 'object');
    if (workbenchDriven) {
      // A person's click on the rule name in the Problems panel (Playwright, through the harness).
      await vscode.commands.executeCommand('workbench.panel.markers.view.focus');
      await askWorkbench('clickProblemCodeLink', { rule: 'single-stage-build' });
    } else {
      // Under Electron nobody clicks: what the Problems panel and the hover do with a file link, the opener.
      await vscode.commands.executeCommand('vscode.open', diagnostic.code.target);
    }
    const doc = diagnostic.code.target.toString();
    const opened = await waitFor('the rendered rule doc in place of its text', () => {
      const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
      const text = tabs.some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === doc);
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return !text &&
        active?.input instanceof vscode.TabInputWebview &&
        active.input.viewType.includes('markdown.preview')
        ? active.label
        : undefined;
    });
    assert.match(opened, /single-stage-build/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
    );
    const show = actions.find((action) => action.title === 'Show documentation for single-stage-build');
    assert.ok(show?.command);
    await vscode.commands.executeCommand(show.command.command, ...(show.command.arguments ?? []));
    const preview = await waitFor('the Markdown preview of the rule doc', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputWebview && input.viewType.includes('markdown.preview')
        ? vscode.window.tabGroups.activeTabGroup.activeTab?.label
        : undefined;
    });
    assert.match(preview, /single-stage-build/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('updates diagnostics as the document is edited', async () => {
    const editor = await openFixture('single-stage/Dockerfile');
    const uri = editor.document.uri;
    await waitForCodes(uri, ['1:no-user-in-final-stage', '4:single-stage-build']);
    const cmdLine = editor.document.lineAt(4);
    assert.equal(cmdLine.text.startsWith('CMD'), true);
    await editor.edit((builder) => builder.insert(cmdLine.range.start, 'USER node\n'));
    await waitForCodes(uri, ['4:single-stage-build'], ['no-user-in-final-stage']);
  });

  it('reports cleanup-in-later-layer and applies its quick fix from the code action provider', async () => {
    const editor = await openFixture('cleanup/Dockerfile');
    const uri = editor.document.uri;
    await waitForCodes(uri, ['3:cleanup-in-later-layer']);
    const diagnostic = vscode.languages
      .getDiagnostics(uri)
      .find(
        (entry) =>
          entry.source === 'layerlens' &&
          entry.code !== undefined &&
          (typeof entry.code === 'object' ? entry.code.value : entry.code) === 'cleanup-in-later-layer',
      );
    assert.ok(diagnostic);
    const provided = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = provided.map((action) => action.title);
    assert.deepEqual(
      titles.filter((title) => /layerlens|cleanup|line/i.test(title)),
      [
        'Move the cleanup into the RUN on line 2',
        'Ignore cleanup-in-later-layer for this instruction',
        'Show documentation for cleanup-in-later-layer',
      ],
    );
    const fix = provided.find((action) => action.title === 'Move the cleanup into the RUN on line 2');
    assert.ok(fix?.edit);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(
      editor.document.getText(),
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER app\nCMD ["curl", "--version"]\n',
    );
    await waitForCodes(uri, [], ['cleanup-in-later-layer']);
  });

  it('shows the stage-aware catalogue: at least five rules on the fixtures', async () => {
    const single = await openFixture('single-stage/Dockerfile');
    const singleCodes = await waitForCodes(single.document.uri, [
      '1:heavy-base-image',
      '3:source-copied-into-final-stage',
      '4:dev-dependencies-in-final-stage',
    ]);
    const cleanup = await openFixture('cleanup/Dockerfile');
    const cleanupCodes = await waitForCodes(cleanup.document.uri, [
      '2:apt-install-recommends',
      '2:network-tools-in-final-stage',
    ]);
    const rules = new Set([...singleCodes, ...cleanupCodes].map((code) => code.slice(code.indexOf(':') + 1)));
    assert.ok(rules.size >= 7, `expected at least 7 distinct rules, saw ${[...rules].join(', ')}`);
  });
});
