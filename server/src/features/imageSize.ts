import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContextIndex, ContextIndexCache } from '../context/walker';
import type { ContextFileReader } from '../size/contextFiles';
import { contextFileReader } from '../context/readFile';
import type { DockerfileModel } from '../model/model';
import type { BuildContextFacts } from '../rules/types';
import { estimateImageSize } from '../size/estimate';
import type { EstimateInputs, ImageSizeEstimate } from '../size/estimate';

const readers = new WeakMap<ContextIndex, ContextFileReader>();

/** The custom request of the size estimator: document → stages → layers (see the README). */
export const imageSizeRequest = 'layerlens/imageSize';

export interface ImageSizeParams {
  textDocument: { uri: string };
}

export interface ContextEstimate {
  estimate: ImageSizeEstimate;
  /** False when the build context was still being read: its COPY sizes are unknown for now. */
  complete: boolean;
}

/**
 * Estimates the image of a document with whatever build-context index is ready; when none is, starts
 * the walk and calls `onContextReady` once it ends (the server then refreshes its lenses). Never waits.
 */
export function estimateWithContext(
  uri: string,
  model: DockerfileModel,
  facts: BuildContextFacts,
  indexes: ContextIndexCache,
  onContextReady: () => void,
  inputs: Omit<EstimateInputs, 'contextIndex'> = {},
): ContextEstimate {
  if (!uri.startsWith('file:')) return { estimate: estimateImageSize(model, inputs), complete: true };
  const root = dirname(fileURLToPath(uri));
  const dockerignore = facts.dockerignore === undefined ? undefined : (facts.dockerignore?.text ?? null);
  const contextIndex = indexes.lookup(root, dockerignore);
  if (!contextIndex && !indexes.isWalking(root, dockerignore)) {
    void indexes.walk(root, dockerignore).then(onContextReady, () => undefined);
  }
  // One reader per walked index: files are read once until a change drops the index (and its reader).
  let readContextFile = contextIndex && readers.get(contextIndex);
  if (contextIndex && !readContextFile) {
    readContextFile = contextFileReader(root);
    readers.set(contextIndex, readContextFile);
  }
  return {
    estimate: estimateImageSize(model, { ...inputs, contextIndex, readContextFile }),
    complete: contextIndex !== undefined,
  };
}
