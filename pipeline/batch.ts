/**
 * The batch runner: the only place with a queue. Files are read through p-queue, processed in
 * worker threads (one per core by default), stored by one writer (this thread, in groups of
 * documents per transaction), and reported one line each once stored; one bad file never stops the
 * batch. Only the in-flight documents and those waiting for the writer are held in memory.
 */
import { availableParallelism } from 'node:os';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { ZipingDocument } from '../schemas/document.js';
import { processDocument, type ProcessOptions, sha256Of } from './process.js';
import { processed, type ProcessedDocument } from './processed.js';
import { DocumentPool } from './workerPool.js';
import { GroupWriter } from './groupWriter.js';
import { type Db, storedStatus } from './sinks/sqlite.js';
import { DEFAULTS } from '../schemas/options.js';

export interface BatchOptions {
  /** documents processed at once @default 2 */
  readonly concurrency?: number;
  /** re-process files whose sha256 is already stored @default false */
  readonly force?: boolean;
  /** worker threads; 0 processes in this thread (no time limit) @default min(cores, concurrency) */
  readonly workers?: number;
  /** per-document time limit in seconds, enforced in workers @default 120 */
  readonly timeoutSeconds?: number;
  /** heap limit per worker in MB @default 1536 */
  readonly memoryMb?: number;
  /** passed to the stages (the password of encrypted PDFs) */
  readonly process?: ProcessOptions;
  /** called after each file, for progress display */
  readonly onDocument?: (result: DocumentResult) => void;
}

export interface DocumentResult {
  file: string;
  status: ZipingDocument['status'] | 'skipped';
  forms: number;
  /** pages read (PDFs and scans; 0 for text and office files) */
  pages: number;
  indicators: number;
  needsReview: number;
  message: string | null;
  ms: number;
}

/** Hidden files and ziping's own outputs (expected/exported JSON, databases) are never inputs. */
const SKIPPED_NAMES = /(^\.|\.jsonl$|\.json$|\.sqlite(-wal|-shm)?$)/i;

/** Expand files and folders (recursively) into a sorted list of input files. */
export async function collectInputs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) { out.push(path); continue; } // reported as a failed document with its reason
    if (info.isDirectory()) {
      const entries = await readdir(path, { recursive: true, withFileTypes: true });
      for (const e of entries) if (e.isFile() && !SKIPPED_NAMES.test(e.name)) out.push(join(e.parentPath, e.name));
    } else out.push(path);
  }
  return [...new Set(out)].sort();
}

function summarise(file: string, { summary }: ProcessedDocument, ms: number): DocumentResult {
  return { file, ...summary, ms };
}

function failure(file: string, error: unknown, started: number): DocumentResult {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
  return { file, status: 'failed', forms: 0, pages: 0, indicators: 0, needsReview: 0, message: reason, ms: performance.now() - started };
}

type Run = (file: string, bytes: Uint8Array) => Promise<ProcessedDocument>;

/**
 * Read and process (in a worker) one file and hand it to the writer. Resolves as soon as the writer
 * has room, so the next file can start; `stored` resolves with the file's result once its rows are
 * committed (or with the reason it failed).
 */
async function ingestOne(db: Db, writer: GroupWriter, file: string, force: boolean, run: Run): Promise<{ stored: Promise<DocumentResult> }> {
  const started = performance.now();
  try {
    const bytes = await readFile(file);
    if (!force && storedStatus(db, sha256Of(bytes)) === 'success') {
      return { stored: Promise.resolve({ file, status: 'skipped', forms: 0, pages: 0, indicators: 0, needsReview: 0, message: 'unchanged since the last run (use --force to re-read)', ms: 0 }) };
    }
    const result = await run(file, bytes);
    const stored = writer.write(result.rows).then(() => summarise(file, result, performance.now() - started), (error: unknown) => failure(file, error, started));
    await writer.room();
    return { stored };
  } catch (error) {
    return { stored: Promise.resolve(failure(file, error, started)) };
  }
}

/** Process and store every input; resolves with one result per file, in input order. */
export async function runBatch(db: Db, files: readonly string[], options: BatchOptions = {}): Promise<DocumentResult[]> {
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Expected \`concurrency\` to be an integer ≥ 1, got \`${concurrency}\``);
  const workers = options.workers ?? Math.min(availableParallelism(), concurrency);
  const pool = workers > 0 && files.length > 0
    ? new DocumentPool({ size: workers, timeoutMs: (options.timeoutSeconds ?? DEFAULTS.timeoutSeconds) * 1000, memoryMb: options.memoryMb, process: options.process })
    : null;
  const inThisThread = async (file: string, bytes: Uint8Array): Promise<ProcessedDocument> => processed(await processDocument(file, bytes, options.process));
  const run: Run = pool ? (file, bytes) => pool.process(file, bytes) : inThisThread;
  // a queue a little longer than the pool keeps the workers busy while a document is being stored
  const queue = new PQueue({ concurrency: Math.max(concurrency, workers + 1) });
  const writer = new GroupWriter(db);
  const results: DocumentResult[] = new Array(files.length);
  const stored: Array<Promise<void>> = [];
  try {
    await Promise.all(files.map((file, i) => queue.add(async () => {
      const ingested = await ingestOne(db, writer, file, options.force ?? false, run);
      stored.push(ingested.stored.then((result) => {
        results[i] = result;
        options.onDocument?.(result);
      }));
    })));
    await Promise.all(stored);
  } finally {
    await pool?.close();
  }
  return results;
}
