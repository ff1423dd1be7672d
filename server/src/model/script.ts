import type { LineIndex } from './text';

/** Shell text of a RUN and where each of its characters came from in the document. */
export interface MappedScript {
  text: string;
  /** The document offset of `text[index]`; `index === text.length` maps to the end of the last piece. */
  toDocument(index: number): number;
}

/**
 * A script made of verbatim pieces of the document. Pieces are kept as (script start, document start)
 * pairs and searched on demand: a per-character offset table was a measurable share of parse time and
 * garbage.
 */
class PiecewiseScript implements MappedScript {
  constructor(
    readonly text: string,
    private readonly scriptStarts: number[],
    private readonly documentStarts: number[],
    private readonly documentEnd: number,
  ) {}

  toDocument(index: number): number {
    if (this.scriptStarts.length === 0) return this.documentEnd;
    if (index >= this.text.length) return this.documentEnd;
    let low = 0;
    let high = this.scriptStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.scriptStarts[mid] <= index) low = mid;
      else high = mid - 1;
    }
    return this.documentStarts[low] + (index - this.scriptStarts[low]);
  }
}

/**
 * Joins an instruction's continuation lines the way BuildKit does: an escape character at the end of a
 * line (trailing blanks allowed) joins the next line, and comment or empty lines inside the
 * continuation are dropped. Returns the text from `start` to the instruction's last line.
 */
export function joinContinuations(lines: LineIndex, start: number, endLine: number, escapeChar: string): MappedScript {
  const pieces: string[] = [];
  const scriptStarts: number[] = [];
  const documentStarts: number[] = [];
  const source = lines.text;
  const firstLine = lines.positionAt(start).line;
  let length = 0;
  let lastOffset = start;
  for (let line = firstLine; line <= endLine; line++) {
    const lineStart = line === firstLine ? start : lines.lineStart(line);
    const lineEnd = lines.lineEnd(line);
    const content = source.slice(lineStart, lineEnd);
    if (line !== firstLine && isBlankOrComment(content)) continue;
    const continued = continuationIndex(content, escapeChar);
    const end = continued >= 0 ? lineStart + continued : lineEnd;
    if (end > lineStart) {
      pieces.push(source.slice(lineStart, end));
      scriptStarts.push(length);
      documentStarts.push(lineStart);
      length += end - lineStart;
    }
    lastOffset = end;
    if (continued < 0) break;
  }
  return new PiecewiseScript(pieces.join(''), scriptStarts, documentStarts, lastOffset);
}

/** A slice of the document taken verbatim (heredoc bodies). */
export function verbatim(lines: LineIndex, start: number, end: number): MappedScript {
  return new PiecewiseScript(lines.text.slice(start, end), [0], [start], end);
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
