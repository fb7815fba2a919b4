/**
 * The scanned-image extractor: a PNG or JPEG page (a scan or a photo of a form) read by OCR, cell
 * by cell, into the same blocks as a PDF page.
 */
import { InputError, type Extractor } from './types.js';
import { joinPages, ocrNote, pageBlocks } from './pdfText.js';
import { readScannedPage } from './scan/page.js';
import { decodeImage } from './scan/raster.js';

const SUPPORTED = new Set(['image/png', 'image/jpeg']);
/** Scans carry no usable resolution often enough that a form page's size decides it: A4's long side is 11.69 in. */
export function dpiOf(width: number, height: number): number {
  const longSide = Math.max(width, height);
  return Math.max(100, Math.round(longSide / 11.69));
}

/** A PNG ends with its IEND chunk and a JPEG with its EOI marker; a cut file has neither. */
function truncation(bytes: Uint8Array): string | null {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 64)));
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return tail.includes('IEND') ? null : 'no IEND chunk at its end';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return tail.includes(Buffer.from([0xff, 0xd9])) ? null : 'no end-of-image marker';
  return null;
}

export const scanImageExtractor: Extractor = {
  kind: 'image',
  supports({ mime }) {
    return mime !== null && SUPPORTED.has(mime);
  },
  async extract(bytes, path, options) {
    const named = /\.pdf$/i.test(path) ? ' (an image file named .pdf)' : '';
    if (options?.ocr === false) throw new InputError(path, `a scanned image${named}, and OCR is switched off (--no-ocr)`);
    const truncated = truncation(bytes);
    if (truncated) throw new InputError(path, `the image is truncated (${truncated})${named}: get an intact copy`);
    let canvas;
    try {
      canvas = await decodeImage(bytes);
    } catch (error) {
      throw new InputError(path, `the image cannot be decoded (${(error as Error).message}): the file is damaged or truncated`);
    }
    const dpi = dpiOf(canvas.width, canvas.height);
    const scanned = await readScannedPage(canvas, 1, dpi, options?.ocrEngine);
    if (scanned.content.blank) throw new InputError(path, `the image holds no text or table${named}`);
    return { encoding: null, blocks: joinPages([pageBlocks(scanned.content, 1)]), warnings: [ocrNote('scanned image', scanned)] };
  },
};
