import assert from 'node:assert/strict';
import { toText, wantsColor } from '../../server/src/cli/text';
import type { Finding } from '../../server/src/engine/finding';

function finding(rule: string, severity: Finding['severity'], line: number): Finding {
  return {
    rule,
    severity,
    message: `${rule} message.`,
    range: { start: { line, character: 0 }, end: { line, character: 4 } },
    fixes: [],
    docsUrl: '',
    unnecessary: false,
  };
}

const results = [
  {
    file: 'a/Dockerfile',
    findings: [finding('copy-from-unknown-stage', 'error', 2), finding('sudo-in-run', 'warning', 4)],
  },
  { file: 'b/Dockerfile', findings: [finding('sudo-in-run', 'warning', 0), finding('unused-stage', 'hint', 1)] },
];

describe('CLI text report', () => {
  it('prints a line per finding in file order and a count per severity', () => {
    assert.equal(
      toText(results, 2, false),
      [
        'a/Dockerfile:3:1 error copy-from-unknown-stage copy-from-unknown-stage message.',
        'a/Dockerfile:5:1 warning sudo-in-run sudo-in-run message.',
        'b/Dockerfile:1:1 warning sudo-in-run sudo-in-run message.',
        'b/Dockerfile:2:1 hint unused-stage unused-stage message.',
        '4 findings in 2 files: 1 error, 2 warnings, 1 hint',
        '',
      ].join('\n'),
    );
    assert.equal(toText([], 0, false), '0 findings in 0 files\n');
  });

  it('colours severities and dims rule names on a terminal, the text otherwise unchanged', () => {
    const coloured = toText(results, 2, true);
    assert.equal(
      coloured.split('\n')[0],
      'a/Dockerfile:3:1 \u001b[31merror\u001b[0m \u001b[2mcopy-from-unknown-stage\u001b[0m copy-from-unknown-stage message.',
    );
    // eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
    assert.equal(coloured.replace(/\u001b\[\d+m/g, ''), toText(results, 2, false));
  });

  it('colours only a terminal, never with NO_COLOR set', () => {
    assert.deepEqual(
      [
        wantsColor(true, {}),
        wantsColor(true, { NO_COLOR: '1' }),
        wantsColor(true, { NO_COLOR: '' }),
        wantsColor(false, {}),
        wantsColor(undefined, {}),
      ],
      [true, false, true, false, false],
    );
  });
});
