import { createTwoFilesPatch } from 'diff';
import type { DocumentSettings } from '../engine/document';
import { fixAll } from '../engine/fixAll';
import type { BuildContextFacts } from '../rules/types';
import { replaceFileAtomically } from './atomicWrite';
import type { Io } from './main';
import { UsageError } from './main';

export interface FixOutcome {
  /** The text to check after fixing (the original when nothing changed or in a dry run). */
  text: string;
  changed: boolean;
}

/**
 * `--fix` for one file: writes the fixed text atomically (a BOM the file had is kept), or with
 * `--dry-run` prints a unified diff and writes nothing. Notes go to stderr, so stdout stays the report.
 */
export function fixFile(
  path: string,
  text: string,
  hadBom: boolean,
  options: { dryRun: boolean; settings: DocumentSettings; context: BuildContextFacts },
  io: Io,
): FixOutcome {
  const result = fixAll(text, options.settings, options.context);
  for (const refused of result.refused)
    io.stderr(`layerlens: ${path}: not applied, the result would not parse: ${refused.rule} (${refused.title})\n`);
  if (result.text === text) return { text, changed: false };
  const count = `${result.applied.length} fix${result.applied.length === 1 ? '' : 'es'}`;
  if (options.dryRun) {
    io.stdout(createTwoFilesPatch(`a/${path}`, `b/${path}`, text, result.text, undefined, undefined, { context: 3 }));
    io.stderr(`layerlens: ${path}: would apply ${count}\n`);
    return { text, changed: true };
  }
  try {
    replaceFileAtomically(path, hadBom ? `\uFEFF${result.text}` : result.text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  io.stderr(`layerlens: ${path}: applied ${count}\n`);
  return { text: result.text, changed: true };
}
