/**
 * The check stage: the only producer of findings. Given built records, recompute what each form
 * claims (recompute.ts), apply the form rules (rules.ts) and the rules across forms
 * (crossForm.ts), and settle each form's confidence and review flag (review.ts). Every finding
 * goes into its form's `issues`; nothing is dropped because another issue names the same field.
 * The same functions re-check a form after a correction and every stored form after an ingest.
 */
import type { FieldProvenance, FormScore } from '../../schemas/document.js';
import { asFinding, type Finding, FormRecord, type Issue } from '../../schemas/record.js';
import { crossFormFindings } from './crossForm.js';
import { recompute } from './recompute.js';
import { FORM_RULES, type FormInput } from './rules.js';
import { type Rule, toFinding } from './rule.js';
import { formConfidence, needsReview } from './review.js';

export { CROSS_FORM_RULES, crossFormFindings } from './crossForm.js';
export { assessIndicator, gradeFor, recompute } from './recompute.js';
export { FORM_RULES } from './rules.js';
export { fieldMatters, needsReview, REVIEW_THRESHOLD } from './review.js';

/** Given one form and what was recomputed for it, return what its rules find. */
export function formFindings(form: FormRecord, score: FormScore = recompute(form)): Finding[] {
  const input: FormInput = { form, score };
  return (Object.entries(FORM_RULES) as Array<[string, Rule<FormInput>]>).flatMap(([id, rule]) => rule.check(input).map((hit) => toFinding(id, rule, 'check', hit)));
}

/**
 * A stored record's issues from before the check stage existed (no `stage`): the old validate and
 * audit findings are re-made by the rules, so they go; what the build stage observed stays. Only
 * stored records are read this way — a freshly built record's issues are all build observations.
 */
function isLegacyCheck(issue: Issue): boolean {
  return issue.stage === undefined && (issue.kind.startsWith('audit:') || issue.kind === 'inconsistent'
    || (issue.kind === 'missing' && ['total_score', 'indicators', 'project_name'].includes(issue.field)));
}

/**
 * Check one form: its findings of stage `check` are made afresh, the others (build observations,
 * correction conflicts, cross-form findings) kept. With provenance (a freshly built form) its
 * confidence is computed; without (a stored form) the stored confidence stands.
 */
export function checkForm(record: FormRecord, provenance?: readonly FieldProvenance[]): { record: FormRecord; score: FormScore } {
  const score = recompute(record);
  const kept = (provenance ? record.issues : record.issues.filter((i) => !isLegacyCheck(i))).map(asFinding).filter((i) => i.stage !== 'check');
  const confidence = provenance ? formConfidence(record, provenance) : record.confidence;
  const issues = [...kept, ...formFindings(record, score)];
  return { record: FormRecord.parse({ ...record, confidence, issues, needs_review: needsReview({ confidence, issues }) }), score };
}

/** Replace every record's cross-form findings with those of this run over `records`; the records whose findings changed are marked. */
export function checkAcrossForms(records: readonly FormRecord[]): Array<{ record: FormRecord; changed: boolean }> {
  const found = crossFormFindings(records);
  return records.map((record) => {
    const before = record.issues.filter((i) => i.stage === 'cross_form' || (i.stage === undefined && i.kind === 'audit:summary_vs_form'));
    const after = found.get(record.id) ?? [];
    if (JSON.stringify(before) === JSON.stringify(after)) return { record, changed: false };
    const issues = [...record.issues.filter((i) => !before.includes(i)), ...after];
    return { record: { ...record, issues, needs_review: needsReview({ confidence: record.confidence, issues }) }, changed: true };
  });
}

/**
 * The check stage over one document's built records (provenance of all its forms, by form index).
 * A record that breaks the record contract is left out and reported, as a build failure is.
 */
export interface Checked { records: FormRecord[]; scores: FormScore[]; failures: Array<{ record: FormRecord; message: string }> }

export function checkRecords(records: readonly FormRecord[], provenance: readonly FieldProvenance[]): Checked {
  const byForm = new Map<number, FieldProvenance[]>();
  for (const p of provenance) byForm.set(p.form_index, [...(byForm.get(p.form_index) ?? []), p]);
  const checked: Array<{ record: FormRecord; score: FormScore }> = [];
  const failures: Array<{ record: FormRecord; message: string }> = [];
  for (const r of records) {
    try {
      checked.push(checkForm(r, byForm.get(r.source.form_index) ?? []));
    } catch (error) {
      failures.push({ record: r, message: (error as Error).message });
    }
  }
  return { records: checkAcrossForms(checked.map((c) => c.record)).map((c) => c.record), scores: checked.map((c) => c.score), failures };
}
