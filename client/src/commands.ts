import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { showSizeBreakdown } from './sizeBreakdown';

type Handler = (...args: unknown[]) => unknown;

/** Client-side commands, name → handler; server-side features come as code actions and lenses. */
export function createCommands(client: () => LanguageClient | undefined): Record<string, Handler> {
  return {
    'layerlens.openRuleDocs': (url: unknown) => {
      if (typeof url === 'string' && /^https:\/\//.test(url)) return vscode.env.openExternal(vscode.Uri.parse(url));
      return undefined;
    },
    'layerlens.showSizeBreakdown': (uri: unknown, stage: unknown) => {
      const current = client();
      if (!current || typeof uri !== 'string' || typeof stage !== 'number') return undefined;
      return showSizeBreakdown(current, uri, stage);
    },
  };
}
