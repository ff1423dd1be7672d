// Shared helpers of the e2e suites: polling (never fixed sleeps) and fixture access.
import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';

export const extensionId = 'layerlens.layerlens';

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls an asynchronous `check` (one at a time) until it gives a value other than undefined. */
export async function waitForAsync<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run must open test/e2e/fixtures/workspace as its folder');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

export async function openFixture(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  return vscode.window.showTextDocument(document);
}

/** LayerLens diagnostics of a document, as `line:code` strings sorted by position. */
export function layerlensCodes(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((diagnostic) => diagnostic.source === 'layerlens')
    .sort((a, b) => a.range.start.compareTo(b.range.start))
    .map(
      (diagnostic) =>
        `${diagnostic.range.start.line + 1}:${String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code)}`,
    );
}

/**
 * Waits until the document's LayerLens diagnostics include every `line:code` of `present` and none of
 * `absent` (other rules may add findings of their own; these tests pin the ones they are about).
 */
export async function waitForCodes(
  uri: vscode.Uri,
  present: string[],
  absent: string[] = [],
  timeoutMs = 30_000,
): Promise<string[]> {
  let last: string[] = [];
  try {
    return await waitFor(
      `diagnostics with ${JSON.stringify(present)} and without ${JSON.stringify(absent)}`,
      () => {
        last = layerlensCodes(uri);
        return present.every((code) => last.includes(code)) &&
          absent.every((code) => !last.some((seen) => seen === code || seen.endsWith(`:${code}`)))
          ? last
          : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(last)}`, { cause: error });
  }
}

/** Throws away unsaved edits so fixtures on disk stay as committed. */
export async function revertAll(): Promise<void> {
  for (const editor of vscode.window.visibleTextEditors) {
    if (!editor.document.isDirty) continue;
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
}

// Set by test/e2e/run.mjs under code-server: the harness drives the rendered workbench for the suite.
const workbenchAnswers = process.env.LAYERLENS_E2E_WORKBENCH;
const report = process.env.LAYERLENS_E2E_REPORT;

/** Whether askWorkbench works: under code-server with run.mjs, not under @vscode/test-electron. */
export const workbenchDriven = workbenchAnswers !== undefined && report !== undefined;

/**
 * Asks the harness (test/e2e/workbench.mjs) to look at or act on the rendered workbench with Playwright:
 * what the vscode API cannot show, such as the status bar, or a click in the Problems panel.
 */
export async function askWorkbench<T>(action: string, argument: object, timeoutMs = 30_000): Promise<T> {
  if (!workbenchAnswers || !report) throw new Error('no harness drives this workbench (LAYERLENS_E2E_WORKBENCH)');
  // Unique across the test bundles, which each carry their own copy of this module.
  const id = randomUUID();
  appendFileSync(report, `ui? ${id} ${action} ${JSON.stringify(argument)}\n`);
  const file = join(workbenchAnswers, `${id}.json`);
  const answer = await waitFor(
    `the harness to answer ${action}`,
    () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { value?: T; error?: string }) : undefined),
    timeoutMs,
  );
  if (answer.error !== undefined) throw new Error(`${action}: ${answer.error}`);
  return answer.value as T;
}
