import type { DockerfileModel } from '../model/model';
import type { Range } from '../model/text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const severities: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A change a rule proposes for one finding; applied as a quick fix or by `layerlens --fix`. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RuleDocs {
  /** One sentence: what the rule finds. */
  summary: string;
  /** Why it matters for the shipped image. */
  rationale: string;
  /** A Dockerfile that triggers the rule. */
  bad: string;
  /** The same Dockerfile written so the rule does not fire. */
  good: string;
}

export interface RuleMeta<MessageId extends string> {
  /** Public, stable, kebab-case; equal to the rule's file name. */
  name: string;
  severity: Severity;
  fixable: boolean;
  docs: RuleDocs;
  /** Message templates; `{{key}}` is replaced by the report's data. */
  messages: Record<MessageId, string>;
  /** Diagnostic tags, e.g. unused code shown faded. */
  unnecessary?: boolean;
}

export interface Report<MessageId extends string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  range: Range;
  fix?: Fix;
}

export interface RuleContext<MessageId extends string> {
  model: DockerfileModel;
  report(report: Report<MessageId>): void;
}

export interface Rule<MessageId extends string = string> {
  meta: RuleMeta<MessageId>;
  check(context: RuleContext<MessageId>): void;
}

/** Identity helper that keeps a rule's message ids typed. */
export function defineRule<MessageId extends string>(rule: Rule<MessageId>): Rule<MessageId> {
  return rule;
}
