/**
 * The pipeline's side of a PostgreSQL database: what `pipeline/store.ts` does for SQLite —
 * corrections apply → the check stage re-checks → the sink writes; the cross-form rules over
 * every stored form — with the same statements, each step awaited inside one transaction.
 * A document is stored once per sha256 whatever happens: its transaction holds a lock on the
 * sha256, so two workers given the same file write it one after the other, and the second finds it.
 */
import type pg from 'pg';
import type { Correction } from '../schemas/corrections.js';
import type { ZipingDocument } from '../schemas/document.js';
import { FormRecord } from '../schemas/record.js';
import { checkAcrossForms, checkForm } from './checks/index.js';
import { planCorrection, reapplied } from './corrections.js';
import {
  framesByPage, PAGE_FRAME_COLUMNS, type ProvenanceRow, REPORT_QUERIES, type ReportInputs, shownForms, type DocumentRow, type FormRow, type IssueRow,
} from './report.js';
import type { CorrectionOutcome } from './store.js';
import { CORRECTION_QUERIES, type FormRow as StoredFormRow, type StoredCorrection } from './sinks/corrections.js';
import { inTransaction, openPostgres, type Queryable, redactUrl, rowsOf, runOn } from './sinks/postgres.js';
import { forDialect, numberedPlaceholders, VIEW_NAMES } from './sinks/schema.js';
import { type ExportedProvenance, groupProvenance, PROVENANCE_SQL, type ProvenanceExportRow, RECORDS_SQL } from './sinks/sqlite.js';
import { documentStatements, findingsUpdateStatements, formStatements, INSERT_CORRECTION, markCorrectedStatement, scoreStatements } from './sinks/statements.js';

type Row = Record<string, unknown>;

/** What storing a document did: wrote it, or found it already stored by another delivery of its job. */
export type StoreOutcome = 'stored' | 'already stored';

export class PostgresStore {
  readonly location: string;

  private constructor(private readonly pool: pg.Pool, url: string) {
    this.location = redactUrl(url);
  }

  /** Connect; `create` makes the schema when missing (ingest, worker), otherwise a database without it is refused. */
  static async open(url: string, options: { create?: boolean; size?: number } = {}): Promise<PostgresStore> {
    return new PostgresStore(await openPostgres(url, options), url);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Rows of a query in the SQL both stores understand. */
  query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return rowsOf<Row>(this.pool, sql, params);
  }

  /** A query's column names (each once, at its first place, even when no row comes) and its rows. */
  async columnsAndRows(sql: string): Promise<{ names: string[]; rows: Row[] }> {
    const result = await this.pool.query(numberedPlaceholders(forDialect(sql, 'postgres')));
    return { names: [...new Set(result.fields.map((f) => f.name))], rows: result.rows as Row[] };
  }

  async storedStatus(sha256: string): Promise<string | null> {
    const rows = await rowsOf<{ status: string }>(this.pool, 'SELECT status FROM documents WHERE sha256 = ?', [sha256]);
    return rows[0]?.status ?? null;
  }

  /**
   * Store a processed document and re-apply its reviewers' corrections, in one transaction, once:
   * the transaction first locks the document's sha256, then skips the write when another delivery
   * of the job (a stalled worker's, a second worker's) stored the document after `queuedAt`, or —
   * as a local re-run skips it — when it is stored as read successfully and `force` is not set.
   * Otherwise it replaces the stored rows, as a local re-ingest does.
   */
  async storeDocument(doc: ZipingDocument, options: { force?: boolean; queuedAt?: string } = {}): Promise<StoreOutcome> {
    const sha = doc.source.sha256;
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [sha]);
      const [stored] = await rowsOf<{ status: string; ingested_at: string }>(client, 'SELECT status, ingested_at FROM documents WHERE sha256 = ?', [sha]);
      const storedSinceQueued = stored !== undefined && options.queuedAt !== undefined && stored.ingested_at >= options.queuedAt;
      if (storedSinceQueued || (!options.force && stored?.status === 'success')) return 'already stored';
      await runOn(client, documentStatements(doc, new Date().toISOString()));
      await this.reapplyCorrections(client, sha);
      return 'stored';
    });
  }

  async loadRecords(): Promise<FormRecord[]> {
    const rows = await rowsOf<{ record_json: string }>(this.pool, RECORDS_SQL);
    return rows.map((r) => JSON.parse(r.record_json) as FormRecord);
  }

  async loadProvenance(): Promise<Map<string, ExportedProvenance[]>> {
    return groupProvenance(await rowsOf<ProvenanceExportRow>(this.pool, PROVENANCE_SQL));
  }

  async viewRows(view: (typeof VIEW_NAMES)[number]): Promise<Row[]> {
    if (!VIEW_NAMES.includes(view)) throw new Error(`unknown view ${view}`);
    // PostgreSQL has no implicit order: the SQLite views come out in their tables' order, which a
    // view's first column (form id) and position repeat closely enough for a CSV an analyst sorts anyway
    return rowsOf<Row>(this.pool, `SELECT * FROM ${view}`);
  }

  async listCorrections(formId?: string): Promise<StoredCorrection[]> {
    return rowsOf<StoredCorrection>(this.pool, CORRECTION_QUERIES.list(Boolean(formId)), formId ? [formId] : []);
  }

  /** What the review report shows; the tables and page frames of the shown forms' documents are read at once. */
  async reportInputs(): Promise<ReportInputs> {
    const [docs, forms, provenance, issues] = await Promise.all([
      rowsOf<DocumentRow>(this.pool, REPORT_QUERIES.docs),
      rowsOf<FormRow>(this.pool, REPORT_QUERIES.forms),
      rowsOf<ProvenanceRow>(this.pool, REPORT_QUERIES.provenance),
      rowsOf<IssueRow>(this.pool, REPORT_QUERIES.issues),
    ]);
    const shas = [...new Set(shownForms(forms, provenance).map((f) => f.document_sha256))];
    const cells = await rowsOf<{ document_sha256: string; table_index: number; cells_json: string }>(this.pool,
      'SELECT document_sha256, table_index, cells_json FROM tables WHERE document_sha256 = ANY(?)', [shas]);
    const byKey = new Map(cells.map((t) => [`${t.document_sha256}#${t.table_index}`, JSON.parse(t.cells_json) as string[][]]));
    const pages = await rowsOf<{ document_sha256: string }>(this.pool, `SELECT document_sha256, ${PAGE_FRAME_COLUMNS} FROM pages WHERE document_sha256 = ANY(?)`, [shas]);
    const frames = new Map(shas.map((sha) => [sha, framesByPage(pages.filter((p) => p.document_sha256 === sha))]));
    return {
      docs, forms, provenance, issues,
      tables: (sha256, tableIndex) => byKey.get(`${sha256}#${tableIndex}`) ?? null,
      frames: (sha256, page) => frames.get(sha256)?.get(page) ?? null,
    };
  }

  /** Apply one correction if the field still holds the value the reviewer saw (as `saveCorrection` in store.ts). */
  async saveCorrection(correction: Correction): Promise<CorrectionOutcome> {
    return inTransaction(this.pool, async (client): Promise<CorrectionOutcome> => {
      const form = await loadForm(client, correction.form_id, true);
      const plan = planCorrection(form?.record ?? null, correction);
      if (plan.status !== 'apply') return plan;
      await recheckAndWrite(client, form!.sha, plan.updated, correction.field);
      const inserted = await client.query<{ id: string }>(`${numberedPlaceholders(INSERT_CORRECTION)} RETURNING id`, [correction.form_id, correction.field,
        correction.old_value, correction.new_value, correction.reviewer, correction.comment ?? null, new Date().toISOString()]);
      return { status: 'applied', id: Number(inserted.rows[0]!.id) };
    });
  }

  /** The rules across forms over every stored form (as `rescoreDatabase` in store.ts); `forms`: re-check each form first. */
  async rescore(options: { forms?: boolean } = {}): Promise<{ forms: number; findings: number }> {
    await inTransaction(this.pool, async (client) => {
      // one rescoring at a time, as SQLite's immediate transaction gives
      await client.query('LOCK TABLE findings IN SHARE ROW EXCLUSIVE MODE');
      let records = (await rowsOf<{ record_json: string }>(client, RECORDS_SQL)).map((r) => JSON.parse(r.record_json) as FormRecord);
      const rechecked = new Set<string>();
      if (options.forms) {
        const checked = records.map((r) => checkForm(r));
        await runOn(client, scoreStatements(checked.map((c) => c.score)));
        records = checked.map((c) => c.record);
        for (const r of records) rechecked.add(r.id);
      }
      for (const { record, changed } of checkAcrossForms(records)) {
        if (changed || rechecked.has(record.id)) await runOn(client, findingsUpdateStatements(record));
      }
    });
    const count = async (sql: string): Promise<number> => Number((await rowsOf<{ n: number }>(this.pool, sql))[0]!.n);
    return { forms: await count('SELECT COUNT(*) AS n FROM forms'), findings: await count('SELECT COUNT(*) AS n FROM audits') };
  }

  /** Re-apply the stored corrections of a re-ingested document, oldest first (see `reapplied`). */
  private async reapplyCorrections(client: Queryable, sha: string): Promise<void> {
    for (const c of await rowsOf<StoredCorrection>(client, CORRECTION_QUERIES.ofDocument, [sha])) {
      const form = await loadForm(client, c.form_id, false);
      const updated = form ? reapplied(form.record, c) : null;
      if (updated) await recheckAndWrite(client, sha, updated, c.field);
    }
  }
}

/** A stored form's record and its document's sha256; `lock` holds the row until the transaction ends. */
async function loadForm(client: Queryable, formId: string, lock: boolean): Promise<{ record: FormRecord; sha: string } | null> {
  const rows = await rowsOf<StoredFormRow>(client, CORRECTION_QUERIES.form + (lock ? ' FOR UPDATE' : ''), [formId]);
  const row = rows[0];
  return row ? { record: FormRecord.parse(JSON.parse(row.record_json)), sha: row.document_sha256 } : null;
}

/** Re-check a corrected form and write it: record, indicator rows, findings, scores, the provenance flag. */
async function recheckAndWrite(client: Queryable, sha: string, record: FormRecord, field: string): Promise<void> {
  const { record: checked, score } = checkForm(record);
  await runOn(client, [...formStatements(sha, checked), ...scoreStatements([score]), markCorrectedStatement(record.id, field)]);
}
