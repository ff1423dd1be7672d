import type { RuleSetting } from './engine/analyze';
import type { DocumentSettings } from './engine/document';
import { severities } from './rules/types';
import type { Severity } from './rules/types';
import { isKnownRuleName } from './engine/ruleNames';

/** The `layerlens.*` settings of one resource, as package.json declares them. */
export interface Settings extends DocumentSettings {
  enable: boolean;
  target: string;
  rules: Record<string, RuleSetting>;
  /** `layerlens.registry.lookup`: exact base image sizes from registries (opt-in, network). */
  registryLookup: boolean;
}

export const defaultSettings: Settings = { enable: true, target: '', rules: {}, registryLookup: false };

/** Validates what the client sent; anything malformed falls back to the default for that key. */
export function normalizeSettings(raw: unknown): Settings {
  if (!raw || typeof raw !== 'object') return defaultSettings;
  const value = raw as Record<string, unknown>;
  const rules: Record<string, RuleSetting> = {};
  if (value.rules && typeof value.rules === 'object') {
    for (const [name, setting] of Object.entries(value.rules as Record<string, unknown>)) {
      if (setting === 'off' || severities.includes(setting as Severity)) rules[name] = setting as RuleSetting;
    }
  }
  return {
    enable: typeof value.enable === 'boolean' ? value.enable : defaultSettings.enable,
    target: typeof value.target === 'string' ? value.target : defaultSettings.target,
    rules,
    // Only a literal true turns the network on.
    registryLookup: (value.registry as Record<string, unknown> | undefined)?.lookup === true,
  };
}

/** Keys of `layerlens.rules` that name no rule (a typo silently does nothing otherwise). */
export function unknownRuleSettings(raw: unknown): string[] {
  const rules = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).rules : undefined;
  if (!rules || typeof rules !== 'object') return [];
  return Object.keys(rules).filter((name) => !isKnownRuleName(name));
}
