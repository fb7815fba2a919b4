/** The extractor table: one entry per input kind, asked in order. */
import { fileTypeFromBuffer } from 'file-type';
import { ocrTextExtractor } from './ocrText.js';
import { pdfTextExtractor } from './pdfText.js';
import { scanImageExtractor } from './scanImage.js';
import { type Extractor, InputError } from './types.js';

export const EXTRACTORS: readonly Extractor[] = [ocrTextExtractor, pdfTextExtractor, scanImageExtractor];

/** Pick the extractor for a file by sniffing its bytes (never by extension alone). */
export async function chooseExtractor(path: string, bytes: Uint8Array): Promise<Extractor> {
  const head = bytes.subarray(0, 4100);
  const sniffed = await fileTypeFromBuffer(head);
  const mime = sniffed?.mime ?? null;
  const extractor = EXTRACTORS.find((e) => e.supports({ path, head, mime }));
  if (extractor) return extractor;
  if (mime?.startsWith('image/')) {
    const named = /\.pdf$/i.test(path) ? ` although it is named .pdf` : '';
    throw new InputError(path, `unsupported image type (${mime})${named}: convert it to PNG, JPEG or TIFF`);
  }
  throw new InputError(path, mime ? `unsupported file type ${mime}` : 'unsupported file: expected OCR text (.txt, .md, .tsv, .html)');
}

export { InputError } from './types.js';
