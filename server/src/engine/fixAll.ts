import { analyzeDocument, inputRuleName } from './document';
import type { DocumentSettings } from './document';
import { applyEdits } from './edits';
import type { BuildContextFacts, Fix } from '../rules/types';
import type { Range } from '../model/text';

export interface AppliedFix {
  rule: string;
  title: string;
  /** Where the finding was, in the text as it was when the fix was applied. */
  range: Range;
}

export interface FixAllResult {
  text: string;
  applied: AppliedFix[];
  /** Fixes left out because the text after them did not parse as a checkable Dockerfile. */
  refused: AppliedFix[];
}

/** Upper bound on fix-and-recheck rounds: each applies one fix; no real Dockerfile needs nearly as many. */
const maxRounds = 200;

/**
 * `layerlens --fix`: applies each finding's preferred fix (the one the lightbulb marks preferred) that
 * only edits the Dockerfile, one at a time, re-checking after each, until no such fix is left (as
 * `eslint --fix` does). A fix whose result no longer parses as a checkable Dockerfile (no model, or an
 * input problem the original did not have) is refused and never applied. Fixes that create files
 * (`.dockerignore`) are left to the editor, where the user sees them. The result is a fixpoint:
 * fixing it again changes nothing.
 */
export function fixAll(text: string, settings: DocumentSettings = {}, context: BuildContextFacts = {}): FixAllResult {
  const applied: AppliedFix[] = [];
  const refused: AppliedFix[] = [];
  const refusedKeys = new Set<string>();
  const refuse = (key: string, fix: AppliedFix) => {
    refusedKeys.add(key);
    if (!refused.some((earlier) => earlier.rule === fix.rule && earlier.title === fix.title)) refused.push(fix);
  };
  const seenTexts = new Set<string>([text]);
  let current = text;
  for (let round = 0; round < maxRounds; round++) {
    const analysis = analyzeDocument(current, settings, context);
    if (!analysis.model || analysis.findings.some((finding) => finding.rule === inputRuleName)) break;
    let next: { text: string; fix: AppliedFix } | undefined;
    for (const finding of analysis.findings) {
      const fix = preferredFix(finding.fixes);
      if (!fix) continue;
      const candidate = { rule: finding.rule, title: fix.title, range: finding.range };
      const key = `${finding.rule}\0${fix.title}\0${current}`;
      if (refusedKeys.has(key)) continue;
      let fixed: string;
      try {
        fixed = applyEdits(current, fix.edits);
      } catch {
        refuse(key, candidate);
        continue;
      }
      // A fix that leads back to a text already seen would loop: it is not a fix.
      if (fixed === current || seenTexts.has(fixed) || !parsesAsDockerfile(fixed, settings, context)) {
        refuse(key, candidate);
        continue;
      }
      next = { text: fixed, fix: candidate };
      break;
    }
    if (!next) break;
    applied.push(next.fix);
    seenTexts.add(next.text);
    current = next.text;
  }
  return { text: current, applied, refused };
}

function preferredFix(fixes: readonly Fix[]): Fix | undefined {
  const [first] = fixes;
  if (!first || first.preferred === false || first.edits.length === 0 || first.createFiles?.length) return undefined;
  return first;
}

function parsesAsDockerfile(text: string, settings: DocumentSettings, context: BuildContextFacts): boolean {
  const analysis = analyzeDocument(text, settings, context);
  return analysis.model !== undefined && !analysis.findings.some((finding) => finding.rule === inputRuleName);
}
