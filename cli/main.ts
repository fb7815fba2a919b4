/**
 * The ziping command line: ingest, export, score, report, review, corrections, stats. Progress and messages go to stderr,
 * data to stdout (or --out), so `ziping export … > file` stays clean.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { ZodError } from 'zod';
import { CorrectionsFile } from '../schemas/corrections.js';
import { renderReport } from '../pipeline/report.js';
import { BatchProgress, formatSeconds, type ProgressSnapshot } from './progress.js';
import { startReviewServer } from './reviewServer.js';
import { rescoreDatabase } from '../pipeline/store.js';
import { openStore, type Store } from '../pipeline/stores.js';
import { type DocumentResult, collectInputs, runBatch } from '../pipeline/batch.js';
import { toCsv, toJsonl } from '../pipeline/export.js';
import { writeXlsx } from '../pipeline/exportXlsx.js';
import { stringify } from 'csv-stringify/sync';
import { type Db, DatabaseRefused, openDatabase, VIEW_NAMES } from '../pipeline/sinks/sqlite.js';
import { isPostgresUrl } from '../pipeline/sinks/postgres.js';
import { batchProgress, enqueueDocuments, openQueue, queueStatus, startWorker } from '../pipeline/distributed.js';
import { DEFAULTS, OCR_ENGINES, type OcrEngineName, ProcessingOptions, processingOptions } from '../schemas/options.js';

type ViewName = (typeof VIEW_NAMES)[number];

// `ziping export | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => { if (error.code === 'EPIPE') process.exit(0); else throw error; });

const log = pino({ level: process.env.ZIPING_LOG ?? 'warn' }, pino.destination(2));

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an integer ≥ 1, got "${value}"`);
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer ≥ 0, got "${value}"`);
  return n;
}

/**
 * Open the database a command names. Only ingest creates one; every other command refuses a path that holds
 * no ziping database (a mistyped path must not leave an empty database behind): message on stderr, exit code 2.
 */
function open(path: string, options: { create?: boolean } = {}): Db | null {
  try {
    return openDatabase(path, { create: options.create ?? false });
  } catch (error) {
    if (!(error instanceof DatabaseRefused)) throw error;
    process.stderr.write(`ziping: ${error.message}\n`);
    process.exitCode = 2;
    return null;
  }
}

/** Open the store a reading command names (an SQLite path or a postgres:// URL); refusals as `open`. */
async function openForReading(location: string): Promise<Store | null> {
  try {
    return await openStore(location);
  } catch (error) {
    if (!(error instanceof DatabaseRefused)) throw error;
    process.stderr.write(`ziping: ${error.message}\n`);
    process.exitCode = 2;
    return null;
  }
}

function line(result: DocumentResult): string {
  const tail = result.message ? ` — ${result.message}` : '';
  return `${result.status.padEnd(7)} ${result.file}: ${result.forms} forms, ${result.indicators} indicators, ${result.needsReview} need review${tail}`;
}

interface IngestOptions {
  queue?: string; wait: boolean; attempts: number;
  db: string; concurrency: number; workers?: number; timeout: number; memory: number; password?: string;
  ocr: boolean; dpi: number; ocrEngine: OcrEngineName; force: boolean; quiet: boolean; json: boolean;
}

/** The processing options of an ingest, validated once here, at the edge (schemas/options.ts). */
function settingsOf(opts: IngestOptions): ProcessingOptions {
  return processingOptions({
    password: opts.password, ocr: opts.ocr, dpi: opts.dpi, ocrEngine: opts.ocrEngine, concurrency: opts.concurrency,
    workers: opts.workers, timeoutSeconds: opts.timeout, memoryMb: opts.memory, force: opts.force,
  });
}

async function ingest(paths: string[], opts: IngestOptions): Promise<void> {
  const settings = settingsOf(opts);
  const files = await collectInputs(paths);
  if (files.length === 0) { process.stderr.write('ziping: no input files found\n'); process.exitCode = 2; return; }
  if (opts.queue) { await enqueue(files, opts, settings, opts.queue); return; }
  if (isPostgresUrl(opts.db)) {
    process.stderr.write('ziping: documents reach PostgreSQL through workers: add --queue redis://… and run `ziping worker` (see README, "Many machines")\n');
    process.exitCode = 2;
    return;
  }
  const db = open(opts.db, { create: true });
  if (!db) return;
  const showBar = process.stderr.isTTY && !opts.quiet && !opts.json && files.length > 1;
  const bar = showBar ? new cliProgress.SingleBar({
    format: 'ingest [{bar}] {value}/{total} files | {files_per_s} files/s | {forms_per_s} forms/s | {pages_per_s} pages/s | {forms} forms | {failed} failed | ETA {eta_left}',
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic) : null;
  const progress = new BatchProgress(files.length);
  const barFields = (p: ProgressSnapshot) => ({ ...p, eta_left: formatSeconds(p.eta_s) });
  bar?.start(files.length, 0, barFields(progress.snapshot()));
  const { password, ocr, dpi, ocrEngine } = settings;
  const results = await runBatch(db, files, {
    concurrency: settings.concurrency, force: settings.force, workers: settings.workers, timeoutSeconds: settings.timeoutSeconds, memoryMb: settings.memoryMb,
    process: { password, ocr, dpi, ocrEngine },
    onDocument: (r) => {
      progress.add(r);
      const p = progress.snapshot();
      if (r.status === 'failed') process.stderr.write(`ziping: ${r.file}: ${r.message}\n`);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ file: r.file, status: r.status, forms: r.forms, pages: r.pages, indicators: r.indicators, needs_review: r.needsReview, ms: Math.round(r.ms), message: r.message, progress: p }) + '\n');
      } else if (!process.stderr.isTTY && !opts.quiet && files.length > 20 && p.done % 100 === 0) {
        process.stderr.write(`ingest: ${p.done}/${files.length} files, ${p.files_per_s} files/s, ${p.forms_per_s} forms/s, ${p.pages_per_s} pages/s, ETA ${formatSeconds(p.eta_s)}; ${p.forms} forms, ${p.failed} failed\n`);
      }
      bar?.update(p.done, barFields(p));
    },
  });
  bar?.stop();
  const failed = progress.snapshot().failed;
  // Summaries and their forms may sit in different files: the cross-form rules run over the whole database.
  const scored = rescoreDatabase(db);
  db.close();
  if (!opts.json && !opts.quiet) {
    for (const r of results) process.stdout.write(line(r) + '\n');
    const total = results.reduce((a, r) => ({ forms: a.forms + r.forms, indicators: a.indicators + r.indicators, review: a.review + r.needsReview }),
      { forms: 0, indicators: 0, review: 0 });
    process.stdout.write(`\n${results.length} files (${failed} failed, ${results.filter((r) => r.status === 'skipped').length} unchanged): ${total.forms} forms, ${total.indicators} indicators, ${total.review} forms need review → ${opts.db}\n`);
    process.stdout.write(`checked ${scored.forms} stored forms: ${scored.findings} rule findings (see the findings table and v_forms)\n`);
  }
  log.info({ files: files.length, failed }, 'ingest finished');
  if (failed > 0) process.exitCode = 1;
}

/** Progress of a queued batch on stderr until every job is done or failed; then the rules across forms. */
async function waitForBatch(queue: ReturnType<typeof openQueue>['queue'], ids: readonly string[], dbUrl: string, quiet: boolean): Promise<number> {
  let last = '';
  for (;;) {
    const progress = await batchProgress(queue, ids);
    const text = `queue: ${progress.done}/${ids.length} done, ${progress.failed.length} failed, ${progress.pending} waiting or active`;
    if (!quiet && text !== last) process.stderr.write(text + '\n');
    last = text;
    if (progress.pending === 0) {
      for (const f of progress.failed) process.stderr.write(`ziping: ${f.reason.startsWith(f.file) ? f.reason : `${f.file}: ${f.reason}`}\n`);
      const store = await openForReading(dbUrl);
      if (store) {
        // summaries and their forms may sit in documents different workers stored
        const scored = await store.rescore();
        await store.close();
        if (!quiet) process.stdout.write(`checked ${scored.forms} stored forms: ${scored.findings} rule findings → ${store.location}\n`);
      }
      return progress.failed.length;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `ingest --queue`: one job per file for the workers; with --wait, follow the batch to its end. */
async function enqueue(files: string[], opts: IngestOptions, settings: ProcessingOptions, queueUrl: string): Promise<void> {
  if (!isPostgresUrl(opts.db)) {
    process.stderr.write('ziping: --queue needs --db postgres://… (the database the workers write; --wait checks it at the end)\n');
    process.exitCode = 2;
    return;
  }
  // the schema exists before the first worker starts writing, and a wrong URL is reported here, not by every worker
  const store = await openStore(opts.db, { create: true }).catch((error: Error) => { process.stderr.write(`ziping: ${error.message}\n`); return null; });
  if (!store) { process.exitCode = 2; return; }
  await store.close();
  const handle = openQueue(queueUrl);
  const { queue } = handle;
  try {
    const { jobs, unreadable } = await enqueueDocuments(queue, files, {
      force: settings.force, attempts: opts.attempts,
      process: { password: settings.password, ocr: settings.ocr, dpi: settings.dpi, ocrEngine: settings.ocrEngine },
    });
    for (const u of unreadable) process.stderr.write(`ziping: ${u.file}: ${u.reason}\n`);
    if (!opts.quiet) process.stdout.write(`queued ${jobs.length} documents on ${new URL(queueUrl).host}${unreadable.length ? ` (${unreadable.length} unreadable, not queued)` : ''}\n`);
    let failed = unreadable.length;
    if (opts.wait) failed += await waitForBatch(queue, jobs.map((j) => j.id), opts.db, opts.quiet);
    if (failed > 0) process.exitCode = 1;
  } finally {
    await handle.close();
  }
}

async function runWorkerCommand(opts: { queue: string; db: string; concurrency: number; timeout: number; memory: number; lock: number }): Promise<void> {
  if (!isPostgresUrl(opts.db)) { process.stderr.write('ziping: worker needs --db postgres://…\n'); process.exitCode = 2; return; }
  const settings = processingOptions({ concurrency: opts.concurrency, timeoutSeconds: opts.timeout, memoryMb: opts.memory });
  const worker = await startWorker(opts.queue, opts.db, {
    concurrency: settings.concurrency, timeoutSeconds: settings.timeoutSeconds, memoryMb: settings.memoryMb, lockSeconds: opts.lock,
    onJob: ({ file, outcome, error }) => {
      if (error) process.stderr.write(`ziping: ${error.startsWith(file) ? error : `${file}: ${error}`}\n`);
      else if (outcome) log.info({ file, status: outcome.status, forms: outcome.forms, stored: outcome.stored }, 'document');
    },
  });
  process.stderr.write(`worker: ${opts.concurrency} at a time, queue ${new URL(opts.queue).host}; SIGTERM finishes the current documents and stops\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('worker: stopping after the current documents\n');
    void worker.close().then(() => process.exit(0), (error: Error) => { process.stderr.write(`ziping: ${error.message}\n`); process.exit(1); });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function showStatus(opts: { queue: string; json: boolean; limit: number }): Promise<void> {
  const handle = openQueue(opts.queue);
  try {
    const status = await queueStatus(handle.queue, opts.limit);
    if (opts.json) { process.stdout.write(JSON.stringify(status, null, 2) + '\n'); return; }
    const c = status.counts;
    process.stdout.write(`waiting ${c.waiting}, active ${c.active}, retrying ${c.delayed}, done ${c.done}, failed ${c.failed}\n`);
    for (const f of status.failed) process.stdout.write(`failed #${f.id} ${f.file} (${f.attempts} attempts): ${f.reason}\n`);
  } finally {
    await handle.close();
  }
}

async function retryFailed(opts: { queue: string }): Promise<void> {
  const handle = openQueue(opts.queue);
  try {
    const failed = (await queueStatus(handle.queue, 0)).counts.failed;
    await handle.queue.retryJobs({ state: 'failed' });
    process.stdout.write(`re-queued ${failed} failed documents\n`);
  } finally {
    await handle.close();
  }
}

async function exportRecords(opts: { db: string; format: 'jsonl' | 'csv' | 'xlsx'; out?: string; view?: ViewName; provenance: boolean }): Promise<void> {
  if (opts.format === 'xlsx' && !opts.out) {
    process.stderr.write('ziping: --format xlsx needs --out <file.xlsx> (a workbook is not written to stdout)\n');
    process.exitCode = 2;
    return;
  }
  const store = await openForReading(opts.db);
  if (!store) return;
  if (opts.format === 'xlsx' && opts.out) {
    // one sheet per analyst view (only the --view one when given)
    try {
      const summary = await writeXlsx(store.sheets(), opts.out, { views: opts.view ? [opts.view] : undefined });
      process.stderr.write(`xlsx: ${summary.sheets.map((s) => `${s.name} ${s.rows} rows`).join(', ')} → ${summary.file}\n`);
    } catch (error) {
      process.stderr.write(`ziping: cannot write ${opts.out}: ${(error as Error).message}\n`);
      process.exitCode = 1;
    } finally {
      await store.close();
    }
    return;
  }
  let text: string;
  if (opts.view) text = stringify(await store.viewRows(opts.view), { header: true, bom: true });
  else if (opts.format === 'csv') text = toCsv(await store.loadRecords());
  else if (opts.provenance) {
    // an added field, as the record contract allows: where every value came from, and if a reviewer corrected it
    const provenance = await store.loadProvenance();
    text = (await store.loadRecords()).map((r) => JSON.stringify({ ...r, provenance: provenance.get(r.id) ?? [] })).join('\n') + '\n';
  } else text = toJsonl(await store.loadRecords());
  await store.close();
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
}

async function applyCorrections(file: string, opts: { db: string }): Promise<void> {
  let parsed: CorrectionsFile;
  try {
    parsed = CorrectionsFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const reason = error instanceof ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 5).join('; ') : (error as Error).message;
    process.stderr.write(`ziping: ${file}: not a corrections file (${reason})\n`);
    process.exitCode = 2;
    return;
  }
  const store = await openForReading(opts.db);
  if (!store) return;
  const counts = { applied: 0, conflict: 0, rejected: 0 };
  for (const c of parsed.corrections) {
    const outcome = await store.saveCorrection(c);
    counts[outcome.status]++;
    if (outcome.status === 'conflict') process.stderr.write(`conflict: ${c.form_id} ${c.field}: the form now holds ${JSON.stringify(outcome.current)}, not ${JSON.stringify(c.old_value)}; not applied\n`);
    if (outcome.status === 'rejected') process.stderr.write(`rejected: ${c.form_id} ${c.field}: ${outcome.reason}\n`);
  }
  if (counts.applied > 0) await store.rescore();
  await store.close();
  process.stdout.write(`${counts.applied} applied, ${counts.conflict} conflicts, ${counts.rejected} rejected → ${store.location}\n`);
  if (counts.conflict + counts.rejected > 0) process.exitCode = 1;
}

async function listCorrectionTrail(opts: { db: string; form?: string; json: boolean }): Promise<void> {
  const store = await openForReading(opts.db);
  if (!store) return;
  const rows = await store.listCorrections(opts.form);
  await store.close();
  if (opts.json) { process.stdout.write(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '')); return; }
  for (const r of rows) {
    process.stdout.write(`#${r.id} ${r.created_at} ${r.reviewer}: ${r.form_id} ${r.field}: ${JSON.stringify(r.old_value)} → ${JSON.stringify(r.new_value)}${r.comment ? ` (${r.comment})` : ''}\n`);
  }
  if (rows.length === 0) process.stdout.write('no corrections\n');
}

async function writeReport(opts: { db: string; out: string; images: boolean }): Promise<void> {
  const store = await openForReading(opts.db);
  if (!store) return;
  const html = await renderReport(await store.reportInputs(), { images: opts.images });
  await store.close();
  mkdirSync(opts.out, { recursive: true });
  const file = join(opts.out, 'index.html');
  writeFileSync(file, html);
  process.stdout.write(`report: ${file}\n`);
}

async function review(opts: { db: string; port: number }): Promise<void> {
  const store = await openForReading(opts.db);
  if (!store) return;
  const { url } = await startReviewServer(store, opts.port);
  process.stdout.write(`review: ${url} (loopback only; Ctrl-C to stop)\n`);
}

async function score(opts: { db: string }): Promise<void> {
  const store = await openForReading(opts.db);
  if (!store) return;
  const result = await store.rescore({ forms: true });
  const byRule = await store.query('SELECT rule, severity, COUNT(*) AS n FROM audits GROUP BY rule, severity ORDER BY n DESC, rule, severity');
  await store.close();
  process.stdout.write(JSON.stringify({ ...result, by_rule: byRule }, null, 2) + '\n');
}

async function stats(opts: { db: string }): Promise<void> {
  const store = await openForReading(opts.db);
  if (!store) return;
  const out = {
    documents: await store.query('SELECT status, COUNT(*) AS n FROM documents GROUP BY status ORDER BY status'),
    forms: await store.query('SELECT form_type, COUNT(*) AS n, SUM(needs_review) AS needs_review, ROUND(AVG(confidence)/*numeric*/, 3) AS mean_confidence FROM forms GROUP BY form_type ORDER BY form_type'),
    indicators: await store.query('SELECT COUNT(*) AS n, SUM((target_value IS NOT NULL)/*int*/) AS numeric_targets FROM indicators'),
    issues: await store.query('SELECT stage, rule, kind, severity, COUNT(*) AS n FROM findings GROUP BY stage, rule, kind, severity ORDER BY n DESC, stage, rule, kind, severity'),
  };
  await store.close();
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

export function buildProgram(): Command {
  const program = new Command('ziping').description('Turn Chinese budget performance forms (绩效自评表, 绩效目标表) into records in SQLite.').version('0.1.0');
  program.command('ingest').description('read files or folders of forms into the database')
    .argument('<paths...>', 'files or folders (searched recursively)')
    .option('--db <path>', 'SQLite database to write (with --queue: the postgres:// database the workers write)', 'ziping.sqlite')
    .option('--queue <redis-url>', 'queue one job per document on this Redis for `ziping worker` processes, and return')
    .option('--wait', 'with --queue: show the batch\'s progress until every document is done or failed', false)
    .option('--attempts <n>', 'with --queue: attempts before a document that crashes or times out its worker fails', positiveInt, 3)
    .option('--concurrency <n>', 'documents processed at once', positiveInt, DEFAULTS.concurrency)
    .option('--workers <n>', 'worker threads (0: process in the main thread, no time limit) [default: min(cores, concurrency)]', nonNegativeInt)
    .option('--timeout <seconds>', 'give up on a document after this long', positiveInt, DEFAULTS.timeoutSeconds)
    .option('--memory <mb>', 'heap limit per worker thread', positiveInt, DEFAULTS.memoryMb)
    .option('--password <password>', 'password for encrypted PDFs')
    .option('--no-ocr', 'do not OCR scans and pages without a usable text layer (report them instead)')
    .option('--dpi <n>', 'resolution PDF pages are rendered at for OCR', positiveInt, DEFAULTS.dpi)
    .addOption(new Option('--ocr-engine <name>', 'OCR engine for scans').choices([...OCR_ENGINES]).default(DEFAULTS.ocrEngine))
    .option('--force', 're-read files already stored unchanged', false)
    .option('--quiet', 'print nothing but errors', false)
    .option('--json', 'one JSON line per document on stdout', false)
    .action(ingest);
  program.command('worker').description('take documents from the queue and store them in PostgreSQL, until SIGTERM')
    .requiredOption('--queue <redis-url>', 'the Redis the jobs are queued on (redis://host:6379)')
    .requiredOption('--db <postgres-url>', 'the PostgreSQL database to write (postgres://user@host/db)')
    .option('--concurrency <n>', 'documents processed at once (one worker thread each)', positiveInt, DEFAULTS.concurrency)
    .option('--timeout <seconds>', 'give up on an attempt at a document after this long', positiveInt, DEFAULTS.timeoutSeconds)
    .option('--memory <mb>', 'heap limit per worker thread', positiveInt, DEFAULTS.memoryMb)
    .option('--lock <seconds>', 'a job whose worker stopped (killed, frozen) goes to another worker after this long', positiveInt, 30)
    .action(runWorkerCommand);
  program.command('status').description('counts of queued, active, done and failed documents, and the failed ones with their reasons')
    .requiredOption('--queue <redis-url>', 'the Redis the jobs are queued on').option('--json', 'as JSON', false)
    .option('--limit <n>', 'failed documents listed', nonNegativeInt, 100).action(showStatus);
  program.command('retry').description('queue every failed document again')
    .requiredOption('--queue <redis-url>', 'the Redis the jobs are queued on').action(retryFailed);
  program.command('export').description('print every stored form as JSON Lines or CSV (one row per indicator), or write an Excel workbook of the analyst views')
    .option('--db <path>', 'SQLite database to read, or postgres://…', 'ziping.sqlite')
    .addOption(new Option('--format <format>', 'output format (xlsx: a sheet per analyst view, needs --out)').choices(['jsonl', 'csv', 'xlsx']).default('jsonl'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--provenance', 'JSON Lines: add each field\'s provenance (raw text, page, box, repairs, corrected)', false)
    .addOption(new Option('--view <name>', 'write an analyst view as CSV instead of the records (with xlsx: only its sheet)').choices([...VIEW_NAMES]))
    .action(exportRecords);
  const corrections = program.command('corrections').description('reviewer corrections: apply a file, list the audit trail');
  corrections.command('apply').description('apply a corrections JSON file (downloaded from the report); stale ones are reported as conflicts')
    .argument('<file>', 'corrections JSON').option('--db <path>', 'SQLite database, or postgres://…', 'ziping.sqlite').action(applyCorrections);
  corrections.command('list').description('every correction, oldest first: who changed which field from what to what, and when')
    .option('--db <path>', 'SQLite database, or postgres://…', 'ziping.sqlite').option('--form <id>', 'only this form').option('--json', 'JSON lines', false)
    .action(listCorrectionTrail);
  program.command('report').description('write a self-contained HTML report of the forms and fields that need review')
    .option('--db <path>', 'SQLite database, or postgres://…', 'ziping.sqlite').requiredOption('--out <dir>', 'folder for index.html')
    .option('--no-images', 'leave out the page crops of PDF fields').action(writeReport);
  program.command('review').description('serve the report on 127.0.0.1 where reviewers correct fields and save')
    .option('--db <path>', 'SQLite database, or postgres://…', 'ziping.sqlite').option('--port <n>', 'port (default: a free one)', nonNegativeInt, 0).action(review);
  program.command('score').description('re-check every stored form with the current rules (recomputed rates, scores and totals; findings within and across forms)')
    .option('--db <path>', 'SQLite database to score, or postgres://…', 'ziping.sqlite')
    .action(score);
  program.command('stats').description('counts of documents, forms, indicators and issues')
    .option('--db <path>', 'SQLite database to read, or postgres://…', 'ziping.sqlite')
    .action(stats);
  return program;
}

await buildProgram().parseAsync(process.argv);
