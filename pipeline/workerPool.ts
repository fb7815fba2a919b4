/**
 * A fixed pool of document workers. Each document gets a time limit and the worker a heap limit:
 * a document that exceeds either ends as a failed document with the reason, its worker is
 * replaced, and the batch goes on.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ZipingDocument } from '../schemas/document.js';
import { failedDocument, type ProcessOptions } from './process.js';
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

/** Documents the pool gave up on (time limit, heap limit, a crashed worker) rather than ones that were read and failed. */
const abandoned = new WeakSet<ZipingDocument>();

/** Whether the pool stopped this document's processing: another attempt may succeed, unlike a bad file. */
export function wasAbandoned(doc: ZipingDocument): boolean {
  return abandoned.has(doc);
}

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

  /** Process one document in a worker; never rejects — failures come back as failed documents. */
  async process(path: string, bytes: Uint8Array, processOptions: ProcessOptions = this.options.process ?? {}): Promise<ZipingDocument> {
    const slot = await this.acquire();
    const timeoutMs = this.options.timeoutMs ?? 120000;
    const id = this.nextId++;
    try {
      return await new Promise<ZipingDocument>((resolve) => {
        const done = (doc: ZipingDocument, replaceWorker: boolean): void => {
          clearTimeout(timer);
          slot.worker.off('message', onMessage);
          slot.worker.off('error', onError);
          slot.worker.off('exit', onExit);
          if (replaceWorker) {
            abandoned.add(doc);
            void slot.worker.terminate();
            slot.worker = this.spawn();
          }
          resolve(doc);
        };
        const onMessage = (reply: WorkerReply): void => { if (reply.id === id) done(reply.doc, false); };
        const onError = (error: Error & { code?: string }): void => {
          const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `ran out of memory (more than ${this.options.memoryMb ?? 1536} MB; raise --memory or split the file)`
            : `internal error while processing: ${error.message}`;
          done(failedDocument(path, bytes, reason), true);
        };
        const onExit = (): void => done(failedDocument(path, bytes, 'the worker processing this file stopped unexpectedly'), true);
        const timer = setTimeout(() => done(failedDocument(path, bytes,
          `processing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped (raise --timeout for very large files)`), true), timeoutMs);
        slot.worker.on('message', onMessage);
        slot.worker.once('error', onError);
        slot.worker.once('exit', onExit);
        slot.worker.postMessage({ id, path, bytes, options: processOptions } satisfies WorkerRequest);
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
