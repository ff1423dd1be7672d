import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDockerfileName } from '../../server/src/cli/files';

const repoRoot = join(__dirname, '../..');

describe('CI integrations: pre-commit hook and the repository package', () => {
  it('the pre-commit hook matches the file names the CLI searches folders for', () => {
    const manifest = readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8');
    const files = /^\s+files: (.+)$/m.exec(manifest)?.[1];
    const exclude = /^\s+exclude: (.+)$/m.exec(manifest)?.[1];
    assert.ok(files && exclude);
    // pre-commit takes a path (relative to the repository root) when re.search finds `files` and not `exclude`.
    const hookMatches = (path: string) => new RegExp(files).test(path) && !new RegExp(exclude).test(path);
    const paths = [
      'Dockerfile',
      'api/Dockerfile',
      'Containerfile',
      'deploy/Dockerfile.prod',
      'web.Dockerfile',
      'app.containerfile',
      'x/Dockerfile_amd',
      'README.md',
      'docs/Dockerfiles.txt',
      'src/dockerfile.ts',
      'Dockerfile.dockerignore',
      'DOCKERFILE',
      'build/prod-containerfile',
    ];
    assert.deepEqual(
      paths.map(hookMatches),
      paths.map((path) => isDockerfileName(path.split('/').pop() ?? path)),
    );
  });

  it('npm pack of the repository (how pre-commit installs the hook) holds the CLI and its bundles', function () {
    this.timeout(60_000);
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' }),
    ) as { files: { path: string }[] }[];
    const files = packed[0].files.map((file) => file.path).sort();
    assert.deepEqual(
      files.filter((path) => !path.startsWith('dist/') || /^dist\/(cli\.js|.+\.wasm|.+\.json\.gz)$/.test(path)),
      files,
    );
    assert.deepEqual(
      ['bin/layerlens.js', 'dist/cli.js', 'dist/tree-sitter-bash.wasm', 'dist/web-tree-sitter.wasm'].filter(
        (path) => !files.includes(path),
      ),
      [],
    );
  });
});
