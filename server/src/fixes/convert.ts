import { buildModel } from '../model/model';
import type { DockerfileModel, Stage } from '../model/model';
import type { ConvertContext, ConvertResult } from './convert/common';
import { Refusal } from './convert/common';
import { convertGo } from './convert/go';
import { convertNode } from './convert/node';

export type { ConvertContext, ConvertResult } from './convert/common';

/** One ecosystem's conversion: picked by the single stage's base image; throws `Refusal` to refuse. */
export interface Converter {
  ecosystem: string;
  accepts(stage: Stage, model: DockerfileModel): boolean;
  convert(model: DockerfileModel, stage: Stage, context: ConvertContext): { text: string; messages: string[] };
}

/** In order: the first that accepts the stage converts it. */
const converters: Converter[] = [
  { ecosystem: 'Go', accepts: (stage) => stage.image.repository === 'golang', convert: convertGo },
  { ecosystem: 'Node', accepts: (stage) => stage.image.repository === 'node', convert: convertNode },
];

/**
 * Turns a single-stage Dockerfile into a build stage and a small final stage that keeps the runtime
 * configuration. Pure: the context files are passed in. Refuses, with a reason, whatever it cannot
 * convert safely; a multi-stage file is refused, so converting twice is a no-op.
 */
export function convertToMultiStage(text: string, context: ConvertContext = {}): ConvertResult {
  const model = buildModel(text);
  if (model.stages.length > 1) return { ok: false, reason: 'The Dockerfile is already multi-stage.' };
  const stage = model.stages[0];
  if (!stage) return { ok: false, reason: 'The Dockerfile has no FROM.' };
  try {
    if (stage.image.unresolved) return { ok: false, reason: `The base image ${stage.image.raw} uses a variable without a default: cannot tell the ecosystem.` };
    const converter = converters.find((candidate) => candidate.accepts(stage, model));
    if (!converter) {
      return { ok: false, reason: `No conversion for the base image ${stage.image.repository} (converted: ${converters.map((entry) => entry.ecosystem).join(', ')}).` };
    }
    return { ok: true, ...converter.convert(model, stage, context) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    throw error;
  }
}
