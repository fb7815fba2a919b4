/**
 * The one schema both stores are created from: SQLite (the default, `pipeline/sinks/sqlite.ts`) and
 * PostgreSQL (`pipeline/sinks/postgres.ts`). It is written in the SQL both understand; the few
 * places where PostgreSQL needs other words are marked in the text and rendered by `forDialect`:
 * - `REAL` is SQLite's 8-byte float: `DOUBLE PRECISION` in PostgreSQL (its REAL has 4 bytes);
 * - `INTEGER PRIMARY KEY AUTOINCREMENT` is `BIGSERIAL PRIMARY KEY`;
 * - a comparison used as a number is marked `/*int*\/` (PostgreSQL's booleans do not add up), an
 *   average rounded to places `/*numeric*\/` (PostgreSQL rounds numerics, not floats);
 * - a view is dropped with CASCADE (PostgreSQL refuses to drop a view another one reads; the
 *   views are all created again right after).
 * PostgreSQL also has no implicit `rowid`: `findings` and `field_provenance`, read in insertion
 * order, get an explicit one (`ROWID_TABLES`).
 */
export type Dialect = 'sqlite' | 'postgres';

export const SCHEMA = `
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
CREATE TABLE IF NOT EXISTS pages (
  document_sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE, page INTEGER NOT NULL,
  width REAL NOT NULL, height REAL NOT NULL, rotation INTEGER NOT NULL, turns INTEGER NOT NULL, skew REAL NOT NULL, dpi REAL,
  read TEXT NOT NULL, PRIMARY KEY (document_sha256, page)
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

/**
 * Columns added after the first release. SQLite databases of older ziping versions get them in
 * place (`migrate` in the SQLite sink); a new PostgreSQL database gets them when it is created.
 */
export const ADDED_COLUMNS: ReadonlyArray<{ table: string; column: string; type: string }> = [
  { table: 'field_provenance', column: 'corrected', type: 'INTEGER NOT NULL DEFAULT 0' },
  // office attachments: the worksheet and cell address a field was read from (`Sheet1!C7`)
  { table: 'field_provenance', column: 'sheet', type: 'TEXT' },
  { table: 'field_provenance', column: 'address', type: 'TEXT' },
];

/** Tables read in insertion order (`ORDER BY rowid`): PostgreSQL needs that column spelled out. */
export const ROWID_TABLES = ['findings', 'field_provenance'] as const;

/**
 * Analyst views (README "Analyst views") and the two older names of findings — `form_issues` (the
 * contract's issue columns) and `audits` (what the check stage found); recreated on open so a
 * newer ziping's definitions win.
 */
export const VIEWS = `
DROP VIEW IF EXISTS form_issues;
CREATE VIEW form_issues AS SELECT form_id, field, kind, detail, severity FROM findings;
DROP VIEW IF EXISTS audits;
CREATE VIEW audits AS SELECT form_id, rule, field, expected, found, severity, detail FROM findings WHERE stage IN ('check', 'cross_form');
DROP VIEW IF EXISTS v_indicators;
CREATE VIEW v_indicators AS
SELECT f.id AS form_id, d.file, f.year, f.filing_unit, f.project_name, f.form_type, x.position,
  x.level1, x.level1_weight, x.level2, x.name, x.target_raw, x.target_op, x.target_value, x.target_unit,
  x.actual_raw, x.actual_value, x.actual_unit, x.weight, x.score AS printed_score, s.recomputed_score,
  s.met, (s.met = 'met')/*int*/ AS target_met, (x.weight IS NOT NULL AND x.score >= x.weight)/*int*/ AS full_marks
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
  ROUND(AVG(printed_total)/*numeric*/, 2) AS mean_score, SUM((audits > 0)/*int*/) AS forms_with_findings
FROM v_forms WHERE form_type = 'self_evaluation' GROUP BY filing_unit, year;
DROP VIEW IF EXISTS v_findings;
CREATE VIEW v_findings AS
SELECT f.id AS form_id, d.file, f.form_index, f.form_type, f.year, f.project_name, x.stage, x.rule, x.field, x.kind, x.severity,
  x.expected, x.found, x.detail
FROM findings x JOIN forms f ON f.id = x.form_id JOIN documents d ON d.sha256 = f.document_sha256;
`;

export const VIEW_NAMES = ['v_indicators', 'v_forms', 'v_units', 'v_findings'] as const;

/** SQL of the common subset (this file's schema, a reader's query) in the words of one database. */
export function forDialect(sql: string, dialect: Dialect): string {
  if (dialect === 'sqlite') return sql;
  return sql
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION')
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGSERIAL PRIMARY KEY')
    .replace(/\/\*int\*\//g, '::int')
    .replace(/\/\*numeric\*\//g, '::numeric')
    .replace(/DROP VIEW IF EXISTS (\w+);/g, 'DROP VIEW IF EXISTS $1 CASCADE;');
}

/** The whole PostgreSQL schema: tables, added columns, explicit row ids, views. */
export function postgresSchema(): string {
  const added = ADDED_COLUMNS.map((c) => `ALTER TABLE ${c.table} ADD COLUMN IF NOT EXISTS ${c.column} ${c.type};`);
  const rowids = ROWID_TABLES.map((t) => `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS rowid BIGSERIAL;`);
  return [forDialect(SCHEMA, 'postgres'), ...added, ...rowids, forDialect(VIEWS, 'postgres')].join('\n');
}

/** `?` placeholders (SQLite's) as `$1, $2 …` (PostgreSQL's). The shared SQL holds no `?` in a literal. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
