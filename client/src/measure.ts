import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

// The protocol of server/src/features/measure.ts, as far as the client uses it.
const measureRequest = 'layerlens/measure';
const measureProgressNotification = 'layerlens/measureProgress';
const measuredNotification = 'layerlens/measured';

interface MeasureProgress {
  uri: string;
  step?: string;
  line?: string;
}

/** Kept as the server sent it; the client reads only the totals. */
interface StoredMeasurement {
  engine: string;
  compressedBytes: number;
  diskBytes: number;
  wastedBytes: number;
  efficiency: number;
}

type MeasureResponse =
  { ok: true; measurement: StoredMeasurement } | { ok: false; reason: string; cancelled?: boolean };

/** Where measurements are kept between sessions: workspace state, per document URI. */
const storageKey = 'layerlens.measurements';

function storedMeasurements(context: vscode.ExtensionContext): Record<string, StoredMeasurement> {
  return context.workspaceState.get<Record<string, StoredMeasurement>>(storageKey) ?? {};
}

/** Sends the kept measurements to a (re)started server, so reopening a Dockerfile shows them again. */
export async function restoreMeasurements(client: LanguageClient, context: vscode.ExtensionContext): Promise<void> {
  for (const [uri, measurement] of Object.entries(storedMeasurements(context)))
    await client.sendNotification(measuredNotification, { uri, measurement });
}

const formatMegabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * "LayerLens: Build and Measure": saves the Dockerfile, asks the server to build it with the user's
 * engine (progress notification, cancellable; the build log goes to the LayerLens output), keeps the
 * result for the document. Never runs on its own, and not in untrusted workspaces.
 */
export async function buildAndMeasure(
  client: LanguageClient,
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  uri: string | undefined,
): Promise<MeasureResponse | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('LayerLens builds images only in trusted workspaces.');
    return undefined;
  }
  const target = uri ? vscode.Uri.parse(uri) : vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showWarningMessage('Open a Dockerfile to build and measure it.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(target);
  if (document.languageId !== 'dockerfile') {
    void vscode.window.showWarningMessage('Build and Measure works on Dockerfiles.');
    return undefined;
  }
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showWarningMessage('Save the Dockerfile first: LayerLens builds the file on disk.');
    return undefined;
  }
  const engine = vscode.workspace.getConfiguration('layerlens', document.uri).get<string>('measure.engine') ?? '';
  const response = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'LayerLens: Build and Measure', cancellable: true },
    async (progress, token) => {
      output.info(`Build and Measure ${document.uri.fsPath}`);
      const listener = client.onNotification(measureProgressNotification, (update: MeasureProgress) => {
        if (update.uri !== document.uri.toString()) return;
        if (update.step) {
          progress.report({ message: `${update.step}…` });
          output.info(update.step);
        }
        if (update.line !== undefined) output.appendLine(update.line);
      });
      try {
        return await client.sendRequest<MeasureResponse>(
          measureRequest,
          { textDocument: { uri: document.uri.toString() }, engine },
          token,
        );
      } finally {
        listener.dispose();
      }
    },
  );
  if (!response.ok) {
    output.info(response.reason);
    if (!response.cancelled) {
      const choice = await vscode.window.showErrorMessage(response.reason, 'Show Log');
      if (choice === 'Show Log') output.show(true);
    }
    return response;
  }
  const kept = storedMeasurements(context);
  kept[document.uri.toString()] = response.measurement;
  await context.workspaceState.update(storageKey, kept);
  const { measurement } = response;
  const summary = `Measured with ${measurement.engine}: ${formatMegabytes(measurement.diskBytes)} on disk, ${formatMegabytes(measurement.compressedBytes)} to pull; ${formatMegabytes(measurement.wastedBytes)} wasted (${(measurement.efficiency * 100).toFixed(1)} % efficient).`;
  output.info(summary);
  void vscode.window.showInformationMessage(summary);
  return response;
}
