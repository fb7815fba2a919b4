/**
 * The pipeline's side of the database: what to write after a correction, a re-ingest or a batch.
 * Corrections apply → the check stage re-checks → the sinks write; rules across forms run over
 * every stored form at the end of an ingest. The sinks themselves never check or score.
 */
import type { Correction } from '../schemas/corrections.js';
import type { ZipingDocument } from '../schemas/document.js';
import type { FormRecord } from '../schemas/record.js';
import { checkAcrossForms, checkForm } from './checks/index.js';
import { planCorrection, reapplied } from './corrections.js';
import { correctionsOfDocument, insertCorrection, loadForm, markCorrected } from './sinks/corrections.js';
import { type Db, insertScores, loadRecords, saveDocumentRuns, writeFindings, writeForm } from './sinks/sqlite.js';
import { type DocumentStatements, documentRuns } from './sinks/statements.js';

export type CorrectionOutcome =
  | { status: 'applied'; id: number }
  | { status: 'conflict'; current: string | null }
  | { status: 'rejected'; reason: string };

/** Re-check a corrected form and write it: record, indicator rows, findings, scores, the provenance flag. */
function recheckAndWrite(db: Db, sha: string, record: FormRecord, field: string): void {
  const { record: checked, score } = checkForm(record);
  writeForm(db, sha, checked);
  insertScores(db, [score]);
  markCorrected(db, record.id, field);
}

/**
 * Apply one correction if the field still holds the value the reviewer saw; otherwise report the
 * conflict and change nothing. One transaction: the trail and the form never disagree. Findings
 * across forms are refreshed by the next `rescoreDatabase`.
 */
export function saveCorrection(db: Db, correction: Correction): CorrectionOutcome {
  return db.transaction((): CorrectionOutcome => {
    const form = loadForm(db, correction.form_id);
    const plan = planCorrection(form?.record ?? null, correction);
    if (plan.status !== 'apply') return plan;
    recheckAndWrite(db, form!.sha, plan.updated, correction.field);
    return { status: 'applied', id: insertCorrection(db, correction) };
  })();
}

/** Re-apply the stored corrections of a re-ingested document, oldest first (see `reapplied`). */
function reapplyCorrections(db: Db, sha: string): void {
  for (const c of correctionsOfDocument(db, sha)) {
    const form = loadForm(db, c.form_id);
    const updated = form ? reapplied(form.record, c) : null;
    if (updated) recheckAndWrite(db, sha, updated, c.field);
  }
}

/** Store a processed document and re-apply its reviewers' corrections, in one transaction. */
export function storeDocument(db: Db, doc: ZipingDocument): void {
  storeDocumentStatements(db, documentRuns(doc));
}

/** `storeDocument` for a document's statements as its worker built them (`documentRuns`). */
export function storeDocumentStatements(db: Db, rows: DocumentStatements): void {
  db.transaction(() => {
    saveDocumentRuns(db, rows);
    reapplyCorrections(db, rows.sha256);
  })();
}

/**
 * The rules across forms over every stored form (the end of every ingest, after corrections, and
 * `ziping score`): a summary and its projects' forms may come from different files. With
 * `forms: true` (`ziping score`) every form is first re-checked by the current rules. Only forms
 * whose findings changed are written.
 */
export function rescoreDatabase(db: Db, options: { forms?: boolean } = {}): { forms: number; findings: number } {
  db.transaction(() => {
    let records = loadRecords(db);
    const rechecked = new Set<string>();
    if (options.forms) {
      const checked = records.map((r) => checkForm(r));
      insertScores(db, checked.map((c) => c.score));
      records = checked.map((c) => c.record);
      for (const r of records) rechecked.add(r.id);
    }
    for (const { record, changed } of checkAcrossForms(records)) if (changed || rechecked.has(record.id)) writeFindings(db, record);
  }).immediate();
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return { forms: count('SELECT COUNT(*) AS n FROM forms'), findings: count('SELECT COUNT(*) AS n FROM audits') };
}
