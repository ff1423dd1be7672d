import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDockerfileName } from '../../server/src/cli/files';
import { rules } from '../../server/src/rules';

const bin = join(__dirname, '../../bin/layerlens.js');

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI (built bundle)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'layerlens-cli-'));
  mkdirSync(join(folder, 'api'));
  mkdirSync(join(folder, 'node_modules/dep'), { recursive: true });
  writeFileSync(
    join(folder, 'api/Dockerfile'),
    'FROM node:22-slim\nRUN npm run build\nCMD ["node", "dist/index.js"]\n',
  );
  writeFileSync(join(folder, 'web.Dockerfile'), 'FROM nginx:1.27\nUSER nginx\n');
  writeFileSync(join(folder, 'node_modules/dep/Dockerfile'), 'FROM node:22\n');
  writeFileSync(join(folder, 'README.md'), '# not a Dockerfile');

  it('recognises Dockerfile names', () => {
    assert.deepEqual(
      [
        'Dockerfile',
        'Containerfile',
        'api.Dockerfile',
        'Dockerfile.prod',
        'Dockerfile_amd',
        'x__Dockerfile',
        'app.containerfile',
        'Dockerfile.dockerignore',
        'README.md',
        'Dockerfiles.txt',
      ].map(isDockerfileName),
      [true, true, true, true, true, true, true, false, false, false],
    );
  });

  it('prints file:line:col severity rule message, skipping node_modules', () => {
    const { code, stdout, stderr } = cli(['.'], folder);
    assert.deepEqual({ code, stderr }, { code: 0, stderr: '' });
    assert.deepEqual(stdout.trim().split('\n'), [
      'api/Dockerfile:1:6 warning no-user-in-final-stage The shipped image runs as root: no USER is set.',
      'api/Dockerfile:2:5 warning single-stage-build `npm run build` builds in the only stage, so the Node.js toolchain ships in the image.',
      '2 findings in 2 files: 2 warnings',
    ]);
  });

  it('exits 1 at the --fail-on threshold', () => {
    assert.equal(cli(['--fail-on', 'warning', '.'], folder).code, 1);
    assert.equal(cli(['--fail-on', 'error', '.'], folder).code, 0);
    assert.equal(
      cli(
        ['--fail-on', 'warning', '--rule', 'single-stage-build=off', '--rule', 'no-user-in-final-stage=info', '.'],
        folder,
      ).code,
      0,
    );
  });

  it('writes JSON and SARIF 2.1.0', () => {
    const json = JSON.parse(cli(['--format', 'json', 'api/Dockerfile'], folder).stdout);
    assert.deepEqual(json[0].findings[1], {
      rule: 'single-stage-build',
      severity: 'warning',
      line: 2,
      column: 5,
      endLine: 2,
      endColumn: 18,
      message: json[0].findings[1].message,
      docs: 'https://github.com/layerlens/layerlens/blob/main/docs/rules/single-stage-build.md',
      fixes: [],
    });
    const sarif = JSON.parse(cli(['--format', 'sarif', '.'], folder).stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.deepEqual(
      run.tool.driver.rules.map((rule: { id: string }) => rule.id),
      rules.map((rule) => rule.meta.name),
    );
    assert.deepEqual(run.results[1], {
      ruleId: 'single-stage-build',
      ruleIndex: rules.findIndex((rule) => rule.meta.name === 'single-stage-build'),
      level: 'warning',
      message: { text: run.results[1].message.text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'api/Dockerfile', uriBaseId: '%SRCROOT%' },
            region: { startLine: 2, startColumn: 5, endLine: 2, endColumn: 18 },
          },
        },
      ],
    });
  });

  it('fails with one line and exit 2 on usage and I/O errors, never a stack trace', () => {
    for (const args of [['--format', 'xml', '.'], ['missing-file'], [], ['--rule', 'nope=off', '.'], ['--bogus']]) {
      const { code, stdout, stderr } = cli(args, folder);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /^layerlens: [^\n]+\n$/);
    }
  });

  it('names the closest rule for an unknown --rule, exit 2', () => {
    const { code, stdout, stderr } = cli(['--rule', 'unused-stages=off', '.'], folder);
    assert.deepEqual(
      { code, stdout, stderr },
      {
        code: 2,
        stdout: '',
        stderr: 'layerlens: unknown rule "unused-stages" in --rule; did you mean "unused-stage"? (see --list-rules)\n',
      },
    );
  });

  it('lists rules', () => {
    const { code, stdout } = cli(['--list-rules'], folder);
    assert.equal(code, 0);
    assert.match(stdout, /^single-stage-build +warning/m);
  });
});
