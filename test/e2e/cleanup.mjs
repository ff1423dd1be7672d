// Teardown that also runs on Ctrl+C, SIGTERM (CI cancelling a job) and crashes, so
// a failed run never leaves code-server or Chromium running in the background.

const cleanups = [];
/** Process groups still alive; killed synchronously if the process exits abruptly. */
const liveGroups = new Set();
let running = null;
let signalExitCode;

/** Registers an async cleanup; cleanups run once, newest first. */
export function addCleanup(fn) {
  cleanups.push(fn);
}

/** Runs every registered cleanup (idempotent: later calls wait for the first one). */
export function runCleanups() {
  running ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (err) {
        console.error(`e2e: cleanup failed: ${err?.stack ?? err}`);
      }
    }
  })();
  return running;
}

/** The conventional 128+n exit code once a signal asked the harness to stop. */
export function interruptedExitCode() {
  return signalExitCode;
}

export function trackProcessGroup(pid) {
  liveGroups.add(pid);
}

export function untrackProcessGroup(pid) {
  liveGroups.delete(pid);
}

/** Sends `signal` to a whole process group; false when the group is already gone. */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if (err.code === 'ESRCH') return false;
    throw err;
  }
}

// Last resort: 'exit' handlers must be synchronous, so only SIGKILL is possible here.
process.on('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.once(signal, () => {
    signalExitCode = code;
    console.error(`e2e: received ${signal}, cleaning up`);
    runCleanups().finally(() => process.exit(code));
  });
}
