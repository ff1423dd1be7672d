// A throwaway home for one run: code-server and Chromium get fresh profiles, and
// HOME/XDG_*/TMPDIR point inside it so nothing reads or writes the real ones
// (code-server, for instance, writes ~/.config/code-server/config.yaml on start).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * User settings that keep the workbench quiet and deterministic: no welcome page,
 * no trust prompt, no AI/chat onboarding, no network look-ups, no git scanning of
 * the repository that contains the fixture workspace.
 */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  // Tests edit fixture files and revert them: nothing may reach the disk.
  'files.autoSave': 'off',
  'files.hotExit': 'off',
};

/** Creates the sandbox directories; `keep` is decided by the caller at the end. */
export function createSandbox(prefix = 'layerlens-e2e-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dir = (name, mode) => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true, mode });
    return path;
  };
  const sandbox = {
    root,
    home: dir('home'),
    tmp: dir('tmp'),
    userDataDir: dir('user-data'),
    extensionsDir: dir('extensions'),
    chromiumProfile: dir('chromium-profile'),
    xdg: {
      XDG_CONFIG_HOME: dir('xdg/config'),
      XDG_DATA_HOME: dir('xdg/data'),
      XDG_CACHE_HOME: dir('xdg/cache'),
      XDG_STATE_HOME: dir('xdg/state'),
      // The XDG spec requires the runtime dir to be private to the user.
      XDG_RUNTIME_DIR: dir('xdg/runtime', 0o700),
    },
    file: (name) => join(root, name),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  mkdirSync(join(sandbox.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(sandbox.userDataDir, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  return sandbox;
}

/**
 * The environment for processes started in the sandbox. Variables that a VS Code
 * terminal or an Electron parent sets are dropped (they would make code-server's CLI
 * talk to the outer VS Code instead of starting a server), and so are the npm_*
 * ones of `npm test`, so a run behaves the same started by npm or by hand.
 */
export function sandboxEnv(sandbox, extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(VSCODE_|npm_)/i.test(name) || name === 'ELECTRON_RUN_AS_NODE') continue;
    env[name] = value;
  }
  return { ...env, HOME: sandbox.home, TMPDIR: sandbox.tmp, ...sandbox.xdg, ...extra };
}
