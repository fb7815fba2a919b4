/**
 * The document worker: runs every stage of one document off the main thread, so CPU-heavy work
 * (PDF parsing, table building) uses every core and a runaway document can be stopped. It also
 * builds the document's SQLite rows, so the single writer only inserts them. A long document whose
 * pages can be read apart is answered with the page ranges to read it in instead, when other workers could share
 * it: the pool then has its page ranges read alongside (`part`) and the parts joined (`document`
 * with `parts`), which gives the same document as reading it here whole.
 */
import { parentPort } from 'node:worker_threads';
import type { PageRange } from '../extractors/types.js';
import type { ZipingDocument } from '../schemas/document.js';
import { partsOf, type PartRead, processDocument, type ProcessOptions, readPart } from './process.js';
import { processed, type ProcessedDocument } from './processed.js';

/**
 * `statements`: the document's statements and summary (a local batch's single writer inserts them);
 * `document`: the whole document (a distributed worker stores it in PostgreSQL itself).
 */
export type WorkerAnswer = 'statements' | 'document';

interface Input { id: number; path: string; bytes: Uint8Array; options: ProcessOptions }

export type WorkerRequest =
  /** `workers`: how many could read its pages alongside (1: read it whole); `parts`: its pages already read, to join */
  | Input & { task: 'document'; answer: WorkerAnswer; workers: number; parts?: PartRead[] }
  | Input & { task: 'part'; range: PageRange }
  /** open the document as the worker reading it does, so that what reading its pages needs (pdf.js) is loaded here before a part arrives */
  | Input & { task: 'prepare' };

export type WorkerResult =
  | { kind: 'document'; document: ProcessedDocument | ZipingDocument }
  /** the document may be split by pages: the ranges to read it in */
  | { kind: 'divisible'; ranges: PageRange[] }
  | { kind: 'part'; part: PartRead }
  | { kind: 'prepared' };

export interface WorkerReply { id: number; result: WorkerResult }

async function answer(request: WorkerRequest): Promise<WorkerResult> {
  const { path, bytes, options } = request;
  if (request.task === 'part') return { kind: 'part', part: await readPart(path, bytes, request.range, options) };
  if (request.task === 'prepare') {
    await partsOf(path, bytes, 1, options);
    return { kind: 'prepared' };
  }
  if (!request.parts && request.workers > 1) {
    const ranges = await partsOf(path, bytes, request.workers, options);
    if (ranges) return { kind: 'divisible', ranges };
  }
  const doc = await processDocument(path, bytes, options, request.parts);
  return { kind: 'document', document: request.answer === 'document' ? doc : processed(doc) };
}

parentPort?.on('message', (request: WorkerRequest) => {
  void answer(request).then((result) => parentPort!.postMessage({ id: request.id, result } satisfies WorkerReply));
});
