import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { WorkspaceEdit } from 'vscode-languageclient/node';

/** Mirrors server/src/features/convert.ts (the custom request `layerlens/convert`). */
type ConvertResponse =
  { ok: true; edit: WorkspaceEdit; messages: string[]; sizeChange: string | null } | { ok: false; reason: string };

/**
 * Asks the server for the multi-stage version of a Dockerfile and applies it. The edit carries a change
 * annotation that needs confirmation, so VS Code shows the diff in the refactor preview first.
 * Resolves to whether the file was changed.
 */
export async function convertToMultiStage(client: LanguageClient, uri: string | undefined): Promise<boolean> {
  const document = uri
    ? vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri)
    : undefined;
  if (!uri || document?.languageId !== 'dockerfile') {
    void vscode.window.showWarningMessage('LayerLens: open a Dockerfile to convert it to a multi-stage build.');
    return false;
  }
  const response = await client.sendRequest<ConvertResponse | null>('layerlens/convert', { textDocument: { uri } });
  if (!response) return false;
  if (!response.ok) {
    void vscode.window.showWarningMessage(
      `LayerLens did not convert ${vscode.workspace.asRelativePath(document.uri)}: ${response.reason}`,
    );
    return false;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(response.edit);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) return false;
  const size = response.sizeChange ? ` ${response.sizeChange}.` : '';
  const notes = response.messages.length > 0 ? 'Show Notes' : undefined;
  void vscode.window
    .showInformationMessage(`Converted to a multi-stage build.${size}`, ...(notes ? [notes] : []))
    .then((choice) => {
      if (choice === notes) void vscode.window.showInformationMessage(response.messages.join(' '), { modal: true });
    });
  return true;
}
