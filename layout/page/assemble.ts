/**
 * Page assembly, shared by the PDF text layer and scanned pages: one page's placed text runs and
 * ruling lines become blocks in reading order — ruled tables from the drawn grid (lattice), an
 * unruled one from text positions (stream), the rest as text lines — and a document's pages are
 * joined, a table continued at the top of the next page appended to the one it continues.
 */
import { mergeContinuations, numberTables } from '../detectTables.js';
import { opensFormCell } from '../../forms/titles.js';
import { labelKey } from '../../forms/text.js';
import type { Block, Cell, Repair, Table } from '../../schemas/document.js';
import { bboxTuple, type Box, groupLines, joinRuns, type PlacedText, type Rule } from './geometry.js';
import { latticeTables } from './lattice.js';
import { streamTable } from './stream.js';

/** One page as the table readers need it: its text runs and its ruling lines, both placed on the upright page. */
export interface PageContent {
  page: number;
  width: number;
  height: number;
  texts: PlacedText[];
  rules: Rule[];
  /** why the text layer cannot be trusted, or null when it can */
  unusable: string | null;
  /** nothing on the page: no text, no image (blank pages need no OCR) */
  blank: boolean;
  /** the rotation (degrees) that renders the page as the boxes see it: /Rotate plus the upright turn */
  rotation: number;
}

/** A table as placed on its page: its rows, box and column boundaries (for continuations). */
interface PlacedTable { rows: Cell[][]; box: Box; columns: number[]; openTop: boolean; openBottom: boolean }

export type PageItem = { y: number; block: Block; placed?: PlacedTable };

function toCells(texts: Array<{ text: string; box: Box | null; repairs?: Repair[] }>, page: number, line: number): Cell[] {
  return texts.map((t, col) => ({
    text: t.text, origin: { table: null, row: null, col, line, page, bbox: t.box ? bboxTuple(t.box) : null },
    ...(t.repairs ? { repairs: t.repairs } : {}),
  }));
}

/** One page's blocks in reading order (top to bottom): text lines and tables. */
export function pageBlocks(content: PageContent, firstLine: number): PageItem[] {
  const items: PageItem[] = [];
  let line = firstLine;
  const { tables, rest } = latticeTables(content.rules, content.texts);
  let loose = rest;
  for (const grid of tables) {
    // A merged cell's text sits in its top-left slot; the slots it covers stay empty, as in HTML.
    const rows = grid.slots.map((slots, r) => toCells(slots.map((cell, c) => (cell.row === r && cell.col === c ? { text: cell.text, box: cell, repairs: cell.repairs } : { text: '', box: null })), content.page, line));
    items.push({ y: grid.y0, block: tableBlock(rows, line), placed: { rows, box: grid, columns: grid.xs, openTop: grid.openTop, openBottom: grid.openBottom } });
  }
  if (tables.length === 0) {
    const stream = streamTable(rest);
    if (stream) {
      loose = stream.rest;
      const rows = stream.table.rows.map((row) => toCells(row, content.page, line));
      const columns = stream.table.rows[0]!.map((_, c) => Math.min(...stream.table.rows.map((r) => r[c]?.box?.x0 ?? Infinity)));
      items.push({ y: stream.table.y0, block: tableBlock(rows, line), placed: { rows, box: stream.table, columns, openTop: false, openBottom: false } });
    }
  }
  for (const runs of groupLines(loose)) {
    const box = { x0: Math.min(...runs.map((r) => r.x0)), y0: Math.min(...runs.map((r) => r.y0)), x1: Math.max(...runs.map((r) => r.x1)), y1: Math.max(...runs.map((r) => r.y1)) };
    const repairs = runs.flatMap((r) => r.repairs ?? []);
    items.push({ y: box.y0, block: { kind: 'text', text: joinLine(runs), line, page: content.page, bbox: bboxTuple(box), ...(repairs.length > 0 ? { repairs } : {}) } });
  }
  items.sort((a, b) => a.y - b.y);
  for (const item of items) {
    const n = line++;
    if (item.block.kind === 'text') item.block.line = n;
    else {
      item.block.table.firstLine = item.block.table.lastLine = n;
      for (const row of item.block.table.rows) for (const cell of row) cell.origin.line = n;
    }
  }
  return items;
}

/**
 * Move a page's items `by` lines on: pages read apart (a range per worker) are numbered from line 1
 * of their range, and take the lines the pages before them used once they are put in order.
 */
export function shiftLines(items: readonly PageItem[], by: number): void {
  for (const { block } of items) {
    if (block.kind === 'text') block.line += by;
    else {
      block.table.firstLine += by;
      block.table.lastLine += by;
      for (const row of block.table.rows) for (const cell of row) if (cell.origin.line !== null) cell.origin.line += by;
    }
  }
}

/** A text line; a wide gap becomes two spaces, as in the OCR text (it separates fields on one line). */
function joinLine(runs: readonly PlacedText[]): string {
  const parts: PlacedText[][] = [];
  for (const run of runs) {
    const last = parts[parts.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && run.x0 - prev.x1 < 1.5 * run.size) last.push(run);
    else parts.push([run]);
  }
  return parts.map(joinRuns).join('  ');
}

function tableBlock(rows: Cell[][], line: number): Block {
  const table: Table = { index: -1, format: 'pdf', firstLine: line, lastLine: line, rows };
  return { kind: 'table', table };
}

/** Page numbers and running headers between two parts of a table. */
function isPageFurniture(block: Block): boolean {
  return block.kind === 'text' && block.text.replace(/\s/g, '').length <= 12 && !/表$/.test(block.text);
}

const rowKey = (row: readonly Cell[]): string => row.map((c) => labelKey(c.text)).filter(Boolean).join('|');

/**
 * A table at the top of a page continues the table at the bottom of the page before when both
 * span the same width: its columns are mapped onto the earlier part's by position, and a repeated
 * header row is dropped.
 */
function continues(prev: PlacedTable, next: PlacedTable): boolean {
  const tolerance = 4;
  const sameFrame = Math.abs(prev.box.x0 - next.box.x0) <= tolerance && Math.abs(prev.box.x1 - next.box.x1) <= tolerance;
  return sameFrame && !opensForm(prev, next);
}

/**
 * Office suites export a workbook of forms with the same table frame on every page: a page whose
 * table opens with a form's title or header block (项目名称, 主管部门 …) starts a new form, unless
 * that row repeats one of the previous table's header rows (a header repeated after a break).
 */
function opensForm(prev: PlacedTable, next: PlacedTable): boolean {
  const headers = prev.rows.slice(0, 3).map(rowKey);
  return next.rows.slice(0, 3).some((row) => !headers.includes(rowKey(row)) && row.some((cell) => opensFormCell(cell.text)));
}

/** Text of a cell continued on the next page: a wrapped line joins directly, as within a page. */
function joinSplitText(before: string, after: string): string {
  if (before === '') return after;
  return /[A-Za-z0-9,;:]$/.test(before) && /^[A-Za-z0-9]/.test(after) ? `${before} ${after}` : `${before}${after}`;
}

function appendContinuation(prev: PlacedTable, next: PlacedTable): void {
  const width = prev.rows[0]?.length ?? 0;
  const mapColumn = (c: number): number => {
    const x = next.columns[c] ?? Infinity;
    let best = 0;
    prev.columns.forEach((px, i) => { if (Math.abs(px - x) < Math.abs((prev.columns[best] ?? 0) - x)) best = i; });
    return Math.min(best, width - 1);
  };
  const headers = prev.rows.slice(0, 3).map(rowKey);
  // A row the page break cut in two: its second half joins the first, cell by cell.
  const splitRow = prev.openBottom && next.openTop;
  // print titles: the page opens with the table's own first rows again (a header row, or the form's whole
  // header block — 部门名称, the funds rows, the goal — and its indicator header): the run is dropped
  const top = prev.rows.slice(0, 8).map(rowKey);
  let reprinted = 0;
  if (!splitRow && next.rows[0] && rowKey(next.rows[0]).length >= 4 && headers.includes(rowKey(next.rows[0]))) {
    reprinted = 1;
    while (reprinted < next.rows.length - 1 && rowKey(next.rows[reprinted]!).length >= 4 && top.includes(rowKey(next.rows[reprinted]!))) reprinted++;
  }
  next.rows.forEach((row, r) => {
    if (r < reprinted) return;
    const mapped: Cell[] = r === 0 && splitRow ? prev.rows.pop()! : Array.from({ length: width }, (_, col) => ({ text: '', origin: { ...row[0]!.origin, col, bbox: null } }));
    row.forEach((cell, c) => {
      const target = mapped[mapColumn(c)]!;
      if (cell.text === '') return;
      target.text = joinSplitText(target.text, cell.text);
      if (target.origin.bbox === null) target.origin = { ...cell.origin, col: target.origin.col };
    });
    prev.rows.push(mapped);
  });
  prev.openBottom = next.openBottom;
}

/** The blocks of a document's pages in reading order, tables continued across pages joined and numbered. */
export function pagesToBlocks(pages: PageItem[][]): Block[] {
  return numberTables(mergeContinuations(joinPages(pages)));
}

/** Join every page's items into document blocks, merging tables continued across pages. */
function joinPages(pages: PageItem[][]): Block[] {
  const blocks: Block[] = [];
  let lastTable: { placed: PlacedTable; table: Table } | null = null;
  for (const items of pages) {
    let first = true;
    for (const item of items) {
      if (first && item.block.kind === 'text' && isPageFurniture(item.block)) continue;
      if (first && item.placed && item.block.kind === 'table' && lastTable && continues(lastTable.placed, item.placed)) {
        appendContinuation(lastTable.placed, item.placed);
        lastTable.table.lastLine = item.block.table.lastLine;
        first = false;
        continue;
      }
      first = false;
      blocks.push(item.block);
      lastTable = item.block.kind === 'table' && item.placed ? { placed: item.placed, table: item.block.table } : null;
    }
    // A table continues only if nothing but page furniture follows it on its page.
    const tail = items.filter((i) => !(i.block.kind === 'text' && isPageFurniture(i.block)));
    if (tail.length > 0 && tail[tail.length - 1]!.block.kind !== 'table') lastTable = null;
  }
  return blocks;
}
