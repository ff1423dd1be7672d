import type { DocumentAnalysis } from './engine/document';
import { analyzeDocument } from './engine/document';
import type { BuildContextFacts } from './rules/types';
import type { Settings } from './settings';

interface CacheEntry {
  version: number;
  key: string;
  analysis: DocumentAnalysis;
}

/**
 * One parse and analysis per (document, version, settings, context generation); code actions read it
 * instead of re-linting.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, CacheEntry>();

  get(
    uri: string,
    version: number,
    text: string,
    settings: Settings,
    context: BuildContextFacts,
    contextGeneration: number,
  ): DocumentAnalysis {
    const key = `${contextGeneration}:${JSON.stringify(settings)}`;
    const cached = this.entries.get(uri);
    if (cached && cached.version === version && cached.key === key) return cached.analysis;
    const analysis = analyzeDocument(text, settings, context);
    this.entries.set(uri, { version, key, analysis });
    return analysis;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
