import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import { parseImageRef } from '../../model/image';
import { compressedSize, formatSize, referenceOf } from '../../knowledge/images';
import { userSettingOf } from '../../model/user';

/** What a conversion needs besides the Dockerfile: names at the context root and a few file contents. */
export interface ConvertContext {
  rootEntries?: string[];
  /** Contents by path relative to the context root, e.g. `package.json`, `go.mod`. */
  files?: Record<string, string>;
  /** Reads any other file of the context by its relative path (entry scripts, manifests in subfolders); never outside it. */
  read?: (relativePath: string) => string | undefined;
}

export type ConvertResult = { ok: true; text: string; messages: string[] } | { ok: false; reason: string };

/** Thrown inside a conversion to refuse it; turned into `{ ok: false }` at the entry point. */
export class Refusal extends Error {}

export function refuse(reason: string): never {
  throw new Refusal(reason);
}

/** One line of the output: either an instruction kept as written (with its comments) or generated text. */
export type OutputPart = string;

/** The instruction's text as written, continuations and heredoc bodies included. */
export function sourceOf(model: DockerfileModel, instruction: Instruction): string {
  return model.text.slice(instruction.start, instruction.end);
}

/** Comment lines directly above an instruction (no blank line between), as written. */
export function leadingComments(model: DockerfileModel, instruction: Instruction): string[] {
  const byLine = new Set(model.comments.map((comment) => comment.line));
  const lines: string[] = [];
  for (let line = instruction.range.start.line - 1; line >= 0 && byLine.has(line); line--) {
    lines.unshift(model.lines.lineText(line).trimEnd());
  }
  return lines;
}

/** The instruction with the comments above it, as written. */
export function kept(model: DockerfileModel, instruction: Instruction, text = sourceOf(model, instruction)): string {
  return [...leadingComments(model, instruction), text].join(model.lines.eol);
}

/** `1-based line N`, for messages. */
export function lineOf(instruction: Instruction): number {
  return instruction.range.start.line + 1;
}

/** The arguments of an instruction after its keyword, as written. */
export function argumentText(model: DockerfileModel, instruction: Instruction): string {
  return model.text.slice(model.lines.offsetAt(instruction.keywordRange.end), instruction.end).trim();
}

/** The JSON array of an exec-form CMD/ENTRYPOINT/HEALTHCHECK CMD, or undefined for the shell form. */
export function execForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Working directories after each instruction, following WORKDIR (relative ones join the previous). */
export function workdirs(stage: Stage, initial: string): Map<Instruction, string> {
  const result = new Map<Instruction, string>();
  let current = initial;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') {
      const value = instruction.args[0]?.value ?? '';
      current = value.startsWith('/') ? normalise(value) : normalise(`${current}/${value}`);
    }
    result.set(instruction, current);
  }
  return result;
}

export function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Joins a path to a directory unless it is absolute; keeps a trailing `/` (a directory). */
export function absolute(path: string, dir: string): string {
  const joined = normalise(path.startsWith('/') ? path : `${dir}/${path}`);
  return path.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

/** The `FROM` line of the build stage: the original reference and flags, named `build`. */
export function builderFrom(model: DockerfileModel, stage: Stage): string {
  const text = sourceOf(model, stage.from).replace(/\s+as\s+\S+\s*$/i, '');
  return kept(model, stage.from, `${text} AS build`);
}

/** The original stage name (kept on the final stage so `--target` still works). */
export function finalName(stage: Stage): string {
  return stage.name && stage.name !== 'build' ? ` AS ${stage.name}` : '';
}

/** Keywords that only describe how the image runs: they go to the final stage wherever they were. */
export const runtimeKeywords = new Set([
  'EXPOSE',
  'LABEL',
  'MAINTAINER',
  'VOLUME',
  'HEALTHCHECK',
  'CMD',
  'ENTRYPOINT',
  'STOPSIGNAL',
]);
/** Keywords that matter to both stages: the build may read them and the runtime config keeps them. */
export const sharedKeywords = new Set(['ARG', 'ENV', 'WORKDIR', 'USER']);
/** Keywords that only build. */
export const buildKeywords = new Set(['RUN', 'COPY', 'ADD', 'SHELL']);

/** The USER value as written, or undefined. */
export function userOf(stage: Stage): Instruction | undefined {
  return userSettingOf(stage)?.instruction;
}

export function isNumericUser(user: string): boolean {
  return /^\d+(:\d+)?$/.test(user);
}

export interface Plan {
  model: DockerfileModel;
  stage: Stage;
  /** The instruction that builds: the build stage ends with it; the final stage gets `generated` in its place. */
  build: Instruction;
  /** Replacement texts for instructions of the build stage (e.g. `CGO_ENABLED=0` inserted). */
  overrides: Map<Instruction, string>;
  finalImage: string;
  /** Lines the final stage gets where the build was (COPY --from, production install). */
  generated: string[];
  /** A USER line to add before CMD/ENTRYPOINT, when the original had none. */
  addedUser?: string;
  /** Instructions after the build that are dropped instead of refused (e.g. `npm prune`). */
  droppable: (instruction: Instruction) => boolean;
  /** Keywords kept in the final stage besides the shared and runtime ones. */
  finalExtra?: Set<string>;
}

/** Writes the two stages: everything up to the build in `build`, the runtime config and the artifacts in the final stage. */
export function assemble(plan: Plan): string {
  const { model, stage, build, overrides } = plan;
  const eol = model.lines.eol;
  const header = model.text.slice(
    0,
    model.lines.offsetAt({
      line: stage.from.range.start.line - leadingComments(model, stage.from).length,
      character: 0,
    }),
  );
  const builder: string[] = [builderFrom(model, stage)];
  const final: string[] = [`FROM ${plan.finalImage}${finalName(stage)}`];
  let userAdded = plan.addedUser === undefined;
  for (const instruction of stage.instructions) {
    const keyword = instruction.keyword;
    const beforeBuild = instruction.index <= build.index;
    if (keyword === 'ONBUILD')
      refuse(`ONBUILD at line ${lineOf(instruction)}: a base image for other builds is not converted.`);
    if (beforeBuild && (sharedKeywords.has(keyword) || buildKeywords.has(keyword))) {
      builder.push(kept(model, instruction, overrides.get(instruction) ?? sourceOf(model, instruction)));
    }
    if (!beforeBuild && buildKeywords.has(keyword) && keyword !== 'SHELL' && !plan.droppable(instruction)) {
      refuse(
        `${keyword} at line ${lineOf(instruction)} runs after the build: cannot tell whether the shipped image needs what it makes.`,
      );
    }
    if (sharedKeywords.has(keyword) || runtimeKeywords.has(keyword) || plan.finalExtra?.has(keyword)) {
      if (!userAdded && (keyword === 'CMD' || keyword === 'ENTRYPOINT')) {
        final.push(plan.addedUser ?? '');
        userAdded = true;
      }
      final.push(kept(model, instruction));
    }
    if (instruction === build) final.push(...plan.generated);
  }
  if (!userAdded && plan.addedUser) final.push(plan.addedUser);
  return `${header}${builder.join(eol)}${eol}${eol}${final.join(eol)}${eol}`;
}

/** Files a COPY/ADD before the build put into the image that the final stage no longer has, for a message. */
export function buildOnlyCopies(
  plan: Pick<Plan, 'stage' | 'build'>,
  isBuildInput: (source: string) => boolean,
): string[] {
  const sources: string[] = [];
  for (const instruction of plan.stage.instructions) {
    if (instruction.index > plan.build.index || !instruction.copy || instruction.copy.from !== undefined) continue;
    for (const source of instruction.copy.sources) if (!isBuildInput(source)) sources.push(source);
  }
  return sources;
}

/** Full and slim tags the bundled data measured, quoted when the image's own tags are not in it. */
const measuredPairs: Record<string, [string, string]> = {
  node: ['node:22', 'node:22-slim'],
  python: ['python:3.12', 'python:3.12-slim'],
};

/**
 * What moving to the final image saves, from the bundled image sizes: the image's own tags when the data
 * has them, else a measured pair of the same family, named as such; undefined when neither is known.
 */
export function expectedGain(stage: Stage, finalImage: string, besides: string): string | undefined {
  const from = referenceOf(stage.image);
  const to = referenceOf(parseImageRef(finalImage, finalImage, false));
  const before = compressedSize(from);
  const after = compressedSize(to);
  if (before !== undefined && after !== undefined)
    return `Expected gain: the base image goes from ${formatSize(before)} to ${formatSize(after)} compressed (${from} → ${to}, bundled data), ${besides}.`;
  const pair = measuredPairs[stage.image.repository];
  const pairBefore = pair && compressedSize(pair[0]);
  const pairAfter = pair && compressedSize(pair[1]);
  if (!pair || pairBefore === undefined || pairAfter === undefined) return undefined;
  return `Expected gain: ${from} → ${to} leaves the full image's build tools out (for ${pair[0]} → ${pair[1]}: ${formatSize(pairBefore)} → ${formatSize(pairAfter)} compressed, bundled data), ${besides}.`;
}
