/**
 * Rules across forms: facts one form states about another. They run over a document's forms in
 * the check stage and over every stored form at the end of an ingest (`ziping score`), since a
 * summary table and its projects' forms may come from different files.
 */
import levenshtein from 'fast-levenshtein';
import type { Finding, FormRecord } from '../../schemas/record.js';
import { TOTAL_SCORE_TOLERANCE } from './rules.js';
import { type Hit, type Rule, toFinding } from './rule.js';

/** A summary row matches the form whose budget is within half a percent of its own. */
export const SAME_BUDGET_SHARE = 0.005;
/** Name similarity a match needs: some agreement beside an equal budget, a close name without one. */
export const NAME_SIMILARITY_WITH_BUDGET = 0.3;
export const NAME_SIMILARITY_ALONE = 0.6;

/** A project name without the year and generic suffixes, for matching a summary row to its form. */
function nameKey(name: string | null): string {
  return (name ?? '').replace(/\d{4}年度?/g, '').replace(/[“”"'\s]/g, '').replace(/(项目|经费|费用|费)$/g, '');
}

function similarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a.includes(b) || b.includes(a)) return 0.9;
  return 1 - levenshtein.get(a, b) / Math.max(a.length, b.length);
}

/** The self-evaluation form of a summary row's project: equal budget (then the closest name), or a close name alone. */
function formOf(row: FormRecord, forms: readonly FormRecord[]): FormRecord | null {
  const key = nameKey(row.project_name);
  const budget = row.funds.adjusted_budget;
  const sameBudget = budget ? forms.filter((f) => f.funds.adjusted_budget !== null && Math.abs(f.funds.adjusted_budget - budget) <= SAME_BUDGET_SHARE * budget) : [];
  const pool = sameBudget.length > 0 ? sameBudget : forms;
  const best = pool.map((f) => ({ f, s: similarity(key, nameKey(f.project_name)) })).sort((a, b) => b.s - a.s)[0];
  return best && best.s >= (sameBudget.length > 0 ? NAME_SIMILARITY_WITH_BUDGET : NAME_SIMILARITY_ALONE) ? best.f : null;
}

export interface CrossFormInput { row: FormRecord; form: FormRecord }

/** Rules between a 汇总表 row and its project's form, by id. */
export const CROSS_FORM_RULES = {
  summary_vs_form: {
    kind: 'inconsistent', severity: 'warn',
    why: 'a summary table\'s self-score is copied from the project\'s form; a different number means one of them is wrong',
    check: ({ row, form }): Hit[] => (row.total_score !== null && form.total_score !== null && Math.abs(row.total_score - form.total_score) > TOTAL_SCORE_TOLERANCE
      ? [{ field: 'total_score', expected: form.total_score, found: row.total_score,
        detail: `the summary gives "${row.project_name}" ${row.total_score} but its form "${form.project_name}" totals ${form.total_score}` }]
      : []),
  },
} as const satisfies Record<string, Rule<CrossFormInput>>;

export type CrossFormRuleId = keyof typeof CROSS_FORM_RULES;

/** Given every form in scope, return the cross-form findings by the id of the form they belong to. */
export function crossFormFindings(records: readonly FormRecord[]): Map<string, Finding[]> {
  const forms = records.filter((r) => r.form_type === 'self_evaluation');
  const out = new Map<string, Finding[]>();
  for (const row of records.filter((r) => r.form_type === 'summary')) {
    const form = formOf(row, forms);
    if (!form) continue;
    for (const [id, rule] of Object.entries(CROSS_FORM_RULES) as Array<[CrossFormRuleId, Rule<CrossFormInput>]>) {
      for (const hit of rule.check({ row, form })) out.set(row.id, [...(out.get(row.id) ?? []), toFinding(id, rule, 'cross_form', hit)]);
    }
  }
  return out;
}
