import { main, UsageError } from './cli/main';
import { wantsColor } from './cli/text';

// Entry point of the `layerlens` command: wiring only, so that errors become one line, never a stack.

// `layerlens … | head` closes the pipe early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  color: wantsColor(process.stdout.isTTY, process.env),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`layerlens: ${error instanceof UsageError ? message : `internal error: ${message}`}\n`);
    process.exitCode = 2;
  },
);
