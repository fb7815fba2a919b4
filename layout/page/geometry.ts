/**
 * Page geometry shared by the table readers of PDF text layers and scanned pages. Every coordinate is in PDF points on the page as
 * a reader sees it upright: origin top-left, y growing downwards.
 */
import type { Repair } from '../../schemas/document.js';

/** x0 < x1, y0 < y1 */
export interface Box { x0: number; y0: number; x1: number; y1: number }

/** One text run from the text layer, placed on the upright page. */
export interface PlacedText extends Box {
  text: string;
  /** what the extractor did to read this text (an OCR read and its corrections) */
  repairs?: Repair[];
  /** font size in points: the scale for every tolerance that depends on text */
  size: number;
}

/** A drawn ruling line: horizontal (y fixed, x0..x1) or vertical (x fixed, y0..y1). */
export interface Rule { horizontal: boolean; at: number; from: number; to: number }

export type Matrix = [number, number, number, number, number, number];

export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

export function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/**
 * The quarter turn (clockwise, 0–3) that makes a page's text read left to right. Pages whose
 * content is drawn sideways (a landscape form stored portrait, or /Rotate set on upright content)
 * are turned so the table readers never see vertical text.
 */
export function uprightTurn(directions: ReadonlyArray<[number, number]>): number {
  const votes = [0, 0, 0, 0];
  for (const [dx, dy] of directions) {
    for (let k = 0; k < 4; k++) {
      const [rx, ry] = turnVector(k, dx, dy);
      if (rx > 0.9 * Math.hypot(rx, ry)) votes[k]!++;
    }
  }
  return votes.indexOf(Math.max(...votes));
}

function turnVector(k: number, dx: number, dy: number): [number, number] {
  switch (k) {
    case 1: return [-dy, dx];
    case 2: return [-dx, -dy];
    case 3: return [dy, -dx];
    default: return [dx, dy];
  }
}

/** The matrix that turns a width×height page k quarter turns clockwise, keeping it at the origin. */
export function turnMatrix(k: number, width: number, height: number): Matrix {
  switch (k) {
    case 1: return [0, 1, -1, 0, height, 0];
    case 2: return [-1, 0, 0, -1, width, height];
    case 3: return [0, -1, 1, 0, 0, width];
    default: return [1, 0, 0, 1, 0, 0];
  }
}

/** Sorted values grouped when consecutive values lie within `tolerance`; each group's mean. */
export function clusterValues(values: readonly number[], tolerance: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  let group: number[] = [];
  for (const v of sorted) {
    if (group.length > 0 && v - group[group.length - 1]! > tolerance) {
      out.push(group.reduce((s, x) => s + x, 0) / group.length);
      group = [];
    }
    group.push(v);
  }
  if (group.length > 0) out.push(group.reduce((s, x) => s + x, 0) / group.length);
  return out;
}

export const centerX = (b: Box): number => (b.x0 + b.x1) / 2;
export const centerY = (b: Box): number => (b.y0 + b.y1) / 2;

export function union(boxes: readonly Box[]): Box {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)), y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)), y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

export const round1 = (v: number): number => Math.round(v * 10) / 10;

export function bboxTuple(b: Box): [number, number, number, number] {
  return [round1(b.x0), round1(b.y0), round1(b.x1), round1(b.y1)];
}

const CJK_CHAR = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/u;

/**
 * Text runs of one visual line (or one cell) joined in reading order: a space only where the
 * producer left a visible gap between two Latin words, never between CJK characters.
 */
export function joinRuns(runs: readonly PlacedText[]): string {
  const sorted = [...runs].sort((a, b) => a.x0 - b.x0);
  let out = '';
  let prev: PlacedText | null = null;
  for (const run of sorted) {
    if (prev) {
      const gap = run.x0 - prev.x1;
      const last = out.slice(-1);
      const next = run.text.charAt(0);
      if (gap > 0.25 * run.size && !(CJK_CHAR.test(last) && CJK_CHAR.test(next)) && last !== ' ' && next !== ' ') out += ' ';
    }
    out += run.text;
    prev = run;
  }
  return out;
}

/** Group runs into visual lines: runs whose vertical centres lie within half a font size. */
export function groupLines<T extends PlacedText>(runs: readonly T[]): T[][] {
  const sorted = [...runs].sort((a, b) => centerY(a) - centerY(b) || a.x0 - b.x0);
  const lines: T[][] = [];
  let lineY = -Infinity;
  for (const run of sorted) {
    const y = centerY(run);
    const current = lines[lines.length - 1];
    if (current && Math.abs(y - lineY) <= 0.5 * run.size) {
      current.push(run);
      lineY = (lineY * (current.length - 1) + y) / current.length;
    } else {
      lines.push([run]);
      lineY = y;
    }
  }
  return lines.map((line) => line.sort((a, b) => a.x0 - b.x0));
}

/** Estimated width of the unbreakable Latin/number run a line starts with (0 when it starts with CJK). */
function leadingWordWidth(line: readonly PlacedText[]): number {
  const first = line[0];
  if (!first || first.text.length === 0) return 0;
  const word = /^[A-Za-z0-9.,%/:-]+/.exec(first.text)?.[0] ?? '';
  return ((first.x1 - first.x0) * word.length) / first.text.length;
}

const LIST_ITEM = /^(\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)/;

/**
 * The text of one cell from its runs: visual lines joined directly where the line was wrapped
 * (it reaches the cell's right edge), with a line break where the writer broke it.
 */
export function cellText(runs: readonly PlacedText[], cell: Box): string {
  const lines = groupLines(runs);
  let out = '';
  lines.forEach((line, i) => {
    const text = joinRuns(line);
    if (i > 0) {
      const prev = lines[i - 1]!;
      const prevEnd = Math.max(...prev.map((r) => r.x1));
      const size = prev[0]!.size;
      // A new list item ("2.", "(二)", "3、") starts a line even when the line before was full.
      // A line also wrapped when the next line's first word (a number, a Latin word) could not fit after it.
      const room = Math.max(2.2 * size, leadingWordWidth(line) + 0.5 * size);
      const wrapped = cell.x1 - prevEnd < room && !LIST_ITEM.test(text);
      // a wrap after a Latin word or ASCII comma ate the space that followed it
      const spaceEaten = /[A-Za-z0-9,;:]$/.test(out) && /^[A-Za-z0-9\u3400-\u9fff]/.test(text) && !/[0-9]$/.test(out);
      out += wrapped ? (spaceEaten ? ' ' : '') : '\n';
    }
    out += text;
  });
  return out;
}
