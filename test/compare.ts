/** Field-level comparison of records: leaves are compared by path; confidences and issue wording are not data. */
import type { FormRecord } from '../schemas/record.js';

const IGNORED = /(^|\.)(confidence|needs_review|issues)(\.|$|\[)/;

export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else if (!IGNORED.test(prefix)) out.set(prefix, value);
  return out;
}

export interface FieldScore { expected: number; actual: number; matched: number; precision: number; recall: number; mismatches: string[] }

/** Precision and recall of non-null fields, plus the list of differing paths. */
export function compareRecords(expected: readonly FormRecord[], actual: readonly FormRecord[]): FieldScore {
  const e = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  expected.forEach((r, i) => flatten(r, `#${i}`, e));
  actual.forEach((r, i) => flatten(r, `#${i}`, a));
  let matched = 0;
  const mismatches: string[] = [];
  for (const [path, value] of e) {
    if (a.has(path) && a.get(path) === value) matched++;
    else mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(a.get(path))}`);
  }
  for (const path of a.keys()) if (!e.has(path)) mismatches.push(`${path}: not expected, got ${JSON.stringify(a.get(path))}`);
  return {
    expected: e.size, actual: a.size, matched,
    precision: a.size === 0 ? 1 : matched / a.size, recall: e.size === 0 ? 1 : matched / e.size, mismatches,
  };
}
