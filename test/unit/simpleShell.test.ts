import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../../server/src/model/model';
import { parseShellTree } from '../../server/src/model/shell';
import { splitSimpleScript } from '../../server/src/model/simpleShell';

// The plain-script scanner stands in for tree-sitter-bash: whatever it accepts must split exactly as
// tree-sitter does (words, values, offsets, pipelines, no error).
function assertSameAsTree(script: string): boolean {
  const simple = splitSimpleScript(script);
  if (!simple) return false;
  assert.deepEqual({ commands: simple }, parseShellTree(script), `script: ${JSON.stringify(script)}`);
  return true;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Mostly words and operators the scanner models, salted with what it must refuse or get right at the edges.
const plainWords = [
  'apt-get',
  'install',
  '-y',
  '--no-install-recommends',
  'rm',
  '-rf',
  '/var/lib/apt/lists/*',
  'a?b',
  'echo',
  'make',
  'CC=gcc',
  'a=b',
  '=a',
  'a=',
  '1',
  '-2',
  '1.5',
  '%x',
  '^y',
  '@z',
  '+a',
  ',b',
  ':c',
  ':',
  'x*',
  '*',
  '?',
  '--',
  '-',
  './configure',
  'do',
  'in',
  'env',
  'sudo',
  '$FOO',
  '${FOO}',
  '$FOO/bin',
  '--prefix=$HOME',
  'a$B',
  '$A$B',
  '${A}x',
  '"a b"',
  '"$X"',
  '"a $X b"',
  '"${X}y"',
  '""',
  "''",
  "'a b'",
  "'$X'",
  'A=1',
  'CGO_ENABLED=0',
  'A="x y"',
  'A=$B',
  'A=${B}c',
  "A='q'",
  'A=',
  'A=b=c',
  'A+=1',
  '_a=b',
  '1A=b',
  "'a\"b'",
  '"a\'b"',
  '"a"b',
  'a"b"',
  "a'b'c",
  '"a;b"',
  '"a|b"',
  '"a#b"',
  "'a(b'",
  '"{x}"',
];
const otherWords = [
  'if',
  'then',
  'fi',
  'done',
  'for',
  'time',
  'export',
  'local',
  'unset',
  'case',
  'esac',
  'function',
  'select',
  'while',
  'declare',
  '!',
  '{',
  '}',
  '[',
  ']',
  '[[',
  'test',
  '$1',
  '$@',
  '$$',
  '${FOO:-x}',
  '$',
  '${',
  '${}',
  '"a\\"b"',
  '"`x`"',
  '"$(x)"',
  "'",
  '"',
  'a\\ b',
  '\\$x',
  '~',
  '~/x',
  '#',
  'a#b',
  '2>&1',
  '>/dev/null',
  '<x',
  '(',
  ')',
  '$(x)',
  '`x`',
  'a{b,c}',
  'é',
  'a\u00a0b',
];
const plainOperators = ['&&', '||', '|', ';', '&'];
const otherOperators = [';;', '|&', '&>', '\n', ' \\\n '];
const blanks = [' ', ' ', ' ', '  ', '\t', ''];

function randomScript(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  let script = next() < 0.1 ? pick(blanks) : '';
  const parts = 1 + Math.floor(next() * 9);
  for (let part = 0; part < parts; part++) {
    const plain = next() < 0.97;
    if (next() < 0.25) script += pick(plain ? plainOperators : otherOperators);
    else script += pick(plain ? plainWords : otherWords);
    script += pick(blanks);
  }
  return script;
}

describe('plain shell scripts without tree-sitter', () => {
  it('splits what it accepts exactly as tree-sitter-bash does (random scripts)', () => {
    const next = random(Number(process.env.SIMPLE_SHELL_SEED ?? 20261128));
    let accepted = 0;
    // SIMPLE_SHELL_FUZZ=500000 runs a longer search.
    for (let round = 0; round < Number(process.env.SIMPLE_SHELL_FUZZ ?? 30000); round++)
      if (assertSameAsTree(randomScript(next))) accepted++;
    // The generator must exercise the scanner, not only its refusals.
    assert.ok(accepted > 1000, `only ${accepted} random scripts were plain`);
    if (process.env.SIMPLE_SHELL_FUZZ) console.log(`accepted ${accepted}`);
  });

  it('accepts typical RUN lines and refuses what it does not model', () => {
    const verdicts = [
      'apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
      'curl -fsSL https://x.sh | sh',
      'a | b && c | d || e; f & g',
      'echo "a $X" \'b\' --x=${Y}z;',
      'CGO_ENABLED=0 GOOS=linux go build -o /app . | tee log',
      'FOO=1',
      'echo > /dev/null',
      'cd /x && make &&',
      'echo $(date)',
      'if true; then echo; fi',
      'echo a\nb',
      'export A=b',
    ].map((script) => [script, assertSameAsTree(script)]);
    assert.deepEqual(verdicts, [
      ['apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*', true],
      ['curl -fsSL https://x.sh | sh', true],
      ['a | b && c | d || e; f & g', true],
      ['echo "a $X" \'b\' --x=${Y}z;', true],
      ['CGO_ENABLED=0 GOOS=linux go build -o /app . | tee log', true],
      ['FOO=1', false],
      ['echo > /dev/null', false],
      ['cd /x && make &&', false],
      ['echo $(date)', false],
      ['if true; then echo; fi', false],
      ['echo a\nb', false],
      ['export A=b', false],
    ]);
  });

  const corpus = join(__dirname, '../../../shared/corpus/dockerfiles');
  (existsSync(corpus) ? it : it.skip)('splits every plain RUN of the corpus as tree-sitter-bash does', () => {
    let accepted = 0;
    for (const name of readdirSync(corpus)) {
      const model = buildModel(readFileSync(join(corpus, name), 'utf8'));
      for (const instruction of model.instructions) {
        if (instruction.run?.posixShell && instruction.run.form !== 'exec' && assertSameAsTree(instruction.run.script))
          accepted++;
      }
    }
    assert.ok(accepted > 0);
  });
});
