import type { PageItem } from '../layout/page/assemble.js';
import type { Block, PageFrame, SourceInfo } from '../schemas/document.js';
import type { OcrEngineName } from '../schemas/options.js';

/** What an extractor gives the pipeline: the blocks of one file in reading order. */
export interface Extraction {
  encoding: string | null;
  blocks: Block[];
  /** how each page read into the blocks was read (PDFs and scans): the frame its boxes are in */
  pages?: PageFrame[];
  warnings: string[];
  /** parts of the file that could not be read (a page without a usable text layer) */
  errors?: string[];
}

export interface ExtractOptions { password?: string; ocr?: boolean; dpi?: number; ocrEngine?: OcrEngineName }

/** Pages `first`..`last` (1-based, inclusive) of a document. */
export interface PageRange { first: number; last: number }

/**
 * A range of a document's pages, each read into its layout (tables and lines, their lines numbered
 * from 1 in the range) but not yet joined to the pages around it: a table continued across pages
 * and page furniture need the pages in order.
 */
export interface PagesRead {
  /** pages in the whole document */
  pageCount: number;
  /** the items of each page with content, in page order */
  pages: PageItem[][];
  /** how each of those pages was read */
  frames: PageFrame[];
  /** pages with nothing on them */
  blank: number;
  /** pages without a usable text layer that OCR did not read, with the reason */
  unusable: string[];
  warnings: string[];
  errors: string[];
}

/**
 * A document that may be read in parts, several ranges of pages at once (one per worker), and put
 * together afterwards: `join(parts)` gives the very extraction `extract` gives reading it whole.
 */
export interface PagedReading {
  pageCount(bytes: Uint8Array, path: string, options?: ExtractOptions): Promise<number>;
  read(bytes: Uint8Array, path: string, range: PageRange, options?: ExtractOptions): Promise<PagesRead>;
  /** `parts` in page order, together covering every page */
  join(parts: readonly PagesRead[], path: string): Extraction;
}

/** One input kind. `supports` sniffs the bytes and name; `extract` turns them into blocks. */
export interface Extractor {
  readonly kind: SourceInfo['kind'];
  /** `head` is the first 4 100 bytes; `bytes` the whole file, for containers whose parts decide (zip, OLE) */
  supports(file: { path: string; head: Uint8Array; mime: string | null; bytes?: Uint8Array }): boolean;
  extract(bytes: Uint8Array, path: string, options?: ExtractOptions): Promise<Extraction>;
  /** present when the input's pages can be read apart (PDF) */
  readonly pages?: PagedReading;
}

/** An input the pipeline cannot use, with a reason a user can act on. */
export class InputError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'InputError';
  }
}
