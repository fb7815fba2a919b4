/**
 * What a worker hands back for one processed document: its statements as the SQLite writer runs them
 * (`statements.ts`, grouped into runs) and the summary the batch reports — never the document
 * itself, whose structured clone (every table cell with its origin) cost the single writer thread
 * more than writing its rows.
 */
import type { ZipingDocument } from '../schemas/document.js';
import { type DocumentStatements, documentRuns } from './sinks/statements.js';

/** The batch's one-line account of a document. */
export interface DocumentSummary {
  status: ZipingDocument['status'];
  forms: number;
  /** pages read (PDFs and scans; 0 for text and office files) */
  pages: number;
  indicators: number;
  needsReview: number;
  /** the first error's message, if any */
  message: string | null;
}

export interface ProcessedDocument { rows: DocumentStatements; summary: DocumentSummary }

/**
 * How many pages of a document were read: the distinct pages its text lines and table cells came
 * from (0 for OCR text and office files, which have no pages).
 */
function pagesRead(doc: Pick<ZipingDocument, 'blocks'>): number {
  const pages = new Set<number>();
  for (const block of doc.blocks) {
    if (block.kind === 'text') {
      if (block.page !== null) pages.add(block.page);
    } else {
      for (const row of block.table.rows) for (const cell of row) if (cell.origin.page !== null) pages.add(cell.origin.page);
    }
  }
  return pages.size;
}

function summaryOf(doc: ZipingDocument): DocumentSummary {
  const error = doc.issues.find((i) => i.severity === 'error');
  return {
    status: doc.status, forms: doc.records.length, pages: pagesRead(doc),
    indicators: doc.records.reduce((n, r) => n + r.indicators.length, 0),
    needsReview: doc.records.filter((r) => r.needs_review).length,
    message: error ? error.message : null,
  };
}

export function processed(doc: ZipingDocument): ProcessedDocument {
  return { rows: documentRuns(doc), summary: summaryOf(doc) };
}
