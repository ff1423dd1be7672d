// Where an instruction's own text ends, for fixes that add text after it. An instruction's range goes on
// over the comment and blank lines a line continuation skips, and a heredoc whose terminator never comes
// takes in the rest of the file: text put after the range then becomes part of the instruction (a USER
// swallowed into a RUN, a cleanup appended inside a comment). Fuzzing found both; the answers here come
// from the parser the model uses, not from a second reading of the syntax.
import { DockerfileParser } from 'dockerfile-ast';
import type { DockerfileModel, Instruction } from './model';
import { joinContinuations } from './script';
import type { Range } from './text';

export interface InstructionTail {
  /** The last line holding the instruction's words: trailing comment and blank lines of a continuation skipped. */
  line: number;
  /** The escape (and the blanks before it) ending that line when it continues the instruction into what follows. */
  danglingEscape?: Range;
  /**
   * BuildKit ends the instruction on an earlier line than dockerfile-ast does: a line ending in an escaped
   * escape (`foo \\`) does not continue for BuildKit, and the lines after it are not this instruction's.
   */
  endsEarlierInBuildKit?: boolean;
}

/** True for a line a continuation skips: blank, or a comment (its first non-blank character is `#`). */
function skippedInContinuation(text: string): boolean {
  const trimmed = text.trimStart();
  return trimmed === '' || trimmed.startsWith('#');
}

/** The instruction's last line of words and whether it ends in an escape that continues it. */
export function instructionTail(model: DockerfileModel, instruction: Instruction): InstructionTail {
  const lines = model.lines;
  const first = instruction.range.start.line;
  // A heredoc's body lines may start with `#` and are the instruction's own words: its last line is its end.
  const heredoc = instruction.args.some((arg) => arg.value.startsWith('<<') && arg.value.length > 2);
  let line = instruction.range.end.line;
  const textOf = (at: number) =>
    at === instruction.range.end.line
      ? lines.lineText(at).slice(0, instruction.range.end.character)
      : lines.lineText(at);
  if (!heredoc) while (line > first && skippedInContinuation(textOf(line))) line--;
  const text = textOf(line).trimEnd();
  if (heredoc) return { line };
  // The model's script is joined by BuildKit's rule: where that join stops is where BuildKit's instruction ends.
  const joined = joinContinuations(lines, instruction.start, line, model.escapeChar);
  if (lines.positionAt(joined.toDocument(joined.text.length)).line < line) return { line, endsEarlierInBuildKit: true };
  if (!text.endsWith(model.escapeChar)) return { line };
  // The blanks before the escape go with it, so no trailing whitespace is left behind.
  const from = text.slice(0, -1).trimEnd().length;
  return { line, danglingEscape: { start: { line, character: from }, end: { line, character: text.length } } };
}

/** True when the parser reads `added`, put after the instruction's text, as an instruction of its own. */
function standsAlone(model: DockerfileModel, instruction: Instruction, edits: { range: Range; newText: string }[]) {
  let text = model.text.slice(instruction.start, instruction.end);
  // Edits inside the instruction are applied from the last one, so earlier offsets stay valid.
  const relative = edits
    .map((edit) => ({
      start: model.lines.offsetAt(edit.range.start) - instruction.start,
      end: model.lines.offsetAt(edit.range.end) - instruction.start,
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start);
  for (const edit of relative) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  // The escape directive must come first; the instruction's text is parsed on its own, so it is put back.
  const parsed = DockerfileParser.parse(`# escape=${model.escapeChar}\n${text}`).getInstructions();
  return parsed.length === 2;
}

/**
 * Edits that put `line` (one whole instruction) on a line of its own after `instruction`: a dangling escape
 * is removed so that the instruction ends where its words end. Undefined when the parser would still read the
 * new line as part of the instruction (a heredoc that is never terminated).
 */
export function appendInstruction(
  model: DockerfileModel,
  instruction: Instruction,
  line: string,
): { range: Range; newText: string }[] | undefined {
  const end = instruction.range.end;
  const insert = { range: { start: end, end }, newText: `${model.lines.eol}${line}` };
  const { danglingEscape } = instructionTail(model, instruction);
  const edits = danglingEscape ? [{ range: danglingEscape, newText: '' }, insert] : [insert];
  return standsAlone(model, instruction, edits) ? edits : undefined;
}
