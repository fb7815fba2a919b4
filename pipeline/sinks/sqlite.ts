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
import { ADDED_COLUMNS, SCHEMA, VIEWS, VIEW_NAMES } from './schema.js';
import {
  type DocumentStatements, documentRuns, findingStatements, findingsUpdateStatements, formStatements, scoreStatements, type Statement, type StatementRun,
} from './statements.js';

export { VIEW_NAMES } from './schema.js';

export type Db = Database.Database;

/** Columns added after a database may have been created: added in place, never dropped. */
function migrate(db: Db): void {
  for (const added of ADDED_COLUMNS) {
    const columns = (db.prepare(`PRAGMA table_info(${added.table})`).all() as Array<{ name: string }>).map((c) => c.name);
    if (!columns.includes(added.column)) db.exec(`ALTER TABLE ${added.table} ADD COLUMN ${added.column} ${added.type}`);
  }
  // Before the findings table, findings lived in two tables (form_issues, audits); they become
  // views over `findings`, which is filled from each form's record (`ziping score` adds the
  // cross-form findings again).
  db.transaction(() => {
    const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'form_issues'").get();
    if (!old) return;
    db.exec('DROP TABLE form_issues; DROP TABLE IF EXISTS audits;');
    const forms = db.prepare('SELECT record_json FROM forms').all() as Array<{ record_json: string }>;
    for (const f of forms) runStatements(db, findingStatements(JSON.parse(f.record_json) as FormRecord));
  }).immediate();
}


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

/** Run the sink's statements (`statements.ts`) in order, each prepared once per database. */
export function runStatements(db: Db, statements: readonly Statement[]): void {
  for (const { sql, params } of statements) prepared(db, sql).run(...params);
}

/** Run a document's statement runs (built in its worker) in order. */
function runStatementRuns(db: Db, runs: readonly StatementRun[]): void {
  for (const { sql, rows } of runs) {
    const statement = prepared(db, sql);
    for (const params of rows) statement.run(...params);
  }
}

/** Replace a stored form's findings (its record, review flag and `findings` rows) with the record's. */
export function writeFindings(db: Db, record: FormRecord): void {
  runStatements(db, findingsUpdateStatements(record));
}

/**
 * Write one form's rows (form, indicators, findings), replacing earlier rows of the same form id;
 * its provenance and scores are written by the callers that have them.
 */
export function writeForm(db: Db, sha: string, record: FormRecord): void {
  runStatements(db, formStatements(sha, record));
}

/** Store one finished document, replacing any earlier rows of the same file, in one transaction. */
export function saveDocument(db: Db, doc: ZipingDocument): void {
  saveDocumentRuns(db, documentRuns(doc));
}

/** Store one document's statements (built by `documentRuns`, in a worker during a batch) in one transaction. */
export function saveDocumentRuns(db: Db, document: DocumentStatements): void {
  db.transaction(() => runStatementRuns(db, document.runs))();
}

/** Write recomputed values (the caller holds the transaction; old rows of these forms go first). */
export function insertScores(db: Db, scores: readonly FormScore[]): void {
  runStatements(db, scoreStatements(scores));
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

/** Field provenance as exported, in insertion order (SQL both stores understand). */
export const PROVENANCE_SQL = 'SELECT form_id, field, raw, page, line, bbox_json, repairs_json, confidence, corrected, address FROM field_provenance ORDER BY rowid';

export interface ProvenanceExportRow {
  form_id: string; field: string; raw: string | null; page: number | null; line: number | null; bbox_json: string | null; repairs_json: string;
  confidence: number; corrected: number; address: string | null;
}

/** Provenance rows keyed by form id, as `export --provenance` prints them. */
export function groupProvenance(rows: readonly ProvenanceExportRow[]): Map<string, ExportedProvenance[]> {
  const out = new Map<string, ExportedProvenance[]>();
  for (const r of rows) {
    const list = out.get(r.form_id) ?? [];
    list.push({ field: r.field, raw: r.raw, page: r.page, bbox: r.bbox_json ? (JSON.parse(r.bbox_json) as number[]) : null, line: r.line,
      repairs: JSON.parse(r.repairs_json) as unknown[], confidence: r.confidence, corrected: r.corrected === 1, ...(r.address !== null ? { address: r.address } : {}) });
    out.set(r.form_id, list);
  }
  return out;
}

/** Every form's field provenance, keyed by form id (for `export --provenance`). */
export function loadProvenance(db: Db): Map<string, ExportedProvenance[]> {
  return groupProvenance(db.prepare(PROVENANCE_SQL).all() as ProvenanceExportRow[]);
}

/** Stored records, by file and form (SQL both stores understand). */
export const RECORDS_SQL = 'SELECT f.record_json FROM forms f JOIN documents d ON d.sha256 = f.document_sha256 ORDER BY d.file, f.form_index';

/** Records as exported: the stored JSON with reviewer corrections applied on top. */
export function loadRecords(db: Db): FormRecord[] {
  const rows = db.prepare(RECORDS_SQL).all() as Array<{ record_json: string }>;
  return rows.map((r) => JSON.parse(r.record_json) as FormRecord);
}
