import type { ZipingDocument } from '../schemas/document.js';

/**
 * How many pages of a document were read: the distinct pages its text lines and table cells came
 * from (0 for OCR text and office files, which have no pages). Counted where the blocks are, before
 * a worker drops them, for the batch's pages/s.
 */
export function pagesRead(doc: Pick<ZipingDocument, 'blocks'>): number {
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
