import type { DockerfileModel, Instruction, Stage } from '../model/model';
import { expandWith, keyValuePairsOf, scopeAt } from '../model/variables';
import type { Variable } from '../model/variables';
import { compileGoGlob, escapeGlob } from '../model/glob';
import type { Glob } from '../model/glob';
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'unused-stage',
    severity: 'hint',
    fixable: false,
    unnecessary: true,
    docs: {
      summary:
        'A build stage that the shipped stage does not use: no FROM, COPY --from or RUN --mount=from= leads to it.',
      rationale:
        'BuildKit builds only the stages the target needs, so an unused stage is skipped (the legacy builder still ' +
        'builds it) and only costs readers time. It is often a leftover of a refactoring, or a stage meant for ' +
        '`docker build --target` (tests, debug images): remove it, or build it with `--target`. Which stage ships ' +
        'follows the `layerlens.target` setting. References through variables (`COPY --from=build-${VARIANT}`, ' +
        '`FROM base-${TARGETARCH}`) count for every stage whose name they can match; an ARG built from the platform ' +
        '(`ARG IMAGE=base-${TARGETARCH}`, `FROM ${IMAGE}`) is followed to its default with the platform left open, because a ' +
        'build for another platform than the linux/amd64 LayerLens assumes selects another stage.',
      bad: 'FROM node:22 AS deps\nRUN npm ci\n\nFROM node:22 AS legacy-build\nRUN npm run build:legacy\n\nFROM node:22-slim\nCOPY --from=deps /node_modules /app/node_modules\nUSER node\n',
      good: 'FROM node:22 AS deps\nRUN npm ci\n\nFROM node:22-slim\nCOPY --from=deps /node_modules /app/node_modules\nUSER node\n',
    },
    messages: {
      named:
        'Stage `{{stage}}` is not used by the shipped stage {{shipped}}: BuildKit skips it. Remove it, or build it with --target {{stage}}.',
      unnamed:
        'Stage {{index}} is not used by the shipped stage {{shipped}}: BuildKit skips it. Remove it, or name it and build it with --target.',
    },
  },
  check({ model, report }) {
    const shipped = model.shipped;
    if (!shipped || model.stages.length < 2) return;
    const used = usedStages(model);
    const shippedName = shipped.name ? `\`${shipped.name}\`` : `(line ${shipped.from.range.start.line + 1})`;
    for (const stage of model.stages) {
      if (used.has(stage)) continue;
      if (stage.name)
        report({ messageId: 'named', data: { stage: stage.name, shipped: shippedName }, range: stage.from.range });
      else
        report({ messageId: 'unnamed', data: { index: stage.index, shipped: shippedName }, range: stage.from.range });
    }
  },
});

/**
 * The model's reachable stages, widened by what a build on another platform or with other build args may
 * select: a reference through a variable counts for every stage name it can match once the variables
 * LayerLens knows are expanded (platform ARGs, which the model assumes to be linux/amd64, and ARGs without
 * a value match anything), and BuildKit also resolves `--from` to a stage defined later in the file.
 */
function usedStages(model: DockerfileModel): Set<Stage> {
  const stages = model.stages;
  const byName = new Map<string, Stage>();
  for (const stage of stages) if (stage.name && !byName.has(stage.name)) byName.set(stage.name, stage);
  const used = new Set<Stage>();
  const pending: Stage[] = [];
  const use = (stage: Stage | undefined) => {
    if (!stage || used.has(stage)) return;
    used.add(stage);
    pending.push(stage);
  };
  for (const stage of stages) if (stage.reachable) use(stage);
  for (let stage = pending.pop(); stage; stage = pending.pop()) {
    for (const dependency of stage.dependencies) use(dependency);
    for (const { text, at } of referencesOf(stage)) {
      const reference = text.includes('$') ? expandForAnyPlatform(model, text, at) : text;
      if (!reference.includes('$')) {
        use(/^\d+$/.test(reference) ? stages[Number(reference)] : byName.get(reference.toLowerCase()));
        continue;
      }
      const pattern = variablePattern(reference);
      for (const candidate of stages) if (candidate.name && pattern.test(candidate.name)) use(candidate);
    }
  }
  return used;
}

/** Stage references as written, with the instruction whose scope expands them: a variable FROM the model did not settle, `COPY --from`, `RUN --mount` `from=`. */
function referencesOf(stage: Stage): Array<{ text: string; at: Instruction }> {
  const references: Array<{ text: string; at: Instruction }> = [];
  // A FROM the model resolved without assumptions names an image or a stage (then a dependency already).
  const image = stage.image;
  // `FROM ${BASE}` whose default the model resolved to an image is an image; `FROM base-${VARIANT}` picks a stage,
  // and so does a FROM that depends on the platform (`ARG X=${TARGETARCH}`, `FROM ${X}`).
  const singleVariable = /^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)$/.test(image.raw);
  // `ARG PLATFORM=xpu`, `FROM ${PLATFORM}` naming a stage: the build arg selects among the stages.
  const selectsStage = stage.baseStage !== undefined;
  if (
    image.raw.includes('$') &&
    (image.unresolved || (image.assumed?.length ?? 0) > 0 || !singleVariable || selectsStage)
  )
    references.push({ text: image.raw, at: stage.from });
  for (const instruction of stage.instructions) {
    if (instruction.copy?.from) references.push({ text: instruction.copy.from, at: instruction });
    if (instruction.keyword !== 'RUN') continue;
    for (const flag of instruction.flags) {
      if (flag.name !== 'mount' || !flag.value) continue;
      for (const field of flag.value.split(',')) {
        const eq = field.indexOf('=');
        if (eq > 0 && field.slice(0, eq).trim().toLowerCase() === 'from' && eq < field.length - 1)
          references.push({ text: field.slice(eq + 1), at: instruction });
      }
    }
  }
  return references;
}

/**
 * Expands a reference with the variables the build cannot change: ENV values, and the written defaults
 * of ARGs derived from the platform (`ARG IMAGE=base-${TARGETARCH}`), whose platform ARGs stay open. Other
 * ARGs stay as written, since `--build-arg` may set them to any stage's name, and so do platform ARGs:
 * the model assumes linux/amd64, but a build for another platform selects another stage.
 */
function expandForAnyPlatform(model: DockerfileModel, text: string, at: Instruction, depth = 0): string {
  const scope = scopeAt(model, at);
  return expandWith(text, (name) => fixedValue(model, scope.get(name), depth), model.escapeChar, 'word').value;
}

function fixedValue(model: DockerfileModel, variable: Variable | undefined, depth: number): Variable | undefined {
  if (!variable || variable.kind === 'platform' || variable.value === undefined) return undefined;
  if (variable.assumed.length === 0) return variable.kind === 'env' ? variable : undefined;
  // Its value was expanded with the assumed platform: expand what was written again, platform ARGs left open.
  const declaredAt = variable.declaredAt;
  const written = declaredAt && keyValuePairsOf(model, declaredAt).find((pair) => pair.name === variable.name);
  if (!declaredAt || !written || written.rawValue === undefined || depth > 8) return undefined;
  return { ...variable, value: expandForAnyPlatform(model, written.rawValue, declaredAt, depth + 1), assumed: [] };
}

/** `build-${VARIANT}` → `build-*` (case-insensitive): any value the variable may take at build time; linear, unlike a RegExp of many `.*`. */
function variablePattern(reference: string): Glob {
  const parts = reference.toLowerCase().split(/\$\{[^}]*\}|\$[a-z_][a-z0-9_]*/);
  const glob = compileGoGlob(parts.map(escapeGlob).join('*')) ?? { test: () => false };
  return { test: (name) => glob.test(name.toLowerCase()) };
}
