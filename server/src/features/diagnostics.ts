import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver';
import { messageSummary } from '../engine/messages';
import type { Position } from '../model/text';
import { comparePositions } from '../model/text';
import type { Finding } from '../engine/finding';
import type { Severity } from '../rules/types';

const severityMap: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const diagnosticSource = 'layerlens';

export function toDiagnostic(finding: Finding): Diagnostic {
  return {
    range: finding.range,
    severity: severityMap[finding.severity],
    code: finding.rule,
    codeDescription: { href: finding.docsUrl },
    source: diagnosticSource,
    // What is wrong, in one line the Problems panel shows whole; the why and the how are in the hover.
    message: messageSummary(finding.message),
    ...(finding.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

/**
 * The full messages (the why and the how after the first sentence) of the findings under the cursor
 * whose diagnostic shows only their first sentence, added below the hover there is (size, measured).
 */
export function withFindingDetails(
  hover: Hover | null,
  findings: readonly Finding[],
  position: Position,
): Hover | null {
  const details = findings
    .filter(
      (finding) =>
        comparePositions(finding.range.start, position) <= 0 &&
        comparePositions(position, finding.range.end) <= 0 &&
        messageSummary(finding.message) !== finding.message,
    )
    .map((finding) => `**${finding.rule}**: ${finding.message}`);
  if (details.length === 0) return hover;
  const text = details.join('\n\n');
  if (!hover) return { contents: { kind: 'markdown', value: text } };
  const contents = hover.contents as MarkupContent;
  return { ...hover, contents: { kind: 'markdown', value: `${contents.value}\n\n---\n\n${text}` } };
}
