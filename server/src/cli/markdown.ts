import type { Severity } from '../rules/types';
import { severities } from '../rules/types';
import { reportPath } from './files';
import type { FileFindings } from './sarif';

const icons: Record<Severity, string> = { error: '🛑', warning: '⚠️', info: 'ℹ️', hint: '💡' };

/**
 * A GitHub-flavoured Markdown report for a pull-request comment (or a job summary): a count per
 * severity, then one table per file. Cells are escaped so a message never breaks its table.
 */
export function toMarkdown(results: FileFindings[], root: string): string {
  const counts = severities.map((severity) => ({
    severity,
    count: results.reduce(
      (sum, { findings }) => sum + findings.filter((finding) => finding.severity === severity).length,
      0,
    ),
  }));
  const total = counts.reduce((sum, { count }) => sum + count, 0);
  const fileCount = results.length;
  const lines = ['## LayerLens', ''];
  if (total === 0) {
    lines.push(`No findings in ${fileCount} Dockerfile${fileCount === 1 ? '' : 's'}.`);
    return `${lines.join('\n')}\n`;
  }
  const summary = counts
    .filter(({ count }) => count > 0)
    .map(({ severity, count }) => `${icons[severity]} ${count} ${severity}${count === 1 ? '' : 's'}`);
  lines.push(`${summary.join(' · ')} in ${fileCount} Dockerfile${fileCount === 1 ? '' : 's'}.`);
  for (const { file, findings } of results) {
    if (findings.length === 0) continue;
    lines.push(
      '',
      `### \`${reportPath(root, file).replace(/`/g, "'")}\``,
      '',
      '| Line | Severity | Rule | Finding |',
      '|---:|---|---|---|',
    );
    for (const finding of findings) {
      lines.push(
        `| ${finding.range.start.line + 1} | ${icons[finding.severity]} ${finding.severity} | [\`${finding.rule}\`](${finding.docsUrl}) | ${escapeCell(finding.message)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Table cells: one line; outside code spans, Markdown punctuation is escaped so `*_TOKEN` or `[x]` show
 * as written; `|` is escaped everywhere (GFM splits cells before it reads code spans); HTML shows as text.
 */
function escapeCell(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, index) =>
      index % 2 === 1 ? part.replace(/\|/g, '\\|') : part.replace(/[\\*_[\]<>|~#!]/g, (char) => `\\${char}`),
    )
    .join('');
}
