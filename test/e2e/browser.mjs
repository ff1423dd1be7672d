// Drives Debian's Chromium with playwright-core (which must never download a browser).
import { appendFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { addCleanup } from './cleanup.mjs';
import { sandboxEnv } from './sandbox.mjs';

// Playwright adds --headless and --no-sandbox itself; the rest keeps Chromium from
// reaching out to the network or showing first-run UI.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Opens the workbench at `url` in a fresh Chromium profile.
 * - `onAutomationExit(code)`: VS Code's smoke-test driver calls window.codeAutomationExit
 *   when the extension host exits, i.e. when the test suite is done;
 * - VS Code's browser log (window.codeAutomationLog) and the page console go to
 *   `logFile`, which the caller keeps for debugging.
 */
export async function openWorkbench({ chromiumPath, sandbox, url, viewport, logFile, onAutomationExit }) {
  const context = await chromium.launchPersistentContext(sandbox.chromiumProfile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    // HOME/XDG in the sandbox: Chromium writes ~/.config/chromium/Crash Reports and dconf otherwise.
    env: sandboxEnv(sandbox),
    // Our own handlers (cleanup.mjs) stop code-server too; Playwright's would only stop Chromium.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  addCleanup(() => context.close());

  const page = context.pages()[0] ?? (await context.newPage());
  const writeLog = (line) => appendFileSync(logFile, `${line}\n`);
  page.on('console', (message) => writeLog(`[console.${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => writeLog(`[pageerror] ${error.stack ?? error}`));
  await page.exposeFunction('codeAutomationLog', (level, args) => writeLog(`[workbench ${level}] ${formatArgs(args)}`));
  if (onAutomationExit) await page.exposeFunction('codeAutomationExit', (code) => onAutomationExit(code));

  const closed = new Promise((resolve) => {
    page.once('crash', () => resolve('the page crashed'));
    page.once('close', () => resolve('the page closed'));
  });
  // On a loaded machine (shared cores) the workbench takes longer than the 30 s default to load.
  await page.goto(url, { timeout: 180_000 });
  return { context, page, closed };
}

function formatArgs(args) {
  if (!Array.isArray(args)) return String(args);
  return args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' ');
}

function safeJson(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
