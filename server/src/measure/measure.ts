import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stage } from '../model/model';
import { buildImage, exportImage } from './engine';
import type { BuildRequest, Engine, EngineName, RunOptions } from './engine';
import { layerLines } from './history';
import { openExportedImage } from './image';
import type { ExportedImage } from './image';
import { analyzeLayers } from './layers';
import type { MeasuredLayer, WastedBytes } from './layers';

/** One layer of the built image with the Dockerfile line that made it (none for base image layers). */
export interface MeasuredImageLayer extends MeasuredLayer {
  /** 1-based line of the instruction, undefined for the base image's layers. */
  line: number | undefined;
  /** The instruction's keyword (RUN, COPY, ADD), undefined for the base image's layers. */
  instruction: string | undefined;
}

/** Wasted bytes with the lines that added and removed them (1-based; undefined: a base image layer). */
export interface MeasuredWaste {
  path: string;
  bytes: number;
  addedLine: number | undefined;
  removedLine: number | undefined;
  how: WastedBytes['how'];
}

/** What a build really produced, layer by layer, as `layerlens measure` reports it. */
export interface MeasuredImage {
  engine: EngineName;
  image: string;
  format: ExportedImage['format'];
  layers: MeasuredImageLayer[];
  /** The sizes the OCI manifest states, base first, when the export has one. */
  manifestLayerSizes: number[] | undefined;
  compressedBytes: number;
  diskBytes: number;
  waste: MeasuredWaste[];
  wastedBytes: number;
  /** 1 − wasted / disk bytes of all layers. */
  efficiency: number;
}

/** Reads an exported image and ties its layers and waste to the lines of the stage that was built. */
export async function measureExportedImage(
  path: string,
  stage: Stage,
  about: { engine: EngineName; image: string },
): Promise<MeasuredImage> {
  const exported = openExportedImage(path);
  const analysis = await analyzeLayers(exported);
  const lines = layerLines(exported.history, stage, analysis.layers.length);
  const layers = analysis.layers.map((layer, index) => ({
    ...layer,
    line: lines[index]?.line,
    instruction: lines[index]?.instruction?.keyword,
  }));
  return {
    ...about,
    format: exported.format,
    layers,
    manifestLayerSizes: exported.manifestLayerSizes,
    compressedBytes: layers.reduce((sum, layer) => sum + layer.compressedBytes, 0),
    diskBytes: analysis.totalDiskBytes,
    waste: analysis.waste.map((entry) => ({
      path: entry.path,
      bytes: entry.bytes,
      addedLine: layers[entry.addedLayer].line,
      removedLine: layers[entry.removedLayer].line,
      how: entry.how,
    })),
    wastedBytes: analysis.wastedBytes,
    efficiency: analysis.efficiency,
  };
}

/** A tag of its own per Dockerfile, so measuring never replaces an image the user named. */
export function measureTag(dockerfile: string, target: string | undefined): string {
  const digest = createHash('sha256')
    .update(`${dockerfile}\0${target ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  return `localhost/layerlens-measure:${digest}`;
}

export interface MeasureRequest extends Omit<BuildRequest, 'tag'> {
  engine: Engine;
  /** The stage built: the shipped one (`--target` or the last). */
  stage: Stage;
  tag?: string;
  /** Called when a step starts: build, export, read. */
  onStep?: (step: 'build' | 'export' | 'read') => void;
}

/** Builds a Dockerfile with the engine, exports the image and measures it. The export is deleted afterwards. */
export async function measureDockerfile(request: MeasureRequest, options: RunOptions = {}): Promise<MeasuredImage> {
  const tag = request.tag ?? measureTag(request.dockerfile, request.target);
  request.onStep?.('build');
  await buildImage(request.engine, { ...request, tag }, options);
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-measure-'));
  try {
    request.onStep?.('export');
    const exported = await exportImage(request.engine, tag, dir, options);
    request.onStep?.('read');
    return await measureExportedImage(exported, request.stage, { engine: request.engine.name, image: tag });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
