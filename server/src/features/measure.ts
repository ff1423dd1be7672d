import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeLens, Hover, MarkupContent } from 'vscode-languageserver';
import type { DockerfileModel, Instruction } from '../model/model';
import { layersOf } from '../model/model';
import type { Position } from '../model/text';
import { CancelledError, detectEngine, EngineError, engineNames } from '../measure/engine';
import type { EngineName } from '../measure/engine';
import { measureDockerfile } from '../measure/measure';
import type { MeasuredWaste } from '../measure/measure';
import { differenceText, measuredLayerText, noEngineMessage } from '../measure/report';
import type { LayerMeasure } from '../measure/report';
import type { ImageSizeEstimate } from '../size/estimate';
import { formatBytes } from '../size/format';

/** Client → server: build and measure a document (the command "LayerLens: Build and Measure"). */
export const measureRequest = 'layerlens/measure';
/** Server → client while measuring: a step or a line of the build log. */
export const measureProgressNotification = 'layerlens/measureProgress';
/** Client → server: a measurement kept from an earlier session, to show again until the file changes. */
export const measuredNotification = 'layerlens/measured';
export const buildAndMeasureCommand = 'layerlens.buildAndMeasure';

export interface MeasureParams {
  textDocument: { uri: string };
  /** `layerlens.measure.engine`: empty for the first engine that works. */
  engine?: string;
}

export interface MeasureProgress {
  uri: string;
  step?: string;
  line?: string;
}

/** One measured layer as kept with the document: its instruction's text finds it again after edits. */
export interface StoredLayer extends LayerMeasure {
  line: number;
  keyword: string;
  /** The instruction as written when measured. */
  text: string;
}

/** A measurement of a document, kept per document and tied to the text it was made from. */
export interface StoredMeasurement {
  /** sha256 of the Dockerfile text that was built: another text makes the measurement stale. */
  textHash: string;
  measuredAt: string;
  engine: EngineName;
  image: string;
  compressedBytes: number;
  diskBytes: number;
  base: { compressedBytes: number; diskBytes: number; layers: number };
  layers: StoredLayer[];
  waste: MeasuredWaste[];
  wastedBytes: number;
  efficiency: number;
}

export type MeasureResponse =
  { ok: true; measurement: StoredMeasurement } | { ok: false; reason: string; cancelled?: boolean };

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Measurements per document URI, as the last build left them (or the client restored them). */
export class MeasuredResults {
  private readonly byUri = new Map<string, StoredMeasurement>();

  get(uri: string): StoredMeasurement | undefined {
    return this.byUri.get(uri);
  }

  set(uri: string, measurement: StoredMeasurement): void {
    this.byUri.set(uri, measurement);
  }

  /** Only well-formed measurements are taken from a client (they come from its storage). */
  restore(params: unknown): boolean {
    const { uri, measurement } = (params ?? {}) as { uri?: unknown; measurement?: Partial<StoredMeasurement> };
    if (typeof uri !== 'string' || !measurement || typeof measurement.textHash !== 'string') return false;
    if (!Array.isArray(measurement.layers) || !Array.isArray(measurement.waste)) return false;
    this.byUri.set(uri, measurement as StoredMeasurement);
    return true;
  }
}

/**
 * Builds the saved file of a document with the user's engine and measures the image. The text must be
 * what is on disk (the client saves first). Cancelling the request stops the build.
 */
export async function measureDocument(
  uri: string,
  text: string,
  model: DockerfileModel,
  options: { engine?: string; target?: string; signal?: AbortSignal; report: (progress: MeasureProgress) => void },
): Promise<MeasureResponse> {
  if (!uri.startsWith('file:')) return { ok: false, reason: 'LayerLens can only build Dockerfiles saved on disk.' };
  const file = fileURLToPath(uri);
  let onDisk: string;
  try {
    onDisk = readFileSync(file, 'utf8');
  } catch {
    return { ok: false, reason: `LayerLens could not read ${file}.` };
  }
  if (onDisk !== text) return { ok: false, reason: 'Save the Dockerfile first: LayerLens builds the file on disk.' };
  const stage = model.shipped;
  if (!stage) return { ok: false, reason: 'The Dockerfile has no FROM.' };
  const preferred = engineNames.find((name) => name === options.engine);
  options.report({ uri, step: 'looking for a container engine' });
  const engine = await detectEngine(preferred);
  if (!engine) return { ok: false, reason: noEngineMessage(preferred) };
  try {
    const measured = await measureDockerfile(
      {
        engine: { name: engine },
        dockerfile: file,
        context: dirname(file),
        target: options.target,
        stage,
        onStep: (step) =>
          options.report({
            uri,
            step:
              step === 'build'
                ? `building with ${engine}`
                : step === 'export'
                  ? 'exporting the image'
                  : 'reading the layers',
          }),
      },
      { signal: options.signal, onLine: (line) => options.report({ uri, line }) },
    );
    const byLine = new Map(layersOf(stage).map((instruction) => [instruction.range.start.line + 1, instruction]));
    const layers: StoredLayer[] = [];
    const base = { compressedBytes: 0, diskBytes: 0, layers: 0 };
    for (const layer of measured.layers) {
      const instruction = layer.line === undefined ? undefined : byLine.get(layer.line);
      if (!instruction || layer.line === undefined) {
        base.compressedBytes += layer.compressedBytes;
        base.diskBytes += layer.diskBytes;
        base.layers++;
        continue;
      }
      layers.push({
        line: layer.line,
        keyword: instruction.keyword,
        text: text.slice(instruction.start, instruction.end),
        compressedBytes: layer.compressedBytes,
        diskBytes: layer.diskBytes,
        filesAdded: layer.filesAdded,
        filesChanged: layer.filesChanged,
        filesRemoved: layer.filesRemoved,
      });
    }
    return {
      ok: true,
      measurement: {
        textHash: textHash(text),
        measuredAt: new Date().toISOString(),
        engine,
        image: measured.image,
        compressedBytes: measured.compressedBytes,
        diskBytes: measured.diskBytes,
        base,
        layers,
        waste: measured.waste,
        wastedBytes: measured.wastedBytes,
        efficiency: measured.efficiency,
      },
    };
  } catch (error) {
    if (error instanceof CancelledError)
      return { ok: false, reason: 'Build and Measure was cancelled.', cancelled: true };
    if (error instanceof EngineError)
      return { ok: false, reason: `${error.message}; the build log is in the LayerLens output.` };
    return { ok: false, reason: `Build and Measure failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Where a measurement's layers are in the current text: by line when the text is the one built, else by instruction text. */
export function placeMeasurement(
  model: DockerfileModel,
  measurement: StoredMeasurement,
): { stale: boolean; layers: Array<{ instruction: Instruction; layer: StoredLayer }> } {
  const stale = textHash(model.text) !== measurement.textHash;
  const instructions = model.shipped ? layersOf(model.shipped) : [];
  const used = new Set<Instruction>();
  const layers: Array<{ instruction: Instruction; layer: StoredLayer }> = [];
  for (const layer of measurement.layers) {
    const instruction = stale
      ? instructions.find(
          (candidate) => !used.has(candidate) && model.text.slice(candidate.start, candidate.end) === layer.text,
        )
      : instructions.find((candidate) => candidate.range.start.line + 1 === layer.line);
    if (!instruction) continue;
    used.add(instruction);
    layers.push({ instruction, layer });
  }
  return { stale, layers };
}

/** Layers smaller than this get no measured lens of their own (the hover still has them). */
export const measuredLensBytes = 1000 * 1000;

function estimatedDisk(estimate: ImageSizeEstimate, line: number): number | null | undefined {
  const stage = estimate.stages.find((candidate) => candidate.shipped);
  return stage?.layers.find((layer) => layer.line === line)?.diskBytes;
}

/**
 * The measured lenses: on the shipped FROM the image's measured total and waste (click: measure again),
 * or "Build and Measure" when nothing was measured; on each measured layer of 1 MB or more its size
 * beside the estimate; on a line that deleted or overwrote 1 MB or more, what it wasted. Stale
 * measurements stay, marked.
 */
export function measuredLenses(
  uri: string,
  model: DockerfileModel,
  estimate: ImageSizeEstimate,
  measurement: StoredMeasurement | undefined,
  canBuild: boolean,
): CodeLens[] {
  const from = model.shipped?.from;
  if (!from) return [];
  const at = (instruction: Instruction) => ({ start: instruction.range.start, end: instruction.range.start });
  const again = { command: buildAndMeasureCommand, arguments: [uri] };
  if (!measurement) return canBuild ? [{ range: at(from), command: { title: 'Build and Measure', ...again } }] : [];
  const { stale, layers } = placeMeasurement(model, measurement);
  const staleNote = stale ? ' (stale: the file changed since)' : '';
  const lenses: CodeLens[] = [
    {
      range: at(from),
      command: {
        title: `Measured: ${formatBytes(measurement.diskBytes)} on disk · ${formatBytes(measurement.compressedBytes)} to pull · ${formatBytes(measurement.wastedBytes)} wasted (${(measurement.efficiency * 100).toFixed(1)} % efficient)${staleNote}`,
        ...(canBuild ? again : { command: '' }),
      },
    },
  ];
  const wasteByRemovingLine = new Map<number, { bytes: number; added: Set<number | undefined> }>();
  for (const entry of measurement.waste) {
    if (entry.removedLine === undefined || entry.removedLine === null) continue;
    const found = wasteByRemovingLine.get(entry.removedLine) ?? { bytes: 0, added: new Set() };
    found.bytes += entry.bytes;
    found.added.add(entry.addedLine ?? undefined);
    wasteByRemovingLine.set(entry.removedLine, found);
  }
  for (const { instruction, layer } of layers) {
    const estimated = stale ? undefined : estimatedDisk(estimate, layer.line);
    if (layer.diskBytes >= measuredLensBytes) {
      const beside =
        estimated === undefined
          ? ''
          : ` · estimate ${estimated === null ? 'unknown' : `+${formatBytes(estimated)}`}${estimated === null ? '' : ` (${differenceText(estimated, layer.diskBytes)})`}`;
      lenses.push({
        range: at(instruction),
        command: { title: `${measuredLayerText(layer)}${stale ? ', stale' : ''}${beside}`, command: '' },
      });
    }
    const wasted = stale ? undefined : wasteByRemovingLine.get(layer.line);
    if (wasted && wasted.bytes >= measuredLensBytes) {
      const lines = [...wasted.added]
        .map((line) => (line === undefined ? 'the base image' : `line ${line}`))
        .join(', ');
      lenses.push({
        range: at(instruction),
        command: {
          title: `${formatBytes(wasted.bytes)} added by ${lines} deleted or overwritten here (measured waste)`,
          command: '',
        },
      });
    }
  }
  return lenses;
}

function layerMeasureText(layer: StoredLayer, estimated: number | null | undefined): string {
  const comparison =
    estimated === undefined || estimated === null
      ? ''
      : `; estimate +${formatBytes(estimated)} (${differenceText(estimated, layer.diskBytes)})`;
  return `**${measuredLayerText(layer)}**: ${formatBytes(layer.diskBytes)} on disk, ${formatBytes(layer.compressedBytes)} compressed; files +${layer.filesAdded} ~${layer.filesChanged} −${layer.filesRemoved}${comparison}`;
}

/**
 * Adds the measured figures to the size hover of a FROM or layer keyword (or makes a hover with only
 * them): the layer's measured size beside its estimate, or the image's total and its biggest waste.
 */
export function withMeasuredHover(
  hover: Hover | null,
  model: DockerfileModel,
  estimate: ImageSizeEstimate,
  measurement: StoredMeasurement | undefined,
  position: Position,
): Hover | null {
  if (!measurement || !model.shipped) return hover;
  const instruction = model.instructions.find(
    (candidate) =>
      candidate.keywordRange.start.line === position.line &&
      position.character >= candidate.keywordRange.start.character &&
      position.character <= candidate.keywordRange.end.character,
  );
  if (!instruction) return hover;
  const { stale, layers } = placeMeasurement(model, measurement);
  const staleNote = stale ? ' — stale: the file changed since it was built' : '';
  let section: string | undefined;
  if (instruction === model.shipped.from) {
    const lines = [
      `**Measured** with ${measurement.engine} (${measurement.measuredAt.slice(0, 16).replace('T', ' ')} UTC)${staleNote}: ${formatBytes(measurement.diskBytes)} on disk, ${formatBytes(measurement.compressedBytes)} to pull; base ${formatBytes(measurement.base.diskBytes)} in ${measurement.base.layers} layer${measurement.base.layers === 1 ? '' : 's'}`,
      `- wasted ${formatBytes(measurement.wastedBytes)}: ${(measurement.efficiency * 100).toFixed(1)} % efficient`,
    ];
    for (const entry of measurement.waste.slice(0, 5))
      lines.push(
        `- \`/${entry.path}\` ${formatBytes(entry.bytes)}: added ${entry.addedLine ? `on line ${entry.addedLine}` : 'by the base image'}, ${entry.how} on line ${entry.removedLine ?? '?'}`,
      );
    section = lines.join('\n');
  } else {
    const placed = layers.find((candidate) => candidate.instruction === instruction);
    if (placed)
      section = `${layerMeasureText(placed.layer, stale ? undefined : estimatedDisk(estimate, placed.layer.line))}${staleNote}`;
  }
  if (!section) return hover;
  const previous =
    hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : undefined;
  const contents: MarkupContent = { kind: 'markdown', value: previous ? `${previous}\n\n---\n\n${section}` : section };
  return { contents, range: hover?.range ?? instruction.keywordRange };
}
