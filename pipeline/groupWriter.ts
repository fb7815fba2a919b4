/**
 * The batch's single SQLite writer. Documents finished by the workers are stored in groups, one
 * transaction per group: a commit costs about as much as writing a small document, and while the
 * writer is busy the next documents arrive and join the following group.
 *
 * Each document is written inside its own savepoint (`storeDocumentStatements`'s transaction, nested), so a
 * document whose rows fail to write is rolled back alone and reported failed while the rest of its
 * group commits. A crash loses at most the group being written — whole documents, never part of
 * one — and the next run re-reads them because their rows are missing; a re-run replaces a
 * document's rows (keyed by its sha256), it never duplicates them.
 */
import type { Db } from './sinks/sqlite.js';
import type { DocumentStatements } from './sinks/statements.js';
import { storeDocumentStatements } from './store.js';

/** Documents waiting to be written before readers are asked to wait @default 64 */
const DEFAULT_MAX_PENDING = 64;

/**
 * How long the first document of a group waits for others before the group is written: each commit
 * rewrites the pages its documents touched (the index pages above all), so fewer, larger groups
 * write fewer pages; a batch waits for nobody in this time, the workers go on.
 */
const GROUP_WAIT_MS = 25;

interface Pending { rows: DocumentStatements; stored: () => void; failed: (error: Error) => void }

export class GroupWriter {
  private pending: Pending[] = [];
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waitingForRoom: Array<() => void> = [];

  constructor(private readonly db: Db, private readonly maxPending = DEFAULT_MAX_PENDING) {}

  /** Queue a document: resolves once the group holding it has committed, rejects if its rows could not be written. */
  write(rows: DocumentStatements): Promise<void> {
    return new Promise<void>((stored, failed) => {
      this.pending.push({ rows, stored, failed });
      if (this.pending.length >= this.maxPending) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.timer = setTimeout(() => this.flush(), GROUP_WAIT_MS);
      }
    });
  }

  /** Resolves when fewer than `maxPending` documents wait to be written: keeps memory bounded when the writer lags. */
  room(): Promise<void> {
    if (this.pending.length < this.maxPending) return Promise.resolve();
    return new Promise((resolve) => this.waitingForRoom.push(resolve));
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.flushScheduled = false;
    const group = this.pending;
    this.pending = [];
    const outcomes = this.writeGroup(group);
    group.forEach((item, i) => {
      const error = outcomes[i];
      if (error) item.failed(error);
      else item.stored();
    });
    for (const resolve of this.waitingForRoom.splice(0)) resolve();
  }

  /** Write a group in one transaction; each document's error, or null once the group has committed. */
  private writeGroup(group: readonly Pending[]): Array<Error | null> {
    try {
      return this.db.transaction(() => group.map(({ rows }) => {
        try {
          storeDocumentStatements(this.db, rows);
          return null;
        } catch (error) {
          return error as Error; // its savepoint is rolled back; the others stay
        }
      }))();
    } catch (error) {
      return group.map(() => error as Error); // the commit failed: none of the group is stored
    }
  }
}
