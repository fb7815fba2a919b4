/**
 * Recomputation: what a form's own amounts and indicator values say its rates and scores should
 * be, the way 项目支出绩效评价 guidance scores a project. Pure functions of one record; no findings
 * here — the rules (rules.ts) compare these values with what the form prints.
 */
import type { FormScore, IndicatorAssessment } from '../../schemas/document.js';
import type { FormRecord, Indicator, ParsedValue } from '../../schemas/record.js';

export type { FormScore, IndicatorAssessment };
type Met = IndicatorAssessment['met'];

export const round2 = (x: number): number => Math.round(x * 100) / 100;

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

/** Given one form, return what it should say: execution rate, funds score, indicator achievement, totals, weights. */
export function recompute(form: FormRecord): FormScore {
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
  return {
    form_id: form.id, recomputed_rate: rate, recomputed_funds_score: fundsScore === null ? null : round2(fundsScore),
    indicator_score_sum: indicatorSum, recomputed_total: recomputedTotal, printed_total: form.total_score,
    weight_sum: weightSum(form), indicators: assessments,
  };
}
