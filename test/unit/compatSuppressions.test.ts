import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { buildModel } from '../../server/src/model/model';
import { rules } from '../../server/src/rules';
import { defineRule } from '../../server/src/rules/types';

/** A test-only rule that reports every RUN and answers to a hadolint id and a BuildKit check name. */
const fakeRule = defineRule({
  meta: {
    name: 'fake-rule',
    severity: 'warning',
    fixable: false,
    docs: {
      summary: 'Reports every RUN.',
      rationale: 'Test only.',
      bad: 'FROM alpine\nRUN true\n',
      good: 'FROM alpine\n',
    },
    messages: { run: 'a RUN' },
    compat: { hadolint: ['DL9999'], buildkit: ['FakeCheck'] },
  },
  check({ model, report }) {
    for (const instruction of model.instructions)
      if (instruction.keyword === 'RUN') report({ messageId: 'run', range: instruction.range });
  },
});

/** 1-based lines of the findings. */
function linesReported(text: string): number[] {
  return analyze(buildModel(text), {}, [fakeRule]).map((finding) => finding.range.start.line + 1);
}

const body = 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN adduser -D app\n';

describe('hadolint and BuildKit suppression comments', () => {
  it('reports without comments', () => {
    assert.deepEqual(linesReported(body), [2, 3]);
  });

  it('honours `# hadolint ignore=` on the line above, for that instruction only', () => {
    assert.deepEqual(
      linesReported('FROM alpine:3.20\n# hadolint ignore=DL9999\nRUN apk add --no-cache curl\nRUN adduser -D app\n'),
      [4],
    );
    assert.deepEqual(
      linesReported(
        'FROM alpine:3.20\nRUN apk add --no-cache curl\n# hadolint ignore=DL3018,DL9999\nRUN adduser -D app\n',
      ),
      [2],
    );
  });

  it('honours `# hadolint global ignore=` anywhere in the file', () => {
    assert.deepEqual(linesReported(`# hadolint global ignore=DL9999\n${body}`), []);
    assert.deepEqual(linesReported(`${body}# hadolint global ignore=DL3008,DL9999\n`), []);
  });

  it('honours BuildKit `# check=skip=` at the top of the file', () => {
    assert.deepEqual(linesReported(`# check=skip=FakeCheck\n${body}`), []);
    assert.deepEqual(
      linesReported(`# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended,FakeCheck\n\n${body}`),
      [],
    );
  });

  it('reads `skip` next to `error` in the check directive', () => {
    assert.deepEqual(linesReported(`# check=skip=FakeCheck;error=true\n${body}`), []);
    assert.deepEqual(linesReported(`# check=error=true;skip=StageNameCasing,FakeCheck\n${body}`), []);
  });

  it('does not suppress for other ids or names', () => {
    const shifted = (lines: number[]) => lines.map((line) => line + 1);
    assert.deepEqual(linesReported(`# hadolint global ignore=DL3008\n${body}`), shifted([2, 3]));
    assert.deepEqual(
      linesReported('FROM alpine:3.20\n# hadolint ignore=DL99999\nRUN apk add --no-cache curl\nRUN adduser -D app\n'),
      [3, 4],
    );
    assert.deepEqual(linesReported(`# check=skip=JSONArgsRecommended\n${body}`), shifted([2, 3]));
    assert.deepEqual(linesReported(`# check=error=true\n${body}`), shifted([2, 3]));
    // BuildKit check names are case-sensitive (Pascal case).
    assert.deepEqual(linesReported(`# check=skip=fakecheck\n${body}`), shifted([2, 3]));
  });

  it('ignores a check directive that is not at the top (it is then a comment for BuildKit too)', () => {
    assert.deepEqual(linesReported('FROM alpine:3.20\n# check=skip=FakeCheck\nRUN apk add --no-cache curl\n'), [3]);
  });
});

describe('docs/compatibility.md', () => {
  // Read lazily: a missing page fails these tests, not the whole run.
  let rows: Map<string, { hadolint: string[]; buildkit: string[] }> | undefined;
  const tableRows = () => {
    if (rows) return rows;
    rows = new Map();
    const path = join(__dirname, '../../docs/compatibility.md');
    const ids = (cell: string) => [...cell.matchAll(/`([A-Za-z0-9]+)`/g)].map((match) => match[1]).sort();
    for (const line of (existsSync(path) ? readFileSync(path, 'utf8') : '').split('\n')) {
      // | [`rule`](rules/rule.md) | `DL3022`, `DL3023` | `BuildKitName` | notes |
      const cells = line.split('|').map((cell) => cell.trim());
      const name = /^\[?`([a-z-]+)`/.exec(cells[1] ?? '')?.[1];
      if (name && cells.length >= 5) rows.set(name, { hadolint: ids(cells[2]), buildkit: ids(cells[3]) });
    }
    return rows;
  };

  for (const rule of rules) {
    it(`lists ${rule.meta.name} with the ids its meta.compat declares`, () => {
      assert.deepEqual(tableRows().get(rule.meta.name), {
        hadolint: [...(rule.meta.compat?.hadolint ?? [])].sort(),
        buildkit: [...(rule.meta.compat?.buildkit ?? [])].sort(),
      });
    });
  }
});
