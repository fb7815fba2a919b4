/**
 * A fixed pool of document workers. Each document gets a time limit and the worker a heap limit:
 * a document that exceeds either ends as a failed document with the reason, its worker is
 * replaced, and the batch goes on.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ZipingDocument } from '../schemas/document.js';
import { failedDocument, type ProcessOptions } from './process.js';
import { processed, type ProcessedDocument } from './processed.js';
import type { WorkerAnswer, WorkerReply, WorkerRequest } from './worker.js';
import { DEFAULTS } from '../schemas/options.js';

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
    const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb ?? DEFAULTS.memoryMb } });
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

  /** Process one document in a worker, into its statements and summary; never rejects — failures come back as failed documents. */
  process(path: string, bytes: Uint8Array, processOptions: ProcessOptions = this.options.process ?? {}): Promise<ProcessedDocument> {
    return this.run(path, bytes, processOptions, 'statements', (doc) => processed(doc)) as Promise<ProcessedDocument>;
  }

  /** Process one document in a worker and return it whole (a distributed worker stores it itself); never rejects. */
  processWhole(path: string, bytes: Uint8Array, processOptions: ProcessOptions = this.options.process ?? {}): Promise<ZipingDocument> {
    return this.run(path, bytes, processOptions, 'document', (doc) => doc) as Promise<ZipingDocument>;
  }

  /** Given a document and what to answer with, the worker's answer, or `failed`'s for a document the pool gave up on. */
  private async run(path: string, bytes: Uint8Array, processOptions: ProcessOptions, answer: WorkerAnswer,
    failed: (doc: ZipingDocument) => WorkerReply['result']): Promise<WorkerReply['result']> {
    const slot = await this.acquire();
    const timeoutMs = this.options.timeoutMs ?? DEFAULTS.timeoutSeconds * 1000;
    const id = this.nextId++;
    try {
      return await new Promise<WorkerReply['result']>((resolve) => {
        const done = (result: WorkerReply['result'], replaceWorker: boolean): void => {
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
        const giveUp = (reason: string): void => {
          const doc = failedDocument(path, bytes, reason);
          abandoned.add(doc);
          done(failed(doc), true);
        };
        const onMessage = (reply: WorkerReply): void => { if (reply.id === id) done(reply.result, false); };
        const onError = (error: Error & { code?: string }): void => giveUp(error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of memory (more than ${this.options.memoryMb ?? DEFAULTS.memoryMb} MB; raise --memory or split the file)`
          : `internal error while processing: ${error.message}`);
        const onExit = (): void => giveUp('the worker processing this file stopped unexpectedly');
        const timer = setTimeout(() => giveUp(`processing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped (raise --timeout for very large files)`), timeoutMs);
        slot.worker.on('message', onMessage);
        slot.worker.once('error', onError);
        slot.worker.once('exit', onExit);
        slot.worker.postMessage({ id, path, bytes, options: processOptions, answer } satisfies WorkerRequest);
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
