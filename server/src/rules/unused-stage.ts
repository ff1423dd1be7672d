import type { Stage } from '../model/model';
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
        '`FROM base-${TARGETARCH}`) count for every stage whose name they can match.',
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
    const used = usedStages(model.stages);
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
 * The model's reachable stages, widened by what it cannot resolve statically: a reference through a
 * variable counts for every stage name it can match, and BuildKit also resolves `--from` to a stage
 * defined later in the file.
 */
function usedStages(stages: Stage[]): Set<Stage> {
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
    for (const reference of referencesOf(stage)) {
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

/** Stage references as written: the FROM image when it holds a variable, `COPY --from`, `RUN --mount` `from=`. */
function referencesOf(stage: Stage): string[] {
  const references: string[] = [];
  // `FROM ${BASE}` with a default the model resolved is an image; `FROM base-${TARGETARCH}` picks a stage.
  const raw = stage.image.raw;
  if (raw.includes('$') && (stage.image.unresolved || !/^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)$/.test(raw)))
    references.push(raw);
  for (const instruction of stage.instructions) {
    if (instruction.copy?.from) references.push(instruction.copy.from);
    if (instruction.keyword !== 'RUN') continue;
    for (const flag of instruction.flags) {
      if (flag.name !== 'mount' || !flag.value) continue;
      for (const field of flag.value.split(',')) {
        const eq = field.indexOf('=');
        if (eq > 0 && field.slice(0, eq).trim().toLowerCase() === 'from' && eq < field.length - 1)
          references.push(field.slice(eq + 1));
      }
    }
  }
  return references;
}

/** `build-${VARIANT}` → /^build-.*$/i: any value the variable may take at build time. */
function variablePattern(reference: string): RegExp {
  const parts = reference.split(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/);
  return new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}
