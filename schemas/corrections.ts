/**
 * A reviewer's correction of one field, as saved by `ziping review` and as downloaded from the
 * static report for `ziping corrections apply`.
 */
import { z } from 'zod';

/** Paths a reviewer may correct: a form's fields, its funds, contact and indicator fields. */
export const EDITABLE_FIELD = /^(title|year|project_name|project_code|department|implementing_unit|filing_unit|amount_unit|goal_expected|goal_actual|completion_rate|total_score|grade|problems|contact\.(filler|phone)|funds\.(initial_budget|adjusted_budget|received|executed|execution_rate|weight|score)|funds\.fiscal\.(initial_budget|adjusted_budget|executed)|indicators\[\d{1,3}\]\.(level1|level1_weight|level2|name|description|target|actual|weight|score|deviation_note|basis))$/;

export const Correction = z.object({
  form_id: z.string().min(1).max(200),
  field: z.string().regex(EDITABLE_FIELD, 'not a correctable field path'),
  /** the value the reviewer saw, as displayed (null when empty): a stale one is a conflict */
  old_value: z.string().max(20000).nullable(),
  new_value: z.string().max(20000).nullable(),
  reviewer: z.string().trim().min(1, 'name the reviewer').max(100),
  comment: z.string().max(2000).nullable().optional(),
});
export type Correction = z.infer<typeof Correction>;

export const CorrectionsFile = z.object({
  version: z.literal(1),
  corrections: z.array(Correction).max(100000),
});
export type CorrectionsFile = z.infer<typeof CorrectionsFile>;
