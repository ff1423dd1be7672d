import { rule as buildToolsInFinalStage } from '../build-tools-in-final-stage';
import { rule as devDependenciesInFinalStage } from '../dev-dependencies-in-final-stage';
import { rule as heavyBaseImage } from '../heavy-base-image';
import { rule as sdkImageInFinalStage } from '../sdk-image-in-final-stage';
import type { Rule } from '../types';

/** Shipped-image size: what the final stage carries that it does not need to run. */
export const shippedSizeRules: readonly Rule[] = [
  buildToolsInFinalStage,
  sdkImageInFinalStage,
  heavyBaseImage,
  devDependenciesInFinalStage,
];
