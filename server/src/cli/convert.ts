import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertToMultiStage } from '../fixes/convert';
import { initShellParser } from '../model/shell';
import type { Io } from './main';
import { UsageError } from './main';

export const convertUsage = `Usage: layerlens convert <Dockerfile> [--context DIR] [--write]

Converts a single-stage Go (golang) or Node (node) Dockerfile into a build stage and a small final
stage that keeps the runtime configuration. Prints the result; notes go to stderr.
A Dockerfile it cannot convert safely is left alone: exit code 1 and the reason on stderr.
  --context DIR   the build context, read for package.json and go.mod (default: the Dockerfile's folder)
  --write         rewrite the Dockerfile instead of printing it`;

/** Files of the context root the conversion reads. */
const contextFiles = ['package.json', 'go.mod'];

export async function convertCommand(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { context: { type: 'string' }, write: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see layerlens convert --help)`);
  }
  if (parsed.values.help) {
    io.stdout(`${convertUsage}\n`);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('convert takes exactly one Dockerfile (see layerlens convert --help)');
  const file = resolve(io.cwd, parsed.positionals[0]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${parsed.positionals[0]}`);
  }
  const contextDir = resolve(io.cwd, parsed.values.context ?? dirname(file));
  let rootEntries: string[];
  try {
    if (!statSync(contextDir).isDirectory()) throw new Error();
    rootEntries = readdirSync(contextDir);
  } catch {
    throw new UsageError(`the build context ${contextDir} is not a folder`);
  }
  const files: Record<string, string> = {};
  for (const name of contextFiles) {
    try {
      files[name] = readFileSync(join(contextDir, name), 'utf8');
    } catch {
      // Not every context has every file; the conversion only reads what is there.
    }
  }
  await initShellParser();
  const result = convertToMultiStage(text, { rootEntries, files });
  if (!result.ok) {
    io.stderr(`${result.reason}\n`);
    return 1;
  }
  for (const message of result.messages) io.stderr(`${message}\n`);
  if (parsed.values.write) {
    writeFileSync(file, result.text);
    io.stderr(`Wrote ${parsed.positionals[0]}\n`);
  } else {
    io.stdout(result.text);
  }
  return 0;
}
