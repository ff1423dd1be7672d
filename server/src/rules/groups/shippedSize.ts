import type { Rule } from '../types';

/** Shipped-image size: what the final stage carries that it does not need to run. */
export const shippedSizeRules: readonly Rule[] = [];
