/**
 * The document worker: runs every stage of one document off the main thread, so CPU-heavy work
 * (PDF parsing, table building) uses every core and a runaway document can be stopped.
 */
import { parentPort } from 'node:worker_threads';
import { pagesRead } from './pages.js';
import { processDocument, type ProcessOptions } from './process.js';

export interface WorkerRequest { id: number; path: string; bytes: Uint8Array; options: ProcessOptions }
/** `pages`: the pages read, counted here because the blocks they are counted from stay in the worker */
export type WorkerReply = { id: number; doc: Awaited<ReturnType<typeof processDocument>>; pages: number };

parentPort?.on('message', (request: WorkerRequest) => {
  void processDocument(request.path, request.bytes, request.options).then((doc) => {
    // The raw blocks stay here: the writer needs the segments' tables, not every text line again —
    // except a spreadsheet's text lines, which give header-line fields their cell address.
    const blocks = doc.blocks.filter((b) => b.kind === 'text' && b.address !== undefined);
    parentPort!.postMessage({ id: request.id, doc: { ...doc, blocks }, pages: pagesRead(doc) } satisfies WorkerReply);
  });
});
