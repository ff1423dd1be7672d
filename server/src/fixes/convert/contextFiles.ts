import { readdirSync } from 'node:fs';
import { contextFileReader } from '../../context/readFile';
import type { ConvertContext } from './common';

/** Files at the context root an ecosystem's conversion reads (manifests, lockfiles, build configs). */
export const convertContextFile =
  /^(package\.json|\.npmrc|go\.mod|requirements[^/]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile(\.lock)?|setup\.(py|cfg)|pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties|Cargo\.toml|Cargo\.lock|[^/]*\.(csproj|fsproj|vbproj|sln)|global\.json|angular\.json|vite\.config\.[cm]?[jt]s|nginx\.conf|default\.conf)$/;
/** Larger files are not manifests anyone writes by hand; they are skipped, not read. */
const maxFileBytes = 512 * 1024;

/** Reads the root entries of a build context and the files conversions look at. Throws when the folder cannot be listed. */
export function readConvertContext(contextDir: string): ConvertContext {
  const rootEntries = readdirSync(contextDir);
  // The estimator's reader: regular files inside the context only, unreadable ones treated as absent.
  const read = contextFileReader(contextDir, maxFileBytes);
  const files: Record<string, string> = {};
  for (const name of rootEntries) {
    const text = convertContextFile.test(name) ? read(name) : undefined;
    if (text !== undefined) files[name] = text;
  }
  // Entry scripts and manifests in subfolders are read on demand, through the same reader.
  return { rootEntries, files, read };
}

/** Conversion contexts per build-context folder, read once and dropped when a watched manifest changes. */
export class ConvertContextCache {
  private readonly contexts = new Map<string, ConvertContext>();

  get(contextDir: string): ConvertContext {
    let context = this.contexts.get(contextDir);
    if (!context) {
      try {
        context = readConvertContext(contextDir);
      } catch {
        // A folder that cannot be listed converts like an empty context: conversions needing files refuse.
        context = {};
      }
      this.contexts.set(contextDir, context);
    }
    return context;
  }

  /** Forgets a folder no open Dockerfile converts from any more. */
  delete(contextDir: string): void {
    this.contexts.delete(contextDir);
  }

  invalidate(): void {
    this.contexts.clear();
  }
}
