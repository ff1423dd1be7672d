import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './client';
import { createCommands } from './commands';
import { previewBundledDocs } from './ruleDocs';
import { restoreMeasurements } from './measure';
import { SizeStatusItem } from './sizeStatus';
import type { SizeStatusView } from './sizeStatus';

let client: LanguageClient | undefined;

/** The extension's exports: what the e2e suite reads of the UI it cannot query through the vscode API. */
export interface LayerLensApi {
  sizeStatus(): SizeStatusView | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<LayerLensApi> {
  const output = vscode.window.createOutputChannel('LayerLens', { log: true });
  context.subscriptions.push(output);
  for (const [name, handler] of Object.entries(createCommands(() => client, context, output))) {
    context.subscriptions.push(vscode.commands.registerCommand(name, handler));
  }
  client = createClient(context, output);
  context.subscriptions.push(previewBundledDocs(context.extensionUri));
  // Matches workspaceTrustedNotification in server/src/registry/lookups.ts.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification('layerlens/workspaceTrusted')),
  );
  let sizeStatus: SizeStatusItem | undefined;
  try {
    await client.start();
    await restoreMeasurements(client, context);
    sizeStatus = new SizeStatusItem(client);
    context.subscriptions.push(sizeStatus);
    void sizeStatus.refresh();
  } catch (error) {
    // Activation errors are shown, not swallowed: without the server there are no diagnostics at all.
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`LayerLens server failed to start: ${message}`);
    void vscode.window.showErrorMessage(`LayerLens could not start its language server: ${message}`);
  }
  return { sizeStatus: () => sizeStatus?.view() };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
