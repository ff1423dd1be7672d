import * as vscode from 'vscode';

/** Client-side commands, name → handler; server-side features come as code actions. */
export const commands: Record<string, (...args: unknown[]) => unknown> = {
  'layerlens.openRuleDocs': (url: unknown) => {
    if (typeof url === 'string' && /^https:\/\//.test(url)) return vscode.env.openExternal(vscode.Uri.parse(url));
    return undefined;
  },
};
