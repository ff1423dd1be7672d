import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { requiredTools, run } from './realRegistry';
import { added, fetchTools, systemSnapshot, toolsBin, toolsDir } from './tools';

describe('registry tools: fetched without touching the system', function () {
  const repoCache = join(__dirname, '../../.cache');
  let target = '';

  before(function () {
    if (!existsSync(join(toolsDir, 'ok'))) {
      console.log('    skipped: scripts/registry-tools.sh found no apt here');
      this.skip();
    }
    target = mkdtempSync(join(repoCache, 'registry-tools-test-'));
  });
  after(() => {
    if (target) rmSync(target, { recursive: true, force: true });
  });

  it('extracts runnable tools into a fresh folder without installing a package, a file or a service', function () {
    this.timeout(300_000);
    const before = systemSnapshot();
    fetchTools(target);
    assert.deepEqual(added(before, systemSnapshot()), []);
    const versions = ['docker-registry', 'skopeo', 'umoci'].map((tool) => {
      const result = spawnSync(join(target, 'bin', tool), ['--version'], { encoding: 'utf8' });
      return {
        tool,
        status: result.status,
        named: result.stdout.includes('version') || result.stdout.includes('distribution'),
      };
    });
    assert.deepEqual(versions, [
      { tool: 'docker-registry', status: 0, named: true },
      { tool: 'skopeo', status: 0, named: true },
      { tool: 'umoci', status: 0, named: true },
    ]);
  });

  it('the tests run the extracted binaries, not ones from the machine', () => {
    const resolved = requiredTools
      .filter((tool) => tool !== 'openssl')
      .map((tool) => run('sh', ['-c', `command -v ${tool}`]).trim());
    assert.deepEqual(resolved, [join(toolsBin, 'docker-registry'), join(toolsBin, 'skopeo'), join(toolsBin, 'umoci')]);
  });
});
