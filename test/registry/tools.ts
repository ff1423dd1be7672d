import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '../..');
const script = join(repoRoot, 'scripts/registry-tools.sh');

/** Where `scripts/registry-tools.sh` leaves the extracted tools by default: inside the clone. */
export const toolsDir = join(repoRoot, '.cache/registry-tools');
export const toolsBin = join(toolsDir, 'bin');

/** Runs the fetch script (idempotent) into `target`; its output goes to the test log. */
export function fetchTools(target = toolsDir): void {
  execFileSync('bash', [script, target], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * What installing software or enabling a service changes outside the clone: the dpkg database, the
 * systemd and SysV service links, and the folders programs get installed into. Sorted lines, so that
 * two snapshots compare as text.
 */
export function systemSnapshot(): string[] {
  const lines: string[] = [];
  const packages = spawnSync('dpkg-query', ['-W', '-f=${Package}:${Architecture} ${Version} ${db:Status-Abbrev}\n'], {
    encoding: 'utf8',
  });
  if (packages.status === 0)
    lines.push(
      ...packages.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => `dpkg ${line}`),
    );
  const serviceFolders = [
    '/etc/systemd/system',
    '/etc/init.d',
    ...['0', '1', '2', '3', '4', '5', '6', 'S'].map((level) => `/etc/rc${level}.d`),
  ];
  for (const folder of serviceFolders) lines.push(...listTree(folder, 3).map((entry) => `service ${entry}`));
  for (const folder of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/opt'])
    lines.push(...listTree(folder, 1).map((entry) => `file ${entry}`));
  return lines.sort();
}

function listTree(folder: string, depth: number): string[] {
  if (!existsSync(folder)) return [];
  const entries: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    let link = '';
    try {
      link = ` -> ${readlinkSync(path)}`;
    } catch {
      // Not a symbolic link.
    }
    entries.push(`${path}${link}`);
    if (!link && depth > 1 && statSync(path, { throwIfNoEntry: false })?.isDirectory())
      entries.push(...listTree(path, depth - 1));
  }
  return entries;
}

/** Lines only in `after`: what appeared outside the clone. */
export function added(before: string[], after: string[]): string[] {
  const known = new Set(before);
  return after.filter((line) => !known.has(line));
}
