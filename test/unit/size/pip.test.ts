import assert from 'node:assert/strict';
import pipData from '../../../server/src/data/pip-sizes.json';
import { aptIndexFromPackages } from '../../../server/src/size/apt';
import { estimatePipInstall, markerHolds, pipName, requirementsOf } from '../../../server/src/size/pip';

const measured = pipData.packages as Record<string, { diskBytes: number; gzipBytes: number }>;
const sum = (names: string[], key: 'diskBytes' | 'gzipBytes') =>
  names.reduce((total, name) => total + measured[name][key], 0);

/** Debian stand-ins: a module with a library, the interpreter it must not count, a tool it must not count. */
const index = aptIndexFromPackages('bookworm', [
  { name: 'python3', installedKiB: 100, debBytes: 30_000, depends: ['libc6'] },
  { name: 'libc6', installedKiB: 12_000, debBytes: 2_800_000 },
  {
    name: 'python3-fancy',
    installedKiB: 1_000,
    debBytes: 300_000,
    files: 10,
    depends: ['python3', 'libfancy1', 'fancy-tool'],
  },
  { name: 'libfancy1', installedKiB: 2_000, debBytes: 700_000, files: 4, depends: ['libc6'] },
  { name: 'fancy-tool', installedKiB: 9_000, debBytes: 3_000_000, files: 4 },
]);

describe('pip install estimates', () => {
  it('normalises requirement names and reads requirements files', () => {
    assert.deepEqual(['Flask_Cors[async]>=1.0', 'ruamel.yaml==0.18', 'https://x/y.whl', '-e'].map(pipName), [
      'flask-cors',
      'ruamel-yaml',
      undefined,
      undefined,
    ]);
    assert.deepEqual(
      requirementsOf('# web\nFlask==3.0  # pinned\n\n-r base.txt\nrequests>=2\n-e .\ngit+https://x/y.git\n'),
      {
        names: ['flask', 'requests'],
        skipped: ['-r base.txt', '-e .', 'git+https://x/y.git'],
      },
    );
  });

  it('evaluates the markers that decide whether a dependency installs on Linux', () => {
    const cases = [
      ['extra == "test"', false],
      ["python_version < '3.10'", false],
      ["python_full_version >= '3.8'", true],
      ["platform_system == 'Windows'", false],
      ['sys_platform == "win32" or python_version < "3.13"', true],
      ["platform_python_implementation != 'PyPy'", true],
      ["(python_version < '3.14') and sys_platform != 'linux'", false],
    ] as const;
    assert.deepEqual(
      cases.map(([marker]) => markerHolds(marker, '3.12')),
      cases.map(([, holds]) => holds),
    );
  });

  it('follows Requires-Dist through measured installs and leaves backports for old Pythons out', () => {
    const closure = ['flask', 'blinker', 'click', 'itsdangerous', 'jinja2', 'markupsafe', 'werkzeug'];
    const estimate = estimatePipInstall(['flask'], {
      suite: 'bookworm',
      installed: new Set(),
      cacheKept: false,
      index,
    });
    assert.deepEqual(estimate, {
      diskBytes: sum(closure, 'diskBytes'),
      compressedBytes: sum(closure, 'gzipBytes'),
      packages: closure.map((name) => ({ name, source: 'measured' })),
      unknown: [],
      cacheBytes: 0,
    });
  });

  it('counts the cache as the downloaded wheels and skips what earlier layers installed', () => {
    const estimate = estimatePipInstall(['requests'], {
      suite: 'bookworm',
      installed: new Set(['urllib3', 'idna']),
      cacheKept: true,
      index,
    });
    const added = ['requests', 'charset-normalizer', 'certifi'];
    assert.deepEqual(estimate, {
      diskBytes: sum(added, 'diskBytes') + sum(added, 'gzipBytes'),
      compressedBytes: 2 * sum(added, 'gzipBytes'),
      packages: added.map((name) => ({ name, source: 'measured' })),
      unknown: [],
      cacheBytes: sum(added, 'gzipBytes'),
    });
  });

  it('sizes unmeasured packages from Debian python3-* stand-ins without the interpreter or tools, and lists unknown ones', () => {
    const estimate = estimatePipInstall(['fancy', 'no-such-thing'], {
      suite: 'bookworm',
      installed: new Set(),
      cacheKept: false,
      index,
    });
    assert.deepEqual(
      { packages: estimate.packages, unknown: estimate.unknown },
      { packages: [{ name: 'fancy', source: 'debian' }], unknown: ['no-such-thing'] },
    );
    // python3-fancy and libfancy1 only: 3,000 KiB less the per-file rounding.
    assert.ok(estimate.diskBytes > 2_900_000 && estimate.diskBytes < 3_100_000, `got ${estimate.diskBytes}`);
  });
});
