import { parseArgs } from 'node:util';
import { readContextFacts } from '../context/facts';
import { walkContext } from '../context/walker';
import { buildModel } from '../model/model';
import { initShellParser } from '../model/shell';
import { estimateImageSize } from '../size/estimate';
import type { ImageSizeEstimate, LayerEstimate } from '../size/estimate';
import { formatBytes, stageSummary, stageTitle } from '../size/format';
import type { Io } from './main';
import { UsageError } from './main';
import { readDockerfileInput } from './input';

export const sizeUsage = `Usage: layerlens size <Dockerfile> [--context DIR] [--json]

Estimates the size of every stage before building: base image, then each RUN/COPY/ADD layer,
on disk and to pull, each figure saying how it was obtained (exact / data / estimate / unknown).
  --context DIR   the build context (default: the Dockerfile's folder)
  --json          machine-readable output`;

export async function sizeCommand(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { context: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see layerlens size --help)`);
  }
  if (parsed.values.help) {
    io.stdout(`${sizeUsage}\n`);
    return 0;
  }
  const { file, text, contextDir } = readDockerfileInput(io, 'size', parsed.positionals, parsed.values.context);
  await initShellParser();
  const facts = readContextFacts(file, contextDir);
  const contextIndex = await walkContext(contextDir, { dockerignore: facts.dockerignore === undefined ? undefined : (facts.dockerignore?.text ?? null) });
  const estimate = estimateImageSize(buildModel(text), { contextIndex });
  io.stdout(parsed.values.json ? `${JSON.stringify(toJson(estimate), null, 2)}\n` : toText(estimate));
  return 0;
}

/** The documented JSON shape: stages → layers, bytes null where unknown. */
function toJson(estimate: ImageSizeEstimate) {
  return {
    stages: estimate.stages.map((stage) => ({
      name: stage.name,
      index: stage.index,
      shipped: stage.shipped,
      base: { reference: stage.base.reference, diskBytes: stage.base.diskBytes, compressedBytes: stage.base.compressedBytes, confidence: stage.base.confidence },
      diskBytes: stage.diskBytes,
      compressedBytes: stage.compressedBytes,
      unknownLayers: stage.unknownLayers,
      layers: stage.layers.map((layer) => ({ line: layer.line, instruction: layer.instruction, diskBytes: layer.diskBytes, compressedBytes: layer.compressedBytes, confidence: layer.confidence, notes: layer.notes })),
    })),
  };
}

const size = (bytes: number | null) => (bytes === null ? 'unknown' : formatBytes(bytes));

function toText(estimate: ImageSizeEstimate): string {
  const lines: string[] = [];
  for (const stage of estimate.stages) {
    lines.push(`${stageTitle(stage)}  ${stage.shipped ? 'shipped' : 'not shipped'}`);
    lines.push(`  ${stageSummary(stage)}`);
    lines.push(`  base ${stage.base.reference}: ${size(stage.base.diskBytes)} on disk, ${size(stage.base.compressedBytes)} to pull (${stage.base.confidence})`);
    for (const layer of stage.layers) lines.push(`  ${layerLine(layer)}`);
  }
  return `${lines.join('\n')}\n`;
}

function layerLine(layer: LayerEstimate): string {
  const figure = layer.diskBytes === null ? 'unknown' : `+${formatBytes(layer.diskBytes)}`;
  return `${String(layer.line).padStart(4)}  ${figure.padStart(9)}  ${layer.confidence.padEnd(8)} ${layer.instruction}`;
}
