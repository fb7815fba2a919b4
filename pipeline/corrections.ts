/**
 * Reading and writing one field of a record by its path ("indicators[2].target"), as a reviewer
 * sees it: text. Numbers are parsed, targets and actuals re-parsed into operator/value/unit, and
 * the result must still satisfy the record contract.
 */
import { FormRecord, type ParsedValue } from '../schemas/record.js';
import { parseValue } from '../forms/values.js';

type Container = Record<string, unknown>;

/** Split "indicators[2].target" into ["indicators", 2, "target"]. */
function steps(path: string): Array<string | number> {
  return path.split('.').flatMap((part) => {
    const m = /^(\w+)\[(\d+)\]$/.exec(part);
    return m ? [m[1]!, Number(m[2])] : [part];
  });
}

function locate(record: FormRecord, path: string): { parent: Container; key: string | number } {
  const all = steps(path);
  let node: unknown = record;
  for (const step of all.slice(0, -1)) {
    node = (node as Container | unknown[])[step as never];
    if (node === null || typeof node !== 'object') throw new Error(`${path}: no such field on form ${record.id}`);
  }
  return { parent: node as Container, key: all[all.length - 1]! };
}

/** A field as a reviewer reads it: text, or null when empty. */
export function fieldText(record: FormRecord, path: string): string | null {
  const { parent, key } = locate(record, path);
  const value = (parent as Record<string | number, unknown>)[key];
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return (value as ParsedValue).raw;
  return String(value);
}

const PARSED = /\.(target|actual)$/;

/** The record with one field set from text; throws with a reason when the text does not fit the field. */
export function withField(record: FormRecord, path: string, text: string | null): FormRecord {
  const copy = structuredClone(record);
  const { parent, key } = locate(copy, path);
  const current = (parent as Record<string | number, unknown>)[key];
  const blank = text === null || text.trim() === '';
  let value: unknown;
  if (blank) value = null;
  else if (PARSED.test(path)) value = parseValue(text).value;
  else if (typeof current === 'number' || /(budget|received|executed|rate|weight|score|year)$/.test(path)) {
    const n = Number(text.trim().replace(/,/g, ''));
    if (!Number.isFinite(n)) throw new Error(`${path}: "${text}" is not a number`);
    value = path.endsWith('year') ? Math.trunc(n) : n;
  } else value = text.trim();
  (parent as Record<string | number, unknown>)[key] = value;
  const checked = FormRecord.safeParse(copy);
  if (!checked.success) throw new Error(`${path}: "${text}" is not allowed here (${checked.error.issues[0]?.message ?? 'invalid'})`);
  return checked.data;
}

/** A correction as stored in the trail: who changed which field from what to what. */
interface TrailEntry { field: string; old_value: string | null; new_value: string | null; reviewer: string }

/**
 * A re-extracted record with a stored correction applied again, or null when there is nothing to
 * do (the field is gone — an indicator row fewer — or already holds the reviewer's value). A field
 * the new extraction reads differently from both the old and the corrected value keeps the
 * reviewer's value and gets a `correction_conflict` finding, so a person looks again.
 */
export function reapplied(record: FormRecord, c: TrailEntry): FormRecord | null {
  let current: string | null;
  try {
    current = fieldText(record, c.field);
  } catch {
    return null; // the trail keeps the correction
  }
  if (current === c.new_value) return null;
  const updated = withField(record, c.field, c.new_value);
  if (current === c.old_value) return updated;
  return { ...updated, issues: [...updated.issues, { field: c.field, kind: 'correction_conflict', severity: 'warn', rule: 'correction_conflict', stage: 'correction', expected: c.old_value, found: current,
    detail: `re-extracted as "${current ?? ''}", not "${c.old_value ?? ''}" as when ${c.reviewer} corrected it to "${c.new_value ?? ''}"` }] };
}

/** What a reviewer's correction does to a stored form: applies (the updated record), conflicts, or is refused. */
export type CorrectionPlan =
  | { status: 'apply'; updated: FormRecord }
  | { status: 'conflict'; current: string | null }
  | { status: 'rejected'; reason: string };

/**
 * Given the stored record (null when there is no such form) and a correction, decide what it does:
 * it applies only if the field still holds the value the reviewer saw. Both stores act on this.
 */
export function planCorrection(record: FormRecord | null, correction: { form_id: string; field: string; old_value: string | null; new_value: string | null }): CorrectionPlan {
  if (!record) return { status: 'rejected', reason: `no form ${correction.form_id} in this database` };
  try {
    const current = fieldText(record, correction.field);
    if (current !== correction.old_value) return { status: 'conflict', current };
    return { status: 'apply', updated: withField(record, correction.field, correction.new_value) };
  } catch (error) {
    return { status: 'rejected', reason: (error as Error).message };
  }
}
