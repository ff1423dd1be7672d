import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../server/src/engine/document';
import { applyEdits } from '../../server/src/engine/edits';
import { buildModel } from '../../server/src/model/model';
import { runtimeConfig } from '../../server/src/model/runtime';

const corpus = join(__dirname, '../../../shared/corpus/dockerfiles');

describe('real-world corpus (../shared/corpus, skipped when absent)', function () {
  if (!existsSync(corpus)) {
    it.skip('corpus not present');
    return;
  }
  const files = readdirSync(corpus).sort();

  it('analyses every file without a rule failing', () => {
    const failures: string[] = [];
    for (const file of files) {
      const { findings } = analyzeDocument(readFileSync(join(corpus, file), 'utf8'));
      for (const finding of findings)
        if (finding.message.startsWith('LayerLens rule')) failures.push(`${file}: ${finding.message}`);
    }
    assert.deepEqual(failures, []);
  });

  it('produces fixes that apply, re-parse and keep the runtime configuration', () => {
    const problems: string[] = [];
    let applied = 0;
    for (const file of files) {
      const text = readFileSync(join(corpus, file), 'utf8');
      const before = runtimeConfig(buildModel(text));
      for (const finding of analyzeDocument(text).findings) {
        for (const fix of finding.fixes) {
          const fixed = applyEdits(text, fix.edits);
          applied++;
          const after = runtimeConfig(buildModel(fixed));
          // A USER fix changes USER on purpose; everything else must stay as it was.
          if (finding.rule === 'no-user-in-final-stage') after.USER = before.USER;
          if (JSON.stringify(after) !== JSON.stringify(before))
            problems.push(`${file} ${finding.rule}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(applied > 0, 'expected some fixes over the corpus');
  });
});
