import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { copyRequestOf, copySize } from '../../../server/src/context/copySize';
import type { CopyRequest, CopySize } from '../../../server/src/context/copySize';
import { walkContext } from '../../../server/src/context/walker';
import type { ContextIndex } from '../../../server/src/context/walker';
import { buildModel } from '../../../server/src/model/model';

const dockerignore = 'node_modules\n*.log\nvendor\n!vendor/*/LICENSE\n';

/** The context every case reads: sizes chosen so each sum says which files it holds. */
const tree: Record<string, string | { link: string }> = {
  '.dockerignore': dockerignore,
  'package.json': 'p'.repeat(20),
  'package-lock.json': 'l'.repeat(100),
  'README.md': 'r'.repeat(10),
  'src/index.ts': 'i'.repeat(30),
  'src/util.ts': 'u'.repeat(40),
  'src/util.test.ts': 't'.repeat(50),
  'src/lib/deep.ts': 'd'.repeat(60),
  'src/lib/deep.test.ts': 'e'.repeat(70),
  'docs/guide.md': 'g'.repeat(80),
  'node_modules/x/index.js': 'n'.repeat(1000),
  'app.log': 'a'.repeat(5),
  'vendor/a/LICENSE': 'v'.repeat(3),
  'vendor/a/code.go': 'c'.repeat(500),
  'vendor/b/LICENSE': 'w'.repeat(4),
  'link-to-src': { link: 'src' },
  'dist.tar.gz': 'z'.repeat(200),
};
/** Everything the .dockerignore lets through: 14 entries (the link counts, as 0 bytes). */
const contextBytes = dockerignore.length + 20 + 100 + 10 + 250 + 80 + 3 + 4 + 200;

function makeTree(root: string, spec: Record<string, string | { link: string }>): void {
  for (const [path, content] of Object.entries(spec)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof content === 'string') writeFileSync(abs, content);
    else symlinkSync(content.link, abs);
  }
}

const copy = (sources: string[], options: Partial<CopyRequest> = {}): CopyRequest => ({
  keyword: 'COPY',
  sources,
  ...options,
});

/** An exact result with these totals. */
const exact = (bytes: number, files: number): CopySize => ({
  bytes,
  files,
  matched: true,
  confidence: 'exact',
  errors: [],
  notes: [],
});

/** A result where the build fails on the sources. */
const failed = (...errors: [string, string][]): CopySize => ({
  bytes: 0,
  files: 0,
  matched: false,
  confidence: 'unknown',
  errors: errors.map(([source, message]) => ({ source, message })),
  notes: [],
});

describe('COPY/ADD size from the build context (copySize)', () => {
  let root: string;
  let index: ContextIndex;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'layerlens-copy-'));
    makeTree(root, tree);
    index = await walkContext(root, { dockerignore });
  });

  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('sizes the whole context from the folder totals', () => {
    assert.deepEqual(copySize(index, copy(['.'])), exact(contextBytes, 14));
    assert.deepEqual(copySize(index, copy(['./'])), exact(contextBytes, 14));
  });

  it('reads an absolute source from the context root, as Docker does', () => {
    assert.deepEqual(copySize(index, copy(['/src'])), exact(250, 5));
  });

  it('expands filepath.Match wildcards per segment: *, ?, [...], and ** is just *', () => {
    assert.deepEqual(copySize(index, copy(['package*.json'])), exact(120, 2));
    assert.deepEqual(copySize(index, copy(['src/*.ts'])), exact(120, 3));
    assert.deepEqual(copySize(index, copy(['src/**/*.ts'])), exact(130, 2));
    assert.deepEqual(copySize(index, copy(['src/[iu]*.ts'])), exact(120, 3));
    assert.deepEqual(copySize(index, copy(['src/util.?s'])), exact(40, 1));
    assert.deepEqual(copySize(index, copy(['*/lib'])), exact(130, 2));
  });

  it('counts a file named by two sources once', () => {
    assert.deepEqual(copySize(index, copy(['src', 'src/index.ts', 'src'])), exact(250, 5));
  });

  it('fails a source outside the build context (COPY ../x)', () => {
    assert.deepEqual(copySize(index, copy(['../x'])), failed(['../x', '../x is outside the build context']));
    assert.deepEqual(
      copySize(index, copy(['/src/../../etc/passwd'])),
      failed(['/src/../../etc/passwd', '/src/../../etc/passwd is outside the build context']),
    );
  });

  it('fails a path that is not in the context, saying when the .dockerignore left it out', () => {
    assert.deepEqual(copySize(index, copy(['missing.txt'])), failed(['missing.txt', 'missing.txt: not found']));
    assert.deepEqual(
      copySize(index, copy(['node_modules'])),
      failed(['node_modules', 'node_modules: not found (excluded by .dockerignore)']),
    );
    assert.deepEqual(
      copySize(index, copy(['app.log'])),
      failed(['app.log', 'app.log: not found (excluded by .dockerignore)']),
    );
    assert.deepEqual(
      copySize(index, copy(['vendor/a/code.go'])),
      failed(['vendor/a/code.go', 'vendor/a/code.go: not found (excluded by .dockerignore)']),
    );
    // BuildKit stats the folder before a wildcard: a missing one fails the build.
    assert.deepEqual(copySize(index, copy(['nope/*.js'])), failed(['nope/*.js', 'nope/*.js: not found']));
  });

  it('copies nothing, without failing, for a wildcard that matches nothing (BuildKit)', () => {
    assert.deepEqual(copySize(index, copy(['*.xyz'])), {
      ...exact(0, 0),
      matched: false,
      notes: ['*.xyz matches nothing (BuildKit copies nothing; the legacy builder fails when no source matches).'],
    });
  });

  it('copies what a ! pattern brought back into an excluded folder', () => {
    assert.deepEqual(copySize(index, copy(['vendor'])), exact(7, 2));
  });

  it('follows a symlink named as a source, inside the context', () => {
    assert.deepEqual(copySize(index, copy(['link-to-src'])), exact(250, 5));
    assert.deepEqual(copySize(index, copy(['link-*'])), exact(250, 5));
  });

  it('applies --exclude below each source, with .dockerignore pattern rules', () => {
    assert.deepEqual(copySize(index, copy(['.'], { exclude: ['*.md'] })), exact(contextBytes - 10, 13));
    assert.deepEqual(copySize(index, copy(['.'], { exclude: ['**/*.test.ts'] })), exact(contextBytes - 120, 12));
    assert.deepEqual(copySize(index, copy(['src'], { exclude: ['*.test.ts'] })), exact(200, 4));
    assert.deepEqual(copySize(index, copy(['.'], { exclude: ['src', '!src/lib'] })), exact(contextBytes - 120, 11));
    // moby/buildkit#5489: what the wildcard matches itself is copied although --exclude names it.
    assert.deepEqual(copySize(index, copy(['package*.json'], { exclude: ['*.json'] })), exact(120, 2));
    assert.deepEqual(
      copySize(index, copy(['src'], { exclude: ['[z'] })),
      failed(['src', 'invalid --exclude pattern: syntax error in pattern: [z']),
    );
  });

  it('treats --parents sources as patterns below the root or a /./ pivot', () => {
    assert.deepEqual(copySize(index, copy(['src/**/*.test.ts'], { parents: true })), exact(120, 2));
    assert.deepEqual(copySize(index, copy(['./src/./lib/deep.ts'], { parents: true })), exact(60, 1));
    assert.deepEqual(
      copySize(index, copy(['./src/lib'], { parents: true, exclude: ['src/lib/*.test.ts'] })),
      exact(60, 1),
    );
    assert.deepEqual(
      copySize(index, copy(['missing.txt'], { parents: true })),
      failed(['missing.txt', 'missing.txt: not found']),
    );
    assert.deepEqual(copySize(index, copy(['nope/*.ts'], { parents: true })), {
      ...exact(0, 0),
      matched: false,
      notes: ['nope/*.ts matches nothing.'],
    });
  });

  it('does not size what is fetched at build time, and fails a URL given to COPY', () => {
    assert.deepEqual(copySize(index, { keyword: 'ADD', sources: ['https://example.com/app.tgz'] }), {
      ...failed(),
      notes: ['https://example.com/app.tgz is downloaded at build time: its size is not known here.'],
    });
    assert.deepEqual(
      copySize(index, copy(['https://example.com/app.tgz'])),
      failed(['https://example.com/app.tgz', "source can't be a URL for COPY (ADD fetches URLs)"]),
    );
    assert.deepEqual(copySize(index, copy(['package.json', '$APP_DIR'])), {
      ...exact(20, 1),
      confidence: 'estimate',
      notes: ['$APP_DIR names a variable that is only known at build time.'],
    });
  });

  it('marks a local archive given to ADD as an estimate: the layer holds it unpacked', () => {
    assert.deepEqual(copySize(index, { keyword: 'ADD', sources: ['dist.tar.gz'] }), {
      ...exact(200, 1),
      confidence: 'estimate',
      notes: [
        'ADD unpacks the local archive dist.tar.gz: the layer holds its contents, usually larger than the archive.',
      ],
    });
    assert.deepEqual(copySize(index, copy(['dist.tar.gz'])), exact(200, 1));
  });

  it('sizes heredoc sources by their text', () => {
    const model = buildModel(
      'FROM alpine\nCOPY <<EOF /etc/motd\nhello\nworld\nEOF\nCOPY --parents --exclude=*.md a b /dst/\nCOPY --from=build /x /y\n',
    );
    const [heredoc, parents, fromStage] = model.instructions
      .slice(1)
      .map((instruction) => copyRequestOf(model, instruction));
    assert.deepEqual(heredoc, {
      keyword: 'COPY',
      sources: [],
      heredocs: ['hello\nworld\n'],
      exclude: [],
      parents: false,
    });
    assert.deepEqual(parents, { keyword: 'COPY', sources: ['a', 'b'], heredocs: [], exclude: ['*.md'], parents: true });
    assert.equal(fromStage, undefined);
    assert.deepEqual(copySize(index, heredoc as CopyRequest), exact(12, 1));
  });

  it('is unknown while the context is being measured, and fails on a .dockerignore Docker rejects', async () => {
    assert.deepEqual(copySize(undefined, copy(['.'])), {
      ...failed(),
      notes: ['The build context is still being measured.'],
    });
    const invalid = await walkContext(root, { dockerignore: '[z\n' });
    assert.deepEqual(
      copySize(invalid, copy(['src'])),
      failed(['src', 'the .dockerignore is invalid (syntax error in pattern: [z)']),
    );
    // An unreadable .dockerignore: walked as if there were none, so the figure may include excluded files.
    const unknown = await walkContext(root, { dockerignore: undefined });
    assert.deepEqual(copySize(unknown, copy(['vendor'])), {
      ...exact(507, 3),
      confidence: 'estimate',
      notes: ['The .dockerignore could not be read: sizes assume it excludes nothing.'],
    });
  });

  it('gives lower bounds, and no false "not found", when the walk stopped early', async () => {
    const small = mkdtempSync(join(tmpdir(), 'layerlens-copy-bounded-'));
    try {
      const spec: Record<string, string> = {};
      for (let n = 0; n < 10; n++) spec[`big/f${n}.txt`] = 'x'.repeat(10);
      makeTree(small, spec);
      // The root's one entry, then 3 of big's 10 files.
      const bounded = await walkContext(small, { dockerignore: null, maxEntries: 4 });
      const partial = 'Part of the build context was not measured (too large, or unreadable): sizes are lower bounds.';
      assert.deepEqual(copySize(bounded, copy(['big'])), { ...exact(30, 3), confidence: 'estimate', notes: [partial] });
      assert.deepEqual(copySize(bounded, copy(['big/never-listed.txt'])), {
        ...failed(),
        notes: ['big/never-listed.txt: part of the build context was not measured.'],
      });
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });
});
