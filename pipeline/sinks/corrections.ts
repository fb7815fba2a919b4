/**
 * Reviewer corrections in SQLite: each saved correction is a `corrections` row (the audit trail),
 * never deleted. This sink only reads and writes rows; applying a correction and re-checking the
 * form happen in the pipeline (`pipeline/store.ts`).
 */
import type { Correction } from '../../schemas/corrections.js';
import { FormRecord } from '../../schemas/record.js';
import { type Db, prepared } from './sqlite.js';

export interface StoredCorrection extends Correction { id: number; created_at: string }

interface FormRow { record_json: string; document_sha256: string }

/** A stored form's record and the sha256 of its document, or null. */
export function loadForm(db: Db, formId: string): { record: FormRecord; sha: string } | null {
  const row = prepared(db, 'SELECT record_json, document_sha256 FROM forms WHERE id = ?').get(formId) as FormRow | undefined;
  return row ? { record: FormRecord.parse(JSON.parse(row.record_json)), sha: row.document_sha256 } : null;
}

/** Add a correction to the trail; returns its id. */
export function insertCorrection(db: Db, correction: Correction): number {
  const info = db.prepare('INSERT INTO corrections (form_id, field, old_value, new_value, reviewer, comment, created_at) VALUES (?,?,?,?,?,?,?)')
    .run(correction.form_id, correction.field, correction.old_value, correction.new_value, correction.reviewer, correction.comment ?? null, new Date().toISOString());
  return Number(info.lastInsertRowid);
}

/** Mark a field's provenance as corrected by a reviewer. */
export function markCorrected(db: Db, formId: string, field: string): void {
  prepared(db, 'UPDATE field_provenance SET corrected = 1 WHERE form_id = ? AND field = ?').run(formId, field);
}

export function listCorrections(db: Db, formId?: string): StoredCorrection[] {
  const sql = `SELECT id, form_id, field, old_value, new_value, reviewer, comment, created_at FROM corrections ${formId ? 'WHERE form_id = ?' : ''} ORDER BY id`;
  return (formId ? db.prepare(sql).all(formId) : db.prepare(sql).all()) as StoredCorrection[];
}

/** The corrections of one stored document's forms, oldest first. */
export function correctionsOfDocument(db: Db, sha: string): StoredCorrection[] {
  return prepared(db, 'SELECT c.* FROM corrections c JOIN forms f ON f.id = c.form_id WHERE f.document_sha256 = ? ORDER BY c.id').all(sha) as StoredCorrection[];
}
