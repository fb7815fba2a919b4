/**
 * Scoring extracted records against the hand-keyed real-world corpus (`../shared/realworld`).
 *
 * The rules are the corpus's own (INDEX.md "How the keys are meant to be scored"): forms matched
 * within a case by project name (by order where a case holds one form), indicator rows aligned by
 * name, `ignore` paths neither rewarded nor penalised, free text equal at a Levenshtein ratio
 * ≥ 0.9 after whitespace and punctuation are normalised, money within 0.5%, everything else
 * exactly, unit codes before organisation names not scored. Only non-null fields count: a null
 * the key and the output agree on says nothing about the extractor.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import levenshtein from 'fast-levenshtein';
import type { FieldProvenance } from '../../schemas/document.js';
import type { FormRecord } from '../../schemas/record.js';

export const REALWORLD_ROOT = join(import.meta.dirname, '..', '..', '..', 'shared', 'realworld');

export interface CaseMeta {
  issuer: string;
  form_type: string;
  truncated: string | null;
  ignore?: string[];
  ignore_rows?: string[];
  uncertain?: string[];
}

export interface RealworldCase { id: string; dir: string; sourcePath: string; meta: CaseMeta; truth: Array<Record<string, unknown>> }

/** Every case of the corpus, or null when the corpus is not beside the project. */
export function loadCases(root = REALWORLD_ROOT): RealworldCase[] | null {
  const casesDir = join(root, 'cases');
  if (!existsSync(casesDir)) return null;
  return readdirSync(casesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort().map((id) => {
    const dir = join(casesDir, id);
    return {
      id, dir, sourcePath: join(dir, 'source.txt'),
      meta: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as CaseMeta,
      truth: JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Array<Record<string, unknown>>,
    };
  });
}

/** The contract fields a key holds; output fields outside them (id, source, confidence, issues) are not scored. */
const SCORED_KEYS = [
  'form_type', 'scope', 'year', 'title', 'project_name', 'project_code', 'department', 'implementing_unit', 'filing_unit',
  'amount_unit', 'funds', 'goal_expected', 'goal_actual', 'completion_rate', 'indicators', 'total_score', 'grade', 'problems', 'contact',
] as const;
const INDICATOR_KEYS = ['level1', 'level1_weight', 'level2', 'name', 'description', 'target', 'actual', 'weight', 'score', 'deviation_note', 'basis'] as const;

const TEXT_FIELD = /(^|\.)(title|project_name|department|implementing_unit|filing_unit|goal_expected|goal_actual|problems|name|description|deviation_note|basis|raw|filler|grade)$/;
const ORGANISATION_FIELD = /^(department|implementing_unit|filing_unit)$/;
const MONEY_FIELD = /^funds\.(fiscal\.)?(initial_budget|adjusted_budget|received|executed)$/;

/** Whitespace and punctuation (ASCII and CJK) removed, full-width letters and digits made half-width. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, '');
}

/** "630001 行政审批局", "[066]学院", "219-池州市…": the code is not scored. */
function withoutUnitCode(text: string): string {
  return text.replace(/^\s*(?:\[\d+\]|【\d+】|\d{3,}\s*[-－]?)\s*/, '');
}

export function textRatio(a: string, b: string): number {
  const x = normaliseText(a);
  const y = normaliseText(b);
  if (x === y) return 1;
  return 1 - levenshtein.get(x, y) / Math.max(1, x.length, y.length);
}

/** Is the extracted value what the key says, by the corpus's rules for this field? */
export function sameValue(path: string, expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (expected === null || actual === null || actual === undefined) return false;
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (MONEY_FIELD.test(path)) return Math.abs(expected - actual) <= Math.abs(expected) * 0.005;
    return Math.abs(expected - actual) < 1e-9 * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === 'string' && typeof actual === 'string') {
    const leaf = path.replace(/^indicators\[\d+\]\./, '');
    if (ORGANISATION_FIELD.test(leaf)) return textRatio(withoutUnitCode(expected), withoutUnitCode(actual)) >= 0.9;
    if (TEXT_FIELD.test(leaf)) return textRatio(expected, actual) >= 0.9;
  }
  return false;
}

/** Non-null leaves of an object by path ("funds.fiscal.executed", "target.value"). */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, value);
}

/** A form's scored leaves, indicators excluded (they are aligned row by row). */
function formLeaves(record: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of SCORED_KEYS) if (key !== 'indicators') leaves(record[key], key, out);
  return out;
}

function indicatorLeaves(row: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of INDICATOR_KEYS) leaves(row[key], key, out);
  return out;
}

type Row = Record<string, unknown>;
const nameOf = (row: Row) => (typeof row.name === 'string' ? row.name : '');
const targetRaw = (row: Row) => ((row.target as { raw?: string } | null)?.raw ?? '');

/** How alike two indicator rows are: their names, then their targets. */
function rowSimilarity(expected: Row, actual: Row): number {
  const names = nameOf(expected) && nameOf(actual) ? textRatio(nameOf(expected), nameOf(actual)) : 0;
  const targets = targetRaw(expected) && targetRaw(actual) ? textRatio(targetRaw(expected), targetRaw(actual)) : 0;
  return Math.max(names, 0.6 * names + 0.4 * targets, nameOf(expected) ? 0 : targets * 0.8);
}

/** Align expected and extracted indicator rows in order (a Needleman–Wunsch pass on row similarity). */
export function alignRows(expected: readonly Row[], actual: readonly Row[], threshold = 0.5): Array<[number, number]> {
  const n = expected.length;
  const m = actual.length;
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const s = rowSimilarity(expected[i - 1]!, actual[j - 1]!);
      best[i]![j] = Math.max(best[i - 1]![j]!, best[i]![j - 1]!, s >= threshold ? best[i - 1]![j - 1]! + s : -Infinity);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const s = rowSimilarity(expected[i - 1]!, actual[j - 1]!);
    if (s >= threshold && best[i]![j] === best[i - 1]![j - 1]! + s) { pairs.push([i - 1, j - 1]); i--; j--; }
    else if (best[i]![j] === best[i - 1]![j]) i--;
    else j--;
  }
  return pairs.reverse();
}

/** Match extracted forms to keyed forms: by project name, else by order. */
export function matchForms(expected: readonly Row[], actual: readonly Row[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const usedActual = new Set<number>();
  const usedExpected = new Set<number>();
  const candidates: Array<{ e: number; a: number; s: number }> = [];
  expected.forEach((e, ei) => actual.forEach((a, ai) => {
    const en = typeof e.project_name === 'string' ? e.project_name : '';
    const an = typeof a.project_name === 'string' ? a.project_name : '';
    if (en && an) candidates.push({ e: ei, a: ai, s: textRatio(en, an) });
  }));
  for (const c of candidates.filter((x) => x.s >= 0.6).sort((x, y) => y.s - x.s)) {
    if (usedActual.has(c.a) || usedExpected.has(c.e)) continue;
    pairs.push([c.e, c.a]); usedActual.add(c.a); usedExpected.add(c.e);
  }
  // by order for the rest: the k-th unmatched key takes the k-th unmatched output
  const restE = expected.map((_, i) => i).filter((i) => !usedExpected.has(i));
  const restA = actual.map((_, i) => i).filter((i) => !usedActual.has(i));
  restE.forEach((e, k) => { if (restA[k] !== undefined) pairs.push([e, restA[k]!]); });
  return pairs.sort((x, y) => x[0] - y[0]);
}

export interface FieldOutcome {
  path: string;
  expected: unknown;
  actual: unknown;
  /** hit: equal; miss: key has it, output differs or lacks it; extra: output has it, key has null */
  verdict: 'hit' | 'miss' | 'extra';
  confidence: number | null;
  /** the output form was stored with needs_review: false (or, for a form not found, the document said nothing) */
  silent: boolean;
}

export interface CaseScore {
  id: string;
  keyedForms: number;
  foundForms: number;
  outputForms: number;
  outcomes: FieldOutcome[];
  hits: number;
  expected: number;
  extracted: number;
  status: string;
}

export interface ExtractedDocument {
  records: FormRecord[];
  provenance: FieldProvenance[];
  status: string;
}

/** The confidence of one scored path: the most specific provenance entry that covers it. */
function confidenceOf(provenance: readonly FieldProvenance[], formIndex: number, path: string, fallback: number): number {
  let best: FieldProvenance | null = null;
  for (const p of provenance) {
    if (p.form_index !== formIndex) continue;
    if (path === p.field || path.startsWith(`${p.field}.`)) {
      if (!best || p.field.length > best.field.length) best = p;
    }
  }
  return best?.confidence ?? fallback;
}

function isIgnored(ignore: readonly string[], formIndex: number, path: string): boolean {
  const full = `[${formIndex}].${path}`;
  return ignore.some((g) => full === g || full.startsWith(`${g}.`));
}

/** An extracted row the key deliberately left out (its `ignore_rows` quote its text). */
function inIgnoredRows(ignoreRows: readonly string[], row: Row): boolean {
  const name = normaliseText(nameOf(row));
  const target = normaliseText(targetRaw(row));
  return ignoreRows.some((line) => {
    const text = normaliseText(line);
    return (name.length >= 2 && text.includes(name)) || (name.length === 0 && target.length >= 2 && text.includes(target));
  });
}

/** Score one case's extracted document against its key. */
export function scoreCase(kase: RealworldCase, doc: ExtractedDocument): CaseScore {
  const ignore = kase.meta.ignore ?? [];
  const ignoreRows = kase.meta.ignore_rows ?? [];
  const outcomes: FieldOutcome[] = [];
  const records = doc.records as unknown as Row[];
  const formPairs = matchForms(kase.truth, records);
  const matchedOutput = new Set(formPairs.map(([, a]) => a));
  const lastKeyed = kase.truth.length - 1;
  const documentSilent = doc.status === 'success';

  const push = (formIndex: number, path: string, expected: unknown, actual: unknown, out: FormRecord | null, outIndex: number | null) => {
    if (isIgnored(ignore, formIndex, path)) return;
    const verdict = expected === null || expected === undefined ? 'extra' : sameValue(path, expected, actual) ? 'hit' : 'miss';
    const confidence = out && outIndex !== null && actual !== undefined && actual !== null
      ? confidenceOf(doc.provenance, out.source.form_index, path, out.confidence) : null;
    outcomes.push({ path: `[${formIndex}].${path}`, expected: expected ?? null, actual: actual ?? null, verdict, confidence, silent: out ? !out.needs_review : documentSilent });
  };

  for (let e = 0; e < kase.truth.length; e++) {
    const truth = kase.truth[e]!;
    const pair = formPairs.find(([te]) => te === e);
    const out = pair ? doc.records[pair[1]]! : null;
    const outRow = out as unknown as Row | null;
    const expectedLeaves = formLeaves(truth);
    const actualLeaves = outRow ? formLeaves(outRow) : new Map<string, unknown>();
    for (const [path, value] of expectedLeaves) push(e, path, value, actualLeaves.get(path), out, pair?.[1] ?? null);
    for (const [path, value] of actualLeaves) if (!expectedLeaves.has(path)) push(e, path, null, value, out, pair?.[1] ?? null);

    const keyedRows = (truth.indicators as Row[] | null) ?? [];
    const outRows = ((outRow?.indicators as Row[] | undefined) ?? []);
    const rowPairs = alignRows(keyedRows, outRows);
    const pairedOut = new Set(rowPairs.map(([, a]) => a));
    keyedRows.forEach((row, i) => {
      const at = rowPairs.find(([k]) => k === i);
      const actual = at ? indicatorLeaves(outRows[at[1]]!) : new Map<string, unknown>();
      const expectedRow = indicatorLeaves(row);
      for (const [path, value] of expectedRow) push(e, `indicators[${i}].${path}`, value, actual.get(path), out, pair?.[1] ?? null);
      for (const [path, value] of actual) if (!expectedRow.has(path)) push(e, `indicators[${i}].${path}`, null, value, out, pair?.[1] ?? null);
    });
    const unpaired = outRows.map((_, j) => j).filter((j) => !pairedOut.has(j) && !inIgnoredRows(ignoreRows, outRows[j]!));
    // a truncated excerpt: one unmatched last output row of the last form is forgiven
    if (kase.meta.truncated && e === lastKeyed && unpaired.length > 0 && unpaired[unpaired.length - 1] === outRows.length - 1) unpaired.pop();
    for (const j of unpaired) {
      for (const [path, value] of indicatorLeaves(outRows[j]!)) push(e, `indicators[+${j}].${path}`, null, value, out, pair?.[1] ?? null);
    }
  }
  // extracted forms that match no keyed form: every field is extra
  doc.records.forEach((record, a) => {
    if (matchedOutput.has(a)) return;
    const row = record as unknown as Row;
    for (const [path, value] of formLeaves(row)) push(-1 - a, path, null, value, record, a);
    ((row.indicators as Row[]) ?? []).forEach((ind, j) => {
      for (const [path, value] of indicatorLeaves(ind)) push(-1 - a, `indicators[${j}].${path}`, null, value, record, a);
    });
  });

  const hits = outcomes.filter((o) => o.verdict === 'hit').length;
  return {
    id: kase.id, keyedForms: kase.truth.length, foundForms: formPairs.length, outputForms: doc.records.length, outcomes, hits,
    expected: outcomes.filter((o) => o.verdict !== 'extra').length,
    extracted: outcomes.filter((o) => o.actual !== null).length,
    status: doc.status,
  };
}

export interface Totals { precision: number; recall: number; f1: number; silentErrorRate: number; errors: number; silentErrors: number; formsFound: number; formsKeyed: number }

export function totals(scores: readonly CaseScore[]): Totals {
  const hits = scores.reduce((s, c) => s + c.hits, 0);
  const expected = scores.reduce((s, c) => s + c.expected, 0);
  const extracted = scores.reduce((s, c) => s + c.extracted, 0);
  const precision = extracted === 0 ? 0 : hits / extracted;
  const recall = expected === 0 ? 0 : hits / expected;
  const errors = scores.flatMap((c) => c.outcomes.filter((o) => o.verdict !== 'hit'));
  const silentErrors = errors.filter((o) => o.silent).length;
  return {
    precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    errors: errors.length, silentErrors, silentErrorRate: errors.length === 0 ? 0 : silentErrors / errors.length,
    formsFound: scores.reduce((s, c) => s + c.foundForms, 0), formsKeyed: scores.reduce((s, c) => s + c.keyedForms, 0),
  };
}

export interface CalibrationBin { from: number; to: number; fields: number; right: number }

/** Accuracy of extracted fields by their stated confidence. */
export function calibration(scores: readonly CaseScore[], edges = [0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0001]): CalibrationBin[] {
  const bins = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1]!, fields: 0, right: 0 }));
  for (const o of scores.flatMap((c) => c.outcomes)) {
    if (o.actual === null || o.confidence === null) continue;
    const bin = bins.find((b) => o.confidence! >= b.from && o.confidence! < b.to);
    if (!bin) continue;
    bin.fields++;
    if (o.verdict === 'hit') bin.right++;
  }
  return bins;
}
