import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, Diagnostic, TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { DocumentAnalysis } from '../engine/document';
import { ignoreCommentFor } from '../engine/suppressions';
import type { Finding } from '../engine/finding';
import type { DockerfileModel } from '../model/model';
import { diagnosticSource } from './diagnostics';

export const openDocsCommand = 'layerlens.openRuleDocs';

/** Quick fixes for the LayerLens diagnostics the editor asks about; reads the recorded analysis only. */
export function codeActionsFor(uri: string, analysis: DocumentAnalysis, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== diagnosticSource) continue;
    const finding = analysis.findings.find((candidate) => candidate.rule === diagnostic.code && sameRange(candidate.range, diagnostic.range));
    if (!finding) continue;
    finding.fixes.forEach((fix, index) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0,
        edit: { changes: { [uri]: fix.edits } },
      });
    });
    if (analysis.model && finding.rule !== 'input') {
      const ignore = ignoreEdit(analysis.model, finding);
      if (ignore) {
        actions.push({ title: `Ignore ${finding.rule} for this instruction`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [uri]: [ignore] } } });
      }
    }
    actions.push({
      title: `Show documentation for ${finding.rule}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Show documentation for ${finding.rule}`, command: openDocsCommand, arguments: [finding.docsUrl] },
    });
  }
  return actions;
}

function sameRange(a: Finding['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * Inserts `# layerlens ignore=<rule>` above the finding's instruction, or adds the rule to such a
 * comment that is already there.
 */
function ignoreEdit(model: DockerfileModel, finding: Finding): LspTextEdit | undefined {
  const instruction = model.instructions.find((candidate) => candidate.range.start.line <= finding.range.start.line && finding.range.start.line <= candidate.range.end.line);
  if (!instruction) return undefined;
  const line = instruction.range.start.line;
  const previous = line > 0 ? model.lines.lineText(line - 1) : '';
  const existing = /^(\s*#\s*layerlens\s+ignore\s*=\s*)(.*?)\s*$/i.exec(previous);
  if (existing) {
    const end = { line: line - 1, character: existing[1].length + existing[2].length };
    return { range: { start: end, end }, newText: `,${finding.rule}` };
  }
  const indent = /^\s*/.exec(model.lines.lineText(line))?.[0] ?? '';
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${ignoreCommentFor(finding.rule)}${model.lines.eol}` };
}
