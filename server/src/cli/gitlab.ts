import { createHash } from 'node:crypto';
import type { Severity } from '../rules/types';
import { reportPath } from './files';
import type { FileFindings } from './sarif';

const gitlabSeverities: Record<Severity, 'critical' | 'major' | 'minor' | 'info'> = {
  error: 'critical',
  warning: 'major',
  info: 'minor',
  hint: 'info',
};

export interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  categories: string[];
  fingerprint: string;
  severity: 'critical' | 'major' | 'minor' | 'info';
  location: {
    path: string;
    positions: { begin: { line: number; column: number }; end: { line: number; column: number } };
  };
}

/**
 * GitLab's Code Quality report (a subset of the Code Climate issue format): merge requests show new and
 * fixed findings. The fingerprint leaves lines and messages out (messages cite line numbers), so a
 * finding keeps its identity when lines above it move: file, rule, and how many findings of that rule
 * came before it in that file.
 */
export function toGitlabCodeQuality(results: FileFindings[], root: string): CodeQualityIssue[] {
  return results.flatMap(({ file, findings }) => {
    const path = reportPath(root, file);
    const seen = new Map<string, number>();
    return findings.map((finding) => {
      const identity = `${path}\0${finding.rule}`;
      const occurrence = seen.get(identity) ?? 0;
      seen.set(identity, occurrence + 1);
      const { start, end } = finding.range;
      return {
        type: 'issue' as const,
        check_name: finding.rule,
        description: finding.message,
        categories: ['Performance'],
        fingerprint: createHash('md5').update(`${identity}\0${occurrence}`).digest('hex'),
        severity: gitlabSeverities[finding.severity],
        location: {
          path,
          positions: {
            begin: { line: start.line + 1, column: start.character + 1 },
            end: { line: end.line + 1, column: end.character + 1 },
          },
        },
      };
    });
  });
}
