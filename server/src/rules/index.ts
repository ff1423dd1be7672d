import { rule as cleanupInLaterLayer } from './cleanup-in-later-layer';
import { rule as noUserInFinalStage } from './no-user-in-final-stage';
import { rule as singleStageBuild } from './single-stage-build';
import type { Rule } from './types';

/** Every rule LayerLens runs, in catalogue order. */
export const rules: readonly Rule[] = [singleStageBuild, noUserInFinalStage, cleanupInLaterLayer];

export function findRule(name: string): Rule | undefined {
  return rules.find((rule) => rule.meta.name === name);
}
