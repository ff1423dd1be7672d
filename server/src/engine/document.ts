import { buildModel } from '../model/model';
import { overWorkBudget } from '../model/budget';
export { initShellParser } from '../model/shell';
import type { DockerfileModel } from '../model/model';
import { analyze } from './analyze';
import type { AnalysisSettings } from './analyze';
import type { Finding } from './finding';
import type { BuildContextFacts } from '../rules/types';

/** Files larger than this are not analysed: no real Dockerfile comes close, and parsing must stay fast. */
export const maxAnalysedBytes = 2 * 1024 * 1024;

export interface DocumentAnalysis {
  model: DockerfileModel | undefined;
  findings: Finding[];
}

export interface DocumentSettings extends AnalysisSettings {
  target?: string;
}

/**
 * Parses and analyses one document version. Input that is not a Dockerfile (binary data, a huge
 * file, no FROM) yields one clear `input` finding instead of rule findings; nothing here throws.
 */
export function analyzeDocument(
  text: string,
  settings: DocumentSettings = {},
  context: BuildContextFacts = {},
): DocumentAnalysis {
  const problem = inputProblem(text);
  if (problem) return { model: undefined, findings: [problem] };
  let model: DockerfileModel;
  try {
    model = buildModel(text, { target: settings.target });
  } catch (error) {
    // A bug in the parser or the model (ours or a dependency's) must not take the server or a folder scan down.
    return { model: undefined, findings: [internalErrorFinding(error)] };
  }
  if (model.stages.length === 0 && model.instructions.length > 0) {
    return {
      model,
      findings: [
        inputFinding(
          'This file has instructions but no FROM: it is not a buildable Dockerfile, so LayerLens cannot tell what ships.',
          'warning',
        ),
      ],
    };
  }
  const imageless = model.stages.find((stage) => stage.image.raw.trim() === '');
  if (imageless) {
    return {
      model,
      findings: [
        inputFinding(
          `The FROM on line ${imageless.from.range.start.line + 1} names no image: Docker rejects this file, so LayerLens does not check it.`,
          'error',
          imageless.from.range,
        ),
      ],
    };
  }
  try {
    return { model, findings: analyze(model, settings, undefined, context) };
  } catch (error) {
    return { model, findings: [internalErrorFinding(error)] };
  }
}

function internalErrorFinding(error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return inputFinding(`LayerLens could not analyse this file (internal error: ${message.split('\n')[0]}).`, 'error');
}

/** Why a text is not analysed (not a Dockerfile, or over the work budget); undefined when it is. */
export function inputProblem(text: string): Finding | undefined {
  if (text.length > maxAnalysedBytes) {
    return inputFinding(
      `This file is ${(text.length / 1024 / 1024).toFixed(1)} MB, more than LayerLens analyses (${maxAnalysedBytes / 1024 / 1024} MB): it is not checked.`,
      'info',
    );
  }
  const overBudget = overWorkBudget(text);
  if (overBudget) return inputFinding(`${overBudget}: it is not checked.`, 'info');
  // eslint-disable-next-line no-control-regex -- binary input is told by its control characters
  if (text.slice(0, 8192).includes('\u0000') || /[\u0000-\u0008\u000e-\u001a]{4}/.test(text.slice(0, 8192))) {
    return inputFinding('This file looks binary, not like a Dockerfile: it is not checked.', 'error');
  }
  return undefined;
}

export const inputRuleName = 'input';

function inputFinding(
  message: string,
  severity: Finding['severity'],
  range: Finding['range'] = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
): Finding {
  return {
    rule: inputRuleName,
    severity,
    message,
    range,
    fixes: [],
    docsUrl: 'https://github.com/layerlens/layerlens/blob/main/docs/rules/README.md#input',
    unnecessary: false,
  };
}
