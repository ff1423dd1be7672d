// Writes server/src/data/pip-sizes.json (npx tsx scripts/data-pip.ts): installed sizes of real pip installs, read
// from the RECORD files of a site-packages folder (pip writes one per installed distribution, listing
// every file it put down, the byte-compiled .pyc included). Each file is measured with stat and the
// package's files are gzipped together, as a layer tar would be. Requires-Dist lines give the
// dependencies the estimator follows. Run: npx tsx scripts/data-pip.ts [site-packages…]; the default is
// the pyenv CPython 3.11 of the LayerLens dev machine. The file is committed: nothing is read at run time.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = join(__dirname, '..');
const folders =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : ['/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages'];

/** PEP 503 normalisation: `Flask_Cors` and `flask.cors` are `flask-cors`. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

interface PipPackage {
  version: string;
  diskBytes: number;
  gzipBytes: number;
  files: number;
  /** Normalised names, with the environment marker when the requirement has one (`; python_version < "3.11"`). */
  requires: string[];
}

function headers(metadata: string): [string, string][] {
  const head = metadata.split(/\r?\n\r?\n/)[0];
  return head
    .split(/\r?\n/)
    .filter((line) => /^[A-Za-z-]+: /.test(line))
    .map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2).trim()];
    });
}

function requirement(text: string): string | undefined {
  const [spec, marker] = text.split(';').map((part) => part.trim());
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(spec)?.[0];
  if (!name) return undefined;
  return marker ? `${normalise(name)}; ${marker}` : normalise(name);
}

function measure(folder: string, info: string): [string, PipPackage] | undefined {
  const metadataPath = join(folder, info, 'METADATA');
  const recordPath = join(folder, info, 'RECORD');
  if (!existsSync(metadataPath) || !existsSync(recordPath)) return undefined;
  const fields = headers(readFileSync(metadataPath, 'utf8'));
  const name = fields.find(([key]) => key === 'Name')?.[1];
  const version = fields.find(([key]) => key === 'Version')?.[1] ?? '';
  if (!name) return undefined;
  // Extras (`; extra == "test"`) install only when asked for as `name[test]`: the estimator never follows them.
  const requires = fields
    .filter(([key, value]) => key === 'Requires-Dist' && !/\bextra\s*==/.test(value))
    .map(([, value]) => requirement(value))
    .filter((value): value is string => value !== undefined);
  let diskBytes = 0;
  let files = 0;
  const contents: Buffer[] = [];
  for (const line of readFileSync(recordPath, 'utf8').split(/\r?\n/)) {
    // RECORD is CSV; paths with commas are quoted. The size column is not trusted (.pyc rows leave it empty).
    const path = line.startsWith('"') ? line.slice(1, line.indexOf('"', 1)) : line.split(',')[0];
    if (!path) continue;
    const full = resolve(folder, path);
    if (!existsSync(full)) continue;
    const stat = statSync(full);
    if (!stat.isFile()) continue;
    diskBytes += stat.size;
    files++;
    contents.push(readFileSync(full));
  }
  // A registry layer is tar | gzip: 512-byte headers per file, contents padded to 512 bytes.
  const gzipBytes = gzipSync(Buffer.concat(contents), { level: 6 }).length + files * 60;
  return [normalise(name), { version, diskBytes, gzipBytes, files, requires }];
}

function main(): void {
  const packages: Record<string, PipPackage> = {};
  for (const folder of folders) {
    for (const entry of readdirSync(folder)
      .filter((name) => name.endsWith('.dist-info'))
      .sort()) {
      const measured = measure(folder, entry);
      if (measured) packages[measured[0]] = measured[1];
    }
  }
  const data = {
    description:
      'Installed sizes of pip packages measured from real installs: every file a RECORD lists (the .pyc pip compiles included), stat sizes summed; gzipBytes = the files gzipped together (-6) plus 60 bytes of tar header per file. requires = Requires-Dist, normalised names, markers kept, extras left out. Written by scripts/data-pip.ts.',
    source:
      'pip installs (manylinux x86_64 wheels) in the pyenv CPython 3.11.7 site-packages of the LayerLens dev machine',
    date: new Date().toISOString().slice(0, 10),
    python: '3.11',
    packages: Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b))),
  };
  const out = join(root, 'server/src/data/pip-sizes.json');
  writeFileSync(out, `${JSON.stringify(data, null, 1)}\n`);
  console.log(`${out}: ${Object.keys(packages).length} packages`);
}

main();
