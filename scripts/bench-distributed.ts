/**
 * `npm run bench -- --distributed [--docs 100]`: documents per second through BullMQ workers into
 * PostgreSQL, with 1 and 2 worker processes (one document at a time each) on loopback, against a
 * local SQLite ingest of the same files. The corpus is the OCR-text samples varied per copy (as the
 * OCR-text bench); a private Redis and PostgreSQL cluster are started and stopped as in the tests.
 * Prints a table and writes bench/distributed.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runBatch } from '../pipeline/batch.js';
import { batchProgress, enqueueDocuments, openQueue } from '../pipeline/distributed.js';
import { openDatabase } from '../pipeline/sinks/sqlite.js';
import { startServers } from '../test/servers.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'ziping.js');
const argDocs = process.argv.indexOf('--docs');
const DOCS = argDocs > 0 ? Number(process.argv[argDocs + 1]) : 100;

type Row = Record<string, string | number>;
const round = (x: number): number => Math.round(x * 100) / 100;

/** Copies of the OCR-text samples, each project renamed so no two files share a sha256. */
function corpus(dir: string): string[] {
  const samples = readdirSync(join(ROOT, 'samples')).filter((f) => f.endsWith('.txt')).sort();
  const texts = samples.map((f) => readFileSync(join(ROOT, 'samples', f), 'utf8'));
  return Array.from({ length: DOCS }, (_, i) => {
    const path = join(dir, `${i}_${samples[i % samples.length]}`);
    writeFileSync(path, texts[i % texts.length]!.replace(/(项目名称[^\n|\t]*?[|\t]\s*)([^|\t\n]+)/g, (_m, label: string, name: string) => `${label}${name.trim()}（第${i}批）`));
    return path;
  });
}

/** A worker process, resolved once it has connected to both servers. */
function startWorker(queue: string, db: string): Promise<ChildProcess> {
  const child = spawn('node', [BIN, 'worker', '--queue', queue, '--db', db, '--concurrency', '1'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('worker:')) resolve(child); });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function rowCount(url: string): Promise<{ forms: number; rows: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const count = async (t: string): Promise<number> => Number((await client.query(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0].n);
  const forms = await count('forms');
  const rows = forms + await count('indicators') + await count('field_provenance') + await count('findings') + await count('tables');
  await client.end();
  return { forms, rows };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-distributed-'));
  const files = corpus(dir);
  const rows: Row[] = [];

  const db = openDatabase(join(dir, 'local.sqlite'));
  let started = performance.now();
  const local = await runBatch(db, files, { concurrency: 2 });
  let seconds = (performance.now() - started) / 1000;
  db.close();
  const localForms = local.reduce((n, r) => n + r.forms, 0);
  rows.push({ setup: 'local SQLite ingest (2 worker threads)', documents: files.length, forms: localForms, wall_s: round(seconds),
    docs_per_s: round(files.length / seconds), forms_per_s: round(localForms / seconds), db_rows_per_s: '' });

  const servers = await startServers();
  try {
    for (const count of [1, 2]) {
      const queueUrl = servers.redisUrl(count);
      const dbUrl = await servers.createDatabase(`bench_${count}`);
      const workers = await Promise.all(Array.from({ length: count }, () => startWorker(queueUrl, dbUrl)));
      const handle = openQueue(queueUrl);
      started = performance.now();
      const { jobs } = await enqueueDocuments(handle.queue, files);
      const enqueueSeconds = (performance.now() - started) / 1000;
      const ids = jobs.map((j) => j.id);
      while ((await batchProgress(handle.queue, ids)).pending > 0) await new Promise((r) => setTimeout(r, 100));
      seconds = (performance.now() - started) / 1000;
      await handle.close();
      for (const w of workers) w.kill('SIGTERM');
      const stored = await rowCount(dbUrl);
      rows.push({ setup: `BullMQ → PostgreSQL, ${count} worker process${count > 1 ? 'es' : ''}`, documents: files.length, forms: stored.forms, wall_s: round(seconds),
        docs_per_s: round(files.length / seconds), forms_per_s: round(stored.forms / seconds), db_rows_per_s: round(stored.rows / seconds),
        enqueue_jobs_per_s: round(files.length / enqueueSeconds) });
    }
  } finally {
    await servers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
  console.table(rows);
  console.log(`machine: ${machine.cpus} × ${machine.cpu}, ${machine.memory_gb} GiB, Node ${machine.node}`);
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'distributed.json'), JSON.stringify({ date: new Date().toISOString(), machine, results: rows }, null, 2) + '\n');
}

await main();
