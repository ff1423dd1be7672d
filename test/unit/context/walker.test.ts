import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { copySize } from '../../../server/src/context/copySize';
import { ContextIndexCache, DockerPatterns, segmentMatcher, walkContext } from '../../../server/src/context/walker';
import type { ContextIndex } from '../../../server/src/context/walker';
import ignore from '@balena/dockerignore';

/** A tree to create: `path: content`; a path ending in `/` is a folder; `{ link }` is a symlink. */
type TreeSpec = Record<string, string | { link: string }>;

function makeTree(root: string, spec: TreeSpec): void {
  for (const [path, content] of Object.entries(spec)) {
    const abs = join(root, path);
    if (path.endsWith('/')) {
      mkdirSync(abs, { recursive: true });
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof content === 'string') writeFileSync(abs, content);
    else symlinkSync(content.link, abs);
  }
}

/** Each entry as `dir <bytes>/<files>`, `file <bytes>` or `-> <target>`, by path. */
function shape(index: ContextIndex): Record<string, string> {
  return Object.fromEntries(
    [...index.entries.values()]
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((entry) => [
        entry.path,
        entry.kind === 'dir'
          ? `dir ${entry.size}/${entry.files}`
          : entry.kind === 'symlink'
            ? `-> ${entry.target}`
            : `${entry.kind} ${entry.size}`,
      ]),
  );
}

/** The outcome of a walk apart from its entries. */
function status(index: ContextIndex) {
  return {
    complete: index.complete,
    stoppedBy: index.stoppedBy,
    unreadable: [...index.unreadable].sort(),
    dockerignore: index.dockerignore,
  };
}

const done = { complete: true, stoppedBy: undefined, unreadable: [], dockerignore: 'none' };

describe('build-context walker (walkContext)', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'layerlens-walker-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('indexes files and folders with folder totals', async () => {
    makeTree(root, {
      'package.json': '{"a":1}',
      'src/index.ts': 'x'.repeat(30),
      'src/lib/util.ts': 'y'.repeat(12),
      'empty/': '',
    });
    const index = await walkContext(root, { dockerignore: null });
    assert.deepEqual(status(index), done);
    assert.deepEqual(shape(index), {
      '': 'dir 49/3',
      empty: 'dir 0/0',
      'package.json': 'file 7',
      src: 'dir 42/2',
      'src/index.ts': 'file 30',
      'src/lib': 'dir 12/1',
      'src/lib/util.ts': 'file 12',
    });
  });

  it('leaves out what the .dockerignore excludes and does not walk excluded folders', async () => {
    makeTree(root, {
      '.dockerignore': 'node_modules\r\n*.log\r\n',
      'app.js': 'abc',
      'debug.log': 'zzzz',
      'node_modules/x/index.js': 'x'.repeat(100),
      'src/a.log': 'q',
    });
    const index = await walkContext(root, { dockerignore: 'node_modules\r\n*.log\r\n' });
    assert.deepEqual(status(index), { ...done, dockerignore: 'applied' });
    assert.deepEqual(shape(index), {
      '': 'dir 25/3',
      '.dockerignore': 'file 21',
      'app.js': 'file 3',
      src: 'dir 1/1',
      'src/a.log': 'file 1',
    });
    // node_modules was never entered: nothing below it can change the index.
    assert.deepEqual(
      [index.ignoresChange('node_modules/x/new.js'), index.ignoresChange('debug.log'), index.ignoresChange('src/b.js')],
      [true, true, false],
    );
    assert.deepEqual(
      [index.isExcluded('node_modules/x/index.js'), index.isExcluded('src/a.log'), index.isExcluded('app.js')],
      [true, false, false],
    );
  });

  it('walks into an excluded folder when a ! pattern may bring something below it back', async () => {
    makeTree(root, {
      'node_modules/keep/index.js': 'k'.repeat(10),
      'node_modules/other/index.js': 'o'.repeat(20),
      'vendor/a/LICENSE': 'l'.repeat(3),
      'vendor/a/code.go': 'c'.repeat(50),
      'vendor/b/LICENSE': 'l'.repeat(4),
      'docs/guide.md': 'g',
    });
    const text = 'node_modules\n!node_modules/keep\nvendor\n!vendor/*/LICENSE\ndocs\n!docs/*.keep\n';
    const index = await walkContext(root, { dockerignore: text });
    assert.deepEqual(shape(index), {
      '': 'dir 17/3',
      node_modules: 'dir 10/1',
      'node_modules/keep': 'dir 10/1',
      'node_modules/keep/index.js': 'file 10',
      vendor: 'dir 7/2',
      'vendor/a': 'dir 3/1',
      'vendor/a/LICENSE': 'file 3',
      'vendor/b': 'dir 4/1',
      'vendor/b/LICENSE': 'file 4',
      // docs was walked for `!docs/*.keep`, found nothing to bring back, so it is not in the context.
    });
    assert.equal(index.ignoresChange('node_modules/keep/new.js'), false);
    assert.equal(index.ignoresChange('node_modules/other/new.js'), true);
  });

  it('keeps an allow-list .dockerignore (* then !dist)', async () => {
    makeTree(root, { 'dist/app.js': 'a'.repeat(8), 'src/app.ts': 'b', Dockerfile: 'FROM x' });
    const index = await walkContext(root, { dockerignore: '*\n!dist\n' });
    assert.deepEqual(shape(index), { '': 'dir 8/1', dist: 'dir 8/1', 'dist/app.js': 'file 8' });
  });

  it('records symlinks without following them: a loop or a link out of the context is never read', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'layerlens-outside-'));
    try {
      writeFileSync(join(outside, 'secret.txt'), 'do not read');
      makeTree(root, {
        'a/file.txt': 'abcd',
        'a/loop': { link: '..' },
        self: { link: '.' },
        out: { link: outside },
        'a/b': { link: '../a' },
      });
      const index = await walkContext(root, { dockerignore: null });
      assert.deepEqual(status(index), done);
      assert.deepEqual(shape(index), {
        '': 'dir 4/5',
        a: 'dir 4/3',
        'a/b': '-> ../a',
        'a/file.txt': 'file 4',
        'a/loop': '-> ..',
        out: `-> ${outside}`,
        self: '-> .',
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('resolves a symlinked context root', async () => {
    makeTree(root, { 'real/x.txt': 'xx', ctx: { link: 'real' } });
    const index = await walkContext(join(root, 'ctx'), { dockerignore: null });
    assert.deepEqual(
      { root: index.root, shape: shape(index) },
      { root: join(root, 'real'), shape: { '': 'dir 2/1', 'x.txt': 'file 2' } },
    );
  });

  it('skips a folder it cannot read and reports it', async function () {
    makeTree(root, { 'a.txt': 'ok', 'locked/inner/f.txt': 'hidden' });
    chmodSync(join(root, 'locked'), 0o000);
    try {
      let result: WalkSummary | undefined;
      if (!canRead(join(root, 'locked'))) {
        const index = await walkContext(root, { dockerignore: null });
        result = { unreadable: [...index.unreadable], complete: index.complete, shape: shape(index) };
      } else if (process.getuid?.() === 0) {
        // Root reads any folder whatever its mode: walk as the unprivileged `nobody` in a child process.
        chmodSync(root, 0o755);
        result = walkAsNobody(root);
      }
      if (!result) {
        (this.test as Mocha.Runnable).title +=
          ' (skipped: the folder stays readable to this process and no child could run as nobody)';
        return this.skip();
      }
      assert.deepEqual(result, {
        unreadable: ['locked'],
        complete: false,
        shape: { '': 'dir 2/1', 'a.txt': 'file 2', locked: 'dir 0/0' },
      });
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });

  it('stops at the entry limit and marks the index incomplete', async () => {
    const spec: TreeSpec = {};
    for (let n = 0; n < 20; n++) spec[`f${n}.txt`] = 'x';
    makeTree(root, spec);
    const index = await walkContext(root, { dockerignore: null, maxEntries: 5 });
    assert.deepEqual(
      { ...status(index), files: index.rootEntry.files, entryCount: index.entryCount },
      { ...done, complete: false, stoppedBy: 'entry-limit', files: 5, entryCount: 5 },
    );
  });

  it('stops at the time budget and marks the index incomplete', async () => {
    makeTree(root, { 'a/b/c.txt': 'x', 'd.txt': 'y' });
    const index = await walkContext(root, { dockerignore: null, timeBudgetMs: 0 });
    assert.deepEqual(
      { ...status(index), listed: index.rootEntry.listed },
      { ...done, complete: false, stoppedBy: 'time-budget', listed: true },
    );
    assert.equal(index.entries.get('a')?.listed, false);
  });

  it('reports a missing context folder and a .dockerignore Docker rejects', async () => {
    const missing = await walkContext(join(root, 'nope'), { dockerignore: null });
    assert.deepEqual(status(missing), { ...done, complete: false, unreadable: [''] });
    const invalid = await walkContext(root, { dockerignore: 'ok\n[z\n' });
    assert.deepEqual(
      { ...status(invalid), error: invalid.dockerignoreError },
      { ...done, complete: false, dockerignore: 'invalid', error: 'syntax error in pattern: [z' },
    );
  });

  it("matches .dockerignore patterns exactly as @balena/dockerignore (a port of moby's matcher) does", () => {
    const texts = [
      '*/temp*\n*/*/temp*\ntemp?\n',
      'node_modules\n',
      '**/*.go\n**/node_modules\n',
      '*.md\n!README*.md\nREADME-secret.md\n',
      'node_modules\n!node_modules/keep\n',
      'a/**/b\n!a/x/b\n',
      '/dist/\n./build\nsrc/../tmp\n',
      'c++\n(x)\n{a,b}\n$HOME\n',
      '[a-c]*.txt\n!b*\n',
      'docs/**\n!docs/**/*.md\n',
      '*\n!src\nsrc/**/*.test.ts\n',
      '  # not a comment\n# a comment\n\n**\n!keep/**\n',
    ];
    const paths = [
      'somedir/temporary.txt',
      'somedir/temp/x',
      'somedir/subdir/temporary.txt',
      'tempa',
      'temporary.txt',
      'a/b/c/temp',
      'node_modules',
      'node_modules/x/index.js',
      'node_modules/keep/a.js',
      'packages/a/node_modules/x.js',
      'main.go',
      'cmd/app/main.go',
      'go.mod',
      'README.md',
      'README-dev.md',
      'README-secret.md',
      'CHANGELOG.md',
      'a/b',
      'a/x/b',
      'a/x/y/b',
      'a/x/b/c',
      'a/y/z',
      'dist/app.js',
      'build/x',
      'tmp/a',
      'src/tmp',
      'c++',
      '(x)',
      '{a,b}',
      '$HOME',
      'apple.txt',
      'banana.txt',
      'cherry.txt',
      'dog.txt',
      'docs/a.md',
      'docs/x/y.md',
      'docs/x/y.txt',
      'src/a.ts',
      'src/x/a.test.ts',
      'other/a.ts',
      ' # not a comment',
      'keep/a',
      'x/keep/a',
    ];
    for (const text of texts) {
      const patterns = DockerPatterns.fromDockerignore(text);
      assert.ok(!('error' in patterns), text);
      const ours = Object.fromEntries(paths.map((path) => [path, patterns.matchesPath(path)]));
      const reference = Object.fromEntries(paths.map((path) => [path, balenaIgnores(text, path)]));
      assert.deepEqual(ours, reference, text);
    }
  });

  it('implements filepath.Match for one segment, bad patterns included', () => {
    const cases: [string, string][] = [
      ['*.ts', 'index.ts'],
      ['*.ts', '.hidden.ts'],
      ['*', ''],
      ['a?c', 'abc'],
      ['a?c', 'ac'],
      ['[a-c]x', 'bx'],
      ['[^a-c]x', 'bx'],
      ['[^a-c]x', 'dx'],
      ['[\\]]', ']'],
      ['[z-a]', 'q'],
      ['\\*', '*'],
      ['\\*', 'a'],
      ['**', 'abc'],
    ];
    assert.deepEqual(
      cases.map(([pattern, name]) => segmentMatcher(pattern)?.(name)),
      [true, true, true, true, false, true, false, true, true, false, true, false, true],
    );
    assert.deepEqual(
      ['[', '[]a]', '[a-]', '[-a]', 'a\\', '[^]'].map((pattern) => segmentMatcher(pattern)),
      [undefined, undefined, undefined, undefined, undefined, undefined],
    );
  });

  describe('100,000 files', function () {
    // The cold-walk time is printed by `scripts/bench-context.ts`; this checks the result at that scale.
    this.timeout(300_000);
    let big: string;

    before(() => {
      // A RAM-backed folder when there is one: creating 100k files on a busy disk takes minutes.
      big = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'layerlens-100k-'));
      for (let a = 0; a < 100; a++) {
        for (let b = 0; b < 10; b++) {
          const folder = join(big, `pkg${a}`, `dir${b}`);
          mkdirSync(folder, { recursive: true });
          for (let c = 0; c < 100; c++)
            writeFileSync(join(folder, `f${c}.${c % 10 === 0 ? 'test.js' : 'js'}`), c % 7 === 0 ? 'x'.repeat(c) : '');
        }
      }
    });

    after(() => {
      rmSync(big, { recursive: true, force: true });
    });

    it('indexes every file, then sizes COPY sources from the index', async () => {
      const index = await walkContext(big, { dockerignore: 'pkg9?\n', timeBudgetMs: 120_000 });
      // Per folder the files of size c (c % 7 === 0) hold 0+7+…+98 = 735 bytes; pkg9? drops pkg90…pkg99.
      assert.deepEqual(
        { ...status(index), files: index.rootEntry.files, bytes: index.rootEntry.size },
        { ...done, dockerignore: 'applied', files: 90_000, bytes: 90 * 10 * 735 },
      );
      assert.deepEqual(copySize(index, { keyword: 'COPY', sources: ['pkg1*/dir1/f7.js'] }), {
        bytes: 11 * 7,
        files: 11,
        matched: true,
        confidence: 'exact',
        errors: [],
        notes: [],
      });
      assert.deepEqual(copySize(index, { keyword: 'COPY', sources: ['.'], exclude: ['**/*.test.js'] }), {
        bytes: 90 * 10 * (735 - 70),
        files: 81_000,
        matched: true,
        confidence: 'exact',
        errors: [],
        notes: [],
      });
    });
  });
});

describe('build-context index cache (ContextIndexCache)', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'layerlens-cache-'));
    makeTree(root, { 'src/a.ts': 'aaa', 'node_modules/x.js': 'xxxx' });
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('answers lookups only once the one shared walk has finished', async () => {
    const cache = new ContextIndexCache();
    assert.equal(cache.lookup(root, null), undefined);
    const first = cache.walk(root, null);
    assert.equal(cache.walk(root, null), first);
    assert.deepEqual([cache.isWalking(root, null), cache.lookup(root, null)], [true, undefined]);
    const index = await first;
    assert.deepEqual([cache.isWalking(root, null), cache.lookup(root, null)], [false, index]);
    assert.equal(await cache.walk(root, null), index);
    // Another .dockerignore for the same folder is another index.
    const ignoring = await cache.walk(root, 'node_modules\n');
    assert.deepEqual([index.rootEntry.size, ignoring.rootEntry.size], [7, 3]);
  });

  it('invalidates only for a change inside the folder that the .dockerignore does not hide', async () => {
    const cache = new ContextIndexCache();
    await cache.walk(root, 'node_modules\n');
    assert.equal(cache.invalidate(root, join(tmpdir(), 'elsewhere.txt')), false);
    assert.equal(cache.invalidate(root, join(root, 'node_modules/y.js')), false);
    assert.notEqual(cache.lookup(root, 'node_modules\n'), undefined);
    assert.equal(cache.invalidate(root, join(root, 'src/b.ts')), true);
    assert.equal(cache.lookup(root, 'node_modules\n'), undefined);
  });

  it('invalidates every cached context holding a changed path, nested ones included', async () => {
    const cache = new ContextIndexCache();
    await Promise.all([cache.walk(root, null), cache.walk(join(root, 'src'), null)]);
    assert.deepEqual(cache.invalidatePath(join(root, 'node_modules/x.js')), [root]);
    assert.deepEqual(cache.invalidatePath(join(root, 'src/a.ts')), [join(root, 'src')]);
  });

  it('drops the result of a walk invalidated while it ran', async () => {
    const cache = new ContextIndexCache();
    const walking = cache.walk(root, null);
    assert.equal(cache.invalidate(root), true);
    await walking;
    assert.equal(cache.lookup(root, null), undefined);
  });
});

interface WalkSummary {
  unreadable: string[];
  complete: boolean;
  shape: Record<string, string>;
}

function canRead(folder: string): boolean {
  try {
    readdirSync(folder);
    return true;
  } catch {
    return false;
  }
}

/** Walks `root` in a child process running as `nobody`; undefined when that is not possible here. */
function walkAsNobody(root: string): WalkSummary | undefined {
  const script = `require(process.argv[1]).walkContext(process.argv[2], { dockerignore: null }).then((index) => {
    const shape = {};
    for (const entry of index.entries.values()) shape[entry.path] = entry.kind === 'dir' ? 'dir ' + entry.size + '/' + entry.files : entry.kind + ' ' + entry.size;
    console.log(JSON.stringify({ unreadable: index.unreadable, complete: index.complete, shape }));
  })`;
  const child = spawnSync(
    process.execPath,
    ['-r', require.resolve('tsx/cjs'), '-e', script, require.resolve('../../../server/src/context/walker'), root],
    {
      uid: 65534,
      gid: 65534,
      env: { ...process.env, HOME: tmpdir() },
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) return undefined;
  const parsed = JSON.parse(child.stdout) as WalkSummary;
  return { ...parsed, shape: Object.fromEntries(Object.entries(parsed.shape).sort(([a], [b]) => a.localeCompare(b))) };
}

/**
 * The reference: @balena/dockerignore, case-sensitive as Docker is. moby's patternmatcher escapes
 * `+ ( ) | { }` before building its regexp; the library (1.0.2) only escapes `.` and `$`, so those are
 * escaped here first, as moby would.
 */
function balenaIgnores(text: string, path: string): boolean {
  const escape = (line: string) =>
    line.startsWith('#') ? line : line.replace(/\\.|[+()|{}]/g, (match) => (match.length === 2 ? match : `\\${match}`));
  return ignore({ ignorecase: false }).add(text.split(/\r?\n/).map(escape)).ignores(path);
}
