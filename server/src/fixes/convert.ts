import { overWorkBudget } from '../model/budget';
import { buildModel } from '../model/model';
import type { DockerfileModel, Stage } from '../model/model';
import type { ConvertContext, ConvertResult } from './convert/common';
import { Refusal } from './convert/common';
import { acceptsGo, convertGo } from './convert/go';
import { convertJava, isJavaBuildImage } from './convert/java';
import { convertRust, isRustBuildImage } from './convert/rust';
import { convertDotnet, isDotnetBuildImage } from './convert/dotnet';
import { convertNode } from './convert/node';
import { convertPython } from './convert/python';
import { acceptsStaticWeb, convertStaticWeb } from './convert/staticWeb';

export type { ConvertContext, ConvertResult } from './convert/common';

/** One ecosystem's conversion: picked by the single stage's base image; throws `Refusal` to refuse. */
export interface Converter {
  ecosystem: string;
  accepts(stage: Stage, model: DockerfileModel): boolean;
  convert(model: DockerfileModel, stage: Stage, context: ConvertContext): { text: string; messages: string[] };
}

/** In order: the first that accepts the stage converts it. */
const converters: Converter[] = [
  { ecosystem: 'Go', accepts: acceptsGo, convert: convertGo },
  // Before Node: a node image that only builds and serves static files becomes nginx, not node-slim.
  { ecosystem: 'static web', accepts: acceptsStaticWeb, convert: convertStaticWeb },
  { ecosystem: 'Node', accepts: (stage) => stage.image.repository === 'node', convert: convertNode },
  { ecosystem: 'Python', accepts: (stage) => stage.image.repository === 'python', convert: convertPython },
  { ecosystem: 'Java', accepts: (stage) => isJavaBuildImage(stage), convert: convertJava },
  { ecosystem: 'Rust', accepts: (stage) => isRustBuildImage(stage), convert: convertRust },
  { ecosystem: '.NET', accepts: (stage) => isDotnetBuildImage(stage), convert: convertDotnet },
];

/** Starts the reason of a conversion that failed on a bug, not on the input. */
export const internalErrorPrefix = 'LayerLens failed on this file (internal error):';

/**
 * Turns a single-stage Dockerfile into a build stage and a small final stage that keeps the runtime
 * configuration. Pure: the context files are passed in. Refuses, with a reason, whatever it cannot
 * convert safely; a multi-stage file is refused, so converting twice is a no-op.
 */
export function convertToMultiStage(text: string, context: ConvertContext = {}): ConvertResult {
  const overBudget = overWorkBudget(text);
  if (overBudget) return { ok: false, reason: `${overBudget}: it is not converted.` };
  return convertModel(buildModel(text), context);
}

/** The same, for a Dockerfile already parsed (the server converts the model its analysis made). */
export function convertModel(model: DockerfileModel, context: ConvertContext = {}): ConvertResult {
  if (model.stages.length > 1) return { ok: false, reason: 'The Dockerfile is already multi-stage.' };
  const stage = model.stages[0];
  if (!stage) return { ok: false, reason: 'The Dockerfile has no FROM.' };
  try {
    if (stage.image.unresolved)
      return {
        ok: false,
        reason: `The base image ${stage.image.raw} uses a variable without a default: cannot tell the ecosystem.`,
      };
    const converter = converters.find((candidate) => candidate.accepts(stage, model));
    if (!converter) {
      return {
        ok: false,
        reason: `No conversion for the base image ${stage.image.repository} (converted: ${converters.map((entry) => entry.ecosystem).join(', ')}).`,
      };
    }
    return { ok: true, ...converter.convert(model, stage, context) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    // A bug must not take the server down: the conversion is refused, saying why (the fuzzer looks for this text).
    return { ok: false, reason: `${internalErrorPrefix} ${error instanceof Error ? error.message : String(error)}` };
  }
}
