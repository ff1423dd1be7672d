import data from '../data/build-packages.json';
import { wildcardMatch } from './glob';

interface Entry {
  kind: string;
  names: Set<string>;
  patterns: string[];
}

interface Family {
  entries: Entry[];
  except: string[];
}

/** Lookup tables built once: manager (`apt`, `apk`, …) → its package family's entries. */
const familyByManager = new Map<string, Family>();
for (const family of data.families) {
  const compiled: Family = {
    entries: family.entries.map((entry) => ({
      kind: entry.kind,
      names: new Set(entry.names),
      patterns: 'patterns' in entry ? (entry.patterns as string[]) : [],
    })),
    except: family.except,
  };
  for (const manager of family.managers) familyByManager.set(manager, compiled);
}
const groupManagers = new Set(data.groups.managers);
const groupNames = new Set(data.groups.names);

/**
 * What a package is for when it exists only to build software (`gcc` → compiler, `libssl-dev` →
 * headers, `git` → version control), or undefined for runtime packages and unknown managers.
 */
export function buildPackageKind(manager: string, name: string): string | undefined {
  // The same Dockerfile is analysed on every keystroke: remember answers (bounded, names repeat).
  const key = `${manager}\0${name}`;
  if (kindCache.has(key)) return kindCache.get(key);
  if (kindCache.size > 10000) kindCache.clear();
  const kind = lookUpKind(manager, name);
  kindCache.set(key, kind);
  return kind;
}

const kindCache = new Map<string, string | undefined>();

function lookUpKind(manager: string, name: string): string | undefined {
  const family = familyByManager.get(manager);
  if (!family) return undefined;
  for (const entry of family.entries) {
    if (entry.names.has(name)) return entry.kind;
  }
  if (family.except.some((pattern) => wildcardMatch(pattern, name))) return undefined;
  for (const entry of family.entries) {
    if (entry.patterns.some((pattern) => wildcardMatch(pattern, name))) return entry.kind;
  }
  return undefined;
}

/** True for a package group that installs a toolchain (`yum groupinstall "Development Tools"`). */
export function isBuildPackageGroup(manager: string, name: string): boolean {
  return groupManagers.has(manager) && groupNames.has(name.toLowerCase().replace(/^@/, ''));
}
