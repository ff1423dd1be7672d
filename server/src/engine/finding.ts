import type { Range } from '../model/text';
import type { Fix, Severity } from '../rules/types';

/** A rule's report after the engine applied settings, suppressions and message rendering. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  docsUrl: string;
  unnecessary: boolean;
}
