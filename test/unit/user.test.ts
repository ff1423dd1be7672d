import assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/model';
import { isRootUser, userNameOf, userSettingOf } from '../../server/src/model/user';

describe('model user', () => {
  it('knows root by name or UID 0, whatever the group, with names case-sensitive', () => {
    const values = [
      'root',
      '0',
      '0:0',
      'root:staff',
      '0:1000',
      '000',
      'ROOT',
      'Root',
      'app',
      '1000:0',
      'nobody:root',
      '',
    ];
    assert.deepEqual(
      values.map((value) => [value, isRootUser(value)]),
      values.map((value) => [value, ['root', '0', '0:0', 'root:staff', '0:1000', '000'].includes(value)]),
    );
    assert.deepEqual(['app:staff', ' 1000 ', 'x'].map(userNameOf), ['app', '1000', 'x']);
  });

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`finds the last USER of the stage chain, before an instruction or at the end (${name})`, () => {
      const model = buildModel(
        [
          'FROM x AS base',
          'USER app',
          'FROM base',
          'RUN one',
          'USER root:staff',
          'RUN two',
          'FROM y',
          'RUN three',
        ].join(eol) + eol,
      );
      const [, child, other] = model.stages;
      assert.ok(child && other);
      const runs = model.instructions.filter((instruction) => instruction.keyword === 'RUN');
      assert.deepEqual(
        [
          userSettingOf(child, runs[0])?.value,
          userSettingOf(child, runs[1])?.value,
          userSettingOf(child)?.value,
          userSettingOf(other),
        ],
        ['app', 'root:staff', 'root:staff', undefined],
      );
      assert.equal(userSettingOf(child)?.instruction.range.start.line, 4);
    });
  }
});
