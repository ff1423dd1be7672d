import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rules } from '../../server/src/rules';
import { readZip } from './zip';

const repoRoot = join(__dirname, '../..');

/** The .vsix as the Marketplace gets it (`npm run package`, from the built bundles). Needs `npm run build`. */
describe('package: the .vsix', function () {
  const work = mkdtempSync(join(tmpdir(), 'layerlens-vsix-'));
  const vsix = join(work, 'layerlens.vsix');
  let entries = new Map<string, Buffer>();

  before(function () {
    this.timeout(300_000);
    execFileSync(process.execPath, [join(repoRoot, 'scripts/package.mjs'), '--no-build', '--out', vsix], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    entries = readZip(vsix);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('carries the bundles, the data, the grammar, the icon, the rule docs and the user-facing pages, nothing else', () => {
    const files = [...entries.keys()].filter((name) => name.startsWith('extension/')).sort();
    const ruleDocs = readdirSync(join(repoRoot, 'docs/rules'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `extension/docs/rules/${name}`);
    const bundled = readdirSync(join(repoRoot, 'dist'))
      .filter((name) => /^(client|server)\.js$|\.wasm$|\.json\.gz$/.test(name))
      .map((name) => `extension/dist/${name}`);
    assert.deepEqual(
      files,
      [
        'extension/LICENSE.txt',
        'extension/changelog.md',
        'extension/package.json',
        'extension/readme.md',
        'extension/docs/images/icon.png',
        'extension/syntaxes/dockerfile.injection.tmLanguage.json',
        ...ruleDocs,
        ...bundled,
      ].sort(),
    );
  });

  it('has a page for every rule', () => {
    const missing = rules
      .map((rule) => `extension/docs/rules/${rule.meta.name}.md`)
      .filter((name) => !entries.has(name));
    assert.deepEqual(missing, []);
  });

  it('shows the user README and the changelog on the Marketplace page, with the icon and banner', () => {
    const readme = entries.get('extension/readme.md')?.toString('utf8') ?? '';
    const manifest = entries.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    const icon = entries.get('extension/docs/images/icon.png') ?? Buffer.alloc(0);
    assert.deepEqual(
      {
        readme:
          readme ===
          readFileSync(join(repoRoot, 'docs/marketplace/README.md'), 'utf8').replace(
            /\]\(docs\//g,
            '](https://github.com/layerlens/layerlens/raw/HEAD/docs/',
          ),
        developerCommands: /npm ci|npm test|code-server/.test(readme),
        changelog: entries.get('extension/changelog.md')?.toString('utf8').startsWith('# Changelog'),
        iconPng: icon.subarray(1, 4).toString('latin1'),
        iconSize: [icon.readUInt32BE(16), icon.readUInt32BE(20)],
        iconInManifest: manifest.includes('<Icon>extension/docs/images/icon.png</Icon>'),
        banner: /Microsoft\.VisualStudio\.Services\.Branding\.Color" Value="#0b3d5c"/.test(manifest),
      },
      {
        readme: true,
        developerCommands: false,
        changelog: true,
        iconPng: 'PNG',
        iconSize: [256, 256],
        iconInManifest: true,
        banner: true,
      },
    );
  });
});
