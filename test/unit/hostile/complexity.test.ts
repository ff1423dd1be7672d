// Inputs that made the engine take exponential or quadratic time. Each runs the built CLI in a child
// process with a deadline far above what a linear algorithm needs (well under a second of work) and
// far below what the old code took (minutes to forever), since a synchronous hang cannot be timed out in-process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDockerGlob, compileGoGlob } from '../../../server/src/model/glob';
import { convertToMultiStage } from '../../../server/src/fixes/convert';

const bin = process.env.LAYERLENS_BIN ?? join(__dirname, '../../../bin/layerlens.js');
const deadlineMs = 20_000;

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: deadlineMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, signal: result.signal, stderr: result.stderr.slice(0, 500) };
}

describe('hostile input sizes and patterns (built CLI, with a deadline)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layerlens-complexity-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const finished = (run: ReturnType<typeof cli>) => ({ signal: run.signal, code: run.code === 0 || run.code === 1 });
  const expected = { signal: null, code: true };

  it('a glob of many stars in rm -rf against a long COPY path (was exponential)', () => {
    writeFileSync(join(dir, 'x'), 'x');
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM alpine:3.20\nCOPY x /${'a'.repeat(40)}\nRUN rm -rf /${'a*'.repeat(30)}b\n`,
    );
    assert.deepEqual(finished(cli(['Dockerfile'], dir)), expected);
  });

  it('COPY --exclude=**/**/…/b over a 30-deep folder (was exponential)', () => {
    let deep = dir;
    for (let depth = 0; depth < 30; depth++) deep = join(deep, 'd');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'file'), 'x');
    writeFileSync(join(dir, 'Dockerfile'), `FROM alpine:3.20\nCOPY --exclude=${'**/'.repeat(12)}b . /app\n`);
    assert.deepEqual(finished(cli(['size', 'Dockerfile'], dir)), expected);
  });

  it('one RUN of 80,000 commands, and 100,000 RUN lines: over the work budget, said at once (were quadratic)', () => {
    writeFileSync(join(dir, 'one.Dockerfile'), `FROM alpine:3.20\nRUN ${'a;'.repeat(80_000)}\n`);
    writeFileSync(join(dir, 'many.Dockerfile'), `FROM alpine:3.20\n${'RUN a\n'.repeat(100_000)}`);
    mkdirSync(join(dir, 'empty'));
    const outcomes = ['one.Dockerfile', 'many.Dockerfile'].flatMap((file) => [
      cli(['size', '--context', 'empty', file], dir),
      cli([file], dir),
    ]);
    assert.deepEqual(
      outcomes.map(({ code, signal, stderr }) => ({ code, signal, stderr })),
      [
        {
          code: 2,
          signal: null,
          stderr:
            'layerlens: one.Dockerfile: This file has 80002 shell separators (; & | and line ends), more than LayerLens analyses (50000): it is not estimated\n',
        },
        {
          code: 0,
          signal: null,
          stderr:
            'layerlens: one.Dockerfile: This file has 80002 shell separators (; & | and line ends), more than LayerLens analyses (50000): it is not checked.\n',
        },
        {
          code: 2,
          signal: null,
          stderr:
            'layerlens: many.Dockerfile: This file has 100002 lines, more than LayerLens analyses (20000): it is not estimated\n',
        },
        {
          code: 0,
          signal: null,
          stderr:
            'layerlens: many.Dockerfile: This file has 100002 lines, more than LayerLens analyses (20000): it is not checked.\n',
        },
      ],
    );
  });

  it('a COPY path of 40,000 segments (was quadratic)', () => {
    writeFileSync(join(dir, 'Dockerfile'), `FROM node:22\nCOPY ${'a/'.repeat(40_000)}b /app/\nCOPY . .\n`);
    assert.deepEqual(finished(cli(['Dockerfile'], dir)), expected);
  });

  it('a USER built to backtrack, with a useradd that almost matches (convert hung)', () => {
    writeFileSync(join(dir, 'requirements.txt'), 'flask\n');
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt && useradd ${'x'.repeat(40)}!\nCOPY . .\nUSER (x+x+)+y\nCMD ["python", "app.py"]\n`,
    );
    assert.deepEqual(finished(cli(['convert', 'Dockerfile'], dir)), expected);
  });

  it('convert refuses or converts, never crashes, on pattern characters in USER and COPY', () => {
    const python =
      'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt && useradd app\nCOPY . .\nUSER app(\nCMD ["python", "app.py"]\n';
    const java =
      'FROM gradle:8-jdk21\nWORKDIR /src\nCOPY settings[.gradle build.gradle ./\nCOPY src ./src\nRUN gradle bootJar\nCMD ["java", "-jar", "build/libs/app.jar"]\n';
    const outcome = (text: string, files: Record<string, string>) => {
      const result = convertToMultiStage(text, { rootEntries: Object.keys(files), files });
      return typeof result.ok;
    };
    assert.deepEqual(
      [
        outcome(python, { 'requirements.txt': 'flask\n' }),
        outcome(java, { 'build.gradle': 'plugins { id "java" }\n', 'settings[.gradle': '' }),
      ],
      ['boolean', 'boolean'],
    );
  });
});

describe('linear glob matchers agree with the regular expressions they replace', () => {
  // The old RegExp constructions, kept here as the oracle on inputs too small to backtrack badly.
  const goRegExp = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')}$`,
    );
  const dockerRegExp = (pattern: string) => {
    let source = '^';
    for (let index = 0; index < pattern.length; index++) {
      const ch = pattern[index];
      if (ch === '*') {
        if (pattern[index + 1] === '*') {
          index++;
          if (pattern[index + 1] === '/') index++;
          source += index + 1 >= pattern.length ? '.*' : '(.*/)?';
        } else source += '[^/]*';
      } else if (ch === '?') source += '[^/]';
      else if ('.+()|{}$'.includes(ch)) source += `\\${ch}`;
      else source += ch;
    }
    return new RegExp(`${source}$`);
  };

  // A small seeded generator, so a failure names its input and repeats.
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = (alphabet: string[], max: number) =>
    Array.from({ length: random(max) }, () => alphabet[random(alphabet.length)]).join('');

  it('Go globs (`*`, `?`) on 5,000 random pairs', () => {
    for (let trial = 0; trial < 5000; trial++) {
      const pattern = word(['a', 'b', '*', '?', '/', '.'], 8);
      const value = word(['a', 'b', '/', '.'], 10);
      assert.equal(compileGoGlob(pattern)?.test(value), goRegExp(pattern).test(value), `${pattern} ~ ${value}`);
    }
  });

  it('Docker patterns (`**` too) on 5,000 random pairs', () => {
    for (let trial = 0; trial < 5000; trial++) {
      const pattern = word(['a', 'b', '*', '**', '**/', '?', '/'], 7);
      const value = word(['a', 'b', '/'], 10);
      assert.equal(compileDockerGlob(pattern)?.test(value), dockerRegExp(pattern).test(value), `${pattern} ~ ${value}`);
    }
  });
});
