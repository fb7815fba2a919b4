/**
 * The document worker: runs every stage of one document off the main thread, so CPU-heavy work
 * (PDF parsing, table building) uses every core and a runaway document can be stopped. It also
 * builds the document's SQLite rows, so the single writer only inserts them.
 */
import { parentPort } from 'node:worker_threads';
import { processDocument, type ProcessOptions } from './process.js';
import { processed, type ProcessedDocument } from './processed.js';

export interface WorkerRequest { id: number; path: string; bytes: Uint8Array; options: ProcessOptions }
export type WorkerReply = { id: number; result: ProcessedDocument };

parentPort?.on('message', (request: WorkerRequest) => {
  void processDocument(request.path, request.bytes, request.options).then((doc) => {
    parentPort!.postMessage({ id: request.id, result: processed(doc) } satisfies WorkerReply);
  });
});
