/** Output formats: they only read finished records. */
import { stringify } from 'csv-stringify/sync';
import type { FormRecord } from '../schemas/record.js';

export function toJsonl(records: readonly FormRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : '');
}

const FORM_COLUMNS = ['id', 'file', 'form_index', 'form_type', 'scope', 'year', 'title', 'project_name', 'project_code', 'department',
  'implementing_unit', 'filing_unit', 'amount_unit', 'initial_budget', 'adjusted_budget', 'received', 'executed', 'execution_rate',
  'total_score', 'grade', 'form_confidence', 'needs_review'] as const;
const INDICATOR_COLUMNS = ['position', 'level1', 'level1_weight', 'level2', 'name', 'description', 'target_raw', 'target_op', 'target_value',
  'target_unit', 'actual_raw', 'actual_op', 'actual_value', 'actual_unit', 'weight', 'score', 'deviation_note', 'basis', 'indicator_confidence'] as const;

/** CSV: one row per indicator with its form's fields (a form without indicators gets one row). */
export function toCsv(records: readonly FormRecord[]): string {
  const rows: unknown[][] = [];
  for (const r of records) {
    const form = [r.id, r.source.file, r.source.form_index, r.form_type, r.scope, r.year, r.title, r.project_name, r.project_code, r.department,
      r.implementing_unit, r.filing_unit, r.amount_unit, r.funds.initial_budget, r.funds.adjusted_budget, r.funds.received, r.funds.executed,
      r.funds.execution_rate, r.total_score, r.grade, r.confidence, r.needs_review];
    if (r.indicators.length === 0) rows.push([...form, ...INDICATOR_COLUMNS.map(() => null)]);
    r.indicators.forEach((x, i) => rows.push([...form, i, x.level1, x.level1_weight, x.level2, x.name, x.description,
      x.target?.raw, x.target?.op, x.target?.value, x.target?.unit, x.actual?.raw, x.actual?.op, x.actual?.value, x.actual?.unit,
      x.weight, x.score, x.deviation_note, x.basis, x.confidence]));
  }
  return stringify(rows, { header: true, columns: [...FORM_COLUMNS, ...INDICATOR_COLUMNS], bom: true });
}
