/**
 * The scanned-image extractor: PNG, JPEG or TIFF pages (scans or photos of forms) read by OCR,
 * cell by cell, into the same blocks as PDF pages — a multi-page TIFF's tables continue across
 * pages as a PDF's do.
 */
import { InputError, type Extractor } from './types.js';
import { pageBlocks, type PageItem, pagesToBlocks } from '../layout/page/assemble.js';
import type { PageFrame } from '../schemas/document.js';
import { ocrFrame, ocrNote, readScannedPage } from './scan/page.js';
import { decodeImage, decodeTiff, type ImagePage } from './scan/raster.js';

const SUPPORTED = new Set(['image/png', 'image/jpeg', 'image/tiff']);
/** Scans carry no usable resolution often enough that a form page's size decides it: A4's long side is 11.69 in. */
export function dpiOf(width: number, height: number): number {
  const longSide = Math.max(width, height);
  return Math.max(100, Math.round(longSide / 11.69));
}

/** A recorded resolution is used when plausible for a scan; 72 dpi and less is a default some software writes. */
export function pageDpi(page: ImagePage): number {
  const { width, height } = page.canvas;
  return page.dpi !== null && page.dpi > 72 && page.dpi <= 1200 ? page.dpi : dpiOf(width, height);
}

/** A PNG ends with its IEND chunk and a JPEG with its EOI marker; a cut file has neither. */
function truncation(bytes: Uint8Array): string | null {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 64)));
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return tail.includes('IEND') ? null : 'no IEND chunk at its end';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return tail.includes(Buffer.from([0xff, 0xd9])) ? null : 'no end-of-image marker';
  return null;
}

/** The pages of an image file: every page of a TIFF, the one picture of a PNG or JPEG. */
export async function imagePages(bytes: Uint8Array): Promise<ImagePage[]> {
  const isTiff = (bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d);
  if (isTiff) return decodeTiff(bytes);
  return [{ canvas: await decodeImage(bytes), dpi: null }];
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
    let images: ImagePage[];
    try {
      images = await imagePages(bytes);
    } catch (error) {
      throw new InputError(path, `the image cannot be decoded (${(error as Error).message}): the file is damaged or truncated`);
    }
    if (images.length === 0) throw new InputError(path, 'the TIFF holds no image');
    const pages: PageItem[][] = [];
    const frames: PageFrame[] = [];
    const warnings: string[] = [];
    let line = 1;
    for (const [i, image] of images.entries()) {
      const dpi = pageDpi(image);
      const scanned = await readScannedPage(image.canvas, i + 1, dpi, options?.ocrEngine);
      warnings.push(ocrNote(images.length > 1 ? `page ${i + 1}: scanned image` : 'scanned image', scanned));
      if (scanned.content.blank) continue;
      const items = pageBlocks(scanned.content, line);
      line += items.length;
      pages.push(items);
      frames.push(ocrFrame(scanned, dpi));
    }
    if (pages.length === 0) throw new InputError(path, `the image holds no text or table${named}`);
    return { encoding: null, blocks: pagesToBlocks(pages, warnings), pages: frames, warnings };
  },
};
