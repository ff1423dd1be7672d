import type { Rule } from '../server/src/rules/types';

/**
 * The `layerlens.rules` setting's schema in package.json: one property per rule, so settings.json
 * completes rule names and VS Code flags a name that is no rule ("Property … is not allowed").
 */
export function renderRulesSetting(rules: readonly Rule[]): object {
  const values = ['off', 'error', 'warning', 'info', 'hint'];
  return {
    type: 'object',
    default: {},
    scope: 'resource',
    markdownDescription:
      'Per-rule settings: `"rule-name": "off" | "error" | "warning" | "info" | "hint"`. Generated from the rules by `npm run docs`.',
    properties: Object.fromEntries(
      rules.map((rule) => [
        rule.meta.name,
        {
          type: 'string',
          enum: values,
          markdownDescription: `${rule.meta.docs.summary} Default: \`${rule.meta.severity}\`.`,
        },
      ]),
    ),
    additionalProperties: false,
  };
}

export const rulesTableMarkers = ['<!-- rules-table:begin -->', '<!-- rules-table:end -->'] as const;

export function renderRulePage(rule: Rule): string {
  const { meta } = rule;
  return [
    `# ${meta.name}`,
    '',
    `> Generated from the rule's meta by \`npm run docs\`; edit \`server/src/rules/${meta.name}.ts\` instead.`,
    '',
    meta.docs.summary,
    '',
    `- Default severity: **${meta.severity}**`,
    `- Quick fix: ${meta.fixable ? 'yes' : 'no'}`,
    `- Turn off: \`"layerlens.rules": { "${meta.name}": "off" }\`, or \`# layerlens ignore=${meta.name}\` above the instruction`,
    '',
    '## Why',
    '',
    meta.docs.rationale,
    '',
    '## Bad',
    '',
    '```dockerfile',
    meta.docs.bad.trimEnd(),
    '```',
    '',
    '## Good',
    '',
    '```dockerfile',
    meta.docs.good.trimEnd(),
    '```',
    '',
    '## Messages',
    '',
    ...Object.values(meta.messages).map((message) => `- ${message}`),
    '',
  ].join('\n');
}

export function renderRulesTable(rules: readonly Rule[]): string {
  const rows = rules.map(
    (rule) =>
      `| [\`${rule.meta.name}\`](docs/rules/${rule.meta.name}.md) | ${rule.meta.severity} | ${rule.meta.fixable ? '✓' : ''} | ${rule.meta.docs.summary} |`,
  );
  return ['| Rule | Severity | Fix | What it finds |', '|---|---|---|---|', ...rows, ''].join('\n');
}
