import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver';
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
    message: finding.message,
    ...(finding.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}
