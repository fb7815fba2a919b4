/**
 * The ziping command line: ingest, export, score, stats. Progress and messages go to stderr,
 * data to stdout (or --out), so `ziping export … > file` stays clean.
 */
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { type DocumentResult, collectInputs, runBatch } from '../pipeline/batch.js';
import { toCsv, toJsonl } from '../pipeline/export.js';
import { stringify } from 'csv-stringify/sync';
import { loadRecords, openDatabase, rescoreDatabase, VIEW_NAMES, viewRows } from '../pipeline/sinks/sqlite.js';

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

function line(result: DocumentResult): string {
  const tail = result.message ? ` — ${result.message}` : '';
  return `${result.status.padEnd(7)} ${result.file}: ${result.forms} forms, ${result.indicators} indicators, ${result.needsReview} need review${tail}`;
}

interface IngestOptions { db: string; concurrency: number; workers?: number; timeout: number; memory: number; password?: string; force: boolean; quiet: boolean; json: boolean }

async function ingest(paths: string[], opts: IngestOptions): Promise<void> {
  const files = await collectInputs(paths);
  if (files.length === 0) { process.stderr.write('ziping: no input files found\n'); process.exitCode = 2; return; }
  const db = openDatabase(opts.db);
  const showBar = process.stderr.isTTY && !opts.quiet && !opts.json && files.length > 1;
  const bar = showBar ? new cliProgress.SingleBar({ format: 'ingest [{bar}] {value}/{total} files | {rate} files/s | {forms} forms | {failed} failed | ETA {eta_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let forms = 0;
  let failed = 0;
  let done = 0;
  const started = performance.now();
  const rate = (): string => (done / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(1);
  bar?.start(files.length, 0, { forms, failed, rate: '0.0' });
  const results = await runBatch(db, files, {
    concurrency: opts.concurrency, force: opts.force, workers: opts.workers, timeoutSeconds: opts.timeout, memoryMb: opts.memory,
    process: { password: opts.password },
    onDocument: (r) => {
      forms += r.forms; done++;
      if (r.status === 'failed') { failed++; process.stderr.write(`ziping: ${r.file}: ${r.message}\n`); }
      if (opts.json) process.stdout.write(JSON.stringify({ file: r.file, status: r.status, forms: r.forms, indicators: r.indicators, needs_review: r.needsReview, ms: Math.round(r.ms), message: r.message }) + '\n');
      else if (!process.stderr.isTTY && !opts.quiet && files.length > 20 && done % 100 === 0) process.stderr.write(`ingest: ${done}/${files.length} files (${rate()} files/s), ${forms} forms, ${failed} failed\n`);
      bar?.update(done, { forms, failed, rate: rate() });
    },
  });
  bar?.stop();
  // Summaries and their forms may sit in different files: score across the whole database.
  const scored = rescoreDatabase(db);
  db.close();
  if (!opts.json && !opts.quiet) {
    for (const r of results) process.stdout.write(line(r) + '\n');
    const total = results.reduce((a, r) => ({ forms: a.forms + r.forms, indicators: a.indicators + r.indicators, review: a.review + r.needsReview }), { forms: 0, indicators: 0, review: 0 });
    process.stdout.write(`\n${results.length} files (${failed} failed, ${results.filter((r) => r.status === 'skipped').length} unchanged): ${total.forms} forms, ${total.indicators} indicators, ${total.review} forms need review → ${opts.db}\n`);
    process.stdout.write(`scored ${scored.forms} stored forms: ${scored.audits} audit findings (see the audits table and v_forms)\n`);
  }
  log.info({ files: files.length, failed }, 'ingest finished');
  if (failed > 0) process.exitCode = 1;
}

function exportRecords(opts: { db: string; format: 'jsonl' | 'csv'; out?: string; view?: ViewName }): void {
  const db = openDatabase(opts.db);
  const text = opts.view ? stringify(viewRows(db, opts.view), { header: true }) : opts.format === 'csv' ? toCsv(loadRecords(db)) : toJsonl(loadRecords(db));
  db.close();
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
}

function score(opts: { db: string }): void {
  const db = openDatabase(opts.db);
  const result = rescoreDatabase(db);
  const byRule = db.prepare('SELECT rule, severity, COUNT(*) AS n FROM audits GROUP BY rule, severity ORDER BY n DESC').all();
  db.close();
  process.stdout.write(JSON.stringify({ ...result, by_rule: byRule }, null, 2) + '\n');
}

function stats(opts: { db: string }): void {
  const db = openDatabase(opts.db);
  const q = (sql: string) => db.prepare(sql).all() as Array<Record<string, unknown>>;
  const out = {
    documents: q('SELECT status, COUNT(*) AS n FROM documents GROUP BY status'),
    forms: q('SELECT form_type, COUNT(*) AS n, SUM(needs_review) AS needs_review, ROUND(AVG(confidence), 3) AS mean_confidence FROM forms GROUP BY form_type'),
    indicators: q('SELECT COUNT(*) AS n, SUM(target_value IS NOT NULL) AS numeric_targets FROM indicators'),
    issues: q('SELECT kind, severity, COUNT(*) AS n FROM form_issues GROUP BY kind, severity ORDER BY n DESC'),
  };
  db.close();
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

export function buildProgram(): Command {
  const program = new Command('ziping').description('Turn Chinese budget performance forms (绩效自评表, 绩效目标表) into records in SQLite.').version('0.1.0');
  program.command('ingest').description('read files or folders of forms into the database')
    .argument('<paths...>', 'files or folders (searched recursively)')
    .option('--db <path>', 'SQLite database to write', 'ziping.sqlite')
    .option('--concurrency <n>', 'documents processed at once', positiveInt, 2)
    .option('--workers <n>', 'worker threads (0: process in the main thread, no time limit) [default: min(cores, concurrency)]', nonNegativeInt)
    .option('--timeout <seconds>', 'give up on a document after this long', positiveInt, 120)
    .option('--memory <mb>', 'heap limit per worker thread', positiveInt, 1536)
    .option('--password <password>', 'password for encrypted PDFs')
    .option('--force', 're-read files already stored unchanged', false)
    .option('--quiet', 'print nothing but errors', false)
    .option('--json', 'one JSON line per document on stdout', false)
    .action(ingest);
  program.command('export').description('print every stored form as JSON Lines or CSV (one row per indicator)')
    .option('--db <path>', 'SQLite database to read', 'ziping.sqlite')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--out <file>', 'write to a file instead of stdout')
    .addOption(new Option('--view <name>', 'write an analyst view as CSV instead of the records').choices([...VIEW_NAMES]))
    .action(exportRecords);
  program.command('score').description('recompute execution rates, indicator scores and totals; write the audits table')
    .option('--db <path>', 'SQLite database to score', 'ziping.sqlite')
    .action(score);
  program.command('stats').description('counts of documents, forms, indicators and issues')
    .option('--db <path>', 'SQLite database to read', 'ziping.sqlite')
    .action(stats);
  return program;
}

await buildProgram().parseAsync(process.argv);
