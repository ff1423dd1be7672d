import { relative, sep } from 'node:path';
import type { Finding } from '../engine/finding';
import type { Rule, Severity } from '../rules/types';
import { docsUrlFor } from '../engine/analyze';

export interface FileFindings {
  file: string;
  findings: Finding[];
}

const levels: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** SARIF 2.1.0 in the shape GitHub code scanning accepts: one run, rule descriptors, relative URIs. */
export function toSarif(results: FileFindings[], rules: readonly Rule[], version: string, root: string): object {
  const descriptors = rules.map((rule) => ({
    id: rule.meta.name,
    name: toPascalCase(rule.meta.name),
    shortDescription: { text: rule.meta.docs.summary },
    fullDescription: { text: rule.meta.docs.rationale },
    helpUri: docsUrlFor(rule.meta.name),
    help: {
      text: `${rule.meta.docs.summary}\n\n${rule.meta.docs.rationale}`,
      markdown: `${rule.meta.docs.summary}\n\n${rule.meta.docs.rationale}\n\n[Documentation](${docsUrlFor(rule.meta.name)})`,
    },
    defaultConfiguration: { level: levels[rule.meta.severity] },
    properties: { tags: ['dockerfile', 'container'], precision: 'high' },
  }));
  const indexOf = new Map(descriptors.map((descriptor, index) => [descriptor.id, index]));
  const sarifResults = results.flatMap(({ file, findings }) =>
    findings.map((finding) => ({
      ruleId: finding.rule,
      ...(indexOf.has(finding.rule) ? { ruleIndex: indexOf.get(finding.rule) } : {}),
      level: levels[finding.severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(relative(root, file)), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: finding.range.start.line + 1,
              startColumn: finding.range.start.character + 1,
              endLine: finding.range.end.line + 1,
              endColumn: finding.range.end.character + 1,
            },
          },
        },
      ],
    })),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'LayerLens',
            informationUri: 'https://github.com/layerlens/layerlens',
            version,
            semanticVersion: version,
            rules: descriptors,
          },
        },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
}

function toUri(path: string): string {
  return path.split(sep).map(encodeURIComponent).join('/');
}

function toPascalCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
