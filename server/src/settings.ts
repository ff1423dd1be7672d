import type { RuleSetting } from './engine/analyze';
import type { DocumentSettings } from './engine/document';
import { severities } from './rules/types';
import type { Severity } from './rules/types';
import { isKnownRuleName, unknownRuleMessage } from './engine/ruleNames';
import type { SizeBudget } from './engine/sizeBudget';
import { parseSize } from './size/format';

/** The `layerlens.*` settings of one resource, as package.json declares them. */
export interface Settings extends DocumentSettings {
  enable: boolean;
  target: string;
  rules: Record<string, RuleSetting>;
  /** `layerlens.registry.lookup`: exact base image sizes from registries (opt-in, network). */
  registryLookup: boolean;
  /** `layerlens.sizeBudget`: the shipped image's on-disk budget (`200MB`); empty for none. */
  sizeBudget: string;
}

export const defaultSettings: Settings = { enable: true, target: '', rules: {}, registryLookup: false, sizeBudget: '' };

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
    sizeBudget: typeof value.sizeBudget === 'string' ? value.sizeBudget.trim() : defaultSettings.sizeBudget,
  };
}

/**
 * What is wrong in the settings the client sent, one sentence each: `layerlens.rules` keys that name no
 * rule (a typo silently does nothing otherwise), a `layerlens.sizeBudget` that is not a size.
 */
export function settingsProblems(raw: unknown): string[] {
  if (!raw || typeof raw !== 'object') return [];
  const value = raw as Record<string, unknown>;
  const rules = value.rules && typeof value.rules === 'object' ? Object.keys(value.rules) : [];
  const problems = rules
    .filter((name) => !isKnownRuleName(name))
    .map((name) => unknownRuleMessage(name, 'layerlens.rules'));
  if (
    typeof value.sizeBudget === 'string' &&
    value.sizeBudget.trim() !== '' &&
    sizeBudgetOf(value.sizeBudget) === undefined
  )
    problems.push(`layerlens.sizeBudget "${value.sizeBudget}" is not a size: write it like 200MB or 1.5GB.`);
  return problems;
}

/** `layerlens.sizeBudget` as a budget; undefined when empty or unreadable. */
export function sizeBudgetOf(setting: string): SizeBudget | undefined {
  const bytes = setting === '' ? undefined : parseSize(setting);
  return bytes === undefined ? undefined : { bytes, source: 'layerlens.sizeBudget' };
}
