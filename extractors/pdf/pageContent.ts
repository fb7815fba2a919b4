/**
 * One PDF page read by pdf.js as the layout layer needs it (`PageContent`, layout/page/assemble.ts):
 * its text runs and its ruling lines, both placed on the upright page (rotation applied, whether it
 * comes from /Rotate or from sideways content).
 */
import iconv from 'iconv-lite';
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PageContent } from '../../layout/page/assemble.js';
import { apply, type Matrix, multiply, type PlacedText, type Rule, turnMatrix, uprightTurn } from '../../layout/page/geometry.js';
import { loadPdfjs } from './pdfjs.js';
import { restoreRadicals } from './radicals.js';

interface RawItem { str: string; transform: number[]; width: number; height: number }

/** A ruling is a filled or stroked shape at most this thick (points). */
const MAX_RULE_THICKNESS = 3;
/** Shapes shorter than this are glyph-like marks, not rulings. */
const MIN_RULE_LENGTH = 4;

export async function readPage(page: PDFPageProxy): Promise<PageContent> {
  const viewport = page.getViewport({ scale: 1 });
  const toView = viewport.transform as Matrix;
  const content = await page.getTextContent({ disableNormalization: false });
  const items = (content.items as Array<RawItem | { type: string }>).filter((i): i is RawItem => 'str' in i && i.str.trim() !== '');
  const views = items.map((item) => multiply(toView, item.transform as Matrix));
  const turn = uprightTurn(views.map((m) => [m[0], m[1]]));
  const toUpright = multiply(turnMatrix(turn, viewport.width, viewport.height), toView);
  const [width, height] = turn % 2 === 1 ? [viewport.height, viewport.width] : [viewport.width, viewport.height];
  const texts = items.map((item) => placeText(item, multiply(toUpright, item.transform as Matrix)));
  const operators = await page.getOperatorList();
  const { OPS } = await loadPdfjs();
  const rules = rulesFrom(operators.fnArray, operators.argsArray, toUpright, OPS);
  const images = operators.fnArray.some((fn) => fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject || fn === OPS.paintImageMaskXObject);
  return {
    page: page.pageNumber, width, height, texts, rules, rotation: (page.rotate + 90 * turn) % 360,
    unusable: unusableReason(texts.map((t) => t.text).join('')), blank: texts.length === 0 && !images,
  };
}

/** A text run's box on the upright page, from its baseline origin, advance width and font size. */
function placeText(item: RawItem, m: Matrix): PlacedText {
  const size = Math.hypot(m[2], m[3]) || item.height || 10;
  const length = Math.hypot(m[0], m[1]) || 1;
  const [ux, uy] = [m[0] / length, m[1] / length];
  // After the upright turn text runs along +x; "up" on the page is -y.
  const [ox, oy] = [m[4], m[5]];
  const advance = item.width;
  const xs = [ox, ox + ux * advance];
  const ys = [oy - 0.88 * size, oy + 0.12 * size, oy + uy * advance];
  return {
    text: restoreRadicals(item.str),
    size,
    x0: Math.min(...xs), x1: Math.max(...xs),
    y0: Math.min(...ys), y1: Math.max(...ys),
  };
}

/**
 * Ruling lines from the page's drawing operators: thin filled rectangles (how browsers and office
 * suites draw table borders) and stroked axis-aligned segments, each mapped to the upright page.
 */
export function rulesFrom(fnArray: readonly number[], argsArray: readonly unknown[], base: Matrix, OPS: Readonly<Record<string, number>>): Rule[] {
  const rules: Rule[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin && args) {
      stack.push(ctm);
      const matrix = args[0] as Matrix | null;
      if (matrix) ctm = multiply(ctm, matrix);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.constructPath && args) {
      const paint = args[0] as number;
      const data = (args[1] as unknown[] | undefined)?.[0];
      if (paint === OPS.endPath || !data) continue;
      const stroke = paint === OPS.stroke || paint === OPS.closeStroke;
      for (const shape of subpaths(Array.from(data as ArrayLike<number>))) {
        const points = shape.map(([x, y]) => apply(multiply(base, ctm), x, y));
        rules.push(...(stroke ? strokedRules(points) : filledRules(points)));
      }
    }
  }
  return rules;
}

/** Split pdf.js path data (DrawOPS: 0 moveTo, 1 lineTo, 2 curveTo, 3 quadraticCurveTo, 4 closePath). */
function subpaths(data: readonly number[]): Array<Array<[number, number]>> {
  const shapes: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  let i = 0;
  while (i < data.length) {
    const op = data[i++];
    if (op === 0) {
      if (current.length > 0) shapes.push(current);
      current = [[data[i]!, data[i + 1]!]];
      i += 2;
    } else if (op === 1) {
      current.push([data[i]!, data[i + 1]!]);
      i += 2;
    } else if (op === 2) {
      current.push([data[i + 4]!, data[i + 5]!]);
      i += 6;
    } else if (op === 3) {
      current.push([data[i + 2]!, data[i + 3]!]);
      i += 4;
    } else if (op === 4) {
      // closePath: the shape's outline is already in its points
    } else break;
  }
  if (current.length > 0) shapes.push(current);
  return shapes;
}

function filledRules(points: ReadonlyArray<[number, number]>): Rule[] {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const w = x1 - x0;
  const h = y1 - y0;
  if (h <= MAX_RULE_THICKNESS && w >= MIN_RULE_LENGTH) return [{ horizontal: true, at: (y0 + y1) / 2, from: x0, to: x1 }];
  if (w <= MAX_RULE_THICKNESS && h >= MIN_RULE_LENGTH) return [{ horizontal: false, at: (x0 + x1) / 2, from: y0, to: y1 }];
  // A filled box larger than a line (a shaded cell): its edges still delimit cells.
  if (w >= MIN_RULE_LENGTH && h >= MIN_RULE_LENGTH && points.length >= 4 && points.length <= 5) {
    return [
      { horizontal: true, at: y0, from: x0, to: x1 }, { horizontal: true, at: y1, from: x0, to: x1 },
      { horizontal: false, at: x0, from: y0, to: y1 }, { horizontal: false, at: x1, from: y0, to: y1 },
    ];
  }
  return [];
}

function strokedRules(points: ReadonlyArray<[number, number]>): Rule[] {
  const rules: Rule[] = [];
  for (let k = 1; k < points.length; k++) {
    const [ax, ay] = points[k - 1]!;
    const [bx, by] = points[k]!;
    if (Math.abs(ay - by) < 1 && Math.abs(ax - bx) >= MIN_RULE_LENGTH) rules.push({ horizontal: true, at: (ay + by) / 2, from: Math.min(ax, bx), to: Math.max(ax, bx) });
    else if (Math.abs(ax - bx) < 1 && Math.abs(ay - by) >= MIN_RULE_LENGTH) rules.push({ horizontal: false, at: (ax + bx) / 2, from: Math.min(ay, by), to: Math.max(ay, by) });
  }
  return rules;
}

/** Characters of GB2312 (the 6,763 common hanzi plus its punctuation) and printable ASCII. */
function isCommonChar(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c >= 0x20 && c < 0x7f) return true;
  if (c < 0x2000) return false;
  const gbk = iconv.encode(ch, 'gbk');
  return gbk.length === 2 && gbk[0]! >= 0xa1 && gbk[0]! <= 0xf7 && gbk[1]! >= 0xa1 && gbk[1]! <= 0xfe;
}

/**
 * A text layer is unusable when its characters are not text: private-use code points or
 * replacement characters, or — a CID font without a ToUnicode map read as glyph ids — a jumble of
 * rare ideographs and symbols. Real forms are almost entirely GB2312 characters and ASCII.
 */
export function unusableReason(text: string): string | null {
  const chars = [...text.replace(/\s/g, '')];
  if (chars.length === 0) return 'the page has no text layer (a scan or an image)';
  let bad = 0;
  let common = 0;
  for (const ch of chars) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0xe000 && c <= 0xf8ff) || c === 0xfffd || c < 0x20 || (c >= 0xf0000)) bad++;
    if (isCommonChar(ch)) common++;
  }
  const pct = (n: number): number => Math.round((100 * n) / chars.length);
  if (bad / chars.length > 0.1) return `the text layer is garbled (${pct(bad)}% of characters are private-use or unreadable: a font without a usable ToUnicode map)`;
  if (chars.length >= 20 && common / chars.length < 0.6) return `the text layer is garbled (only ${pct(common)}% of characters are common Chinese or ASCII: a font without a usable ToUnicode map)`;
  return null;
}
