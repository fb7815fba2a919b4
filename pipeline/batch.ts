/**
 * The batch runner: the only place with a queue. Files are read and processed through p-queue,
 * stored by one writer, and reported one line each; one bad file never stops the batch.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { ZipingDocument } from '../schemas/document.js';
import { processDocument, sha256Of } from './process.js';
import { type Db, saveDocument, storedStatus } from './sinks/sqlite.js';

export interface BatchOptions {
  /** documents processed at once @default 2 */
  readonly concurrency?: number;
  /** re-process files whose sha256 is already stored @default false */
  readonly force?: boolean;
  /** called after each file, for progress display */
  readonly onDocument?: (result: DocumentResult) => void;
}

export interface DocumentResult {
  file: string;
  status: ZipingDocument['status'] | 'skipped';
  forms: number;
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

function summarise(file: string, doc: ZipingDocument, ms: number): DocumentResult {
  const error = doc.issues.find((i) => i.severity === 'error');
  return {
    file, status: doc.status, forms: doc.records.length,
    indicators: doc.records.reduce((n, r) => n + r.indicators.length, 0),
    needsReview: doc.records.filter((r) => r.needs_review).length,
    message: error ? error.message : null, ms,
  };
}

/** Process and store every input; resolves with one result per file, in input order. */
export async function runBatch(db: Db, files: readonly string[], options: BatchOptions = {}): Promise<DocumentResult[]> {
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Expected \`concurrency\` to be an integer ≥ 1, got \`${concurrency}\``);
  const queue = new PQueue({ concurrency });
  const results: DocumentResult[] = new Array(files.length);
  await Promise.all(files.map((file, i) => queue.add(async () => {
    const started = performance.now();
    let result: DocumentResult;
    try {
      const bytes = await readFile(file);
      if (!options.force && storedStatus(db, sha256Of(bytes)) === 'success') {
        result = { file, status: 'skipped', forms: 0, indicators: 0, needsReview: 0, message: 'unchanged since the last run (use --force to re-read)', ms: 0 };
      } else {
        const doc = await processDocument(file, bytes);
        saveDocument(db, doc);
        result = summarise(file, doc, performance.now() - started);
      }
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
      result = { file, status: 'failed', forms: 0, indicators: 0, needsReview: 0, message: reason, ms: performance.now() - started };
    }
    results[i] = result;
    options.onDocument?.(result);
  })));
  return results;
}
