import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** Runs the layering check (as `npm run lint` does) over one file planted in the server's sources. */
function cruisePlanted(relativePath: string, source: string): { status: number | null; output: string } {
  const path = join(root, relativePath);
  writeFileSync(path, source);
  try {
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        relativePath,
        '--config',
        '.dependency-cruiser.cjs',
      ],
      // CI=1 makes its colour library colour a pipe; the assertions read plain text.
      { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
    );
    return { status: result.status, output: result.stdout + result.stderr };
  } finally {
    rmSync(path, { force: true });
  }
}

describe('layering (dependency-cruiser)', function () {
  this.timeout(60000);

  it('fails a wrong-way import: the model importing a rule type', () => {
    const { status, output } = cruisePlanted(
      'server/src/model/plantedWrongWay.ts',
      "import type { Fix } from '../rules/types';\nexport type Planted = Fix;\n",
    );
    assert.notEqual(status, 0, output);
    assert.match(output, /layer-model: server\/src\/model\/plantedWrongWay\.ts → server\/src\/rules\/types\.ts/);
  });

  it('fails a rule importing another rule', () => {
    const { status, output } = cruisePlanted(
      'server/src/rules/planted-rule.ts',
      "import { rule } from './unused-stage';\nexport const planted = rule;\n",
    );
    assert.notEqual(status, 0, output);
    assert.match(
      output,
      /no-rule-imports-a-rule: server\/src\/rules\/planted-rule\.ts → server\/src\/rules\/unused-stage\.ts/,
    );
  });

  it('passes a right-way import', () => {
    const { status, output } = cruisePlanted(
      'server/src/rules/planted-right.ts',
      "import { layersOf } from '../model/model';\nexport const planted = layersOf;\n",
    );
    assert.equal(status, 0, output);
  });
});
