/**
 * The rules a single form must satisfy: one entry per fact, each with its tolerance (a named
 * constant), its severity and one line saying why. This table is the only place a form's
 * arithmetic or completeness is judged; `crossForm.ts` holds the rules that need other forms.
 */
import type { FormRecord } from '../../schemas/record.js';
import { gradeFor, round2, type FormScore } from './recompute.js';
import type { Hit, Rule } from './rule.js';

/** A rate printed in whole percent may be rounded or cut off: up to one point from executed / budget. */
export const EXECUTION_RATE_TOLERANCE = 0.01;
/** Scores printed to one decimal or rounded to whole points: half a point between 总分 and its parts. */
export const TOTAL_SCORE_TOLERANCE = 0.5;
/** Funds scores are printed rounded, some to whole points: 5% of the funds weight, plus rounding. */
export const FUNDS_SCORE_TOLERANCE_SHARE = 0.05;
/** The funds weight assumed when a form prints none (the usual 10 of 100). */
const FUNDS_WEIGHT_DEFAULT = 10;
/** Weights and level-1 weights are printed to two decimals at most. */
export const WEIGHT_TOLERANCE = 0.01;
/** Budget, received and executed amounts this many times apart are a unit slip or a misread number. */
export const AMOUNT_RATIO_LIMIT = 100;
/** The sum every self-evaluation distributes. */
const FULL_MARKS = 100;
/** Compare numbers that went through floating point. */
const EPS = 1e-9;

export interface FormInput { form: FormRecord; score: FormScore }

const pct = (x: number): string => `${round2(x * 100)}%`;
const selfEvaluation = (form: FormRecord): boolean => form.form_type === 'self_evaluation';

/** Level-1 groups such as 产出指标(40分) with the weights and scores of the rows under them. */
function level1Groups(form: FormRecord): Map<string, { weight: number; weights: number[]; scores: number[]; rows: number }> {
  const groups = new Map<string, { weight: number; weights: number[]; scores: number[]; rows: number }>();
  for (const x of form.indicators) {
    if (!x.level1 || x.level1_weight === null) continue;
    const g = groups.get(x.level1) ?? { weight: x.level1_weight, weights: [], scores: [], rows: 0 };
    g.rows++;
    if (x.weight !== null) g.weights.push(x.weight);
    if (x.score !== null) g.scores.push(x.score);
    groups.set(x.level1, g);
  }
  return groups;
}

/** A bare value (≥120人, 100%, 3000): what a target or actual column holds, not an indicator's name. */
const VALUE_ONLY = /^(?:[≥≤<>=＜＞≧≦]\s*\d+(?:\.\d+)?\s*\S{0,4}|\d+(?:\.\d+)?\s*[%％]?)$/;

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

/** One form's rules, by id; the id is the finding's `rule` and the `audits` view's `rule`. */
export const FORM_RULES = {
  project_name_missing: {
    kind: 'missing', severity: 'warn',
    why: 'a form without its 项目名称 cannot be matched to a project or a summary row',
    check: ({ form }) => (form.project_name === null ? [{ field: 'project_name', expected: null, found: null, detail: 'no 项目名称 found' }] : []),
  },
  indicators_missing: {
    kind: 'missing', severity: 'error',
    why: 'a self-evaluation or target table without indicator rows was not read: the document is partial',
    check: ({ form }) => (form.form_type !== 'summary' && form.indicators.length === 0 ? [{ field: 'indicators', expected: null, found: null, detail: 'no indicator rows found' }] : []),
  },
  indicator_name_is_value: {
    kind: 'inconsistent', severity: 'warn',
    why: 'an indicator named by a bare value (≥120人, 100%) is a value column read as names: columns printed on another page (a sheet wider than its page) or shifted cells',
    check: ({ form }) => {
      const named = form.indicators.flatMap((x, i) => (x.name !== null && VALUE_ONLY.test(x.name.replace(/\s/g, '')) ? [i] : []));
      return named.length === 0 ? [] : [{
        field: `indicators[${named[0]}].name`, expected: null, found: form.indicators[named[0]!]!.name,
        detail: `${named.length} indicator${named.length > 1 ? 's are' : ' is'} named by a bare value ("${form.indicators[named[0]!]!.name}"): a target or actual column read as names`,
      }];
    },
  },
  total_score_missing: {
    kind: 'missing', severity: 'warn',
    why: 'a self-evaluation always prints 总分; an empty one is usually a misread closing row',
    check: ({ form }) => (selfEvaluation(form) && form.total_score === null ? [{ field: 'total_score', expected: null, found: null, detail: '总分 row is empty' }] : []),
  },
  execution_rate: {
    kind: 'inconsistent', severity: 'warn',
    why: '执行率 is executed / adjusted budget; a printed rate off by more than rounding is a misread digit or a wrong amount',
    check: ({ form: { funds }, score: { recomputed_rate: rate } }): Hit[] => (rate !== null && funds.execution_rate !== null
      && Math.abs(rate - funds.execution_rate) > EXECUTION_RATE_TOLERANCE + EPS
      ? [{ field: 'funds.execution_rate', expected: pct(rate), found: pct(funds.execution_rate),
        detail: `执行率 printed ${pct(funds.execution_rate)} but executed ${funds.executed} / budget ${funds.adjusted_budget} = ${pct(rate)}` }]
      : []),
  },
  amounts_apart: {
    kind: 'inconsistent', severity: 'warn',
    why: 'budget, received and executed amounts of one project are of one magnitude; a ×100 gap is a unit slip or a misread number',
    check: ({ form: { funds } }): Hit[] => {
      const amounts = [funds.adjusted_budget, funds.received, funds.executed].filter((x): x is number => x !== null && x > 0);
      const ratio = amounts.length >= 2 ? Math.max(...amounts) / Math.min(...amounts) : 1;
      return ratio >= AMOUNT_RATIO_LIMIT
        ? [{ field: 'funds', expected: null, found: `×${Math.round(ratio)}`, detail: `amounts differ by ×${Math.round(ratio)}: budget ${funds.adjusted_budget}, received ${funds.received}, executed ${funds.executed} (wrong unit or a misread number?)` }]
        : [];
    },
  },
  funds_score: {
    kind: 'inconsistent', severity: 'warn',
    why: 'the funds row scores weight × min(执行率, 1); another score is a misread or a generous self-score',
    check: ({ form: { funds }, score }): Hit[] => {
      const expected = score.recomputed_funds_score;
      return expected !== null && funds.score !== null && Math.abs(expected - funds.score) > FUNDS_SCORE_TOLERANCE_SHARE * (funds.weight ?? FUNDS_WEIGHT_DEFAULT) + WEIGHT_TOLERANCE
        ? [{ field: 'funds.score', expected, found: funds.score, detail: `funds score printed ${funds.score} but weight ${funds.weight} × min(执行率, 1) = ${expected}` }]
        : [];
    },
  },
  score_exceeds_weight: {
    kind: 'inconsistent', severity: 'warn',
    why: 'an indicator cannot score more than its weight; a higher score is a shifted or misread cell',
    check: ({ form }) => form.indicators.flatMap((x, i): Hit[] => (x.weight !== null && x.score !== null && x.score > x.weight + EPS
      ? [{ field: `indicators[${i}].score`, expected: x.weight, found: x.score, detail: `"${x.name ?? ''}": score ${x.score} exceeds its weight ${x.weight}` }] : [])),
  },
  full_marks_target_missed: {
    kind: 'inconsistent', severity: 'warn',
    why: 'full marks on an indicator whose actual value misses its target is the self-scoring a reviewer exists to catch',
    check: ({ form, score }) => form.indicators.flatMap((x, i): Hit[] => {
      const a = score.indicators[i]!;
      return a.met === 'not_met' && x.weight !== null && x.score !== null && x.score >= x.weight
        ? [{ field: `indicators[${i}].score`, expected: a.recomputed_score, found: x.score, detail: `"${x.name ?? ''}": full marks claimed but actual ${x.actual?.raw ?? '?'} misses target ${x.target?.raw ?? '?'}` }]
        : [];
    }),
  },
  level1_weight: {
    kind: 'inconsistent', severity: 'warn',
    why: 'a level-1 weight such as 产出指标(40分) is the sum of its rows\' weights; a gap means a row was lost or misread',
    check: ({ form }) => [...level1Groups(form)].flatMap(([level1, g]): Hit[] => (g.weights.length === g.rows && Math.abs(sum(g.weights) - g.weight) > WEIGHT_TOLERANCE
      ? [{ field: `indicators.${level1}`, expected: sum(g.weights), found: g.weight, detail: `${level1} is printed as (${g.weight}分) but its rows' weights add up to ${round2(sum(g.weights))}` }] : [])),
  },
  level1_score_exceeds: {
    kind: 'inconsistent', severity: 'warn',
    why: 'the rows under a level-1 label cannot score more than its weight (checked where their weights are not all printed)',
    check: ({ form }) => [...level1Groups(form)].flatMap(([level1, g]): Hit[] => (g.weights.length !== g.rows && sum(g.scores) > g.weight + WEIGHT_TOLERANCE
      ? [{ field: `indicators.${level1}`, expected: g.weight, found: sum(g.scores), detail: `${level1} (${g.weight}分): its rows' scores add up to ${round2(sum(g.scores))}` }] : [])),
  },
  total_score: {
    kind: 'inconsistent', severity: 'warn',
    why: '总分 is the sum of the indicator scores (with or without the funds score); a gap is a misread score or total',
    check: ({ form, score }): Hit[] => {
      const parts = score.indicator_score_sum;
      if (!selfEvaluation(form) || form.total_score === null || parts === null) return [];
      const withFunds = parts + (form.funds.score ?? 0);
      if (Math.abs(parts - form.total_score) <= TOTAL_SCORE_TOLERANCE || Math.abs(withFunds - form.total_score) <= TOTAL_SCORE_TOLERANCE) return [];
      return [{ field: 'total_score', expected: form.funds.score !== null ? withFunds : parts, found: form.total_score,
        detail: `总分 printed ${form.total_score} but the scores add up to ${round2(parts)}${form.funds.score !== null ? ` (${round2(withFunds)} with the funds score)` : ''}` }];
    },
  },
  weight_sum: {
    kind: 'inconsistent', severity: 'warn',
    why: 'a self-evaluation distributes 100 points; other sums mean lost or misread rows (or a misread level-1 weight)',
    check: ({ form, score: { weight_sum: weights } }): Hit[] => (selfEvaluation(form) && weights !== null && Math.abs(weights - FULL_MARKS) > WEIGHT_TOLERANCE
      ? [{ field: 'indicators', expected: FULL_MARKS, found: weights, detail: `weights add up to ${round2(weights)}, not ${FULL_MARKS}` }] : []),
  },
  grade_band: {
    kind: 'inconsistent', severity: 'warn',
    why: 'the printed grade follows from 总分 by the bands 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60',
    check: ({ form }): Hit[] => {
      if (!form.grade || form.total_score === null) return [];
      const band = gradeFor(form.total_score);
      return band !== form.grade.trim()
        ? [{ field: 'grade', expected: band, found: form.grade, detail: `总分 ${form.total_score} is 「${band}」 by the bands (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60) but 「${form.grade}」 is printed` }]
        : [];
    },
  },
} as const satisfies Record<string, Rule<FormInput>>;

export type FormRuleId = keyof typeof FORM_RULES;
