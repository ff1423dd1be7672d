import { rules } from '../rules';

/** Every name a setting or suppression comment may use: rule names and the peer checks they correspond to. */
const knownNames: ReadonlySet<string> = new Set(
  rules.flatMap((rule) => [
    rule.meta.name,
    ...(rule.meta.compat?.hadolint ?? []),
    ...(rule.meta.compat?.buildkit ?? []),
  ]),
);

export function isKnownRuleName(name: string): boolean {
  return knownNames.has(name);
}

/** The rule name nearest to a misspelt one by edit distance (ties: catalogue order). */
export function closestRuleName(name: string): string {
  const wanted = name.toLowerCase();
  let best = rules[0].meta.name;
  let bestDistance = Infinity;
  for (const rule of rules) {
    const distance = editDistance(wanted, rule.meta.name);
    if (distance < bestDistance) [best, bestDistance] = [rule.meta.name, distance];
  }
  return best;
}

/** `unknown rule "no-user-in-final"; did you mean "no-user-in-final-stage"?` */
export function unknownRuleMessage(name: string, where: string): string {
  return `Unknown rule "${name}" in ${where}; did you mean "${closestRuleName(name)}"?`;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
