/**
 * Crops of PDF pages and scanned images around a field's box, for the review report: the reviewer
 * sees the printed cell beside the value read from it. Each page is drawn again from the frame the
 * extractor recorded (schemas/document.ts, PageFrame): a PDF page rendered with pdf.js onto
 * @napi-rs/canvas at the frame's rotation, and a page read by OCR then turned and deskewed by the
 * frame's turns and skew, in the order the OCR path applied them. Nothing is detected again, so
 * boxes and pixels line up with what was read.
 */
import { readFileSync } from 'node:fs';
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import type { PageFrame } from '../schemas/document.js';
import { openPdf } from '../extractors/pdfText.js';
import { renderPdfPage, rotate, turnCanvas } from '../extractors/scan/raster.js';
import { imagePages } from '../extractors/scanImage.js';

/** pixels per PDF point (144 dpi) */
const SCALE = 2;
/** points of context around the box */
const MARGIN = 12;

type PageKind = 'pdf' | 'image';

/** A scanned image's page at the scale the crops use: its boxes are in points at the dpi it was read at. */
async function imagePage(path: string, frame: PageFrame): Promise<Canvas | null> {
  const page = (await imagePages(readFileSync(path)))[frame.page - 1];
  if (!page || frame.dpi === null) return null;
  const factor = (72 * SCALE) / frame.dpi;
  const canvas = createCanvas(Math.round(page.canvas.width * factor), Math.round(page.canvas.height * factor));
  canvas.getContext('2d').drawImage(page.canvas, 0, 0, canvas.width, canvas.height);
  return canvas;
}

/** A PDF page rendered at the rotation its frame records (a text layer's boxes are in that rotation). */
async function pdfPage(path: string, frame: PageFrame): Promise<Canvas> {
  const pdf = await openPdf(readFileSync(path), path);
  try {
    return await renderPdfPage(await pdf.getPage(frame.page), 72 * SCALE, frame.rotation);
  } finally {
    await pdf.destroy();
  }
}

/** A page read by OCR as its boxes see it: turned upright, then deskewed (uprightPage in extractors/scan/page.ts). */
function asRead(page: Canvas, frame: PageFrame): Canvas {
  return frame.read === 'ocr' ? rotate(turnCanvas(page, frame.turns), frame.skew) : page;
}

export class PageCropper {
  private readonly pages = new Map<string, Promise<Canvas | null>>();

  private render(path: string, frame: PageFrame, kind: PageKind): Promise<Canvas | null> {
    const key = `${path}#${kind}#${JSON.stringify(frame)}`;
    let rendered = this.pages.get(key);
    if (!rendered) {
      rendered = (async () => {
        try {
          const page = kind === 'image' ? await imagePage(path, frame) : await pdfPage(path, frame);
          return page && asRead(page, frame);
        } catch {
          return null; // the file moved or cannot be rendered: the report shows the text only
        }
      })();
      this.pages.set(key, rendered);
    }
    return rendered;
  }

  /** A PNG data URI of the page `frame` describes around `bbox` (points), or null when the page cannot be rendered. */
  async crop(path: string, frame: PageFrame, bbox: readonly number[], kind: PageKind = 'pdf'): Promise<string | null> {
    const page = await this.render(path, frame, kind);
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
