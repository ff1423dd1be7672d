import assert from 'node:assert/strict';
import ruleOfThumb from '../../../server/src/data/node-modules.json';
import { directDependencies, estimateNodeInstall, lockfilePackages } from '../../../server/src/size/node';

const packageLock = JSON.stringify({
  lockfileVersion: 3,
  packages: {
    '': { name: 'app' },
    'node_modules/express': {},
    'node_modules/express/node_modules/debug': {},
    'node_modules/mocha': { dev: true },
    'packages/local': {},
    'node_modules/local': { link: true },
  },
});

describe('node_modules estimates', () => {
  it('counts the packages of each lockfile format', () => {
    const yarnLock =
      '# yarn lockfile v1\n\n"express@^4.0.0":\n  version "4.0.0"\n\ndebug@2.6.9, debug@^2.0.0:\n  version "2.6.9"\n';
    const pnpmLock =
      "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies: {}\n\npackages:\n\n  express@4.0.0:\n    resolution: {}\n\n  debug@2.6.9:\n    resolution: {}\n\nsnapshots:\n\n  express@4.0.0: {}\n";
    const version1 = JSON.stringify({
      lockfileVersion: 1,
      dependencies: { express: { dependencies: { debug: {} } }, mocha: { dev: true } },
    });
    assert.deepEqual(
      [
        lockfilePackages('package-lock.json', packageLock, false),
        lockfilePackages('package-lock.json', packageLock, true),
        lockfilePackages('package-lock.json', version1, false),
        lockfilePackages('package-lock.json', version1, true),
        lockfilePackages('yarn.lock', yarnLock, false),
        lockfilePackages('pnpm-lock.yaml', pnpmLock, false),
        lockfilePackages('package-lock.json', '{ not json', false),
      ],
      [3, 2, 3, 2, 2, 2, undefined],
    );
  });

  it('counts direct dependencies of package.json, dev ones only when not production', () => {
    const manifest = JSON.stringify({
      dependencies: { a: '1', b: '1' },
      devDependencies: { c: '1' },
      optionalDependencies: { b: '1' },
    });
    assert.deepEqual(
      [directDependencies(manifest, false), directDependencies(manifest, true), directDependencies('x', false)],
      [3, 2, undefined],
    );
  });

  it('prefers the lockfile, then its size, then package.json, then names; nothing known is undefined', () => {
    const perPackage = ruleOfThumb.bytesPerPackage;
    const gzip = ruleOfThumb.gzipPerDiskByte;
    const base = { manager: 'npm' as const, named: [], production: true, cacheKept: false };
    const fromLock = estimateNodeInstall({
      ...base,
      lockfile: { name: 'package-lock.json', bytes: 10_000, text: packageLock },
      packageJson: { bytes: 10, text: '{}' },
    });
    assert.deepEqual(fromLock, {
      diskBytes: 2 * perPackage,
      compressedBytes: Math.round(2 * perPackage * gzip),
      packages: 2,
      basis: '2 packages in package-lock.json (dev dependencies left out)',
    });
    const fromSize = estimateNodeInstall({
      ...base,
      lockfile: { name: 'package-lock.json', bytes: 100 * ruleOfThumb.packageLockBytesPerEntry },
    });
    assert.equal(fromSize?.packages, 100);
    const fromManifest = estimateNodeInstall({
      ...base,
      packageJson: { bytes: 10, text: JSON.stringify({ dependencies: { a: '1', b: '1' } }) },
    });
    assert.equal(fromManifest?.packages, Math.round(2 * ruleOfThumb.packagesPerDirectDependency));
    const named = estimateNodeInstall({ ...base, named: ['pm2'], cacheKept: true });
    const count = Math.round(ruleOfThumb.packagesPerDirectDependency);
    assert.deepEqual(
      named && { packages: named.packages, diskBytes: named.diskBytes, compressedBytes: named.compressedBytes },
      {
        packages: count,
        diskBytes: Math.round(count * perPackage * (1 + gzip)),
        compressedBytes: Math.round(2 * count * perPackage * gzip),
      },
    );
    assert.equal(estimateNodeInstall(base), undefined);
  });
});
