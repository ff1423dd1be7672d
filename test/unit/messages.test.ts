import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { analyzeDocument } from '../../server/src/engine/document';
import { firstSentence, maxFirstSentence, messageSummary, restOfMessage } from '../../server/src/engine/messages';
import type { Finding } from '../../server/src/engine/finding';
import { buildModel } from '../../server/src/model/model';
import { rules } from '../../server/src/rules';

const corpus = join(__dirname, '../../../shared/corpus/dockerfiles');

function lengths(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[sorted.length >> 1]}, max ${sorted[sorted.length - 1]}`;
}

/** Every finding's message must say what is wrong in a first sentence the Problems panel shows whole. */
function assertShort(findings: readonly Finding[], where: string): void {
  for (const finding of findings) {
    const shown = messageSummary(finding.message);
    assert.ok(shown.length <= maxFirstSentence, `${where}: ${finding.rule} shows ${shown.length} characters: ${shown}`);
    assert.ok(
      shown === finding.message || /[.?!]$/.test(shown),
      `${where}: ${finding.rule}: the shown text is not a sentence: ${shown}`,
    );
  }
}

describe('messages: the first sentence says what is wrong in ≤ 100 characters', () => {
  it('ends the first sentence outside code, parentheses and abbreviations', () => {
    assert.deepEqual(
      [
        'Short. Why it matters.',
        '`node:22.1. x` runs as root. Add a USER.',
        'Add a USER (e.g. `USER node`. really) before CMD. Then rebuild.',
        'One sentence only',
        'Is it? Yes.',
      ].map((message) => [firstSentence(message), restOfMessage(message)]),
      [
        ['Short.', 'Why it matters.'],
        ['`node:22.1. x` runs as root.', 'Add a USER.'],
        ['Add a USER (e.g. `USER node`. really) before CMD.', 'Then rebuild.'],
        ['One sentence only', ''],
        ['Is it?', 'Yes.'],
      ],
    );
  });

  it('shortens the longest quoted code of a long first sentence, never the prose', () => {
    const path = `/${'very-long-directory/'.repeat(6)}file`;
    const message = `\`rm -rf ${path}\` deletes \`${path}\` that the COPY on line 3 put there. Delete it in that layer.`;
    const shown = messageSummary(message);
    assert.equal(shown.length, maxFirstSentence);
    assert.match(shown, /^`rm -rf \/very-[^`]*…` deletes `\/very-long[^`]*…` that the COPY on line 3 put there\.$/);
    assert.equal(messageSummary('Short. Rest.'), 'Short.');
  });

  it('holds for every rule on its docs examples', () => {
    for (const rule of rules) {
      const findings = analyze(buildModel(rule.meta.docs.bad), {}, [rule], rule.meta.docs.context);
      assert.ok(findings.length > 0, rule.meta.name);
      assertShort(findings, `${rule.meta.name} docs`);
    }
  });

  it('holds for every finding over the corpus (lengths before and after printed)', function () {
    if (!existsSync(corpus)) this.skip();
    const full: number[] = [];
    const first: number[] = [];
    const shown: number[] = [];
    const rulesSeen = new Set<string>();
    for (const file of readdirSync(corpus).sort()) {
      const { findings } = analyzeDocument(readFileSync(join(corpus, file), 'utf8'));
      assertShort(findings, file);
      for (const finding of findings) {
        rulesSeen.add(finding.rule);
        full.push(finding.message.length);
        first.push(firstSentence(finding.message).length);
        shown.push(messageSummary(finding.message).length);
      }
    }
    console.log(
      `      ${full.length} findings of ${rulesSeen.size} rules: full message ${lengths(full)}; first sentence ${lengths(first)}; shown ${lengths(shown)} characters`,
    );
    assert.ok(rulesSeen.size >= 15, `only ${rulesSeen.size} rules fired on the corpus`);
  });
});
