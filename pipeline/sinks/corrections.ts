/**
 * Reviewer corrections in SQLite: each saved correction is a `corrections` row (the audit trail)
 * and is applied to the form at once — record, indicator rows, scores and the provenance flag.
 * Corrections are kept when their file is re-ingested and applied again to the fresh extraction.
 */
import type { ZipingDocument } from '../../schemas/document.js';
import type { Correction } from '../../schemas/corrections.js';
import { FormRecord } from '../../schemas/record.js';
import { fieldText, withField } from '../corrections.js';
import { applyAudits, scoreForm } from '../score.js';
import { type Db, insertScores, saveDocument, writeForm } from './sqlite.js';

export type CorrectionOutcome =
  | { status: 'applied'; id: number }
  | { status: 'conflict'; current: string | null }
  | { status: 'rejected'; reason: string };

export interface StoredCorrection extends Correction { id: number; created_at: string }

interface FormRow { record_json: string; document_sha256: string }

function loadForm(db: Db, formId: string): { record: FormRecord; sha: string } | null {
  const row = db.prepare('SELECT record_json, document_sha256 FROM forms WHERE id = ?').get(formId) as FormRow | undefined;
  return row ? { record: FormRecord.parse(JSON.parse(row.record_json)), sha: row.document_sha256 } : null;
}

/** The corrected record with its scores recomputed and its audit findings refreshed. */
function rescored(record: FormRecord): { record: FormRecord; score: ReturnType<typeof scoreForm> } {
  const withoutAudits = { ...record, issues: record.issues.filter((i) => !i.kind.startsWith('audit:')) };
  const score = scoreForm(withoutAudits);
  return { record: applyAudits([withoutAudits], [score])[0]!, score };
}

function store(db: Db, sha: string, record: FormRecord, field: string): void {
  const { record: final, score } = rescored(record);
  writeForm(db, sha, final);
  insertScores(db, [score]);
  db.prepare('UPDATE field_provenance SET corrected = 1 WHERE form_id = ? AND field = ?').run(record.id, field);
}

/**
 * Apply one correction if the field still holds the value the reviewer saw; otherwise report the
 * conflict and change nothing. One transaction: the trail and the form never disagree.
 */
export function saveCorrection(db: Db, correction: Correction): CorrectionOutcome {
  return db.transaction((): CorrectionOutcome => {
    const form = loadForm(db, correction.form_id);
    if (!form) return { status: 'rejected', reason: `no form ${correction.form_id} in this database` };
    let current: string | null;
    let updated: FormRecord;
    try {
      current = fieldText(form.record, correction.field);
      if (current !== correction.old_value) return { status: 'conflict', current };
      updated = withField(form.record, correction.field, correction.new_value);
    } catch (error) {
      return { status: 'rejected', reason: (error as Error).message };
    }
    store(db, form.sha, updated, correction.field);
    const info = db.prepare('INSERT INTO corrections (form_id, field, old_value, new_value, reviewer, comment, created_at) VALUES (?,?,?,?,?,?,?)')
      .run(correction.form_id, correction.field, correction.old_value, correction.new_value, correction.reviewer, correction.comment ?? null, new Date().toISOString());
    return { status: 'applied', id: Number(info.lastInsertRowid) };
  })();
}

export function listCorrections(db: Db, formId?: string): StoredCorrection[] {
  const sql = `SELECT id, form_id, field, old_value, new_value, reviewer, comment, created_at FROM corrections ${formId ? 'WHERE form_id = ?' : ''} ORDER BY id`;
  return (formId ? db.prepare(sql).all(formId) : db.prepare(sql).all()) as StoredCorrection[];
}

/**
 * Re-apply the stored corrections of a re-ingested document, oldest first. A field the new
 * extraction reads differently from both the old and the corrected value keeps the reviewer's
 * value and is flagged, so a person looks again.
 */
function reapplyCorrections(db: Db, sha: string): void {
  const corrections = db.prepare(`SELECT c.* FROM corrections c JOIN forms f ON f.id = c.form_id WHERE f.document_sha256 = ? ORDER BY c.id`).all(sha) as StoredCorrection[];
  for (const c of corrections) {
    const form = loadForm(db, c.form_id);
    if (!form) continue;
    let current: string | null;
    try {
      current = fieldText(form.record, c.field);
    } catch {
      continue; // the field no longer exists (an indicator row fewer): the trail keeps the correction
    }
    if (current === c.new_value) continue;
    let updated = withField(form.record, c.field, c.new_value);
    if (current !== c.old_value) {
      updated = { ...updated, issues: [...updated.issues, { field: c.field, kind: 'correction_conflict', severity: 'warn', detail: `re-extracted as "${current ?? ''}", not "${c.old_value ?? ''}" as when ${c.reviewer} corrected it to "${c.new_value ?? ''}"` }], needs_review: true };
    }
    store(db, sha, updated, c.field);
  }
}

/** Store a processed document and re-apply its reviewers' corrections, in one transaction. */
export function storeDocument(db: Db, doc: ZipingDocument): void {
  db.transaction(() => {
    saveDocument(db, doc);
    reapplyCorrections(db, doc.source.sha256);
  })();
}
