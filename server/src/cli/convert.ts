import { parseArgs } from 'node:util';
import { argumentProblem } from './args';
import { convertToMultiStage } from '../fixes/convert';
import { readConvertContext } from '../fixes/convert/contextFiles';
import type { ConvertContext } from '../fixes/convert/common';
import { initShellParser } from '../model/shell';
import type { Io } from './main';
import { UsageError } from './main';
import { readDockerfileInput } from './input';
import { replaceFileAtomically } from './atomicWrite';

export const convertUsage = `Usage: layerlens convert <Dockerfile> [--context DIR] [--write]

Converts a single-stage Go (golang) or Node (node) Dockerfile into a build stage and a small final
stage that keeps the runtime configuration. Prints the result; notes go to stderr.
A Dockerfile it cannot convert safely is left alone: exit code 1 and the reason on stderr.
  --context DIR   the build context, read for manifests (package.json, go.mod, …) (default: the Dockerfile's folder)
  --write         rewrite the Dockerfile instead of printing it`;

export async function convertCommand(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { context: { type: 'string' }, write: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(argumentProblem(error, 'layerlens convert --help'));
  }
  if (parsed.values.help) {
    io.stdout(`${convertUsage}\n`);
    return 0;
  }
  const { file, text, contextDir } = readDockerfileInput(io, 'convert', parsed.positionals, parsed.values.context);
  let context: ConvertContext;
  try {
    context = readConvertContext(contextDir);
  } catch {
    throw new UsageError(`cannot list the build context ${contextDir}`);
  }
  await initShellParser();
  const result = convertToMultiStage(text, context);
  if (!result.ok) {
    io.stderr(`${result.reason}\n`);
    return 1;
  }
  for (const message of result.messages) io.stderr(`${message}\n`);
  if (parsed.values.write) {
    try {
      replaceFileAtomically(file, result.text);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    io.stderr(`Wrote ${parsed.positionals[0]}\n`);
  } else {
    io.stdout(result.text);
  }
  return 0;
}
