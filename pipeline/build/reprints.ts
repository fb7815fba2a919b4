/**
 * One form printed twice in a document — a page that shows the form's header as a summary in its
 * metadata, then the form's own table — is one record: the copy without indicator rows is dropped
 * (of two such, the one with fewer fields) and the one kept says so, so a reviewer can look at both.
 * Two full readings (a typed page and a scan of it) are both kept: each is a reading of its own page.
 */
import { titleText } from '../../forms/titles.js';
import type { FieldProvenance } from '../../schemas/document.js';
import type { FormRecord } from '../../schemas/record.js';

export interface BuiltForm { record: FormRecord; provenance: FieldProvenance[] }

/** Fields two readings of one form cannot disagree on: another unit, year or amount is another form. */
const IDENTITY: ReadonlyArray<(r: FormRecord) => unknown> = [
  (r) => r.year, (r) => r.department, (r) => r.implementing_unit, (r) => r.filing_unit, (r) => r.project_code,
  (r) => r.funds.initial_budget, (r) => r.funds.adjusted_budget, (r) => r.funds.executed, (r) => r.total_score,
];

/**
 * Two records of one form: the same kind, title and project, and no field both read that differs
 * (two schools' forms of one project, or two years' forms, differ in their unit, year or money).
 */
function sameForm(a: FormRecord, b: FormRecord): boolean {
  if (a.project_name === null || a.form_type !== b.form_type || a.project_name !== b.project_name) return false;
  if (a.title === null || b.title === null || titleText(a.title) !== titleText(b.title)) return false;
  return IDENTITY.every((field) => agree(field(a), field(b)));
}

/** Two readings agree on a field: one left it empty, they are equal, or one is cut short of the other (市农 | 市农业农村局). */
function agree(a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === b) return true;
  return typeof a === 'string' && typeof b === 'string' && (a.startsWith(b) || b.startsWith(a));
}

/** How much of a form a reading holds: the fields it gave a value, with their evidence. */
const fieldsRead = (form: BuiltForm): number => form.provenance.filter((p) => p.raw !== null).length;

/** Given the forms in document order, return them with every reprint dropped and the rest renumbered. */
export function withoutReprints(forms: readonly BuiltForm[], sha256: string): BuiltForm[] {
  const dropped = new Set<number>();
  forms.forEach((form, i) => {
    if (dropped.has(i)) return;
    forms.forEach((other, j) => {
      if (j <= i || dropped.has(j) || !sameForm(form.record, other.record)) return;
      const summaries = [i, j].filter((k) => forms[k]!.record.indicators.length === 0);
      if (summaries.length === 0) return;
      // the copy without indicator rows goes; of two such copies, the one with fewer fields read
      const gone = summaries.length === 1 ? summaries[0]! : fieldsRead(other) > fieldsRead(form) ? i : j;
      const kept = gone === i ? j : i;
      dropped.add(gone);
      forms[kept]!.record.issues.push({
        field: 'title', kind: 'form_printed_twice', severity: 'warn',
        detail: `the form is printed twice in this document (forms ${i + 1} and ${j + 1}); the copy with fewer rows and fields (${fieldsRead(forms[gone]!)} fields read, no indicator rows) was not stored`,
      });
    });
  });
  if (dropped.size === 0) return [...forms];
  return forms.filter((_, i) => !dropped.has(i)).map((form, k) => renumbered(form, k, sha256));
}

/** The form as the k-th of its document: its id, source and provenance say so. */
function renumbered(form: BuiltForm, k: number, sha256: string): BuiltForm {
  const record = { ...form.record, id: `${sha256}:${k}`, source: { ...form.record.source, form_index: k } };
  return { record, provenance: form.provenance.map((p) => ({ ...p, form_index: k })) };
}
