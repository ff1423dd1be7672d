import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { CancellationToken, InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { DocumentStates } from './documents';
import type { DocumentState, EstimateResult, Sized } from './documents';
import { ContextCache } from './context/contextCache';
import { initShellParser } from './model/shell';
import { codeActionsFor, splitRules } from './features/codeActions';
import { toDiagnostic, withFindingDetails } from './features/diagnostics';
import { defaultSettings, normalizeSettings, settingsProblems, sizeBudgetOf } from './settings';
import { budgetFor, checkSizeBudget } from './engine/sizeBudget';
import { sortFindings } from './engine/analyze';
import type { Finding } from './engine/finding';
import type { Settings } from './settings';
import { CodeActionKind, MessageType, ShowMessageNotification } from 'vscode-languageserver/node';
import { ContextIndexCache } from './context/walker';
import { sizeLenses } from './features/codeLens';
import { SizeSinceHead } from './features/sizeSinceHead';
import { sizeHover } from './features/hover';
import { preloadAptIndexes } from './size/apt';
import { estimateWithContext, imageSizeRequest } from './features/imageSize';
import type { ImageSizeParams } from './features/imageSize';
import { RegistryLookups, workspaceTrustedNotification } from './registry/lookups';
import type { DockerfileModel } from './model/model';
import { conversionOf, convertCommand, convertEditFor, convertRequest } from './features/convert';
import type { Conversion, ConvertParams, ConvertResponse } from './features/convert';
import { convertModel } from './fixes/convert';
import { ConvertContextCache, convertContextFile } from './fixes/convert/contextFiles';
import { dirname, basename } from 'node:path';
import {
  MeasuredResults,
  measuredLenses,
  measuredNotification,
  measureDocument,
  measureProgressNotification,
  measureRequest,
  withMeasuredHover,
} from './features/measure';
import type { MeasureParams, MeasureResponse } from './features/measure';
import { sizeStatus } from './features/sizeStatus';
import { sizesChangedNotification, sizeStatusRequest } from './protocol';
import type { SizeStatusParams } from './protocol';

// Wiring only: the transport (IPC from VS Code, --stdio for other editors) is picked from argv.
const connection = createConnection(ProposedFeatures.all);
// The shell parser (WebAssembly) compiles while the client starts; initialize awaits it.
const shellParserReady = initShellParser();
const documents = new TextDocuments(TextDocument);
// Per open document: settings, analysis, estimate, conversion, debounce; dropped on close.
const states = new DocumentStates();
// Reading the build context is local file I/O only; it is fine in untrusted workspaces (nothing runs).
const contexts = new ContextCache();
// Benchmarks (npm run bench:lsp) ask for the time each check took, debounce excluded.
const reportTimings = process.env.LAYERLENS_TIMINGS === '1';
let canPullConfiguration = false;
let canCreateFiles = false;
let canRefreshLenses = false;
const contextIndexes = new ContextIndexCache();
let indexGeneration = 0;
// Opt-in registry sizes; needs the client's storage path and trust flag, so it is made in onInitialize.
let registry: RegistryLookups | undefined;
let canAnnotateChanges = false;
const convertContexts = new ConvertContextCache();
// Build and Measure results per document; builds run only on the user's command and only in trusted workspaces.
const measured = new MeasuredResults();
let measureTrusted = true;
// "+N MB since HEAD" on the shipped FROM: git runs after a lens request, and a new answer redraws the lenses.
const sinceHead = new SizeSinceHead(() => {
  if (canRefreshLenses) void connection.sendRequest('workspace/codeLens/refresh');
});

connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
  await shellParserReady;
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  const workspaceEdit = params.capabilities.workspace?.workspaceEdit;
  canCreateFiles =
    workspaceEdit?.documentChanges === true && (workspaceEdit.resourceOperations ?? []).includes('create');
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  canAnnotateChanges = workspaceEdit?.documentChanges === true && workspaceEdit.changeAnnotationSupport !== undefined;
  registry = new RegistryLookups(params.initializationOptions, sizesChanged);
  measureTrusted =
    (params.initializationOptions as { workspaceTrusted?: unknown } | undefined)?.workspaceTrusted !== false;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
    },
    serverInfo: { name: 'layerlens' },
  };
});

function settingsFor(uri: string): Promise<Settings> {
  if (!canPullConfiguration) return Promise.resolve(defaultSettings);
  const state = states.get(uri);
  state.settings ??= connection.workspace.getConfiguration({ scopeUri: uri, section: 'layerlens' }).then(
    (raw: unknown) => {
      warnAboutSettings(raw);
      return normalizeSettings(raw);
    },
    () => defaultSettings,
  );
  return state.settings;
}

// Each problem in the settings (a misspelt rule name, an unreadable budget) is shown once per configuration, not per file.
const shownSettingsProblems = new Set<string>();
function warnAboutSettings(raw: unknown): void {
  for (const problem of settingsProblems(raw)) {
    if (shownSettingsProblems.has(problem)) continue;
    shownSettingsProblems.add(problem);
    // A notification, not window/showMessageRequest: nothing waits on the user's answer, and every client shows it.
    void connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: `LayerLens: ${problem}`,
    });
  }
}

/** Publishes the diagnostics of a version; `receivedAt`/`waitedMs` only feed the benchmark's timings. */
async function validate(document: TextDocument, receivedAt: number, waitedMs: number): Promise<void> {
  const settings = await settingsFor(document.uri);
  // The user may have typed (or closed the file) while settings were fetched: only the newest version is published.
  const current = documents.get(document.uri);
  if (!current || current.version !== document.version) return;
  const findings = settings.enable ? analysisOf(document, settings).findings : [];
  const overBudget = settings.enable ? await budgetFindingOf(document, settings) : undefined;
  if (overBudget && documents.get(document.uri)?.version !== document.version) return;
  const diagnostics = (overBudget ? sortFindings([...findings, overBudget]) : findings).map(toDiagnostic);
  await connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  if (reportTimings)
    void connection.sendNotification('layerlens/timing', {
      uri: document.uri,
      version: document.version,
      processingMs: performance.now() - receivedAt - waitedMs,
      waitedMs,
    });
}

// Documents whose diagnostics include a size budget: checked again when sizes are learnt (context read, registry).
const budgeted = new Set<string>();

/** The size-budget finding of a version, when the file or its settings set a budget (estimated only then). */
async function budgetFindingOf(document: TextDocument, settings: Settings): Promise<Finding | undefined> {
  const model = analysisOf(document, settings).model;
  const budget = model && budgetFor(model, sizeBudgetOf(settings.sizeBudget));
  if (!budget) {
    budgeted.delete(document.uri);
    return undefined;
  }
  budgeted.add(document.uri);
  const sized = await estimateOf(document);
  return sized && checkSizeBudget(sized.model, sized.estimate, budget);
}

function analysisOf(document: TextDocument, settings: Settings) {
  return states
    .get(document.uri)
    .analysisOf(document.version, document.getText(), settings, contexts.get(document.uri), contexts.generation);
}

/** Checks the document after `delay` ms (at once for 0), replacing a check that was waiting. */
function schedule(document: TextDocument, delay: number): void {
  const state = states.get(document.uri);
  clearTimeout(state.timer);
  state.timer = undefined;
  const receivedAt = performance.now();
  const run = () => {
    state.timer = undefined;
    validate(document, receivedAt, delay).catch((error: unknown) =>
      connection.console.error(`LayerLens could not check ${document.uri}: ${String(error)}`),
    );
  };
  if (delay === 0) run();
  else state.timer = setTimeout(run, delay);
}

// TextDocuments reports an open as a content change too: the open is checked at once, its change event skipped.
let justOpened: TextDocument | undefined;
documents.onDidOpen((event) => {
  justOpened = event.document;
  schedule(event.document, 0);
});
documents.onDidChangeContent((event) => {
  const opened = justOpened === event.document;
  justOpened = undefined;
  if (opened) return;
  schedule(event.document, states.get(event.document.uri).debounceFor(performance.now()));
});
// A save publishes at once what a debounce still held back.
documents.onDidSave((event) => {
  if (states.peek(event.document.uri)?.timer) schedule(event.document, 0);
});
documents.onDidClose((event) => {
  const uri = event.document.uri;
  states.drop(uri);
  budgeted.delete(uri);
  sinceHead.forget(uri);
  contexts.delete(uri);
  const dir = contextDirOf(uri);
  if (dir && !documents.all().some((other) => other.uri !== uri && contextDirOf(other.uri) === dir))
    convertContexts.delete(dir);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(() => {
  shownSettingsProblems.clear();
  for (const state of states.all()) {
    state.settings = undefined;
    state.forgetAnalysis();
  }
  // layerlens.registry.lookup may have flipped: estimates are made again.
  sizesChanged();
  for (const document of documents.all()) schedule(document, 0);
});

/** Estimates models of a document's build context: its own, or the converted one. */
function estimatorFor(document: TextDocument, settings: Settings): (model: DockerfileModel) => EstimateResult {
  // The build context was measured (COPY sizes) or a registry answered (base sizes): sizesChanged.
  const baseSizes = registry?.baseSizesFor(settings.registryLookup);
  const facts = contexts.get(document.uri);
  return (model) => ({
    model,
    ...estimateWithContext(document.uri, model, facts, contextIndexes, sizesChanged, { baseSizes }),
  });
}

/** The model and size estimate of a document version, estimated once per version and size generation. */
async function estimateOf(document: TextDocument): Promise<Sized | undefined> {
  const settings = await settingsFor(document.uri);
  const model = analysisOf(document, settings).model;
  if (!model) return undefined;
  return stateOf(document).estimateOf(
    document.version,
    document.getText(),
    indexGeneration,
    model,
    estimatorFor(document, settings),
  );
}

function stateOf(document: TextDocument): DocumentState {
  return states.get(document.uri);
}

/** Sizes learnt after an estimate was made: estimates are stale, lenses are drawn again. */
function sizesChanged(): void {
  indexGeneration++;
  if (canRefreshLenses) void connection.sendRequest('workspace/codeLens/refresh');
  void connection.sendNotification(sizesChangedNotification);
  for (const uri of budgeted) {
    const document = documents.get(uri);
    if (document) schedule(document, 0);
  }
}

// The user trusted the workspace after the server started: registry lookups may run now.
connection.onNotification(workspaceTrustedNotification, () => {
  registry?.grantTrust();
  measureTrusted = true;
  sizesChanged();
});

connection.onHover(async (params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return null;
  const sized = await estimateOf(document);
  if (!sized) return null;
  const hover = sizeHover(sized.estimate, sized.model, params.position);
  const settings = await settingsFor(document.uri);
  const findings = settings.enable ? [...analysisOf(document, settings).findings] : [];
  const overBudget = settings.enable ? await budgetFindingOf(document, settings) : undefined;
  if (overBudget) findings.push(overBudget);
  return withFindingDetails(
    withMeasuredHover(hover, sized.model, sized.estimate, measured.get(document.uri), params.position),
    findings,
    params.position,
  );
});

connection.onCodeLens(async (params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const sized = await estimateOf(document);
  if (!sized) return [];
  const { model, estimate } = sized;
  const lenses = sizeLenses(
    document.uri,
    estimate,
    model.stages.map((stage) => stage.from.range),
  );
  lenses.push(...measuredLenses(document.uri, model, estimate, measured.get(document.uri), measureTrusted));
  lenses.push(...sinceHead.lenses(document.uri, document.version, model, estimate, measureTrusted));
  const conversion = model.stages.length === 1 ? await conversionFor(document) : undefined;
  if (conversion?.result.ok) {
    const start = model.stages[0].from.range.start;
    lenses.push({
      range: { start, end: start },
      command: {
        title: convertTitle(conversion, 'Convert to multi-stage build'),
        command: convertCommand,
        arguments: [document.uri],
      },
    });
  }
  return lenses;
});

/** The conversion of a document version to multi-stage, made once per version and context generation. */
async function conversionFor(document: TextDocument): Promise<Conversion | undefined> {
  const settings = await settingsFor(document.uri);
  // The model the analysis made is converted and estimated as it is: the document is parsed once per version.
  // Fix and lens titles quote this same estimate.
  const estimated = await estimateOf(document);
  if (!estimated) return undefined;
  const contextDir = contextDirOf(document.uri);
  const context = contextDir ? convertContexts.get(contextDir) : {};
  const estimator = estimatorFor(document, settings);
  return stateOf(document).conversionOf(document.version, indexGeneration, () =>
    conversionOf(
      estimated.model,
      estimated.estimate,
      (model) => convertModel(model, context),
      (model) => estimator(model).estimate,
    ),
  );
}

/** The build context of a Dockerfile on disk: its folder. */
function contextDirOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? dirname(fileURLToPath(uri)) : undefined;
}

function convertTitle(conversion: Conversion, verb: string): string {
  return conversion.sizeChange ? `${verb} (${conversion.sizeChange})` : verb;
}

connection.onRequest(convertRequest, async (params: ConvertParams): Promise<ConvertResponse | null> => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return null;
  const conversion = await conversionFor(document);
  if (!conversion) return { ok: false, reason: 'The Dockerfile could not be read (see its diagnostics).' };
  const { result } = conversion;
  if (!result.ok) return result;
  const edit = convertEditFor(document, result.text, convertTitle(conversion, 'Convert to multi-stage build'), {
    changeAnnotations: canAnnotateChanges,
  });
  return { ok: true, edit, messages: result.messages, sizeChange: conversion.sizeChange };
});

connection.onRequest(
  measureRequest,
  async (params: MeasureParams, token: CancellationToken): Promise<MeasureResponse> => {
    if (!measureTrusted) return { ok: false, reason: 'LayerLens builds images only in trusted workspaces.' };
    const document = documents.get(params.textDocument.uri);
    const sized = document && (await estimateOf(document));
    if (!document || !sized) return { ok: false, reason: 'The Dockerfile could not be read (see its diagnostics).' };
    const settings = await settingsFor(document.uri);
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const response = await measureDocument(document.uri, document.getText(), sized.model, {
      engine: params.engine,
      target: settings.target || undefined,
      signal: controller.signal,
      report: (progress) => void connection.sendNotification(measureProgressNotification, progress),
    });
    if (response.ok) {
      measured.set(document.uri, response.measurement);
      if (canRefreshLenses) void connection.sendRequest('workspace/codeLens/refresh');
    }
    return response;
  },
);

// The client restores measurements it kept: shown again (stale when the file changed since).
connection.onNotification(measuredNotification, (params: unknown) => {
  if (measured.restore(params) && canRefreshLenses) void connection.sendRequest('workspace/codeLens/refresh');
});

connection.onRequest(imageSizeRequest, async (params: ImageSizeParams) => {
  const document = documents.get(params.textDocument.uri);
  return document ? ((await estimateOf(document))?.estimate ?? null) : null;
});

connection.onRequest(sizeStatusRequest, async (params: SizeStatusParams) => {
  const document = documents.get(params.textDocument.uri);
  const sized = document && (await estimateOf(document));
  if (!sized) return null;
  return sizeStatus(
    sized.estimate,
    sized.model.stages.map((stage) => stage.from.range.start.line),
  );
});

// Files changed (the client watches the workspace): a changed file of a build context drops that
// context's index (sizes re-measured, lenses refreshed); .dockerignore and ecosystem files also change
// what rules know, so those re-check the open Dockerfiles.
connection.onDidChangeWatchedFiles((params) => {
  let indexDropped = false;
  let factsChanged = false;
  for (const change of params.changes) {
    if (!change.uri.startsWith('file:')) continue;
    const path = fileURLToPath(change.uri);
    if (contextIndexes.invalidatePath(path).length > 0) indexDropped = true;
    const name = basename(path);
    if (name.endsWith('.dockerignore') || convertContextFile.test(name)) factsChanged = true;
  }
  if (!factsChanged) {
    if (indexDropped) sizesChanged();
    return;
  }
  contexts.invalidate();
  convertContexts.invalidate();
  // A .dockerignore that excludes itself drops no index, yet changes what is copied: sizes are stale too.
  sizesChanged();
  for (const document of documents.all()) schedule(document, 0);
});

connection.onCodeAction(async (params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const settings = await settingsFor(document.uri);
  if (!settings.enable) return [];
  const wantsSplit = params.context.diagnostics.some((diagnostic) => splitRules.has(String(diagnostic.code)));
  const conversion = wantsSplit ? await conversionFor(document) : undefined;
  const split = () => {
    if (!conversion?.result.ok) return undefined;
    const title = convertTitle(conversion, 'Split into build and runtime stages');
    return {
      title,
      edit: convertEditFor(document, conversion.result.text, title, { changeAnnotations: canAnnotateChanges }),
    };
  };
  return codeActionsFor(
    document,
    analysisOf(document, settings),
    params.context.diagnostics,
    { canCreateFiles },
    split,
  );
});

documents.listen(connection);
connection.listen();
// The size data loads once per process; do it while the user is still reading, not on the first estimate.
preloadAptIndexes(1500);
