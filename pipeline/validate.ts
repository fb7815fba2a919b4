/**
 * Validation: check a built record against the contract (zod) and against the arithmetic a real
 * form satisfies; set its confidence (the lowest confidence among fields that matter) and
 * needs_review. Every inconsistency becomes an issue on the record; nothing is "fixed" here.
 */
import type { FieldProvenance } from '../schemas/document.js';
import { FormRecord, type Issue } from '../schemas/record.js';

/** Confidence below which a reviewer should look at the form. */
export const REVIEW_THRESHOLD = 0.85;
/** Fields whose confidence decides the form's: what analysts and scoring read. */
const FIELDS_THAT_MATTER = /^(project_name|funds\.(adjusted_budget|executed|execution_rate)|total_score|indicators\[\d+\]\.(name|target|actual|score|level1|level2))$/;

const RATE_TOLERANCE = 0.011;

function near(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) <= tolerance;
}

/** Arithmetic checks a printed form should pass. */
export function consistencyIssues(record: FormRecord): Issue[] {
  const issues: Issue[] = [];
  const { funds } = record;
  if (funds.adjusted_budget && funds.executed !== null && funds.execution_rate !== null) {
    const computed = funds.executed / funds.adjusted_budget;
    if (!near(computed, funds.execution_rate, RATE_TOLERANCE)) {
      issues.push({ field: 'funds.execution_rate', kind: 'inconsistent', detail: `printed ${(funds.execution_rate * 100).toFixed(2)}% but executed / budget = ${(computed * 100).toFixed(2)}%`, severity: 'warn' });
    }
  }
  const amounts = [funds.adjusted_budget, funds.received, funds.executed].filter((x): x is number => x !== null && x > 0);
  if (amounts.length >= 2 && Math.max(...amounts) / Math.min(...amounts) >= 100) {
    issues.push({ field: 'funds', kind: 'inconsistent', detail: `amounts differ by ×${Math.round(Math.max(...amounts) / Math.min(...amounts))}: budget ${funds.adjusted_budget}, received ${funds.received}, executed ${funds.executed} (wrong unit or a misread number?)`, severity: 'warn' });
  }
  const scores = record.indicators.map((i) => i.score).filter((s): s is number => s !== null);
  if (record.form_type === 'self_evaluation' && record.total_score !== null && scores.length === record.indicators.length && scores.length > 0) {
    const sum = scores.reduce((a, b) => a + b, 0);
    const withFunds = sum + (funds.score ?? 0);
    if (!near(sum, record.total_score, 0.51) && !near(withFunds, record.total_score, 0.51)) {
      issues.push({ field: 'total_score', kind: 'inconsistent', detail: `printed 总分 ${record.total_score} but indicator scores add up to ${round2(sum)}${funds.score !== null ? ` (${round2(withFunds)} with the funds score)` : ''}`, severity: 'warn' });
    }
  }
  record.indicators.forEach((indicator, i) => {
    if (indicator.weight !== null && indicator.score !== null && indicator.score > indicator.weight) {
      issues.push({ field: `indicators[${i}].score`, kind: 'inconsistent', detail: `score ${indicator.score} exceeds weight ${indicator.weight}`, severity: 'warn' });
    }
  });
  if (record.form_type === 'self_evaluation' && record.total_score === null) {
    issues.push({ field: 'total_score', kind: 'missing', detail: '总分 row is empty', severity: 'warn' });
  }
  if (record.form_type !== 'summary' && record.indicators.length === 0) {
    issues.push({ field: 'indicators', kind: 'missing', detail: 'no indicator rows found', severity: 'error' });
  }
  if (record.project_name === null) issues.push({ field: 'project_name', kind: 'missing', detail: 'no 项目名称 found', severity: 'warn' });
  return issues;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Given a built record and its provenance, return the validated record with confidence and review flag. */
export function validateRecord(record: FormRecord, provenance: readonly FieldProvenance[]): FormRecord {
  const issues = [...record.issues, ...consistencyIssues(record)];
  const relevant = provenance.filter((p) => FIELDS_THAT_MATTER.test(p.field)).map((p) => p.confidence);
  const confidence = Math.min(1, ...relevant, ...record.indicators.map((i) => i.confidence));
  const result: FormRecord = {
    ...record,
    issues,
    confidence: Math.round(confidence * 1000) / 1000,
    needs_review: confidence < REVIEW_THRESHOLD || issues.some((i) => i.severity !== 'info'),
  };
  return FormRecord.parse(result);
}
