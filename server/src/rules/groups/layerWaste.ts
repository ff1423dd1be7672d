import type { Rule } from '../types';

/** Layer waste: bytes that stay in the shipped image's layers. */
export const layerWasteRules: readonly Rule[] = [];
