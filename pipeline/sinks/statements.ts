/**
 * What the sinks write, as statements: SQL of the subset SQLite and PostgreSQL share, with `?`
 * placeholders and the values bound to them (never interpolated: document text is untrusted).
 * The SQLite sink runs them synchronously in its transaction, the PostgreSQL sink asynchronously
 * in its own — the rows a document becomes are decided here, once.
 */
import type { FormScore, Origin, TextBlock, ZipingDocument } from '../../schemas/document.js';
import { asFinding, type FormRecord } from '../../schemas/record.js';

export interface Statement { readonly sql: string; readonly params: readonly unknown[] }

/**
 * Consecutive statements of one SQL text with each one's parameters: how a document's statements
 * cross from its worker to the writer's thread (the SQL text once per run of rows, not per row;
 * only flat strings and numbers to clone, never the document with every table cell's origin).
 */
export interface StatementRun { readonly sql: string; readonly rows: ReadonlyArray<readonly unknown[]> }

/** A document's statements, grouped into runs, ready for the writer (built in the worker during a batch). */
export interface DocumentStatements { readonly sha256: string; readonly runs: readonly StatementRun[] }

const statement = (sql: string, ...params: unknown[]): Statement => ({ sql, params });

/** The columns of `forms`, in the order of the schema (`schema.ts`) and of `formRow`. */
const FORM_COLUMNS = ['id', 'document_sha256', 'form_index', 'form_type', 'scope', 'year', 'title', 'project_name', 'project_code',
  'department', 'implementing_unit', 'filing_unit', 'amount_unit', 'initial_budget', 'adjusted_budget', 'received', 'executed',
  'execution_rate', 'funds_weight', 'funds_score', 'fiscal_initial_budget', 'fiscal_adjusted_budget', 'fiscal_executed',
  'goal_expected', 'goal_actual', 'completion_rate', 'total_score', 'grade', 'problems', 'contact_filler', 'contact_phone',
  'confidence', 'needs_review', 'record_json'] as const;

// an upsert, not INSERT OR REPLACE: replacing would delete the row and cascade to its provenance
const UPSERT_FORM = `INSERT INTO forms (${FORM_COLUMNS.join(', ')}) VALUES (${FORM_COLUMNS.map(() => '?').join(', ')}) `
  + `ON CONFLICT(id) DO UPDATE SET ${FORM_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`;
const INSERT_INDICATOR = `INSERT INTO indicators VALUES (${new Array(20).fill('?').join(',')})`;
const INSERT_FINDING = 'INSERT INTO findings (form_id, rule, field, kind, severity, expected, found, detail, stage) VALUES (?,?,?,?,?,?,?,?,?)';
const INSERT_PROVENANCE = `INSERT INTO field_provenance (form_id, field, raw, file, page, table_index, row_index, col_index, line, bbox_json,
    repairs_json, confidence, corrected, sheet, address) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,?,?)`;
const INSERT_PAGE = 'INSERT INTO pages (document_sha256, page, width, height, rotation, turns, skew, dpi, read) VALUES (?,?,?,?,?,?,?,?,?)';
export const INSERT_CORRECTION = 'INSERT INTO corrections (form_id, field, old_value, new_value, reviewer, comment, created_at) VALUES (?,?,?,?,?,?,?)';

function formRow(sha: string, r: FormRecord): unknown[] {
  const f = r.funds;
  return [r.id, sha, r.source.form_index, r.form_type, r.scope, r.year, r.title, r.project_name, r.project_code, r.department,
    r.implementing_unit, r.filing_unit, r.amount_unit, f.initial_budget, f.adjusted_budget, f.received, f.executed,
    f.execution_rate, f.weight, f.score, f.fiscal.initial_budget, f.fiscal.adjusted_budget, f.fiscal.executed,
    r.goal_expected, r.goal_actual, r.completion_rate, r.total_score, r.grade, r.problems, r.contact.filler, r.contact.phone,
    r.confidence, r.needs_review ? 1 : 0, JSON.stringify(r)];
}

/** A form's findings as `findings` rows (the caller removed the old ones). */
export function findingStatements(record: FormRecord): Statement[] {
  return record.issues.map(asFinding).map((f) => statement(INSERT_FINDING, record.id, f.rule, f.field, f.kind, f.severity, f.expected, f.found, f.detail, f.stage));
}

/** Replace a stored form's findings (its record, review flag and `findings` rows) with the record's. */
export function findingsUpdateStatements(record: FormRecord): Statement[] {
  return [
    statement('UPDATE forms SET record_json = ?, needs_review = ? WHERE id = ?', JSON.stringify(record), record.needs_review ? 1 : 0, record.id),
    statement('DELETE FROM findings WHERE form_id = ?', record.id),
    ...findingStatements(record),
  ];
}

/** One form's rows (form, indicators, findings), replacing earlier rows of the same form id. */
export function formStatements(sha: string, record: FormRecord): Statement[] {
  return [
    statement('DELETE FROM indicators WHERE form_id = ?', record.id),
    statement('DELETE FROM findings WHERE form_id = ?', record.id),
    statement(UPSERT_FORM, ...formRow(sha, record)),
    ...record.indicators.map((x, i) => statement(INSERT_INDICATOR, record.id, i, x.level1, x.level1_weight, x.level2, x.name, x.description,
      x.target?.raw ?? null, x.target?.op ?? null, x.target?.value ?? null, x.target?.unit ?? null,
      x.actual?.raw ?? null, x.actual?.op ?? null, x.actual?.value ?? null, x.actual?.unit ?? null,
      x.weight, x.score, x.deviation_note, x.basis, x.confidence)),
    ...findingStatements(record),
  ];
}

/** Recomputed values; old rows of these forms go first. */
export function scoreStatements(scores: readonly FormScore[]): Statement[] {
  return scores.flatMap((s) => [
    statement('DELETE FROM form_scores WHERE form_id = ?', s.form_id),
    statement('DELETE FROM indicator_scores WHERE form_id = ?', s.form_id),
    statement('INSERT INTO form_scores VALUES (?,?,?,?,?,?,?)', s.form_id, s.recomputed_rate, s.recomputed_funds_score, s.indicator_score_sum,
      s.recomputed_total, s.printed_total, s.weight_sum),
    ...s.indicators.map((x) => statement('INSERT INTO indicator_scores VALUES (?,?,?,?,?)', s.form_id, x.position, x.met, x.recomputed_score, x.printed_score)),
  ]);
}

/** A spreadsheet's text blocks that carry a cell address, by line (none for other documents). */
function addressedLines(doc: ZipingDocument): Map<number, TextBlock[]> {
  const byLine = new Map<number, TextBlock[]>();
  for (const block of doc.blocks) {
    if (block.kind !== 'text' || block.address === undefined || block.line === null) continue;
    const onLine = byLine.get(block.line);
    if (onLine) onLine.push(block);
    else byLine.set(block.line, [block]);
  }
  return byLine;
}

/**
 * The sheet and cell a field came from. Table cells carry them in their origin; a field read from
 * a header line (填报单位：…) has only the line, so the spreadsheet's text block on that line that
 * holds the raw text gives them.
 */
function cellOf(addressed: Map<number, TextBlock[]>, origin: Origin | null, raw: string | null): { sheet: string | null; address: string | null } {
  if (!origin) return { sheet: null, address: null };
  if (origin.address !== undefined) return { sheet: origin.sheet ?? null, address: origin.address };
  if (origin.line === null || origin.table !== null) return { sheet: null, address: null };
  const onLine = addressed.get(origin.line) ?? [];
  const block = onLine.find((b) => raw !== null && b.text.includes(raw)) ?? (onLine.length === 1 ? onLine[0] : undefined);
  return block ? { sheet: block.sheet ?? null, address: block.address ?? null } : { sheet: null, address: null };
}

function provenanceStatements(doc: ZipingDocument): Statement[] {
  const formIds = new Map(doc.records.map((r) => [r.source.form_index, r.id]));
  // (looked up once per document: a field per line of a long text would search every block again)
  const addressed = addressedLines(doc);
  return doc.provenance.flatMap((p) => {
    const formId = formIds.get(p.form_index);
    if (!formId) return [];
    const cell = cellOf(addressed, p.origin, p.raw);
    return [statement(INSERT_PROVENANCE, formId, p.field, p.raw, doc.source.file, p.origin?.page ?? null, p.origin?.table ?? null, p.origin?.row ?? null,
      p.origin?.col ?? null, p.origin?.line ?? null, p.origin?.bbox ? JSON.stringify(p.origin.bbox) : null, JSON.stringify(p.repairs), p.confidence,
      cell.sheet, cell.address)];
  });
}

function tableStatements(doc: ZipingDocument): Statement[] {
  const tableForm = new Map<number, number>();
  doc.segments.forEach((segment, i) => segment.tables.forEach((t) => tableForm.set(t.index, i)));
  const allTables = [...doc.segments.flatMap((s) => s.tables), ...doc.otherTables];
  return allTables.map((t) => statement('INSERT INTO tables VALUES (?,?,?,?,?,?,?)', doc.source.sha256, t.index, t.format, t.firstLine, t.lastLine,
    tableForm.get(t.index) ?? null, JSON.stringify(t.rows.map((r) => r.map((c) => c.text)))));
}

/** Each page's frame (PDFs and scans), so the review report draws the page as its boxes see it. */
function pageStatements(doc: ZipingDocument): Statement[] {
  return doc.pages.map((p) => statement(INSERT_PAGE, doc.source.sha256, p.page, p.width, p.height, p.rotation, p.turns, p.skew, p.dpi, p.read));
}

/**
 * One finished document's rows, replacing any earlier rows of the same file (run in one transaction):
 * deleting its `documents` row deletes its forms, tables and pages with it (ON DELETE CASCADE).
 */
export function documentStatements(doc: ZipingDocument, ingestedAt: string): Statement[] {
  const sha = doc.source.sha256;
  return [
    statement('DELETE FROM documents WHERE sha256 = ?', sha),
    statement('INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)', sha, doc.source.file, doc.source.path, doc.source.kind,
      doc.source.encoding, doc.source.bytes, doc.status, doc.records.length, JSON.stringify(doc.issues), doc.version, ingestedAt),
    ...doc.records.flatMap((record) => formStatements(sha, record)),
    ...provenanceStatements(doc),
    ...scoreStatements(doc.scores),
    ...tableStatements(doc),
    ...pageStatements(doc),
  ];
}

/** Given statements, return them as runs of one SQL text, in order. */
export function statementRuns(statements: readonly Statement[]): StatementRun[] {
  const runs: Array<{ sql: string; rows: Array<readonly unknown[]> }> = [];
  for (const { sql, params } of statements) {
    const last = runs.at(-1);
    if (last?.sql === sql) last.rows.push(params);
    else runs.push({ sql, rows: [params] });
  }
  return runs;
}

/** A finished document's statements as its worker hands them to the writer; `ingestedAt` is when it was read. */
export function documentRuns(doc: ZipingDocument, ingestedAt = new Date().toISOString()): DocumentStatements {
  return { sha256: doc.source.sha256, runs: statementRuns(documentStatements(doc, ingestedAt)) };
}

/** Mark a field's provenance as corrected by a reviewer. */
export function markCorrectedStatement(formId: string, field: string): Statement {
  return statement('UPDATE field_provenance SET corrected = 1 WHERE form_id = ? AND field = ?', formId, field);
}
