import type { DockerfileModel } from '../model/model';
import type { Range } from '../model/text';
import { isKnownRuleName } from './ruleNames';

/** Rules switched off by comments: for the whole file, or for the instruction after the comment. */
export interface Suppressions {
  global: Set<string>;
  /** `# check=skip=all`: every rule that mirrors a BuildKit check is off. */
  allBuildkitChecks: boolean;
  /** Instruction index → rule names ignored for it. */
  byInstruction: Map<number, Set<string>>;
  /** Names in `# layerlens ignore=` comments that no rule answers to, with the name's range (hadolint's comments may name checks LayerLens lacks). */
  unknown: { name: string; range: Range }[];
}

// `# layerlens ignore=a,b`, `# layerlens global ignore=a`, and hadolint's own `# hadolint [global] ignore=DL3008`.
const ignoreComment = /^(?:layerlens|hadolint)\s+(global\s+)?ignore\s*=\s*(.+)$/i;

export function collectSuppressions(model: DockerfileModel): Suppressions {
  const suppressions: Suppressions = {
    global: new Set(),
    allBuildkitChecks: false,
    byInstruction: new Map(),
    unknown: [],
  };
  // BuildKit's `# check=skip=A,B` directive skips those checks for the whole file.
  const check = model.directives.get('check');
  const skip = check ? /(?:^|;)\s*skip\s*=\s*([^;]*)/i.exec(check) : null;
  for (const name of skip?.[1].split(',') ?? []) {
    if (name.trim() === 'all') suppressions.allBuildkitChecks = true;
    else if (name.trim()) suppressions.global.add(name.trim());
  }
  let next = 0;
  for (const comment of model.comments) {
    const match = ignoreComment.exec(comment.content);
    if (!match) continue;
    // hadolint allows a reason after the ids (`ignore=DL3008 # pinned elsewhere`): ids end at a blank or `#`.
    const names = match[2]
      .split('#')[0]
      .split(',')
      .map((name) => name.trim().split(/\s+/)[0])
      .filter((name) => name !== '');
    if (/^layerlens/i.test(match[0])) {
      const start = model.lines.offsetAt(comment.range.start);
      const line = model.text.slice(start, model.lines.offsetAt(comment.range.end));
      let from = line.indexOf('=') + 1;
      for (const name of names) {
        // The name itself, so the fix replaces just it: the first whole occurrence after `=`.
        const at = findToken(line, name, from);
        from = at + name.length;
        if (isKnownRuleName(name)) continue;
        const character = comment.range.start.character + at;
        suppressions.unknown.push({
          name,
          range: {
            start: { line: comment.range.start.line, character },
            end: { line: comment.range.start.line, character: character + name.length },
          },
        });
      }
    }
    if (match[1]) {
      for (const name of names) suppressions.global.add(name);
      continue;
    }
    // Comments come in document order, so the search for the following instruction only moves forward.
    while (next < model.instructions.length && model.instructions[next].range.start.line <= comment.line) next++;
    const target = model.instructions[next];
    if (!target) continue;
    const set = suppressions.byInstruction.get(target.index) ?? new Set<string>();
    for (const name of names) set.add(name);
    suppressions.byInstruction.set(target.index, set);
  }
  return suppressions;
}

/** Where `name` stands as a whole list item (between `=`, `,` or blanks) in `line`, from `from` on. */
function findToken(line: string, name: string, from: number): number {
  for (let at = line.indexOf(name, from); at !== -1; at = line.indexOf(name, at + 1)) {
    const before = line[at - 1] ?? ' ';
    const after = line[at + name.length] ?? ' ';
    if (/[\s=,]/.test(before) && /[\s,#]|^$/.test(after)) return at;
  }
  return line.indexOf(name, from);
}

/** The line to insert above an instruction so that a rule is ignored for it. */
export function ignoreCommentFor(rule: string): string {
  return `# layerlens ignore=${rule}`;
}
