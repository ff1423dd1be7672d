// Writes docs/rules/<rule>.md, the README's rules table and the layerlens.rules setting schema from the rules' meta (npm run docs).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderRulePage, renderRulesSetting, renderRulesTable, rulesTableMarkers } from './docsRender';
import { rules } from '../server/src/rules';

const root = join(__dirname, '..');
mkdirSync(join(root, 'docs/rules'), { recursive: true });
for (const rule of rules) writeFileSync(join(root, 'docs/rules', `${rule.meta.name}.md`), renderRulePage(rule));

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const [begin, end] = rulesTableMarkers;
const start = readme.indexOf(begin);
const stop = readme.indexOf(end);
if (start < 0 || stop < 0) throw new Error(`README.md lacks the ${begin} … ${end} markers`);
writeFileSync(readmePath, readme.slice(0, start + begin.length) + '\n' + renderRulesTable(rules) + readme.slice(stop));

// The settings schema lists the rules (completion and validation of `layerlens.rules` in settings.json).
const manifestPath = join(root, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
};
manifest.contributes.configuration.properties['layerlens.rules'] = renderRulesSetting(rules);
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${rules.length} rule pages, the README rules table and the layerlens.rules schema`);
