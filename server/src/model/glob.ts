// Wildcard matching without regular expressions. Patterns come from the Dockerfile and the
// .dockerignore, so they are attacker-controlled: a RegExp built from `a*a*a*…b` backtracks
// exponentially. These matchers simulate the pattern as a set of positions, so a match costs
// O(path length × pattern length) whatever the pattern.

type Token =
  /** One given character (code point). */
  | { kind: 'char'; char: string }
  /** `?`: one character other than `/`. */
  | { kind: 'any' }
  /** `[…]`, `[^…]`: one character in (or not in) the ranges, as Go's filepath.Match reads them. */
  | { kind: 'class'; ranges: number[]; negated: boolean }
  /** `*`: any run of characters other than `/`. */
  | { kind: 'star' }
  /** moby's `**` before more pattern: nothing, or any run of whole folders (each ending in a slash). */
  | { kind: 'folders' }
  /** moby's `**` at the end: anything, slashes included. */
  | { kind: 'rest' };

/** A compiled wildcard pattern: `test` takes the whole string. */
export interface Glob {
  test(value: string): boolean;
}

/**
 * Go's `filepath.Match` syntax (`*`, `?`, `[…]` with `^` and ranges, `\` escapes); undefined where
 * Go reports ErrBadPattern. `*` and `?` never match `/`.
 */
export function compileGoGlob(pattern: string): Glob | undefined {
  const tokens = parseTokens(pattern, false);
  return tokens && new TokenGlob(tokens);
}

/**
 * moby/patternmatcher's syntax (.dockerignore, COPY --exclude/--parents): Go's, plus `**`, which
 * crosses folders. Undefined for a bad pattern.
 */
export function compileDockerGlob(pattern: string): Glob | undefined {
  const tokens = parseTokens(pattern, true);
  return tokens && new TokenGlob(tokens);
}

function parseTokens(pattern: string, doubleStar: boolean): Token[] | undefined {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let index = 0;
  // A class member: a character, `\`-escaped or not; `-` and `]` must be escaped (Go's getEsc).
  const classChar = (): number | undefined => {
    let ch = chars[index];
    if (ch === undefined || ch === '-' || ch === ']') return undefined;
    if (ch === '\\') {
      index++;
      ch = chars[index];
      if (ch === undefined) return undefined;
    }
    index++;
    return ch.codePointAt(0);
  };
  while (index < chars.length) {
    const ch = chars[index++];
    if (ch === '*') {
      if (doubleStar && chars[index] === '*') {
        index++;
        if (chars[index] === '/') index++;
        tokens.push(index >= chars.length ? { kind: 'rest' } : { kind: 'folders' });
        continue;
      }
      while (!doubleStar && chars[index] === '*') index++;
      // Consecutive stars match what one does; keeping one keeps the state count small.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
    } else if (ch === '\\') {
      const escaped = chars[index++];
      if (escaped === undefined) return undefined;
      tokens.push({ kind: 'char', char: escaped });
    } else if (ch === '[') {
      const negated = chars[index] === '^';
      if (negated) index++;
      const ranges: number[] = [];
      let count = 0;
      for (;;) {
        if (index >= chars.length) return undefined;
        if (chars[index] === ']' && count > 0) {
          index++;
          break;
        }
        const low = classChar();
        if (low === undefined) return undefined;
        let high = low;
        if (chars[index] === '-') {
          index++;
          const end = classChar();
          if (end === undefined) return undefined;
          high = end;
        }
        count++;
        // Go accepts a reversed range that matches nothing.
        if (low <= high) ranges.push(low, high);
      }
      tokens.push({ kind: 'class', ranges, negated });
    } else {
      tokens.push({ kind: 'char', char: ch });
    }
  }
  return tokens;
}

class TokenGlob implements Glob {
  private readonly literal: string | undefined;

  constructor(private readonly tokens: readonly Token[]) {
    this.literal = tokens.every((token) => token.kind === 'char')
      ? tokens.map((token) => (token as { char: string }).char).join('')
      : undefined;
  }

  test(value: string): boolean {
    if (this.literal !== undefined) return value === this.literal;
    const tokens = this.tokens;
    const count = tokens.length;
    // at[i]: the pattern has matched up to token i; inside[i]: a `**/` token has started taking a folder.
    let at = new Uint8Array(count + 1);
    let inside = new Uint8Array(count + 1);
    let nextAt = new Uint8Array(count + 1);
    let nextInside = new Uint8Array(count + 1);
    at[0] = 1;
    this.close(at);
    for (const ch of value) {
      nextAt.fill(0);
      nextInside.fill(0);
      let alive = false;
      for (let index = 0; index < count; index++) {
        if (at[index] === 0 && inside[index] === 0) continue;
        const token = tokens[index];
        switch (token.kind) {
          case 'char':
            if (at[index] && ch === token.char) nextAt[index + 1] = 1;
            break;
          case 'any':
            if (at[index] && ch !== '/') nextAt[index + 1] = 1;
            break;
          case 'class':
            if (at[index] && inClass(token, ch)) nextAt[index + 1] = 1;
            break;
          case 'star':
            if (ch !== '/') nextAt[index] = 1;
            break;
          case 'rest':
            nextAt[index] = 1;
            break;
          case 'folders':
            nextInside[index] = 1;
            if (ch === '/') nextAt[index + 1] = 1;
            break;
        }
      }
      this.close(nextAt);
      for (let index = 0; index <= count && !alive; index++) alive = nextAt[index] === 1 || nextInside[index] === 1;
      if (!alive) return false;
      [at, nextAt] = [nextAt, at];
      [inside, nextInside] = [nextInside, inside];
    }
    return at[count] === 1;
  }

  /** Tokens that may match nothing pass the match on (forward only, so one pass suffices). */
  private close(at: Uint8Array): void {
    for (let index = 0; index < this.tokens.length; index++) {
      const kind = this.tokens[index].kind;
      if (at[index] && (kind === 'star' || kind === 'folders' || kind === 'rest')) at[index + 1] = 1;
    }
  }
}

function inClass(token: Extract<Token, { kind: 'class' }>, ch: string): boolean {
  const code = ch.codePointAt(0) as number;
  let found = false;
  for (let index = 0; index < token.ranges.length && !found; index += 2)
    found = token.ranges[index] <= code && code <= token.ranges[index + 1];
  return found !== token.negated;
}

/** `value` as a literal inside a RegExp: every value from a Dockerfile or manifest goes through this. */
export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** `value` as a literal inside a Go glob pattern. */
export function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, '\\$&');
}
