import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(__dirname, '../..');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/**
 * The npm package of the CLI as a user gets it: packed from the built bundles, installed from the
 * tarball file into an empty folder (offline, a private npm cache), run with npx. Needs `npm run build`.
 */
describe('package: the CLI tarball installed in an empty folder', function () {
  const work = mkdtempSync(join(tmpdir(), 'layerlens-cli-package-'));
  const app = join(work, 'app');
  const env = { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
  let tarball = '';

  const npx = (...args: string[]) =>
    spawnSync('npx', ['--offline', '--no-install', 'layerlens', ...args], { cwd: app, env, encoding: 'utf8' });

  before(function () {
    this.timeout(300_000);
    const packed = execFileSync(
      process.execPath,
      [join(repoRoot, 'scripts/pack-cli.mjs'), '--no-build', '--destination', work],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    tarball = /^packed (.+\.tgz):/m.exec(packed)?.[1] ?? '';
    mkdirSync(app);
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: app,
      env,
      stdio: 'ignore',
    });
    mkdirSync(join(app, 'service'));
    writeFileSync(
      join(app, 'service/Dockerfile'),
      'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY server.js ./\nCMD ["node", "server.js"]\n',
    );
    writeFileSync(join(app, 'service/.dockerignore'), 'node_modules\n');
    mkdirSync(join(app, 'tools'));
    writeFileSync(
      join(app, 'tools/Dockerfile'),
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('holds the bundles, the data and the manifest, nothing else', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files, [
      'package/LICENSE',
      'package/README.md',
      'package/bin/layerlens.js',
      'package/dist/apt-bookworm.json.gz',
      'package/dist/apt-trixie.json.gz',
      'package/dist/cli.js',
      'package/dist/tree-sitter-bash.wasm',
      'package/dist/web-tree-sitter.wasm',
      'package/package.json',
    ]);
    const manifest = JSON.parse(
      execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as Record<string, unknown>;
    assert.deepEqual(
      { name: manifest.name, version: manifest.version, bin: manifest.bin, dependencies: manifest.dependencies },
      { name: 'layerlens', version, bin: { layerlens: 'bin/layerlens.js' }, dependencies: undefined },
    );
  });

  it('prints the package version', () => {
    const result = npx('--version');
    assert.deepEqual({ status: result.status, stdout: result.stdout }, { status: 0, stdout: `${version}\n` });
  });

  it('checks a Dockerfile with the bundled shell parser and rules', () => {
    const result = npx('--format', 'json', 'service/Dockerfile');
    assert.equal(result.status, 0, result.stderr);
    const [report] = JSON.parse(result.stdout) as { file: string; findings: { rule: string; line: number }[] }[];
    assert.equal(report.file, 'service/Dockerfile');
    assert.deepEqual(
      report.findings
        .map(({ rule, line }) => ({ rule, line }))
        .filter(({ rule }) => rule === 'dev-dependencies-in-final-stage'),
      [{ rule: 'dev-dependencies-in-final-stage', line: 4 }],
    );
  });

  it('estimates sizes with the bundled base-image data and Debian package index', () => {
    const result = npx('size', 'tools/Dockerfile', '--json');
    assert.equal(result.status, 0, result.stderr);
    const [stage] = (
      JSON.parse(result.stdout) as {
        stages: {
          base: { confidence: string; diskBytes: number | null };
          layers: { line: number; confidence: string; diskBytes: number | null }[];
        }[];
      }
    ).stages;
    assert.deepEqual(
      {
        base: { confidence: stage.base.confidence, known: (stage.base.diskBytes ?? 0) > 10e6 },
        layers: stage.layers.map(({ line, confidence, diskBytes }) => ({
          line,
          confidence,
          known: (diskBytes ?? 0) > 1e6,
        })),
      },
      { base: { confidence: 'data', known: true }, layers: [{ line: 2, confidence: 'data', known: true }] },
    );
  });
});
