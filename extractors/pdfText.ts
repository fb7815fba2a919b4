/**
 * The PDF text-layer extractor: pdf.js gives each page's text runs and drawing operators, and the
 * layout layer (layout/page/) assembles them into tables and lines, page by page. The result
 * is the same blocks the OCR-text path produces, with page and box on every cell, so every later
 * stage is shared. Pages whose text layer is missing or garbled are read by OCR (extractors/scan),
 * or reported when OCR is switched off.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type PageContent, pageBlocks, pagesToBlocks, shiftLines } from '../layout/page/assemble.js';
import type { PageFrame } from '../schemas/document.js';
import { loadPdfjs, restoreNativeBuiltins } from './pdf/pdfjs.js';
import { readPage } from './pdf/pageContent.js';
import { ocrFrame, ocrNote, readScannedPage } from './scan/page.js';
import type { OcrEngineName } from '../schemas/options.js';
import { renderPdfPage } from './scan/raster.js';
import { type Extraction, type Extractor, InputError, type PageRange, type PagesRead } from './types.js';
import { DEFAULTS } from '../schemas/options.js';

const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

export interface PdfOptions {
  password?: string;
  /** read pages without a usable text layer by OCR @default true */
  ocr?: boolean;
  /** resolution pages are rendered at for OCR @default 300 */
  dpi?: number;
  /** the OCR engine @default paddle */
  ocrEngine?: OcrEngineName;
}

export async function openPdf(bytes: Uint8Array, path: string, options: PdfOptions = {}): Promise<PDFDocumentProxy> {
  const { getDocument } = await loadPdfjs();
  const task = getDocument({
    // pdf.js takes ownership of (and detaches) the buffer it is given
    data: new Uint8Array(bytes),
    password: options.password,
    cMapUrl: join(PDFJS_DIR, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts') + '/',
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    const pdf = await task.promise;
    restoreNativeBuiltins();
    return pdf;
  } catch (error) {
    restoreNativeBuiltins();
    const name = (error as Error).name;
    const message = (error as Error).message;
    if (name === 'PasswordException') {
      throw new InputError(path, options.password ? 'encrypted PDF: the password given is wrong' : 'encrypted PDF: supply --password to read it');
    }
    if (name === 'InvalidPDFException') throw new InputError(path, `not a readable PDF (${message}): the file is damaged or truncated`);
    throw new InputError(path, `PDF could not be opened: ${(error as Error).message}`);
  }
}

/** The frame of a page read from its text layer: rendered at the rotation its boxes were placed in, nothing else. */
function textLayerFrame({ page, width, height, rotation }: PageContent): PageFrame {
  return { page, width, height, rotation, turns: 0, skew: 0, dpi: null, read: 'text_layer' };
}

/** The pages of a PDF, opening it only (no page is read): to decide whether to read it in parts. */
export async function pdfPageCount(bytes: Uint8Array, path: string, options: PdfOptions = {}): Promise<number> {
  const pdf = await openPdf(bytes, path, options);
  try {
    return pdf.numPages;
  } finally {
    await pdf.destroy();
  }
}

/** Pages `range` of a PDF (all of them by default), each read into its layout; `joinPdfPages` puts ranges together. */
export async function readPdfPages(bytes: Uint8Array, path: string, options: PdfOptions = {}, range?: PageRange): Promise<PagesRead> {
  const pdf = await openPdf(bytes, path, options);
  const read: PagesRead = { pageCount: pdf.numPages, pages: [], frames: [], blank: 0, unusable: [], warnings: [], errors: [] };
  try {
    if (read.pageCount === 0) throw new InputError(path, 'the PDF has no pages');
    let line = 1;
    for (let n = range?.first ?? 1; n <= (range?.last ?? read.pageCount); n++) {
      const page = await pdf.getPage(n);
      let content = await readPage(page);
      let frame = textLayerFrame(content);
      if (content.unusable && options.ocr !== false) {
        const reason = content.unusable;
        const dpi = options.dpi ?? DEFAULTS.dpi;
        // rendered at the page's own /Rotate; OCR finds the upright turn and the skew
        const scanned = await readScannedPage(await renderPdfPage(page, dpi, page.rotate), n, dpi, options.ocrEngine);
        content = scanned.content;
        frame = ocrFrame(scanned, dpi, page.rotate);
        read.warnings.push(ocrNote(`page ${n}: ${reason}`, scanned));
      }
      page.cleanup();
      if (content.blank) {
        read.blank++;
        continue;
      }
      if (content.unusable) {
        read.unusable.push(`page ${n}: ${content.unusable}`);
        read.errors.push(`page ${n}: ${content.unusable}; OCR is switched off (--no-ocr), so its forms are missing`);
        continue;
      }
      const items = pageBlocks(content, line);
      line += items.length;
      read.pages.push(items);
      read.frames.push(frame);
    }
  } finally {
    await pdf.destroy();
  }
  return read;
}

/** A PDF's pages read in ranges (in page order, every page once) joined: tables continued across pages, furniture, lines numbered through. */
export function joinPdfPages(parts: readonly PagesRead[], path: string): Extraction {
  const pageCount = parts[0]!.pageCount;
  const blank = parts.reduce((n, part) => n + part.blank, 0);
  const unusable = parts.flatMap((part) => part.unusable);
  if (blank === pageCount) throw new InputError(path, `the PDF has no content (${pageCount === 1 ? 'its only page is blank' : `all ${pageCount} pages are blank`})`);
  if (unusable.length + blank === pageCount) {
    const rest = unusable.length - 1;
    const more = rest > 0 ? ` (and ${rest} more page${rest > 1 ? 's' : ''})` : '';
    throw new InputError(path, `no page has a usable text layer — ${unusable[0]}${more}; OCR is switched off (--no-ocr)`);
  }
  let linesBefore = 0;
  for (const part of parts) {
    const lines = part.pages.reduce((n, items) => n + items.length, 0);
    for (const items of part.pages) shiftLines(items, linesBefore);
    linesBefore += lines;
  }
  const notes: string[] = [];
  const blocks = pagesToBlocks(parts.flatMap((part) => part.pages), notes);
  return {
    encoding: null, blocks, pages: parts.flatMap((part) => part.frames),
    warnings: [...parts.flatMap((part) => part.warnings), ...notes], errors: parts.flatMap((part) => part.errors),
  };
}

export async function extractPdf(bytes: Uint8Array, path: string, options: PdfOptions = {}): Promise<Extraction> {
  return joinPdfPages([await readPdfPages(bytes, path, options)], path);
}

export const pdfTextExtractor: Extractor = {
  kind: 'pdf',
  supports({ mime }) {
    return mime === 'application/pdf';
  },
  extract(bytes, path, options) {
    return extractPdf(bytes, path, options);
  },
  pages: {
    pageCount: pdfPageCount,
    read: (bytes, path, range, options) => readPdfPages(bytes, path, options, range),
    join: joinPdfPages,
  },
};
