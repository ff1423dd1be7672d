import { rule as cleanupInLaterLayer } from './cleanup-in-later-layer';
import { rule as noUserInFinalStage } from './no-user-in-final-stage';
import { rule as singleStageBuild } from './single-stage-build';
import { buildContextRules } from './groups/buildContext';
import { layerWasteRules } from './groups/layerWaste';
import { securityRules } from './groups/security';
import { shippedSizeRules } from './groups/shippedSize';
import { stageStructureRules } from './groups/stageStructure';
import type { Rule } from './types';

/** Every rule LayerLens runs, in catalogue order (the README table and docs follow it). */
export const rules: readonly Rule[] = [
  singleStageBuild,
  ...shippedSizeRules,
  ...buildContextRules,
  cleanupInLaterLayer,
  ...layerWasteRules,
  noUserInFinalStage,
  ...securityRules,
  ...stageStructureRules,
];

export function findRule(name: string): Rule | undefined {
  return rules.find((rule) => rule.meta.name === name);
}
