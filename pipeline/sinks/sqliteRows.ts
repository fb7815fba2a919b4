/**
 * One document's rows exactly as the SQLite sink inserts them, built from the finished document.
 * In a batch they are built in the document's worker, so only flat rows of strings and numbers cross
 * to the writer's thread, with the JSON columns already serialised: cloning the whole document
 * (every table cell with its origin) cost the single writer more than inserting its rows.
 * No database here — a worker imports this without better-sqlite3.
 */
import type { Block, FormScore, Origin, ZipingDocument } from '../../schemas/document.js';
import { asFinding, type FormRecord } from '../../schemas/record.js';

/** A form's row in `forms`, with its `indicators` and `findings` rows. */
export interface FormRows { id: string; form: unknown[]; indicators: unknown[][]; findings: unknown[][] }

/** A form's recomputed values: its `form_scores` row and `indicator_scores` rows. */
export interface ScoreRows { formId: string; form: unknown[]; indicators: unknown[][] }

export interface DocumentRows {
  sha256: string;
  /** the `documents` row without its last column, `ingested_at`, which is the time of writing */
  document: unknown[];
  forms: FormRows[];
  /** `field_provenance` rows, in the order of the columns `PROVENANCE_COLUMNS` names */
  provenance: unknown[][];
  scores: ScoreRows[];
  tables: unknown[][];
}

export const PROVENANCE_COLUMNS = ['form_id', 'field', 'raw', 'file', 'page', 'table_index', 'row_index', 'col_index', 'line', 'bbox_json',
  'repairs_json', 'confidence', 'sheet', 'address'] as const;

/** The `forms` row: every column of the table, in its order. */
function formRow(sha: string, r: FormRecord): unknown[] {
  const f = r.funds;
  return [r.id, sha, r.source.form_index, r.form_type, r.scope, r.year, r.title, r.project_name, r.project_code, r.department,
    r.implementing_unit, r.filing_unit, r.amount_unit, f.initial_budget, f.adjusted_budget, f.received, f.executed,
    f.execution_rate, f.weight, f.score, f.fiscal.initial_budget, f.fiscal.adjusted_budget, f.fiscal.executed,
    r.goal_expected, r.goal_actual, r.completion_rate, r.total_score, r.grade, r.problems, r.contact.filler, r.contact.phone,
    r.confidence, r.needs_review ? 1 : 0, JSON.stringify(r)];
}

/** The `findings` rows of a record's issues (form_id, rule, field, kind, severity, expected, found, detail, stage). */
export function findingRows(record: FormRecord): unknown[][] {
  return record.issues.map(asFinding).map((f) => [record.id, f.rule, f.field, f.kind, f.severity, f.expected, f.found, f.detail, f.stage]);
}

export function formRows(sha: string, record: FormRecord): FormRows {
  const indicators = record.indicators.map((x, i) => [record.id, i, x.level1, x.level1_weight, x.level2, x.name, x.description,
    x.target?.raw ?? null, x.target?.op ?? null, x.target?.value ?? null, x.target?.unit ?? null,
    x.actual?.raw ?? null, x.actual?.op ?? null, x.actual?.value ?? null, x.actual?.unit ?? null,
    x.weight, x.score, x.deviation_note, x.basis, x.confidence]);
  return { id: record.id, form: formRow(sha, record), indicators, findings: findingRows(record) };
}

export function scoreRows(scores: readonly FormScore[]): ScoreRows[] {
  return scores.map((s) => ({
    formId: s.form_id,
    form: [s.form_id, s.recomputed_rate, s.recomputed_funds_score, s.indicator_score_sum, s.recomputed_total, s.printed_total, s.weight_sum],
    indicators: s.indicators.map((x) => [s.form_id, x.position, x.met, x.recomputed_score, x.printed_score]),
  }));
}

type TextBlock = Extract<Block, { kind: 'text' }>;
type AddressedLines = Map<number, TextBlock[]>;

const NO_CELL = { sheet: null, address: null } as const;

/**
 * A spreadsheet's text blocks that carry a cell address, by line, in block order: grouped once per
 * document rather than searched once per provenance row. Empty for every other input.
 */
function addressedLines(doc: ZipingDocument): AddressedLines {
  const byLine: AddressedLines = new Map();
  for (const b of doc.blocks) {
    if (b.kind !== 'text' || b.address === undefined) continue;
    const onLine = byLine.get(b.line);
    if (onLine) onLine.push(b);
    else byLine.set(b.line, [b]);
  }
  return byLine;
}

/**
 * The sheet and cell a field came from. Table cells carry them in their origin; a field read from
 * a header line (填报单位：…) has only the line, so the spreadsheet's text block on that line that
 * holds the raw text gives them.
 */
function cellOf(addressed: AddressedLines, origin: Origin | null, raw: string | null): { sheet: string | null; address: string | null } {
  if (!origin) return NO_CELL;
  if (origin.address !== undefined) return { sheet: origin.sheet ?? null, address: origin.address };
  if (origin.line === null || origin.table !== null) return NO_CELL;
  const onLine = addressed.get(origin.line) ?? [];
  const block = onLine.find((b) => raw !== null && b.text.includes(raw)) ?? (onLine.length === 1 ? onLine[0] : undefined);
  return block ? { sheet: block.sheet ?? null, address: block.address ?? null } : NO_CELL;
}

function provenanceRows(doc: ZipingDocument): unknown[][] {
  const formIds = new Map(doc.records.map((r) => [r.source.form_index, r.id]));
  const addressed = addressedLines(doc);
  const rows: unknown[][] = [];
  for (const p of doc.provenance) {
    const formId = formIds.get(p.form_index);
    if (!formId) continue;
    const { sheet, address } = cellOf(addressed, p.origin, p.raw);
    // most fields were read as printed: their repairs are the same '[]' every time
    const repairsJson = p.repairs.length === 0 ? '[]' : JSON.stringify(p.repairs);
    rows.push([formId, p.field, p.raw, doc.source.file, p.origin?.page ?? null, p.origin?.table ?? null, p.origin?.row ?? null,
      p.origin?.col ?? null, p.origin?.line ?? null, p.origin?.bbox ? JSON.stringify(p.origin.bbox) : null, repairsJson, p.confidence, sheet, address]);
  }
  return rows;
}

/** The `tables` rows: the forms' tables (with the form they belong to) and the others, their cells' text as JSON. */
function tableRows(doc: ZipingDocument): unknown[][] {
  const tableForm = new Map<number, number>();
  doc.segments.forEach((segment, i) => segment.tables.forEach((t) => tableForm.set(t.index, i)));
  return [...doc.segments.flatMap((s) => s.tables), ...doc.otherTables].map((t) => [doc.source.sha256, t.index, t.format, t.firstLine, t.lastLine,
    tableForm.get(t.index) ?? null, JSON.stringify(t.rows.map((r) => r.map((c) => c.text)))]);
}

/** Every row the sink writes for one document. */
export function documentRows(doc: ZipingDocument): DocumentRows {
  const sha = doc.source.sha256;
  return {
    sha256: sha,
    document: [sha, doc.source.file, doc.source.path, doc.source.kind, doc.source.encoding, doc.source.bytes, doc.status, doc.records.length,
      JSON.stringify(doc.issues), doc.version],
    forms: doc.records.map((r) => formRows(sha, r)),
    provenance: provenanceRows(doc),
    scores: scoreRows(doc.scores),
    tables: tableRows(doc),
  };
}
