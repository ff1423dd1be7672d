// Entry point for VS Code's extension test runner (`extensionTestsPath`).
// The extension host (Electron via @vscode/test-electron, or code-server's remote
// extension host driven by test/e2e/run.mjs) calls `run()` and exits with 0 when
// it resolves, 1 when it rejects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Where the reporter writes. Under code-server the extension host's console does
 * not reach the harness, so run.mjs passes a file path and tails it; under
 * Electron the console is forwarded to the runner's stdout, so no path is set.
 */
const REPORT_FILE = process.env.LAYERLENS_E2E_REPORT;

function emit(line: string): void {
  if (REPORT_FILE) fs.appendFileSync(REPORT_FILE, line + '\n');
  else console.log(line);
}

function indent(depth: number): string {
  return '  '.repeat(Math.max(depth, 0));
}

/** Prefixes every line of a (possibly multi-line) text. */
function indentBlock(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/**
 * A spec-like reporter that writes plain lines as they happen (so a hanging test
 * is visible while it hangs), then every failure with its message and stack, then
 * the closing line `e2e: N passed, N failed[, N skipped]`.
 */
class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let depth = 0;
    const failures: Array<{ title: string; err: Error }> = [];
    let passed = 0;
    let skipped = 0;

    runner.on('suite', (suite: Mocha.Suite) => {
      if (suite.root) return;
      emit(indent(depth) + suite.title);
      depth++;
    });
    runner.on('suite end', (suite: Mocha.Suite) => {
      if (!suite.root) depth--;
    });
    runner.on('pass', (test: Mocha.Test) => {
      passed++;
      emit(`${indent(depth)}ok   ${test.title} (${test.duration ?? 0} ms)`);
    });
    runner.on('pending', (test: Mocha.Test) => {
      skipped++;
      emit(`${indent(depth)}skip ${test.title}`);
    });
    // Hooks fail through the same event; fullTitle() names them ("before all" hook ...).
    runner.on('fail', (runnable: Mocha.Runnable, err: Error) => {
      failures.push({ title: runnable.fullTitle(), err });
      emit(`${indent(depth)}FAIL ${runnable.title}: ${(err?.message ?? String(err)).split('\n')[0]}`);
    });
    runner.once('end', () => {
      failures.forEach(({ title, err }, i) => {
        emit('');
        emit(`${i + 1}) ${title}`);
        emit(indentBlock(String(err?.stack ?? err), '     '));
      });
      emit('');
      const skippedPart = skipped > 0 ? `, ${skipped} skipped` : '';
      emit(`e2e: ${passed} passed, ${failures.length} failed${skippedPart}`);
    });
  }
}

/** Compiled test files sit next to this bundle: dist/e2e/*.test.js. */
function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(dir, name));
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: LineReporter });
  const files = testFiles(__dirname);
  if (files.length === 0) throw new Error(`no *.test.js files next to ${__filename}`);
  files.forEach((file) => mocha.addFile(file));

  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (err) {
      // A test file that throws while loading lands here, not in a reporter event.
      emit(`e2e: could not load the tests: ${(err as Error | undefined)?.stack ?? String(err)}`);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
  if (failures > 0) throw new Error(`${failures} e2e test(s) failed`);
}
