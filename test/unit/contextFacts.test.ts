import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readContextFacts } from '../../server/src/context/facts';
import type { BuildContextFacts } from '../../server/src/rules/types';

/** Facts with the root entries sorted: readdir's order is the file system's. */
function facts(dockerfile: string, contextDir?: string): BuildContextFacts {
  const read = readContextFacts(dockerfile, contextDir);
  return read.rootEntries ? { ...read, rootEntries: [...read.rootEntries].sort() } : read;
}

describe('build-context facts (readContextFacts)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layerlens-context-'));
  });

  afterEach(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content = '') => writeFileSync(join(dir, name), content);

  it('reads .dockerignore at the context root and lists the root entries', () => {
    write('Dockerfile', 'FROM alpine\n');
    write('.dockerignore', '.git\nnode_modules\n');
    write('package.json', '{}');
    mkdirSync(join(dir, 'src'));
    assert.deepEqual(facts(join(dir, 'Dockerfile')), {
      dockerignore: { path: join(dir, '.dockerignore'), text: '.git\nnode_modules\n' },
      rootEntries: ['.dockerignore', 'Dockerfile', 'package.json', 'src'],
      packageJson: { devDependencies: false },
    });
  });

  it('tells whether the package.json declares devDependencies (null when absent or not JSON)', () => {
    write('package.json', '{"devDependencies": {"jest": "^29.0.0"}}');
    assert.deepEqual(facts(join(dir, 'Dockerfile')).packageJson, { devDependencies: true });
    write('package.json', '{"devDependencies": {}}');
    assert.deepEqual(facts(join(dir, 'Dockerfile')).packageJson, { devDependencies: false });
    write('package.json', '{ not json');
    assert.equal(facts(join(dir, 'Dockerfile')).packageJson, null);
    rmSync(join(dir, 'package.json'));
    assert.equal(facts(join(dir, 'Dockerfile')).packageJson, null);
  });

  it('prefers <name>.Dockerfile.dockerignore beside the Dockerfile (BuildKit)', () => {
    write('app.Dockerfile', 'FROM alpine\n');
    write('app.Dockerfile.dockerignore', '*\n!dist\n');
    write('.dockerignore', '.git\n');
    assert.deepEqual(facts(join(dir, 'app.Dockerfile')).dockerignore, {
      path: join(dir, 'app.Dockerfile.dockerignore'),
      text: '*\n!dist\n',
    });
    // Another Dockerfile in the same folder still gets the shared one.
    write('Dockerfile', 'FROM alpine\n');
    assert.deepEqual(facts(join(dir, 'Dockerfile')).dockerignore, { path: join(dir, '.dockerignore'), text: '.git\n' });
  });

  it('reports null when there is no .dockerignore', () => {
    write('Dockerfile', 'FROM alpine\n');
    write('main.go', 'package main\n');
    assert.deepEqual(facts(join(dir, 'Dockerfile')), {
      dockerignore: null,
      rootEntries: ['Dockerfile', 'main.go'],
      packageJson: null,
    });
  });

  it('reads the context folder, not the Dockerfile folder, when they differ', () => {
    mkdirSync(join(dir, 'docker'));
    write('docker/Dockerfile', 'FROM alpine\n');
    write('.dockerignore', '.git\n');
    write('go.mod', 'module x\n');
    assert.deepEqual(facts(join(dir, 'docker/Dockerfile'), dir), {
      dockerignore: { path: join(dir, '.dockerignore'), text: '.git\n' },
      rootEntries: ['.dockerignore', 'docker', 'go.mod'],
      packageJson: null,
    });
  });

  it('treats a .dockerignore that exists but cannot be read as unknown, not missing', () => {
    write('Dockerfile', 'FROM alpine\n');
    // A folder named .dockerignore cannot be read even by root.
    mkdirSync(join(dir, '.dockerignore'));
    assert.equal(facts(join(dir, 'Dockerfile')).dockerignore, undefined);
  });

  it('treats a .dockerignore without read permission as unknown (skipped as root, who can read it)', function () {
    write('Dockerfile', 'FROM alpine\n');
    write('.dockerignore', '.git\n');
    chmodSync(join(dir, '.dockerignore'), 0o000);
    if (process.getuid?.() === 0) {
      // Root reads it regardless of the mode bits.
      assert.deepEqual(facts(join(dir, 'Dockerfile')).dockerignore, {
        path: join(dir, '.dockerignore'),
        text: '.git\n',
      });
      this.skip();
    }
    assert.equal(facts(join(dir, 'Dockerfile')).dockerignore, undefined);
  });

  it('treats an oversized .dockerignore as unknown', () => {
    write('Dockerfile', 'FROM alpine\n');
    write('.dockerignore', `${'x'.repeat(80)}\n`.repeat(14000));
    assert.equal(facts(join(dir, 'Dockerfile')).dockerignore, undefined);
  });

  it('knows nothing about a folder that does not exist, and does not throw', () => {
    assert.deepEqual(readContextFacts(join(dir, 'missing/Dockerfile')), {
      dockerignore: undefined,
      rootEntries: undefined,
      packageJson: undefined,
    });
  });

  it('lists at most 2000 root entries', () => {
    for (let index = 0; index < 2100; index++) write(`f${index}`);
    assert.equal(readContextFacts(join(dir, 'Dockerfile')).rootEntries?.length, 2000);
  });
});
