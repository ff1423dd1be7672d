// Bundles the extension client, the language server, the CLI and the e2e suite with esbuild.
// Type-checking is `tsc -b` (npm run typecheck); this only emits JavaScript.
import { build } from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

const e2eDir = 'test/e2e/suite';
const e2eEntries = existsSync(e2eDir)
  ? readdirSync(e2eDir).filter((f) => f.endsWith('.ts')).map((f) => join(e2eDir, f))
  : [];

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts' }, outdir: 'dist' },
];
if (e2eEntries.length > 0) {
  // Each e2e file is its own bundle; mocha and vscode come from the extension host at run time.
  builds.push({ ...common, entryPoints: e2eEntries, outdir: 'dist/e2e', external: ['vscode', 'mocha'] });
}

await Promise.all(builds.map((options) => build(options)));
if (watch) console.log('watch mode is not supported; run npm run build again');
