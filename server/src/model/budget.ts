/**
 * The work budget of one analysis, estimate or conversion: the largest real Dockerfiles have about a
 * thousand lines and a few hundred shell commands. Past these a file is not analysed, and says so, so
 * that no file in a repository can make the server spend minutes on it.
 */
export const maxAnalysedLines = 20_000;
/** Shell separators (`;`, `&`, `|`, line ends) bound how many commands the RUNs can hold. */
export const maxShellSeparators = 50_000;

/** Why the text is over the budget (`This file has … lines, more than LayerLens analyses (…)`); undefined when within. */
export function overWorkBudget(text: string): string | undefined {
  let lines = 1;
  let separators = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10) lines++;
    if (code === 10 || code === 59 || code === 38 || code === 124) separators++;
  }
  if (lines > maxAnalysedLines)
    return `This file has ${lines} lines, more than LayerLens analyses (${maxAnalysedLines})`;
  if (separators > maxShellSeparators)
    return `This file has ${separators} shell separators (; & | and line ends), more than LayerLens analyses (${maxShellSeparators})`;
  return undefined;
}
