import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { localDocsMiddleware } from './ruleDocs';

export const dockerfileSelector = [{ language: 'dockerfile' }];

/** Builds the language client for the bundled server, started over IPC. */
export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: dockerfileSelector,
    synchronize: {
      configurationSection: 'layerlens',
      // Files that change what the analysis knows about the build context.
      // Every workspace file: COPY sizes come from the build context; the server drops only what a change affects.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
    },
    outputChannel: output,
    middleware: localDocsMiddleware(context.extensionUri),
    // The registry lookup cache lives in global storage; lookups never run in untrusted workspaces
    // (restrictedConfigurations ignores only workspace values of the setting, not the user's).
    initializationOptions: {
      storagePath: context.globalStorageUri.fsPath,
      workspaceTrusted: vscode.workspace.isTrusted,
    },
  };
  return new LanguageClient('layerlens', 'LayerLens', serverOptions, clientOptions);
}
