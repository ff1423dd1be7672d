import data from '../data/build-commands.json';
import type { EffectiveCommand } from '../model/commands';
import { operands } from '../model/commands';
import { wildcardMatch } from './glob';

interface ToolchainEntry {
  toolchain: string;
  programs: string[];
  operands?: string[][];
  anyOperand?: string[];
  always?: boolean;
  exceptOperands?: string[][];
}

const entries = data.toolchains as ToolchainEntry[];
/** Entries by program, so a command is only compared with the toolchains that use its program. */
const byProgram = new Map<string, ToolchainEntry[]>();
for (const entry of entries)
  for (const program of entry.programs) byProgram.set(program, [...(byProgram.get(program) ?? []), entry]);

/** The toolchain a command builds with (`go build` → Go), or undefined when it does not build. */
export function buildToolchain(command: EffectiveCommand): string | undefined {
  const candidates = byProgram.get(command.program);
  if (!candidates) return undefined;
  const words = operands(command.args).map((word) => word.value);
  for (const entry of candidates) {
    if (
      entry.exceptOperands?.some(
        (sequence) => sequence.length === words.length && sequence.every((word, index) => words[index] === word),
      )
    )
      continue;
    if (entry.always) return entry.toolchain;
    if (entry.anyOperand?.some((wanted) => words.includes(wanted))) return entry.toolchain;
    if (
      entry.operands?.some((sequence) =>
        sequence.every((pattern, index) => index < words.length && wildcardMatch(pattern, words[index])),
      )
    ) {
      return entry.toolchain;
    }
  }
  return undefined;
}
