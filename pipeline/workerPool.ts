/**
 * A fixed pool of document workers. Each request gets a time limit and the worker a heap limit:
 * a document that exceeds either ends as a failed document with the reason, its worker is
 * replaced, and the batch goes on. A long document a worker says can be split by pages is read
 * by several workers at once, a range of pages each (see worker.ts).
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ZipingDocument } from '../schemas/document.js';
import { failedDocument, type PartRead, type ProcessOptions, readByPages } from './process.js';
import { processed, type ProcessedDocument } from './processed.js';
import type { WorkerAnswer, WorkerReply, WorkerRequest, WorkerResult } from './worker.js';
import { DEFAULTS } from '../schemas/options.js';
import { TSX_WORKER, workerScript } from './workerScript.js';

/**
 * A worker's young generation, larger than V8's default: reading a document allocates many
 * short-lived strings and arrays (cells, tokens, candidate matches), and with the default the
 * worker spent about a tenth of its time collecting them. The OCR-text bench (10,062 forms, 2
 * workers): 829–876 → 946–985 forms/s, 20.3–21.5 → 17.5–18.4 CPU s, about 50 MB more in all.
 */
const YOUNG_GENERATION_MB = 64;

export interface PoolOptions {
  /** worker threads @default 2 */
  size: number;
  /** per-document time limit in ms @default 120000 */
  timeoutMs?: number;
  /** heap limit per worker in MB @default 1536 */
  memoryMb?: number;
  process?: ProcessOptions;
  /** the script workers start @default the worker's bundle (`workerScript.ts`) */
  script?: string;
}

interface Slot { worker: Worker; busy: boolean }

/** `Omit` over each member of a union (the request kinds), not over their common keys. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The result of the kind a request asks for (a worker answers each kind with its own). */
function expectKind<K extends WorkerResult['kind']>(result: WorkerResult, kind: K): Extract<WorkerResult, { kind: K }> {
  if (result.kind !== kind) throw new Error(`a worker answered ${result.kind} to a ${kind} request`);
  return result as Extract<WorkerResult, { kind: K }>;
}

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

  /** the worker's bundled script (`workerScript.ts`), read once per pool; tsx's entry once a worker failed to start from it */
  private script: string;
  /** workers that stopped while no request waited on them: replaced before their next request */
  private readonly stopped = new WeakSet<Worker>();

  constructor(private readonly options: PoolOptions) {
    this.script = options.script ?? workerScript();
    for (let i = 0; i < options.size; i++) this.slots.push({ worker: this.spawn(), busy: false });
  }

  private spawn(): Worker {
    // (a worker replaced long after the pool started may find its bundle removed since)
    const script = existsSync(this.script) ? this.script : TSX_WORKER;
    const worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb ?? DEFAULTS.memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    worker.unref();
    let answered = false;
    worker.once('message', () => { answered = true; });
    // An error no request listens for (the worker is idle) would end the whole process; the worker
    // is marked stopped instead. A worker that failed before it ever answered may have failed to
    // load its script: the next ones start through tsx (the same modules, loaded more slowly).
    worker.on('error', () => {
      this.stopped.add(worker);
      if (!answered) this.script = TSX_WORKER;
    });
    worker.once('exit', () => this.stopped.add(worker));
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
    return this.document(path, bytes, processOptions, 'statements', (doc) => processed(doc)) as Promise<ProcessedDocument>;
  }

  /** Process one document in a worker and return it whole (a distributed worker stores it itself); never rejects. */
  processWhole(path: string, bytes: Uint8Array, processOptions: ProcessOptions = this.options.process ?? {}): Promise<ZipingDocument> {
    return this.document(path, bytes, processOptions, 'document', (doc) => doc) as Promise<ZipingDocument>;
  }

  /**
   * One document, answered as `answer` asks, or as `failed` makes of a document the pool gave up
   * on. A worker may answer that the document can be split by pages: its page ranges are then read
   * by the workers alongside, and one worker joins them into the document.
   */
  private async document(path: string, bytes: Uint8Array, options: ProcessOptions, answer: WorkerAnswer,
    failed: (doc: ZipingDocument) => ProcessedDocument | ZipingDocument): Promise<ProcessedDocument | ZipingDocument> {
    const input = { path, bytes, options };
    const giveUp = ({ reason }: { reason: string }): ProcessedDocument | ZipingDocument => {
      const doc = failedDocument(path, bytes, reason);
      abandoned.add(doc);
      return failed(doc);
    };
    // split only over workers that are idle now: when every worker has a document, parts would only add work
    const idle = this.slots.filter((slot) => !slot.busy).length;
    const asked = this.run({ ...input, task: 'document', answer, workers: Math.max(1, idle) });
    // While one worker decides, the other idle ones open a document read by pages too: a worker's
    // first PDF loads pdf.js (about a second), which would otherwise delay the part it is then given
    // (only workers still idle once that is known: a prepare waiting for a busy worker would only delay others)
    if (idle > 1 && await readByPages(path, bytes)) {
      const stillIdle = this.slots.filter((slot) => !slot.busy).length;
      for (let other = 0; other < Math.min(idle - 1, stillIdle); other++) void this.run({ ...input, task: 'prepare' });
    }
    const whole = await asked;
    if ('reason' in whole) return giveUp(whole);
    if (whole.kind !== 'divisible') return expectKind(whole, 'document').document;
    const parts: PartRead[] = [];
    for (const read of await Promise.all(whole.ranges.map((range) => this.run({ ...input, task: 'part', range })))) {
      if ('reason' in read) return giveUp(read);
      parts.push(expectKind(read, 'part').part);
    }
    const joined = await this.run({ ...input, task: 'document', answer, workers: 1, parts });
    return 'reason' in joined ? giveUp(joined) : expectKind(joined, 'document').document;
  }

  /** One request to a free worker: its result, or why the pool gave up on it (time limit, heap limit, a crashed worker). */
  private async run(request: DistributiveOmit<WorkerRequest, 'id'>): Promise<WorkerResult | { reason: string }> {
    const slot = await this.acquire();
    if (this.stopped.has(slot.worker)) slot.worker = this.spawn();
    const timeoutMs = this.options.timeoutMs ?? DEFAULTS.timeoutSeconds * 1000;
    const id = this.nextId++;
    try {
      return await new Promise<WorkerResult | { reason: string }>((resolve) => {
        const done = (result: WorkerResult | { reason: string }, replaceWorker: boolean): void => {
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
        const giveUp = (reason: string): void => done({ reason }, true);
        const onMessage = (reply: WorkerReply): void => { if (reply.id === id) done(reply.result, false); };
        const onError = (error: Error & { code?: string }): void => giveUp(error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of memory (more than ${this.options.memoryMb ?? DEFAULTS.memoryMb} MB; raise --memory or split the file)`
          : `internal error while processing: ${error.message}`);
        const onExit = (): void => giveUp('the worker processing this file stopped unexpectedly');
        const timer = setTimeout(() => giveUp(`processing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped (raise --timeout for very large files)`), timeoutMs);
        slot.worker.on('message', onMessage);
        slot.worker.once('error', onError);
        slot.worker.once('exit', onExit);
        slot.worker.postMessage({ ...request, id } satisfies WorkerRequest);
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
