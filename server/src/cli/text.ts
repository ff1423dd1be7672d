import type { Severity } from '../rules/types';
import { severities } from '../rules/types';
import type { FileFindings } from './sarif';
import { messageSummary } from '../engine/messages';

const severityColours: Record<Severity, string> = { error: '31', warning: '33', info: '36', hint: '90' };

/**
 * The default report: `file:line:col severity rule message`, the message's first sentence (what is wrong;
 * the why and the how are in `--format json` and the rule's docs), one finding a line (editors and terminals
 * turn the location into a link), files in the order given, then the count per severity. With `color`
 * (a terminal, NO_COLOR unset) the severity is coloured and the rule dimmed.
 */
export function toText(results: FileFindings[], fileCount: number, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const counts = new Map<Severity, number>();
  for (const { file, findings } of results) {
    for (const finding of findings) {
      counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
      const location = `${file}:${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
      lines.push(
        `${location} ${paint(severityColours[finding.severity], finding.severity)} ${paint('2', finding.rule)} ${messageSummary(finding.message)}`,
      );
    }
  }
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const bySeverity = severities
    .filter((severity) => counts.has(severity))
    .map((severity) => {
      const count = counts.get(severity) ?? 0;
      return paint(severityColours[severity], `${count} ${severity}${count === 1 ? '' : 's'}`);
    });
  const summary = `${total} finding${total === 1 ? '' : 's'} in ${fileCount} file${fileCount === 1 ? '' : 's'}`;
  lines.push(bySeverity.length > 0 ? `${summary}: ${bySeverity.join(', ')}` : summary);
  return `${lines.join('\n')}\n`;
}

/** Colour only for a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function wantsColor(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  return isTTY === true && !env.NO_COLOR;
}
