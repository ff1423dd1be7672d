import type { Rule } from '../types';

/** Security of the shipped image. */
export const securityRules: readonly Rule[] = [];
