import assert from 'node:assert/strict';
import { analyzeDocument } from '../../server/src/engine/document';

/** The fixtures end with a CMD: an image without a program of its own is a toolchain image, where single-stage-build is quiet. */
function rulesFired(text: string): string[] {
  return analyzeDocument(`${text}CMD ["node", "dist/index.js"]\n`).findings.map(
    (finding) => `${finding.range.start.line + 1}:${finding.rule}`,
  );
}

describe('suppressions and settings', () => {
  const base = 'FROM node:22-slim\nRUN npm run build\n';

  it('reports without comments', () => {
    assert.deepEqual(rulesFired(base), ['1:no-user-in-final-stage', '2:single-stage-build']);
  });

  it('ignores a rule for the next instruction only', () => {
    assert.deepEqual(
      rulesFired(
        'FROM node:22-slim\n# layerlens ignore=single-stage-build\nRUN npm run build\nRUN npm run build:docs\n',
      ),
      ['1:no-user-in-final-stage'],
    );
    assert.deepEqual(rulesFired('# layerlens ignore=single-stage-build\nFROM node:22-slim\nRUN npm run build\n'), [
      '2:no-user-in-final-stage',
      '3:single-stage-build',
    ]);
  });

  it('takes several rules, blanks and CRLF', () => {
    assert.deepEqual(
      rulesFired(
        '#  layerlens ignore = single-stage-build , no-user-in-final-stage\r\nFROM node:22-slim\r\nRUN npm run build\r\n',
      ),
      ['3:single-stage-build'],
    );
    assert.deepEqual(rulesFired('FROM node:22-slim\r\n#layerlens ignore=single-stage-build\r\nRUN npm run build\r\n'), [
      '1:no-user-in-final-stage',
    ]);
  });

  it('ignores a rule for the whole file with global ignore, anywhere', () => {
    assert.deepEqual(rulesFired(`${base}# layerlens global ignore=no-user-in-final-stage\n`), ['2:single-stage-build']);
    assert.deepEqual(rulesFired(`# layerlens global ignore=no-user-in-final-stage,single-stage-build\n${base}`), []);
  });

  it('reads ids up to a trailing reason, as hadolint does', () => {
    assert.deepEqual(
      rulesFired(
        'FROM node:22-slim\n# layerlens ignore=single-stage-build # built elsewhere in CI\nRUN npm run build\n',
      ),
      ['1:no-user-in-final-stage'],
    );
  });

  it('does not treat comments inside a heredoc as suppressions', () => {
    assert.deepEqual(
      rulesFired('FROM node:22-slim\nRUN <<EOF\n# layerlens global ignore=single-stage-build\nnpm run build\nEOF\n'),
      ['1:no-user-in-final-stage', '4:single-stage-build'],
    );
  });

  it('applies per-rule settings', () => {
    const findings = analyzeDocument(`${base}CMD ["node", "dist/index.js"]\n`, {
      rules: { 'single-stage-build': 'off', 'no-user-in-final-stage': 'error' },
    }).findings;
    assert.deepEqual(
      findings.map((finding) => [finding.rule, finding.severity]),
      [['no-user-in-final-stage', 'error']],
    );
  });

  it('gives one clear finding for input that is not a Dockerfile', () => {
    assert.deepEqual(
      analyzeDocument('\u0000\u0000binary').findings.map((finding) => [finding.rule, finding.severity]),
      [['input', 'error']],
    );
    assert.deepEqual(
      analyzeDocument('RUN make\n').findings.map((finding) => finding.rule),
      ['input'],
    );
    assert.deepEqual(analyzeDocument('').findings, []);
  });
});
