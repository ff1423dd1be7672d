import assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/model';
import type { DockerfileModel, Instruction } from '../../server/src/model/model';
import { expand, keyValuePairsOf, scopeAt, variableAt } from '../../server/src/model/variables';
import type { Expansion } from '../../server/src/model/variables';

const eols = [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
] as const;

/** The model of the lines, and the instruction on the line that starts with `marker`'s text. */
function at(lines: string[], eol: string, marker: string): { model: DockerfileModel; instruction: Instruction } {
  const model = buildModel(lines.join(eol) + eol);
  const instruction = model.instructions.find((candidate) =>
    model.text.slice(candidate.start, candidate.end).startsWith(marker),
  );
  if (!instruction) throw new Error(`no instruction starts with ${marker}`);
  return { model, instruction };
}

function expanded(lines: string[], eol: string, marker: string, text: string, shell = false): Expansion {
  const { model, instruction } = at(lines, eol, marker);
  return expand(model, text, instruction, shell ? { mode: 'shell' } : {});
}

const known = (value: string): Expansion => ({ value, unresolved: [], assumed: [] });

describe('model variables', () => {
  for (const [name, eol] of eols) {
    describe(`expansion operators (${name})`, () => {
      const lines = ['FROM x', 'ARG SET=v', 'ARG EMPTY=', 'ARG UNSET', 'RUN true'];
      const cases: Array<[string, Expansion]> = [
        ['$SET', known('v')],
        ['${SET}', known('v')],
        ['a${SET}b$SET.c', known('avbv.c')],
        ['${SET:-d}', known('v')],
        ['${EMPTY:-d}', known('d')],
        ['${EMPTY-d}', known('')],
        ['${UNSET-d}', known('d')],
        ['${NOWHERE:-d}', known('d')],
        ['${SET:+a}', known('a')],
        ['${EMPTY:+a}', known('')],
        ['${EMPTY+a}', known('a')],
        ['${UNSET+a}', known('')],
        ['${UNSET:-${SET}x}', known('vx')],
        ['$UNSET', { value: '$UNSET', unresolved: ['UNSET'], assumed: [] }],
        ['${NOWHERE}/$SET', { value: '${NOWHERE}/v', unresolved: ['NOWHERE'], assumed: [] }],
        ['${SET#prefix}', { value: '${SET#prefix}', unresolved: ['SET'], assumed: [] }],
        ['\\$SET', known('$SET')],
        ["'$SET'", known('$SET')],
        ['"$SET x"', known('v x')],
        ['$ and $1 and 50$', known('$ and $1 and 50$')],
      ];
      for (const [text, expected] of cases) {
        it(`${text} → ${expected.value}`, () => {
          assert.deepEqual(expanded(lines, eol, 'RUN', text), expected);
        });
      }

      it('keeps quotes, escapes and single-quoted text as written in shell mode', () => {
        assert.deepEqual(
          expanded(lines, eol, 'RUN', `echo "$SET" '$SET' \\$SET $(id -u) $SET`, true),
          known(`echo "v" '$SET' \\$SET $(id -u) v`),
        );
      });

      it('honours `# escape=` in word mode', () => {
        const model = buildModel(['# escape=`', 'FROM x', 'ARG SET=v', 'WORKDIR `$SET/$SET'].join(eol) + eol);
        const workdir = model.instructions.find((instruction) => instruction.keyword === 'WORKDIR');
        assert.ok(workdir);
        assert.deepEqual(expand(model, '`$SET/$SET', workdir), known('$SET/v'));
      });
    });

    describe(`scope (${name})`, () => {
      it('gives a stage a global ARG only once it declares it again', () => {
        const lines = ['ARG VERSION=1.2', 'FROM x', 'RUN a', 'ARG VERSION', 'RUN b'];
        assert.deepEqual(expanded(lines, eol, 'RUN a', '$VERSION'), {
          value: '$VERSION',
          unresolved: ['VERSION'],
          assumed: [],
        });
        assert.deepEqual(expanded(lines, eol, 'RUN b', '$VERSION'), known('1.2'));
      });

      it('applies a declaration from the next instruction and ends it with the stage', () => {
        const lines = ['FROM x', 'ARG A=1', 'ENV B=$A', 'RUN one', 'FROM y', 'RUN two'];
        assert.deepEqual(expanded(lines, eol, 'ENV', '$B'), { value: '$B', unresolved: ['B'], assumed: [] });
        assert.deepEqual(expanded(lines, eol, 'RUN one', '$A-$B'), known('1-1'));
        assert.deepEqual(expanded(lines, eol, 'RUN two', '$A'), { value: '$A', unresolved: ['A'], assumed: [] });
      });

      it('lets ENV beat an ARG of the same name, declared before or after', () => {
        const lines = ['FROM x', 'ENV A=env', 'ARG A=arg', 'ARG B=arg', 'ENV B=env', 'RUN true'];
        assert.deepEqual(expanded(lines, eol, 'RUN', '$A $B'), known('env env'));
      });

      it('expands all pairs of one ENV with the scope before it', () => {
        const lines = ['FROM x', 'ENV A=old', 'ENV A=new B=$A', 'RUN true'];
        assert.deepEqual(expanded(lines, eol, 'RUN', '$A $B'), known('new old'));
      });

      it('carries ENV, not ARG, into a stage built FROM this one', () => {
        const lines = ['FROM x AS base', 'ARG A=arg', 'ENV E=env', 'FROM base', 'RUN true'];
        assert.deepEqual(expanded(lines, eol, 'RUN', '$E $A'), { value: 'env $A', unresolved: ['A'], assumed: [] });
      });

      it('reads legacy `ENV NAME value with blanks`, quoted values and continuations', () => {
        const lines = [
          'FROM x',
          'ENV PHPIZE_DEPS \\',
          '    autoconf \\',
          '    make',
          'ENV Q="a  b" S=\'$Q\' E=a\\ b',
          'RUN true',
        ];
        const { model, instruction } = at(lines, eol, 'RUN');
        assert.equal(variableAt(model, instruction, 'PHPIZE_DEPS')?.value, 'autoconf     make');
        assert.deepEqual(expand(model, 'apk add $PHPIZE_DEPS', instruction, { mode: 'shell' }), {
          value: 'apk add autoconf     make',
          unresolved: [],
          assumed: [],
        });
        assert.deepEqual(
          ['Q', 'S', 'E'].map((name) => variableAt(model, instruction, name)?.value),
          ['a  b', '$Q', 'a b'],
        );
      });

      it('lists every variable in scope with where it was declared', () => {
        const { model, instruction } = at(['ARG G=1', 'FROM x', 'ARG G', 'ARG TARGETOS', 'RUN true'], eol, 'RUN');
        const scope = scopeAt(model, instruction);
        assert.deepEqual(
          [...scope.values()].map((variable) => [
            variable.name,
            variable.kind,
            variable.value,
            variable.assumed,
            variable.declaredAt?.keyword,
          ]),
          [
            ['TARGETOS', 'platform', 'linux', ['TARGETOS'], 'ARG'],
            ['G', 'arg', '1', [], 'ARG'],
          ],
        );
      });
    });

    describe(`FROM resolution (${name})`, () => {
      const imageOf = (lines: string[], stage = -1) => buildModel(lines.join(eol) + eol).stages.at(stage)?.image;

      it('resolves chained global ARGs and strips quotes', () => {
        const image = imageOf(['ARG REPO=alpine', 'ARG VERSION=3.20', 'ARG BASE=${REPO}:"${VERSION}"', 'FROM ${BASE}']);
        assert.deepEqual([image?.resolved, image?.unresolved, image?.assumed], ['alpine:3.20', false, undefined]);
      });

      it('takes the platform ARGs of a linux/amd64 build and says so, through chained ARGs too', () => {
        const image = imageOf(['ARG ARCH=${TARGETARCH}', 'FROM $ARCH/alpine AS y']);
        assert.deepEqual([image?.resolved, image?.unresolved, image?.assumed], ['amd64/alpine', false, ['TARGETARCH']]);
        const platform = imageOf(['FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'FROM base-${TARGETOS}']);
        assert.deepEqual([platform?.resolved, platform?.assumed], ['base-linux', ['TARGETOS']]);
      });

      it('selects the stage a resolved FROM names', () => {
        const model = buildModel(
          ['FROM a AS build_amd64', 'FROM b AS build_arm64', 'FROM build_${TARGETARCH}${TARGETVARIANT}'].join(eol) +
            eol,
        );
        assert.equal(model.stages[2]?.baseStage, model.stages[0]);
      });

      it('marks a FROM unresolvable when an ARG has no default', () => {
        const image = imageOf(['ARG BASE', 'ARG TAG=${BASE}-slim', 'FROM ${TAG}']);
        assert.deepEqual([image?.resolved, image?.unresolved], ['${BASE}-slim', true]);
        assert.deepEqual(
          [imageOf(['FROM $NOWHERE'])?.unresolved, imageOf(['ARG V', 'FROM node:${V:-20}'])?.resolved],
          [true, 'node:20'],
        );
      });

      it('does not let a stage ARG feed a later FROM', () => {
        const image = imageOf(['FROM x', 'ARG BASE=alpine', 'FROM $BASE']);
        assert.equal(image?.unresolved, true);
      });
    });

    it(`splits ARG/ENV/LABEL pairs with document offsets (${name})`, () => {
      const { model, instruction } = at(['FROM x', 'LABEL a=1 "b"="two words" c'], eol, 'LABEL');
      const pairs = keyValuePairsOf(model, instruction);
      assert.deepEqual(
        pairs.map((pair) => [
          pair.name,
          pair.rawValue,
          model.text.slice(pair.nameStart, pair.nameEnd),
          model.text.slice(pair.valueStart, pair.valueEnd),
        ]),
        [
          ['a', '1', 'a', '1'],
          ['"b"', '"two words"', '"b"', '"two words"'],
          ['c', undefined, 'c', ''],
        ],
      );
    });
  }
});
