import type { DocumentAnalysis } from './engine/document';
import { analyzeDocument } from './engine/document';
import type { Settings } from './settings';

interface CacheEntry {
  version: number;
  settingsKey: string;
  analysis: DocumentAnalysis;
}

/** One parse and analysis per (document, version, settings); code actions read it instead of re-linting. */
export class AnalysisCache {
  private readonly entries = new Map<string, CacheEntry>();

  get(uri: string, version: number, text: string, settings: Settings): DocumentAnalysis {
    const settingsKey = JSON.stringify(settings);
    const cached = this.entries.get(uri);
    if (cached && cached.version === version && cached.settingsKey === settingsKey) return cached.analysis;
    const analysis = analyzeDocument(text, settings);
    this.entries.set(uri, { version, settingsKey, analysis });
    return analysis;
  }

  /** The analysis of exactly this version, if one was made. */
  peek(uri: string, version: number): DocumentAnalysis | undefined {
    const cached = this.entries.get(uri);
    return cached && cached.version === version ? cached.analysis : undefined;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
