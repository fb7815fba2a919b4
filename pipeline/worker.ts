/**
 * The document worker: runs every stage of one document off the main thread, so CPU-heavy work
 * (PDF parsing, table building) uses every core and a runaway document can be stopped. It also
 * builds the document's SQLite rows, so the single writer only inserts them.
 */
import { parentPort } from 'node:worker_threads';
import type { ZipingDocument } from '../schemas/document.js';
import { processDocument, type ProcessOptions } from './process.js';
import { processed, type ProcessedDocument } from './processed.js';

/**
 * `statements`: the document's statements and summary (a local batch's single writer inserts them);
 * `document`: the whole document (a distributed worker stores it in PostgreSQL itself).
 */
export type WorkerAnswer = 'statements' | 'document';

export interface WorkerRequest { id: number; path: string; bytes: Uint8Array; options: ProcessOptions; answer: WorkerAnswer }
export type WorkerReply = { id: number; result: ProcessedDocument | ZipingDocument };

parentPort?.on('message', (request: WorkerRequest) => {
  void processDocument(request.path, request.bytes, request.options).then((doc) => {
    parentPort!.postMessage({ id: request.id, result: request.answer === 'document' ? doc : processed(doc) } satisfies WorkerReply);
  });
});
