// Bundles the extension client, the language server, the CLI and the e2e suite with esbuild.
// Type-checking is `tsc -b` (npm run typecheck); this only emits JavaScript.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The CLI's --version and SARIF's tool version: the manifest's version, fixed at build time.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const e2eDir = 'test/e2e/suite';
const e2eEntries = existsSync(e2eDir)
  ? readdirSync(e2eDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(e2eDir, f))
  : [];

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    ...common,
    entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts', engine: 'server/src/engine/document.ts' },
    outdir: 'dist',
    // web-tree-sitter reads import.meta.url, which a CommonJS bundle lacks: give it the bundle's own URL.
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__bundleUrl', LAYERLENS_VERSION: JSON.stringify(version) },
    // From sources the wasm files resolve in node_modules; bundles find them beside themselves first.
    logOverride: { 'require-resolve-not-external': 'silent' },
  },
];
if (e2eEntries.length > 0) {
  // Each e2e file is its own bundle; mocha and vscode come from the extension host at run time.
  builds.push({ ...common, entryPoints: e2eEntries, outdir: 'dist/e2e', external: ['vscode', 'mocha'] });
}

await Promise.all(builds.map((options) => build(options)));
// The shell parser's WebAssembly files travel next to the bundles that load them.
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm');
copyFileSync('node_modules/tree-sitter-bash/tree-sitter-bash.wasm', 'dist/tree-sitter-bash.wasm');
// Debian package indexes for the size estimator, loaded on first use.
for (const file of readdirSync('server/src/data').filter((name) => name.endsWith('.json.gz')))
  copyFileSync(`server/src/data/${file}`, `dist/${file}`);
