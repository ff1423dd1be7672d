#!/usr/bin/env node
// Regenerates the README screenshots from the real extension in code-server:
//   docs/images/diagnostics.png  single-stage/Dockerfile with its squiggles and the Problems panel
//   docs/images/quickfix.png     the quick-fix menu (Ctrl+.) on one of those diagnostics
//   docs/images/convert-preview.png  "LayerLens: Convert to Multi-Stage Build" on convert/Dockerfile: the diff preview
//   docs/images/convert-result.png   the converted Dockerfile after "Apply"
//   docs/images/hover.png            the size hover on the final stage's FROM
//   docs/images/measure.png          "LayerLens: Build and Measure" on measure/Dockerfile (needs the buildah lab)
//
// `npm run screenshots` runs `node test/e2e/run.mjs --screenshots`, which calls
// takeScreenshots(); `node test/e2e/screenshots.mjs` does the same. Needs a build.
// `--only measure` takes only the Build and Measure picture.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { openWorkbench } from './browser.mjs';
import { addCleanup, runCleanups } from './cleanup.mjs';
import { startCodeServer, workbenchUrl } from './codeServer.mjs';
import { assertBuilt, FIXTURE_WORKSPACE, REPO_ROOT, SCREENSHOT_DIR } from './paths.mjs';
import { ensurePrerequisites } from './prereqs.mjs';
import { createSandbox } from './sandbox.mjs';
import { labEnvironment } from './lab.mjs';

const VIEWPORT = { width: 1400, height: 900 };
const FIXTURE_FILE = 'single-stage/Dockerfile';
const CONVERT_FILE = 'convert/Dockerfile';
const MEASURE_FILE = 'measure/Dockerfile';
/** A real build with buildah on a busy machine. */
const BUILD_TIMEOUT_MS = 10 * 60_000;
const WORKBENCH_TIMEOUT_MS = 90_000;
const UI_TIMEOUT_MS = 15_000;
/** Language server start-up plus first analysis, on a slow, busy 2-core machine. */
const DIAGNOSTICS_TIMEOUT_MS = 90_000;
const SQUIGGLES = '.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info';
const POLL_MS = 250;

const log = (message) => console.log(`screenshots: ${message}`);

async function waitForWorkbench(page) {
  // The explorer lists the folder once the remote connection and file service are up.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
}

/** Runs a command through the command palette, as a person would. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT_MS });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: title })
    .first()
    .waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  // The palette fades out; a screenshot taken meanwhile shows its ghost.
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits until its text is rendered. */
async function openFile(page, relativePath, folder) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT_MS });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop();
  const row = page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .filter({ hasText: folder ?? name })
    .first();
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: UI_TIMEOUT_MS });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Polls until `count()` stays the same for `quietMs`, so late diagnostics make it into the picture. */
async function waitUntilStable(count, quietMs = 1_500, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await count();
  let since = Date.now();
  while (Date.now() < deadline && Date.now() - since < quietMs) {
    await delay(POLL_MS);
    const now = await count();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

async function waitForSquiggles(page, server) {
  const squiggles = page.locator(SQUIGGLES);
  try {
    await squiggles.first().waitFor({ state: 'attached', timeout: DIAGNOSTICS_TIMEOUT_MS });
  } catch {
    throw new Error(
      `no diagnostics (squiggles) in ${FIXTURE_FILE} within ${DIAGNOSTICS_TIMEOUT_MS / 1000} s: ` +
        `did the extension activate and its language server publish diagnostics? (code-server log: ${server.logFile})`,
    );
  }
  return waitUntilStable(() => squiggles.count());
}

async function openProblemsPanel(page) {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Waits for the code action menu, or for the editor's "No code actions available" message. */
async function quickFixMenuAppeared(page) {
  const menu = page.locator('.action-widget .monaco-list-row');
  const none = page.locator('.monaco-editor-overlaymessage');
  await Promise.race([
    menu.first().waitFor({ timeout: UI_TIMEOUT_MS }),
    none.first().waitFor({ timeout: UI_TIMEOUT_MS }),
  ]).catch(() => {});
  return (await menu.count()) > 0;
}

/**
 * Puts the cursor on a diagnostic by clicking its squiggle and presses Ctrl+. there;
 * tries the squiggles in order until one offers quick fixes.
 */
async function openQuickFixMenu(page) {
  const squiggles = page.locator(SQUIGGLES);
  const total = await squiggles.count();
  for (let i = 0; i < total; i++) {
    const box = await squiggles.nth(i).boundingBox();
    if (!box) continue;
    await page.mouse.click(box.x + Math.min(box.width / 2, 20), box.y + box.height / 2);
    await page.keyboard.press('Control+.');
    if (await quickFixMenuAppeared(page)) return;
    await page.keyboard.press('Escape');
  }
  throw new Error(`none of the ${total} diagnostics in ${FIXTURE_FILE} offered a quick fix (Ctrl+.)`);
}

/** Keeps toasts and hovers out of the pictures. */
async function tidyUp(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.mouse.move(0, VIEWPORT.height - 1);
}

async function captureAll(page, server, outDir) {
  await waitForWorkbench(page);
  await openFile(page, FIXTURE_FILE);
  const count = await waitForSquiggles(page, server);
  log(`${count} squiggles in ${FIXTURE_FILE}`);
  await openProblemsPanel(page);
  await tidyUp(page);
  await page.screenshot({ path: join(outDir, 'diagnostics.png') });
  log(`wrote ${join(outDir, 'diagnostics.png')}`);

  await openQuickFixMenu(page);
  await page.screenshot({ path: join(outDir, 'quickfix.png') });
  log(`wrote ${join(outDir, 'quickfix.png')}`);
  await page.keyboard.press('Escape');

  await captureConversion(page, outDir);
}

/** The convert command from the palette: its refactor preview (a diff), then the result once applied. */
async function captureConversion(page, outDir) {
  await openFile(page, CONVERT_FILE, 'convert');
  await page
    .locator('.monaco-editor .codelens-decoration', { hasText: 'Convert to multi-stage build' })
    .first()
    .waitFor({ timeout: DIAGNOSTICS_TIMEOUT_MS });
  await runCommand(page, 'LayerLens: Convert to Multi-Stage Build');
  const preview = page.locator('.bulk-edit-panel, [id="refactorPreview"]');
  await preview.first().waitFor({ timeout: UI_TIMEOUT_MS });
  // Opening the changed file in the preview shows the diff.
  const row = page.locator('.bulk-edit-panel .monaco-list-row', { hasText: 'Dockerfile' });
  await row.first().waitFor({ timeout: UI_TIMEOUT_MS });
  await row.first().click();
  await page.locator('.monaco-diff-editor').first().waitFor({ timeout: UI_TIMEOUT_MS });
  await page.mouse.move(0, VIEWPORT.height - 1);
  await page.screenshot({ path: join(outDir, 'convert-preview.png') });
  log(`wrote ${join(outDir, 'convert-preview.png')}`);
  await page.locator('.bulk-edit-panel .monaco-button, .monaco-button', { hasText: 'Apply' }).first().click();
  await openFile(page, CONVERT_FILE, 'convert');
  await page
    .locator('.editor-instance .view-lines', { hasText: 'node:22-slim' })
    .first()
    .waitFor({ timeout: UI_TIMEOUT_MS });
  await page.mouse.move(0, VIEWPORT.height - 1);
  await page.screenshot({ path: join(outDir, 'convert-result.png') });
  log(`wrote ${join(outDir, 'convert-result.png')}`);

  // The size hover on the shipped stage's FROM: the breakdown and where each number comes from.
  const line = await page.locator('.editor-instance .view-line', { hasText: 'node:22-slim' }).first().boundingBox();
  if (!line) throw new Error('the final stage FROM line is not on screen');
  // On the FROM keyword itself (the first characters of the line).
  await page.mouse.move(line.x + 12, line.y + line.height / 2);
  await page.locator('.monaco-hover', { hasText: 'on disk' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
  await page.screenshot({ path: join(outDir, 'hover.png') });
  log(`wrote ${join(outDir, 'hover.png')}`);
}

/** "LayerLens: Build and Measure" from the palette, then the measured lenses beside the estimate and the waste. */
async function captureMeasure(page, outDir) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT_MS });
  await input.fill(MEASURE_FILE);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'measure' }).first().click();
  await page
    .locator('.editor-instance .view-line', { hasText: 'urandom' })
    .first()
    .waitFor({ timeout: DIAGNOSTICS_TIMEOUT_MS });
  await page
    .locator('.monaco-editor .codelens-decoration', { hasText: 'Build and Measure' })
    .first()
    .waitFor({ timeout: DIAGNOSTICS_TIMEOUT_MS });
  await runCommand(page, 'LayerLens: Build and Measure');
  await page
    .locator('.monaco-editor .codelens-decoration', { hasText: 'Measured:' })
    .first()
    .waitFor({ timeout: BUILD_TIMEOUT_MS });
  await tidyUp(page);
  // The lenses only: a hover would cover the measured line above the RUN.
  await page
    .locator('.monaco-editor .codelens-decoration', { hasText: '(measured)' })
    .first()
    .waitFor({ timeout: UI_TIMEOUT_MS });
  // Without the side bar the FROM line's lenses fit on screen.
  await page.keyboard.press('Control+B');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  await page.screenshot({ path: join(outDir, 'measure.png') });
  log(`wrote ${join(outDir, 'measure.png')}`);
}

export async function takeScreenshots({ outDir = SCREENSHOT_DIR, only } = {}) {
  assertBuilt({ needTests: false });
  const tools = await ensurePrerequisites();
  const sandbox = createSandbox('layerlens-screenshots-');
  let ok = false;
  addCleanup(() => (ok ? sandbox.remove() : log(`kept ${sandbox.root} for debugging (failure.png, logs)`)));

  // The Build and Measure picture needs the buildah lab; without it that picture is left as it is.
  const lab = labEnvironment(log);
  const server = await startCodeServer({ node: tools.node, entry: tools.codeServerEntry, sandbox, env: lab });
  // Development extension only (no extensionTestsPath): the workbench stays open for us to drive.
  const url = workbenchUrl(server, { folder: FIXTURE_WORKSPACE, extensionDevelopmentPath: REPO_ROOT });
  const { page } = await openWorkbench({
    chromiumPath: tools.chromium,
    sandbox,
    url,
    viewport: VIEWPORT,
    logFile: sandbox.file('workbench.log'),
  });
  mkdirSync(outDir, { recursive: true });
  try {
    if (only === 'measure') {
      await waitForWorkbench(page);
      await captureMeasure(page, outDir);
    } else {
      await captureAll(page, server, outDir);
      if (lab.LAYERLENS_E2E_MEASURE === '1') await captureMeasure(page, outDir);
    }
  } catch (err) {
    // What the workbench showed when it went wrong (a notification, an empty editor...).
    await page.screenshot({ path: sandbox.file('failure.png') }).catch(() => {});
    throw err;
  }
  ok = true;
}

// Run directly: `node test/e2e/screenshots.mjs`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let exitCode = 0;
  try {
    await takeScreenshots();
  } catch (err) {
    console.error(`screenshots: ${err?.stack ?? err}`);
    exitCode = 1;
  } finally {
    await runCleanups();
  }
  process.exit(exitCode);
}
