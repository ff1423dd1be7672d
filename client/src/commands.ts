import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { showSizeBreakdown } from './sizeBreakdown';
import { convertToMultiStage } from './convert';
import { openRuleDocs } from './ruleDocs';
import { buildAndMeasure } from './measure';

type Handler = (...args: unknown[]) => unknown;

/** Client-side commands, name → handler; server-side features come as code actions and lenses. */
export function createCommands(
  client: () => LanguageClient | undefined,
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): Record<string, Handler> {
  return {
    'layerlens.openRuleDocs': (url: unknown) => openRuleDocs(context.extensionUri, url),
    'layerlens.showSizeBreakdown': (uri: unknown, stage: unknown) => {
      const current = client();
      if (!current || typeof uri !== 'string' || typeof stage !== 'number') return undefined;
      return showSizeBreakdown(current, uri, stage);
    },
    // From the palette (no argument: the active editor), the editor context menu (a Uri) or a lens (a string).
    'layerlens.convertToMultiStage': (target: unknown) => {
      const current = client();
      if (!current) return undefined;
      const uri =
        typeof target === 'string'
          ? target
          : target instanceof vscode.Uri
            ? target.toString()
            : vscode.window.activeTextEditor?.document.uri.toString();
      return convertToMultiStage(current, uri);
    },
    // From the palette (the active editor), the lens on the shipped FROM (a string) or the context menu (a Uri).
    'layerlens.buildAndMeasure': (target: unknown) => {
      const current = client();
      if (!current) return undefined;
      const uri = typeof target === 'string' ? target : target instanceof vscode.Uri ? target.toString() : undefined;
      return buildAndMeasure(current, context, output, uri);
    },
  };
}
