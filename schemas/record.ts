/**
 * The record contract (../shared/spec/records.md) in executable form.
 * Field names are snake_case because they are the public JSON Lines export.
 * Change only by adding fields: analysts and scoring depend on every name here.
 */
import { z } from 'zod';

export const FORM_TYPES = ['self_evaluation', 'performance_target', 'summary'] as const;
export const SCOPES = ['project', 'department', 'region'] as const;
/** The contract's level-1 vocabulary; 决策指标 and 过程指标 are the 部门整体 scoring rubric's first two groups. */
export const LEVEL1 = ['产出指标', '效益指标', '满意度指标', '成本指标', '预算执行率指标', '决策指标', '过程指标'] as const;
export const LEVEL2 = [
  '数量指标', '质量指标', '时效指标', '成本指标', '经济效益指标', '社会效益指标', '生态效益指标',
  '可持续影响指标', '服务对象满意度指标', '满意度指标', '预算执行率',
  '经济成本指标', '社会成本指标', '生态环境成本指标',
] as const;
export const OPS = ['>=', '<=', '>', '<', '='] as const;

export const ParsedValue = z.object({
  raw: z.string(),
  op: z.enum(OPS).nullable(),
  value: z.number().nullable(),
  unit: z.string().nullable(),
});
export type ParsedValue = z.infer<typeof ParsedValue>;

export const Indicator = z.object({
  level1: z.enum(LEVEL1).nullable(),
  level1_weight: z.number().nullable(),
  /**
   * A canonical level-2 label; under a scoring rubric's own groups (决策/过程 rubrics name them 项目立项,
   * 资金管理 …, which no canonical label covers) the group's name as printed, without its points.
   */
  level2: z.union([z.enum(LEVEL2), z.string().min(1)]).nullable(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  target: ParsedValue.nullable(),
  actual: ParsedValue.nullable(),
  weight: z.number().nullable(),
  score: z.number().nullable(),
  deviation_note: z.string().nullable(),
  basis: z.string().nullable(),
  confidence: z.number().min(0).max(1),
});
export type Indicator = z.infer<typeof Indicator>;

export const SEVERITIES = ['info', 'warn', 'error'] as const;
/**
 * Where a finding was made: `build` — observed while reading the form (an unparsed amount, a
 * dropped placeholder); `check` — a rule of the check stage on one form (pipeline/checks/rules.ts);
 * `cross_form` — a rule across forms, such as a summary row against its project's form
 * (pipeline/checks/crossForm.ts); `correction` — a reviewer's correction that no longer matches
 * a re-read.
 */
export const FINDING_STAGES = ['build', 'check', 'cross_form', 'correction'] as const;

/**
 * One finding about one field of a form: the only shape a problem takes, in a record's `issues`
 * and in the `findings` table. `kind` groups rules (`missing`, `inconsistent`, …); `rule` names the
 * one rule that made it; `expected`/`found` are the values compared, as text, where there are any.
 */
export const Finding = z.object({
  field: z.string(),
  kind: z.string(),
  detail: z.string(),
  severity: z.enum(SEVERITIES),
  rule: z.string(),
  stage: z.enum(FINDING_STAGES),
  expected: z.string().nullable(),
  found: z.string().nullable(),
});
export type Finding = z.infer<typeof Finding>;

/**
 * An entry of a record's `issues`: the contract's `{field, kind, detail, severity}` and the
 * finding's added fields. Those are optional only so that what the build stage observes
 * (`draft.issue(field, kind, detail)`) and records stored by older versions still read; the check
 * stage completes every issue into a Finding (`asFinding`).
 */
export const Issue = Finding.partial({ rule: true, stage: true, expected: true, found: true });
export type Issue = z.infer<typeof Issue>;

/** An issue as a complete finding: a build observation's rule is its kind. */
export function asFinding(issue: Issue): Finding {
  return { ...issue, rule: issue.rule ?? issue.kind, stage: issue.stage ?? 'build', expected: issue.expected ?? null, found: issue.found ?? null };
}

const money = z.number().nullable();

export const Funds = z.object({
  initial_budget: money,
  adjusted_budget: money,
  received: money,
  executed: money,
  execution_rate: z.number().nullable(),
  weight: z.number().nullable(),
  score: z.number().nullable(),
  fiscal: z.object({ initial_budget: money, adjusted_budget: money, executed: money }),
});
export type Funds = z.infer<typeof Funds>;

export const FormRecord = z.object({
  id: z.string(),
  source: z.object({
    file: z.string(),
    sha256: z.string(),
    page: z.number().int().nullable(),
    form_index: z.number().int().min(0),
  }),
  form_type: z.enum(FORM_TYPES),
  scope: z.enum(SCOPES),
  year: z.number().int().nullable(),
  title: z.string().nullable(),
  project_name: z.string().nullable(),
  project_code: z.string().nullable(),
  department: z.string().nullable(),
  implementing_unit: z.string().nullable(),
  filing_unit: z.string().nullable(),
  amount_unit: z.enum(['万元', '元']).nullable(),
  funds: Funds,
  goal_expected: z.string().nullable(),
  goal_actual: z.string().nullable(),
  completion_rate: z.number().nullable(),
  indicators: z.array(Indicator),
  total_score: z.number().nullable(),
  grade: z.string().nullable(),
  problems: z.string().nullable(),
  contact: z.object({ filler: z.string().nullable(), phone: z.string().nullable() }),
  confidence: z.number().min(0).max(1),
  needs_review: z.boolean(),
  issues: z.array(Issue),
});
export type FormRecord = z.infer<typeof FormRecord>;

/** An empty funds block: every amount unknown until a stage fills it. */
export function emptyFunds(): Funds {
  return {
    initial_budget: null, adjusted_budget: null, received: null, executed: null,
    execution_rate: null, weight: null, score: null,
    fiscal: { initial_budget: null, adjusted_budget: null, executed: null },
  };
}
