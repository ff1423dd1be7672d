import { rule as curlPipeToShell } from '../curl-pipe-to-shell';
import { rule as downloadWithoutVerification } from '../download-without-verification';
import { rule as networkToolsInFinalStage } from '../network-tools-in-final-stage';
import { rule as secretInArgOrEnv } from '../secret-in-arg-or-env';
import { rule as sudoInRun } from '../sudo-in-run';
import { rule as unpinnedBaseImage } from '../unpinned-base-image';
import type { Rule } from '../types';

/** Security of the shipped image, in catalogue order. */
export const securityRules: readonly Rule[] = [
  networkToolsInFinalStage,
  secretInArgOrEnv,
  unpinnedBaseImage,
  sudoInRun,
  curlPipeToShell,
  downloadWithoutVerification,
];
