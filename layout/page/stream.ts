/**
 * Unruled tables: with no drawn lines, columns come from the vertical white-space channels that
 * run through a block of text lines, and rows from the vertical extent of each cell's text.
 */
import type { Repair } from '../../schemas/document.js';
import { type Box, cellText, centerX, centerY, groupLines, joinRuns, type PlacedText, union } from './geometry.js';

export interface StreamTable extends Box { rows: Array<Array<{ text: string; box: Box | null; repairs?: Repair[] }>> }

/** Runs of one line closer than this many font sizes belong to the same cell. */
const CELL_GAP = 0.5;
/** Wrapped lines of one cell follow each other at most this many font sizes apart (baseline to baseline). */
const LINE_PITCH = 1.6;

interface Chunk extends PlacedText { runs: PlacedText[] }

function chunksOf(line: readonly PlacedText[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (const run of line) {
    const last = chunks[chunks.length - 1];
    if (last && run.x0 - last.x1 <= CELL_GAP * run.size) {
      last.runs.push(run);
      Object.assign(last, union([last, run]));
      last.text = joinRuns(last.runs);
    } else chunks.push({ ...run, runs: [run] });
  }
  return chunks;
}

/** Column intervals: x ranges covered by text in more than a small share of the table's lines. */
function columnsOf(lines: readonly Chunk[][]): Array<[number, number]> {
  const x0 = Math.floor(Math.min(...lines.flat().map((c) => c.x0)));
  const x1 = Math.ceil(Math.max(...lines.flat().map((c) => c.x1)));
  const coverage = new Array<number>(x1 - x0 + 1).fill(0);
  for (const line of lines) for (const c of line) for (let x = Math.floor(c.x0); x < Math.ceil(c.x1); x++) coverage[x - x0]!++;
  const limit = Math.max(1, Math.floor(0.1 * lines.length));
  const columns: Array<[number, number]> = [];
  let start = -1;
  coverage.forEach((n, i) => {
    if (n > limit && start < 0) start = i;
    if (n <= limit && start >= 0) { columns.push([x0 + start, x0 + i]); start = -1; }
  });
  if (start >= 0) columns.push([x0 + start, x1]);
  return columns;
}

/**
 * Find an unruled table in a page's lines: the longest run of lines in which most lines hold two
 * or more separate cells. Returns null when there is none (prose, or a title block).
 */
export function streamTable(texts: readonly PlacedText[]): { table: StreamTable; rest: PlacedText[] } | null {
  const lines = groupLines(texts).map(chunksOf);
  const multi = lines.map((l) => l.length >= 2);
  let first = multi.indexOf(true);
  let last = multi.lastIndexOf(true);
  if (first < 0 || lines.slice(first, last + 1).filter((l) => l.length >= 2).length < 3) return null;
  // A cell's first or last wrapped line can stand alone above or below the multi-cell lines.
  const close = (a: Chunk[], b: Chunk[]): boolean => Math.abs(centerY(b[0]!) - centerY(a[0]!)) <= LINE_PITCH * a[0]!.size;
  while (first > 0 && close(lines[first - 1]!, lines[first]!)) first--;
  while (last + 1 < lines.length && close(lines[last]!, lines[last + 1]!)) last++;
  const region = lines.slice(first, last + 1);
  const columns = columnsOf(region.filter((l) => l.length >= 2));
  if (columns.length < 2) return null;
  const columnOf = (c: Chunk): number => {
    const i = columns.findIndex(([a, b]) => c.x0 < b && c.x0 >= a - 2);
    return i >= 0 ? i : columns.findIndex(([a, b]) => centerX(c) >= a && centerX(c) <= b);
  };
  const blocks = cellBlocks(region.flat(), columnOf);
  const table = { ...union(region.flat()), rows: rowsOf(blocks, columns.length) };
  const rest = [...lines.slice(0, first), ...lines.slice(last + 1)].flat().flatMap((c) => c.runs);
  return { table, rest };
}

interface CellBlock extends Box { col: number; chunks: Chunk[] }

/** Chunks of one column stacked at line pitch form one cell's text. */
function cellBlocks(chunks: readonly Chunk[], columnOf: (c: Chunk) => number): CellBlock[] {
  const blocks: CellBlock[] = [];
  const open = new Map<number, CellBlock>();
  for (const chunk of [...chunks].sort((a, b) => a.y0 - b.y0)) {
    const col = Math.max(0, columnOf(chunk));
    const block = open.get(col);
    const lastChunk = block?.chunks[block.chunks.length - 1];
    if (block && lastChunk && centerY(chunk) - centerY(lastChunk) <= LINE_PITCH * chunk.size && chunk.x0 < block.x1 && chunk.x1 > block.x0) {
      block.chunks.push(chunk);
      Object.assign(block, union([block, chunk]));
    } else {
      const fresh: CellBlock = { ...union([chunk]), col, chunks: [chunk] };
      blocks.push(fresh);
      open.set(col, fresh);
    }
  }
  return blocks;
}

/**
 * Rows from blocks: blocks of the busy columns whose vertical extents overlap share a row; blocks
 * of sparse columns (section labels, a level-1 name centred on its group) join the row at their centre.
 */
function rowsOf(blocks: readonly CellBlock[], width: number): StreamTable['rows'] {
  const perColumn = new Array<number>(width).fill(0);
  for (const b of blocks) perColumn[b.col]!++;
  const busiest = Math.max(...perColumn);
  const candidates = blocks.filter((b) => perColumn[b.col]! >= 0.4 * busiest);
  // a block beside two rows of another column is a label spanning them (a merged cell), not a row
  const overlaps = (a: Box, b: Box, size: number): boolean => Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.2 * size;
  const spansRows = (b: CellBlock): boolean => {
    const beside = candidates.filter((o) => o.col !== b.col && overlaps(o, b, b.chunks[0]!.size));
    return beside.some((o) => beside.some((p) => p.col === o.col && p.y0 >= o.y1));
  };
  const dense = candidates.filter((b) => !spansRows(b)).sort((a, b) => a.y0 - b.y0);
  const bands: Box[] = [];
  for (const b of dense) {
    const band = bands[bands.length - 1];
    if (band && b.y0 < band.y1 - 0.2 * b.chunks[0]!.size) Object.assign(band, union([band, b]));
    else bands.push({ ...union([b]) });
  }
  const rows: StreamTable['rows'] = bands.map(() => Array.from({ length: width }, () => ({ text: '', box: null })));
  for (const b of blocks) {
    const y = b.chunks.length > 0 ? centerY(b) : b.y0;
    let r = bands.findIndex((band) => y >= band.y0 - 2 && y <= band.y1 + 2);
    if (r < 0) r = bands.reduce((best, band, i) => (Math.abs(centerY(band) - y) < Math.abs(centerY(bands[best]!) - y) ? i : best), 0);
    const slot = rows[r]![b.col]!;
    const runs = b.chunks.flatMap((c) => c.runs);
    const text = cellText(runs, b);
    slot.text = slot.text ? `${slot.text}\n${text}` : text;
    // what an extractor did to read the runs (OCR) is evidence on the cell, as in ruled tables
    const repairs = runs.flatMap((r) => r.repairs ?? []);
    if (repairs.length > 0) slot.repairs = [...(slot.repairs ?? []), ...repairs];
    slot.box = slot.box ? union([slot.box, b]) : { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 };
  }
  return rows;
}
