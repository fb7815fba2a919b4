/**
 * Reviewer corrections in SQLite: each saved correction is a `corrections` row (the audit trail),
 * never deleted. This sink only reads and writes rows; applying a correction and re-checking the
 * form happen in the pipeline (`pipeline/store.ts`).
 */
import type { Correction } from '../../schemas/corrections.js';
import { FormRecord } from '../../schemas/record.js';
import { type Db, prepared, runStatements } from './sqlite.js';
import { INSERT_CORRECTION, markCorrectedStatement } from './statements.js';

export interface StoredCorrection extends Correction { id: number; created_at: string }

export interface FormRow { record_json: string; document_sha256: string }

/** The queries of the corrections trail (SQL both stores understand). */
export const CORRECTION_QUERIES = {
  form: 'SELECT record_json, document_sha256 FROM forms WHERE id = ?',
  list: (byForm: boolean): string => `SELECT id, form_id, field, old_value, new_value, reviewer, comment, created_at FROM corrections ${byForm ? 'WHERE form_id = ?' : ''} ORDER BY id`,
  ofDocument: 'SELECT c.* FROM corrections c JOIN forms f ON f.id = c.form_id WHERE f.document_sha256 = ? ORDER BY c.id',
} as const;

/** A stored form's record and the sha256 of its document, or null. */
export function loadForm(db: Db, formId: string): { record: FormRecord; sha: string } | null {
  const row = prepared(db, CORRECTION_QUERIES.form).get(formId) as FormRow | undefined;
  return row ? { record: FormRecord.parse(JSON.parse(row.record_json)), sha: row.document_sha256 } : null;
}

/** Add a correction to the trail; returns its id. */
export function insertCorrection(db: Db, correction: Correction): number {
  const info = db.prepare(INSERT_CORRECTION)
    .run(correction.form_id, correction.field, correction.old_value, correction.new_value, correction.reviewer, correction.comment ?? null, new Date().toISOString());
  return Number(info.lastInsertRowid);
}

/** Mark a field's provenance as corrected by a reviewer. */
export function markCorrected(db: Db, formId: string, field: string): void {
  runStatements(db, [markCorrectedStatement(formId, field)]);
}

export function listCorrections(db: Db, formId?: string): StoredCorrection[] {
  const sql = CORRECTION_QUERIES.list(Boolean(formId));
  return (formId ? db.prepare(sql).all(formId) : db.prepare(sql).all()) as StoredCorrection[];
}

/** The corrections of one stored document's forms, oldest first. */
export function correctionsOfDocument(db: Db, sha: string): StoredCorrection[] {
  return prepared(db, CORRECTION_QUERIES.ofDocument).all(sha) as StoredCorrection[];
}
