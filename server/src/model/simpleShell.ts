import type { ShellCommand, ShellWord } from './shell';

/**
 * A scanner for the plain scripts most RUNs are (`apt-get update && apt-get install -y curl`): simple
 * commands of words, quoted strings and `$NAME`/`${NAME}` expansions, joined by `&&`, `||`, `|`, `;` and
 * `&`. It returns exactly what tree-sitter-bash gives for such a script and undefined for anything else
 * (redirections, substitutions, compound commands, bare assignments, keywords, escapes, line breaks…), which
 * then goes to tree-sitter. Each tree-sitter call costs tens of microseconds of WebAssembly and cursor
 * traffic even for `sleep 1`; 927 of the corpus's 1,292 RUNs fit here.
 */
export function splitSimpleScript(script: string): ShellCommand[] | undefined {
  const commands: ShellCommand[] = [];
  const length = script.length;
  let index = 0;
  let words: ShellWord[] = [];
  // The start of the current `a | b | c` chain's first command, and whether a `|` was seen in it.
  let chainStart = -1;
  let piped = false;
  let chain: ShellCommand[] = [];
  // The operator just read, while no word has followed it yet.
  let pendingOperator: string | undefined;

  const endCommand = (): boolean => {
    // Leading `NAME=value` words are the command's environment (`CGO_ENABLED=0 go build`), not its name.
    let first = 0;
    while (first < words.length && assignment.test(words[first].raw)) first++;
    if (first === words.length) return false;
    const [name, ...args] = words.slice(first);
    if (!isPlainCommandName(name)) return false;
    const last = args[args.length - 1];
    const command: ShellCommand = { name: name.value, args, start: name.start, end: last ? last.end : name.end };
    // tree-sitter's pipeline starts with its first command's first word, assignments included.
    if (chainStart < 0) chainStart = words[0].start;
    chain.push(command);
    commands.push(command);
    words = [];
    return true;
  };
  const endChain = () => {
    if (piped) for (const command of chain) command.pipeline = chainStart;
    chain = [];
    chainStart = -1;
    piped = false;
  };

  while (index < length) {
    const code = script.charCodeAt(index);
    if (code === 32 || code === 9) {
      index++;
      continue;
    }
    const operator = operatorAt(script, index);
    if (operator) {
      // Every operator follows a command: `&& b`, `a && && b` and `; b` are not simple.
      if (pendingOperator || !endCommand()) return undefined;
      if (operator === '|') piped = true;
      else endChain();
      pendingOperator = operator;
      index += operator.length;
      continue;
    }
    const word = scanWord(script, index);
    if (!word) return undefined;
    words.push(word);
    pendingOperator = undefined;
    index = word.end;
  }
  if (words.length > 0) {
    if (!endCommand()) return undefined;
  } else if (pendingOperator !== ';' && pendingOperator !== '&') {
    // Nothing at all, or a script ending in `&&`, `||` or `|`.
    return undefined;
  }
  endChain();
  return commands;
}

function operatorAt(script: string, index: number): string | undefined {
  const char = script[index];
  if (char === ';') return script[index + 1] === ';' ? undefined : ';';
  if (char === '&') return script[index + 1] === '&' ? '&&' : '&';
  if (char === '|') {
    const next = script[index + 1];
    if (next === '|') return '||';
    return next === '&' ? undefined : '|';
  }
  return undefined;
}

/** Characters a bare word may hold; everything else (`#`, `~`, `<`, `(`, `{`, `[`, `!`, `\`…) means "not simple". */
function isBareChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 46 || // .
    code === 47 || // /
    code === 45 || // -
    code === 61 || // =
    code === 58 || // :
    code === 64 || // @
    code === 43 || // +
    code === 44 || // ,
    code === 37 || // %
    code === 94 || // ^
    code === 42 || // *
    code === 63 // ?
  );
}

function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

/** The end of `$NAME` or `${NAME}` at `index` (which holds `$`), or -1 for any other expansion. */
function expansionEnd(script: string, index: number): number {
  let at = index + 1;
  const braced = script.charCodeAt(at) === 123; // {
  if (braced) at++;
  if (!isNameStart(script.charCodeAt(at))) return -1;
  while (isNameChar(script.charCodeAt(at))) at++;
  if (!braced) return at;
  return script.charCodeAt(at) === 125 ? at + 1 : -1; // }
}

/** One word made of bare characters, `'…'`, `"…"` and simple expansions; undefined when it holds anything else. */
function scanWord(script: string, start: number): ShellWord | undefined {
  let index = start;
  let value = '';
  let literal = true;
  let quoted = false;
  let bareExpansion = false;
  const length = script.length;
  while (index < length) {
    const code = script.charCodeAt(index);
    if (isBareChar(code)) {
      let end = index + 1;
      while (end < length && isBareChar(script.charCodeAt(end))) end++;
      value += script.slice(index, end);
      index = end;
    } else if (code === 36) {
      // $
      // tree-sitter-bash splits some words that mix a bare expansion with another one or with quotes
      // (`${A}x$B-`, `a"b"c$D`) in two: allow one bare expansion in a word without quotes.
      const end = literal && !quoted ? expansionEnd(script, index) : -1;
      if (end < 0) return undefined;
      value += script.slice(index, end);
      literal = false;
      bareExpansion = true;
      index = end;
    } else if (code === 39) {
      // '…': everything up to the next quote, taken as is.
      const close = script.indexOf("'", index + 1);
      if (close < 0) return undefined;
      const content = script.slice(index + 1, close);
      if (content.includes('\n') || content.includes('\r')) return undefined;
      if (bareExpansion) return undefined;
      value += content;
      quoted = true;
      index = close + 1;
    } else if (code === 34) {
      // "…" without escapes, backquotes or expansions other than $NAME / ${NAME}.
      if (bareExpansion) return undefined;
      let at = index + 1;
      for (;;) {
        if (at >= length) return undefined;
        const inner = script.charCodeAt(at);
        if (inner === 34) break;
        if (inner === 92 || inner === 96 || inner === 10 || inner === 13) return undefined;
        if (inner === 36) {
          const end = expansionEnd(script, at);
          if (end < 0) return undefined;
          literal = false;
          at = end;
          continue;
        }
        at++;
      }
      value += script.slice(index + 1, at);
      quoted = true;
      index = at + 1;
    } else if (code === 32 || code === 9 || code === 59 || code === 38 || code === 124) {
      break; // blank, ;, &, |
    } else {
      return undefined;
    }
  }
  if (index === start) return undefined;
  // A word must be followed by a blank, an operator or the end.
  return { value, raw: script.slice(start, index), start, end: index, literal };
}

const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Words tree-sitter-bash reads as syntax, not as a command name, in command position. */
const reserved = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'case',
  'esac',
  'for',
  'while',
  'until',
  'select',
  'function',
  'in',
  'time',
  'coproc',
  'export',
  'declare',
  'local',
  'readonly',
  'typeset',
  'unset',
  'unsetenv',
  'let',
  'eval',
  'source',
  'test',
  '!',
  '{',
  '}',
]);

/** A command name the scanner vouches for: bare characters only, no assignment, not a keyword. */
function isPlainCommandName(word: ShellWord): boolean {
  // Globs, `=` (an assignment), `%` and `^` read differently in command position.
  if (word.raw !== word.value || !word.literal || !/^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(word.value)) return false;
  return !reserved.has(word.value);
}
