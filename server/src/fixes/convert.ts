import { buildModel } from '../model/model';
import type { ConvertContext, ConvertResult } from './convert/common';
import { Refusal } from './convert/common';
import { convertGo } from './convert/go';
import { convertNode } from './convert/node';

export type { ConvertContext, ConvertResult } from './convert/common';

/**
 * Turns a single-stage Go or Node Dockerfile into a build stage and a small final stage that keeps
 * the runtime configuration. Pure: the context files are passed in. Refuses, with a reason, whatever
 * it cannot convert safely; a multi-stage file is refused, so converting twice is a no-op.
 */
export function convertToMultiStage(text: string, context: ConvertContext = {}): ConvertResult {
  const model = buildModel(text);
  if (model.stages.length > 1) return { ok: false, reason: 'The Dockerfile is already multi-stage.' };
  const stage = model.stages[0];
  if (!stage) return { ok: false, reason: 'The Dockerfile has no FROM.' };
  try {
    if (stage.image.unresolved) return { ok: false, reason: `The base image ${stage.image.raw} uses a variable without a default: cannot tell the ecosystem.` };
    switch (stage.image.repository) {
      case 'golang':
        return { ok: true, ...convertGo(model, stage, context) };
      case 'node':
        return { ok: true, ...convertNode(model, stage, context) };
      default:
        return { ok: false, reason: `Only golang and node base images are converted, not ${stage.image.repository}.` };
    }
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    throw error;
  }
}
