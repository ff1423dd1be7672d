/** The longest first sentence a message may have: what the Problems panel and a terminal line show whole. */
export const maxFirstSentence = 100;

/**
 * A message's first sentence: what is wrong. It ends at `.`, `?` or `!` followed by a blank, outside
 * `code` and parentheses (so `node:22.1`, `(e.g. USER node)` and `e.g.` do not end it).
 */
export function firstSentence(message: string): string {
  let inCode = false;
  let depth = 0;
  for (let index = 0; index < message.length; index++) {
    const char = message[index];
    if (char === '`') inCode = !inCode;
    if (inCode) continue;
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (char === '.' || char === '?' || char === '!') && message[index + 1] === ' ') {
      if (/(?:^|\W)(?:e\.g|i\.e|etc|vs)$/.test(message.slice(Math.max(0, index - 4), index))) continue;
      return message.slice(0, index + 1);
    }
  }
  return message;
}

/** What follows the first sentence (the why and the how), for hovers; empty when there is nothing more. */
export function restOfMessage(message: string): string {
  return message.slice(firstSentence(message).length).trim();
}

/**
 * The first sentence made to fit `maxFirstSentence`: the longest `code` spans (paths, image references,
 * commands quoted from the file) are shortened with `…` until it fits or none is longer than 16 characters.
 * The full message stays in the JSON output and the hover.
 */
export function messageSummary(message: string): string {
  let sentence = firstSentence(message);
  while (sentence.length > maxFirstSentence) {
    const spans = [...sentence.matchAll(/`([^`]*)`/g)];
    const longest = spans.reduce<RegExpExecArray | RegExpMatchArray | undefined>(
      (best, span) => (span[1].length > (best?.[1].length ?? 0) ? span : best),
      undefined,
    );
    if (!longest || longest.index === undefined || longest[1].length <= minimumSpan) break;
    const keep = Math.max(minimumSpan - 1, longest[1].length - (sentence.length - maxFirstSentence) - 1);
    const shortened = `\`${longest[1].slice(0, keep)}…\``;
    sentence = sentence.slice(0, longest.index) + shortened + sentence.slice(longest.index + longest[0].length);
  }
  return sentence;
}

const minimumSpan = 16;
