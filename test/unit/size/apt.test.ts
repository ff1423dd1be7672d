import assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/model/model';
import {
  aptBaseImage,
  aptIndexFromPackages,
  aptRunFacts,
  estimateAptInstall,
  estimateAptRun,
  loadAptIndex,
} from '../../../server/src/size/apt';
import type { AptIndex, AptInstallOptions } from '../../../server/src/size/apt';

/** A small index in the shape of Debian's: curl's real dependency chain, a virtual name, an alternative. */
const index: AptIndex = aptIndexFromPackages(
  'bookworm',
  [
    { name: 'libc6', installedKiB: 12_000, debBytes: 2_800_000, files: 300, essential: true },
    { name: 'debconf', installedKiB: 500, debBytes: 120_000, files: 80, essential: true },
    { name: 'curl', installedKiB: 500, debBytes: 310_000, files: 10, docFiles: 4, depends: ['libc6', 'libcurl4'] },
    {
      name: 'libcurl4',
      installedKiB: 800,
      debBytes: 380_000,
      files: 8,
      depends: ['libc6', 'libssl3', 'libnghttp2-14'],
      recommends: ['ca-certificates'],
    },
    { name: 'libssl3', installedKiB: 6_000, debBytes: 2_000_000, files: 12, depends: ['libc6'] },
    { name: 'libnghttp2-14', installedKiB: 200, debBytes: 70_000, files: 6, depends: ['libc6'] },
    {
      name: 'ca-certificates',
      installedKiB: 400,
      debBytes: 160_000,
      files: 150,
      depends: ['openssl', 'debconf | debconf-2.0'],
    },
    { name: 'openssl', installedKiB: 2_000, debBytes: 1_400_000, files: 40, docFiles: 30, depends: ['libssl3'] },
    { name: 'gpg-agent', installedKiB: 1_000, debBytes: 500_000, files: 20, depends: ['pinentry-curses | pinentry'] },
    { name: 'pinentry-curses', installedKiB: 100, debBytes: 60_000, files: 5, provides: ['pinentry'] },
    { name: 'pinentry-gnome3', installedKiB: 150, debBytes: 70_000, files: 5, provides: ['pinentry'] },
    { name: 'mail-client', installedKiB: 300, debBytes: 100_000, files: 5, depends: ['mail-transport-agent'] },
    { name: 'exim4', installedKiB: 4_000, debBytes: 1_500_000, files: 100, provides: ['mail-transport-agent'] },
    { name: 'postfix', installedKiB: 5_000, debBytes: 1_600_000, files: 120, provides: ['mail-transport-agent'] },
    { name: 'python3-yaml', installedKiB: 600, debBytes: 150_000, files: 30, pyFiles: 20 },
    { name: 'g++', installedKiB: 20, debBytes: 1_500, files: 3 },
  ],
  { diskBytes: 19_000_000, gzipBytes: 15_000_000 },
);

const base = new Set(['libc6', 'debconf']);

function install(packages: string[], options: Partial<AptInstallOptions> = {}) {
  return estimateAptInstall(packages, {
    suite: 'bookworm',
    noInstallRecommends: true,
    installed: base,
    index,
    ...options,
  });
}

/** The parts of an estimate that do not depend on the calibration constants. */
function closureOf(packages: string[], options: Partial<AptInstallOptions> = {}) {
  const { packages: added, unknown, confidence } = install(packages, options);
  return { packages: [...added].sort(), unknown, confidence };
}

describe('size: apt install estimate', () => {
  describe('dependency closure', () => {
    it('adds Depends transitively and leaves out what the base image has', () => {
      assert.deepEqual(closureOf(['curl']), {
        packages: ['curl', 'libcurl4', 'libnghttp2-14', 'libssl3'],
        unknown: [],
        confidence: 'data',
      });
    });

    it('follows Recommends unless --no-install-recommends, recursively through their Depends', () => {
      assert.deepEqual(closureOf(['curl'], { noInstallRecommends: false }), {
        packages: ['ca-certificates', 'curl', 'libcurl4', 'libnghttp2-14', 'libssl3', 'openssl'],
        unknown: [],
        confidence: 'data',
      });
    });

    it('adds nothing for a package the image already has, and nothing of what an earlier layer installed', () => {
      assert.deepEqual(install(['libc6']), {
        diskBytes: 0,
        compressedBytes: 0,
        packages: [],
        unknown: [],
        confidence: 'data',
      });
      assert.deepEqual(closureOf(['curl'], { installed: new Set([...base, 'libssl3', 'libcurl4']) }), {
        packages: ['curl'],
        unknown: [],
        confidence: 'data',
      });
    });

    it('takes the first alternative of `a | b`, or none when another alternative is installed', () => {
      assert.deepEqual(closureOf(['gpg-agent']), {
        packages: ['gpg-agent', 'pinentry-curses'],
        unknown: [],
        confidence: 'data',
      });
      assert.deepEqual(closureOf(['gpg-agent'], { installed: new Set([...base, 'pinentry-gnome3']) }), {
        packages: ['gpg-agent'],
        unknown: [],
        confidence: 'data',
      });
    });

    it('resolves a virtual package to its preferred provider unless a provider is installed', () => {
      assert.deepEqual(closureOf(['mail-client']), {
        packages: ['exim4', 'mail-client'],
        unknown: [],
        confidence: 'data',
      });
      assert.deepEqual(closureOf(['mail-client'], { installed: new Set([...base, 'postfix']) }), {
        packages: ['mail-client'],
        unknown: [],
        confidence: 'data',
      });
      assert.deepEqual(closureOf(['mail-transport-agent']), { packages: ['exim4'], unknown: [], confidence: 'data' });
    });

    it('reads names as apt does: versions, architectures and releases dropped, `pkg-` removes, g++ is a name', () => {
      assert.deepEqual(
        closureOf(['libssl3=3.0.15-1~deb12u1', 'libnghttp2-14:amd64', 'g++', 'openssl/bookworm-backports', 'curl-']),
        {
          packages: ['g++', 'libnghttp2-14', 'libssl3', 'openssl'],
          unknown: [],
          confidence: 'data',
        },
      );
    });
  });

  describe('unknown packages', () => {
    it('reports names the index lacks and never gives them a size', () => {
      assert.deepEqual(install(['mongodb-org', '${PACKAGE}', 'lib*-dev']), {
        diskBytes: 0,
        compressedBytes: 0,
        packages: [],
        unknown: ['mongodb-org', '${PACKAGE}', 'lib*-dev'],
        confidence: 'estimate',
      });
    });

    it('sizes the known packages of a mixed install and still marks it an estimate', () => {
      const mixed = install(['libnghttp2-14', 'mongodb-org']);
      const known = install(['libnghttp2-14']);
      assert.deepEqual(mixed, { ...known, unknown: ['mongodb-org'], confidence: 'estimate' });
    });

    it('has every name unknown for a suite without an index', () => {
      assert.deepEqual(
        estimateAptInstall(['curl'], {
          suite: 'bookworm',
          noInstallRecommends: true,
          installed: base,
          index: aptIndexFromPackages('bookworm', []),
        }),
        {
          diskBytes: 0,
          compressedBytes: 0,
          packages: [],
          unknown: ['curl'],
          confidence: 'estimate',
        },
      );
    });
  });

  describe('sizes', () => {
    it('counts the package lists once when the RUN keeps them', () => {
      const without = install(['curl']);
      const kept = install(['curl'], { listsKept: true });
      assert.deepEqual(
        { disk: kept.diskBytes - without.diskBytes, gzip: kept.compressedBytes - without.compressedBytes },
        { disk: 19_000_000, gzip: 15_000_000 },
      );
      assert.deepEqual(install([], { listsKept: true }), {
        diskBytes: 19_000_000,
        compressedBytes: 15_000_000,
        packages: [],
        unknown: [],
        confidence: 'data',
      });
    });

    it('grows with the closure and stays between the .deb size and the installed size', () => {
      const curl = install(['curl']);
      const withRecommends = install(['curl'], { noInstallRecommends: false });
      assert.ok(withRecommends.diskBytes > curl.diskBytes && withRecommends.compressedBytes > curl.compressedBytes);
      const installedBytes = (500 + 800 + 6_000 + 200) * 1024;
      assert.ok(curl.diskBytes > 0.8 * installedBytes && curl.diskBytes < 1.2 * installedBytes, `${curl.diskBytes}`);
      assert.ok(
        curl.compressedBytes > 0.8 * (310_000 + 380_000 + 2_000_000 + 70_000) && curl.compressedBytes < curl.diskBytes,
        `${curl.compressedBytes}`,
      );
    });

    it('drops docs on slim images and adds byte-compiled Python modules', () => {
      assert.ok(install(['openssl'], { slim: true }).diskBytes < install(['openssl']).diskBytes);
      assert.ok(install(['openssl'], { slim: true }).compressedBytes < install(['openssl']).compressedBytes);
      const yaml = install(['python3-yaml']);
      assert.ok(yaml.diskBytes > 600 * 1024 + 20 * 10_000, `${yaml.diskBytes}`);
    });

    it('counts debconf bookkeeping only for packages that use debconf', () => {
      const withDebconf = install(['ca-certificates']);
      const openssl = install(['openssl']);
      assert.ok(
        withDebconf.diskBytes - openssl.diskBytes > 1_000_000,
        `${withDebconf.diskBytes} vs ${openssl.diskBytes}`,
      );
    });
  });

  describe('a whole RUN', () => {
    it('applies each install its own --no-install-recommends and counts dpkg bookkeeping once', () => {
      const facts = {
        installs: [
          { packages: ['gpg-agent'], noInstallRecommends: true },
          { packages: ['curl'], noInstallRecommends: false },
        ],
        listsKept: false,
        removesPackages: false,
        removed: [],
        autoRemove: false,
        marksAllAuto: false,
        markedManual: [],
        keepsLinkedLibraries: false,
      };
      const run = estimateAptRun(facts, { suite: 'bookworm', installed: base, index });
      assert.deepEqual(run.packages, [
        'gpg-agent',
        'pinentry-curses',
        'curl',
        'libcurl4',
        'libssl3',
        'libnghttp2-14',
        'ca-certificates',
        'openssl',
      ]);
      const first = install(['gpg-agent']);
      const second = install(['curl'], {
        noInstallRecommends: false,
        installed: new Set([...base, ...first.packages]),
      });
      assert.ok(
        run.diskBytes < first.diskBytes + second.diskBytes && run.diskBytes > second.diskBytes,
        `${run.diskBytes}`,
      );
    });
  });

  describe('RUN facts', () => {
    const noRemoval = {
      removed: [],
      autoRemove: false,
      marksAllAuto: false,
      markedManual: [],
      keepsLinkedLibraries: false,
    };
    function facts(run: string) {
      const model = buildModel(`FROM debian:bookworm\nRUN ${run}\n`);
      return aptRunFacts(model, model.instructions[1]);
    }

    it('reads installs, --no-install-recommends and whether the lists stay', () => {
      assert.deepEqual(
        facts(
          'apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*',
        ),
        {
          installs: [{ packages: ['curl', 'ca-certificates'], noInstallRecommends: true }],
          listsKept: false,
          removesPackages: false,
          ...noRemoval,
        },
      );
      assert.deepEqual(facts('apt-get update && apt-get install -y curl'), {
        installs: [{ packages: ['curl'], noInstallRecommends: false }],
        listsKept: true,
        removesPackages: false,
        ...noRemoval,
      });
    });

    it('sees the other spellings: dist-clean, -o APT::Install-Recommends, sudo, continuation lines', () => {
      assert.deepEqual(
        facts(
          'set -eux; \\\n  sudo apt-get update; \\\n  apt-get -o APT::Install-Recommends=false install -y git; \\\n  apt-get dist-clean',
        ),
        {
          installs: [{ packages: ['git'], noInstallRecommends: true }],
          listsKept: false,
          removesPackages: false,
          ...noRemoval,
        },
      );
    });

    it('keeps the lists of an update that runs after the cleanup', () => {
      assert.deepEqual(
        facts('rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends jq'),
        {
          installs: [{ packages: ['jq'], noInstallRecommends: true }],
          listsKept: true,
          removesPackages: false,
          ...noRemoval,
        },
      );
    });

    it('flags a RUN that also purges packages', () => {
      assert.deepEqual(
        facts(
          'apt-get update && apt-get install -y --no-install-recommends gcc && make && apt-get purge -y --auto-remove gcc',
        ),
        {
          installs: [{ packages: ['gcc'], noInstallRecommends: true }],
          listsKept: true,
          removesPackages: true,
          ...noRemoval,
          removed: ['gcc'],
          autoRemove: true,
        },
      );
    });

    it('reads the savedAptMark pattern: everything marked auto, linked libraries marked manual again, then purged', () => {
      assert.deepEqual(
        facts(
          [
            'set -eux; savedAptMark="$(apt-mark showmanual)"; apt-get update;',
            'apt-get install -y --no-install-recommends gcc libssl-dev make; make install;',
            "apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark tzdata;",
            "find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { print $(NF-1) }' | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual;",
            'apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*',
          ].join(' '),
        ),
        {
          installs: [{ packages: ['gcc', 'libssl-dev', 'make'], noInstallRecommends: true }],
          listsKept: false,
          removesPackages: true,
          removed: [],
          autoRemove: true,
          marksAllAuto: true,
          markedManual: ['tzdata'],
          keepsLinkedLibraries: true,
        },
      );
    });

    it('ignores other package managers', () => {
      assert.deepEqual(facts('apk add --no-cache curl && pip install requests'), {
        installs: [],
        listsKept: false,
        removesPackages: false,
        ...noRemoval,
      });
    });
  });

  describe('the committed Debian indexes', () => {
    it('knows curl on bookworm: libcurl4 in its closure, a plausible size', () => {
      const debian = aptBaseImage('debian', 'bookworm')!;
      const curl = estimateAptInstall(['curl'], {
        suite: 'bookworm',
        noInstallRecommends: true,
        installed: debian.packages,
      });
      assert.ok(curl.packages.includes('curl') && curl.packages.includes('libcurl4'), curl.packages.join(' '));
      assert.deepEqual({ unknown: curl.unknown, confidence: curl.confidence }, { unknown: [], confidence: 'data' });
      // A measured layer (apt-get install --no-install-recommends ca-certificates curl on debian:bookworm-slim) is 14.5 MB on disk, 5.6 MB compressed.
      assert.ok(curl.diskBytes > 8e6 && curl.diskBytes < 20e6, `${curl.diskBytes}`);
      assert.ok(curl.compressedBytes > 3e6 && curl.compressedBytes < 9e6, `${curl.compressedBytes}`);
    });

    it('sizes a versioned package the index lacks by its nearest version, marked an estimate', () => {
      const debian = aptBaseImage('debian', 'trixie-slim')!;
      const options = { suite: 'trixie' as const, noInstallRecommends: true, installed: debian.packages };
      const pgdg = estimateAptInstall(['postgresql-16=16.14-1.pgdg13+1'], options);
      const debianOwn = estimateAptInstall(['postgresql-17'], options);
      assert.deepEqual(
        { standIns: pgdg.standIns, confidence: pgdg.confidence, unknown: pgdg.unknown, bytes: pgdg.compressedBytes },
        {
          standIns: [['postgresql-16', 'postgresql-17']],
          confidence: 'estimate',
          unknown: [],
          bytes: debianOwn.compressedBytes,
        },
      );
      assert.deepEqual(estimateAptInstall(['no-such-tool-3'], options).unknown, ['no-such-tool-3']);
    });

    it('has the base package sets of debian and buildpack-deps images', () => {
      const slim = aptBaseImage('debian', '12-slim')!;
      assert.deepEqual(
        { suite: slim.suite, slim: slim.slim, apt: slim.packages.has('apt'), curl: slim.packages.has('curl') },
        { suite: 'bookworm', slim: true, apt: true, curl: false },
      );
      const scm = aptBaseImage('buildpack-deps', 'trixie-scm')!;
      assert.deepEqual(
        {
          suite: scm.suite,
          slim: scm.slim,
          git: scm.packages.has('git'),
          curl: scm.packages.has('curl'),
          gcc: scm.packages.has('gcc'),
        },
        { suite: 'trixie', slim: false, git: true, curl: true, gcc: false },
      );
      assert.deepEqual(
        ['bookworm-20260804-slim', '13.1', 'stable-slim', 'latest']
          .map((tag) => aptBaseImage('debian', tag))
          .map((image) => image && `${image.suite}${image.slim ? '-slim' : ''}`),
        ['bookworm-slim', 'trixie', 'trixie-slim', 'trixie'],
      );
      assert.deepEqual(
        [
          aptBaseImage('debian', 'bullseye'),
          aptBaseImage('ubuntu', 'noble'),
          aptBaseImage('python', 'bookworm'),
          aptBaseImage('buildpack-deps', 'bookworm-slim'),
        ],
        [undefined, undefined, undefined, undefined],
      );
    });

    it('loads each suite once', () => {
      assert.equal(loadAptIndex('trixie'), loadAptIndex('trixie'));
    });
  });
});
