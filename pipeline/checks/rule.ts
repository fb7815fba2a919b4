/**
 * What a rule is: one fact about a form, checked once, with its severity and the reason it exists.
 * A rule returns hits (field, the values compared, a sentence); the check stage turns each into a
 * Finding stamped with the rule's id, kind, severity and stage, so no other code invents those.
 */
import type { Finding } from '../../schemas/record.js';
import { round2 } from './recompute.js';

export interface Hit {
  field: string;
  expected: number | string | null;
  found: number | string | null;
  detail: string;
}

export interface Rule<Input> {
  /** groups rules in the report and the contract's `kind`: a value that is absent or that disagrees */
  readonly kind: 'missing' | 'inconsistent';
  readonly severity: Finding['severity'];
  /** one line: why a form that breaks this rule needs a person */
  readonly why: string;
  readonly check: (input: Input) => Hit[];
}

const text = (v: number | string | null): string | null => (typeof v === 'number' ? String(round2(v)) : v);

/** Given a rule's id, its entry and one hit, return the finding. */
export function toFinding<Input>(id: string, rule: Rule<Input>, stage: 'check' | 'cross_form', hit: Hit): Finding {
  return { field: hit.field, kind: rule.kind, detail: hit.detail, severity: rule.severity, rule: id, stage, expected: text(hit.expected), found: text(hit.found) };
}
