import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

/**
 * The rule docs ship inside the extension (docs/rules/<rule>.md), so a diagnostic's code link and the
 * "Show documentation" quick fix open them offline; the server's web URL stays the fallback (a rule
 * without a bundled page, or a development checkout without docs).
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
