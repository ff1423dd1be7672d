// Writes server/src/data/image-sizes.json (compressed pull sizes of base images, linux/amd64) from
// ../shared/data/base-images.tsv, ../shared/data/official-images/images.tsv (whole official images,
// collected 2026-12-04) and a few figures copied by hand from docker-library/repo-info records (read
// 2026-12-04; each with its record path and commit) and scripts/data-images.repo-info.tsv (figures read from
// repo-info records with `--import`, dated, each with its record and commit). The estimator resolves any other tag of the same
// image and variant to the nearest version here (server/src/knowledge/images.ts), marked an estimate.
// Run: npx tsx scripts/data-images.ts. The JSON is committed: the TSV may be absent on other machines
// and rules never read files at run time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRepoInfoRecord } from './repoInfoRecord';

const root = join(__dirname, '..');
/** The shared folder beside the checkout (/work/main) or beside its worktree folder (/work/wt/<name>). */
const shared = [join(root, '../shared'), join(root, '../../shared')].find((path) => existsSync(path)) ?? '';
const tsvPath = process.env.LAYERLENS_BASE_IMAGES ?? join(shared, 'data/base-images.tsv');
const officialImagesPath = join(shared, 'data/official-images/images.tsv');
const outPath = join(root, 'server/src/data/image-sizes.json');
const repoInfoPath = join(root, 'scripts/data-images.repo-info.tsv');

interface SizeFact {
  image: string;
  tag: string;
  compressedBytes: number;
  built: string;
  source: string;
  /** A rounded figure from a README or blog, not a registry record: resolved as a family estimate. */
  approximate?: boolean;
}

/**
 * Pairs the TSV lacks (the full tag next to a slim one it has, or the reverse), read from
 * docker-library/repo-info `repos/<image>/remote/<tag>.md`, linux/amd64 "Total Size" (compressed).
 */
const handCopied: SizeFact[] = [
  {
    image: 'python',
    tag: '3.12',
    compressedBytes: 410908459,
    built: 'Thu, 13 Aug 2026',
    source: 'docker-library/repo-info repos/python/remote/3.12.md @ 0531c602d6fd',
  },
  {
    image: 'python',
    tag: '3.12-slim',
    compressedBytes: 43188023,
    built: 'Wed, 05 Aug 2026',
    source: 'docker-library/repo-info repos/python/remote/3.12-slim.md @ 2986dca3a80c',
  },
  {
    image: 'python',
    tag: '3.13',
    compressedBytes: 412872069,
    built: 'Tue, 25 Aug 2026',
    source: 'docker-library/repo-info repos/python/remote/3.13.md @ 0c376450b2d1',
  },
  {
    image: 'ruby',
    tag: '3.3',
    compressedBytes: 417582782,
    built: 'Tue, 25 Aug 2026',
    source: 'docker-library/repo-info repos/ruby/remote/3.3.md @ 022ad7fded16',
  },
  {
    image: 'debian',
    tag: 'bookworm',
    compressedBytes: 48497091,
    built: 'Tue, 04 Aug 2026',
    source: 'docker-library/repo-info repos/debian/remote/bookworm.md @ 05f354f0a08a',
  },
  {
    image: 'debian',
    tag: 'bookworm-slim',
    compressedBytes: 28232590,
    built: 'Tue, 04 Aug 2026',
    source: 'docker-library/repo-info repos/debian/remote/bookworm-slim.md @ 05f354f0a08a',
  },
  {
    image: 'debian',
    tag: 'bullseye-slim',
    compressedBytes: 30259620,
    built: 'Mon, 03 Aug 2026',
    source: 'docker-library/repo-info repos/debian/remote/bullseye-slim.md @ 05f354f0a08a',
  },
  {
    image: 'ubuntu',
    tag: '22.04',
    compressedBytes: 29736517,
    built: 'Fri, 31 Jul 2026',
    source: 'docker-library/repo-info repos/ubuntu/remote/22.04.md @ 01470af91233',
  },
  {
    image: 'ubuntu',
    tag: '20.04',
    compressedBytes: 28576882,
    built: 'Fri, 09 Dec 2022',
    source: 'docker-library/repo-info repos/ubuntu/remote/20.04.md @ 72e4be79b9c8',
  },
  {
    image: 'alpine',
    tag: '3.23',
    compressedBytes: 3848507,
    built: 'Thu, 17 Sep 2026',
    source: 'docker-library/repo-info repos/alpine/remote/3.23.md @ 1746b5874918',
  },
  {
    image: 'alpine',
    tag: '3.24',
    compressedBytes: 3849738,
    built: 'Thu, 17 Sep 2026',
    source: 'docker-library/repo-info repos/alpine/remote/3.24.md @ 1746b5874918',
  },
  {
    image: 'buildpack-deps',
    tag: 'trixie-scm',
    compressedBytes: 142744029,
    built: 'Tue, 14 Jul 2026',
    source:
      'golang:1.25 is built FROM buildpack-deps:trixie-scm: its first three layers in ../shared/data/size-truth.tsv (docker-library/repo-info repos/golang/remote/1.25.md @ 01b535c016d0)',
  },
  {
    image: 'buildpack-deps',
    tag: 'trixie',
    compressedBytes: 379068870,
    built: '',
    source:
      'the base of python:3.13.14-trixie in ../shared/data/official-images/images.tsv (docker-library/repo-info repos/python/remote/3.13.14-trixie.md @ 34fa04a4e3c6)',
  },
  // Distroless and Chainguard publish no repo-info records: rounded figures from their READMEs and
  // registry pages (../shared/data/other-images.tsv), used only as a family estimate with a wide interval.
  {
    image: 'gcr.io/distroless/static',
    tag: 'latest',
    compressedBytes: 2_000_000,
    built: '',
    source: 'GoogleContainerTools/distroless README table (compressed, ~2 MB), via ../shared/data/other-images.tsv',
    approximate: true,
  },
  {
    image: 'gcr.io/distroless/base',
    tag: 'latest',
    compressedBytes: 20_000_000,
    built: '',
    source: 'GoogleContainerTools/distroless README table (compressed, ~20 MB), via ../shared/data/other-images.tsv',
    approximate: true,
  },
  {
    image: 'gcr.io/distroless/nodejs',
    tag: 'latest',
    compressedBytes: 55_000_000,
    built: '',
    source: 'nodejs20-debian12, ~55 MB compressed (claimed), via ../shared/data/other-images.tsv',
    approximate: true,
  },
  {
    image: 'gcr.io/distroless/python3',
    tag: 'latest',
    compressedBytes: 50_000_000,
    built: '',
    source: 'python3-debian12, ~50 MB compressed (claimed), via ../shared/data/other-images.tsv',
    approximate: true,
  },
  {
    image: 'cgr.dev/chainguard/static',
    tag: 'latest',
    compressedBytes: 2_000_000,
    built: '',
    source: 'Chainguard static, 2.0 MB (likely compressed, 1 layer), via ../shared/data/other-images.tsv',
    approximate: true,
  },
];

/**
 * Whole official images of ../shared/data/official-images/images.tsv (folder, tag, whole bytes, base
 * bytes, Dockerfile source): their tags are base images too (`FROM php:8.3.33-apache-bookworm`).
 */
function readOfficialImages(path: string): SizeFact[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'))
    .map(([, reference, bytes]) => {
      const [image, tag] = reference.split(':');
      return {
        image,
        tag,
        compressedBytes: Number(bytes),
        built: '',
        source: `docker-library/repo-info repos/${image}/remote/${tag}.md (../shared/data/official-images, collected 2026-12-04)`,
      };
    });
}

/** The rows of data-images.repo-info.tsv: figures read from repo-info records, each with its record and commit. */
function readRepoInfoRows(path: string): SizeFact[] {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const columns = header.split('\t');
  return rows.map((row) => {
    const cells = Object.fromEntries(row.split('\t').map((cell, index) => [columns[index], cell]));
    const layers = cells.layers === 'all' ? '' : `, layers ${cells.layers}`;
    return {
      image: cells.image,
      tag: cells.tag,
      compressedBytes: Number(cells.compressed_bytes),
      built: cells.built,
      source: `docker-library/repo-info ${cells.record} @ ${cells.commit}${layers}${cells.note ? ` (${cells.note})` : ''}, read 2026-12-04`,
    };
  });
}

/** Tags that name the same image in the same build (Debian numbers and codenames). */
const aliases: Record<string, string> = {
  'debian:12': 'debian:bookworm',
  'debian:12-slim': 'debian:bookworm-slim',
  'debian:13': 'debian:trixie',
  'debian:13-slim': 'debian:trixie-slim',
  'debian:11-slim': 'debian:bullseye-slim',
  'ubuntu:jammy': 'ubuntu:22.04',
  'ubuntu:focal': 'ubuntu:20.04',
  'ubuntu:noble': 'ubuntu:24.04',
  'ubuntu:latest': 'ubuntu:24.04',
  'alpine:latest': 'alpine:3.24',
  'alpine:3': 'alpine:3.24',
  'fedora:44': 'fedora:latest',
  'mcr.microsoft.com/windows/servercore:ltsc2019': 'mcr.microsoft.com/windows/servercore:1809',
  'mcr.microsoft.com/windows/nanoserver:ltsc2019': 'mcr.microsoft.com/windows/nanoserver:1809',
};

function readTsv(path: string): SizeFact[] {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const columns = header.split('\t');
  const column = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`${path}: no column ${name}`);
    return index;
  };
  const [image, tag, arch, bytes, built, source] = ['image', 'tag', 'arch', 'compressed_bytes', 'built', 'source'].map(
    column,
  );
  return rows
    .map((row) => row.split('\t'))
    .filter((cells) => cells[arch] === 'amd64' && /^\d+$/.test(cells[bytes]))
    .map((cells) => ({
      image: cells[image],
      tag: cells[tag],
      compressedBytes: Number(cells[bytes]),
      built: cells[built].replace(/ \d\d:\d\d:\d\d GMT$/, ''),
      source: cells[source],
    }));
}

// `--import image:tag record.md path@commit [layers]` prints the data-images.repo-info.tsv row for a record.
const importAt = process.argv.indexOf('--import');
if (importAt >= 0) {
  const [reference, recordFile, recordAt, layers = 'all'] = process.argv.slice(importAt + 1);
  const [record, commit] = recordAt.split('@');
  const colon = reference.lastIndexOf(':');
  const figure = parseRepoInfoRecord(readFileSync(recordFile, 'utf8'), layers);
  console.log(
    [
      reference.slice(0, colon),
      reference.slice(colon + 1),
      figure.compressedBytes,
      figure.built,
      record,
      commit.slice(0, 12),
      layers,
      '',
    ].join('\t'),
  );
  process.exit(0);
}
if (!existsSync(tsvPath)) {
  console.error(`${tsvPath} not found; image-sizes.json left as it is`);
  process.exit(1);
}
const facts = new Map<string, SizeFact>();
for (const fact of [
  ...readTsv(tsvPath),
  ...readOfficialImages(officialImagesPath),
  ...handCopied,
  ...readRepoInfoRows(repoInfoPath),
])
  facts.set(`${fact.image}:${fact.tag}`, fact);
const images = [...facts.values()].sort((a, b) => `${a.image}:${a.tag}`.localeCompare(`${b.image}:${b.tag}`));
const output = {
  description:
    'Compressed pull sizes (sum of the registry manifest layer sizes, what `docker pull` transfers) of base images for linux/amd64, with the build date and the record they come from. Generated by scripts/data-images.ts from ../shared/data/base-images.tsv, ../shared/data/official-images/images.tsv and figures copied from docker-library/repo-info records (2026-12-04); do not edit by hand.',
  arch: 'linux/amd64',
  images,
  aliases,
};
writeFileSync(outPath, `${JSON.stringify(output, null, 2)}\n`);
console.log(`wrote ${images.length} image sizes to ${outPath}`);
