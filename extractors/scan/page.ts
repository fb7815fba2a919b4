/**
 * One scanned page read cell by cell: deskew, binarise, find the ruling grid, OCR each cell's
 * crop (one line or a block, by the cell's shape) and the text outside the tables. The result is
 * the same page content the text-layer reader gives, so tables, merged cells and continuations
 * are handled by the same code.
 */
import type { Canvas } from '@napi-rs/canvas';
import type { Repair } from '../../schemas/document.js';
import type { PlacedText } from '../pdf/geometry.js';
import { latticeTables } from '../pdf/lattice.js';
import type { PageContent } from '../pdf/pageContent.js';
import { binarise, type Gray, rotate, skewAngle, toGray } from './raster.js';
import { rulingLines } from './grid.js';
import { type OcrEngineName, ocrEngine } from './ocr.js';

const LIST_ITEM = /^(\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])/;

/** OCR lines of one cell joined as the reader reads them: wrapped lines run on, list items start a line. */
function joinOcrLines(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean)
    .reduce((out, line, i) => (i === 0 ? line : `${out}${LIST_ITEM.test(line) ? '\n' : ''}${line}`), '');
}

/**
 * What chi_sim makes of the signs these forms print before numbers: ≥ comes out as 之, 过, 衬 or a
 * quote mark, ≤ as 委 or 冬. Only a sign directly before a number is corrected. Specks of the
 * ruling read as dashes, bars or commas at a cell's edges are dropped.
 */
export function correctOcrCell(text: string): string {
  return text
    .replace(/^[-—_|，,.。:;'"”“‘’、\s]+/, '')
    .replace(/[|_\-'"”“‘’，,\s]+$/, '')
    .replace(/^[之过衬”"〉全]\s*(?=\d)/, '≥')
    .replace(/^[委冬〈乏]\s*(?=\d)/, '≤');
}

const MARGIN = 8;

/** A region of the page with a white margin around it, as engines read text best off a border. */
function crop(gray: Gray, x0: number, y0: number, x1: number, y1: number): Gray {
  const [left, top] = [Math.max(0, Math.round(x0)), Math.max(0, Math.round(y0))];
  const w = Math.max(1, Math.min(gray.width, Math.round(x1)) - left);
  const h = Math.max(1, Math.min(gray.height, Math.round(y1)) - top);
  const width = w + 2 * MARGIN;
  const data = new Uint8Array(width * (h + 2 * MARGIN)).fill(255);
  for (let y = 0; y < h; y++) data.set(gray.data.subarray((top + y) * gray.width + left, (top + y) * gray.width + left + w), (y + MARGIN) * width + MARGIN);
  return { width, height: h + 2 * MARGIN, data, dpi: gray.dpi };
}

function inkShare(ink: Uint8Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  let total = 0;
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) for (let x = Math.floor(x0); x < Math.ceil(x1); x++) { n += ink[y * width + x] ?? 0; total++; }
  return total === 0 ? 0 : n / total;
}

export interface ScannedPage { content: PageContent; skew: number; confidences: number[] }

export async function readScannedPage(source: Canvas, pageNumber: number, dpi: number, engineName?: OcrEngineName): Promise<ScannedPage> {
  const engine = await ocrEngine(engineName);
  const first = toGray(source, dpi);
  const skew = skewAngle(first, binarise(first));
  const canvas = rotate(source, skew);
  const gray = skew === 0 ? first : toGray(canvas, dpi);
  const ink = binarise(gray);
  const rules = rulingLines(gray, ink);
  const px = dpi / 72;
  // stay clear of the ruling (a few pixels thick, and not perfectly straight after deskewing)
  const inset = Math.max(4, Math.round(0.03 * dpi));
  const { tables } = latticeTables(rules, []);
  const texts: PlacedText[] = [];
  const confidences: number[] = [];
  for (const table of tables) {
    for (const cell of table.cells) {
      const [x0, y0, x1, y1] = [cell.x0 * px + inset, cell.y0 * px + inset, cell.x1 * px - inset, cell.y1 * px - inset];
      if (x1 - x0 < 4 || y1 - y0 < 4 || inkShare(ink, gray.width, x0, y0, x1, y1) < 0.002) continue;
      const shape = cell.y1 - cell.y0 < 26 ? 'line' : 'block';
      const { text, confidence } = await engine.read(crop(gray, x0, y0, x1, y1), shape);
      const read = joinOcrLines(text);
      const joined = correctOcrCell(read);
      if (joined === '') continue;
      confidences.push(confidence);
      // the OCR read and any domain correction are evidence on every field read from this cell
      const repairs: Repair[] = [{ rule: 'ocr', before: '', after: read, confidence: Math.round(confidence * 1000) / 1000 }];
      if (joined !== read) repairs.push({ rule: 'ocr_sign_and_speck_correction', before: read, after: joined, confidence: 0.9 });
      const cx = (cell.x0 + cell.x1) / 2;
      const cy = (cell.y0 + cell.y1) / 2;
      texts.push({ text: joined, size: 10, x0: cx - 1, x1: cx + 1, y0: cy - 1, y1: cy + 1, repairs });
    }
  }
  // text outside the tables: the bands above, between and below them
  const heightPt = gray.height / px;
  const widthPt = gray.width / px;
  const edges = [0, ...tables.flatMap((t) => [t.y0, t.y1]), heightPt];
  for (let k = 0; k + 1 < edges.length; k += 2) {
    const [top, bottom] = [edges[k]! + 2, edges[k + 1]! - 2];
    if (bottom - top < 8 || inkShare(ink, gray.width, 0, top * px, gray.width, bottom * px) < 0.0005) continue;
    const { text, confidence } = await engine.read(crop(gray, 0, top * px, gray.width, bottom * px), 'block');
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    lines.forEach((line, i) => {
      const y = top + ((i + 0.5) * (bottom - top)) / lines.length;
      texts.push({ text: line, size: 10, x0: 20, x1: 20 + line.length * 10, y0: y - 4, y1: y + 4 });
    });
    if (lines.length > 0) confidences.push(confidence);
  }
  return {
    content: { page: pageNumber, width: widthPt, height: heightPt, texts, rules, unusable: null, blank: texts.length === 0, rotation: 0 },
    skew, confidences,
  };
}
