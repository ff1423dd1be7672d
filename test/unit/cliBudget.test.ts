import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(__dirname, '../../bin/layerlens.js');

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI size budget (built bundle)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'layerlens-budget-'));
  writeFileSync(join(folder, 'Dockerfile'), 'FROM debian:bookworm-slim\nUSER nobody\nCMD ["sh"]\n');
  const withComment = join(folder, 'own.Dockerfile');
  writeFileSync(withComment, '# layerlens budget=10MB\nFROM debian:bookworm-slim\nUSER nobody\nCMD ["sh"]\n');

  it('--max-size under the estimate’s low end: an error on the shipped FROM and exit 1', () => {
    const { code, stdout, stderr } = cli(['--max-size', '10MB', 'Dockerfile'], folder);
    assert.deepEqual(
      { code, stderr, lines: stdout.trim().split('\n') },
      {
        code: 1,
        stderr: '',
        lines: [
          'Dockerfile:1:1 error size-budget The shipped image is over its 10 MB budget: ≈ 68 MB (56–77) on disk.',
          '1 finding in 1 file: 1 error',
        ],
      },
    );
  });

  it('a budget the estimate fits in: nothing, exit 0', () => {
    assert.deepEqual(cli(['--max-size', '1GB', 'Dockerfile'], folder), {
      code: 0,
      stdout: '0 findings in 1 file\n',
      stderr: '',
    });
  });

  it('the Dockerfile’s own comment wins over --max-size', () => {
    const { code, stdout } = cli(['--max-size', '1GB', '--format', 'json', withComment], folder);
    const [result] = JSON.parse(stdout) as Array<{
      findings: Array<{ rule: string; severity: string; message: string; line: number }>;
    }>;
    assert.deepEqual(
      {
        code,
        findings: result.findings.map(({ rule, severity, message, line }) => ({ rule, severity, message, line })),
      },
      {
        code: 1,
        findings: [
          {
            rule: 'size-budget',
            severity: 'error',
            line: 2,
            message:
              'The shipped image is over its 10 MB budget: ≈ 68 MB (56–77) on disk. Budget set by # layerlens budget on line 1.',
          },
        ],
      },
    );
  });

  it('size --max-size prints the verdict and exits 1 when over for certain; json carries it', () => {
    const over = cli(['size', 'Dockerfile', '--max-size', '10MB'], folder);
    assert.equal(over.code, 1);
    assert.equal(
      over.stdout.trim().split('\n').at(-1),
      'error The shipped image is over its 10 MB budget: ≈ 68 MB (56–77) on disk. Budget set by --max-size.',
    );
    const within = cli(['size', 'Dockerfile', '--max-size', '200MB', '--json'], folder);
    assert.equal(within.code, 0);
    assert.deepEqual((JSON.parse(within.stdout) as { budget: unknown }).budget, {
      bytes: 200e6,
      source: '--max-size',
      severity: null,
      message: null,
    });
  });

  it('an unreadable --max-size is a usage error (exit 2, one line)', () => {
    for (const args of [
      ['--max-size', 'big', 'Dockerfile'],
      ['size', 'Dockerfile', '--max-size', '0'],
    ]) {
      const { code, stdout, stderr } = cli(args, folder);
      assert.deepEqual({ code, stdout }, { code: 2, stdout: '' }, args.join(' '));
      assert.match(stderr, /^layerlens: --max-size "[^"]+" is not a size: write it like 200MB or 1.5GB\n$/);
    }
  });
});
