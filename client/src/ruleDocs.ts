import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

/**
 * The rule docs ship inside the extension (docs/rules/<rule>.md), so a diagnostic's code link and the
 * "Show documentation" quick fix open them offline; the server's web URL stays the fallback (a rule
 * without a bundled page, or a development checkout without docs). The code link targets the file itself:
 * VS Code opens a file link from the Problems panel, the hover and the peek alike, in the browser and on
 * the desktop, with no prompt (a command link opens only from the Problems panel, an extension URI asks
 * for permission on the desktop). previewBundledDocs then shows the page rendered.
 */
export function bundledRuleDoc(extensionUri: vscode.Uri, rule: string): vscode.Uri | undefined {
  if (!/^[a-z0-9-]+$/.test(rule)) return undefined;
  const doc = vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${rule}.md`);
  return existsSync(doc.fsPath) ? doc : undefined;
}

/** Points each LayerLens diagnostic's code link at the bundled doc of its rule. */
export function localDocsMiddleware(extensionUri: vscode.Uri): Pick<Middleware, 'handleDiagnostics'> {
  return {
    handleDiagnostics(uri, diagnostics, next) {
      for (const diagnostic of diagnostics) {
        const code = diagnostic.code;
        if (typeof code !== 'object' || typeof code.value !== 'string') continue;
        const doc = bundledRuleDoc(extensionUri, code.value);
        if (doc) diagnostic.code = { value: code.value, target: doc };
      }
      next(uri, diagnostics);
    },
  };
}

/**
 * Replaces a text editor opened on a bundled rule doc (by the code link) with its Markdown preview: the
 * page is for reading, and the extension's files are not the user's to edit.
 */
export function previewBundledDocs(extensionUri: vscode.Uri): vscode.Disposable {
  const docsFolder = `${vscode.Uri.joinPath(extensionUri, 'docs', 'rules').toString()}/`;
  return vscode.window.tabGroups.onDidChangeTabs(async (event) => {
    for (const tab of [...event.opened, ...event.changed]) {
      if (!(tab.input instanceof vscode.TabInputText)) continue;
      const doc = tab.input.uri;
      if (!doc.toString().startsWith(docsFolder) || !doc.path.endsWith('.md')) continue;
      await vscode.commands.executeCommand('markdown.showPreview', doc);
      // The preview is open beside it in the same group; the text tab may be gone already (closed meanwhile).
      const stillOpen = vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find(
          (candidate) =>
            candidate.input instanceof vscode.TabInputText && candidate.input.uri.toString() === doc.toString(),
        );
      if (stillOpen) await vscode.window.tabGroups.close(stillOpen);
    }
  });
}

/** The rule a web docs URL names (`…/docs/rules/<rule>.md`), if any. */
export function ruleOfDocsUrl(url: string): string | undefined {
  return /\/docs\/rules\/([a-z0-9-]+)\.md(?:#.*)?$/.exec(url)?.[1];
}

/** "Show documentation": the bundled page in the Markdown preview, else the web page. */
export async function openRuleDocs(extensionUri: vscode.Uri, url: unknown): Promise<void> {
  if (typeof url !== 'string') return;
  const rule = ruleOfDocsUrl(url);
  const doc = rule ? bundledRuleDoc(extensionUri, rule) : undefined;
  if (doc) {
    await vscode.commands.executeCommand('markdown.showPreview', doc);
    return;
  }
  if (/^https:\/\//.test(url)) await vscode.env.openExternal(vscode.Uri.parse(url));
}
