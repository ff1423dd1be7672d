import type { DockerfileModel } from '../model/model';
import type { Range } from '../model/text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const severities: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A new file a fix creates, relative to the Dockerfile's folder (e.g. `.dockerignore`). */
export interface FileCreation {
  path: string;
  content: string;
}

/** A change a rule proposes for one finding; applied as a quick fix or by `layerlens --fix`. */
export interface Fix {
  title: string;
  /** Edits of the Dockerfile itself. */
  edits: TextEdit[];
  /** Files to create next to the Dockerfile; never overwrites an existing file. */
  createFiles?: FileCreation[];
  /** False for a suggestion the user should weigh (e.g. switching to alpine): not the lightbulb's preferred fix. */
  preferred?: boolean;
}

/**
 * Facts about the build context that the caller (server, CLI) read from disk before the analysis;
 * rules never do I/O. `undefined` fields mean unknown (an untitled document, a virtual file system).
 */
export interface BuildContextFacts {
  /** The `.dockerignore` that applies (`<Dockerfile>.dockerignore` first, then the context root's), or null when there is none. */
  dockerignore?: { path: string; text: string } | null;
  /** Names of the entries at the context root (`package.json`, `go.mod`, …). */
  rootEntries?: string[];
  /** What the `package.json` at the context root declares; null when there is none (or it is not JSON). */
  packageJson?: { devDependencies: boolean } | null;
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
  /** The build context both examples are checked with, for rules that read it (e.g. no `.dockerignore`); unknown when absent. */
  context?: BuildContextFacts;
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
  /** Peer checks this rule corresponds to, so their suppression comments silence it too. */
  compat?: { hadolint?: string[]; buildkit?: string[] };
}

export interface Report<MessageId extends string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  range: Range;
  fix?: Fix;
  /** Overrides the rule's default severity for this finding, e.g. `hint` in a build stage that is not shipped. */
  severity?: Severity;
}

export interface RuleContext<MessageId extends string> {
  model: DockerfileModel;
  context: BuildContextFacts;
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
