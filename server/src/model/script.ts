import type { LineIndex } from './text';

/** Shell text of a RUN with, for every character, the document offset it came from. */
export interface MappedScript {
  text: string;
  /** `offsets[i]` is the document offset of `text[i]`; `offsets[text.length]` is the end. */
  offsets: number[];
}

/**
 * Joins an instruction's continuation lines the way Docker does: an escape character at the end of a
 * line (trailing blanks allowed) joins the next line, and comment or empty lines inside the
 * continuation are dropped. Returns the text from `start` to the instruction's last line.
 */
export function joinContinuations(lines: LineIndex, start: number, endLine: number, escapeChar: string): MappedScript {
  const text: string[] = [];
  const offsets: number[] = [];
  const source = lines.text;
  const firstLine = lines.positionAt(start).line;
  let lastOffset = start;
  for (let line = firstLine; line <= endLine; line++) {
    const lineStart = line === firstLine ? start : lines.lineStart(line);
    const lineEnd = lines.lineEnd(line);
    const content = source.slice(lineStart, lineEnd);
    if (line !== firstLine && isBlankOrComment(content)) continue;
    const continued = continuationIndex(content, escapeChar);
    const end = continued >= 0 ? lineStart + continued : lineEnd;
    for (let offset = lineStart; offset < end; offset++) {
      text.push(source[offset]);
      offsets.push(offset);
    }
    lastOffset = end;
    if (continued < 0) break;
  }
  offsets.push(lastOffset);
  return { text: text.join(''), offsets };
}

/** A slice of the document taken verbatim (heredoc bodies). */
export function verbatim(lines: LineIndex, start: number, end: number): MappedScript {
  const offsets: number[] = [];
  for (let offset = start; offset <= end; offset++) offsets.push(offset);
  return { text: lines.text.slice(start, end), offsets };
}

function isBlankOrComment(content: string): boolean {
  const trimmed = content.trimStart();
  return trimmed === '' || trimmed.startsWith('#');
}

/** Index of the line-continuation escape character, or -1 when the line does not continue. */
function continuationIndex(content: string, escapeChar: string): number {
  let end = content.length;
  while (end > 0 && (content[end - 1] === ' ' || content[end - 1] === '\t')) end--;
  // BuildKit's rule (`([^E])E[ \t]*$|^E[ \t]*$`): the escape character, then only blanks, and not
  // itself escaped (`foo \\` does not continue).
  if (end === 0 || content[end - 1] !== escapeChar) return -1;
  return end === 1 || content[end - 2] !== escapeChar ? end - 1 : -1;
}
