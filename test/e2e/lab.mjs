// The buildah lab for the e2e run: when this machine can build (root and a working buildah), the
// Debian base image the measure fixture names is made (cached in .cache/lab) and code-server gets the
// environment that points buildah at the lab's own store, so "Build and Measure" builds for real and
// leaves the machine's image store alone. Elsewhere the measure suite skips.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.mjs';

/** Environment for code-server: empty when the lab cannot build here. */
export function labEnvironment(log) {
  if (process.getuid?.() !== 0 || spawnSync('buildah', ['version'], { stdio: 'ignore' }).status !== 0) {
    log('no buildah (or not root): the Build and Measure suite will skip');
    return {};
  }
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const lab = join(REPO_ROOT, 'scripts', 'lab.ts');
  log('lab: making the debian-slim base (cached after the first run)');
  execFileSync(tsx, [lab, 'base', 'debian-slim'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const storageConf = execFileSync(tsx, [lab, 'storage-conf'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  return { BUILDAH_ISOLATION: 'chroot', CONTAINERS_STORAGE_CONF: storageConf, LAYERLENS_E2E_MEASURE: '1' };
}
