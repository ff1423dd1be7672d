import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { sizesChangedNotification, sizeStatusRequest } from '../../server/src/protocol';
import type { SizeStatus, SizeStatusParams } from '../../server/src/protocol';

/** What the item shows, for the e2e suite (the extension's exports). */
export interface SizeStatusView {
  visible: boolean;
  text: string;
  tooltip: string;
  command: string | undefined;
  arguments: unknown[];
}

/**
 * The status-bar item with the shipped size of the active Dockerfile, hidden for other editors. It asks
 * the server again when the active editor changes, when the server published diagnostics of that
 * Dockerfile (a new version was analysed) and when the server says sizes changed without an edit. People
 * who do not want it hide it with the status bar's context menu (the item has its own id and name).
 */
export class SizeStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('layerlens.size', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: Array<{ dispose(): unknown }> = [];
  /** Answers arrive out of order when the user switches editors quickly: only the last one counts. */
  private latest = 0;
  private visible = false;

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'LayerLens: shipped image size';
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      vscode.languages.onDidChangeDiagnostics((event) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (event.uris.some((uri) => uri.toString() === active)) void this.refresh();
      }),
      client.onNotification(sizesChangedNotification, () => void this.refresh()),
    );
  }

  async refresh(): Promise<void> {
    const request = ++this.latest;
    const document = vscode.window.activeTextEditor?.document;
    if (document?.languageId !== 'dockerfile') {
      this.hide();
      return;
    }
    const uri = document.uri.toString();
    const params: SizeStatusParams = { textDocument: { uri } };
    const status = await this.client.sendRequest<SizeStatus | null>(sizeStatusRequest, params).catch(() => null);
    if (request !== this.latest) return;
    if (!status) {
      this.hide();
      return;
    }
    this.item.text = `$(package) ${status.text}`;
    this.item.tooltip = new vscode.MarkdownString(status.tooltip);
    this.item.accessibilityInformation = { label: `Shipped image: ${status.text}` };
    this.item.command = {
      title: 'Show the size breakdown',
      command: 'layerlens.showSizeBreakdown',
      arguments: [uri, status.stage],
    };
    this.item.show();
    this.visible = true;
  }

  private hide(): void {
    this.item.hide();
    this.visible = false;
  }

  view(): SizeStatusView {
    const tooltip = this.item.tooltip;
    const command = typeof this.item.command === 'object' ? this.item.command : undefined;
    return {
      visible: this.visible,
      text: this.item.text,
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      command: command?.command,
      arguments: command?.arguments ?? [],
    };
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
