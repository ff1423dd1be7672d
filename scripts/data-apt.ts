// Writes server/src/data/apt-<suite>.json.gz (npm run data:apt): Debian's package index for the size
// estimator, one file per suite, with the base package sets of the official images built from it.
// Reads <suite>, <suite>-updates and <suite>-security (main, amd64) from Debian's mirror; a later
// archive's entry replaces an earlier one, as apt would upgrade to it. Run: npx tsx scripts/data-apt.ts
// [suite…] (default: bookworm trixie). The files are committed: rules never fetch anything.
//
// Compact format (server/src/size/apt.ts reads it):
//   names: real packages first (ids 0…packages.length-1), then virtual names (ids after that);
//   packages: [installedKiB, debBytes, flags, files, docFiles, localeFiles, pyFiles, depends?,
//     recommends?] per real package, same order as names; flags = 1 for Essential + 2 × priority code
//     (see `priorities`); files: paths the package ships (Contents index), docFiles and localeFiles:
//     those a slim image excludes (docs and man pages; translations, which are larger), pyFiles: Python
//     modules that get byte-compiled on install; depends/recommends list groups, each an id or, for
//     `a | b`, an array of alternative ids; Pre-Depends are in depends;
//   providers: per virtual name (in names order), the ids of the real packages that Provide it;
//   alsoProvided: [id, provider ids…] for real packages that other packages Provide too.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';

const root = join(__dirname, '..');
const mirror = process.env.LAYERLENS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const securityMirror = process.env.LAYERLENS_DEBIAN_SECURITY_MIRROR ?? 'http://deb.debian.org/debian-security';
const architecture = 'amd64';
const component = 'main';

/** Order matters: the code is what the data file stores. */
const priorities = ['optional', 'required', 'important', 'standard', 'extra'] as const;

/**
 * Size of /var/lib/apt/lists after `apt-get update` in the official image (its apt config keeps the
 * indexes compressed and skips translations): the `apt-get update` rows of the committed measurements.
 * It cannot be derived from the index alone (apt stores the lists recompressed).
 */
function measuredLists(suite: string): { diskBytes: number; gzipBytes: number; measured: string } {
  const path = join(root, 'server/src/data/apt-layer-measurements.tsv');
  const [header, ...rows] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
  const columns = header.split('\t');
  for (const row of rows) {
    const cells = Object.fromEntries(row.split('\t').map((cell, index) => [columns[index], cell]));
    if (
      cells.suite === suite &&
      cells.base === `debian:${suite}` &&
      cells.command === 'apt-get update' &&
      !cells.setup
    ) {
      return { diskBytes: Number(cells.disk_bytes), gzipBytes: Number(cells.gzip_bytes), measured: cells.date };
    }
  }
  throw new Error(`${path}: no \`apt-get update\` row for debian:${suite}`);
}

/** Paths debuerreotype-slimify keeps out of -slim images (.slimify-excludes minus .slimify-includes). */
const slimExcluded = /^usr\/share\/(doc|groff|info|linda|lintian\/overrides|locale|man)\//;
const slimIncluded =
  /^usr\/share\/(doc\/[^/]+\/copyright|locale\/(locale\.alias|languages|all_languages|currency\/|l10n\/))/;
/** Modules py3compile turns into __pycache__/*.pyc at install time: files no Installed-Size counts. */
const pythonModule = /^usr\/lib\/python3[^/]*\/.*\.py$/;

/**
 * Packages each docker-library image adds with `apt-get install --no-install-recommends`, in the
 * order they build on one another (docker-library/buildpack-deps debian/<suite>/{curl,scm,}/Dockerfile).
 */
const buildpackDeps = {
  curl: ['ca-certificates', 'curl', 'gnupg', 'netbase', 'sq', 'wget'],
  scm: ['git', 'mercurial', 'openssh-client', 'subversion', 'procps'],
  full: [
    'autoconf',
    'automake',
    'bzip2',
    'default-libmysqlclient-dev',
    'dpkg-dev',
    'file',
    'g++',
    'gcc',
    'imagemagick',
    'libbz2-dev',
    'libc6-dev',
    'libcurl4-openssl-dev',
    'libdb-dev',
    'libevent-dev',
    'libffi-dev',
    'libgdbm-dev',
    'libglib2.0-dev',
    'libgmp-dev',
    'libjpeg-dev',
    'libkrb5-dev',
    'liblzma-dev',
    'libmagickcore-dev',
    'libmagickwand-dev',
    'libmaxminddb-dev',
    'libncurses5-dev',
    'libncursesw5-dev',
    'libpng-dev',
    'libpq-dev',
    'libreadline-dev',
    'libsqlite3-dev',
    'libssl-dev',
    'libtool',
    'libwebp-dev',
    'libxml2-dev',
    'libxslt-dev',
    'libyaml-dev',
    'make',
    'patch',
    'unzip',
    'xz-utils',
    'zlib1g-dev',
  ],
};

interface FileCounts {
  files: number;
  docFiles: number;
  localeFiles: number;
  pyFiles: number;
}

interface Stanza {
  name: string;
  installedKiB: number;
  debBytes: number;
  essential: boolean;
  priority: number;
  depends: string[][];
  recommends: string[][];
  provides: string[];
}

interface Archive {
  url: string;
  suite: string;
  release: Record<string, string>;
}

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Fields of a deb822 paragraph; continuation lines are dropped (no field this script reads has them). */
function* paragraphs(text: string): Generator<Map<string, string>> {
  let fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') {
      if (fields.size > 0) yield fields;
      fields = new Map();
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  if (fields.size > 0) yield fields;
}

/** `libc6 (>= 2.34), awk | mawk:any` → [['libc6'], ['awk', 'mawk']]: versions and arch qualifiers dropped. */
function relations(value: string | undefined): string[][] {
  if (!value) return [];
  return value
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alternative) =>
          alternative
            .trim()
            .replace(/\s*\(.*\)$/, '')
            .replace(/\s*\[.*\]$/, '')
            .replace(/:[a-z0-9-]+$/, ''),
        )
        .filter((name) => name !== ''),
    )
    .filter((group) => group.length > 0);
}

function stanza(fields: Map<string, string>): Stanza | undefined {
  const name = fields.get('Package');
  const architectureField = fields.get('Architecture');
  if (!name || (architectureField !== architecture && architectureField !== 'all')) return undefined;
  const priority = priorities.indexOf((fields.get('Priority') ?? 'optional') as (typeof priorities)[number]);
  return {
    name,
    installedKiB: Number(fields.get('Installed-Size') ?? 0),
    debBytes: Number(fields.get('Size') ?? 0),
    essential: fields.get('Essential') === 'yes',
    priority: priority < 0 ? 0 : priority,
    depends: [...relations(fields.get('Pre-Depends')), ...relations(fields.get('Depends'))],
    recommends: relations(fields.get('Recommends')),
    provides: relations(fields.get('Provides')).map((group) => group[0]),
  };
}

async function readArchive(base: string, suite: string): Promise<{ archive: Archive; stanzas: Stanza[] }> {
  const releaseText = (await fetchBytes(`${base}/dists/${suite}/Release`)).toString('utf8');
  const release = Object.fromEntries([...paragraphs(releaseText)][0]);
  // The main suite has Packages.gz; -updates and -security only Packages.xz, which node cannot read: xz(1) does.
  const indexPath = `${component}/binary-${architecture}/Packages`;
  const hasGzip = releaseText.includes(` ${indexPath}.gz\n`);
  const packagesUrl = `${base}/dists/${suite}/${indexPath}${hasGzip ? '.gz' : '.xz'}`;
  const compressed = await fetchBytes(packagesUrl);
  const text = (
    hasGzip ? gunzipSync(compressed) : execFileSync('xz', ['-dc'], { input: compressed, maxBuffer: 1 << 30 })
  ).toString('utf8');
  const stanzas: Stanza[] = [];
  for (const fields of paragraphs(text)) {
    const entry = stanza(fields);
    if (entry) stanzas.push(entry);
  }
  return { archive: { url: packagesUrl, suite, release }, stanzas };
}

/**
 * Per package, the paths it ships from the suite's Contents index (Contents-amd64 and Contents-all, each
 * line `path  section/package,section/package`): hundreds of MB of text, streamed.
 */
async function readContents(suite: string): Promise<Map<string, FileCounts>> {
  const counts = new Map<string, FileCounts>();
  for (const part of [architecture, 'all']) {
    const url = `${mirror}/dists/${suite}/${component}/Contents-${part}.gz`;
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
    const lines = createInterface({
      input: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>).pipe(createGunzip()),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      const split = line.search(/\s+\S+$/);
      if (split <= 0) continue;
      const path = line.slice(0, split);
      const excluded = slimExcluded.test(path) && !slimIncluded.test(path);
      const locale = excluded && path.startsWith('usr/share/locale/');
      const python = pythonModule.test(path);
      for (const qualified of line.slice(split).trim().split(',')) {
        const name = qualified.slice(qualified.lastIndexOf('/') + 1);
        const entry = counts.get(name) ?? { files: 0, docFiles: 0, localeFiles: 0, pyFiles: 0 };
        entry.files++;
        if (locale) entry.localeFiles++;
        else if (excluded) entry.docFiles++;
        if (python) entry.pyFiles++;
        counts.set(name, entry);
      }
    }
  }
  return counts;
}

/** Depends closure of `roots` over real packages, first alternative that exists, providers for virtual names. */
function closure(
  roots: Iterable<string>,
  byName: ReadonlyMap<string, Stanza>,
  providers: ReadonlyMap<string, string[]>,
  start: ReadonlySet<string> = new Set(),
): Set<string> {
  const result = new Set(start);
  const pending = [...roots];
  const satisfied = (name: string) =>
    result.has(name) || (providers.get(name) ?? []).some((provider) => result.has(provider));
  const resolve = (name: string) => (byName.has(name) ? name : providers.get(name)?.[0]);
  while (pending.length > 0) {
    const name = resolve(pending.pop()!);
    if (!name || result.has(name)) continue;
    result.add(name);
    for (const group of byName.get(name)!.depends) {
      if (group.some(satisfied)) continue;
      const chosen = group.map(resolve).find((candidate) => candidate !== undefined);
      if (chosen) pending.push(chosen);
    }
  }
  return result;
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}

async function buildSuite(suite: string): Promise<void> {
  const sources = [
    await readArchive(mirror, suite),
    await readArchive(mirror, `${suite}-updates`),
    await readArchive(securityMirror, `${suite}-security`),
  ];
  const byName = new Map<string, Stanza>();
  for (const { stanzas } of sources) for (const entry of stanzas) byName.set(entry.name, entry);
  const contents = await readContents(suite);

  // Virtual names and real ones alike: perl Provides libencode-perl, sysvinit-utils Provides lsb-base, and
  // apt takes an installed provider as meeting a dependency on the real package.
  const providers = new Map<string, string[]>();
  for (const entry of byName.values()) {
    for (const virtual of entry.provides) {
      if (virtual === entry.name) continue;
      const list = providers.get(virtual) ?? [];
      if (!list.includes(entry.name)) list.push(entry.name);
      providers.set(virtual, list);
    }
  }
  // Several providers: the more important Priority first, then by name so the file is stable. apt weighs
  // more than that (installed, same source, version), so for such names this is the likely choice only.
  const rank = (name: string) => {
    const priority = byName.get(name)!.priority;
    return priority === 0 ? 3.5 : priority === 4 ? 5 : priority;
  };
  for (const list of providers.values()) list.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  // debootstrap --variant=minbase installs the Priority: required packages, apt and their dependencies:
  // what debuerreotype builds debian:<suite> from. The -slim tag has the same packages, fewer files.
  // debuerreotype bootstraps with merged /usr, which installs usr-is-merged first: `usrmerge | usr-is-merged`
  // (init-system-helpers) is then met without usrmerge and the perl it pulls in.
  const required = [...byName.values()]
    .filter((entry) => entry.priority === 1 || entry.essential)
    .map((entry) => entry.name);
  let minbase = closure([...required, 'apt'], byName, providers);
  if (minbase.has('usrmerge') && byName.has('usr-is-merged'))
    minbase = closure([...required, 'apt'], byName, providers, closure(['usr-is-merged'], byName, providers));
  const curl = closure(buildpackDeps.curl, byName, providers, minbase);
  const scm = closure(buildpackDeps.scm, byName, providers, curl);
  const full = closure(buildpackDeps.full, byName, providers, scm);

  // Rust crates Provide a virtual name per feature (librust-foo+bar-dev: over half of all virtual names);
  // only the ones some package asks for are worth their bytes.
  const referenced = new Set<string>();
  for (const entry of byName.values())
    for (const group of [...entry.depends, ...entry.recommends]) for (const name of group) referenced.add(name);
  const names = sorted(byName.keys());
  const virtualNames = sorted(
    [...providers.keys()].filter((name) => !byName.has(name) && (referenced.has(name) || !name.startsWith('librust-'))),
  );
  const id = new Map<string, number>();
  names.forEach((name, index) => id.set(name, index));
  virtualNames.forEach((name, index) => id.set(name, names.length + index));
  const encode = (groups: string[][]) =>
    groups
      .map((group) => group.map((name) => id.get(name)).filter((value): value is number => value !== undefined))
      .filter((group) => group.length > 0)
      .map((group) => (group.length === 1 ? group[0] : group));
  const packages = names.map((name) => {
    const entry = byName.get(name)!;
    const files = contents.get(name) ?? { files: 0, docFiles: 0, localeFiles: 0, pyFiles: 0 };
    const row: unknown[] = [
      entry.installedKiB,
      entry.debBytes,
      (entry.essential ? 1 : 0) + 2 * entry.priority,
      files.files,
      files.docFiles,
      files.localeFiles,
      files.pyFiles,
    ];
    const depends = encode(entry.depends);
    const recommends = encode(entry.recommends);
    if (depends.length > 0 || recommends.length > 0) row.push(depends);
    if (recommends.length > 0) row.push(recommends);
    return row;
  });

  const main = sources[0].archive.release;
  const data = {
    description:
      'Debian package index for the apt size estimate: per package Installed-Size (KiB), .deb Size (bytes), Essential and Priority, file counts (all, docs and translations excluded from slim images, Python modules), Pre-Depends + Depends and Recommends (ids; versions and arch qualifiers dropped; an array is an `a | b` group), providers of virtual names; base package sets of the official images. Generated by scripts/data-apt.ts; do not edit by hand.',
    suite,
    suiteAlias: main.Suite ?? '',
    release: `Debian ${main.Version ?? ''} (${main.Codename ?? suite}), ${main.Date ?? ''}`.trim(),
    architecture,
    sources: [
      ...sources.map(({ archive }) => ({ url: archive.url, date: archive.release.Date ?? '' })),
      ...[architecture, 'all'].map((part) => ({
        url: `${mirror}/dists/${suite}/${component}/Contents-${part}.gz`,
        date: main.Date ?? '',
      })),
    ],
    generated: new Date().toISOString().slice(0, 10),
    aptLists: {
      ...measuredLists(suite),
      how: 'du of /var/lib/apt/lists after `apt-get update` with the official image apt config (Acquire::GzipIndexes, no translations; main, -updates, -security), and its tar|gzip; ../shared/tools/measure-apt-layer.sh',
    },
    images: {
      note: 'Package sets: debian:<suite> and -slim = minbase (Priority required + Essential + apt, Depends closure; debootstrap --variant=minbase as debuerreotype runs it), -slim also excludes /usr/share/{doc,man,locale,info,groff,linda,lintian/overrides} (debuerreotype-slimify dpkg path-exclude); buildpack-deps:<suite>-curl/-scm/<suite> add their Dockerfile packages with --no-install-recommends.',
      minbase: sorted(minbase),
      curl: sorted([...curl].filter((name) => !minbase.has(name))),
      scm: sorted([...scm].filter((name) => !curl.has(name))),
      buildpackDeps: sorted([...full].filter((name) => !scm.has(name))),
    },
    names: [...names, ...virtualNames],
    packages,
    providers: virtualNames.map((name) => providers.get(name)!.map((provider) => id.get(provider)!)),
    alsoProvided: names
      .filter((name) => providers.has(name))
      .map((name) => [id.get(name)!, ...providers.get(name)!.map((provider) => id.get(provider)!)]),
  };
  const json = JSON.stringify(data);
  const outPath = join(root, `server/src/data/apt-${suite}.json.gz`);
  const compressed = gzipSync(json, { level: 9 });
  writeFileSync(outPath, compressed);
  console.log(
    `${suite}: ${names.length} packages, ${virtualNames.length} virtual names, minbase ${minbase.size}, curl +${curl.size - minbase.size}, scm +${scm.size - curl.size}, buildpack-deps +${full.size - scm.size}; ` +
      `${(json.length / 1e6).toFixed(2)} MB JSON, ${(compressed.length / 1e6).toFixed(2)} MB gzip → ${outPath}`,
  );
}

async function main(): Promise<void> {
  const suites = process.argv.slice(2);
  for (const suite of suites.length > 0 ? suites : ['bookworm', 'trixie']) await buildSuite(suite);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
