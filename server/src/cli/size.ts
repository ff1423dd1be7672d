import { parseArgs } from 'node:util';
import { overWorkBudget } from '../model/budget';
import { argumentProblem } from './args';
import { buildModel } from '../model/model';
import { initShellParser } from '../model/shell';
import { estimateAtRevision, estimateWithContextDir } from '../engine/estimateFile';
import { RevisionError } from '../engine/revision';
import { diffEstimates } from '../engine/sizeDiff';
import { sizeDiffJson, sizeDiffText } from './sizeDiff';
import { budgetFor, checkSizeBudget } from '../engine/sizeBudget';
import type { SizeBudget } from '../engine/sizeBudget';
import type { Finding } from '../engine/finding';
import type { ImageSizeEstimate, LayerEstimate } from '../size/estimate';
import { formatBytes, formatInterval, parseSize, stageSummary, stageTitle } from '../size/format';
import type { SizeBounds } from '../size/uncertainty';
import type { Io } from './main';
import { UsageError } from './main';
import { readDockerfileInput } from './input';
import { defaultCacheDir } from '../registry/cache';
import { defaultTimeoutMs, RegistrySizes } from '../registry/lookups';

export const sizeUsage = `Usage: layerlens size <Dockerfile> [--context DIR] [--json] [--diff REV] [--max-size SIZE] [--registry [--cache-dir DIR]]

Estimates the size of every stage before building: base image, then each RUN/COPY/ADD layer,
on disk and to pull, each figure saying how it was obtained (exact / data / estimate / unknown).
  --context DIR   the build context (default: the Dockerfile's folder)
  --json          machine-readable output
  --diff REV      compare with the same Dockerfile and build context at a git revision (HEAD, HEAD~1, a
                  branch; read with git show and git archive, nothing fetched): before → after per stage and
                  the shipped image's change
  --max-size SIZE a budget for the shipped image on disk (200MB, 1.5GB); \`# layerlens budget=SIZE\` in the
                  Dockerfile wins over it; exit 1 when the estimate is over it for certain
  --registry      read exact pull sizes of base images from their registries (network; each
                  lookup gives up after ${defaultTimeoutMs / 1000} s and falls back to the bundled data)
  --cache-dir DIR where registry answers are kept (default: $XDG_CACHE_HOME/layerlens, else ~/.cache/layerlens)`;

export async function sizeCommand(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        context: { type: 'string' },
        json: { type: 'boolean' },
        'max-size': { type: 'string' },
        diff: { type: 'string' },
        registry: { type: 'boolean' },
        'cache-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(argumentProblem(error, 'layerlens size --help'));
  }
  if (parsed.values.help) {
    io.stdout(`${sizeUsage}\n`);
    return 0;
  }
  const maxSize = maxSizeBudget(parsed.values['max-size']);
  const { file, text, contextDir } = readDockerfileInput(io, 'size', parsed.positionals, parsed.values.context);
  await initShellParser();
  const overBudget = overWorkBudget(text);
  if (overBudget) throw new UsageError(`${parsed.positionals[0]}: ${overBudget}: it is not estimated`);
  // VS Code drops a byte-order mark before the server sees the text; so does the CLI, or every column of line 1 shifts.
  const model = buildModel(text.replace(/^\uFEFF/, ''));
  if (model.stages.length === 0)
    throw new UsageError(`${parsed.positionals[0]} has no FROM: there is no image to estimate`);
  // Opt-in: the only network use of the CLI. Lookups run while nothing else waits on them and each ends by its deadline.
  const registry = parsed.values.registry
    ? new RegistrySizes({ cacheDir: parsed.values['cache-dir'] ?? defaultCacheDir() })
    : undefined;
  if (registry) await registry.prefetch(model);
  const estimate = await estimateWithContextDir(model, file, contextDir, registry?.baseSizes);
  const budget = budgetFor(model, maxSize);
  const verdict = budget && checkSizeBudget(model, estimate, budget);
  if (parsed.values.diff !== undefined) {
    const revision = parsed.values.diff;
    let before;
    try {
      before = await estimateAtRevision(file, contextDir, revision);
    } catch (error) {
      if (error instanceof RevisionError) throw new UsageError(`--diff ${revision}: ${error.message}`);
      throw error;
    }
    const diff = diffEstimates(before.estimate, estimate);
    io.stdout(
      parsed.values.json
        ? `${JSON.stringify({ ...sizeDiffJson(diff, revision, before.commit, before.estimate, estimate), ...(budget ? { budget: budgetToJson(budget, verdict) } : {}) }, null, 2)}\n`
        : sizeDiffText(diff, revision, before.commit, before.estimate) +
            (budget ? `${budgetLine(budget, verdict)}\n` : ''),
    );
    return verdict?.severity === 'error' ? 1 : 0;
  }
  io.stdout(
    parsed.values.json
      ? `${JSON.stringify({ ...sizeToJson(estimate), ...(budget ? { budget: budgetToJson(budget, verdict) } : {}) }, null, 2)}\n`
      : toText(estimate, registry !== undefined) + (budget ? `${budgetLine(budget, verdict)}\n` : ''),
  );
  // Over for certain fails the run; "may exceed" is said, and fails `layerlens --max-size --fail-on warning`.
  return verdict?.severity === 'error' ? 1 : 0;
}

/** The CLI's `--max-size`, read as a budget; a usage error when it is not a size. */
export function maxSizeBudget(value: string | undefined): SizeBudget | undefined {
  if (value === undefined) return undefined;
  const bytes = parseSize(value);
  if (bytes === undefined) throw new UsageError(`--max-size "${value}" is not a size: write it like 200MB or 1.5GB`);
  return { bytes, source: '--max-size' };
}

function budgetLine(budget: SizeBudget | Finding, verdict: Finding | undefined): string {
  if (verdict) return `${verdict.severity} ${verdict.message}`;
  return 'bytes' in budget ? `within the ${formatBytes(budget.bytes)} budget (${budget.source})` : '';
}

function budgetToJson(budget: SizeBudget | Finding, verdict: Finding | undefined) {
  return {
    bytes: 'bytes' in budget ? budget.bytes : null,
    source: 'bytes' in budget ? budget.source : null,
    severity: verdict?.severity ?? null,
    message: verdict?.message ?? null,
  };
}

/** The documented JSON shape: stages → layers, bytes null where unknown. */
export function sizeToJson(estimate: ImageSizeEstimate) {
  return {
    stages: estimate.stages.map((stage) => ({
      name: stage.name,
      index: stage.index,
      shipped: stage.shipped,
      base: {
        reference: stage.base.reference,
        ...figures(stage.base),
        confidence: stage.base.confidence,
        notes: stage.base.notes,
      },
      ...figures(stage),
      unknownLayers: stage.unknownLayers,
      layers: stage.layers.map((layer) => ({
        line: layer.line,
        instruction: layer.instruction,
        ...figures(layer),
        confidence: layer.confidence,
        notes: layer.notes,
      })),
    })),
  };
}

type Figure = { diskBytes: number | null; compressedBytes: number | null } & SizeBounds;

/** Each size with its interval beside it: `low`/`high` null when unknown, `high` null for a lower bound. */
function figures(figure: Figure) {
  return {
    diskBytes: figure.diskBytes,
    diskLow: figure.diskLow,
    diskHigh: figure.diskHigh,
    compressedBytes: figure.compressedBytes,
    compressedLow: figure.compressedLow,
    compressedHigh: figure.compressedHigh,
  };
}

const size = (bytes: number | null, low: number | null, high: number | null) =>
  bytes === null ? 'unknown' : formatInterval(bytes, low, high);

function toText(estimate: ImageSizeEstimate, registryNotes: boolean): string {
  const lines: string[] = [];
  for (const stage of estimate.stages) {
    lines.push(`${stageTitle(stage)}  ${stage.shipped ? 'shipped' : 'not shipped'}`);
    lines.push(`  ${stageSummary(stage)}`);
    lines.push(
      `  base ${stage.base.reference}: ${size(stage.base.diskBytes, stage.base.diskLow, stage.base.diskHigh)} on disk, ${size(stage.base.compressedBytes, stage.base.compressedLow, stage.base.compressedHigh)} to pull (${stage.base.confidence})`,
    );
    // With --registry the user asked where the base size came from: say it, or why the lookup failed.
    if (registryNotes)
      for (const note of stage.base.notes.filter((text) => /registry|--platform/.test(text)))
        lines.push(`        ${note}`);
    for (const layer of stage.layers) lines.push(`  ${layerLine(layer)}`);
  }
  return `${lines.join('\n')}\n`;
}

function layerLine(layer: LayerEstimate): string {
  const figure =
    layer.diskBytes === null ? 'unknown' : `+${formatInterval(layer.diskBytes, layer.diskLow, layer.diskHigh)}`;
  return `${String(layer.line).padStart(4)}  ${figure.padStart(18)}  ${layer.confidence.padEnd(8)} ${layer.instruction}`;
}
