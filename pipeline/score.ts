/**
 * Scoring and audit: recompute what a form claims from its own amounts and indicator values, the
 * way 项目支出绩效评价 guidance scores a project, and record every disagreement as an audit finding.
 * Pure functions of records; the SQLite sink stores the results and the views read them.
 */
import levenshtein from 'fast-levenshtein';
import type { Audit, FormScore, IndicatorAssessment } from '../schemas/document.js';
import type { FormRecord, Indicator, ParsedValue } from '../schemas/record.js';

export type { Audit, FormScore, IndicatorAssessment };
type Severity = Audit['severity'];
type Met = IndicatorAssessment['met'];

const round2 = (x: number): number => Math.round(x * 100) / 100;
const fmt = (x: number | null): string | null => (x === null ? null : String(round2(x)));

/** Money units convert; other units must agree (a missing unit is taken to be the other side's). */
const UNIT_FACTORS: Readonly<Record<string, number>> = { 元: 1, 万元: 10000, 亿元: 1e8, 千元: 1000 };

function comparableValues(target: ParsedValue, actual: ParsedValue): [number, number] | null {
  if (target.value === null || actual.value === null) return null;
  const tu = target.unit;
  const au = actual.unit;
  if (tu === au || tu === null || au === null) return [target.value, actual.value];
  const tf = UNIT_FACTORS[tu];
  const af = UNIT_FACTORS[au];
  if (tf !== undefined && af !== undefined) return [target.value * tf, actual.value * af];
  return null;
}

/** A target printed without an operator: a ceiling for costs, a floor for everything else. */
function defaultOperator(indicator: Indicator): NonNullable<ParsedValue['op']> {
  return indicator.level2 === '成本指标' || indicator.level1 === '成本指标' || /成本|费用|单价|价格/.test(indicator.name ?? '') ? '<=' : '>=';
}

const NEGATIVE = /未|没有|不[足够到达及合]|否|滞后|延期|延迟|差|较低|下降/;
const POSITIVE = /已|完成|达到|达成|实现|及时|有效|良好|优|合格|满意|提高|提升|显著|明显|符合|是|准确|安全|稳定|正常/;

/** Does the actual value meet the target? Quantitative by operator and unit; qualitative by wording. */
export function assessIndicator(indicator: Indicator): { met: Met; achievement: number | null } {
  const { target, actual } = indicator;
  if (!target || !actual) return { met: 'unknown', achievement: null };
  if (target.value !== null) {
    const values = comparableValues(target, actual);
    if (!values) return { met: 'unknown', achievement: null };
    const [t, a] = values;
    const op = target.op ?? defaultOperator(indicator);
    const eps = 1e-9 * Math.max(1, Math.abs(t));
    const met = op === '>=' ? a >= t - eps : op === '>' ? a > t : op === '<=' ? a <= t + eps : op === '<' ? a < t : Math.abs(a - t) <= eps;
    if (met) return { met: 'met', achievement: 1 };
    // proportional credit: actual / target for floors, target / actual for ceilings
    const ratio = op === '<=' || op === '<' ? (a > 0 ? t / a : 0) : t > 0 ? a / t : 0;
    return { met: 'not_met', achievement: Math.max(0, Math.min(1, ratio)) };
  }
  const text = actual.raw.replace(/\s/g, '');
  if (text === '') return { met: 'unknown', achievement: null };
  if (NEGATIVE.test(text)) return { met: 'not_met', achievement: null };
  if (text.includes(target.raw.replace(/\s/g, '')) || POSITIVE.test(text) || (actual.value !== null && actual.unit === '%' && actual.value >= 100)) {
    return { met: 'met', achievement: 1 };
  }
  return { met: 'unknown', achievement: null };
}

/** The printed grade's band: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60. */
export function gradeFor(total: number): string {
  return total >= 90 ? '优' : total >= 80 ? '良' : total >= 60 ? '中' : '差';
}

function audit(form: FormRecord, rule: string, field: string, expected: number | string | null, found: number | string | null, severity: Severity, detail: string): Audit {
  const str = (v: number | string | null): string | null => (typeof v === 'number' ? fmt(v) : v);
  return { form_id: form.id, rule, field, expected: str(expected), found: str(found), severity, detail };
}

function fundsAudits(form: FormRecord, rate: number | null, fundsScore: number | null): Audit[] {
  const out: Audit[] = [];
  const { funds } = form;
  if (rate !== null && funds.execution_rate !== null && Math.abs(rate - funds.execution_rate) > 0.005) {
    out.push(audit(form, 'execution_rate', 'funds.execution_rate', `${round2(rate * 100)}%`, `${round2(funds.execution_rate * 100)}%`, 'warn',
      `执行率 printed ${round2(funds.execution_rate * 100)}% but executed ${funds.executed} / budget ${funds.adjusted_budget} = ${round2(rate * 100)}%`));
  }
  if (fundsScore !== null && funds.score !== null && Math.abs(fundsScore - funds.score) > 0.05 * (funds.weight ?? 10) + 0.01) {
    out.push(audit(form, 'funds_score', 'funds.score', fundsScore, funds.score, 'warn',
      `funds score printed ${funds.score} but weight ${funds.weight} × min(执行率, 1) = ${round2(fundsScore)}`));
  }
  return out;
}

function indicatorAudits(form: FormRecord, assessments: readonly IndicatorAssessment[]): Audit[] {
  const out: Audit[] = [];
  form.indicators.forEach((x, i) => {
    const field = `indicators[${i}].score`;
    if (x.weight !== null && x.score !== null && x.score > x.weight) {
      out.push(audit(form, 'score_exceeds_weight', field, x.weight, x.score, 'warn', `"${x.name ?? ''}": score ${x.score} exceeds its weight ${x.weight}`));
    }
    const a = assessments[i]!;
    if (a.met === 'not_met' && x.weight !== null && x.score !== null && x.score >= x.weight) {
      out.push(audit(form, 'full_marks_target_missed', field, a.recomputed_score, x.score, 'warn',
        `"${x.name ?? ''}": full marks claimed but actual ${x.actual?.raw ?? '?'} misses target ${x.target?.raw ?? '?'}`));
    }
  });
  // level-1 weights such as 产出指标(40分) against the rows under them
  const groups = new Map<string, { weight: number; weights: number[]; scores: number[]; rows: number }>();
  for (const x of form.indicators) {
    if (!x.level1 || x.level1_weight === null) continue;
    const g = groups.get(x.level1) ?? { weight: x.level1_weight, weights: [], scores: [], rows: 0 };
    g.rows++;
    if (x.weight !== null) g.weights.push(x.weight);
    if (x.score !== null) g.scores.push(x.score);
    groups.set(x.level1, g);
  }
  for (const [level1, g] of groups) {
    const weightSum = g.weights.reduce((s, w) => s + w, 0);
    const scoreSum = g.scores.reduce((s, w) => s + w, 0);
    if (g.weights.length === g.rows && Math.abs(weightSum - g.weight) > 0.01) {
      out.push(audit(form, 'level1_weight', `indicators.${level1}`, weightSum, g.weight, 'warn', `${level1} is printed as (${g.weight}分) but its rows' weights add up to ${round2(weightSum)}`));
    } else if (scoreSum > g.weight + 0.01) {
      out.push(audit(form, 'level1_score_exceeds', `indicators.${level1}`, g.weight, scoreSum, 'warn', `${level1} (${g.weight}分): its rows' scores add up to ${round2(scoreSum)}`));
    }
  }
  return out;
}

/** The weights a form distributes: per-row weights when all are printed, else the level-1 weights. */
function weightSum(form: FormRecord): number | null {
  const rows = form.indicators;
  if (rows.length === 0) return null;
  const funds = form.funds.weight ?? 0;
  if (rows.every((x) => x.weight !== null)) return rows.reduce((s, x) => s + x.weight!, 0) + funds;
  const level1 = new Map<string, number>();
  for (const x of rows) if (x.level1 && x.level1_weight !== null) level1.set(x.level1, x.level1_weight);
  if (level1.size === 0) return null;
  return [...level1.values()].reduce((s, w) => s + w, 0) + funds;
}

/** Recompute one form: execution, funds score, indicator achievement, totals, weights, grade. */
export function scoreForm(form: FormRecord): FormScore {
  const { funds } = form;
  const rate = funds.adjusted_budget && funds.executed !== null ? funds.executed / funds.adjusted_budget : null;
  const fundsScore = rate !== null && funds.weight !== null ? funds.weight * Math.min(rate, 1) : null;
  const assessments = form.indicators.map((x, position): IndicatorAssessment => {
    const { met, achievement } = assessIndicator(x);
    const recomputed = x.weight !== null && achievement !== null ? round2(x.weight * achievement) : x.weight !== null && met === 'met' ? x.weight : null;
    return { position, met, recomputed_score: recomputed, printed_score: x.score };
  });
  const scores = form.indicators.map((x) => x.score);
  const indicatorSum = scores.length > 0 && scores.every((s) => s !== null) ? scores.reduce((s, x) => s + x!, 0) : null;
  const recomputedParts = assessments.map((a) => a.recomputed_score ?? a.printed_score);
  const recomputedTotal = recomputedParts.length > 0 && recomputedParts.every((s) => s !== null)
    ? round2(recomputedParts.reduce((s, x) => s + x!, 0) + (fundsScore ?? funds.score ?? 0)) : null;
  const weights = weightSum(form);
  const audits: Audit[] = [...fundsAudits(form, rate, fundsScore), ...indicatorAudits(form, assessments)];
  if (form.form_type === 'self_evaluation' && form.total_score !== null && indicatorSum !== null) {
    const withFunds = indicatorSum + (funds.score ?? 0);
    if (Math.abs(indicatorSum - form.total_score) > 0.5 && Math.abs(withFunds - form.total_score) > 0.5) {
      audits.push(audit(form, 'total_score', 'total_score', funds.score !== null ? withFunds : indicatorSum, form.total_score, 'error',
        `总分 printed ${form.total_score} but the scores add up to ${round2(indicatorSum)}${funds.score !== null ? ` (${round2(withFunds)} with the funds score)` : ''}`));
    }
  }
  if (form.form_type === 'self_evaluation' && weights !== null && Math.abs(weights - 100) > 0.01) {
    audits.push(audit(form, 'weight_sum', 'indicators', 100, weights, 'warn', `weights add up to ${round2(weights)}, not 100`));
  }
  if (form.grade && form.total_score !== null && gradeFor(form.total_score) !== form.grade.trim()) {
    audits.push(audit(form, 'grade_band', 'grade', gradeFor(form.total_score), form.grade, 'warn', `总分 ${form.total_score} is 「${gradeFor(form.total_score)}」 by the bands (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60) but 「${form.grade}」 is printed`));
  }
  return {
    form_id: form.id, recomputed_rate: rate, recomputed_funds_score: fundsScore === null ? null : round2(fundsScore),
    indicator_score_sum: indicatorSum, recomputed_total: recomputedTotal, printed_total: form.total_score,
    weight_sum: weights, indicators: assessments, audits,
  };
}

/** A project name without the year and generic suffixes, for matching a summary row to its form. */
function nameKey(name: string | null): string {
  return (name ?? '').replace(/\d{4}年度?/g, '').replace(/[“”"'\s]/g, '').replace(/(项目|经费|费用|费)$/g, '');
}

function similarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a.includes(b) || b.includes(a)) return 0.9;
  return 1 - levenshtein.get(a, b) / Math.max(a.length, b.length);
}

/**
 * A summary table's row against the form of the same project: matched by equal budget (and then
 * the closest name), or by a close name alone; their self-scores must agree.
 */
export function summaryAudits(records: readonly FormRecord[]): Audit[] {
  const forms = records.filter((r) => r.form_type === 'self_evaluation');
  const out: Audit[] = [];
  for (const row of records.filter((r) => r.form_type === 'summary')) {
    const key = nameKey(row.project_name);
    const budget = row.funds.adjusted_budget;
    const sameBudget = budget ? forms.filter((f) => f.funds.adjusted_budget !== null && Math.abs(f.funds.adjusted_budget - budget) <= 0.005 * budget) : [];
    const pool = sameBudget.length > 0 ? sameBudget : forms;
    const ranked = pool.map((f) => ({ f, s: similarity(key, nameKey(f.project_name)) })).sort((a, b) => b.s - a.s);
    const best = ranked[0];
    // an equal budget needs some name agreement too; a name alone must be close
    if (!best || best.s < (sameBudget.length > 0 ? 0.3 : 0.6)) continue;
    if (row.total_score !== null && best.f.total_score !== null && Math.abs(row.total_score - best.f.total_score) > 0.5) {
      out.push(audit(row, 'summary_vs_form', 'total_score', best.f.total_score, row.total_score, 'warn',
        `the summary gives "${row.project_name}" ${row.total_score} but its form "${best.f.project_name}" totals ${best.f.total_score}`));
    }
  }
  return out;
}

/** Score every record and add the findings of summaries against forms. */
export function scoreRecords(records: readonly FormRecord[]): FormScore[] {
  const scores = records.map(scoreForm);
  const byForm = new Map(scores.map((s) => [s.form_id, s]));
  for (const finding of summaryAudits(records)) byForm.get(finding.form_id)?.audits.push(finding);
  return scores;
}

/**
 * Findings join the form's issues (kind `audit:<rule>`) so exports and the review report show
 * them; a field the validate stage already flagged is not flagged twice.
 */
export function applyAudits(records: readonly FormRecord[], scores: readonly FormScore[]): FormRecord[] {
  const byForm = new Map(scores.map((s) => [s.form_id, s.audits]));
  return records.map((record) => {
    const flagged = new Set(record.issues.map((i) => i.field));
    const added = (byForm.get(record.id) ?? []).filter((a) => !flagged.has(a.field))
      .map((a) => ({ field: a.field, kind: `audit:${a.rule}`, detail: a.detail, severity: a.severity }));
    if (added.length === 0) return record;
    return { ...record, issues: [...record.issues, ...added], needs_review: record.needs_review || added.some((a) => a.severity !== 'info') };
  });
}
