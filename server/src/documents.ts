import type { Conversion } from './features/convert';
import type { DocumentAnalysis } from './engine/document';
import { analyzeDocument } from './engine/document';
import type { DockerfileModel } from './model/model';
import type { BuildContextFacts } from './rules/types';
import type { Settings } from './settings';
import type { ImageSizeEstimate } from './size/estimate';

/** The model and size estimate of one document version. */
export interface Sized {
  model: DockerfileModel;
  estimate: ImageSizeEstimate;
}

/** What an analysis, estimate or conversion was made from; a different key means it is stale. */
interface Made<Value> {
  version: number;
  key: string;
  value: Value;
}

/** An estimate made while the build context was still being read (COPY sizes unknown): stale-but-complete beats it. */
export interface EstimateResult extends Sized {
  complete: boolean;
}

/** Analyses cheaper than this are published at once, however fast the user types. */
const cheapAnalysisMs = 20;
/** The longest wait before analysing while the user types faster than the analysis runs. */
const maxDebounceMs = 150;

/**
 * Everything the server knows about one open document: its settings, analysis, size estimate and
 * multi-stage conversion (each made once per version and inputs), and when to analyse the next
 * change. Dropped as a whole when the document closes, so nothing outlives it.
 */
export class DocumentState {
  settings: Promise<Settings> | undefined;
  /** The pending debounced check, if any. */
  timer: NodeJS.Timeout | undefined;
  private analysis: Made<DocumentAnalysis> | undefined;
  private estimate: Made<EstimateResult> | undefined;
  /** The newest estimate made with the build context read, and the text it was made for. */
  private lastComplete: { text: string; value: EstimateResult } | undefined;
  private conversion: Made<Conversion> | undefined;
  /** How long analyses of this document take (smoothed), in ms. */
  private analysisCostMs = 0;
  private lastChangeAt: number | undefined;

  /** `now` is the clock analyses are timed with (tests pass their own). */
  constructor(
    readonly uri: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The analysis of this version with these settings and build-context facts, made at most once. */
  analysisOf(
    version: number,
    text: string,
    settings: Settings,
    context: BuildContextFacts,
    contextGeneration: number,
  ): DocumentAnalysis {
    const key = `${contextGeneration}:${JSON.stringify(settings)}`;
    if (this.analysis && this.analysis.version === version && this.analysis.key === key) return this.analysis.value;
    const start = this.now();
    const value = analyzeDocument(text, settings, context);
    const cost = this.now() - start;
    // The first analysis (on open) runs cold, before the JIT warmed up: it says little about the next ones.
    if (this.analysis) this.analysisCostMs = this.analysisCostMs === 0 ? cost : 0.7 * this.analysisCostMs + 0.3 * cost;
    this.analysis = { version, key, value };
    return value;
  }

  /**
   * The size estimate of this version, made once per size generation. An estimate made before the
   * build context was read is replaced by the last complete one of the same text, so a save (which
   * re-reads the context) never shows lenses with every COPY unknown for a moment.
   */
  estimateOf(
    version: number,
    text: string,
    generation: number,
    model: DockerfileModel,
    estimate: (model: DockerfileModel) => EstimateResult,
  ): Sized {
    const key = String(generation);
    if (this.estimate && this.estimate.version === version && this.estimate.key === key) return this.estimate.value;
    let value = estimate(model);
    if (value.complete) this.lastComplete = { text, value };
    else if (this.lastComplete?.text === text) value = this.lastComplete.value;
    this.estimate = { version, key, value };
    return value;
  }

  /** The conversion of this version, made once per size generation. */
  conversionOf(version: number, generation: number, convert: () => Conversion): Conversion {
    const key = String(generation);
    if (this.conversion && this.conversion.version === version && this.conversion.key === key)
      return this.conversion.value;
    const value = convert();
    this.conversion = { version, key, value };
    return value;
  }

  /** Settings or build-context facts changed: analyses are made again (estimates keep their own key). */
  forgetAnalysis(): void {
    this.analysis = undefined;
  }

  /**
   * How long to wait before analysing a change that arrives `now`: nothing when the analysis is cheap
   * or the user paused longer than it takes; while the user types faster than the analysis runs, a wait
   * as long as one analysis (capped), so keystrokes are not queued behind analyses of superseded text.
   */
  debounceFor(now: number): number {
    const sincePrevious = this.lastChangeAt === undefined ? Infinity : now - this.lastChangeAt;
    this.lastChangeAt = now;
    if (this.analysisCostMs < cheapAnalysisMs || sincePrevious > this.analysisCostMs) return 0;
    return Math.min(maxDebounceMs, Math.round(this.analysisCostMs));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** One DocumentState per open document, made on first use and dropped on close. */
export class DocumentStates {
  private readonly states = new Map<string, DocumentState>();

  get(uri: string): DocumentState {
    let state = this.states.get(uri);
    if (!state) {
      state = new DocumentState(uri);
      this.states.set(uri, state);
    }
    return state;
  }

  /** The state of a document that is open, without making one. */
  peek(uri: string): DocumentState | undefined {
    return this.states.get(uri);
  }

  drop(uri: string): void {
    this.states.get(uri)?.dispose();
    this.states.delete(uri);
  }

  all(): IterableIterator<DocumentState> {
    return this.states.values();
  }

  get size(): number {
    return this.states.size;
  }
}
