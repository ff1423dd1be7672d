// The "real Dockerfiles" section of npm run bench:size: whole published Dockerfiles estimated as a user
// would see them, layer by layer, against the compressed size of every layer their registry records hold.
// Truth: ../shared/data/official-images (14 official images: Dockerfiles, the files they copy, per-layer
// sizes from docker-library/repo-info). Also the corpus figures of issue #9: the share of shipped base
// images with a figure and of shipped stages with nothing unknown (../shared/corpus/dockerfiles).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextFileReader } from '../server/src/context/readFile';
import imageSizes from '../server/src/data/image-sizes.json';
import { baseImageSize } from '../server/src/knowledge/images';
import { walkContext } from '../server/src/context/walker';
import { buildModel } from '../server/src/model/model';
import { estimateImageSize } from '../server/src/size/estimate';
import type { LayerEstimate } from '../server/src/size/estimate';

const root = join(__dirname, '..');

/** A path under the shared folder beside the checkout (/work/main) or beside its worktree folder (/work/wt/<name>). */
export function sharedPath(relative: string): string {
  const candidates = [join(root, '../shared', relative), join(root, '../../shared', relative)];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

const officialImages = process.env.LAYERLENS_OFFICIAL_IMAGES ?? sharedPath('data/official-images');
const corpus = process.env.LAYERLENS_CORPUS ?? sharedPath('corpus/dockerfiles');

/** Layers below this many true bytes (ENV-like COPYs of a script, empty RUNs) are counted, not listed. */
const smallLayerBytes = 100_000;

function tsvRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const megabytes = (bytes: number | null) => (bytes === null ? '      ?' : (bytes / 1e6).toFixed(1).padStart(7));
const percent = (value: number) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)}%`.padStart(6) : '     -';
const share = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1)).toFixed(0)} %`;

/** The interval a layer states, when it states one. */
function intervalOf(layer: LayerEstimate): { low: number; high: number } | undefined {
  if (layer.compressedBytes === null || layer.compressedLow === null) return undefined;
  return { low: layer.compressedLow, high: layer.compressedHigh ?? Infinity };
}

export interface RealDockerfileFigures {
  /** Share of the true non-base bytes that sit in layers estimated within 25 %. */
  withinQuarter: number;
  /** Layers over 100 kB estimated off by more than 2× whose interval misses the truth. */
  confidentlyWrong: number;
  /** Share of estimated layers whose interval holds the truth. */
  coverage: number;
  /** Median half-width of the intervals, relative to the estimate. */
  medianHalfWidth: number;
  /** Median absolute error of whole images (compressed). */
  wholeImageMedianError: number;
  unknownLayers: number;
  layers: number;
}

/** Estimates every official image and prints layer rows and the section's figures. */
export async function realDockerfilesReport(): Promise<RealDockerfileFigures | undefined> {
  console.log();
  console.log('== real Dockerfiles (../shared/data/official-images: published per-layer sizes) ==');
  if (!existsSync(join(officialImages, 'images.tsv'))) {
    console.log(`skipped: ${officialImages} not found`);
    return undefined;
  }
  const truthByLayer = new Map<string, number>();
  for (const [folder, line, bytes] of tsvRows(join(officialImages, 'truth.tsv')))
    truthByLayer.set(`${folder}:${line}`, Number(bytes));
  let trueBytes = 0;
  let trueBytesWithin = 0;
  let confidentlyWrong = 0;
  let covered = 0;
  let withInterval = 0;
  let unknownLayers = 0;
  let layers = 0;
  let lowerBounds = 0;
  let lowerBoundsHolding = 0;
  const halfWidths: number[] = [];
  const wholeErrors: number[] = [];
  console.log('image / line                      estimate (interval)        truth    err  method');
  for (const [folder, tag, wholeBytes, baseBytes] of tsvRows(join(officialImages, 'images.tsv'))) {
    const directory = join(officialImages, folder);
    const text = readFileSync(join(directory, 'Dockerfile'), 'utf8');
    const contextIndex = await walkContext(directory, { dockerignore: null });
    const estimate = estimateImageSize(buildModel(text), {
      contextIndex,
      readContextFile: contextFileReader(directory),
    });
    const stage = estimate.stages.filter((candidate) => candidate.shipped).at(-1);
    if (!stage) continue;
    const baseError = stage.base.compressedBytes === null ? NaN : stage.base.compressedBytes / Number(baseBytes) - 1;
    const whole = stage.compressedBytes;
    const wholeError = whole === null ? NaN : whole / Number(wholeBytes) - 1;
    if (Number.isFinite(wholeError)) wholeErrors.push(Math.abs(wholeError));
    console.log(
      `${tag.padEnd(34)}${megabytes(whole)}${stage.unknownLayers ? ' (lower bound)' : ''}  truth ${megabytes(Number(wholeBytes))}${percent(wholeError)}   base ${stage.base.reference} ${percent(baseError)}`,
    );
    for (const layer of stage.layers) {
      const truth = truthByLayer.get(`${folder}:${layer.line}`);
      if (truth === undefined) continue;
      layers++;
      trueBytes += truth;
      const interval = intervalOf(layer);
      const error = layer.compressedBytes === null ? NaN : layer.compressedBytes / Math.max(truth, 1) - 1;
      if (layer.compressedBytes === null) unknownLayers++;
      if (Number.isFinite(error) && Math.abs(error) <= 0.25) trueBytesWithin += truth;
      const holds = interval !== undefined && interval.low <= truth && truth <= interval.high;
      if (interval && interval.high === Infinity) {
        lowerBounds++;
        if (holds) lowerBoundsHolding++;
      } else if (interval && layer.compressedBytes !== null) {
        withInterval++;
        if (holds) covered++;
        // Tiny layers (a script, a symlink) carry a fixed allowance of some kB: relative widths say nothing there.
        if (truth >= smallLayerBytes && layer.compressedBytes > 0)
          halfWidths.push((interval.high - interval.low) / 2 / layer.compressedBytes);
      }
      const offTwice =
        layer.compressedBytes !== null && (layer.compressedBytes > 2 * truth || 2 * layer.compressedBytes < truth);
      if (truth >= smallLayerBytes && offTwice && !holds) confidentlyWrong++;
      if (truth < smallLayerBytes && (layer.compressedBytes ?? 0) < smallLayerBytes) continue;
      const stated = !interval
        ? ''
        : interval.high === Infinity
          ? `(≥ ${megabytes(interval.low).trim()})`
          : `(${megabytes(interval.low).trim()}–${megabytes(interval.high).trim()})`;
      console.log(
        `  ${String(layer.line).padStart(4)} ${layer.keyword.padEnd(4)}                 ${megabytes(layer.compressedBytes)} ${stated.padEnd(15)} ${megabytes(truth)}${percent(error)}${offTwice && !holds ? ' !' : '  '} ${layer.confidence}: ${(layer.notes[0] ?? '').slice(0, 70)}`,
      );
    }
  }
  const figures: RealDockerfileFigures = {
    withinQuarter: trueBytesWithin / Math.max(trueBytes, 1),
    confidentlyWrong,
    coverage: covered / Math.max(withInterval, 1),
    medianHalfWidth: median(halfWidths),
    wholeImageMedianError: median(wholeErrors),
    unknownLayers,
    layers,
  };
  console.log();
  console.log(
    `real Dockerfiles: ${layers} layers (${unknownLayers} unknown); true non-base bytes within 25 %: ${share(trueBytesWithin, trueBytes)} (goal ≥ 80 %)`,
  );
  console.log(
    `real Dockerfiles: layers > 100 kB off by > 2× with the interval missing the truth: ${confidentlyWrong} (goal 0)`,
  );
  console.log(
    `real Dockerfiles: interval coverage ${share(covered, withInterval)} of ${withInterval} layers with an interval (goal ≥ 90 %); median interval ±${(figures.medianHalfWidth * 100).toFixed(0)} % of its estimate over the ${halfWidths.length} of them ≥ 100 kB (goal ≤ ±30 %)`,
  );
  console.log(
    `real Dockerfiles: ${lowerBounds} layers are only a lower bound (something uncounted); the bound holds for ${lowerBoundsHolding}`,
  );
  console.log(
    `real Dockerfiles: whole-image median error ${(figures.wholeImageMedianError * 100).toFixed(0)} % (n = ${wholeErrors.length}, goal ≤ 15 %)`,
  );
  return figures;
}

/** Corpus coverage: shipped base images with a figure, shipped stages with nothing unknown. */
export function corpusCoverageReport(): void {
  console.log();
  console.log('== corpus coverage (../shared/corpus/dockerfiles) ==');
  if (!existsSync(corpus)) {
    console.log(`skipped: ${corpus} not found`);
    return;
  }
  let shipped = 0;
  let baseKnown = 0;
  let complete = 0;
  let completeBesideContext = 0;
  let layers = 0;
  let unknownLayers = 0;
  const unknownBases = new Map<string, number>();
  const unknownReasons = new Map<string, number>();
  for (const name of readdirSync(corpus).sort()) {
    const model = buildModel(readFileSync(join(corpus, name), 'utf8'));
    for (const stage of estimateImageSize(model).stages) {
      if (!stage.shipped) continue;
      shipped++;
      if (stage.base.compressedBytes !== null) baseKnown++;
      else unknownBases.set(stage.base.reference, (unknownBases.get(stage.base.reference) ?? 0) + 1);
      if (stage.base.compressedBytes !== null && stage.unknownLayers === 0) complete++;
      // The corpus has no build contexts: what would be complete if the COPYs of one were measured.
      const unknownBesideContext = stage.layers.filter(
        (layer) => layer.compressedBytes === null && !/build context/.test(layer.notes[0] ?? ''),
      ).length;
      if (stage.base.compressedBytes !== null && unknownBesideContext === 0) completeBesideContext++;
      layers += stage.layers.length;
      unknownLayers += stage.unknownLayers;
      for (const layer of stage.layers.filter((candidate: LayerEstimate) => candidate.compressedBytes === null)) {
        const reason = (layer.notes[0] ?? '').replace(/`[^`]*`/g, '`…`').slice(0, 60);
        unknownReasons.set(reason, (unknownReasons.get(reason) ?? 0) + 1);
      }
    }
  }
  const top = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([key, count]) => `${count}× ${key}`)
      .join('; ');
  console.log(`corpus: shipped base images with a figure: ${share(baseKnown, shipped)} of ${shipped} (goal ≥ 95 %)`);
  console.log(
    `corpus: shipped stages with nothing unknown: ${share(complete, shipped)} (goal ≥ 60 %); nothing unknown but COPYs of the absent build context: ${share(completeBesideContext, shipped)}`,
  );
  console.log(`corpus: shipped-stage layers unknown: ${share(unknownLayers, layers)} of ${layers}`);
  console.log(`corpus: most frequent unknown bases: ${top(unknownBases)}`);
  console.log(`corpus: most frequent reasons a layer is unknown: ${top(unknownReasons)}`);
}

/**
 * How far the nearest-version fallback for base images is off: each data entry left out in turn and
 * resolved from the others (truth ÷ estimate), the error behind the `base-nearest` interval.
 */
export function baseNearestReport(): void {
  console.log();
  console.log('== base images: nearest version of the same variant, each record left out in turn ==');
  const ratios: number[] = [];
  const rows: string[] = [];
  for (const fact of imageSizes.images) {
    const reference = `${fact.image}:${fact.tag}`;
    const found = baseImageSize(fact.image, fact.tag, reference);
    if (!found || found.match !== 'nearest') continue;
    const ratio = fact.compressedBytes / found.compressedBytes;
    ratios.push(ratio);
    rows.push(`${reference.padEnd(34)} from ${found.reference.padEnd(34)} truth ÷ estimate ${ratio.toFixed(2)}`);
  }
  for (const row of rows) console.log(row);
  const sorted = [...ratios].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  console.log(
    `base-nearest: n = ${sorted.length}, truth ÷ estimate 5 % ${at(0.05)?.toFixed(2)}, median ${at(0.5)?.toFixed(2)}, 95 % ${at(0.95)?.toFixed(2)}; within 25 %: ${share(sorted.filter((ratio) => Math.abs(ratio - 1) <= 0.25).length, sorted.length)}`,
  );
}
