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

/** One input kind. `supports` sniffs the bytes and name; `extract` turns them into blocks. */
export interface Extractor {
  readonly kind: SourceInfo['kind'];
  /** `head` is the first 4 100 bytes; `bytes` the whole file, for containers whose parts decide (zip, OLE) */
  supports(file: { path: string; head: Uint8Array; mime: string | null; bytes?: Uint8Array }): boolean;
  extract(bytes: Uint8Array, path: string, options?: { password?: string; ocr?: boolean; dpi?: number; ocrEngine?: OcrEngineName }): Promise<Extraction>;
}

/** An input the pipeline cannot use, with a reason a user can act on. */
export class InputError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'InputError';
  }
}
