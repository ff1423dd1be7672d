import { copyRequestOf, copySize } from '../context/copySize';
import type { ContextIndex } from '../context/walker';
import { baseImageSizeOf, formatSize, referenceOf } from '../knowledge/images';
import { packagesInstalledBy } from '../knowledge/packageManagers';
import { effectiveCommandsOf } from '../model/commands';
import type { ImageRef } from '../model/image';
import type { DockerfileModel, Instruction, Stage } from '../model/model';
import { platformFlagOf, rootStage } from '../model/model';
import { expand } from '../model/variables';
import type { Range } from '../model/text';
import { aptBaseImage, aptRunFacts, aptSuites, estimateAptRun, runtimeLibrariesOf } from './apt';
import { contextFilesBefore } from './contextFiles';
import type { ContextFileReader } from './contextFiles';
import { estimateCopyFromStage } from './copyFrom';
import { CommandsAfter, estimateInstallCommand } from './installs';
import type { AptRunFacts, AptSuite } from './apt';
import { boundsOf, totalBounds, unknownBounds } from './uncertainty';
import type { SizeBounds, SizedPart } from './uncertainty';

/** How a figure was obtained: measured files, data files, a rule of thumb, or not at all. */
export type SizeConfidence = 'exact' | 'data' | 'estimate' | 'unknown';

/** Each figure carries the interval its method's measured error gives (./uncertainty.ts). */
export interface LayerEstimate extends SizeBounds {
  /** 1-based line where the instruction starts. */
  line: number;
  instruction: string;
  keyword: string;
  range: Range;
  diskBytes: number | null;
  compressedBytes: number | null;
  confidence: SizeConfidence;
  /** Where the number comes from, or why there is none. */
  notes: string[];
}

export interface BaseEstimate extends SizeBounds {
  reference: string;
  /** Set when the stage is built `FROM` another stage. */
  stage?: number;
  diskBytes: number | null;
  compressedBytes: number | null;
  confidence: SizeConfidence;
  notes: string[];
}

export interface StageEstimate extends SizeBounds {
  name: string | null;
  index: number;
  shipped: boolean;
  base: BaseEstimate;
  /** Base plus layers; null when the base is unknown. A lower bound when `unknownLayers` > 0. */
  diskBytes: number | null;
  compressedBytes: number | null;
  /** What the stage's own layers add (known layers only). */
  addedDiskBytes: number;
  addedCompressedBytes: number;
  unknownLayers: number;
  layers: LayerEstimate[];
}

export interface ImageSizeEstimate {
  stages: StageEstimate[];
}

/** A base image's pull size read from its registry; null (with a note saying why) when there is none. */
export interface KnownBaseSize {
  compressedBytes: number | null;
  notes: string[];
}

export interface EstimateInputs {
  /** The build context's index, once walked; COPY sizes are unknown without it. */
  contextIndex?: ContextIndex;
  /** Registry sizes (opt-in), consulted before the data files; gets the image and its `--platform` flag. */
  baseSizes?: (image: ImageRef, platform: string | undefined) => KnownBaseSize | undefined;
  /** Reads a build-context file (lockfiles, requirements files) by its path relative to the context root. */
  readContextFile?: ContextFileReader;
}

/**
 * Rule of thumb for the on-disk size of an image whose compressed pull size is known: Debian and
 * Alpine userlands unpack to about 2–2.7× (../shared/data/README.md); the middle is used and marked
 * as an estimate.
 */
const diskPerCompressedByte = 2.4;
/** Source files and build outputs copied from the context compress to about half (text, binaries). */
const compressedPerCopiedByte = 0.5;

/** Commands whose effect on a layer's size is negligible (a few KB at most). */
const negligible = new Set([
  'echo',
  'printf',
  'mkdir',
  'ln',
  'chmod',
  'chown',
  'chgrp',
  'touch',
  'true',
  'false',
  'set',
  'export',
  'cd',
  'test',
  '[',
  'useradd',
  'groupadd',
  'adduser',
  'addgroup',
  'usermod',
  'sed',
  'grep',
  'sh',
  'bash',
  'which',
  'id',
  'env',
  'rm',
  'rmdir',
  'apt-mark',
  'update-ca-certificates',
  'ldconfig',
  'dpkg-reconfigure',
  'locale-gen',
  'sleep',
  'exit',
  'cat',
  'tee',
  'mv',
  'install',
]);

/** Estimates every stage of a Dockerfile: base image, then each layer-making instruction. Pure. */
export function estimateImageSize(model: DockerfileModel, inputs: EstimateInputs = {}): ImageSizeEstimate {
  const estimates: StageEstimate[] = [];
  const installedByStage = new Map<Stage, Set<string>>();
  const baseByStage = new Map<Stage, ReadonlySet<string>>();
  const pipByStage = new Map<Stage, Set<string>>();
  for (const stage of model.stages) {
    const base = estimateBase(stage, estimates, inputs);
    const suite = suiteOf(stage);
    // The base image's packages stay one shared set; `installed` holds what the stage's layers add.
    const basePackageSet = stage.baseStage
      ? (baseByStage.get(stage.baseStage) ?? noPackages)
      : basePackages(stage, suite);
    baseByStage.set(stage, basePackageSet);
    const installed = new Set<string>(stage.baseStage ? (installedByStage.get(stage.baseStage) ?? []) : []);
    const pipInstalled = new Set<string>(stage.baseStage ? (pipByStage.get(stage.baseStage) ?? []) : []);
    pipByStage.set(stage, pipInstalled);
    const layers: LayerEstimate[] = [];
    const layerContext: LayerContext = {
      suite,
      base: basePackageSet,
      installed,
      slim: isSlim(stage),
      ubuntu: isUbuntu(stage),
      estimates,
      inputs,
      pipInstalled,
    };
    for (const instruction of stage.instructions) {
      const layer = estimateLayer(model, instruction, layerContext);
      if (layer) layers.push(layer);
    }
    installedByStage.set(stage, installed);
    const known = layers.filter((layer) => layer.diskBytes !== null);
    const addedDiskBytes = known.reduce((sum, layer) => sum + (layer.diskBytes ?? 0), 0);
    const addedCompressedBytes = known.reduce((sum, layer) => sum + (layer.compressedBytes ?? 0), 0);
    estimates.push({
      name: stage.name ?? null,
      index: stage.index,
      shipped: stage.shipped,
      base,
      diskBytes: base.diskBytes === null ? null : base.diskBytes + addedDiskBytes,
      compressedBytes: base.compressedBytes === null ? null : base.compressedBytes + addedCompressedBytes,
      addedDiskBytes,
      addedCompressedBytes,
      unknownLayers: layers.length - known.length,
      layers,
      ...(base.diskBytes === null ? unknownBounds : totalBounds([base, ...layers])),
    });
  }
  return { stages: estimates };
}

function estimateBase(stage: Stage, earlier: StageEstimate[], inputs: EstimateInputs): BaseEstimate {
  if (stage.baseStage) {
    const parent = earlier[stage.baseStage.index];
    return {
      reference: stage.baseStage.name ?? String(stage.baseStage.index),
      stage: stage.baseStage.index,
      diskBytes: parent?.diskBytes ?? null,
      compressedBytes: parent?.compressedBytes ?? null,
      diskLow: parent?.diskLow ?? null,
      diskHigh: parent?.diskHigh ?? null,
      compressedLow: parent?.compressedLow ?? null,
      compressedHigh: parent?.compressedHigh ?? null,
      confidence: parent && parent.diskBytes !== null ? 'estimate' : 'unknown',
      notes: [`inherits stage ${stage.baseStage.name ?? stage.baseStage.index}`],
    };
  }
  if (stage.image.isScratch)
    return {
      reference: 'scratch',
      diskBytes: 0,
      compressedBytes: 0,
      diskLow: 0,
      diskHigh: 0,
      compressedLow: 0,
      compressedHigh: 0,
      confidence: 'exact',
      notes: ['scratch is empty'],
    };
  const reference = referenceOf(stage.image);
  const known = stage.image.unresolved ? undefined : inputs.baseSizes?.(stage.image, platformFlagOf(stage));
  if (known && known.compressedBytes !== null) {
    const compressedBytes = known.compressedBytes;
    const diskBytes = Math.round(compressedBytes * diskPerCompressedByte);
    return {
      reference,
      diskBytes,
      compressedBytes,
      ...boundsOf([{ method: 'registry', diskBytes, compressedBytes }]),
      confidence: 'exact',
      notes: [...known.notes, `on disk ≈ ${diskPerCompressedByte}× (rule of thumb)`],
    };
  }
  const found = baseImageSizeOf(stage.image);
  if (found === undefined) {
    return {
      reference: stage.image.resolved,
      diskBytes: null,
      compressedBytes: null,
      ...unknownBounds,
      confidence: 'unknown',
      notes: [
        stage.image.unresolved
          ? `${stage.image.resolved}: a variable without a default decides the image`
          : `no size data for ${stage.image.resolved} or another version of the same variant`,
        ...(known?.notes ?? []),
      ],
    };
  }
  const compressed = found.compressedBytes;
  const diskBytes = Math.round(compressed * diskPerCompressedByte);
  const built = found.built ? ` (image built ${found.built})` : '';
  if (found.match !== 'exact') {
    const nearest = found.match === 'nearest';
    return {
      reference,
      diskBytes,
      compressedBytes: compressed,
      ...boundsOf([{ method: nearest ? 'base-nearest' : 'base-family', diskBytes, compressedBytes: compressed }]),
      confidence: 'estimate',
      notes: [
        nearest && stage.image.unresolved
          ? `a variable without a default is part of ${stage.image.resolved}: sized as ${found.reference}, the newest known image of what the rest names, ${formatSize(compressed)} to pull${built} (docker-library/repo-info); an estimate`
          : nearest
            ? `no record of ${reference}: the nearest known version of the same variant, ${found.reference}, pulls ${formatSize(compressed)}${built} (docker-library/repo-info); an estimate, on disk ≈ ${diskPerCompressedByte}× (rule of thumb)`
            : `no registry record of ${reference}: its family is published as about ${formatSize(compressed)} to pull (${found.source}); a rough estimate`,
        ...(known?.notes ?? []),
      ],
    };
  }
  return {
    reference,
    diskBytes,
    compressedBytes: compressed,
    ...boundsOf([{ method: 'base-data', diskBytes, compressedBytes: compressed }]),
    confidence: 'data',
    notes: [
      `pull size from docker-library/repo-info${built}; on disk ≈ ${diskPerCompressedByte}× (rule of thumb)`,
      ...(known?.notes ?? []),
    ],
  };
}

interface LayerContext {
  suite: AptSuite;
  /** The base image's Debian packages. */
  base: ReadonlySet<string>;
  /** Debian packages the stage's layers (and the stages it is built on) added. */
  installed: Set<string>;
  slim: boolean;
  /** The stage runs on Ubuntu, whose index LayerLens does not carry: Debian's stands in. */
  ubuntu: boolean;
  estimates: StageEstimate[];
  inputs: EstimateInputs;
  /** pip distributions installed so far in the stage (and the stages it is built on). */
  pipInstalled: Set<string>;
}

function estimateLayer(
  model: DockerfileModel,
  instruction: Instruction,
  context: LayerContext,
): LayerEstimate | undefined {
  const keyword = instruction.keyword;
  // Only RUN, COPY and ADD make layers with content: the others are not summarised at all.
  if (keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD') return undefined;
  const figures =
    keyword === 'RUN' ? estimateRun(model, instruction, context) : estimateCopy(model, instruction, context);
  return {
    line: instruction.range.start.line + 1,
    instruction: summary(model, instruction),
    keyword,
    range: instruction.range,
    ...figures,
  };
}

type Figures = Pick<LayerEstimate, 'diskBytes' | 'compressedBytes' | 'confidence' | 'notes'> & SizeBounds;

function estimateRun(model: DockerfileModel, instruction: Instruction, context: LayerContext): Figures {
  const run = instruction.run;
  if (!run || !run.posixShell) return unknown('not a POSIX shell RUN');
  const notes: string[] = [];
  const parts: SizedPart[] = [];
  let incomplete = false;
  // All apt installs of the RUN at once: dpkg's bookkeeping and the package lists count once per layer.
  const removal = afterRemoval(
    withVariablesExpanded(aptRunFacts(model, instruction), model, instruction),
    context.suite,
  );
  const facts = removal.facts;
  // `apt-get update` alone still leaves the package lists in the layer.
  const aptData = facts.installs.length > 0 || facts.listsKept;
  let otherInstalls = false;
  let standInUsed = false;
  if (aptData) {
    const estimate = estimateAptRun(facts, {
      suite: context.suite,
      base: context.base,
      installed: context.installed,
      slim: context.slim,
    });
    for (const name of estimate.packages) context.installed.add(name);
    parts.push({
      method: context.ubuntu ? 'apt-ubuntu-stand-in' : 'apt',
      diskBytes: estimate.diskBytes,
      compressedBytes: estimate.compressedBytes,
    });
    incomplete = estimate.unknown.length > 0;
    if (facts.installs.length > 0)
      notes.push(
        `apt: ${estimate.packages.length} packages from Debian ${context.suite}'s index (dependency closure, sizes calibrated on measured layers)${estimate.unknown.length ? `; not in the index: ${estimate.unknown.join(', ')}` : ''}`,
      );
    for (const [requested, standIn] of estimate.standIns ?? [])
      notes.push(`apt: ${requested} is not in Debian ${context.suite}'s index; ${standIn} stands in (an estimate)`);
    if (estimate.standIns) standInUsed = true;
    if (context.ubuntu && facts.installs.length > 0)
      notes.push(`Ubuntu: no Ubuntu package index here, Debian ${context.suite}'s stands in (an estimate)`);
    if (facts.listsKept)
      notes.push(
        `apt's package lists (/var/lib/apt/lists) stay in the layer: their size measured on Debian ${context.suite}`,
      );
  }
  if (removal.note) notes.push(removal.note);
  // pip, npm/yarn/pnpm and apk installs: estimates from measured installs and rules of thumb (./installs.ts).
  const commands = effectiveCommandsOf(run);
  const unknownCommands: string[] = [];
  const unknownNotes: string[] = [];
  let files: ReturnType<typeof contextFilesBefore> | undefined;
  const rest = new CommandsAfter(commands, 0);
  commands.forEach((command, position) => {
    const installs = packagesInstalledBy(command);
    if (installs?.manager === 'apt') return;
    files ??= contextFilesBefore(instruction, context.inputs.contextIndex, context.inputs.readContextFile);
    const figures = estimateInstallCommand(command, rest.after(position), {
      suite: context.suite,
      pipInstalled: context.pipInstalled,
      files,
      instruction,
    });
    if (figures && figures.diskBytes !== null) {
      parts.push({
        method: figures.method,
        diskBytes: figures.diskBytes,
        compressedBytes: figures.compressedBytes ?? 0,
      });
      otherInstalls = true;
      notes.push(...figures.notes);
      if (figures.unknownParts.length > 0) incomplete = true;
      return;
    }
    if (figures) unknownNotes.push(...figures.notes);
    if (figures || installs !== undefined || (!negligible.has(command.program) && !command.program.startsWith('apt')))
      unknownCommands.push(command.program);
  });
  const anyData = aptData || otherInstalls;
  if (unknownCommands.length > 0 && !anyData)
    return unknown(
      [`size of \`${[...new Set(unknownCommands)].join('`, `')}\` is not estimated`, ...unknownNotes].join('; '),
    );
  if (unknownCommands.length > 0)
    notes.push(`lower bound: \`${[...new Set(unknownCommands)].join('`, `')}\` not counted`, ...unknownNotes);
  if (!anyData) notes.push('only small commands: a few KB');
  // Small commands still write files (a user, a config line, a symlink): counted as an allowance, not a size.
  parts.push({ method: 'small-commands', diskBytes: 0, compressedBytes: 0 });
  const diskBytes = parts.reduce((sum, part) => sum + part.diskBytes, 0);
  const compressedBytes = parts.reduce((sum, part) => sum + part.compressedBytes, 0);
  // Only apt figures come from package data alone; pip and node_modules figures are estimates.
  const confidence: SizeConfidence =
    aptData && !context.ubuntu && !standInUsed && !otherInstalls && !incomplete && unknownCommands.length === 0
      ? 'data'
      : 'estimate';
  return {
    diskBytes,
    compressedBytes,
    ...boundsOf(parts, incomplete || unknownCommands.length > 0),
    confidence,
    notes,
  };
}

/**
 * The apt installs of a RUN with ARG/ENV references in package lists expanded as Docker passes them to
 * the shell (`apt-get install -y $PHPIZE_DEPS`): a reference with a known value becomes its words; one
 * without (a shell variable set in the RUN, an ARG the build passes) stays, and is reported unknown.
 */
function withVariablesExpanded(facts: AptRunFacts, model: DockerfileModel, instruction: Instruction): AptRunFacts {
  const hasReference = (names: readonly string[]) => names.some((name) => name.includes('$'));
  if (!facts.installs.some((install) => hasReference(install.packages)) && !hasReference(facts.removed)) return facts;
  // Package names arrive lowercased (apt's names are): the RUN's own text gives the variables' spelling.
  const references = new Map(
    (model.text.slice(instruction.start, instruction.end).match(/\$\{?\w+/g) ?? []).map((reference) => [
      reference.toLowerCase(),
      reference,
    ]),
  );
  const original = (name: string) => name.replace(/\$\{?\w+/g, (reference) => references.get(reference) ?? reference);
  const expanded = (names: readonly string[]) =>
    names.flatMap((name) => {
      if (!name.includes('$')) return [name];
      const expansion = expand(model, original(name), instruction, { mode: 'word' });
      return expansion.unresolved.length > 0 ? [name] : expansion.value.split(/\s+/).filter(Boolean);
    });
  const installs = facts.installs.map((install) => ({ ...install, packages: expanded(install.packages) }));
  return { ...facts, installs, removed: expanded(facts.removed) };
}

/**
 * What of a RUN's apt installs stays when the same RUN removes packages again. With `apt-mark auto '.*'`
 * (or a purge of everything it installed) and `--auto-remove`, only what is marked manual stays: the
 * libraries the built binaries link when the RUN marks those (`ldd … | xargs apt-mark manual`), taken as
 * the runtime libraries of the requested `-dev` packages. Otherwise the named packages are dropped from
 * the installs and the rest stays with its dependencies.
 */
function afterRemoval(facts: AptRunFacts, suite: AptSuite): { facts: AptRunFacts; note?: string } {
  if (!facts.removesPackages && !facts.marksAllAuto) return { facts };
  const requested = facts.installs.flatMap((install) => install.packages);
  const removed = new Set(facts.removed);
  if (facts.autoRemove && (facts.marksAllAuto || requested.every((name) => removed.has(name)))) {
    const kept = [...(facts.keepsLinkedLibraries ? runtimeLibrariesOf(requested, suite) : []), ...facts.markedManual];
    return {
      facts: { ...facts, installs: kept.length > 0 ? [{ packages: kept, noInstallRecommends: true }] : [] },
      note:
        kept.length > 0
          ? `apt: the build packages are purged again in this RUN; what stays is counted: the runtime libraries of the -dev packages (${kept.slice(0, 5).join(', ')}${kept.length > 5 ? ', …' : ''}), which the built binaries link`
          : 'apt: everything this RUN installs is purged again in it',
    };
  }
  const installs = facts.installs
    .map((install) => ({ ...install, packages: install.packages.filter((name) => !removed.has(name)) }))
    .filter((install) => install.packages.length > 0);
  return {
    facts: { ...facts, installs },
    note: `apt: ${[...removed].join(', ')} removed again in this RUN: not counted`,
  };
}

function estimateCopy(model: DockerfileModel, instruction: Instruction, context: LayerContext): Figures {
  const copy = instruction.copy;
  if (!copy) return unknown('no sources');
  if (copy.from !== undefined) {
    if (!copy.fromStage) return unknown(`files of the image ${copy.from} are not estimated`);
    const figures = estimateCopyFromStage(copy.sources, copy.fromStage, context.estimates);
    const { partial, ...rest } = figures;
    if (figures.diskBytes === null) return { ...rest, ...unknownBounds };
    const part: SizedPart = {
      method: 'copy-from-stage',
      diskBytes: figures.diskBytes,
      compressedBytes: figures.compressedBytes ?? 0,
    };
    return { ...rest, ...boundsOf([part], partial) };
  }
  const request = copyRequestOf(model, instruction);
  if (!request) return unknown('no sources');
  const measured = copySize(context.inputs.contextIndex, request);
  if (measured.errors.length > 0)
    return unknown(measured.errors.map((error) => `${error.source}: ${error.message}`).join('; '));
  if (measured.confidence === 'unknown')
    return unknown(measured.notes.join(' ') || 'the build context has not been measured yet');
  const compressedBytes = Math.round(measured.bytes * compressedPerCopiedByte);
  return {
    diskBytes: measured.bytes,
    compressedBytes,
    ...boundsOf([{ method: 'context-copy', diskBytes: measured.bytes, compressedBytes }]),
    confidence: measured.confidence,
    notes: [
      `${measured.files} files from the build context${measured.confidence === 'exact' ? ', measured' : ''}; pull size ≈ half`,
      ...measured.notes,
    ],
  };
}

function unknown(note: string): Figures {
  return { diskBytes: null, compressedBytes: null, ...unknownBounds, confidence: 'unknown', notes: [note] };
}

/** The Debian suite a stage's apt installs resolve against: from the base image, its tag, or the current default. */
function suiteOf(stage: Stage): AptSuite {
  const root = rootStage(stage);
  const known = aptBaseImage(root.image.repository, root.image.tag ?? 'latest');
  if (known) return known.suite;
  const tag = root.image.tag ?? '';
  return (
    aptSuites.find((suite) => tag.includes(suite)) ??
    (tag.includes('12') && root.image.repository === 'debian' ? 'bookworm' : 'trixie')
  );
}

/** Official images built on buildpack-deps:<suite> when their tag is neither slim nor alpine (docker-library Dockerfiles). */
const onBuildpackDeps = new Set([
  'buildpack-deps',
  'node',
  'python',
  'ruby',
  'golang',
  'rust',
  'perl',
  'gcc',
  'haskell',
  'erlang',
  'elixir',
]);

/**
 * The Debian packages a stage's base image has. Known Debian images from the index; any other image
 * that runs apt is at least a Debian root of its suite (slim when its tag says so), or buildpack-deps
 * for the official language images built on it. Without this, apt closures would count dpkg, libc6
 * and the rest of the base again.
 */
function basePackages(stage: Stage, suite: AptSuite): ReadonlySet<string> {
  const key = `${stage.image.repository}:${stage.image.tag ?? 'latest'}:${suite}:${stage.image.isScratch}`;
  let packages = basePackagesCache.get(key);
  if (!packages) {
    packages = findBasePackages(stage, suite);
    if (basePackagesCache.size > 256) basePackagesCache.clear();
    basePackagesCache.set(key, packages);
  }
  return packages;
}

const basePackagesCache = new Map<string, ReadonlySet<string>>();
const noPackages: ReadonlySet<string> = new Set();

function findBasePackages(stage: Stage, suite: AptSuite): ReadonlySet<string> {
  const known = aptBaseImage(stage.image.repository, stage.image.tag ?? 'latest');
  if (known) return known.packages;
  if (stage.image.isScratch) return noPackages;
  const tag = stage.image.tag ?? 'latest';
  if (/alpine/.test(tag)) return noPackages;
  const name = stage.image.repository.slice(stage.image.repository.lastIndexOf('/') + 1);
  if (/slim/.test(tag)) return aptBaseImage('debian', `${suite}-slim`)?.packages ?? noPackages;
  if (onBuildpackDeps.has(name)) return aptBaseImage('buildpack-deps', suite)?.packages ?? noPackages;
  return aptBaseImage('debian', suite)?.packages ?? noPackages;
}

const ubuntuCodenames = /(^|[-.])(xenial|bionic|focal|jammy|noble|oracular|plucky|questing|resolute)([-.]|$)|ubuntu/;

/** Ubuntu itself or an image whose tag names an Ubuntu release (`nvidia/cuda:…-ubuntu24.04`, `…:8.0-noble`). */
function isUbuntu(stage: Stage): boolean {
  const root = rootStage(stage);
  return root.image.repository === 'ubuntu' || ubuntuCodenames.test(root.image.tag ?? '');
}

function isSlim(stage: Stage): boolean {
  const root = rootStage(stage);
  return /slim/.test(root.image.tag ?? '');
}

function summary(model: DockerfileModel, instruction: Instruction): string {
  // The instruction on one line, continuations joined and blanks collapsed, cut at 80 characters: read
  // only as far as that needs (a long RUN's tail is never normalised).
  const text = model.text;
  let out = '';
  let blank = false;
  for (let offset = instruction.start; offset < instruction.end && out.length <= 80; offset++) {
    const char = text[offset];
    if (char === '\\') {
      // A line continuation: a backslash with only blanks up to the end of its line.
      let next = offset + 1;
      while (next < instruction.end && (text[next] === ' ' || text[next] === '\t' || text[next] === '\r')) next++;
      if (next < instruction.end && text[next] === '\n') {
        blank = true;
        offset = next;
        continue;
      }
    }
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      blank = true;
      continue;
    }
    if (blank && out.length > 0) out += ' ';
    blank = false;
    out += char;
  }
  return out.length > 80 ? `${out.slice(0, 77)}…` : out;
}
