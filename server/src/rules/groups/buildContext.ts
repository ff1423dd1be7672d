import { rule as missingDockerignore } from '../missing-dockerignore';
import { rule as sourceCopiedIntoFinalStage } from '../source-copied-into-final-stage';
import type { Rule } from '../types';

/** Build context: what COPY/ADD drag from the context into the shipped image. */
export const buildContextRules: readonly Rule[] = [sourceCopiedIntoFinalStage, missingDockerignore];
