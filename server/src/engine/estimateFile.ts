import { readContextFacts } from '../context/facts';
import { contextFileReader } from '../context/readFile';
import { walkContext } from '../context/walker';
import type { DockerfileModel } from '../model/model';
import { buildModel } from '../model/model';
import { overWorkBudget } from '../model/budget';
import { snapshotAt } from './revision';
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

/** The estimate of the same Dockerfile and build context at a git revision (undefined: no such file or no FROM there). */
export interface RevisionEstimate {
  commit: string;
  estimate: ImageSizeEstimate | undefined;
}

/**
 * Estimates the Dockerfile as it was at `revision`, with the build context of that commit (extracted
 * into a temporary folder, removed before returning). Throws RevisionError when git cannot answer.
 */
export async function estimateAtRevision(
  dockerfile: string,
  contextDir: string,
  revision: string,
  options: { timeoutMs?: number } = {},
): Promise<RevisionEstimate> {
  const snapshot = await snapshotAt(dockerfile, contextDir, revision, options);
  try {
    const text = snapshot.text?.replace(/^\uFEFF/, '');
    if (text === undefined || overWorkBudget(text)) return { commit: snapshot.commit, estimate: undefined };
    const model = buildModel(text);
    if (model.stages.length === 0) return { commit: snapshot.commit, estimate: undefined };
    return {
      commit: snapshot.commit,
      estimate: await estimateWithContextDir(model, snapshot.dockerfile, snapshot.contextDir),
    };
  } finally {
    await snapshot.dispose();
  }
}
