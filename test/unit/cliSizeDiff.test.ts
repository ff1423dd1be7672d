import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const bin = join(__dirname, '../../bin/layerlens.js');

// The CLI's own temporary folder, so the test can see that it removes what it extracts.
const cliTemp = mkdtempSync(join(tmpdir(), 'layerlens-diff-tmp-'));

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: cliTemp },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

describe('CLI size --diff (built bundle, temp git repository)', () => {
  const repo = mkdtempSync(join(tmpdir(), 'layerlens-diff-'));
  const service = join(repo, 'service');
  before(() => {
    mkdirSync(service);
    git(repo, 'init', '-q');
    writeFileSync(join(service, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY app.bin /app\nCMD ["/app"]\n');
    // Random bytes: the COPY is sized from the files at each commit, so the context itself must change too.
    writeFileSync(join(service, 'app.bin'), randomBytes(3_000_000));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'one');
    writeFileSync(
      join(service, 'Dockerfile'),
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*\nCOPY app.bin /app\nCMD ["/app"]\n',
    );
    writeFileSync(join(service, 'app.bin'), randomBytes(5_000_000));
    git(repo, 'commit', '-qam', 'two');
  });
  after(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(cliTemp, { recursive: true, force: true });
  });

  it('compares with HEAD~1: before → after per stage and the shipped change, agreeing with size at each commit', () => {
    const diff = cli(['size', 'service/Dockerfile', '--diff', 'HEAD~1', '--json'], repo);
    assert.deepEqual({ code: diff.code, stderr: diff.stderr }, { code: 0, stderr: '' });
    const parsed = JSON.parse(diff.stdout) as {
      commit: string;
      before: { stages: Array<{ diskBytes: number; compressedBytes: number }> };
      after: { stages: Array<{ diskBytes: number; compressedBytes: number }> };
      shipped: { diskDelta: number; compressedDelta: number; lowerBound: boolean };
    };
    // The same figures `layerlens size` gives on a checkout of each commit.
    const sizeNow = JSON.parse(cli(['size', 'service/Dockerfile', '--json'], repo).stdout) as typeof parsed.after;
    git(repo, 'checkout', '-q', 'HEAD~1');
    const sizeThen = JSON.parse(cli(['size', 'service/Dockerfile', '--json'], repo).stdout) as typeof parsed.after;
    git(repo, 'checkout', '-q', '-');
    assert.deepEqual(parsed.after, sizeNow);
    assert.deepEqual(parsed.before, sizeThen);
    assert.equal(parsed.commit, git(repo, 'rev-parse', 'HEAD~1').trim());
    assert.deepEqual(parsed.shipped, {
      name: null,
      beforeIndex: 0,
      afterIndex: 0,
      diskDelta: sizeNow.stages[0].diskBytes - sizeThen.stages[0].diskBytes,
      compressedDelta: sizeNow.stages[0].compressedBytes - sizeThen.stages[0].compressedBytes,
      lowerBound: false,
    });
    // python3 and 2 MB more of app.bin: tens of MB more on disk.
    assert.ok(parsed.shipped.diskDelta > 20e6 && parsed.shipped.diskDelta < 100e6, String(parsed.shipped.diskDelta));

    const text = cli(['size', 'service/Dockerfile', '--diff', 'HEAD~1'], repo);
    const lines = text.stdout.trim().split('\n');
    assert.equal(text.code, 0);
    assert.match(lines[0], /^HEAD~1 \([0-9a-f]{12}\) → working tree, on disk$/);
    assert.match(lines[1], /^ {2}stage 0 {2}shipped {2}≈ \d+ MB \(\d+–\d+\) → ≈ \d+ MB \(\d+–\d+\) {2}\+\d+ MB$/);
    assert.match(
      lines[2],
      /^shipped image: \+\d+ MB on disk, \+\d+(\.\d)? MB to pull \(the difference of the two estimates above\)$/,
    );
    assert.deepEqual(readdirSync(cliTemp), [], 'temporary folders are removed');
  });

  it('says every stage is new when the Dockerfile did not exist at the revision', () => {
    writeFileSync(join(service, 'new.Dockerfile'), 'FROM debian:bookworm-slim\nCMD ["/app"]\n');
    const { code, stdout } = cli(['size', 'service/new.Dockerfile', '--diff', 'HEAD'], repo);
    rmSync(join(service, 'new.Dockerfile'));
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split('\n').slice(1), [
      '  the Dockerfile did not exist at HEAD (or had no FROM): every stage is new',
      '  stage 0  shipped  (none) → ≈ 68 MB (56–77)  new',
      'shipped image: (none) → ≈ 68 MB (56–77) (no change can be computed)',
    ]);
  });

  it('fails with one line and exit 2 on an unknown revision, an option-like revision, or outside a repository', () => {
    const outside = mkdtempSync(join(tmpdir(), 'layerlens-nogit-'));
    writeFileSync(join(outside, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
    const cases: Array<[string[], string, RegExp]> = [
      [['size', 'service/Dockerfile', '--diff', 'no-such-branch'], repo, /unknown revision "no-such-branch"/],
      [['size', 'service/Dockerfile', '--diff=--output=x'], repo, /"--output=x" is not a revision/],
      [['size', 'Dockerfile', '--diff', 'HEAD'], outside, /is not in a git repository/],
    ];
    for (const [args, cwd, reason] of cases) {
      const { code, stdout, stderr } = cli(args, cwd);
      assert.deepEqual({ code, stdout }, { code: 2, stdout: '' }, args.join(' '));
      assert.match(stderr, /^layerlens: --diff [^\n]+\n$/);
      assert.match(stderr, reason);
    }
    rmSync(outside, { recursive: true, force: true });
  });
});
