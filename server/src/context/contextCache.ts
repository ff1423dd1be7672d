import { fileURLToPath } from 'node:url';
import type { BuildContextFacts } from '../rules/types';
import { readContextFacts } from './facts';

/**
 * Build-context facts per Dockerfile, read once and kept until a watched file changes. The generation
 * number changes on every invalidation so analyses made with old facts are not reused.
 */
export class ContextCache {
  private readonly facts = new Map<string, BuildContextFacts>();
  generation = 0;

  get(uri: string): BuildContextFacts {
    if (!uri.startsWith('file:')) return {};
    let facts = this.facts.get(uri);
    if (!facts) {
      facts = readContextFacts(fileURLToPath(uri));
      this.facts.set(uri, facts);
    }
    return facts;
  }

  /** Forgets a closed Dockerfile's facts. */
  delete(uri: string): void {
    this.facts.delete(uri);
  }

  invalidate(): void {
    this.facts.clear();
    this.generation++;
  }
}
