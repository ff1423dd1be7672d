import type { Severity } from '../rules/types';
import { reportPath } from './files';
import type { FileFindings } from './sarif';

const commands: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

/**
 * GitHub Actions workflow commands (`::warning file=…,line=…::message`): each finding becomes an
 * annotation on the pull request's diff, without uploading anything. Escaping as the runner expects
 * (the toolkit's escapeData / escapeProperty).
 */
export function toGithubAnnotations(results: FileFindings[], root: string): string {
  const lines = results.flatMap(({ file, findings }) =>
    findings.map((finding) => {
      const { start, end } = finding.range;
      const properties = [
        `file=${escapeProperty(reportPath(root, file))}`,
        `line=${start.line + 1}`,
        `endLine=${end.line + 1}`,
        // GitHub ignores columns on annotations that span lines; they are only sent for one-line ranges.
        ...(start.line === end.line ? [`col=${start.character + 1}`, `endColumn=${end.character + 1}`] : []),
        `title=${escapeProperty(`LayerLens ${finding.rule}`)}`,
      ];
      return `::${commands[finding.severity]} ${properties.join(',')}::${escapeData(finding.message)}`;
    }),
  );
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
