/**
 * A fixed pool of document workers. Each document gets a time limit and the worker a heap limit:
 * a document that exceeds either ends as a failed document with the reason, its worker is
 * replaced, and the batch goes on.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { failedDocument, type ProcessOptions } from './process.js';
import { processed, type ProcessedDocument } from './processed.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

const ENTRY = fileURLToPath(new URL('../bin/worker.js', import.meta.url));

export interface PoolOptions {
  /** worker threads @default 2 */
  size: number;
  /** per-document time limit in ms @default 120000 */
  timeoutMs?: number;
  /** heap limit per worker in MB @default 1536 */
  memoryMb?: number;
  process?: ProcessOptions;
}

interface Slot { worker: Worker; busy: boolean }

export class DocumentPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private nextId = 0;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.size; i++) this.slots.push({ worker: this.spawn(), busy: false });
  }

  private spawn(): Worker {
    const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb ?? 1536 } });
    worker.unref();
    return worker;
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) { free.busy = true; return Promise.resolve(free); }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Process one document in a worker, into its rows and summary; never rejects — failures come back as failed documents. */
  async process(path: string, bytes: Uint8Array): Promise<ProcessedDocument> {
    const slot = await this.acquire();
    const timeoutMs = this.options.timeoutMs ?? 120000;
    const id = this.nextId++;
    try {
      return await new Promise<ProcessedDocument>((resolve) => {
        const done = (result: ProcessedDocument, replaceWorker: boolean): void => {
          clearTimeout(timer);
          slot.worker.off('message', onMessage);
          slot.worker.off('error', onError);
          slot.worker.off('exit', onExit);
          if (replaceWorker) {
            void slot.worker.terminate();
            slot.worker = this.spawn();
          }
          resolve(result);
        };
        const onMessage = (reply: WorkerReply): void => { if (reply.id === id) done(reply.result, false); };
        const onError = (error: Error & { code?: string }): void => {
          const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `ran out of memory (more than ${this.options.memoryMb ?? 1536} MB; raise --memory or split the file)`
            : `internal error while processing: ${error.message}`;
          done(processed(failedDocument(path, bytes, reason)), true);
        };
        const onExit = (): void => done(processed(failedDocument(path, bytes, 'the worker processing this file stopped unexpectedly')), true);
        const timer = setTimeout(() => done(processed(failedDocument(path, bytes,
          `processing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped (raise --timeout for very large files)`)), true), timeoutMs);
        slot.worker.on('message', onMessage);
        slot.worker.once('error', onError);
        slot.worker.once('exit', onExit);
        slot.worker.postMessage({ id, path, bytes, options: this.options.process ?? {} } satisfies WorkerRequest);
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
