import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** The JSON of the `layerlens/imageSize` request, as far as the breakdown uses it. */
interface ImageSize {
  stages: Array<{
    name: string | null;
    index: number;
    shipped: boolean;
    base: { reference: string; diskBytes: number | null; confidence: string };
    layers: Array<{ line: number; instruction: string; diskBytes: number | null; confidence: string; notes: string[] }>;
  }>;
}

/** Mirrors formatBytes in server/src/size/format.ts, so the breakdown reads like the lens and the hover. */
function format(bytes: number | null): string {
  if (bytes === null) return 'unknown';
  if (bytes === 0) return '0 B';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  return bytes >= 1e7 ? `${Math.round(bytes / 1e6)} MB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Shows a stage's layers sorted by size, with bars; picking one reveals its line. */
export async function showSizeBreakdown(client: LanguageClient, uri: string, stageIndex: number): Promise<void> {
  const size = await client.sendRequest<ImageSize | null>('layerlens/imageSize', { textDocument: { uri } });
  const stage = size?.stages[stageIndex];
  if (!stage) return;
  const largest = Math.max(1, ...stage.layers.map((layer) => layer.diskBytes ?? 0), stage.base.diskBytes ?? 0);
  const bar = (bytes: number | null) =>
    '█'.repeat(bytes === null ? 0 : Math.max(1, Math.round((12 * bytes) / largest)));
  type Item = vscode.QuickPickItem & { line?: number };
  const items: Item[] = [
    {
      label: `${bar(stage.base.diskBytes)} ${format(stage.base.diskBytes)}`,
      description: `FROM ${stage.base.reference}`,
      detail: `base image (${stage.base.confidence})`,
    },
    ...[...stage.layers]
      .sort((a, b) => (b.diskBytes ?? -1) - (a.diskBytes ?? -1))
      .map((layer) => ({
        label: `${bar(layer.diskBytes)} ${format(layer.diskBytes)}`,
        description: `line ${layer.line}: ${layer.instruction}`,
        detail: `${layer.confidence} · ${layer.notes.join('; ')}`,
        line: layer.line,
      })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `LayerLens: ${stage.name ?? `stage ${stage.index}`}${stage.shipped ? ' (shipped)' : ' (not shipped)'} by layer`,
    matchOnDescription: true,
  });
  if (picked?.line === undefined) return;
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  const position = new vscode.Position(picked.line - 1, 0);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
}
