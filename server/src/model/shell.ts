import { syntax } from 'mvdan-sh';
import type { ShCallExpr, ShNode, ShWord, ShWordPart } from 'mvdan-sh';

/** One word of a simple command; offsets are into the script text. */
export interface ShellWord {
  /** The word with quotes removed; expansions are kept as written. */
  value: string;
  raw: string;
  start: number;
  end: number;
  /** True when the word has no expansions, so `value` is exactly what the command receives. */
  literal: boolean;
}

/** A simple command (`apt-get install -y curl`) found anywhere in a script, with offsets into it. */
export interface ShellCommand {
  name: string;
  args: ShellWord[];
  start: number;
  end: number;
}

export interface ShellParse {
  commands: ShellCommand[];
  /** Set when the real parser rejected the script; commands then come from a conservative word split. */
  error?: string;
}

// One parser for the process: parsing is synchronous, so it is never used re-entrantly.
let parser: ReturnType<typeof syntax.NewParser> | undefined;

function getParser(): ReturnType<typeof syntax.NewParser> {
  parser ??= syntax.NewParser(syntax.KeepComments(false), syntax.Variant(syntax.LangBash));
  return parser;
}

/** Splits a POSIX/bash script into its simple commands with mvdan/sh's parser. */
export function parseShell(script: string): ShellParse {
  if (script.trim() === '') return { commands: [] };
  const toChar = byteToCharOffsets(script);
  let file;
  try {
    file = getParser().Parse(script, '');
  } catch (error) {
    return { commands: fallbackSplit(script), error: describeError(error) };
  }
  const commands: ShellCommand[] = [];
  syntax.Walk(file, (node) => {
    if (node && syntax.NodeType(node) === 'CallExpr') {
      const call = node as ShCallExpr;
      if (call.Args.length > 0) commands.push(toCommand(call, script, toChar));
    }
    return true;
  });
  commands.sort((a, b) => a.start - b.start);
  return { commands };
}

function toCommand(call: ShCallExpr, script: string, toChar: (byte: number) => number): ShellCommand {
  const args = call.Args.map((word) => toWord(word, script, toChar));
  const [first, ...rest] = args;
  return { name: first.value, args: rest, start: first.start, end: toChar(call.End().Offset()) };
}

function toWord(word: ShWord, script: string, toChar: (byte: number) => number): ShellWord {
  const start = toChar(word.Pos().Offset());
  const end = toChar(word.End().Offset());
  const state = { literal: true };
  const value = word.Parts.map((part) => partValue(part, script, toChar, state)).join('');
  return { value, raw: script.slice(start, end), start, end, literal: state.literal };
}

function partValue(part: ShWordPart, script: string, toChar: (byte: number) => number, state: { literal: boolean }): string {
  switch (syntax.NodeType(part)) {
    case 'Lit':
    case 'SglQuoted':
      return part.Value ?? '';
    case 'DblQuoted':
      return (part.Parts ?? []).map((inner) => partValue(inner, script, toChar, state)).join('');
    default:
      state.literal = false;
      return sliceNode(part, script, toChar);
  }
}

function sliceNode(node: ShNode, script: string, toChar: (byte: number) => number): string {
  return script.slice(toChar(node.Pos().Offset()), toChar(node.End().Offset()));
}

/** mvdan/sh reports UTF-8 byte offsets; JavaScript strings index UTF-16 code units. */
function byteToCharOffsets(script: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(script)) return (byte) => byte;
  const map: number[] = [];
  for (let i = 0; i < script.length; i++) {
    const code = script.codePointAt(i) ?? 0;
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let b = 0; b < bytes; b++) map.push(i);
    if (code >= 0x10000) i++;
  }
  map.push(script.length);
  return (byte) => map[Math.min(byte, map.length - 1)];
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const goError = error as { Error?: () => string; message?: string };
    if (typeof goError.Error === 'function') return goError.Error();
    if (goError.message) return goError.message;
  }
  return String(error);
}

const separators = new Set([';', '&', '|', '(', ')', '\n']);

/**
 * A conservative split used only when the parser rejects the script (e.g. an unterminated quote while
 * the user types): commands end at unquoted `;`, `&`, `|`, parentheses and newlines; words at blanks.
 */
export function fallbackSplit(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let current: { start: number; value: string } | undefined;
  let quote: string | undefined;

  const endWord = (end: number) => {
    if (!current) return;
    words.push({ value: current.value, raw: script.slice(current.start, end), start: current.start, end, literal: !current.value.includes('$') });
    current = undefined;
  };
  const endCommand = () => {
    if (words.length > 0) {
      const [first, ...rest] = words;
      commands.push({ name: first.value, args: rest, start: first.start, end: words[words.length - 1].end });
    }
    words = [];
  };

  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (current) current.value += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      current ??= { start: i, value: '' };
      quote = ch;
    } else if (ch === '\\' && i + 1 < script.length) {
      current ??= { start: i, value: '' };
      current.value += script[++i];
    } else if (separators.has(ch)) {
      endWord(i);
      endCommand();
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord(i);
    } else if (ch === '#' && !current) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
    } else {
      current ??= { start: i, value: '' };
      current.value += ch;
    }
  }
  endWord(script.length);
  endCommand();
  return commands;
}
