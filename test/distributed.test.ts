/**
 * Distributed ingest on real servers: a private Redis and PostgreSQL cluster (test/servers.ts),
 * `ziping worker` processes and `ziping ingest --queue`, run as a user runs them.
 *
 * The documents are the samples that read in well under a second each — the OCR text files, the
 * flattened texts, the text-layer PDFs and the .xlsx/.docx/.html attachments (18 files, 101
 * forms): every extractor but OCR and LibreOffice. The scans (seconds of OCR a page) and the .xls
 * (a LibreOffice conversion) would multiply the time without reaching code the others do not. The
 * document that times out is a text of 4,750 forms (over ten seconds of work) against a 4 s limit, which
 * a single form's document (with the worker thread's start) stays well within.
 *
 * Skipped, saying why, where redis-server or PostgreSQL is not installed; `.ci/run` installs both.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, queueStatus } from '../pipeline/distributed.js';
import { type Servers, serversMissing, startServers } from './servers.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'ziping.js');
const SAMPLES = join(ROOT, 'samples');
const TABLES = ['documents', 'forms', 'indicators', 'findings', 'tables', 'pages', 'field_provenance', 'form_scores', 'indicator_scores'];

const FAST_SAMPLES = [
  ...readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).map((f) => join(SAMPLES, f)),
  ...['flattened', 'pdf', 'office'].flatMap((dir) => readdirSync(join(SAMPLES, dir))
    .filter((f) => !f.endsWith('.jsonl') && !f.endsWith('.json') && !f.endsWith('.xls'))
    .map((f) => join(SAMPLES, dir, f))),
].sort();

// a hung command fails its test instead of blocking the run (and its servers' shutdown)
const ziping = (args: string[]) => spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 1 << 28 });

/** A command run alongside others (the store pairs below run at once: each command is mostly tsx's start). */
async function zipingAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { done } = zipingInBackground(args);
  const { code, stdout, stderr } = await done;
  return { status: code, stdout, stderr };
}

/** One command on the local SQLite reference and on a PostgreSQL database, at once. */
const onBoth = (args: string[], sqlite: string, postgres: string) => Promise.all([zipingAsync([...args, '--db', sqlite]), zipingAsync([...args, '--db', postgres])]);

/** A command in the background, with its output and exit code when it ends. */
function zipingInBackground(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn('node', [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  // decoded as a stream: a character split across two chunks stays one character
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const started: ChildProcess[] = [];

function worker(queue: string, db: string, extra: string[] = []): ReturnType<typeof zipingInBackground> {
  const running = zipingInBackground(['worker', '--queue', queue, '--db', db, '--concurrency', '1', '--lock', '3', ...extra]);
  started.push(running.child);
  return running;
}

async function until<T>(what: string, probe: () => Promise<T | null>, seconds = 45): Promise<T> {
  for (let waited = 0; waited < seconds * 10; waited++) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function pgCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = Number((await client.query(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0].n);
    return out;
  } finally {
    await client.end();
  }
}

function sqliteCounts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  const out = Object.fromEntries(TABLES.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
  db.close();
  return out;
}

/** Every sheet of a workbook as its header and its rows of cell values, rows sorted (the units sheet has no order). */
async function workbookCells(file: string): Promise<Record<string, { header: unknown[]; rows: string[] }>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheets: Record<string, { header: unknown[]; rows: string[] }> = {};
  workbook.eachSheet((sheet) => {
    // sums (the units sheet) are added up in each database's own order: equal to a millionth, not bit for bit
    const values = sheet.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1).map((v) => (typeof v === 'number' ? Number(v.toFixed(6)) : v)));
    sheets[sheet.name] = { header: values[0] ?? [], rows: values.slice(1).map((row) => JSON.stringify(row)).sort() };
  });
  return sheets;
}

const missing = serversMissing();
if (missing) console.warn(`distributed tests skipped: ${missing}`);

describe.skipIf(missing !== null)('distributed ingest: BullMQ workers into PostgreSQL', () => {
  let servers: Servers;
  const dir = mkdtempSync(join(tmpdir(), 'ziping-distributed-'));
  const local = join(dir, 'local.sqlite');
  let compared: string;

  beforeAll(async () => {
    servers = await startServers();
    // the reference: the same files ingested locally into SQLite
    const result = ziping(['ingest', ...FAST_SAMPLES, '--db', local, '--quiet']);
    expect(result.status, result.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    await servers?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('three workers store what a local ingest stores, though every document is queued twice; SIGTERM stops them cleanly', async () => {
    const queue = servers.redisUrl(1);
    compared = await servers.createDatabase('three_workers');
    const workers = [worker(queue, compared), worker(queue, compared), worker(queue, compared)];
    // every file twice: a second delivery of the same document must not store it again
    const first = ziping(['ingest', ...FAST_SAMPLES, '--queue', queue, '--db', compared]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`queued ${FAST_SAMPLES.length} documents`);
    const second = ziping(['ingest', ...FAST_SAMPLES, '--queue', queue, '--db', compared, '--wait']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain(`queue: ${FAST_SAMPLES.length}/${FAST_SAMPLES.length} done, 0 failed`);

    // the records with every field's provenance: the plain export is the same lines without it
    const commands = [['export', '--provenance'], ['export', '--format', 'csv'], ['stats'], ['export', '--view', 'v_indicators']];
    const outputs = await Promise.all(commands.map((args) => onBoth(args, local, compared)));
    commands.slice(0, 3).forEach((args, i) => {
      const [fromSqlite, fromPostgres] = outputs[i]!;
      expect(fromPostgres.status, fromPostgres.stderr).toBe(0);
      expect(fromPostgres.stdout, args.join(' ')).toBe(fromSqlite.stdout);
    });
    // an analyst view holds the same rows (PostgreSQL returns them in an order of its own)
    const rows = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\n').sort();
    expect(rows(outputs[3]![1].stdout)).toEqual(rows(outputs[3]![0].stdout));
    expect(await pgCounts(compared)).toEqual(sqliteCounts(local));
    // the analysts' workbook: the same sheets, columns and cells from either store
    const books = await Promise.all([local, compared].map(async (db, i) => {
      const out = join(dir, `views-${i}.xlsx`);
      const result = await zipingAsync(['export', '--format', 'xlsx', '--out', out, '--db', db]);
      expect(result.status, result.stderr).toBe(0);
      return workbookCells(out);
    }));
    expect(Object.keys(books[1]!)).toEqual(['forms', 'indicators', 'findings', 'units']);
    expect(books[1]).toEqual(books[0]);

    for (const w of workers) process.kill(w.child.pid!, 'SIGTERM');
    for (const w of workers) expect((await w.done).code).toBe(0);
  });

  it('a worker killed mid-batch loses nothing and duplicates nothing: its document goes to another worker', async () => {
    const queue = servers.redisUrl(2);
    const db = await servers.createDatabase('killed_worker');
    const victim = worker(queue, db);
    const batch = zipingInBackground(['ingest', ...FAST_SAMPLES, '--queue', queue, '--db', db, '--wait']);
    const handle = openQueue(queue);
    try {
      // the only worker is busy with a document, and has finished others before it
      await until('the first worker to be mid-batch', async () => {
        const { counts } = await queueStatus(handle.queue, 0);
        return counts.done >= 2 && counts.active === 1 ? true : null;
      });
      process.kill(-victim.child.pid!, 'SIGKILL');
      expect((await victim.done).code).toBeNull();
      worker(queue, db);
      worker(queue, db);
      const result = await batch.done;
      expect(result.code, result.stderr).toBe(0);
      const { counts } = await queueStatus(handle.queue, 0);
      expect(counts).toMatchObject({ done: FAST_SAMPLES.length, failed: 0, active: 0, waiting: 0 });
    } finally {
      await handle.close();
    }
    expect(await pgCounts(db)).toEqual(sqliteCounts(local));
    const [fromSqlite, fromPostgres] = await onBoth(['export'], local, db);
    expect(fromPostgres.stdout).toBe(fromSqlite.stdout);
  });

  it('a document that times out its worker fails after its attempts with the reason; a bad file fails at once; neither blocks the queue', async () => {
    const queue = servers.redisUrl(3);
    const db = await servers.createDatabase('poison');
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const sample = readFileSync(join(SAMPLES, '000_3121bed7dfbd76d2.txt'), 'utf8');
    const poison = join(dir, 'many_forms.txt');
    writeFileSync(poison, `${sample}\n\n`.repeat(250));
    const good = join(SAMPLES, '000_3121bed7dfbd76d2.txt');
    const poisonWorker = worker(queue, db, ['--timeout', '4']);
    const result = ziping(['ingest', poison, empty, good, '--queue', queue, '--db', db, '--attempts', '2', '--wait']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/many_forms\.txt: processing took longer than 4 s/);
    expect(result.stderr).toMatch(/empty\.txt: empty file \(0 bytes\)/);

    const status = ziping(['status', '--queue', queue, '--json']);
    const parsed = JSON.parse(status.stdout) as { counts: Record<string, number>; failed: Array<{ file: string; attempts: number; reason: string }> };
    expect(parsed.counts).toMatchObject({ done: 1, failed: 2, waiting: 0, active: 0 });
    const byFile = new Map(parsed.failed.map((f) => [f.file, f]));
    expect(byFile.get(poison)).toMatchObject({ attempts: 2 });
    expect(byFile.get(poison)!.reason).toMatch(/processing took longer than 4 s/);
    expect(byFile.get(empty)).toMatchObject({ attempts: 1 });
    // failed documents are stored as a local ingest stores them, with their reasons
    const stats = JSON.parse(ziping(['stats', '--db', db]).stdout) as { documents: Array<{ status: string; n: number }> };
    expect(stats.documents).toEqual([{ status: 'failed', n: 2 }, { status: 'success', n: 1 }]);
    const text = ziping(['status', '--queue', queue]).stdout;
    expect(text).toContain('done 1, failed 2');
    expect(text).toMatch(/failed #\S+ .*empty\.txt \(1 attempts\): .*empty file/);

    // with the worker stopped, `retry` puts both back in the queue for the next worker
    process.kill(poisonWorker.child.pid!, 'SIGTERM');
    expect((await poisonWorker.done).code).toBe(0);
    const retried = ziping(['retry', '--queue', queue]);
    expect(retried.stdout).toContain('re-queued 2 failed documents');
    const after = JSON.parse(ziping(['status', '--queue', queue, '--json']).stdout) as { counts: Record<string, number> };
    expect(after.counts).toMatchObject({ waiting: 2, failed: 0, done: 1 });
  });

  it('corrections, the report and score work on PostgreSQL as on SQLite', async () => {
    const records = ziping(['export', '--db', compared]).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; total_score: number | null });
    const form = records.find((r) => r.total_score !== null)!;
    const file = join(dir, 'corrections.json');
    writeFileSync(file, JSON.stringify({ version: 1, corrections: [{ form_id: form.id, field: 'total_score', old_value: String(form.total_score), new_value: '77', reviewer: '李审核' }] }));
    const applied = await onBoth(['corrections', 'apply', file], local, compared);
    for (const result of applied) expect(result.stdout, result.stderr).toMatch(/^1 applied, 0 conflicts/);
    const again = await onBoth(['corrections', 'apply', file], local, compared);
    for (const result of again) expect(result.stderr).toContain('conflict');
    const list = ziping(['corrections', 'list', '--db', compared]).stdout;
    expect(list).toMatch(new RegExp(`#1 \\S+ 李审核: ${form.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} total_score: "${form.total_score}" → "77"`));
    const [provenanceSqlite, provenancePostgres] = await onBoth(['export', '--provenance'], local, compared);
    expect(provenancePostgres.stdout).toContain('"total_score":77');
    expect(provenancePostgres.stdout).toBe(provenanceSqlite.stdout);
    const [scoreSqlite, scorePostgres] = await onBoth(['score'], local, compared);
    expect(scorePostgres.stdout).toBe(scoreSqlite.stdout);

    const reports = await Promise.all([local, compared].map(async (db, i) => {
      const out = join(dir, `report-${i}`);
      const result = await zipingAsync(['report', '--db', db, '--out', out, '--no-images']);
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(join(out, 'index.html'), 'utf8');
    }));
    expect(reports[1]).toBe(reports[0]);
  });

  it('reading commands refuse a PostgreSQL database without ziping tables, naming it without its password', async () => {
    const url = (await servers.createDatabase('empty_one')).replace('postgres@', 'postgres:secret@');
    const result = ziping(['export', '--db', url]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a ziping database \(a PostgreSQL database without documents and forms tables\)/);
    expect(result.stderr).not.toContain('secret');
  });
});
