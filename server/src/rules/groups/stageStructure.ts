import { rule as copyFromUnknownStage } from '../copy-from-unknown-stage';
import { rule as copyWholeStage } from '../copy-whole-stage';
import type { Rule } from '../types';
import { rule as unusedStage } from '../unused-stage';

/** Stage structure: how stages reference each other. */
export const stageStructureRules: readonly Rule[] = [copyFromUnknownStage, copyWholeStage, unusedStage];
