// Paths the e2e harness shares. Everything is absolute so the harness works from any cwd.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE_DIR = join(REPO_ROOT, '.cache');
export const FIXTURE_WORKSPACE = join(REPO_ROOT, 'test/e2e/fixtures/workspace');
export const DIST_CLIENT = join(REPO_ROOT, 'dist/client.js');
export const DIST_E2E_DIR = join(REPO_ROOT, 'dist/e2e');
export const DIST_E2E_INDEX = join(DIST_E2E_DIR, 'index.js');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'docs/images');

/**
 * The harness does not build (npm test builds first); it only checks that the
 * bundles it needs are there and says how to get them when they are not.
 */
export function assertBuilt({ needTests }) {
  const missing = [DIST_CLIENT];
  if (needTests) missing.push(DIST_E2E_INDEX);
  const absent = missing.filter((file) => !existsSync(file));
  if (needTests && existsSync(DIST_E2E_DIR)) {
    if (!readdirSync(DIST_E2E_DIR).some((name) => name.endsWith('.test.js'))) {
      absent.push(join(DIST_E2E_DIR, '*.test.js'));
    }
  }
  if (absent.length > 0) {
    throw new Error(`missing build output: ${absent.join(', ')}; run \`npm run build\` first`);
  }
}
