import type { AnnotatedTextEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ConvertResult } from '../fixes/convert';
import { buildModel } from '../model/model';
import type { DockerfileModel } from '../model/model';
import type { ImageSizeEstimate, StageEstimate } from '../size/estimate';
import { formatBytes } from '../size/format';

/** The custom request behind "LayerLens: Convert to Multi-Stage Build" (see the README). */
export const convertRequest = 'layerlens/convert';
export const convertCommand = 'layerlens.convertToMultiStage';
/** The change annotation that makes VS Code show the edit as a diff preview before applying it. */
const convertAnnotation = 'layerlens.convert';
const confirmAnnotation = 'layerlens.convert.confirm';

export interface ConvertParams {
  textDocument: { uri: string };
}

export type ConvertResponse =
  { ok: true; edit: WorkspaceEdit; messages: string[]; sizeChange: string | null } | { ok: false; reason: string };

/** A conversion of one document version, with the size change it makes when both sizes are known. */
export interface Conversion {
  result: ConvertResult;
  sizeChange: string | null;
}

export interface EditAbilities {
  /** The client applies versioned `documentChanges` with change annotations (and can ask for confirmation). */
  changeAnnotations: boolean;
}

/** Converts a parsed document and estimates the converted one, to quote the shipped stage before and after. */
export function conversionOf(
  before: DockerfileModel,
  estimated: ImageSizeEstimate,
  convert: (model: DockerfileModel) => ConvertResult,
  estimate: (model: DockerfileModel) => ImageSizeEstimate,
): Conversion {
  const result = convert(before);
  if (!result.ok) return { result, sizeChange: null };
  return { result, sizeChange: sizeChangeOf(estimated, estimate(buildModel(result.text))) };
}

/** `≈ 1.1 GB → 180 MB on disk`, or null when either shipped size is unknown. */
export function sizeChangeOf(before: ImageSizeEstimate, after: ImageSizeEstimate): string | null {
  const shippedBefore = before.stages.find((stage) => stage.shipped);
  const shippedAfter = after.stages.find((stage) => stage.shipped);
  if (!shippedBefore || !shippedAfter || shippedBefore.diskBytes === null || shippedAfter.diskBytes === null)
    return null;
  // With unknown layers only the lower end of the interval is sure: `≥` that, never `≥` the point estimate.
  const figure = (stage: StageEstimate) =>
    stage.unknownLayers > 0 && stage.diskLow !== null
      ? `≥ ${formatBytes(stage.diskLow)}`
      : `≈ ${formatBytes(stage.diskBytes ?? 0)}`;
  return `${figure(shippedBefore)} → ${figure(shippedAfter)} on disk`;
}

/**
 * The edit that turns the document into the converted text: one replacement of the lines that differ,
 * versioned so that it is rejected when the user typed meanwhile. An edit annotated as needing
 * confirmation makes VS Code show the refactor preview (the diff) before applying; VS Code leaves such
 * edits unchecked, so the replacement itself is not the one annotated — an empty edit is, and the
 * preview opens with the conversion checked and visible, one click on Apply away.
 */
export function convertEditFor(
  document: Pick<TextDocument, 'uri' | 'version' | 'getText' | 'positionAt'>,
  converted: string,
  label: string,
  abilities: EditAbilities,
): WorkspaceEdit {
  const text = document.getText();
  const change = changedSpan(text, converted);
  const edit: TextEdit = {
    range: { start: document.positionAt(change.start), end: document.positionAt(change.end) },
    newText: change.newText,
  };
  if (!abilities.changeAnnotations) return { changes: { [document.uri]: [edit] } };
  const annotated: AnnotatedTextEdit = { ...edit, annotationId: convertAnnotation };
  const end = document.positionAt(document.getText().length);
  const marker: AnnotatedTextEdit = { range: { start: end, end }, newText: '', annotationId: confirmAnnotation };
  return {
    documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: [annotated, marker] }],
    changeAnnotations: {
      [convertAnnotation]: { label, needsConfirmation: false, description: 'LayerLens' },
      [confirmAnnotation]: { label: 'Review the diff, then Apply', needsConfirmation: true },
    },
  };
}

/** The smallest whole-line span of `before` to replace to get `after`. */
export function changedSpan(before: string, after: string): { start: number; end: number; newText: string } {
  let prefix = 0;
  const limit = Math.min(before.length, after.length);
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Back to a line start, so the replacement is whole lines (a readable diff, no split CRLF).
  prefix = before.lastIndexOf('\n', prefix - 1) + 1;
  let suffix = 0;
  while (
    suffix < limit - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  // Forward to just after a line end.
  while (suffix > 0 && before.charCodeAt(before.length - suffix - 1) !== 10) suffix--;
  return { start: prefix, end: before.length - suffix, newText: after.slice(prefix, after.length - suffix) };
}
