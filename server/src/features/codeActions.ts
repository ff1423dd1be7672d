import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, Diagnostic, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../engine/document';
import { ignoreCommentFor } from '../engine/suppressions';
import { isKnownRuleName } from '../engine/ruleNames';
import type { Finding } from '../engine/finding';
import type { DockerfileModel } from '../model/model';
import type { Fix } from '../rules/types';
import { diagnosticSource } from './diagnostics';

const openDocsCommand = 'layerlens.openRuleDocs';

export interface ClientAbilities {
  /** The client applies `documentChanges` with CreateFile operations. */
  canCreateFiles: boolean;
}

/** Findings a split into build and runtime stages resolves (see fixes/convert.ts). */
export const splitRules = new Set(['single-stage-build', 'build-tools-in-final-stage', 'sdk-image-in-final-stage']);

/** The conversion of the document as a ready edit, made only when a split fix is asked for. */
export type SplitEdit = () => { title: string; edit: WorkspaceEdit } | undefined;

/** Quick fixes for the LayerLens diagnostics the editor asks about; reads the recorded analysis only. */
export function codeActionsFor(
  document: Pick<TextDocument, 'uri' | 'version'>,
  analysis: DocumentAnalysis,
  diagnostics: Diagnostic[],
  abilities: ClientAbilities,
  split?: SplitEdit,
): CodeAction[] {
  const uri = document.uri;
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== diagnosticSource) continue;
    const finding = analysis.findings.find(
      (candidate) => candidate.rule === diagnostic.code && sameRange(candidate.range, diagnostic.range),
    );
    if (!finding) continue;
    finding.fixes.forEach((fix, index) => {
      const edit = workspaceEditFor(document, fix, abilities);
      if (!edit) return;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0 && fix.preferred !== false,
        edit,
      });
    });
    const splitting = splitRules.has(finding.rule) ? split?.() : undefined;
    if (splitting)
      actions.push({
        title: splitting.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: splitting.edit,
      });
    // Only a rule can be ignored: the engine's own findings (input, unknown-rule-name) answer to no comment.
    if (analysis.model && isKnownRuleName(finding.rule)) {
      const ignore = ignoreEdit(analysis.model, finding);
      if (ignore) {
        actions.push({
          title: `Ignore ${finding.rule} for this instruction`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: [ignore] } },
        });
      }
    }
    actions.push({
      title: `Show documentation for ${finding.rule}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: {
        title: `Show documentation for ${finding.rule}`,
        command: openDocsCommand,
        arguments: [finding.docsUrl],
      },
    });
  }
  return actions;
}

/** Plain text edits as `changes`; fixes that create files need `documentChanges` with CreateFile. */
function workspaceEditFor(
  document: Pick<TextDocument, 'uri' | 'version'>,
  fix: Fix,
  abilities: ClientAbilities,
): WorkspaceEdit | undefined {
  if (!fix.createFiles?.length) return { changes: { [document.uri]: fix.edits } };
  if (!abilities.canCreateFiles || !document.uri.startsWith('file:')) return undefined;
  const folder = document.uri.slice(0, document.uri.lastIndexOf('/') + 1);
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  for (const file of fix.createFiles) {
    const uri = folder + file.path.split('/').map(encodeURIComponent).join('/');
    documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    documentChanges.push({
      textDocument: { uri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.content }],
    });
  }
  if (fix.edits.length > 0)
    documentChanges.push({ textDocument: { uri: document.uri, version: document.version }, edits: fix.edits });
  return { documentChanges };
}

function sameRange(a: Finding['range'], b: Diagnostic['range']): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/**
 * Inserts `# layerlens ignore=<rule>` above the finding's instruction, or adds the rule to such a
 * comment that is already there.
 */
function ignoreEdit(model: DockerfileModel, finding: Finding): LspTextEdit | undefined {
  const instruction = model.instructions.find(
    (candidate) =>
      candidate.range.start.line <= finding.range.start.line && finding.range.start.line <= candidate.range.end.line,
  );
  if (!instruction) return undefined;
  const line = instruction.range.start.line;
  const previous = line > 0 ? model.lines.lineText(line - 1) : '';
  const existing = /^(\s*#\s*layerlens\s+ignore\s*=\s*)(.*?)\s*$/i.exec(previous);
  if (existing) {
    const end = { line: line - 1, character: existing[1].length + existing[2].length };
    return { range: { start: end, end }, newText: `,${finding.rule}` };
  }
  // After a byte-order mark on line 1, or the comment would push it into the FROM's keyword.
  const lineText = model.lines.lineText(line);
  const start = line === 0 && lineText.startsWith('\uFEFF') ? 1 : 0;
  const indent = /^[ \t]*/.exec(lineText.slice(start))?.[0] ?? '';
  return {
    range: { start: { line, character: start }, end: { line, character: start } },
    newText: `${indent}${ignoreCommentFor(finding.rule)}${model.lines.eol}`,
  };
}
