import { readContextFacts } from '../context/facts';
import { contextFileReader } from '../context/readFile';
import { walkContext } from '../context/walker';
import type { DockerfileModel } from '../model/model';
import { estimateImageSize } from '../size/estimate';
import type { EstimateInputs, ImageSizeEstimate } from '../size/estimate';

/** The size estimate of a parsed Dockerfile with its build context read from disk (`size`, budgets). */
export async function estimateWithContextDir(
  model: DockerfileModel,
  dockerfile: string,
  contextDir: string,
  baseSizes?: EstimateInputs['baseSizes'],
): Promise<ImageSizeEstimate> {
  const facts = readContextFacts(dockerfile, contextDir);
  const contextIndex = await walkContext(contextDir, {
    dockerignore: facts.dockerignore === undefined ? undefined : (facts.dockerignore?.text ?? null),
  });
  return estimateImageSize(model, { contextIndex, baseSizes, readContextFile: contextFileReader(contextDir) });
}
