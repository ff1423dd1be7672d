#!/usr/bin/env node
// Grammar tests for syntaxes/dockerfile.injection.tmLanguage.json.
//
// Runs vscode-tmgrammar-test over test/grammar/*.test.dockerfile and exits non-zero if any assertion
// fails. The injection is tested on top of the grammars VS Code provides, in two set-ups:
//
//   1. stand-ins (always): test/grammar/grammars/ holds a copy-equivalent of VS Code's Dockerfile
//      grammar and a small shell grammar, wired up by test/grammar/grammars/tmgrammar.config.json.
//   2. VS Code's own grammars (when found): extensions/docker and extensions/shellscript of a VS Code
//      build, e.g. the one @vscode/test-electron downloads to .vscode-test/. Set
//      LAYERLENS_VSCODE_EXTENSIONS=/path/to/resources/app/extensions to choose one (then it is
//      required); otherwise a few usual places are searched and the run is skipped if none is there.
//
// Usage: node test/grammar/run.mjs [fixture ...]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const injection = path.join(root, 'syntaxes/dockerfile.injection.tmLanguage.json');
const require = createRequire(import.meta.url);
const tool = path.join(path.dirname(require.resolve('vscode-tmgrammar-test/package.json')), 'dist/unit.js');

const fixtures = process.argv.length > 2
  ? process.argv.slice(2).map((file) => path.resolve(file))
  : fs.readdirSync(here).filter((name) => name.endsWith('.test.dockerfile')).sort().map((name) => path.join(here, name));
if (fixtures.length === 0) fail('no fixtures (test/grammar/*.test.dockerfile) found');
lintFixtures(fixtures);

// The tool only reports failed assertions; make a grammar that does not even load fail loudly too.
try {
  const grammar = JSON.parse(fs.readFileSync(injection, 'utf8'));
  if (grammar.scopeName !== 'layerlens.injection.dockerfile') fail(`${injection}: unexpected scopeName ${grammar.scopeName}`);
  if (!String(grammar.injectionSelector ?? '').includes('source.dockerfile')) fail(`${injection}: injectionSelector does not target source.dockerfile`);
} catch (error) {
  fail(`${injection}: ${error.message}`);
}

let failed = false;

console.log('== LayerLens injection on the test stand-ins (test/grammar/grammars) ==');
failed = !runTool(path.join(here, 'grammars/tmgrammar.config.json')) || failed;

const extensions = findVsCodeExtensions();
if (extensions) {
  console.log(`\n== LayerLens injection on VS Code's grammars (${extensions}) ==`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlens-grammar-'));
  try {
    const config = path.join(dir, 'tmgrammar.config.json');
    // The tool resolves grammar paths relative to the configuration file.
    const rel = (file) => path.relative(dir, file);
    fs.writeFileSync(config, JSON.stringify({
      contributes: {
        grammars: [
          { language: 'dockerfile', scopeName: 'source.dockerfile', path: rel(path.join(extensions, 'docker/syntaxes/docker.tmLanguage.json')) },
          { language: 'shellscript', scopeName: 'source.shell', path: rel(path.join(extensions, 'shellscript/syntaxes/shell-unix-bash.tmLanguage.json')) },
          { scopeName: 'layerlens.injection.dockerfile', path: rel(injection), injectTo: ['source.dockerfile'] },
        ],
      },
    }));
    failed = !runTool(config) || failed;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log("\n(VS Code's own Dockerfile/shell grammars not found: that run is skipped. Set LAYERLENS_VSCODE_EXTENSIONS to include it.)");
}

if (failed) fail('grammar tests failed');
console.log('\ngrammar tests passed');

function runTool(config) {
  const result = spawnSync(process.execPath, [tool, '--config', config, ...fixtures], { cwd: root, stdio: 'inherit', timeout: 120_000 });
  if (result.error) fail(`could not run vscode-tmgrammar-test: ${result.error.message}`);
  return result.status === 0;
}

// Two traps of vscode-tmgrammar-test 0.1.3 that make an assertion silently useless or hang the run.
function lintFixtures(files) {
  const problems = [];
  for (const file of files) {
    fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((line, index) => {
      if (!/^#\s*(\^|<~*-)/.test(line)) return;
      const where = `${path.relative(root, file)}:${index + 1}`;
      const parts = line.split(/\s-\s/);
      // Excluded scopes go after a single " - ": "scope.a - scope.b scope.c". A second " - " makes the
      // tool's assertion regex backtrack for minutes.
      if (parts.length > 2) problems.push(`${where}: use one " - " and list all excluded scopes after it`);
      // Scopes are compared whole (no prefix match): "- string" would never catch string.quoted.double.x.
      const excluded = parts.length > 1 ? parts[parts.length - 1].trim().split(/\s+/) : [];
      for (const scope of excluded) {
        if (scope && scope.split('.').length < 3 && !scope.startsWith('source.')) {
          problems.push(`${where}: excluded scope "${scope}" must be a full scope name (they are compared whole)`);
        }
      }
    });
  }
  if (problems.length > 0) fail(`fixture problems:\n  ${problems.join('\n  ')}`);
}

function findVsCodeExtensions() {
  const hasGrammars = (dir) => fs.existsSync(path.join(dir, 'docker/syntaxes/docker.tmLanguage.json'))
    && fs.existsSync(path.join(dir, 'shellscript/syntaxes/shell-unix-bash.tmLanguage.json'));
  const chosen = process.env.LAYERLENS_VSCODE_EXTENSIONS;
  if (chosen) {
    if (!hasGrammars(chosen)) fail(`LAYERLENS_VSCODE_EXTENSIONS=${chosen} has no docker/ and shellscript/ grammars`);
    return chosen;
  }
  const candidates = [path.join(root, '.cache/code-server/node_modules/code-server/lib/vscode/extensions')];
  const testElectron = path.join(root, '.vscode-test');
  if (fs.existsSync(testElectron)) {
    for (const name of fs.readdirSync(testElectron).sort().reverse()) {
      candidates.push(path.join(testElectron, name, 'resources/app/extensions'));
      candidates.push(path.join(testElectron, name, 'VSCode-linux-x64/resources/app/extensions'));
      candidates.push(path.join(testElectron, name, 'Visual Studio Code.app/Contents/Resources/app/extensions'));
    }
  }
  return candidates.find(hasGrammars);
}

function fail(message) {
  console.error(`ERROR ${message}`);
  process.exit(1);
}
