/**
 * The SQLite sink: reads finished documents and stores them; it never checks or scores anything
 * (the check stage did, in the pipeline). One transaction per document; a re-run of the same file
 * (same sha256) replaces its rows; corrections are never deleted. Every value from a document is
 * bound as a parameter.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { FormScore, ZipingDocument } from '../../schemas/document.js';
import type { FormRecord } from '../../schemas/record.js';
import { type DocumentRows, documentRows, findingRows, type FormRows, formRows, PROVENANCE_COLUMNS, type ScoreRows, scoreRows } from './sqliteRows.js';

export type Db = Database.Database;

const preparedStatements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A statement prepared once per connection and reused: compiling the SQL costs more than running
 * it for the small rows the writer inserts, and a batch runs the same few statements per row.
 */
export function prepared(db: Db, sql: string): Database.Statement {
  let cache = preparedStatements.get(db);
  if (!cache) preparedStatements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, encoding TEXT,
  bytes INTEGER NOT NULL, status TEXT NOT NULL, forms INTEGER NOT NULL, issues_json TEXT NOT NULL,
  model_version INTEGER NOT NULL, ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS forms (
  id TEXT PRIMARY KEY, document_sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
  form_index INTEGER NOT NULL, form_type TEXT NOT NULL, scope TEXT NOT NULL, year INTEGER, title TEXT,
  project_name TEXT, project_code TEXT, department TEXT, implementing_unit TEXT, filing_unit TEXT, amount_unit TEXT,
  initial_budget REAL, adjusted_budget REAL, received REAL, executed REAL, execution_rate REAL,
  funds_weight REAL, funds_score REAL, fiscal_initial_budget REAL, fiscal_adjusted_budget REAL, fiscal_executed REAL,
  goal_expected TEXT, goal_actual TEXT, completion_rate REAL, total_score REAL, grade TEXT, problems TEXT,
  contact_filler TEXT, contact_phone TEXT, confidence REAL NOT NULL, needs_review INTEGER NOT NULL,
  record_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS indicators (
  form_id TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE, position INTEGER NOT NULL,
  level1 TEXT, level1_weight REAL, level2 TEXT, name TEXT, description TEXT,
  target_raw TEXT, target_op TEXT, target_value REAL, target_unit TEXT,
  actual_raw TEXT, actual_op TEXT, actual_value REAL, actual_unit TEXT,
  weight REAL, score REAL, deviation_note TEXT, basis TEXT, confidence REAL NOT NULL,
  PRIMARY KEY (form_id, position)
);
CREATE TABLE IF NOT EXISTS findings (
  form_id TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE, rule TEXT NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL,
  severity TEXT NOT NULL, expected TEXT, found TEXT, detail TEXT NOT NULL, stage TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tables (
  document_sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE, table_index INTEGER NOT NULL,
  format TEXT NOT NULL, first_line INTEGER, last_line INTEGER, form_index INTEGER, cells_json TEXT NOT NULL,
  PRIMARY KEY (document_sha256, table_index)
);
CREATE TABLE IF NOT EXISTS field_provenance (
  form_id TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE, field TEXT NOT NULL, raw TEXT,
  file TEXT NOT NULL, page INTEGER, table_index INTEGER, row_index INTEGER, col_index INTEGER, line INTEGER, bbox_json TEXT,
  repairs_json TEXT NOT NULL, confidence REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS corrections (
  id INTEGER PRIMARY KEY AUTOINCREMENT, form_id TEXT NOT NULL, field TEXT NOT NULL,
  old_value TEXT, new_value TEXT, reviewer TEXT NOT NULL, comment TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS form_scores (
  form_id TEXT PRIMARY KEY REFERENCES forms(id) ON DELETE CASCADE, recomputed_rate REAL, recomputed_funds_score REAL,
  indicator_score_sum REAL, recomputed_total REAL, printed_total REAL, weight_sum REAL
);
CREATE TABLE IF NOT EXISTS indicator_scores (
  form_id TEXT NOT NULL REFERENCES forms(id) ON DELETE CASCADE, position INTEGER NOT NULL,
  met TEXT NOT NULL, recomputed_score REAL, printed_score REAL, PRIMARY KEY (form_id, position)
);
CREATE INDEX IF NOT EXISTS idx_findings_form ON findings(form_id);
CREATE INDEX IF NOT EXISTS idx_forms_document ON forms(document_sha256);
CREATE INDEX IF NOT EXISTS idx_provenance_form ON field_provenance(form_id);
`;

/** Columns added after a database may have been created: added in place, never dropped. */
function migrate(db: Db): void {
  const columns = (db.prepare('PRAGMA table_info(field_provenance)').all() as Array<{ name: string }>).map((c) => c.name);
  if (!columns.includes('corrected')) db.exec('ALTER TABLE field_provenance ADD COLUMN corrected INTEGER NOT NULL DEFAULT 0');
  // office attachments: the worksheet and cell address a field was read from (`Sheet1!C7`)
  if (!columns.includes('sheet')) db.exec('ALTER TABLE field_provenance ADD COLUMN sheet TEXT');
  if (!columns.includes('address')) db.exec('ALTER TABLE field_provenance ADD COLUMN address TEXT');
  // Before the findings table, findings lived in two tables (form_issues, audits); they become
  // views over `findings`, which is filled from each form's record (`ziping score` adds the
  // cross-form findings again).
  db.transaction(() => {
    const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'form_issues'").get();
    if (!old) return;
    db.exec('DROP TABLE form_issues; DROP TABLE IF EXISTS audits;');
    const forms = db.prepare('SELECT record_json FROM forms').all() as Array<{ record_json: string }>;
    for (const f of forms) insertFindings(db, findingRows(JSON.parse(f.record_json) as FormRecord));
  }).immediate();
}


/**
 * Analyst views (README "Analyst views") and the two older names of findings — `form_issues` (the
 * contract's issue columns) and `audits` (what the check stage found); recreated on open so a
 * newer ziping's definitions win.
 */
const VIEWS = `
DROP VIEW IF EXISTS form_issues;
CREATE VIEW form_issues AS SELECT form_id, field, kind, detail, severity FROM findings;
DROP VIEW IF EXISTS audits;
CREATE VIEW audits AS SELECT form_id, rule, field, expected, found, severity, detail FROM findings WHERE stage IN ('check', 'cross_form');
DROP VIEW IF EXISTS v_indicators;
CREATE VIEW v_indicators AS
SELECT f.id AS form_id, d.file, f.year, f.filing_unit, f.project_name, f.form_type, x.position,
  x.level1, x.level1_weight, x.level2, x.name, x.target_raw, x.target_op, x.target_value, x.target_unit,
  x.actual_raw, x.actual_value, x.actual_unit, x.weight, x.score AS printed_score, s.recomputed_score,
  s.met, (s.met = 'met') AS target_met, (x.weight IS NOT NULL AND x.score >= x.weight) AS full_marks
FROM indicators x JOIN forms f ON f.id = x.form_id JOIN documents d ON d.sha256 = f.document_sha256
LEFT JOIN indicator_scores s ON s.form_id = x.form_id AND s.position = x.position;
DROP VIEW IF EXISTS v_forms;
CREATE VIEW v_forms AS
SELECT f.id AS form_id, d.file, f.form_index, f.form_type, f.year, f.filing_unit, f.project_name, f.project_code,
  f.initial_budget AS initial_budget_yuan, f.adjusted_budget AS adjusted_budget_yuan, f.executed AS executed_yuan,
  f.execution_rate AS printed_rate, fs.recomputed_rate, f.funds_weight, f.funds_score AS printed_funds_score,
  fs.recomputed_funds_score, f.total_score AS printed_total, fs.indicator_score_sum, fs.recomputed_total,
  fs.weight_sum, f.grade, f.confidence, f.needs_review,
  (SELECT COUNT(*) FROM audits a WHERE a.form_id = f.id) AS audits,
  (SELECT COUNT(*) FROM audits a WHERE a.form_id = f.id AND a.severity = 'error') AS audit_errors
FROM forms f JOIN documents d ON d.sha256 = f.document_sha256 LEFT JOIN form_scores fs ON fs.form_id = f.id;
DROP VIEW IF EXISTS v_units;
CREATE VIEW v_units AS
SELECT filing_unit, year, COUNT(*) AS projects, SUM(adjusted_budget_yuan) AS budget_yuan, SUM(executed_yuan) AS executed_yuan,
  ROUND(AVG(printed_total), 2) AS mean_score, SUM(audits > 0) AS forms_with_findings
FROM v_forms WHERE form_type = 'self_evaluation' GROUP BY filing_unit, year;
DROP VIEW IF EXISTS v_findings;
CREATE VIEW v_findings AS
SELECT f.id AS form_id, d.file, f.form_index, f.form_type, f.year, f.project_name, x.stage, x.rule, x.field, x.kind, x.severity,
  x.expected, x.found, x.detail
FROM findings x JOIN forms f ON f.id = x.form_id JOIN documents d ON d.sha256 = f.document_sha256;
`;

export const VIEW_NAMES = ['v_indicators', 'v_forms', 'v_units', 'v_findings'] as const;

const BUSY_TIMEOUT_MS = 60_000;

/**
 * The schema version a database records in `PRAGMA user_version`. Databases of version 0 (written
 * before versions were recorded) are migrated in place when they can be; a higher version than this
 * one is refused. Raise it with every change `migrate` has to make to an existing database.
 */
export const SCHEMA_VERSION = 1;

/** A database path that ziping will not open: the message names the path and says why. */
export class DatabaseRefused extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'DatabaseRefused';
  }
}

const notZiping = (path: string, reason: string) => new DatabaseRefused(path, `${path} is not a ziping database (${reason})`);

let expectedColumns: Map<string, string[]> | null = null;

/** Each table's columns in a database this version creates. */
function currentColumns(): Map<string, string[]> {
  if (expectedColumns) return expectedColumns;
  const fresh = new Database(':memory:');
  fresh.exec(SCHEMA);
  migrate(fresh);
  expectedColumns = tableColumns(fresh);
  fresh.close();
  return expectedColumns;
}

function tableColumns(db: Db): Map<string, string[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return new Map(tables.map((t) => [t, (db.prepare(`PRAGMA table_info("${t}")`).all() as Array<{ name: string }>).map((c) => c.name)]));
}

/** A database with tables must hold ziping's: ziping never adds its tables to another program's database. */
function checkTables(path: string, tables: string[]): void {
  if (tables.length > 0 && !(tables.includes('documents') && tables.includes('forms'))) {
    throw notZiping(path, `an SQLite database without documents and forms tables; it holds ${tables.slice(0, 5).join(', ')}`);
  }
}

/** Create the schema in a new database, or check and migrate an existing one (inside the caller's transaction). */
function prepareSchema(db: Db, path: string): void {
  const tables = [...tableColumns(db).keys()];
  const version = db.pragma('user_version', { simple: true }) as number;
  checkTables(path, tables);
  if (version > SCHEMA_VERSION) {
    throw new DatabaseRefused(path, `${path} was written by a newer ziping (schema version ${version}; this ziping reads versions up to ${SCHEMA_VERSION})`);
  }
  db.exec(SCHEMA);
  migrate(db);
  const have = tableColumns(db);
  for (const [table, columns] of currentColumns()) {
    const missing = columns.filter((c) => !have.get(table)?.includes(c));
    if (missing.length > 0) {
      throw new DatabaseRefused(path, `${path} was written by an older ziping (schema version ${version}) and cannot be migrated: `
        + `table ${table} lacks ${missing.join(', ')}; ingest the files into a new database`);
    }
  }
  if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

/**
 * Open a database: WAL so readers never block the writer, a busy timeout for concurrent runs.
 * `create` (ingest): a missing file becomes a new database. Without it (every command that reads) the
 * file must already hold a ziping database. Either way a file that is not SQLite, an SQLite database of
 * something else, or one of a newer schema is refused with `DatabaseRefused` and left unchanged; an
 * older ziping database is migrated.
 */
export function openDatabase(path: string, options: { create?: boolean } = {}): Db {
  const create = options.create ?? true;
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory && !existsSync(path) && !create) throw notZiping(path, 'no such file');
  if (!inMemory && existsSync(path) && statSync(path).isDirectory()) throw notZiping(path, 'a directory');
  // The busy timeout applies from the first statement: two runs opening one new database at once
  // both switch it to WAL and create its tables. A batch waits for the other writer (its rescoring
  // of the whole database can take seconds on a loaded machine) rather than fail.
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS, fileMustExist: !create });
  try {
    let tables: string[];
    try {
      tables = [...tableColumns(db).keys()];
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw notZiping(path, 'not an SQLite file');
      throw error;
    }
    checkTables(path, tables);
    if (!create && tables.length === 0) throw notZiping(path, statSync(path).size === 0 ? 'an empty file' : 'an SQLite database without tables');
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL cannot corrupt the database; a power cut may lose only the last document,
    // which the next run re-reads because its row is missing.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // one writer at a time creates or migrates the schema; a second run waits and then finds it done
    // the views too: two runs opening one database at once would drop and create them in turn
    db.transaction(() => { prepareSchema(db, path); db.exec(VIEWS); }).immediate();
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** The status of the stored document with this sha256, if any (to skip unchanged files on re-runs). */
export function storedStatus(db: Db, sha256: string): string | null {
  const row = prepared(db, 'SELECT status FROM documents WHERE sha256 = ?').get(sha256) as { status: string } | undefined;
  return row?.status ?? null;
}

let upsertSql: string | null = null;

function upsertFormSql(db: Db): string {
  if (upsertSql) return upsertSql;
  const formColumns = (db.prepare('PRAGMA table_info(forms)').all() as Array<{ name: string }>).map((c) => c.name);
  const updates = formColumns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ');
  return (upsertSql = `INSERT INTO forms (${formColumns.join(', ')}) VALUES (${formColumns.map(() => '?').join(', ')}) ON CONFLICT(id) DO UPDATE SET ${updates}`);
}

function insertFindings(db: Db, rows: readonly unknown[][]): void {
  const insert = prepared(db, 'INSERT INTO findings (form_id, rule, field, kind, severity, expected, found, detail, stage) VALUES (?,?,?,?,?,?,?,?,?)');
  for (const row of rows) insert.run(row);
}

/** Replace a stored form's findings (its record, review flag and `findings` rows) with the record's. */
export function writeFindings(db: Db, record: FormRecord): void {
  prepared(db, 'UPDATE forms SET record_json = ?, needs_review = ? WHERE id = ?').run(JSON.stringify(record), record.needs_review ? 1 : 0, record.id);
  prepared(db, 'DELETE FROM findings WHERE form_id = ?').run(record.id);
  insertFindings(db, findingRows(record));
}

/** Write one form's rows (form, indicators, findings), replacing earlier rows of the same form id. */
function writeFormRows(db: Db, rows: FormRows): void {
  prepared(db, 'DELETE FROM indicators WHERE form_id = ?').run(rows.id);
  prepared(db, 'DELETE FROM findings WHERE form_id = ?').run(rows.id);
  // an upsert, not INSERT OR REPLACE: replacing would delete the row and cascade to its provenance
  prepared(db, upsertFormSql(db)).run(rows.form);
  const insertIndicator = prepared(db, `INSERT INTO indicators VALUES (${new Array(20).fill('?').join(',')})`);
  for (const row of rows.indicators) insertIndicator.run(row);
  insertFindings(db, rows.findings);
}

/**
 * Write one form's rows (form, indicators, findings), replacing earlier rows of the same form id;
 * its provenance and scores are written by the callers that have them.
 */
export function writeForm(db: Db, sha: string, record: FormRecord): void {
  writeFormRows(db, formRows(sha, record));
}

/** Store one finished document, replacing any earlier rows of the same file, in one transaction. */
export function saveDocument(db: Db, doc: ZipingDocument): void {
  saveDocumentRows(db, documentRows(doc));
}

/** Store one document's rows (built by `documentRows`, in a worker during a batch), replacing any earlier rows of the same file, in one transaction. */
export function saveDocumentRows(db: Db, rows: DocumentRows): void {
  const insertProvenance = prepared(db, `INSERT INTO field_provenance (${PROVENANCE_COLUMNS.join(', ')}, corrected) VALUES (${PROVENANCE_COLUMNS.map(() => '?').join(',')},0)`);
  const insertTable = prepared(db, 'INSERT INTO tables VALUES (?,?,?,?,?,?,?)');
  db.transaction(() => {
    prepared(db, 'DELETE FROM documents WHERE sha256 = ?').run(rows.sha256);
    prepared(db, 'INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)').run(rows.document, new Date().toISOString());
    for (const form of rows.forms) writeFormRows(db, form);
    for (const row of rows.provenance) insertProvenance.run(row);
    insertScoreRows(db, rows.scores);
    for (const row of rows.tables) insertTable.run(row);
  })();
}

/** Write recomputed values (the caller holds the transaction; old rows of these forms go first). */
export function insertScores(db: Db, scores: readonly FormScore[]): void {
  insertScoreRows(db, scoreRows(scores));
}

function insertScoreRows(db: Db, scores: readonly ScoreRows[]): void {
  const clear = ['form_scores', 'indicator_scores'].map((t) => prepared(db, `DELETE FROM ${t} WHERE form_id = ?`));
  const insertForm = prepared(db, 'INSERT INTO form_scores VALUES (?,?,?,?,?,?,?)');
  const insertIndicator = prepared(db, 'INSERT INTO indicator_scores VALUES (?,?,?,?,?)');
  for (const s of scores) {
    for (const statement of clear) statement.run(s.formId);
    insertForm.run(s.form);
    for (const row of s.indicators) insertIndicator.run(row);
  }
}

/** Every row of one analyst view, for CSV export. */
export function viewRows(db: Db, view: (typeof VIEW_NAMES)[number]): Array<Record<string, unknown>> {
  if (!VIEW_NAMES.includes(view)) throw new Error(`unknown view ${view}`);
  return db.prepare(`SELECT * FROM ${view}`).all() as Array<Record<string, unknown>>;
}

export interface ExportedProvenance {
  field: string; raw: string | null; page: number | null; bbox: number[] | null; line: number | null;
  repairs: unknown[]; confidence: number; corrected: boolean;
  /** the cell a spreadsheet field was read from (`Sheet1!C7`); absent for other inputs */
  address?: string;
}

/** Every form's field provenance, keyed by form id (for `export --provenance`). */
export function loadProvenance(db: Db): Map<string, ExportedProvenance[]> {
  const rows = db.prepare('SELECT form_id, field, raw, page, line, bbox_json, repairs_json, confidence, corrected, address FROM field_provenance ORDER BY rowid')
    .all() as Array<{
    form_id: string; field: string; raw: string | null; page: number | null; line: number | null; bbox_json: string | null; repairs_json: string;
    confidence: number; corrected: number; address: string | null;
  }>;
  const out = new Map<string, ExportedProvenance[]>();
  for (const r of rows) {
    const list = out.get(r.form_id) ?? [];
    list.push({ field: r.field, raw: r.raw, page: r.page, bbox: r.bbox_json ? (JSON.parse(r.bbox_json) as number[]) : null, line: r.line,
      repairs: JSON.parse(r.repairs_json) as unknown[], confidence: r.confidence, corrected: r.corrected === 1, ...(r.address !== null ? { address: r.address } : {}) });
    out.set(r.form_id, list);
  }
  return out;
}

/** Records as exported: the stored JSON with reviewer corrections applied on top. */
export function loadRecords(db: Db): FormRecord[] {
  const rows = db.prepare('SELECT f.record_json FROM forms f JOIN documents d ON d.sha256 = f.document_sha256 ORDER BY d.file, f.form_index').all() as Array<{ record_json: string }>;
  return rows.map((r) => JSON.parse(r.record_json) as FormRecord);
}
