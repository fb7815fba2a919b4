/**
 * Ingest beyond one machine: one BullMQ job per document on Redis, taken by `ziping worker`
 * processes on any number of hosts, each document stored in PostgreSQL in one transaction.
 * BullMQ does the queueing — delivery, locks, stalled-job detection, attempts and backoff; this
 * module only says what a job holds and what a worker does with one: the same stages as a local
 * ingest (`DocumentPool`, with its time and heap limits), then `PostgresStore.storeDocument`,
 * which stores a document once per sha256 however often its job is delivered.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { ZipingDocument } from '../schemas/document.js';
import { type ProcessOptions, sha256Of } from './process.js';
import { PostgresStore } from './storePostgres.js';
import { DocumentPool, wasAbandoned } from './workerPool.js';
import { DEFAULTS } from '../schemas/options.js';

/** The one queue every ziping host shares on a Redis server. */
export const QUEUE_NAME = 'ziping-documents';

/** What a job holds: a path every worker can read (a shared mount), the file's sha256 and the stage options. */
export interface DocumentJob { path: string; sha256: string; options: ProcessOptions; force: boolean }

/** What a worker returns for a job (kept with the completed job). */
export interface JobOutcome { file: string; status: ZipingDocument['status'] | 'skipped'; forms: number; stored: 'stored' | 'already stored' | 'skipped' }

export interface EnqueueOptions {
  /** re-read documents already stored @default false */
  readonly force?: boolean;
  /** attempts before a document that crashes or times out its worker is failed @default 3 */
  readonly attempts?: number;
  readonly process?: ProcessOptions;
}

export interface WorkerOptions {
  /** documents processed at once (worker threads) @default 2 */
  readonly concurrency?: number;
  /** per-document time limit in seconds @default 120 */
  readonly timeoutSeconds?: number;
  /** heap limit per worker thread in MB @default 1536 */
  readonly memoryMb?: number;
  /** a job whose worker stops renewing its lock (killed, frozen) is handed to another worker after this long @default 30 */
  readonly lockSeconds?: number;
  /** called after each job, for the worker's log */
  readonly onJob?: (job: { file: string; outcome: JobOutcome | null; error: string | null }) => void;
}

/**
 * A Redis client for a `redis://[user:password@]host[:port][/db]` URL (`rediss://` for TLS).
 * BullMQ is given clients, not options: in an ES module it cannot load ioredis itself.
 */
export function redisClient(url: string, options: { worker?: boolean } = {}): Redis {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch { /* reported below */ }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new Error(`--queue expects a Redis URL such as redis://host:6379, got "${url}"`);
  // a worker's blocking commands wait as long as the queue is empty (BullMQ requires it); a client fails fast
  return new Redis(url, { maxRetriesPerRequest: options.worker ? null : 3 });
}

/** The shared queue and the Redis connection it runs on (both closed by `close`). */
export interface QueueHandle { queue: Queue<DocumentJob, JobOutcome>; close(): Promise<void> }

export function openQueue(queueUrl: string): QueueHandle {
  const client = redisClient(queueUrl);
  const queue = new Queue<DocumentJob, JobOutcome>(QUEUE_NAME, { connection: client });
  return {
    queue,
    async close() {
      await queue.close();
      await client.quit();
    },
  };
}

/** A file's sha256, streamed (an archive's PDFs may be large). */
function hashFile(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', fail).on('data', (chunk) => hash.update(chunk)).on('end', () => done(hash.digest('hex')));
  });
}

export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
}

/**
 * One job per readable file; a file that cannot be read is returned with its reason, not queued.
 * Jobs keep their failures (`removeOnFail: false`) for `ziping status` and `ziping retry`.
 */
export async function enqueueDocuments(queue: Queue<DocumentJob, JobOutcome>, files: readonly string[], options: EnqueueOptions = {})
  : Promise<{ jobs: Array<{ id: string; file: string }>; unreadable: Array<{ file: string; reason: string }> }> {
  const unreadable: Array<{ file: string; reason: string }> = [];
  const entries: Array<{ name: string; data: DocumentJob; file: string }> = [];
  for (const file of files) {
    try {
      const data: DocumentJob = { path: resolve(file), sha256: await hashFile(file), options: options.process ?? {}, force: options.force ?? false };
      entries.push({ name: 'document', data, file });
    } catch (error) {
      unreadable.push({ file, reason: readFailure(error) });
    }
  }
  const jobOptions = {
    attempts: options.attempts ?? 3, backoff: { type: 'exponential', delay: 1000 },
    removeOnFail: false,
    // finished jobs are only counts for `status`: a bounded number stays in Redis, the records are in PostgreSQL
    removeOnComplete: { count: 100_000 },
  };
  const added = await queue.addBulk(entries.map((e) => ({ name: e.name, data: e.data, opts: jobOptions })));
  return { jobs: added.map((job, i) => ({ id: job.id!, file: entries[i]!.file })), unreadable };
}

/** The first error a failed document carries: its reason. */
const reasonOf = (doc: ZipingDocument): string => doc.issues.find((i) => i.severity === 'error')?.message ?? 'failed';

/** Process one job: the local ingest's stages, then one transaction in PostgreSQL. Throws to fail (or retry) the job. */
async function processJob(job: Job<DocumentJob, JobOutcome>, pool: DocumentPool, postgres: PostgresStore): Promise<JobOutcome> {
  const { path, sha256, options, force } = job.data;
  if (!force && await postgres.storedStatus(sha256) === 'success') return { file: path, status: 'skipped', forms: 0, stored: 'skipped' };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    // the path is not readable from this worker: another attempt here will not help
    throw new UnrecoverableError(`${path}: ${readFailure(error)} (on this worker; workers need the path the job was queued with)`);
  }
  if (sha256Of(bytes) !== sha256) throw new UnrecoverableError(`${path}: the file changed after it was queued (its sha256 differs); queue it again`);
  const doc = await pool.processWhole(path, bytes, options);
  // a row written after the job was queued is another delivery's (hosts' clocks are assumed in step; a skew only costs a rewrite)
  const storeOptions = { force, queuedAt: new Date(job.timestamp).toISOString() };
  if (wasAbandoned(doc)) {
    // a time-out or crash may be the machine's, not the file's: BullMQ tries again until the attempts are spent;
    // the last one stores the document as failed, as a local ingest does
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await postgres.storeDocument(doc, storeOptions);
    throw new Error(`${path}: ${reasonOf(doc)}`);
  }
  const stored = await postgres.storeDocument(doc, storeOptions);
  // a file that cannot be read fails the same way every time: stored as failed, no further attempt
  if (doc.status === 'failed') throw new UnrecoverableError(`${path}: ${reasonOf(doc)}`);
  return { file: path, status: doc.status, forms: doc.records.length, stored };
}

export interface RunningWorker { close(): Promise<void> }

/**
 * Take jobs until closed. `close()` (SIGTERM) stops taking jobs, lets the current ones finish and
 * disconnects; a worker that dies instead loses its lock, and BullMQ hands its jobs to another.
 */
export async function startWorker(queueUrl: string, dbUrl: string, options: WorkerOptions = {}): Promise<RunningWorker> {
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  const store = await PostgresStore.open(dbUrl, { create: true, size: concurrency + 1 });
  const pool = new DocumentPool({ size: concurrency, timeoutMs: (options.timeoutSeconds ?? DEFAULTS.timeoutSeconds) * 1000, memoryMb: options.memoryMb });
  const lockMs = (options.lockSeconds ?? 30) * 1000;
  const client = redisClient(queueUrl, { worker: true });
  const worker = new Worker<DocumentJob, JobOutcome>(QUEUE_NAME, (job) => processJob(job, pool, store), {
    connection: client, concurrency, lockDuration: lockMs, stalledInterval: lockMs,
  });
  worker.on('completed', (job, outcome) => options.onJob?.({ file: job.data.path, outcome, error: null }));
  worker.on('failed', (job, error) => { if (job) options.onJob?.({ file: job.data.path, outcome: null, error: error.message }); });
  // a lost Redis connection is retried by ioredis; the error is only reported
  worker.on('error', (error) => options.onJob?.({ file: '(queue)', outcome: null, error: error.message }));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await client.quit();
      await pool.close();
      await store.close();
    },
  };
}

export interface QueueStatus {
  counts: { waiting: number; active: number; delayed: number; done: number; failed: number };
  failed: Array<{ id: string; file: string; attempts: number; reason: string }>;
}

/** Counts by state and the failed documents with their reasons (the newest `limit`). */
export async function queueStatus(queue: Queue<DocumentJob, JobOutcome>, limit = 100): Promise<QueueStatus> {
  const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  const failed = await queue.getFailed(0, Math.max(0, limit - 1));
  return {
    counts: { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, done: c.completed ?? 0, failed: c.failed ?? 0 },
    failed: failed.map((job) => ({ id: job.id ?? '?', file: (job.data as DocumentJob).path, attempts: job.attemptsMade, reason: job.failedReason })),
  };
}

/** States of the given jobs, for `ingest --wait`: how many are done and which failed, with reasons. */
export async function batchProgress(queue: Queue<DocumentJob, JobOutcome>, ids: readonly string[])
  : Promise<{ pending: number; done: number; failed: Array<{ file: string; reason: string }> }> {
  let pending = 0;
  let done = 0;
  const failed: Array<{ file: string; reason: string }> = [];
  const CHUNK = 500;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const states = await Promise.all(ids.slice(i, i + CHUNK).map(async (id) => ({ id, state: await queue.getJobState(id) })));
    for (const { id, state } of states) {
      if (state === 'completed') done++;
      else if (state === 'failed') {
        const job = await queue.getJob(id);
        failed.push({ file: job?.data.path ?? id, reason: job?.failedReason ?? 'failed' });
      } else if (state === 'unknown') done++; // removed after completing (removeOnComplete keeps the newest 100,000)
      else pending++;
    }
  }
  return { pending, done, failed };
}
