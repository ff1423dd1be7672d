import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { buildModel } from '../../server/src/model/model';
import { rules } from '../../server/src/rules';
import { renderRulePage, renderRulesSetting, renderRulesTable, rulesTableMarkers } from '../../scripts/docsRender';

const root = join(__dirname, '../..');

describe('rule catalogue', () => {
  it('has unique kebab-case names equal to the rule files', () => {
    const files = readdirSync(join(root, 'server/src/rules'))
      .filter((file) => file.endsWith('.ts') && !['index.ts', 'types.ts', 'shared.ts'].includes(file))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    const names = rules.map((rule) => rule.meta.name);
    assert.deepEqual([...names].sort(), files);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^[a-z]+(-[a-z]+)*$/);
  });

  for (const rule of rules) {
    describe(rule.meta.name, () => {
      it('has a test file', () => {
        assert.ok(existsSync(join(root, 'test/unit/rules', `${rule.meta.name}.test.ts`)));
      });

      it('has an up-to-date docs page (npm run docs)', () => {
        const page = join(root, 'docs/rules', `${rule.meta.name}.md`);
        assert.equal(existsSync(page) ? readFileSync(page, 'utf8') : '', renderRulePage(rule));
      });

      it('fires on its bad example and not on its good one', () => {
        const fired = (text: string) =>
          analyze(buildModel(text), {}, [rule], rule.meta.docs.context).map((finding) => finding.rule);
        assert.deepEqual(fired(rule.meta.docs.bad).slice(0, 1), [rule.meta.name]);
        assert.deepEqual(fired(rule.meta.docs.good), []);
      });
    });
  }

  it('lists every rule in the README table (npm run docs)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const [begin, end] = rulesTableMarkers;
    assert.equal(
      readme.slice(readme.indexOf(begin) + begin.length, readme.indexOf(end)),
      `\n${renderRulesTable(rules)}`,
    );
  });

  it('lists every rule in the layerlens.rules setting schema, and only rules (npm run docs)', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { properties?: object }> } };
    };
    const setting = manifest.contributes.configuration.properties['layerlens.rules'];
    assert.deepEqual(setting, renderRulesSetting(rules), 'package.json is stale: run npm run docs');
    assert.deepEqual(
      Object.keys(setting.properties ?? {}),
      rules.map((rule) => rule.meta.name),
    );
  });
});
