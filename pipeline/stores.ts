/**
 * The store the reading commands use (export, score, report, review, corrections, stats): an
 * SQLite file (the default, no server) or a PostgreSQL database (`postgres://…`, filled by
 * distributed workers). Both answer the same questions with the same SQL (`sinks/schema.ts`
 * renders it for each); SQLite's answers come from the synchronous functions the local
 * pipeline has always used, unchanged.
 */
import type { Correction } from '../schemas/corrections.js';
import type { FormRecord } from '../schemas/record.js';
import { loadReportInputs, type ReportInputs } from './report.js';
import { type CorrectionOutcome, rescoreDatabase, saveCorrection } from './store.js';
import { PostgresStore } from './storePostgres.js';
import { listCorrections, type StoredCorrection } from './sinks/corrections.js';
import { isPostgresUrl } from './sinks/postgres.js';
import type { VIEW_NAMES } from './sinks/schema.js';
import { type SheetSource, sqliteSheets } from './exportXlsx.js';
import { type Db, type ExportedProvenance, loadProvenance, loadRecords, openDatabase, viewRows } from './sinks/sqlite.js';

type Row = Record<string, unknown>;
export type ViewName = (typeof VIEW_NAMES)[number];

export interface Store {
  /** what to print: the path, or the URL without its password */
  readonly location: string;
  /** each workbook sheet's columns and rows (the xlsx export) */
  sheets(): SheetSource;
  loadRecords(): Promise<FormRecord[]>;
  loadProvenance(): Promise<Map<string, ExportedProvenance[]>>;
  viewRows(view: ViewName): Promise<Row[]>;
  /** rows of a query in the shared SQL (`/*int*\/` and `/*numeric*\/` marks where PostgreSQL differs) */
  query(sql: string): Promise<Row[]>;
  saveCorrection(correction: Correction): Promise<CorrectionOutcome>;
  rescore(options?: { forms?: boolean }): Promise<{ forms: number; findings: number }>;
  listCorrections(formId?: string): Promise<StoredCorrection[]>;
  reportInputs(): Promise<ReportInputs>;
  close(): Promise<void>;
}

/** The SQLite file, through the local pipeline's own functions. */
export class SqliteStore implements Store {

  constructor(readonly sqlite: Db, readonly location: string) {}

  loadRecords = async (): Promise<FormRecord[]> => loadRecords(this.sqlite);
  loadProvenance = async (): Promise<Map<string, ExportedProvenance[]>> => loadProvenance(this.sqlite);
  viewRows = async (view: ViewName): Promise<Row[]> => viewRows(this.sqlite, view);
  query = async (sql: string): Promise<Row[]> => this.sqlite.prepare(sql).all() as Row[];
  sheets = (): SheetSource => sqliteSheets(this.sqlite);
  saveCorrection = async (correction: Correction): Promise<CorrectionOutcome> => saveCorrection(this.sqlite, correction);
  rescore = async (options: { forms?: boolean } = {}): Promise<{ forms: number; findings: number }> => rescoreDatabase(this.sqlite, options);
  listCorrections = async (formId?: string): Promise<StoredCorrection[]> => listCorrections(this.sqlite, formId);
  reportInputs = async (): Promise<ReportInputs> => loadReportInputs(this.sqlite);
  close = async (): Promise<void> => { this.sqlite.close(); };
}

class PostgresReadStore implements Store {

  constructor(private readonly pg: PostgresStore) {}

  get location(): string { return this.pg.location; }
  loadRecords = (): Promise<FormRecord[]> => this.pg.loadRecords();
  loadProvenance = (): Promise<Map<string, ExportedProvenance[]>> => this.pg.loadProvenance();
  viewRows = (view: ViewName): Promise<Row[]> => this.pg.viewRows(view);
  query = (sql: string): Promise<Row[]> => this.pg.query(sql);
  // PostgreSQL hands a sheet's rows over whole (a view of a few hundred thousand rows fits in memory)
  sheets = (): SheetSource => async (sql) => {
    const { names, rows } = await this.pg.columnsAndRows(sql);
    return { names, rows: rows[Symbol.iterator]() };
  };
  saveCorrection = (correction: Correction): Promise<CorrectionOutcome> => this.pg.saveCorrection(correction);
  rescore = (options: { forms?: boolean } = {}): Promise<{ forms: number; findings: number }> => this.pg.rescore(options);
  listCorrections = (formId?: string): Promise<StoredCorrection[]> => this.pg.listCorrections(formId);
  reportInputs = (): Promise<ReportInputs> => this.pg.reportInputs();
  close = (): Promise<void> => this.pg.close();
}

/**
 * Open the store a command names: `postgres://…` or `postgresql://…` is PostgreSQL, anything else
 * an SQLite path. Refusals (`DatabaseRefused`) name the location and the reason.
 */
export async function openStore(location: string, options: { create?: boolean } = {}): Promise<Store> {
  if (isPostgresUrl(location)) return new PostgresReadStore(await PostgresStore.open(location, { create: options.create ?? false }));
  return new SqliteStore(openDatabase(location, { create: options.create ?? false }), location);
}
