/**
 * When a form goes to a reviewer: its confidence (the lowest of the fields that matter) below the
 * threshold, or any finding above `info`. The fields that matter are named against the record
 * schema's own keys, so renaming a field breaks the build here rather than silently unflagging it.
 */
import type { FieldProvenance } from '../../schemas/document.js';
import type { FormRecord, Funds, Indicator } from '../../schemas/record.js';

/** Confidence below which a reviewer should look at a field, and at its form. */
export const REVIEW_THRESHOLD = 0.85;

/** Fields whose confidence decides the form's: what analysts and scoring read. */
const FORM_FIELDS = ['project_name', 'total_score'] as const satisfies ReadonlyArray<keyof FormRecord>;
const FUNDS_FIELDS = ['adjusted_budget', 'executed', 'execution_rate'] as const satisfies ReadonlyArray<keyof Funds>;
const INDICATOR_FIELDS = ['name', 'target', 'actual', 'score', 'level1', 'level2'] as const satisfies ReadonlyArray<keyof Indicator>;

const FIELDS_THAT_MATTER = new RegExp(`^(${FORM_FIELDS.join('|')}|funds\\.(${FUNDS_FIELDS.join('|')})|indicators\\[\\d+\\]\\.(${INDICATOR_FIELDS.join('|')}))$`);

export function fieldMatters(path: string): boolean {
  return FIELDS_THAT_MATTER.test(path);
}

/** Given a built record and its fields' provenance, return the form's confidence. */
export function formConfidence(record: FormRecord, provenance: readonly FieldProvenance[]): number {
  const relevant = provenance.filter((p) => fieldMatters(p.field)).map((p) => p.confidence);
  return Math.round(Math.min(1, ...relevant, ...record.indicators.map((i) => i.confidence)) * 1000) / 1000;
}

/** Does the form need a person? Low confidence, or any issue that is more than information. */
export function needsReview(record: Pick<FormRecord, 'confidence' | 'issues'>): boolean {
  return record.confidence < REVIEW_THRESHOLD || record.issues.some((i) => i.severity !== 'info');
}
