/**
 * A batch's running totals and rates, as the ingest progress bar and the `--json` stream show them:
 * files, forms and pages per second since the batch started, and the time left at the files rate.
 */

/** One moment of a batch, in the `--json` stream's field names. */
export interface ProgressSnapshot {
  done: number;
  total: number;
  forms: number;
  pages: number;
  failed: number;
  elapsed_s: number;
  files_per_s: number;
  forms_per_s: number;
  pages_per_s: number;
  /** seconds left at the files rate so far; null until the first file is done */
  eta_s: number | null;
}

export class BatchProgress {
  private done = 0;
  private forms = 0;
  private pages = 0;
  private failed = 0;
  private readonly started = performance.now();

  constructor(private readonly total: number) {}

  /** Count one finished file. */
  add(result: { status: string; forms: number; pages: number }): void {
    this.done++;
    this.forms += result.forms;
    this.pages += result.pages;
    if (result.status === 'failed') this.failed++;
  }

  snapshot(): ProgressSnapshot {
    const elapsed = Math.max(0.001, (performance.now() - this.started) / 1000);
    const filesPerSecond = this.done / elapsed;
    return {
      done: this.done, total: this.total, forms: this.forms, pages: this.pages, failed: this.failed, elapsed_s: oneDecimal(elapsed),
      files_per_s: oneDecimal(filesPerSecond), forms_per_s: oneDecimal(this.forms / elapsed), pages_per_s: oneDecimal(this.pages / elapsed),
      eta_s: this.done === 0 ? null : Math.round((this.total - this.done) / filesPerSecond),
    };
  }
}

/** `1:05:09`, `4:07` or `12s`: the ETA as the progress bar shows it. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '…';
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return m > 0 ? `${m}:${String(s).padStart(2, '0')}` : `${s}s`;
}

function oneDecimal(x: number): number {
  return Math.round(x * 10) / 10;
}
