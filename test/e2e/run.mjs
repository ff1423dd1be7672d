#!/usr/bin/env node
// End-to-end tests: runs dist/e2e/*.test.js inside a real VS Code with the extension
// under development loaded. Does not build: `npm test` builds first.
//
//   node test/e2e/run.mjs                 code-server (VS Code Web) driven by headless Chromium
//   LAYERLENS_E2E=electron node test/e2e/run.mjs
//                                         desktop VS Code via @vscode/test-electron (needs to
//                                         download VS Code, and a display: xvfb-run on Linux)
//   node test/e2e/run.mjs --screenshots   regenerate docs/images/*.png (see screenshots.mjs)
//
// Environment: LAYERLENS_E2E_TIMEOUT_MS (default 600000) bounds the wait for the suite;
// LAYERLENS_E2E_KEEP=1 keeps the run's temp dir (logs, profiles), which is always kept on failure;
// LAYERLENS_VSCODE_VERSION / LAYERLENS_VSCODE_EXECUTABLE pick the Electron VS Code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { openWorkbench } from './browser.mjs';
import { addCleanup, interruptedExitCode, runCleanups } from './cleanup.mjs';
import { startCodeServer, workbenchUrl } from './codeServer.mjs';
import { followFile } from './follow.mjs';
import { assertBuilt, CACHE_DIR, DIST_E2E_INDEX, FIXTURE_WORKSPACE, REPO_ROOT } from './paths.mjs';
import { CODE_SERVER_VERSION, ensurePrerequisites } from './prereqs.mjs';
import { createSandbox } from './sandbox.mjs';
import { labEnvironment } from './lab.mjs';
import { answerWorkbenchRequest } from './workbench.mjs';

const TIMEOUT_MS = Number(process.env.LAYERLENS_E2E_TIMEOUT_MS ?? 10 * 60_000);
const log = (message) => console.log(`e2e: ${message}`);

/**
 * Keeps the sandbox when the run failed (its logs are what one debugs with) or when
 * asked to, removes it otherwise. Registered first, so it runs after everything else stopped.
 */
function disposeSandboxLater(sandbox, outcome) {
  addCleanup(() => {
    if (outcome.ok && process.env.LAYERLENS_E2E_KEEP !== '1') return sandbox.remove();
    log(`kept ${sandbox.root} for debugging (logs, workbench.png, profiles)`);
  });
}

async function runInCodeServer() {
  const tools = await ensurePrerequisites();
  const sandbox = createSandbox();
  const outcome = { ok: false };
  disposeSandboxLater(sandbox, outcome);

  // The suite's reporter appends here (LAYERLENS_E2E_REPORT, read in suite/index.ts):
  // the remote extension host's console does not reach this process.
  const report = sandbox.file('report.txt');
  writeFileSync(report, '');
  // Where the harness answers the suite's questions about the rendered workbench (workbench.mjs).
  const workbenchAnswers = sandbox.file('workbench-answers');
  mkdirSync(workbenchAnswers);
  const server = await startCodeServer({
    node: tools.node,
    entry: tools.codeServerEntry,
    sandbox,
    env: { LAYERLENS_E2E_REPORT: report, LAYERLENS_E2E_WORKBENCH: workbenchAnswers, ...labEnvironment(log) },
  });
  log(`code-server ${CODE_SERVER_VERSION} on ${server.origin}, workspace ${FIXTURE_WORKSPACE}`);
  let workbenchPage;
  const follower = followFile(report, (line) => {
    if (!answerWorkbenchRequest(workbenchPage, workbenchAnswers, line)) console.log(line);
  });

  let automationExit;
  const exited = new Promise((resolve) => (automationExit = resolve));
  const url = workbenchUrl(server, {
    folder: FIXTURE_WORKSPACE,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: DIST_E2E_INDEX,
  });
  const { page, closed } = await openWorkbench({
    chromiumPath: tools.chromium,
    sandbox,
    url,
    viewport: { width: 1400, height: 900 },
    logFile: sandbox.file('workbench.log'),
    onAutomationExit: automationExit,
  });
  workbenchPage = page;

  // Whichever ending comes first: the suite's verdict, or one of the ways a run breaks.
  const result = await Promise.race([
    exited.then((code) => ({ code })),
    server.exited.then((why) => ({ error: `code-server stopped (${why}) before the tests finished` })),
    closed.then((why) => ({ error: `${why} before the tests finished` })),
    delay(TIMEOUT_MS, undefined, { ref: false }).then(() => ({ error: `no result within ${TIMEOUT_MS / 1000} s` })),
  ]);
  follower.stop();
  if (result.error || result.code !== 0) {
    // What the workbench showed at the end (an activation error notification, say).
    await page.screenshot({ path: sandbox.file('workbench.png') }).catch(() => {});
  }

  if (result.error) {
    console.error(`e2e: ${result.error}`);
    return 1;
  }
  if (result.code !== 0 && !follower.sawLine(() => true)) {
    // Not a word from the suite: e.g. dist/e2e/index.js failed to load or the extension host crashed.
    console.error('e2e: the extension host exited before the suite reported; see code-server.log and user-data/logs');
  }
  outcome.ok = result.code === 0;
  return result.code;
}

async function runInElectron() {
  const { runTests } = await import('@vscode/test-electron');
  const sandbox = createSandbox();
  const outcome = { ok: false };
  disposeSandboxLater(sandbox, outcome);
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    log('no DISPLAY: Electron needs one, e.g. `xvfb-run -a node test/e2e/run.mjs`');
  }
  try {
    await runTests({
      // Keeps the downloaded VS Code out of the work tree (.cache is git-ignored).
      cachePath: join(CACHE_DIR, 'vscode-test'),
      version: process.env.LAYERLENS_VSCODE_VERSION,
      vscodeExecutablePath: process.env.LAYERLENS_VSCODE_EXECUTABLE,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: DIST_E2E_INDEX,
      launchArgs: [
        FIXTURE_WORKSPACE,
        '--disable-extensions',
        // Otherwise test-electron puts profiles in ./.vscode-test of the cwd.
        `--user-data-dir=${sandbox.userDataDir}`,
        `--extensions-dir=${sandbox.extensionsDir}`,
      ],
    });
    outcome.ok = true;
    return 0;
  } catch (err) {
    console.error(`e2e: ${err?.message ?? err}`);
    return typeof err?.code === 'number' && err.code !== 0 ? err.code : 1;
  }
}

async function main(argv) {
  if (argv.includes('--screenshots')) {
    const { takeScreenshots } = await import('./screenshots.mjs');
    const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
    await takeScreenshots({ only });
    return 0;
  }
  assertBuilt({ needTests: true });
  const mode = process.env.LAYERLENS_E2E ?? 'code-server';
  if (mode === 'code-server') return runInCodeServer();
  if (mode === 'electron') return runInElectron();
  throw new Error(`LAYERLENS_E2E=${mode}: expected code-server (default) or electron`);
}

const started = Date.now();
let exitCode = 1;
try {
  exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(`e2e: ${err?.stack ?? err}`);
} finally {
  await runCleanups();
}
// A run stopped by a signal reports that, not whatever broke while it was torn down.
exitCode = interruptedExitCode() ?? exitCode;
log(`done in ${Math.round((Date.now() - started) / 1000)} s, exit code ${exitCode}`);
// Explicit exit: Playwright or a straggling socket must not keep the harness alive.
process.exit(exitCode);
