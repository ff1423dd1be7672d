import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextFileReader } from '../../../server/src/context/readFile';

describe('contextFileReader', () => {
  const parent = mkdtempSync(join(tmpdir(), 'layerlens-read-'));
  const root = join(parent, 'context');
  mkdirSync(join(root, 'app'), { recursive: true });
  writeFileSync(join(root, 'app/requirements.txt'), 'flask==3.0.0\n');
  writeFileSync(join(parent, 'secret.txt'), 'outside');
  writeFileSync(join(root, 'huge.lock'), Buffer.alloc(5 * 1024 * 1024, 0x61));

  it('reads files inside the context and nothing outside, above 4 MB or not a file', () => {
    const read = contextFileReader(root);
    assert.deepEqual(
      [
        'app/requirements.txt',
        './app/requirements.txt',
        '../secret.txt',
        '/etc/hostname',
        'huge.lock',
        'app',
        'missing.txt',
      ].map(read),
      ['flask==3.0.0\n', 'flask==3.0.0\n', undefined, undefined, undefined, undefined, undefined],
    );
  });

  it('reads each path once per reader', () => {
    const read = contextFileReader(root);
    assert.equal(read('app/requirements.txt'), 'flask==3.0.0\n');
    writeFileSync(join(root, 'app/requirements.txt'), 'django\n');
    assert.equal(read('app/requirements.txt'), 'flask==3.0.0\n');
    assert.equal(contextFileReader(root)('app/requirements.txt'), 'django\n');
  });

  it('follows a symlink inside the context, not one that points out of it', () => {
    symlinkSync('app/requirements.txt', join(root, 'link.txt'));
    symlinkSync('../secret.txt', join(root, 'escape.txt'));
    assert.deepEqual(['link.txt', 'escape.txt'].map(contextFileReader(root)), ['django\n', undefined]);
  });
});
