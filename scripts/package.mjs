// Builds a .vsix with @vscode/vsce, offline: the bundles carry every dependency, so node_modules is not packed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
// --no-build packs the bundles already in dist/ (the tests, after `npm run build`); --out FILE.
if (!process.argv.includes('--no-build'))
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
const vsce = require.resolve('@vscode/vsce/vsce');
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? process.argv[outFlag + 1] : `${name}-${version}.vsix`;
// The Marketplace page is the user README; the repository README is for developers of LayerLens.
execFileSync(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--readme-path', 'docs/marketplace/README.md', '--out', out],
  { stdio: 'inherit' },
);
console.log(`packaged ${out}`);
