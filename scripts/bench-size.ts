// npm run bench:size: the apt install estimate (server/src/size/apt.ts) against true layer sizes.
// Truth: the apt RUN layers of official Debian-based images in ../shared/data/size-truth.tsv (compressed
// sizes from the registry) and the layers measured with ../shared/tools/measure-apt-layer.sh in
// server/src/data/apt-layer-measurements.tsv (disk and compressed sizes). Prints each layer's estimate and
// the median and 90th percentile of the absolute error. Nothing is fetched: the estimator reads the
// committed index files.
//
// Whole images (compressed size, the whole estimator: base data + every layer) for Dockerfiles that are
// known exactly:
// - real images, their Dockerfile rebuilt from size-truth.tsv's instruction column: the first layer
//   (debuerreotype's `debian.sh … 'trixie'`) becomes `FROM debian:<suite>`, the other rows are the
//   instructions as recorded; truth = the image's compressed size in base-images.tsv. An image with a
//   truncated instruction is skipped; one with a layer the estimator leaves unknown is printed as a
//   lower bound and kept out of the statistics.
// - two-line images `FROM debian:<base>` + a measured RUN (apt-layer-measurements.tsv; rows with a
//   setup step are left out, that step's layer has no recorded size, and so are the `apt-get update` rows,
//   which calibrate the package-list size): truth = the base's repo-info pull size (image-sizes.json, the same source
//   the estimator uses, so the base part is exact by construction) + the measured layer(s).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../server/src/model/model';
import { initShellParser } from '../server/src/model/shell';
import { compressedSize } from '../server/src/knowledge/images';
import { aptBaseImage, aptRunFacts, estimateAptRun } from '../server/src/size/apt';
import { estimateImageSize } from '../server/src/size/estimate';
import pipData from '../server/src/data/pip-sizes.json';
import { estimatePipInstall } from '../server/src/size/pip';
import type { AptInstallEstimate } from '../server/src/size/apt';
import { baseNearestReport, corpusCoverageReport, realDockerfilesReport, sharedPath } from './bench-size-real';

const root = join(__dirname, '..');
const sizeTruthPath = process.env.LAYERLENS_SIZE_TRUTH ?? sharedPath('data/size-truth.tsv');
const baseImagesPath = process.env.LAYERLENS_BASE_IMAGES ?? sharedPath('data/base-images.tsv');
const measurementsPath = join(root, 'server/src/data/apt-layer-measurements.tsv');

interface Layer {
  source: 'registry' | 'measured';
  label: string;
  /** The base image, e.g. `debian:trixie`; earlier layers' packages come on top. */
  base: string;
  /** Earlier RUN instructions of the image, whose installs the base then has. */
  earlier: string[];
  instruction: string;
  truthGzip: number;
  truthDisk?: number;
}

interface Outcome {
  layer: Layer;
  estimate?: AptInstallEstimate;
  skipped?: string;
}

/** Rows of a TSV with a header; `"…"` cells with `""` escapes unquoted, `#` lines skipped. */
function readTsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const columns = header.split('\t');
  return rows.map((row) => {
    const cells = row
      .split('\t')
      .map((cell) => (cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell));
    return Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? '']));
  });
}

/** docker history writes tabs of the original RUN as `\t`; the shell would read `\tapt-get` as `tapt-get`. */
function instructionText(cell: string): string {
  return cell.replace(/\\t/g, '\t');
}

/** The Debian suite an image of size-truth.tsv is built on, from its first layer or base-images.tsv's note. */
function debianBase(firstLayer: string, note: string): string | undefined {
  const debuerreotype = /debian\.sh .*'(\w+)' '@\d+'/.exec(firstLayer);
  if (debuerreotype) return `debian:${debuerreotype[1]}`;
  const on = /\bon (debian|buildpack-deps):([\w.-]+)/.exec(note);
  return on ? `${on[1]}:${on[2]}` : undefined;
}

function registryLayers(): { layers: Layer[]; skipped: string[] } {
  if (!existsSync(sizeTruthPath)) return { layers: [], skipped: [`${sizeTruthPath} not found`] };
  const notes = new Map(
    existsSync(baseImagesPath) ? readTsv(baseImagesPath).map((row) => [`${row.image}:${row.tag}`, row.note]) : [],
  );
  const byImage = new Map<string, Record<string, string>[]>();
  for (const row of readTsv(sizeTruthPath)) {
    const image = `${row.image}:${row.tag}`;
    byImage.set(image, [...(byImage.get(image) ?? []), row]);
  }
  const layers: Layer[] = [];
  const skipped: string[] = [];
  for (const [image, rows] of byImage) {
    rows.sort((a, b) => Number(a.layer) - Number(b.layer));
    const aptRows = rows.filter((row) => row.kind === 'RUN' && /\bapt(-get)?\s/.test(instructionText(row.instruction)));
    if (aptRows.length === 0) continue;
    const base = debianBase(rows[0].instruction, notes.get(image) ?? '');
    if (!base || !aptBaseImage(...(base.split(':') as [string, string]))) {
      skipped.push(
        `${image}: ${aptRows.length} apt layer(s), base not Debian bookworm/trixie (${notes.get(image) ?? rows[0].instruction.slice(0, 40)})`,
      );
      continue;
    }
    const earlier: string[] = [];
    for (const row of rows) {
      if (row.kind !== 'RUN') continue;
      const instruction = instructionText(row.instruction);
      if (aptRows.includes(row)) {
        if (row.truncated === 'yes') skipped.push(`${image} layer ${row.layer}: instruction truncated in the record`);
        else
          layers.push({
            source: 'registry',
            label: `${image} #${row.layer}`,
            base,
            earlier: [...earlier],
            instruction,
            truthGzip: Number(row.compressed_bytes),
          });
      }
      earlier.push(instruction);
    }
  }
  return { layers, skipped };
}

function measuredLayers(): Layer[] {
  return readTsv(measurementsPath).map((row, index) => ({
    source: 'measured',
    label: `${row.base} m${index + 1}`,
    base: row.base,
    earlier: row.setup ? [`RUN ${row.setup}`] : [],
    instruction: `RUN ${row.command}`,
    truthGzip: Number(row.gzip_bytes),
    truthDisk: Number(row.disk_bytes),
  }));
}

function estimateLayer(layer: Layer): Outcome {
  const [repository, tag] = layer.base.split(':');
  const image = aptBaseImage(repository, tag);
  if (!image) return { layer, skipped: `no package set for ${layer.base}` };
  const installed = new Set(image.packages);
  let result: Outcome = { layer, skipped: 'no apt install' };
  for (const [index, text] of [...layer.earlier, layer.instruction].entries()) {
    const model = buildModel(`FROM ${layer.base}\n${text}\n`);
    const instruction = model.instructions[1];
    if (!instruction?.run) continue;
    const facts = aptRunFacts(model, instruction);
    const current = index === layer.earlier.length;
    if (current && facts.removesPackages)
      return { layer, skipped: 'also removes packages (purge --auto-remove): not modelled' };
    if (facts.installs.length === 0) continue;
    const estimate = estimateAptRun(facts, { suite: image.suite, installed, slim: image.slim });
    for (const name of estimate.packages) installed.add(name);
    if (current) result = { layer, estimate };
  }
  return result;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1).padStart(7);
const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`.padStart(7);

function summary(name: string, errors: number[]): string {
  const sorted = errors.map(Math.abs).sort((a, b) => a - b);
  return `${name}: n=${sorted.length} median ${(percentile(sorted, 0.5) * 100).toFixed(1)}% p90 ${(percentile(sorted, 0.9) * 100).toFixed(1)}%`;
}

interface WholeImage {
  label: string;
  dockerfile: string;
  truthGzip: number;
  kind: 'real' | 'two-line';
}

/** Real images whose every layer is recorded in size-truth.tsv and that start from a Debian rootfs. */
function realWholeImages(): { images: WholeImage[]; skipped: string[] } {
  if (!existsSync(sizeTruthPath) || !existsSync(baseImagesPath))
    return { images: [], skipped: ['size-truth.tsv or base-images.tsv not found'] };
  const truths = new Map(
    readTsv(baseImagesPath).map((row) => [`${row.image}:${row.tag}`, Number(row.compressed_bytes)]),
  );
  const byImage = new Map<string, Record<string, string>[]>();
  for (const row of readTsv(sizeTruthPath))
    byImage.set(`${row.image}:${row.tag}`, [...(byImage.get(`${row.image}:${row.tag}`) ?? []), row]);
  const images: WholeImage[] = [];
  const skipped: string[] = [];
  for (const [image, rows] of byImage) {
    rows.sort((a, b) => Number(a.layer) - Number(b.layer));
    const suite = /debian\.sh .*'(\w+)' '@\d+'/.exec(rows[0].instruction)?.[1];
    if (!suite) {
      skipped.push(`${image}: first layer is not a debuerreotype Debian rootfs (${rows[0].instruction.slice(0, 50)})`);
      continue;
    }
    if (rows.some((row) => row.truncated === 'yes')) {
      skipped.push(`${image}: an instruction is truncated in the record`);
      continue;
    }
    const truth = truths.get(image);
    if (truth === undefined) continue;
    const lines = [
      `FROM debian:${suite}`,
      ...rows.slice(1).map((row) => instructionText(row.instruction).replace(/ # buildkit$/, '')),
    ];
    images.push({ label: image, dockerfile: `${lines.join('\n')}\n`, truthGzip: truth, kind: 'real' });
  }
  // buildpack-deps:trixie-curl (docker-library/buildpack-deps debian/trixie/curl/Dockerfile) is
  // golang:1.25's first two layers: FROM debian:trixie and the curl/wget/gnupg RUN recorded as its layer 1.
  const golang = byImage.get('golang:1.25');
  const curlTruth = truths.get('buildpack-deps:trixie-curl');
  const curlRun = golang?.find((row) => row.layer === '1');
  if (curlRun && curlTruth !== undefined)
    images.push({
      label: 'buildpack-deps:trixie-curl',
      dockerfile: `FROM debian:trixie\n${instructionText(curlRun.instruction).replace(/ # buildkit$/, '')}\n`,
      truthGzip: curlTruth,
      kind: 'real',
    });
  return { images, skipped };
}

function twoLineImages(): WholeImage[] {
  return readTsv(measurementsPath).flatMap((row, index) => {
    const base = compressedSize(row.base);
    // gzip_bytes is the command's layer only: a row with a setup step has a layer whose true size is not recorded.
    // The `apt-get update` rows are where the estimator's package-list size comes from: not a test of it.
    if (base === undefined || row.setup || row.command === 'apt-get update') return [];
    return [
      {
        label: `${row.base} m${index + 1}`,
        dockerfile: `FROM ${row.base}\nRUN ${row.command}\n`,
        truthGzip: base + Number(row.gzip_bytes),
        kind: 'two-line' as const,
      },
    ];
  });
}

function wholeImageReport(): void {
  const real = realWholeImages();
  const errors: Record<WholeImage['kind'], number[]> = { real: [], 'two-line': [] };
  console.log();
  console.log('whole image (compressed)                 estimate    truth    err  unknown layers');
  for (const image of [...real.images, ...twoLineImages()]) {
    const stage = estimateImageSize(buildModel(image.dockerfile)).stages.at(-1);
    if (!stage || stage.compressedBytes === null) {
      console.log(`${image.label.padEnd(40)} base unknown`);
      continue;
    }
    const error = stage.compressedBytes / image.truthGzip - 1;
    const unknown = stage.layers
      .filter((layer) => layer.diskBytes === null)
      .map((layer) => `line ${layer.line} ${layer.instruction.slice(0, 30)}`);
    if (unknown.length === 0) errors[image.kind].push(error);
    console.log(
      `${image.label.padEnd(40)}${megabytes(stage.compressedBytes)}  ${megabytes(image.truthGzip)}${percent(error)}  ${unknown.length ? `lower bound, not in the statistics: ${unknown.join('; ')}` : '-'}`,
    );
  }
  for (const reason of real.skipped) console.log(`skipped ${reason}`);
  console.log();
  console.log(summary('whole images, real Dockerfiles', errors.real));
  console.log(summary('whole images, FROM debian + measured RUN', errors['two-line']));
  console.log(summary('whole images, all', [...errors.real, ...errors['two-line']]));
}

/**
 * The Debian stand-in for pip packages against the measured installs: each measured distribution that
 * Debian packages as python3-<name>, installed alone with its dependencies both ways.
 */
function pipStandInReport(): void {
  const disk: number[] = [];
  const gzip: number[] = [];
  const rows: string[] = [];
  for (const name of Object.keys(pipData.packages)) {
    const options = { suite: 'trixie' as const, installed: new Set<string>(), cacheKept: false };
    const truth = estimatePipInstall([name], options);
    const standIn = estimatePipInstall([name], { ...options, useMeasured: false });
    // Only when Debian sizes the whole closure: a partly unknown closure is no comparison.
    if (standIn.unknown.length > 0 || standIn.packages.length === 0 || truth.unknown.length > 0) continue;
    disk.push(standIn.diskBytes / truth.diskBytes - 1);
    gzip.push(standIn.compressedBytes / truth.compressedBytes - 1);
    rows.push(`${name.padEnd(28)}${megabytes(standIn.diskBytes)}${megabytes(truth.diskBytes)}${percent(disk.at(-1)!)}`);
  }
  console.log();
  console.log('pip: Debian python3-* stand-in vs measured install (disk MB)');
  for (const row of rows) console.log(row);
  console.log(summary('pip stand-in, disk', disk));
  console.log(summary('pip stand-in, compressed', gzip));
}

async function main(): Promise<void> {
  await initShellParser();
  const registry = registryLayers();
  const outcomes = [...registry.layers, ...measuredLayers()].map(estimateLayer);
  console.log('layer                          pkgs   disk est  truth    err | gzip est  truth    err  command');
  const gzipErrors: Record<Layer['source'], number[]> = { registry: [], measured: [] };
  const diskErrors: number[] = [];
  for (const { layer, estimate, skipped } of outcomes) {
    const command = layer.instruction.replace(/\s+/g, ' ').slice(4, 90);
    if (!estimate) {
      console.log(`${layer.label.padEnd(30)} skipped: ${skipped}  ${command}`);
      continue;
    }
    const gzipError = estimate.compressedBytes / layer.truthGzip - 1;
    gzipErrors[layer.source].push(gzipError);
    const disk = layer.truthDisk
      ? `${megabytes(estimate.diskBytes)}${megabytes(layer.truthDisk)}${percent(estimate.diskBytes / layer.truthDisk - 1)}`
      : `${megabytes(estimate.diskBytes)}       -       -`;
    if (layer.truthDisk) diskErrors.push(estimate.diskBytes / layer.truthDisk - 1);
    const unknown = estimate.unknown.length > 0 ? ` [unknown: ${estimate.unknown.join(' ')}]` : '';
    console.log(
      `${layer.label.padEnd(30)} ${String(estimate.packages.length).padStart(4)} ${disk} |${megabytes(estimate.compressedBytes)}${megabytes(layer.truthGzip)}${percent(gzipError)}  ${command}${unknown}`,
    );
  }
  for (const reason of registry.skipped) console.log(`skipped ${reason}`);
  console.log();
  console.log(summary('compressed, registry layers', gzipErrors.registry));
  console.log(summary('compressed, measured layers', gzipErrors.measured));
  console.log(summary('compressed, all', [...gzipErrors.registry, ...gzipErrors.measured]));
  console.log(summary('disk, measured layers', diskErrors));
  wholeImageReport();
  pipStandInReport();
  await realDockerfilesReport();
  baseNearestReport();
  corpusCoverageReport();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
