import type { Rule } from '../types';

/** Build context: what COPY/ADD drag from the context into the shipped image. */
export const buildContextRules: readonly Rule[] = [];
