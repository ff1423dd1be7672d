// Builds a .vsix with @vscode/vsce, offline: the bundles carry every dependency, so node_modules is not packed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
const vsce = require.resolve('@vscode/vsce/vsce');
const out = `${name}-${version}.vsix`;
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { stdio: 'inherit' });
console.log(`packaged ${out}`);
