import type { Rule } from '../types';

/** Stage structure: how stages reference each other. */
export const stageStructureRules: readonly Rule[] = [];
