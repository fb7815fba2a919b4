/** Field-level comparison of records: leaves are compared by path; confidences and issue wording are not data. */
import levenshtein from 'fast-levenshtein';
import type { FormRecord } from '../schemas/record.js';

const IGNORED = /(^|\.)(confidence|needs_review|issues)(\.|$|\[)/;

export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else if (!IGNORED.test(prefix)) out.set(prefix, value);
  return out;
}

export interface FieldScore { expected: number; actual: number; matched: number; precision: number; recall: number; mismatches: string[] }

/**
 * Free-text fields, compared by similarity for OCR output (the rule: numbers, operators,
 * level names and scores exactly; free text at a Levenshtein ratio of at least 0.9).
 */
const FREE_TEXT = /\.(title|project_name|department|implementing_unit|filing_unit|goal_expected|goal_actual|problems|name|description|deviation_note|basis|raw|filler)$/;

function similar(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = a.replace(/\s/g, '');
  const y = b.replace(/\s/g, '');
  return 1 - levenshtein.get(x, y) / Math.max(1, x.length, y.length) >= 0.9;
}

/** Precision and recall of non-null fields, plus the list of differing paths. */
export function compareRecords(expected: readonly FormRecord[], actual: readonly FormRecord[], options: { fuzzyText?: boolean } = {}): FieldScore {
  const e = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  expected.forEach((r, i) => flatten(r, `#${i}`, e));
  actual.forEach((r, i) => flatten(r, `#${i}`, a));
  let matched = 0;
  const mismatches: string[] = [];
  for (const [path, value] of e) {
    if (a.has(path) && (a.get(path) === value || (options.fuzzyText && FREE_TEXT.test(path) && similar(a.get(path), value)))) matched++;
    else mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(a.get(path))}`);
  }
  for (const path of a.keys()) if (!e.has(path)) mismatches.push(`${path}: not expected, got ${JSON.stringify(a.get(path))}`);
  return {
    expected: e.size, actual: a.size, matched,
    precision: a.size === 0 ? 1 : matched / a.size, recall: e.size === 0 ? 1 : matched / e.size, mismatches,
  };
}

