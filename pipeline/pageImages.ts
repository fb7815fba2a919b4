/**
 * Crops of PDF pages and scanned images around a field's box, for the review report: the reviewer
 * sees the printed cell beside the value read from it. PDF pages are rendered with pdf.js onto
 * @napi-rs/canvas at the rotation the extractor used, and scanned pages turned upright and
 * deskewed as the OCR path read them, so boxes and pixels line up.
 */
import { readFileSync } from 'node:fs';
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { readPage } from '../extractors/pdf/pageContent.js';
import { openPdf } from '../extractors/pdfText.js';
import { renderPdfPage } from '../extractors/scan/raster.js';
import { imagePages, pageDpi } from '../extractors/scanImage.js';
import { uprightPage } from '../extractors/scan/page.js';

/** pixels per PDF point (144 dpi) */
const SCALE = 2;
/** points of context around the box */
const MARGIN = 12;

export class PageCropper {
  private readonly pages = new Map<string, Promise<Canvas | null>>();

  /** A scanned image's page at the scale the crops use (boxes are in points at the page's dpi). */
  private async image(path: string, pageNumber: number): Promise<Canvas | null> {
    const page = (await imagePages(readFileSync(path)))[pageNumber - 1];
    if (!page) return null;
    const factor = (72 * SCALE) / pageDpi(page);
    const canvas = createCanvas(Math.round(page.canvas.width * factor), Math.round(page.canvas.height * factor));
    canvas.getContext('2d').drawImage(page.canvas, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  private async pdfPage(path: string, pageNumber: number, scanned: boolean): Promise<Canvas> {
    const pdf = await openPdf(readFileSync(path), path);
    try {
      const page = await pdf.getPage(pageNumber);
      // an OCR'd page's boxes are in its upright frame; a text layer's in the page's own rotation
      if (scanned) return await renderPdfPage(page, 72 * SCALE);
      const { rotation } = await readPage(page);
      return await renderPdfPage(page, 72 * SCALE, rotation);
    } finally {
      await pdf.destroy();
    }
  }

  private render(path: string, pageNumber: number, kind: 'pdf' | 'image', scanned: boolean): Promise<Canvas | null> {
    const key = `${path}#${pageNumber}#${scanned}`;
    let rendered = this.pages.get(key);
    if (!rendered) {
      rendered = (async () => {
        try {
          const page = kind === 'image' ? await this.image(path, pageNumber) : await this.pdfPage(path, pageNumber, scanned);
          // turned and deskewed as the OCR path read it, so the boxes fall on their cells
          return page && (kind === 'image' || scanned) ? (await uprightPage(page, 72 * SCALE)).canvas : page;
        } catch {
          return null; // the file moved or cannot be rendered: the report shows the text only
        }
      })();
      this.pages.set(key, rendered);
    }
    return rendered;
  }

  /** A PNG data URI of the page around `bbox` (points), or null when the page cannot be rendered. */
  async crop(path: string, pageNumber: number, bbox: readonly number[], kind: 'pdf' | 'image' = 'pdf', scanned = kind === 'image'): Promise<string | null> {
    const page = await this.render(path, pageNumber, kind, scanned);
    if (!page || bbox.length !== 4) return null;
    const x0 = Math.max(0, Math.floor((bbox[0]! - MARGIN) * SCALE));
    const y0 = Math.max(0, Math.floor((bbox[1]! - MARGIN) * SCALE));
    const x1 = Math.min(page.width, Math.ceil((bbox[2]! + MARGIN) * SCALE));
    const y1 = Math.min(page.height, Math.ceil((bbox[3]! + MARGIN) * SCALE));
    if (x1 <= x0 || y1 <= y0) return null;
    const crop = createCanvas(x1 - x0, y1 - y0);
    const context = crop.getContext('2d');
    context.drawImage(page, x0, y0, x1 - x0, y1 - y0, 0, 0, x1 - x0, y1 - y0);
    context.strokeStyle = '#d33';
    context.lineWidth = 2;
    context.strokeRect((bbox[0]! * SCALE) - x0, (bbox[1]! * SCALE) - y0, (bbox[2]! - bbox[0]!) * SCALE, (bbox[3]! - bbox[1]!) * SCALE);
    return `data:image/png;base64,${(await crop.encode('png')).toString('base64')}`;
  }
}
