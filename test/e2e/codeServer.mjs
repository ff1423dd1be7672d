// Starts code-server for one run and builds the workbench URLs that load the
// extension under development (and optionally the test suite) into it.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { addCleanup, signalGroup, trackProcessGroup, untrackProcessGroup } from './cleanup.mjs';
import { sandboxEnv } from './sandbox.mjs';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 200;

/** Asks the kernel for a free port; code-server binds it a moment later. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function codeServerArgs({ entry, port, sandbox }) {
  return [
    entry,
    '--bind-addr',
    `${HOST}:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    sandbox.userDataDir,
    '--extensions-dir',
    sandbox.extensionsDir,
    // Without this VS Code ignores the `payload` query parameter (extensionDevelopmentPath,
    // extensionTestsPath) and never calls window.codeAutomationExit.
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
}

function lastLines(file, count) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resolves once /healthz answers; rejects if the process dies or the deadline passes. */
async function waitUntilHealthy({ child, port, logFile }) {
  let exited = null;
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server stopped during start-up (${exited}):\n${lastLines(logFile, 30)}`);
    try {
      const response = await fetch(`http://${HOST}:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(POLL_MS);
  }
  throw new Error(
    `code-server did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s:\n${lastLines(logFile, 30)}`,
  );
}

/** SIGTERM to the whole group (server, extension host, pty host...), SIGKILL if it lingers. */
async function stopGroup(pid) {
  if (!signalGroup(pid, 'SIGTERM')) return untrackProcessGroup(pid);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!signalGroup(pid, 0)) return untrackProcessGroup(pid);
    await delay(POLL_MS);
  }
  signalGroup(pid, 'SIGKILL');
  untrackProcessGroup(pid);
}

/**
 * Starts code-server in its own session (detached: Node calls setsid(), like the
 * `setsid` tool), so stopping it can kill every process it spawned by process group.
 * Its output goes to code-server.log in the sandbox.
 */
export async function startCodeServer({ node, entry, sandbox, env = {} }) {
  const port = await freePort();
  const logFile = sandbox.file('code-server.log');
  const out = openSync(logFile, 'a');
  const child = spawn(node, codeServerArgs({ entry, port, sandbox }), {
    cwd: sandbox.home,
    // An empty gallery turns the marketplace off: no look-ups of open-vsx.org, which
    // is unreachable here and only adds errors and delays.
    env: sandboxEnv(sandbox, { EXTENSIONS_GALLERY: '{}', ...env }),
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  trackProcessGroup(child.pid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
  const stop = () => stopGroup(child.pid);
  addCleanup(stop);
  await waitUntilHealthy({ child, port, logFile });
  // `exited` lets a run fail fast when the server dies instead of waiting for its timeout.
  return { port, origin: `http://${HOST}:${port}`, logFile, exited, stop };
}

/**
 * The workbench URL for `folder`, with the smoke-test-driver payload. Paths in the
 * payload are URIs on the remote (the code-server host), whose authority is the
 * host:port the browser uses.
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (path) => `vscode-remote://${HOST}:${server.port}${path}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams({ folder, payload: JSON.stringify(payload) });
  return `${server.origin}/?${query}`;
}
