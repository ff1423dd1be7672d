import { LineIndex } from '../model/text';
import type { TextEdit } from '../rules/types';

/** Applies non-overlapping edits to a text (used by tests and the CLI; the editor applies its own). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const resolved = edits
    .map((edit) => ({
      start: lines.offsetAt(edit.range.start),
      end: lines.offsetAt(edit.range.end),
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  let limit = Infinity;
  for (const edit of resolved) {
    if (edit.end > limit) throw new Error('overlapping edits');
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}
