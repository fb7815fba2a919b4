/**
 * Reading and writing one field of a record by its path ("indicators[2].target"), as a reviewer
 * sees it: text. Numbers are parsed, targets and actuals re-parsed into operator/value/unit, and
 * the result must still satisfy the record contract.
 */
import { FormRecord, type ParsedValue } from '../schemas/record.js';
import { parseValue } from './values.js';

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
