// The CLI as a new user meets it: every mistake is one line and exit 2, never a stack trace or a green CI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.env.LAYERLENS_BIN ?? join(__dirname, '../../../bin/layerlens.js');

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cli = (args: string[], cwd: string) => run(process.execPath, [bin, ...args], cwd);

describe('CLI behaviour on bad input', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layerlens-cli-bad-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => writeFileSync(join(dir, name), content);

  it('stops quietly when the reader of its output goes away (EPIPE)', () => {
    // Enough findings to fill the pipe's buffer many times over.
    write('Dockerfile', `FROM ubuntu:24.04\n${'RUN sudo apt-get install -y curl\n'.repeat(3000)}`);
    const piped = run('sh', ['-c', `"${process.execPath}" "${bin}" --format json Dockerfile | head -c 10`], dir);
    assert.deepEqual({ stdout: piped.stdout, stderr: piped.stderr }, { stdout: '[\n  {\n    ', stderr: '' });
  });

  it('--target naming no stage is exit 2 with the stage names', () => {
    write('Dockerfile', 'FROM golang:1.23 AS build\nRUN go build\nFROM alpine:3.20 AS runtime\n');
    const result = cli(['--target', 'nosuch', 'Dockerfile'], dir);
    assert.deepEqual(result, {
      code: 2,
      stdout: '',
      stderr: 'layerlens: Dockerfile: no stage named "nosuch" for --target (stages: build, runtime)\n',
    });
    assert.equal(cli(['--target', 'BUILD', 'Dockerfile'], dir).code, 0);
  });

  it('no Dockerfiles found is exit 2, unless --allow-empty', () => {
    mkdirSync(join(dir, 'empty'));
    write('README.md', '# nothing here');
    assert.deepEqual(cli(['.'], dir), {
      code: 2,
      stdout: '',
      stderr: 'layerlens: no Dockerfiles found in . (--allow-empty to accept that)\n',
    });
    assert.deepEqual(cli(['--allow-empty', 'empty'], dir), { code: 0, stdout: '0 findings in 0 files\n', stderr: '' });
  });

  it('a binary file is exit 2, for lint and for size', () => {
    write('Dockerfile', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    const message = `not a text file (binary data): Dockerfile`;
    assert.deepEqual(cli(['Dockerfile'], dir), { code: 2, stdout: '', stderr: `layerlens: ${message}\n` });
    assert.deepEqual(cli(['size', 'Dockerfile'], dir).code, 2);
  });

  it('size of an empty file, or one without FROM, is exit 2', () => {
    write('Dockerfile', '');
    assert.deepEqual(cli(['size', 'Dockerfile'], dir), {
      code: 2,
      stdout: '',
      stderr: 'layerlens: Dockerfile has no FROM: there is no image to estimate\n',
    });
  });

  it('a UTF-8 byte-order mark does not shift columns', () => {
    write('plain.Dockerfile', 'FROM node:22\nCMD ["node", "server.js"]\n');
    write('bom.Dockerfile', '\uFEFFFROM node:22\nCMD ["node", "server.js"]\n');
    const columns = ['plain.Dockerfile', 'bom.Dockerfile'].map(
      (name) => JSON.parse(cli(['--format', 'json', name], dir).stdout)[0].findings[0].column,
    );
    assert.deepEqual(columns, [6, 6]);
  });

  it('checks the same file once, however often it is named', () => {
    write('Dockerfile', 'FROM node:22-slim\nCMD ["node", "server.js"]\n');
    const result = cli(['Dockerfile', './Dockerfile', '.'], dir);
    assert.deepEqual(result.stdout.trim().split('\n').pop(), '1 finding in 1 file: 1 warning');
  });

  it('FROM without an image is exit 2 with the line, not a finding about ``', () => {
    write('Dockerfile', 'FROM\nRUN echo hi\n');
    assert.deepEqual(cli(['Dockerfile'], dir), {
      code: 2,
      stdout: '0 findings in 0 files\n',
      stderr:
        'layerlens: Dockerfile: The FROM on line 1 names no image: Docker rejects this file, so LayerLens does not check it.\n',
    });
  });

  it('an engine failure on one file is reported with its name and the scan goes on', () => {
    // nginx without a CMD of its own runs nginx as root: a finding in each file when the scan goes on.
    write('a.Dockerfile', 'FROM nginx:1.27\nRUN <<"EOF""\nEOF\n');
    write('b.Dockerfile', 'FROM node:22-slim\nCMD ["node", "server.js"]\n');
    const result = cli(['--format', 'sarif', '.'], dir);
    assert.equal(result.stderr, '');
    const sarif = JSON.parse(result.stdout);
    assert.deepEqual(
      sarif.runs[0].results.map(
        (entry: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          entry.locations[0].physicalLocation.artifactLocation.uri,
      ),
      ['a.Dockerfile', 'b.Dockerfile'],
    );
  });

  it('unknown options and missing values are one short line', () => {
    assert.deepEqual(cli(['--frmat', 'json', '.'], dir), {
      code: 2,
      stdout: '',
      stderr: 'layerlens: unknown option --frmat (see --help)\n',
    });
    assert.deepEqual(
      cli(['size', '--context'], dir).stderr,
      'layerlens: --context needs a value (see layerlens size --help)\n',
    );
  });

  describe('convert --write', () => {
    const single = 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';

    it('keeps the mode and replaces the file in one step', () => {
      write('Dockerfile', single);
      write('go.mod', 'module example.com/app\n\ngo 1.23\n');
      chmodSync(join(dir, 'Dockerfile'), 0o640);
      const before = statSync(join(dir, 'Dockerfile')).ino;
      const result = cli(['convert', '--write', 'Dockerfile'], dir);
      assert.equal(result.code, 0, result.stderr);
      const after = statSync(join(dir, 'Dockerfile'));
      assert.deepEqual([after.mode & 0o777, after.ino !== before], [0o640, true]);
      assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /COPY --from=/);
    });

    it('refuses to write through a symlink', () => {
      mkdirSync(join(dir, 'outside'));
      writeFileSync(join(dir, 'outside/Dockerfile'), single);
      mkdirSync(join(dir, 'project'));
      write('project/go.mod', 'module example.com/app\n\ngo 1.23\n');
      symlinkSync('../outside/Dockerfile', join(dir, 'project/Dockerfile'));
      const result = cli(['convert', '--write', 'Dockerfile'], join(dir, 'project'));
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        /\nlayerlens: not writing \S*Dockerfile: it is a symlink \(write its target instead\)\n$/,
      );
      assert.equal(readFileSync(join(dir, 'outside/Dockerfile'), 'utf8'), single);
    });

    it('on a full disk the original stays whole and the error is one line', () => {
      write('Dockerfile', single);
      write('go.mod', 'module example.com/app\n\ngo 1.23\n');
      // A file-size limit below the converted text makes the write fail (EFBIG), as a full disk would.
      const result = run('prlimit', ['--fsize=100', process.execPath, bin, 'convert', '--write', 'Dockerfile'], dir);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /\nlayerlens: cannot write \S*Dockerfile: [^\n]*\(the file is unchanged\)\n$/);
      assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), single);
      assert.deepEqual(readdirSync(dir).sort(), ['Dockerfile', 'go.mod']);
    });
  });
});
