// Writes docs/rules/<rule>.md and the README's rules table from the rules' meta (npm run docs).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderRulePage, renderRulesTable, rulesTableMarkers } from './docsRender';
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
console.log(`wrote ${rules.length} rule pages and the README rules table`);
