// Packs the CLI for npm: `npm run pack:cli` → layerlens-<version>.tgz, installable anywhere with `npm i`.
// The repository's package.json is the extension's manifest and the development setup (private, dev
// dependencies, VS Code contributions); publishing it would ship none of the bundles it needs and all the
// dev dependencies. So the build generates a second, minimal package in dist/npm from the same bundles the
// .vsix carries: the esbuild CLI bundle (every dependency inside), the shell parser's wasm files and the
// package indexes, with no runtime dependencies. One source, one build, two packages.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = JSON.parse(readFileSync('package.json', 'utf8'));
// --no-build packs the bundles already in dist/ (the tests, after `npm run build`); --destination DIR.
const skipBuild = process.argv.includes('--no-build');
const destinationFlag = process.argv.indexOf('--destination');
const destination = destinationFlag > 0 ? process.argv[destinationFlag + 1] : '.';
if (!skipBuild) execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });

const out = 'dist/npm';
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'bin'), { recursive: true });
mkdirSync(join(out, 'dist'), { recursive: true });
copyFileSync('bin/layerlens.js', join(out, 'bin/layerlens.js'));
copyFileSync('dist/cli.js', join(out, 'dist/cli.js'));
for (const file of readdirSync('dist').filter((name) => name.endsWith('.wasm') || name.endsWith('.json.gz')))
  copyFileSync(join('dist', file), join(out, 'dist', file));
copyFileSync('LICENSE', join(out, 'LICENSE'));
copyFileSync('docs/npm/README.md', join(out, 'README.md'));

const manifest = {
  name: root.name,
  version: root.version,
  description: root.description,
  license: root.license,
  repository: root.repository,
  bugs: root.bugs,
  homepage: root.homepage,
  keywords: [...root.keywords, 'lint', 'cli', 'sarif'],
  engines: { node: root.engines.node },
  bin: { layerlens: 'bin/layerlens.js' },
  files: ['bin/', 'dist/'],
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', destination, `./${out}`], {
  encoding: 'utf8',
});
const [{ filename, size, entryCount }] = JSON.parse(packed);
console.log(`packed ${join(destination, filename)}: ${entryCount} files, ${(size / 1e6).toFixed(1)} MB`);
