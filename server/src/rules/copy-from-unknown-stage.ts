import { isOfficialImageName } from '../knowledge/images';
import type { DockerfileModel, Flag, Instruction, Stage } from '../model/model';
import type { Fix, Report } from './types';
import { defineRule } from './types';

type MessageId = 'noStage' | 'unknownName' | 'malformed' | 'badIndex' | 'ownStage' | 'cycle' | 'later';

/** A stage reference written in a `COPY --from=` or `RUN --mount=…,from=` flag. */
interface Reference {
  instruction: Instruction;
  stage: Stage;
  /** The value as written. */
  value: string;
  /** Document offsets of the value. */
  start: number;
  end: number;
  /** `COPY --from` takes a stage index too; BuildKit resolves a mount's `from` by name only. */
  acceptsIndex: boolean;
  /** `--from build` without `=`: the offsets are the flag's, `value` the word after it (or empty). */
  malformed?: boolean;
}

export const rule = defineRule<MessageId>({
  meta: {
    name: 'copy-from-unknown-stage',
    severity: 'error',
    fixable: true,
    docs: {
      summary:
        '`COPY --from` or `RUN --mount=from=` names a stage that does not exist (a typo), an index past the last stage, its own stage, or a stage defined later.',
      rationale:
        'A `--from` value that matches no stage name (case-insensitively) is taken as an image: BuildKit tries to ' +
        'pull `docker.io/library/<name>:latest`, and the build fails far from the typo with "pull access denied". ' +
        'An index past the last stage fails with "invalid stage index", and a stage that copies from itself (or ' +
        'from a later stage that depends on it) fails with "circular dependency". BuildKit resolves a stage defined ' +
        'later in the file, but the legacy builder and hadolint do not, so keep stages in dependency order. ' +
        '`--from build` without `=` fails the build ("missing a value on flag"). Values that look like images ' +
        '(`nginx:1.27`, `ghcr.io/org/tool`) and official images (`composer`, `golang`) are left alone; another ' +
        'unqualified name far from every stage, in a file that names its stages, gets an info finding: Docker pulls ' +
        'an image of that name unless the build passes `--build-context NAME=…`.',
      bad: 'FROM golang:1.23 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=buidler /out/app /app\nENTRYPOINT ["/app"]\n',
      good: 'FROM golang:1.23 AS builder\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=builder /out/app /app\nENTRYPOINT ["/app"]\n',
    },
    messages: {
      noStage:
        'No stage is named `{{name}}`. Docker takes it for an image and tries to pull `{{name}}:latest`. Did you mean the stage `{{suggestion}}` (line {{line}})?',
      unknownName:
        'No stage is named `{{name}}` and it is not an official image. Docker will try to pull an image `{{name}}`, unless the build passes `--build-context {{name}}=…`.',
      malformed: '`--from` without `=` fails the build ("missing a value on flag: from"): write `--from={{name}}`.',
      badIndex:
        '`{{name}}` is not a stage index: the stages are numbered 0 to {{last}}, so the build fails with "invalid stage index".',
      ownStage:
        '`{{name}}` is the stage this instruction belongs to: the build fails with "circular dependency detected on stage".',
      cycle:
        'Stage `{{name}}` (line {{line}}) depends on this stage: the build fails with "circular dependency detected on stage".',
      later:
        'Stage `{{name}}` is defined later (line {{line}}). BuildKit resolves it, but the legacy builder pulls an image called `{{name}}` instead; move that stage above this one.',
    },
    compat: { hadolint: ['DL3022', 'DL3023'] },
  },
  check({ model, report }) {
    if (model.stages.length === 0) return;
    const byName = new Map<string, Stage>();
    for (const stage of model.stages) if (stage.name && !byName.has(stage.name)) byName.set(stage.name, stage);
    for (const instruction of model.instructions) {
      for (const reference of referencesOf(model, instruction)) {
        const finding = judge(model, reference, byName);
        if (finding) report(finding);
      }
    }
  },
});

function referencesOf(model: DockerfileModel, instruction: Instruction): Reference[] {
  const stage = instruction.stage;
  if (!stage || (instruction.keyword !== 'COPY' && instruction.keyword !== 'RUN')) return [];
  const references: Reference[] = [];
  for (const flag of instruction.flags) {
    if (flag.value === null) {
      if (instruction.keyword === 'COPY' && flag.name === 'from') references.push(malformed(model, instruction, flag));
      continue;
    }
    const flagStart = model.lines.offsetAt(flag.range.start);
    // The flag's range covers `--name=value` as written; the value starts after the first `=`.
    const valueStart = flagStart + model.text.slice(flagStart, model.lines.offsetAt(flag.range.end)).indexOf('=') + 1;
    if (instruction.keyword === 'COPY' && flag.name === 'from') {
      references.push({
        instruction,
        stage,
        value: flag.value,
        start: valueStart,
        // The flag's end as written: a value continued on the next line (`--from=\` ⏎ `build`) is longer there.
        end: Math.max(valueStart, model.lines.offsetAt(flag.range.end)),
        acceptsIndex: true,
      });
    } else if (instruction.keyword === 'RUN' && flag.name === 'mount') {
      let offset = 0;
      for (const field of flag.value.split(',')) {
        const eq = field.indexOf('=');
        if (eq > 0 && field.slice(0, eq).trim().toLowerCase() === 'from') {
          const start = valueStart + offset + eq + 1;
          references.push({
            instruction,
            stage,
            value: field.slice(eq + 1),
            start,
            end: start + field.length - eq - 1,
            acceptsIndex: false,
          });
        }
        offset += field.length + 1;
      }
    }
  }
  return references;
}

/** `COPY --from build`: the flag, with the word the model read as its value. */
function malformed(model: DockerfileModel, instruction: Instruction, flag: Flag): Reference {
  const start = model.lines.offsetAt(flag.range.start);
  const end = model.lines.offsetAt(flag.range.end);
  const stage = instruction.stage as Stage;
  return { instruction, stage, value: instruction.copy?.from ?? '', start, end, acceptsIndex: true, malformed: true };
}

/** Characters of stage names, indexes, image references and the variables that make them. */
const plausibleReference = /^[\w.:/@${}-]+$/;

function judge(
  model: DockerfileModel,
  reference: Reference,
  byName: Map<string, Stage>,
): Report<MessageId> | undefined {
  const { value, stage } = reference;
  const range = model.lines.range(reference.start, reference.end);
  if (reference.malformed) {
    if (!value) return { messageId: 'malformed', data: { name: 'NAME' }, range };
    // The blanks between `--from` and the name become `=` (or go, when the `=` follows them: `--from =build`).
    const blanks = model.text.slice(reference.end).search(/\S/);
    const name = value.startsWith('=') ? value.slice(1) : value;
    const edit = {
      range: model.lines.range(reference.end, reference.end + blanks),
      newText: name === value ? '=' : '',
    };
    // Only a word that can name a stage, an index or an image is offered as the value (not `|` of `--from | sh`).
    if (!plausibleReference.test(name)) return { messageId: 'malformed', data: { name: 'NAME' }, range };
    return { messageId: 'malformed', data: { name }, range, fix: { title: `Write --from=${name}`, edits: [edit] } };
  }
  // Variables are resolved at build time.
  if (value === '' || value.includes('$')) return undefined;
  let target: Stage | undefined;
  if (reference.acceptsIndex && /^\d+$/.test(value)) {
    target = model.stages[Number(value)];
    if (!target) return { messageId: 'badIndex', data: { name: value, last: model.stages.length - 1 }, range };
  } else {
    target = byName.get(value.toLowerCase());
  }
  if (target === stage) return { messageId: 'ownStage', data: { name: value }, range };
  if (target) {
    if (target.index < stage.index) return undefined;
    const line = target.from.range.start.line + 1;
    if (dependsOn(target, stage)) return { messageId: 'cycle', data: { name: value, line }, range };
    // BuildKit builds it; only the legacy builder (and hadolint's DL3022) reject it.
    return { messageId: 'later', data: { name: value, line }, range, severity: 'warning' };
  }
  // Image references (`nginx:1.27`, `ghcr.io/x/y`, `repo@sha256:…`) are valid sources.
  if (/[:/@.]/.test(value)) return undefined;
  const suggestion = closestStage(value.toLowerCase(), model.stages, stage);
  if (!suggestion) {
    // A file that names its stages and copies from a name that is neither a stage nor an official image: a named context or a mistake.
    if (isOfficialImageName(value) || !model.stages.some((candidate) => candidate.name)) return undefined;
    return { messageId: 'unknownName', data: { name: value }, range, severity: 'info' };
  }
  const name = suggestion.stage.name ?? '';
  const fix: Fix = {
    title: `Use the stage ${name}`,
    edits: [{ range, newText: name }],
    preferred: suggestion.confident,
  };
  return {
    messageId: 'noStage',
    data: { name: value, suggestion: name, line: suggestion.stage.from.range.start.line + 1 },
    range,
    fix,
  };
}

/** True when `from` reaches `to` through FROM, COPY --from and RUN --mount dependencies. */
function dependsOn(from: Stage, to: Stage): boolean {
  const seen = new Set<Stage>();
  const pending = [from];
  for (let current = pending.pop(); current; current = pending.pop()) {
    if (current === to) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    pending.push(...current.dependencies);
  }
  return false;
}

/**
 * The stage a name most likely meant: a small edit distance (a typo), or a stage whose name ends with
 * `-name` (`set` for `license-set`). A name far from every stage is probably an image or a named build
 * context, so there is no suggestion and no finding.
 */
function closestStage(name: string, stages: Stage[], current: Stage): { stage: Stage; confident: boolean } | undefined {
  let best: Stage | undefined;
  let bestDistance = Infinity;
  let ties = 0;
  const suffixed: Stage[] = [];
  for (const stage of stages) {
    if (!stage.name || stage === current) continue;
    const distance = editDistance(name, stage.name, 2);
    if (distance <= allowedDistance(name, stage.name)) {
      if (distance < bestDistance) {
        best = stage;
        bestDistance = distance;
        ties = 0;
      } else if (distance === bestDistance) {
        ties++;
      }
    }
    if (name.length >= 3 && (stage.name.endsWith(`-${name}`) || stage.name.endsWith(`_${name}`))) suffixed.push(stage);
  }
  if (best) return { stage: best, confident: ties === 0 };
  if (suffixed.length === 1) return { stage: suffixed[0], confident: false };
  return undefined;
}

/** Short names are one edit from many words; allow fewer edits for them. */
function allowedDistance(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  if (shorter < 3) return 0;
  return shorter < 5 ? 1 : 2;
}

/** Levenshtein distance, cut off at `limit + 1` (stage names are short; this runs once per reference). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_unused, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return Math.min(previous[b.length], limit + 1);
}
