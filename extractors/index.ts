/** The extractor table: one entry per input kind, asked in order. */
import { fileTypeFromBuffer } from 'file-type';
import { ocrTextExtractor } from './ocrText.js';
import { pdfTextExtractor } from './pdfText.js';
import { scanImageExtractor } from './scanImage.js';
import { spreadsheetExtractor } from './spreadsheet.js';
import { type Extractor, InputError } from './types.js';
import { webPageExtractor } from './webPage.js';
import { wordExtractor } from './word.js';

/**
 * Asked in order. A whole web page (doctype, <html>) or .mht archive goes to the web-page reader
 * before the OCR-text reader, which keeps text files holding HTML table fragments; workbooks and
 * Word documents are recognised by their container's parts, not by their names.
 */
export const EXTRACTORS: readonly Extractor[] = [webPageExtractor, ocrTextExtractor, pdfTextExtractor, scanImageExtractor, spreadsheetExtractor, wordExtractor];

/** Pick the extractor for a file by sniffing its bytes (never by extension alone). */
export async function chooseExtractor(path: string, bytes: Uint8Array): Promise<Extractor> {
  const head = bytes.subarray(0, 4100);
  const sniffed = await fileTypeFromBuffer(head);
  const mime = sniffed?.mime ?? null;
  const extractor = EXTRACTORS.find((e) => e.supports({ path, head, mime, bytes }));
  if (extractor) return extractor;
  if (mime?.startsWith('image/')) {
    const named = /\.pdf$/i.test(path) ? ` although it is named .pdf` : '';
    throw new InputError(path, `unsupported image type (${mime})${named}: convert it to PNG, JPEG or TIFF`);
  }
  throw new InputError(path, mime ? `unsupported file type ${mime}` : 'unsupported file: expected OCR text (.txt, .md, .tsv, .html), a PDF, an image, a workbook (.xlsx, .xls, .et), a Word document (.docx, .doc, .wps) or a saved web page (.html, .mht)');
}

export { InputError } from './types.js';
