/**
 * One scanned page read cell by cell: deskew, binarise, find the ruling grid, OCR each cell's
 * crop (one line or a block, by the cell's shape) and the text outside the tables. The result is
 * the same page content the text-layer reader gives, so tables, merged cells and continuations
 * are handled by the same code.
 */
import type { Canvas } from '@napi-rs/canvas';
import type { PageFrame, Repair } from '../../schemas/document.js';
import type { PageContent } from '../../layout/page/assemble.js';
import type { PlacedText } from '../../layout/page/geometry.js';
import { type GridTable, latticeTables } from '../../layout/page/lattice.js';
import { turnGray, uprightTurns } from './orientation.js';
import { binarise, type Gray, rotate, skewAngle, toGray, turnCanvas } from './raster.js';
import { rulingLines } from './grid.js';
import type { OcrEngineName } from '../../schemas/options.js';
import { type OcrEngine, ocrEngine } from './ocr.js';

const LIST_ITEM = /^(\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])/;

/** OCR lines of one cell joined as the reader reads them: wrapped lines run on, list items start a line. */
function joinOcrLines(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean)
    .reduce((out, line, i) => (i === 0 ? line : `${out}${LIST_ITEM.test(line) ? '\n' : ''}${line}`), '');
}

/**
 * OCR slips these forms make predictable. What chi_sim makes of the signs printed before numbers:
 * ≥ comes out as 之, 过, 衬 or a quote mark, ≤ as 委 or 冬; only a sign directly before a number is
 * corrected. Specks of the ruling or the paper, read as dashes, bars, commas or dots at a cell's
 * edges, after a number or between two Chinese characters, are dropped.
 */
export function correctOcrCell(text: string): string {
  const cleaned = text
    .replace(/^[-—_|，,.。:;'"”“‘’、·•\s]+/, '')
    .replace(/[|_\-'"”“‘’，,·•\s]+$/, '')
    .replace(/(?<=\d)\.$|(?<=\d)[.·•](?=[\u4e00-\u9fff])/g, '')
    .replace(/(?<=[\u4e00-\u9fff])[·•]+(?=[\u4e00-\u9fff])|(?<=\n)[·•]+/g, '')
    .replace(/^[之过衬”"〉全]\s*(?=\d)/, '≥')
    .replace(/^[委冬〈乏]\s*(?=\d)/, '≤');
  // a short cell of digits and their Latin look-alikes ("io", "1O0", "9l") is a number: scores,
  // weights and counts are the only such cells these forms print
  return NUMBER_LOOKALIKES.test(cleaned) && /[oOilI]/.test(cleaned) ? cleaned.replace(/[oO]/g, '0').replace(/[ilI]/g, '1') : cleaned;
}

const NUMBER_LOOKALIKES = /^(?=.*[\doO])[\doOilI]{2,4}(?:\.\d{1,2})?%?$/;

const MARGIN = 8;
/**
 * A run's inked height is about its font size: CJK glyphs fill most of the em and a scan's blur
 * adds the rest (measured 0.96–1.05 em on the 150-dpi sample against its PDF's font size). An
 * overestimate loosens every text tolerance, and then a header row and the row under it merge.
 */
const INK_HEIGHT_PER_SIZE = 1.0;

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

/**
 * The box of a text run's ink inside a detected region (pixels): the band of rows around the
 * densest row that all hold ink, which leaves out specks and the edge of a neighbouring line the
 * region caught, then the columns with ink in that band. Null when the region holds no ink.
 */
function inkBounds(ink: Uint8Array, width: number, region: { x0: number; y0: number; x1: number; y1: number }): { x0: number; y0: number; x1: number; y1: number } | null {
  const height = ink.length / width;
  const [left, right] = [Math.max(0, Math.floor(region.x0)), Math.min(width, Math.ceil(region.x1))];
  const [top, bottom] = [Math.max(0, Math.floor(region.y0)), Math.min(height, Math.ceil(region.y1))];
  const rows: number[] = [];
  for (let y = top; y < bottom; y++) {
    let n = 0;
    for (let x = left; x < right; x++) n += ink[y * width + x]!;
    rows.push(n);
  }
  const peak = Math.max(0, ...rows);
  if (peak === 0) return null;
  const floor = Math.max(1, 0.03 * peak);
  let [from, to] = [rows.indexOf(peak), rows.indexOf(peak)];
  while (from > 0 && rows[from - 1]! >= floor) from--;
  while (to + 1 < rows.length && rows[to + 1]! >= floor) to++;
  let [x0, x1] = [Infinity, -1];
  for (let y = top + from; y <= top + to; y++) {
    for (let x = left; x < right; x++) if (ink[y * width + x]) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
  }
  return { x0, y0: top + from, x1: x1 + 1, y1: top + to + 1 };
}

function inkShare(ink: Uint8Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  let total = 0;
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) for (let x = Math.floor(x0); x < Math.ceil(x1); x++) { n += ink[y * width + x] ?? 0; total++; }
  return total === 0 ? 0 : n / total;
}

/** Ink share a line of pixels along a cell's edge must reach to be part of its ruling (with its blurred halo). */
const RULE_INK = 0.3;

/**
 * Given a cell's box (pixels) on the binarised page, return it shrunk past the ruling on each
 * side: inward from the drawn line while a column (row) of pixels along the edge is mostly ink,
 * then a clearance, never more than `maxInset` — on a side only where `maxInset` would cut ink. A fixed inset cut into text that office suites
 * print less than a point from the rule (a right-aligned "10" read as "1C", a left-aligned
 * "10辆" as "LO辆"); where no white line separates rule and text the full inset is kept.
 */
export function ruleFreeBox(
  ink: Uint8Array, width: number, dpi: number, box: { x0: number; y0: number; x1: number; y1: number }, maxInset: number,
): [number, number, number, number] {
  const height = ink.length / width;
  const clearance = Math.max(1, Math.round(0.01 * dpi));
  const share = (horizontal: boolean, at: number, from: number, to: number): number => {
    let n = 0;
    let total = 0;
    for (let t = Math.max(0, Math.floor(from)); t < Math.min(horizontal ? width : height, Math.ceil(to)); t++) {
      n += (horizontal ? ink[at * width + t] : ink[t * width + at]) ?? 0;
      total++;
    }
    return total === 0 ? 0 : n / total;
  };
  const side = (horizontal: boolean, edge: number, inward: 1 | -1, from: number, to: number): number => {
    const limit = horizontal ? height : width;
    let seen = false;
    for (let d = -3; d <= maxInset; d++) {
      const at = Math.round(edge) + inward * d;
      if (at < 0 || at >= limit) continue;
      const rule = share(horizontal, at, from, to) >= RULE_INK;
      if (rule) seen = true;
      else if (seen) return Math.min(maxInset, Math.max(1, d + clearance));
    }
    return maxInset;
  };
  // a side moves closer to its rule only where the full inset would cut ink (text printed close to the rule)
  const inset = (horizontal: boolean, edge: number, inward: 1 | -1, from: number, to: number): number => {
    const at = Math.round(edge) + inward * maxInset;
    return share(horizontal, at, from, to) > 0 ? side(horizontal, edge, inward, from, to) : maxInset;
  };
  // each edge is measured away from the corners, where the crossing rules would count as ink
  const left = inset(false, box.x0, 1, box.y0 + maxInset, box.y1 - maxInset);
  const right = inset(false, box.x1, -1, box.y0 + maxInset, box.y1 - maxInset);
  // above and below, cell text keeps its distance from the rule in every layout seen: the full inset stays
  const top = maxInset;
  const bottom = maxInset;
  return [box.x0 + left, box.y0 + top, box.x1 - right, box.y1 - bottom];
}

/** A page read by OCR: its content, the quarter turns that made it upright, its skew and the OCR confidences. */
export interface ScannedPage { content: PageContent; turns: number; skew: number; confidences: number[] }

/** What the engine read, corrected by the domain, with both as evidence (repairs) on every field read from it. */
function corrected(read: string, confidence: number): { text: string; repairs: Repair[] } {
  const text = correctOcrCell(read);
  const repairs: Repair[] = [{ rule: 'ocr', before: '', after: read, confidence: Math.round(confidence * 1000) / 1000 }];
  if (text !== read) repairs.push({ rule: 'ocr_domain_correction', before: read, after: text, confidence: 0.9 });
  return { text, repairs };
}

interface Scan { gray: Gray; ink: Uint8Array; engine: OcrEngine; px: number; texts: PlacedText[]; confidences: number[] }

/** Each cell of the ruled tables, read as one line or a block by its shape; the text sits at the cell's centre. */
async function readCells(scan: Scan, tables: readonly GridTable[]): Promise<void> {
  const { gray, ink, px } = scan;
  // stay clear of the ruling (a few pixels thick, and not perfectly straight after deskewing)
  const inset = Math.max(4, Math.round(0.03 * gray.dpi));
  for (const cell of tables.flatMap((t) => t.cells)) {
    const [x0, y0, x1, y1] = ruleFreeBox(ink, gray.width, gray.dpi, { x0: cell.x0 * px, y0: cell.y0 * px, x1: cell.x1 * px, y1: cell.y1 * px }, inset);
    if (x1 - x0 < 4 || y1 - y0 < 4 || inkShare(ink, gray.width, x0, y0, x1, y1) < 0.002) continue;
    const shape = cell.y1 - cell.y0 < 26 ? 'line' : 'block';
    const read = await scan.engine.read(crop(gray, x0, y0, x1, y1), shape);
    const { text, repairs } = corrected(joinOcrLines(read.text), read.confidence);
    if (text === '') continue;
    scan.confidences.push(read.confidence);
    const [cx, cy] = [(cell.x0 + cell.x1) / 2, (cell.y0 + cell.y1) / 2];
    scan.texts.push({ text, size: 10, x0: cx - 1, x1: cx + 1, y0: cy - 1, y1: cy + 1, repairs });
  }
}

/**
 * The text outside the ruled tables (titles, header lines, an unruled table): the bands above,
 * between and below them, read as placed runs so the text-layer readers (lines, stream tables)
 * apply to them as to a PDF's text.
 */
async function readBands(scan: Scan, tables: readonly GridTable[]): Promise<void> {
  const { gray, ink, px } = scan;
  const edges = [0, ...tables.flatMap((t) => [t.y0, t.y1]), gray.height / px];
  for (let k = 0; k + 1 < edges.length; k += 2) {
    const [top, bottom] = [edges[k]! + 2, edges[k + 1]! - 2];
    if (bottom - top < 8 || inkShare(ink, gray.width, 0, top * px, gray.width, bottom * px) < 0.0005) continue;
    for (const box of await scan.engine.readBoxes(crop(gray, 0, top * px, gray.width, bottom * px))) {
      const { text, repairs } = corrected(box.text, box.confidence);
      if (text === '') continue;
      scan.confidences.push(box.confidence);
      // the detector's box has a margin around the text: place the run by its ink, as a text layer would
      const detected = { x0: box.x0 - MARGIN, y0: top * px + box.y0 - MARGIN, x1: box.x1 - MARGIN, y1: top * px + box.y1 - MARGIN };
      const placed = inkBounds(ink, gray.width, detected) ?? detected;
      const size = (placed.y1 - placed.y0) / px / INK_HEIGHT_PER_SIZE;
      scan.texts.push({ text, x0: placed.x0 / px, x1: placed.x1 / px, y0: placed.y0 / px, y1: placed.y1 / px, size, repairs });
    }
  }
}

/**
 * A scanned page as it is read: turned upright, then deskewed. Boxes of OCR'd fields are in this
 * page's frame; its turns and skew are recorded (`ocrFrame`) so the review report's crops are cut
 * from the same page without detecting them again.
 */
async function uprightPage(scan: Canvas, dpi: number): Promise<{ gray: Gray; ink: Uint8Array; turns: number; skew: number }> {
  const scanned = toGray(scan, dpi);
  const turns = await uprightTurns(scanned);
  const first = turnGray(scanned, turns);
  const firstInk = binarise(first);
  const skew = skewAngle(first, firstInk);
  // a straight page keeps its binarised image; a skewed one is turned, rotated and binarised again
  if (skew === 0) return { gray: first, ink: firstInk, turns, skew };
  const gray = toGray(rotate(turnCanvas(scan, turns), skew), dpi);
  return { gray, ink: binarise(gray), turns, skew };
}

/** What the OCR path did on a page, for the document's warnings. */
export function ocrNote(what: string, scanned: ScannedPage): string {
  const mean = scanned.confidences.length ? scanned.confidences.reduce((a, b) => a + b, 0) / scanned.confidences.length : 0;
  const turned = scanned.turns === 0 ? '' : `turned ${scanned.turns * 90}° clockwise, `;
  return `${what}; read by OCR (${turned}deskewed ${scanned.skew}°, ${scanned.confidences.length} regions, mean confidence ${mean.toFixed(2)})`;
}

/**
 * The frame of a page read by OCR: rendered at `rotation` (a PDF page's /Rotate; 0 for an image),
 * then turned and deskewed as `uprightPage` did, so a crop can be cut from the page OCR read.
 */
export function ocrFrame(scanned: ScannedPage, dpi: number, rotation = 0): PageFrame {
  const { page, width, height } = scanned.content;
  return { page, width, height, rotation, turns: scanned.turns, skew: scanned.skew, dpi, read: 'ocr' };
}

export async function readScannedPage(scan: Canvas, pageNumber: number, dpi: number, engineName?: OcrEngineName): Promise<ScannedPage> {
  const { gray, ink, turns, skew } = await uprightPage(scan, dpi);
  const rules = rulingLines(gray, ink);
  const { tables } = latticeTables(rules, []);
  const page: Scan = { gray, ink, engine: await ocrEngine(engineName), px: dpi / 72, texts: [], confidences: [] };
  await readCells(page, tables);
  await readBands(page, tables);
  return {
    content: {
      page: pageNumber, width: gray.width / page.px, height: gray.height / page.px, texts: page.texts, rules, unusable: null, blank: page.texts.length === 0, rotation: 0,
    },
    turns, skew, confidences: page.confidences,
  };
}
