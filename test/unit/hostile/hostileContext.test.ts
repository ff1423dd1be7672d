// A cloned repository is attacker-controlled: FIFOs, links to devices or to files outside the build
// context, folders named like Dockerfiles. Each case runs the built CLI in a child process with a
// deadline, because the failure being guarded against is a hang of the whole process.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, constants, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegularFile } from '../../../server/src/context/safeRead';
import { contextFileReader } from '../../../server/src/context/readFile';
import { SizeCache } from '../../../server/src/registry/cache';

const bin = process.env.LAYERLENS_BIN ?? join(__dirname, '../../../bin/layerlens.js');
/** Far above the ~0.3 s a run takes; a hang or an endless read is killed here and fails the test. */
const deadlineMs = 15_000;

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, ['--max-old-space-size=512', bin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: deadlineMs,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('hostile build contexts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layerlens-hostile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  };

  describe('the safe reader', () => {
    it('refuses FIFOs, devices, folders, links out of the root and oversized files, and reads the rest', () => {
      write('ctx/ok.txt', 'fine\n');
      write('ctx/big.txt', 'x'.repeat(2048));
      write('secret.txt', 'outside\n');
      mkfifo(join(dir, 'ctx/fifo'));
      symlinkSync('/dev/zero', join(dir, 'ctx/zero'));
      symlinkSync('../secret.txt', join(dir, 'ctx/escape'));
      symlinkSync('ok.txt', join(dir, 'ctx/inside'));
      mkdirSync(join(dir, 'ctx/folder'));
      const root = join(dir, 'ctx');
      const outcome = (name: string) => {
        const read = readRegularFile(join(root, name), { root, maxBytes: 1024 });
        return read.ok ? read.bytes.toString('utf8') : read.reason;
      };
      assert.deepEqual(
        ['ok.txt', 'inside', 'big.txt', 'fifo', 'zero', 'escape', 'folder', 'missing', '../secret.txt'].map(outcome),
        [
          'fine\n',
          'fine\n',
          'too-large',
          'not-a-file',
          'outside-root',
          'outside-root',
          'not-a-file',
          'missing',
          'outside-root',
        ],
      );
    });

    it('the size cap counts bytes read, so /dev/zero without a root stops at the cap', () => {
      const read = readRegularFile('/dev/zero', { maxBytes: 1024 });
      assert.deepEqual(read.ok ? 'read' : read.reason, 'not-a-file');
    });

    it('gives the estimator nothing from a FIFO package.json, nor from a link to /dev/zero', () => {
      mkfifo(join(dir, 'package-lock.json'));
      symlinkSync('/dev/zero', join(dir, 'requirements.txt'));
      const read = contextFileReader(dir);
      assert.deepEqual([read('package-lock.json'), read('requirements.txt')], [undefined, undefined]);
    });

    it('a FIFO or /dev/zero in the registry cache is a miss, not a stall', async () => {
      const cache = new SizeCache(dir);
      const size = {
        name: 'docker.io/library/alpine:3.20',
        digest: `sha256:${'a'.repeat(64)}`,
        compressedBytes: 3,
        layers: 1,
      };
      await cache.write('alpine', size);
      const entry = (await import('node:fs')).readdirSync(join(dir, 'registry'))[0];
      rmSync(join(dir, 'registry', entry));
      mkfifo(join(dir, 'registry', entry));
      try {
        const answer = await Promise.race([
          cache.read('alpine', false),
          new Promise((done) => setTimeout(() => done('stalled'), 2_000).unref()),
        ]);
        assert.equal(answer, undefined);
      } finally {
        // Should a reader still wait on the FIFO (the old code), a writer end lets it finish.
        closeSync(openSync(join(dir, 'registry', entry), constants.O_RDWR | constants.O_NONBLOCK));
      }
      rmSync(join(dir, 'registry', entry));
      symlinkSync('/dev/zero', join(dir, 'registry', entry));
      assert.equal(await cache.read('alpine', false), undefined);
    });

    it('a cached size no registry could serve is a miss', async () => {
      const cache = new SizeCache(dir);
      await cache.write('huge', { name: 'x', digest: 'sha256:0', compressedBytes: 5000 * 2 ** 53, layers: 5000 });
      assert.equal(await cache.read('huge', false), undefined);
    });
  });

  describe('the CLI', () => {
    const dockerfile = 'FROM node:22-slim\nCOPY . /app\nUSER node\nCMD ["node", "/app"]\n';

    it('lints, sizes and scans a folder whose .dockerignore is a FIFO', () => {
      write('Dockerfile', dockerfile);
      mkfifo(join(dir, '.dockerignore'));
      for (const args of [['Dockerfile'], ['.'], ['size', 'Dockerfile']]) {
        const run = cli(args, dir);
        assert.deepEqual(
          { args, signal: run.signal, code: run.code === 0 || run.code === 1 },
          { args, signal: null, code: true },
        );
      }
    });

    it('does not read a .dockerignore that links to /dev/zero or out of the context', () => {
      write('ctx/Dockerfile', dockerfile);
      write('outside/.dockerignore', 'SECRET-LINE-1\nSECRET-LINE-2\n');
      symlinkSync('/dev/zero', join(dir, 'ctx/.dockerignore'));
      const zero = cli(['size', '--json', 'Dockerfile'], join(dir, 'ctx'));
      assert.deepEqual({ signal: zero.signal, code: zero.code }, { signal: null, code: 0 });
      rmSync(join(dir, 'ctx/.dockerignore'));
      symlinkSync('../outside/.dockerignore', join(dir, 'ctx/.dockerignore'));
      const escape = cli(['size', '--json', 'Dockerfile'], join(dir, 'ctx'));
      assert.equal(escape.code, 0);
      assert.equal(/SECRET-LINE/.test(escape.stdout + escape.stderr), false);
    });

    it('converts with FIFO manifests at the context root', () => {
      write(
        'Dockerfile',
        'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n',
      );
      for (const name of ['package.json', 'go.mod', 'requirements.txt']) mkfifo(join(dir, name));
      const run = cli(['convert', 'Dockerfile'], dir);
      assert.deepEqual(
        { signal: run.signal, finished: run.code === 0 || run.code === 1 },
        { signal: null, finished: true },
      );
    });

    it('a folder scan skips a Dockerfile linked to /dev/zero, a FIFO and a folder link named web.Dockerfile, and checks the rest', () => {
      write('app/Dockerfile', 'FROM nginx:1.27\nUSER nginx\n');
      symlinkSync('/dev/zero', join(dir, 'Dockerfile.x'));
      mkfifo(join(dir, 'Dockerfile.fifo'));
      mkdirSync(join(dir, 'real'));
      symlinkSync('real', join(dir, 'web.Dockerfile'));
      const run = cli(['.'], dir);
      assert.deepEqual(
        { signal: run.signal, code: run.code, stdout: run.stdout, stderr: run.stderr.split('\n').sort() },
        {
          signal: null,
          code: 0,
          stdout: '0 findings in 1 file\n',
          // The FIFO is no file and not a link: a folder search passes it by like any other special file.
          stderr: ['', 'layerlens: skipped Dockerfile.x: leads outside its folder (symlink)'],
        },
      );
    });
  });
});
