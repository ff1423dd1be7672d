// bench:convert — every golden convert fixture, converted, then built and run before and after in the
// buildah lab (scripts/lab.ts) where its toolchain is available offline, with the true size of both images.
//
//   npm run bench:convert [-- <fixture>...]      e.g. go/bare-name-on-path node/plain-no-build
//
// Sizes are measured on the lab's stand-in bases (Debian bookworm roots made with debootstrap; node 22,
// Debian's Python 3.11, Go 1.19 and Rust 1.63 whatever the tag says), so they are the ratio of this
// project's layers on those bases, not the official images' sizes; where the lab cannot build a fixture
// the estimate is printed instead and said so. Maven/Gradle and .NET need registries that are not
// reachable here: those fixtures stay golden-only.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { convertToMultiStage } from '../server/src/fixes/convert';
import { readConvertContext } from '../server/src/fixes/convert/contextFiles';
import { buildModel } from '../server/src/model/model';
import type { ImageRef } from '../server/src/model/image';
import { initShellParser } from '../server/src/model/shell';
import { estimateImageSize } from '../server/src/size/estimate';
import { walkContext } from '../server/src/context/walker';
import { readContextFacts } from '../server/src/context/facts';
import { contextFileReader } from '../server/src/context/readFile';
import { formatBytes } from '../server/src/size/format';
import type { BaseFamily, Log } from './lab';
import {
  ensureBase,
  ensureLabTools,
  familyFor,
  labAvailable,
  labBuild,
  labDir,
  labRun,
  normalizeReference,
} from './lab';

const fixtures = resolve(__dirname, '../test/fixtures/convert');

/** Ecosystems whose toolchain the lab has offline (npm is reachable from builds; Go and Rust from Debian). */
const labEcosystems = new Set(['go', 'node', 'static-web', 'python', 'rust']);
const goldenOnly: Record<string, string> = {
  java: 'golden-only: Maven/Gradle need Maven Central, not reachable here',
  dotnet: 'golden-only: .NET needs its SDK images and NuGet, not reachable here',
};

/**
 * How each fixture proves it runs: a command run in the built image (the start command with `--version`,
 * or the server's own config check) and what its output must show. Same command before and after.
 */
export const smokeChecks: Record<string, { command: string[]; expect: RegExp; what: string }> = {
  'go/bare-name-on-path': { command: ['hello', '--version'], expect: /^hello 1\.0\.0$/m, what: 'prints its version' },
  'go/go-bin-path': { command: ['api', '--version'], expect: /^api 1\.0\.0$/m, what: 'prints its version' },
  'go/debian-golang-go': { command: ['status', '--version'], expect: /^hello 1\.0\.0$/m, what: 'prints its version' },
  'node/plain-no-build': {
    command: ['node', 'src/index.js', '--version'],
    expect: /^plain-api 1\.0\.0$/m,
    what: 'loads its dependencies, prints its version',
  },
  'node/monorepo-subfolder': {
    command: ['node', 'dist/main.js', '--version'],
    expect: /^api 1\.0\.0$/m,
    what: 'loads its dependencies, prints its version',
  },
  'node/npm': {
    command: ['node', '-e', "require('express'); require('./dist/server.js'); setTimeout(() => process.exit(0), 500)"],
    expect: /listening|^$/m,
    what: 'loads express and its build output',
  },
  'python/stdlib-http': {
    command: ['python', '-m', 'app', '--version'],
    expect: /^status 1\.0\.0$/m,
    what: 'prints its version',
  },
  'rust/no-deps': { command: ['greeter', '--version'], expect: /^greeter 1\.0\.0$/m, what: 'prints its version' },
};

export interface FixtureResult {
  fixture: string;
  converted: boolean;
  reason?: string;
  /** Why the lab did not build it, when it did not. */
  labNote?: string;
  standIns: string[];
  before?: Outcome;
  after?: Outcome;
  estimate?: { before: number | null; after: number | null };
}

export interface Outcome {
  built: boolean;
  error?: string;
  compressedBytes?: number;
  diskBytes?: number;
  ran?: boolean;
  output?: string;
}

/** The lab family standing in for an image the lab does not make under its own name (node:20 → node, golang:1.22 → golang). */
export function standInFamily(image: ImageRef): BaseFamily | undefined {
  const exact = familyFor(image.resolved);
  if (exact) return exact;
  const tag = image.tag ?? 'latest';
  switch (image.repository) {
    case 'golang':
      return /alpine/.test(tag) ? undefined : 'golang';
    case 'rust':
      return /alpine/.test(tag) ? undefined : 'rust';
    case 'node':
      return /alpine/.test(tag) ? undefined : /slim/.test(tag) ? 'node-slim' : 'node';
    case 'python':
      return /alpine/.test(tag) ? undefined : /slim/.test(tag) ? 'python-slim' : 'python';
    case 'debian':
      return /slim/.test(tag) ? 'debian-slim' : 'debian';
    case 'nginx':
      return 'nginx';
    case 'nginxinc/nginx-unprivileged':
      return 'nginx-unprivileged';
    case 'distroless/static-debian12':
      return /nonroot/.test(tag) ? 'static-nonroot' : 'static';
    case 'distroless/cc-debian12':
    case 'distroless/base-debian12':
      return /nonroot/.test(tag) ? 'cc-nonroot' : 'cc';
  }
  return undefined;
}

/**
 * What an official image sets that the lab's family lacks, added on top when it stands in: the rust image
 * keeps cargo's home in /usr/local/cargo (where `cargo install` puts binaries) and has it on PATH.
 */
const standInAdditions: Partial<Record<BaseFamily, string>> = {
  rust: 'ENV CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n',
};

/** Makes the bases a Dockerfile names, tagging stand-ins with the names it uses; the stand-ins it needed, or why it cannot. */
async function prepareBases(text: string, log: Log): Promise<{ standIns: string[] } | { missing: string }> {
  const standIns: string[] = [];
  for (const stage of buildModel(text).stages) {
    if (stage.baseStage || stage.image.isScratch) continue;
    const family = standInFamily(stage.image);
    if (!family) return { missing: stage.image.raw };
    // A tag the family is not made under (golang:1.22 for Debian's Go 1.19) is tagged onto it, and said so.
    const exact = familyFor(stage.image.resolved) !== undefined;
    const additions = standInAdditions[family];
    if (exact || !additions) {
      await ensureBase(family, { extraTags: exact ? [] : [stage.image.resolved], log });
    } else {
      // The family under its own name, then the official image's settings on top, tagged as the FROM names it.
      const [primary] = await ensureBase(family, { log });
      const dir = join(labDir, 'convert', 'stand-ins', family);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${primary}\n${additions}`);
      await labBuild(join(dir, 'Dockerfile'), { context: dir, tag: normalizeReference(stage.image.resolved), log });
    }
    if (!exact) standIns.push(`${stage.image.raw} ← lab ${family}`);
  }
  return { standIns };
}

async function estimate(text: string, dockerfile: string, context: string): Promise<number | null> {
  const facts = readContextFacts(dockerfile, context);
  const contextIndex = await walkContext(context, {
    dockerignore: facts.dockerignore === undefined ? undefined : (facts.dockerignore?.text ?? null),
  });
  const result = estimateImageSize(buildModel(text), { contextIndex, readContextFile: contextFileReader(context) });
  const shipped = result.stages.find((stage) => stage.shipped);
  // A stage with unknown layers is only a lower bound: not a figure to take a ratio of.
  if (!shipped || shipped.unknownLayers > 0) return null;
  return shipped.compressedBytes;
}

async function buildAndRun(
  dockerfile: string,
  context: string,
  tag: string,
  smoke: (typeof smokeChecks)[string] | undefined,
  log: Log,
): Promise<Outcome> {
  let compressedBytes: number;
  let diskBytes: number;
  try {
    const measured = await labBuild(dockerfile, { context, tag, log });
    compressedBytes = measured.compressedBytes;
    diskBytes = measured.diskBytes;
  } catch (error) {
    return { built: false, error: (error as Error).message.split('\n').slice(-6).join(' | ') };
  }
  if (!smoke) return { built: true, compressedBytes, diskBytes };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 120_000);
  try {
    const result = await labRun(tag, smoke.command, { signal: abort.signal });
    const output = result.output.trim();
    return { built: true, compressedBytes, diskBytes, ran: result.code === 0 && smoke.expect.test(output), output };
  } finally {
    clearTimeout(timer);
  }
}

/** Converts one fixture and, where the lab can, builds and runs it before and after. */
export async function benchFixture(
  fixture: string,
  log: Log = () => undefined,
  options: { build: boolean } = { build: true },
): Promise<FixtureResult> {
  const dir = join(fixtures, fixture);
  const dockerfile = join(dir, 'Dockerfile');
  const text = readFileSync(dockerfile, 'utf8');
  const context = readConvertContext(dir);
  const converted = convertToMultiStage(text, context);
  const result: FixtureResult = { fixture, converted: converted.ok, standIns: [] };
  if (!converted.ok) {
    result.reason = converted.reason;
    return result;
  }
  const outDir = join(labDir, 'convert', fixture.replace(/\//g, '__'));
  mkdirSync(outDir, { recursive: true });
  const convertedFile = join(outDir, 'Dockerfile');
  writeFileSync(convertedFile, converted.text);
  result.estimate = {
    before: await estimate(text, dockerfile, dir),
    after: await estimate(converted.text, convertedFile, dir),
  };
  const ecosystem = fixture.split('/')[0];
  if (!options.build) {
    result.labNote = 'the lab is not available here: estimated only';
    return result;
  }
  if (goldenOnly[ecosystem]) {
    result.labNote = goldenOnly[ecosystem];
    return result;
  }
  if (!labEcosystems.has(ecosystem)) {
    result.labNote = `no lab toolchain for ${ecosystem}`;
    return result;
  }
  for (const source of [text, converted.text]) {
    const prepared = await prepareBases(source, log);
    if ('missing' in prepared) {
      result.labNote = `no lab stand-in for ${prepared.missing}: estimated only`;
      return result;
    }
    for (const standIn of prepared.standIns) if (!result.standIns.includes(standIn)) result.standIns.push(standIn);
  }
  const smoke = smokeChecks[fixture];
  const name = `localhost/layerlens-convert/${fixture.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
  result.before = await buildAndRun(dockerfile, dir, `${name}:before`, smoke, log);
  result.after = await buildAndRun(convertedFile, dir, `${name}:after`, smoke, log);
  if (!smoke) result.labNote = 'no smoke check for this fixture: built only';
  return result;
}

export function allFixtures(): string[] {
  return readdirSync(fixtures)
    .filter((group) => group !== 'refuse')
    .flatMap((group) => readdirSync(join(fixtures, group)).map((name) => `${group}/${name}`))
    .sort();
}

const yesNo = (value: boolean | undefined) => (value === undefined ? '–' : value ? 'yes' : 'NO');
const size = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? '?' : formatBytes(bytes));

function row(result: FixtureResult): string {
  const built = result.before && result.after ? `${yesNo(result.before.built)} / ${yesNo(result.after.built)}` : '–';
  const ran = result.before && result.after ? `${yesNo(result.before.ran)} / ${yesNo(result.after.ran)}` : '–';
  let sizes: string;
  const measuredBefore = result.before?.compressedBytes;
  const measuredAfter = result.after?.compressedBytes;
  if (measuredBefore !== undefined && measuredAfter !== undefined)
    sizes = `${size(measuredBefore)} → ${size(measuredAfter)} (${(measuredAfter / measuredBefore).toFixed(2)}×, measured)`;
  else if (result.estimate?.before && result.estimate.after)
    sizes = `${size(result.estimate.before)} → ${size(result.estimate.after)} (${(result.estimate.after / result.estimate.before).toFixed(2)}×, estimated)`;
  else sizes = 'unknown (the estimate has unknown layers or bases)';
  const estimateColumn = result.estimate ? `${size(result.estimate.before)} → ${size(result.estimate.after)}` : '–';
  const notes = [
    result.reason,
    result.labNote,
    ...result.standIns,
    result.before?.error && `before: ${result.before.error}`,
    result.after?.error && `after: ${result.after.error}`,
    result.after?.ran === false && `after printed: ${result.after.output?.slice(-200)}`,
  ].filter(Boolean);
  return `| ${result.fixture} | ${yesNo(result.converted)} | ${built} | ${ran} | ${sizes} | ${estimateColumn} | ${notes.join('; ')} |`;
}

async function main(argv: string[]): Promise<number> {
  await initShellParser();
  const log: Log = (line) => process.stderr.write(`  ${line}\n`);
  const quietLog: Log = () => undefined;
  const wanted = argv.length > 0 ? argv : allFixtures();
  if (!(await labAvailable())) ensureLabTools(log);
  const lab = await labAvailable();
  if (!lab) process.stderr.write('The buildah lab is not available here (root + buildah): sizes are estimates only.\n');
  const results: FixtureResult[] = [];
  for (const fixture of wanted) {
    process.stderr.write(`${fixture}…\n`);
    const started = Date.now();
    const result = await benchFixture(fixture, process.env.LAYERLENS_BENCH_VERBOSE ? log : quietLog, { build: lab });
    process.stderr.write(`  ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    results.push(result);
  }
  process.stdout.write(
    [
      '| Fixture | Converted | Builds (before / after) | Runs (before / after) | Shipped image, compressed: before → after | Estimate before → after | Notes |',
      '|---|---|---|---|---|---|---|',
      ...results.map(row),
      '',
      'Measured sizes are from buildah builds on the lab’s stand-in bases (Debian bookworm made with debootstrap; node 22,',
      'Debian’s Python 3.11, Go 1.19 and Rust 1.63 stand in for the tags named), so they compare this project’s layers',
      'on those bases, not the official images. “Runs” executes the check in smokeChecks (the program prints its version',
      'or loads its dependencies) in the built image.',
      '',
    ].join('\n'),
  );
  const failed = results.filter(
    (result) =>
      result.converted &&
      result.before &&
      result.after &&
      ((result.before.built && !result.after.built) || (result.before.ran === true && result.after.ran === false)),
  );
  if (failed.length > 0) {
    process.stderr.write(
      `Conversions that do not build or run: ${failed.map((result) => result.fixture).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
