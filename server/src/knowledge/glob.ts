/** Matches `*` wildcards only, as the data files use them. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*');
  if (!value.startsWith(parts[0])) return false;
  let position = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = value.indexOf(parts[i], position);
    if (found < 0) return false;
    position = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return value.length - last.length >= position && value.endsWith(last);
}
