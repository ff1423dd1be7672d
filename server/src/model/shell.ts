import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { Node as SyntaxNode, Tree, TreeCursor } from 'web-tree-sitter';
import { splitSimpleScript } from './simpleShell';

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
  /** Shared by the commands of one pipeline (`curl … | sh`): the script offset where it starts; undefined outside pipelines. */
  pipeline?: number;
}

export interface ShellParse {
  commands: ShellCommand[];
  /** Set when the script has a syntax error; commands are then what the parser could recover. */
  error?: string;
}

let parser: Parser | undefined;
let initializing: Promise<void> | undefined;

/**
 * Loads tree-sitter-bash (WebAssembly) once per process. Everything that builds models awaits this
 * first (server start, CLI start, test setup); parsing itself is then synchronous.
 */
export function initShellParser(): Promise<void> {
  initializing ??= (async () => {
    const runtime = wasmPath('web-tree-sitter.wasm', () => require.resolve('web-tree-sitter/web-tree-sitter.wasm'));
    const grammar = wasmPath('tree-sitter-bash.wasm', () => require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    await Parser.init({ wasmBinary: readFileSync(runtime) });
    const language = await Language.load(readFileSync(grammar));
    parser = new Parser();
    parser.setLanguage(language);
  })();
  return initializing;
}

/** Bundles carry the wasm files next to them (dist/); from sources they come from node_modules. */
function wasmPath(name: string, fromNodeModules: () => string): string {
  const besideBundle = join(__dirname, name);
  if (existsSync(besideBundle)) return besideBundle;
  return fromNodeModules();
}

/**
 * Parses of recent scripts: an edit re-parses the Dockerfile, and every RUN but the edited one has the
 * same script as before. Bounded by the script text it holds; parses are shared, so callers must not
 * mutate them.
 */
const recentParses = new Map<string, ShellParse>();
let recentParsesChars = 0;
const maxRecentParsesChars = 300_000;

/** Splits a POSIX/bash script into its simple commands with tree-sitter-bash; memoised per script. */
export function parseShell(script: string): ShellParse {
  const recent = recentParses.get(script);
  if (recent) return recent;
  const parsed = parseShellUncached(script);
  if (recentParsesChars + script.length > maxRecentParsesChars) {
    recentParses.clear();
    recentParsesChars = 0;
  }
  recentParses.set(script, parsed);
  recentParsesChars += script.length;
  return parsed;
}

/** Empties the memo of parseShell (tests compare memoised analyses with fresh ones). */
export function forgetRecentShellParses(): void {
  recentParses.clear();
  recentParsesChars = 0;
}

function parseShellUncached(script: string): ShellParse {
  if (script.trim() === '') return { commands: [] };
  if (!parser) throw new Error('the shell parser is not initialised: await initShellParser() first');
  // Plain scripts are split without tree-sitter; the split is the same (test/unit/simpleShell.test.ts).
  const simple = splitSimpleScript(script);
  return simple ? { commands: simple } : parseShellTree(script);
}

/** The tree-sitter-bash split, for any script (parseShell uses it for scripts that are not plain). */
export function parseShellTree(script: string): ShellParse {
  if (script.trim() === '') return { commands: [] };
  if (!parser) throw new Error('the shell parser is not initialised: await initShellParser() first');
  const tree = parser.parse(script);
  if (!tree) return { commands: fallbackSplit(script), error: 'the shell parser gave up' };
  try {
    const commands: ShellCommand[] = [];
    collectCommands(tree, script, commands);
    commands.sort((a, b) => a.start - b.start);
    const root = tree.rootNode;
    return root.hasError ? { commands, error: describeError(root) } : { commands };
  } finally {
    // Trees live in WebAssembly memory: free them, or a long-running server grows without bound.
    tree.delete();
  }
}

/**
 * Finds the `command` and `pipeline` nodes in one WebAssembly call (descendantsOfType walks the tree
 * natively; walking it node by node from JavaScript crossed into WebAssembly several times per node), then
 * reads each command's children with one cursor. A command belongs to the innermost pipeline around it.
 */
function collectCommands(tree: Tree, script: string, commands: ShellCommand[]): void {
  const nodes = tree.rootNode.descendantsOfType(nodeTypes);
  if (nodes.length === 0) return;
  const cursor = tree.walk();
  // Pipelines enclosing the current node, outermost first; the nodes come in document (pre-)order.
  const pipelines: SyntaxNode[] = [];
  try {
    for (const node of nodes) {
      if (!node) continue;
      while (pipelines.length > 0 && !encloses(pipelines[pipelines.length - 1], node)) pipelines.pop();
      if (node.type === 'pipeline') {
        pipelines.push(node);
        continue;
      }
      cursor.reset(node);
      const command = toCommand(cursor, script);
      if (!command) continue;
      if (pipelines.length > 0) command.pipeline = pipelines[pipelines.length - 1].startIndex;
      commands.push(command);
    }
  } finally {
    cursor.delete();
  }
}

const nodeTypes = ['command', 'pipeline'];

function encloses(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex && outer.endIndex > inner.startIndex;
}

/**
 * Reads a `command` node's name and arguments with a cursor over its children: plain words are sliced
 * from the script without creating node objects; only compound words (strings, concatenations) are
 * materialised for their parts.
 */
function toCommand(cursor: TreeCursor, script: string): ShellCommand | undefined {
  let name: ShellWord | undefined;
  const args: ShellWord[] = [];
  if (!cursor.gotoFirstChild()) return undefined;
  do {
    const field = cursor.currentFieldName;
    if (field === 'argument') {
      args.push(cursorWord(cursor, script));
    } else if (field === 'name') {
      // command_name wraps the actual word.
      if (cursor.gotoFirstChild()) {
        name = cursorWord(cursor, script);
        cursor.gotoParent();
      }
    }
  } while (cursor.gotoNextSibling());
  cursor.gotoParent();
  if (!name) return undefined;
  // tree-sitter-bash reads a group after `!` (`! { ldd x | grep y; }`) as commands named `{` and `}`.
  if (name.value === '}') return undefined;
  if (name.value === '{') {
    const first = args.shift();
    if (!first) return undefined;
    name = first;
  }
  const last = args[args.length - 1];
  return { name: name.value, args, start: name.start, end: last ? last.end : name.end };
}

function cursorWord(cursor: TreeCursor, script: string): ShellWord {
  const start = cursor.startIndex;
  const end = cursor.endIndex;
  const raw = script.slice(start, end);
  switch (cursor.nodeType) {
    case 'word':
    case 'number':
      return { value: unescapeWord(raw), raw, start, end, literal: true };
    case 'raw_string':
      return { value: raw.slice(1, -1), raw, start, end, literal: true };
    default:
      return toWord(cursor.currentNode, script);
  }
}

function toWord(node: SyntaxNode, script: string): ShellWord {
  const state = { literal: true };
  const value = wordValue(node, state);
  const start = node.startIndex;
  const end = node.endIndex;
  return { value, raw: script.slice(start, end), start, end, literal: state.literal };
}

function wordValue(node: SyntaxNode, state: { literal: boolean }): string {
  switch (node.type) {
    case 'word':
    case 'number':
      return unescapeWord(node.text);
    case 'string_content':
      return node.text.replace(/\\([$`"\\\n])/g, '$1');
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string': {
      // The parts of a double-quoted string; text between named parts is literal content.
      let value = '';
      let cursor = node.startIndex + 1;
      for (const child of node.namedChildren) {
        if (!child) continue;
        value += node.text.slice(cursor - node.startIndex, child.startIndex - node.startIndex);
        value += wordValue(child, state);
        cursor = child.endIndex;
      }
      return value + node.text.slice(cursor - node.startIndex, node.text.length - 1);
    }
    case 'concatenation':
    case 'command_name':
      return node.namedChildren.map((child) => (child ? wordValue(child, state) : '')).join('');
    default:
      state.literal = false;
      return node.text;
  }
}

function unescapeWord(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
}

function describeError(root: SyntaxNode): string {
  const error = findError(root);
  if (!error) return 'syntax error';
  const { row, column } = error.startPosition;
  return error.isMissing
    ? `missing ${error.type} at line ${row + 1}, column ${column + 1}`
    : `syntax error at line ${row + 1}, column ${column + 1}`;
}

function findError(node: SyntaxNode): SyntaxNode | undefined {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (!child || (!child.hasError && !child.isMissing)) continue;
    const found = findError(child);
    if (found) return found;
  }
  return undefined;
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
    words.push({
      value: current.value,
      raw: script.slice(current.start, end),
      start: current.start,
      end,
      literal: !current.value.includes('$'),
    });
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
