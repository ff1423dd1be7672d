import { parseArgs } from 'node:util';
import { readContextFacts } from '../context/facts';
import { walkContext } from '../context/walker';
import { contextFileReader } from '../context/readFile';
import { buildModel } from '../model/model';
import { initShellParser } from '../model/shell';
import { estimateImageSize } from '../size/estimate';
import { detectEngine, EngineError, engineNames } from '../measure/engine';
import type { EngineName } from '../measure/engine';
import { measureDockerfile } from '../measure/measure';
import { combineMeasured, measuredTable, noEngineMessage } from '../measure/report';
import type { Io } from './main';
import { UsageError } from './main';
import { readDockerfileInput } from './input';
import { sizeToJson } from './size';

export const measureUsage = `Usage: layerlens measure <Dockerfile> [--context DIR] [--target STAGE] [--engine docker|podman|buildah] [--json]

Builds the Dockerfile with a container engine, reads the image's layers and prints, per layer of the
shipped stage, the estimate beside the measured size (compressed and on disk), files added, changed and
removed, and the bytes added by one line and deleted or overwritten by a later one (waste).
  --context DIR    the build context (default: the Dockerfile's folder)
  --target STAGE   the stage to build and measure (default: the last)
  --engine NAME    docker, podman or buildah (default: the first of them that works here)
  --json           the size --json schema with \`measured\` per layer and the shipped stage's \`waste\``;

export async function measureCommand(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        context: { type: 'string' },
        target: { type: 'string' },
        engine: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see layerlens measure --help)`);
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout(`${measureUsage}\n`);
    return 0;
  }
  if (values.engine !== undefined && !engineNames.includes(values.engine as EngineName))
    throw new UsageError(`unknown --engine "${values.engine}": use docker, podman or buildah`);
  const { file, text, contextDir } = readDockerfileInput(io, 'measure', parsed.positionals, values.context);
  await initShellParser();
  const model = buildModel(text, { target: values.target });
  const stage = model.shipped;
  if (!stage) throw new UsageError(`${file} has no FROM`);
  if (values.target && stage.name !== values.target.toLowerCase())
    throw new UsageError(`no stage named "${values.target}" in ${file}`);

  const engine = await detectEngine(values.engine as EngineName | undefined);
  if (!engine) throw new UsageError(noEngineMessage(values.engine as EngineName | undefined));

  const facts = readContextFacts(file, contextDir);
  const contextIndex = await walkContext(contextDir, {
    dockerignore: facts.dockerignore === undefined ? undefined : (facts.dockerignore?.text ?? null),
  });
  const estimate = estimateImageSize(model, { contextIndex, readContextFile: contextFileReader(contextDir) });

  const progress = (step: string) => io.stderr(`layerlens measure: ${step}\n`);
  let measured;
  try {
    measured = await measureDockerfile({
      engine: { name: engine },
      dockerfile: file,
      context: contextDir,
      target: values.target,
      stage,
      onStep: (step) =>
        progress(
          step === 'build'
            ? `building with ${engine}…`
            : step === 'export'
              ? 'exporting the image…'
              : 'reading the layers…',
        ),
    });
  } catch (error) {
    if (error instanceof EngineError) {
      io.stderr(`${error.log.split('\n').slice(-30).join('\n')}\n`);
      throw new UsageError(error.message);
    }
    throw error;
  }
  const combined = combineMeasured(estimate, measured);
  if (values.json) {
    const json = sizeToJson(estimate);
    io.stdout(
      `${JSON.stringify(
        {
          ...json,
          stages: json.stages.map((jsonStage, index) => {
            const stageMeasure = combined.stages[index];
            return {
              ...jsonStage,
              layers: jsonStage.layers.map((layer, layerIndex) => ({
                ...layer,
                measured: stageMeasure.layers[layerIndex] ?? null,
              })),
              ...(stageMeasure.shipped
                ? { measured: stageMeasure.measured, waste: stageMeasure.waste }
                : { measured: null }),
            };
          }),
          measured: combined.image,
        },
        null,
        2,
      )}\n`,
    );
  } else io.stdout(measuredTable(estimate, combined));
  return 0;
}
