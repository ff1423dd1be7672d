import { isHarmlessValue, looksLikeSecretName, secretFormatOf } from '../knowledge/secrets';
import type { Instruction } from '../model/model';
import { layersOf } from '../model/model';
import type { Range } from '../model/text';
import { defineRule } from './types';

/** dockerfile-ast's view of one `NAME=value` of an ARG or ENV. */
interface AstProperty {
  getName(): string;
  getNameRange(): Range;
  getValue(): string | null;
  getValueRange(): Range | null;
}

export const rule = defineRule({
  meta: {
    name: 'secret-in-arg-or-env',
    severity: 'warning',
    fixable: false,
    docs: {
      summary:
        'An ARG or ENV holds what looks like a secret, by its name (`*_PASSWORD`, `*_TOKEN`, `API_KEY`) or by its value (an AWS key, a GitHub token, a private key).',
      rationale:
        'ENV values are stored in the image config: `docker inspect` shows them to anyone who can pull the image. ' +
        'Build-arg values are recorded in the image history (`docker history`) of the RUNs that use them. ' +
        'A secret the build needs belongs in a secret mount (`RUN --mount=type=secret,id=…`), which leaves nothing ' +
        'in layers, history or config; a secret the container needs is passed at run time. In a stage that is not ' +
        'shipped the finding is a hint: its history is not exported, but build args can still show up in provenance ' +
        'attestations. A value whose format gives a credential away (AKIA…, ghp_…, -----BEGIN … PRIVATE KEY-----) ' +
        'is reported in every stage: it is committed with the Dockerfile. Under a secret-looking name, values that cannot be secrets are ' +
        'left alone: switches, numbers and versions, paths, URLs without credentials, public key fingerprints and key IDs (a ' +
        '`*_SIGNING_KEY` of 40 hex digits), and placeholders (`changeme`, `<token>`). Messages never repeat the value.',
      bad: 'FROM node:22-slim\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc\nUSER node\n',
      good: 'FROM node:22-slim\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nUSER node\n',
    },
    messages: {
      env:
        "`ENV {{name}}` looks like a secret. ENV values stay in the shipped image's config, where `docker inspect` shows them. " +
        'Pass it at run time, or use `RUN --mount=type=secret,id={{id}}` where the build needs it.',
      arg:
        '`ARG {{name}}` looks like a secret. Build-arg values are recorded in the image history (`docker history`) of the RUNs that use them. ' +
        'Use `RUN --mount=type=secret,id={{id}}` instead.',
      buildStage:
        '`{{keyword}} {{name}}` looks like a secret. This stage is not shipped, but build args can still show up in provenance attestations; ' +
        '`RUN --mount=type=secret,id={{id}}` keeps it out of the build record.',
      value:
        'The value of `{{name}}` looks like {{kind}} ({{shown}}), committed with this Dockerfile{{where}}. Revoke it and pass it with `RUN --mount=type=secret,id={{id}}` instead.',
    },
    compat: { buildkit: ['SecretsUsedInArgOrEnv'] },
  },
  check({ model, report }) {
    const shippedLayers = new Set<Instruction>(model.shipped ? layersOf(model.shipped) : []);
    for (const instruction of model.instructions) {
      const keyword = instruction.keyword;
      if (keyword !== 'ARG' && keyword !== 'ENV') continue;
      const shipped = shippedLayers.has(instruction);
      for (const property of propertiesOf(instruction)) {
        const name = property.getName();
        const value = property.getValue();
        const id = name.toLowerCase();
        const format = value ? secretFormatOf(value) : undefined;
        if (format) {
          const where = shipped && keyword === 'ENV' ? " and kept in the shipped image's config" : '';
          report({
            messageId: 'value',
            data: { name, kind: format.kind, shown: format.shown, id, where },
            range: property.getValueRange() ?? property.getNameRange(),
          });
          continue;
        }
        // A global ARG only feeds FROM lines: it reaches no RUN, history or config until a stage declares it again.
        if (!instruction.stage || !looksLikeSecretName(name)) continue;
        // An ARG without a default (or with an empty one) is filled by --build-arg, which is the leak; an empty ENV holds nothing.
        const empty = value === null || value.trim() === '';
        if (empty ? keyword === 'ENV' : isHarmlessValue(value)) continue;
        const range = property.getNameRange();
        if (!shipped) report({ messageId: 'buildStage', data: { keyword, name, id }, range, severity: 'hint' });
        else report({ messageId: keyword === 'ENV' ? 'env' : 'arg', data: { name, id }, range });
      }
    }
  },
});

function propertiesOf(instruction: Instruction): AstProperty[] {
  const withProperties = instruction.ast as unknown as { getProperties?: () => AstProperty[] };
  return withProperties.getProperties?.() ?? [];
}
