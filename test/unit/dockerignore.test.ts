import assert from 'node:assert/strict';
import {
  compileDockerignore,
  copyPaths,
  exposedEntries,
  isContextWide,
  isIgnored,
} from '../../server/src/knowledge/dockerignore';
import { buildModel } from '../../server/src/model/model';

/** Which of `paths` the .dockerignore text leaves out of the build context. */
function ignored(text: string, paths: string[]): Record<string, boolean | undefined> {
  return Object.fromEntries(paths.map((path) => [path, isIgnored(text, path)]));
}

// Expectations follow Docker's documentation of the format
// (https://docs.docker.com/build/concepts/context/#dockerignore-files) and moby's patternmatcher.
describe('dockerignore matching (Docker semantics)', () => {
  it('matches the documented example: */temp*, */*/temp*, temp?', () => {
    const text = '# comment\n*/temp*\n*/*/temp*\ntemp?\n';
    assert.deepEqual(
      ignored(text, [
        'somedir/temporary.txt',
        'somedir/temp/x',
        'somedir/subdir/temporary.txt',
        'tempa',
        'tempab',
        'temporary.txt',
        'a/b/c/temp',
      ]),
      {
        'somedir/temporary.txt': true,
        'somedir/temp/x': true,
        'somedir/subdir/temporary.txt': true,
        tempa: true,
        tempab: false,
        'temporary.txt': false,
        'a/b/c/temp': false,
      },
    );
  });

  it('anchors a plain name at the root, unlike .gitignore', () => {
    assert.deepEqual(
      ignored('node_modules\n', ['node_modules', 'node_modules/x/index.js', 'packages/a/node_modules/x.js']),
      {
        node_modules: true,
        'node_modules/x/index.js': true,
        'packages/a/node_modules/x.js': false,
      },
    );
  });

  it('** matches any number of directories, zero included', () => {
    assert.deepEqual(
      ignored('**/*.go\n**/node_modules\n', [
        'main.go',
        'cmd/app/main.go',
        'node_modules/x',
        'a/b/node_modules/y/z.js',
        'go.mod',
      ]),
      {
        'main.go': true,
        'cmd/app/main.go': true,
        'node_modules/x': true,
        'a/b/node_modules/y/z.js': true,
        'go.mod': false,
      },
    );
  });

  it('! re-includes, and the last matching line wins', () => {
    const text = '*.md\n!README*.md\nREADME-secret.md\n';
    assert.deepEqual(ignored(text, ['CHANGELOG.md', 'README.md', 'README-dev.md', 'README-secret.md']), {
      'CHANGELOG.md': true,
      'README.md': false,
      'README-dev.md': false,
      'README-secret.md': true,
    });
  });

  it('! re-includes a path inside an excluded directory (Docker walks it, git would not)', () => {
    assert.deepEqual(
      ignored('node_modules\n!node_modules/keep\n', ['node_modules/keep/index.js', 'node_modules/other/index.js']),
      {
        'node_modules/keep/index.js': false,
        'node_modules/other/index.js': true,
      },
    );
  });

  it('an allow-list: * then ! entries', () => {
    assert.deepEqual(
      ignored('*\n!src\n!package.json\n', ['.git/HEAD', '.env', 'src/index.js', 'package.json', 'test/a.test.js']),
      {
        '.git/HEAD': true,
        '.env': true,
        'src/index.js': false,
        'package.json': false,
        'test/a.test.js': true,
      },
    );
  });

  it('removes leading and trailing slashes: /a, a/ and /a/ all mean a at the root', () => {
    for (const pattern of ['/.git', '.git/', '/.git/'])
      assert.deepEqual(
        ignored(`${pattern}\n`, ['.git/HEAD', 'sub/.git/HEAD']),
        { '.git/HEAD': true, 'sub/.git/HEAD': false },
        pattern,
      );
  });

  it('treats only lines starting with # as comments and trims surrounding blanks', () => {
    assert.deepEqual(ignored('#.env\n .git   \n\t\n  #notes\n', ['.env', '.git/HEAD', '#notes']), {
      '.env': false,
      '.git/HEAD': true,
      '#notes': true,
    });
  });

  it('ignores the historical `.` pattern and blank lines', () => {
    assert.deepEqual(ignored('.\n\n   \n', ['app.js', 'src/x.js']), { 'app.js': false, 'src/x.js': false });
  });

  it('matches case-sensitively, as Docker does', () => {
    assert.deepEqual(ignored('README.md\n', ['README.md', 'readme.md']), { 'README.md': true, 'readme.md': false });
  });

  it('reads CRLF files and a UTF-8 byte order mark', () => {
    assert.deepEqual(ignored('\uFEFF.git\r\n.env\r\n', ['.git/HEAD', '.env', 'src']), {
      '.git/HEAD': true,
      '.env': true,
      src: false,
    });
  });

  it('takes + ( ) { } | literally, as moby escapes them', () => {
    assert.deepEqual(ignored('c++\n(build)\n', ['c++', 'c', 'cc', '(build)/x', 'build']), {
      'c++': true,
      c: false,
      cc: false,
      '(build)/x': true,
      build: false,
    });
  });

  it('supports ? and character classes', () => {
    assert.deepEqual(ignored('**/*.py[co]\nlog?.txt\n', ['a/b.pyc', 'b.pyo', 'b.py', 'log1.txt', 'log12.txt']), {
      'a/b.pyc': true,
      'b.pyo': true,
      'b.py': false,
      'log1.txt': true,
      'log12.txt': false,
    });
  });

  it('accepts ./ and / in front of a path and a trailing slash', () => {
    assert.deepEqual(ignored('.git\n', ['./.git/HEAD', '/.git', '.git/']), {
      './.git/HEAD': true,
      '/.git': true,
      '.git/': true,
    });
  });

  it('answers undefined for a pattern Docker rejects (unbalanced [)', () => {
    assert.equal(isIgnored('[abc\n', 'a'), undefined);
  });

  it('compiles each distinct text once', () => {
    assert.equal(compileDockerignore('.git\n.env\n'), compileDockerignore('.git\n.env\n'));
    assert.notEqual(compileDockerignore('.git\n'), compileDockerignore('.env\n'));
  });
});

describe('context-wide sources', () => {
  it('recognises sources that name the whole context', () => {
    const wide = ['.', './', '*', './*', '/', './.', '..', '**'];
    const narrow = ['src', './src', 'package*.json', '*/x', 'src/*', '.env'];
    assert.deepEqual(
      [...wide, ...narrow].map((path) => [path, isContextWide(path)]),
      [...wide.map((path) => [path, true]), ...narrow.map((path) => [path, false])],
    );
  });

  it('reads a heredoc COPY without its body', () => {
    const model = buildModel('FROM alpine\nCOPY <<EOF /etc/app.conf\nkey . value\nEOF\nCOPY a b /dst/\n');
    assert.deepEqual(model.instructions.filter((instruction) => instruction.copy).map(copyPaths), [
      ['/etc/app.conf'],
      ['a', 'b', '/dst/'],
    ]);
  });
});

describe('exposed root entries', () => {
  const root = ['.git', '.env', '.env.example', '.env.production.local', 'node_modules', 'src', 'test', 'package.json'];

  it('lists what a missing .dockerignore lets through, present entries only', () => {
    assert.deepEqual(exposedEntries(null, root), [
      { name: '.git', hazard: true },
      { name: '.env', hazard: true },
      { name: '.env.production.local', hazard: true },
      { name: 'node_modules', hazard: true },
      { name: 'test', hazard: false },
    ]);
  });

  it('takes the .dockerignore and COPY --exclude patterns into account', () => {
    assert.deepEqual(exposedEntries('.git\n.env*\n!.env.production.local\n', root, ['node_modules']), [
      { name: '.env.production.local', hazard: true },
      { name: 'test', hazard: false },
    ]);
  });

  it('probes .git and local .env files when the entries are unknown', () => {
    assert.deepEqual(exposedEntries('node_modules\n', undefined), [
      { name: '.git', hazard: true },
      { name: '.env', hazard: true },
      { name: '.env.local', hazard: true },
    ]);
  });

  it('gives up on a .dockerignore Docker would reject', () => {
    assert.equal(exposedEntries('[x\n', root), undefined);
  });
});
