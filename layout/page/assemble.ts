/**
 * Page assembly, shared by the PDF text layer and scanned pages: one page's placed text runs and
 * ruling lines become blocks in reading order — ruled tables from the drawn grid (lattice), an
 * unruled one from text positions (stream), the rest as text lines — and a document's pages are
 * joined, a table continued at the top of the next page appended to the one it continues, and
 * the columns of a sheet printed wider than its page joined back to the rows they belong to.
 */
import { mergeContinuations, numberTables } from '../detectTables.js';
import { opensFormCell, parseTitle } from '../../forms/titles.js';
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

/**
 * A table as placed on its page: its rows, box and column boundaries (for continuations), and the
 * row boundaries of a ruled table (for the columns of a sheet printed wider than the page).
 */
interface PlacedTable { rows: Cell[][]; box: Box; columns: number[]; openTop: boolean; openBottom: boolean; ys?: number[] }

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
    items.push({ y: grid.y0, block: tableBlock(rows, line), placed: { rows, box: grid, columns: grid.xs, openTop: grid.openTop, openBottom: grid.openBottom, ys: grid.ys } });
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

/** Append a continuation's rows to the table it continues; for each of its rows, the row it became (null: dropped). */
function appendContinuation(prev: PlacedTable, next: PlacedTable): Array<Cell[] | null> {
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
  prev.openBottom = next.openBottom;
  return next.rows.map((row, r) => {
    if (r < reprinted) return null;
    const mapped: Cell[] = r === 0 && splitRow ? prev.rows.pop()! : Array.from({ length: width }, (_, col) => ({ text: '', origin: { ...row[0]!.origin, col, bbox: null } }));
    row.forEach((cell, c) => {
      const target = mapped[mapColumn(c)]!;
      if (cell.text === '') return;
      target.text = joinSplitText(target.text, cell.text);
      if (target.origin.bbox === null) target.origin = { ...cell.origin, col: target.origin.col };
    });
    prev.rows.push(mapped);
    return mapped;
  });
}

/**
 * A sheet printed wider than its page (no fit to width): office suites print the columns that do
 * not fit on later pages — LibreOffice and Excel, by default, all the rows' left parts first, then
 * their right parts ("down, then over"). Such a page holds a table whose rows are the rows of a
 * page printed before, at the same heights: its cells are the right-hand columns of those rows.
 * A part is one page's piece of a table: its row boundaries, the table rows its rows became
 * (null: a print-title row dropped), and how many right-hand pieces have been joined to it.
 */
interface SheetPart { page: number; ys: readonly number[]; rows: Array<Cell[] | null>; strips: number }
interface Host { placed: PlacedTable; table: Table; parts: SheetPart[]; offsets: number[] }

/** Row boundaries equal within a point: the same rows (at least two) at the same heights. */
function sameRows(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return !!a && !!b && a.length >= 3 && a.length === b.length && a.every((y, i) => Math.abs(y - b[i]!) <= 1);
}

/**
 * The part of the host table whose rows a page's table continues to the right, or null. The table
 * is the page's only content (but for text spilling in from the columns to its left, printed on
 * the page before), it does not open a form, and its rows are exactly the rows of a part printed
 * before (the part with the fewest pieces joined yet, the earliest of those). A table as wide as
 * the host's could be its next rows instead: it is read as columns only when its first row would
 * have fitted on the page before (that page ends higher than the matching part's page has room),
 * or when it is the next piece of a strip of columns already begun.
 */
function overflowOf(host: Host, next: PlacedTable, sameFrame: boolean): SheetPart | null {
  if (!next.ys) return null;
  if (next.rows.slice(0, 3).some((row) => row.some((cell) => parseTitle(cell.text) !== null))) return null;
  const candidates = host.parts.filter((part) => sameRows(part.ys, next.ys) && !sameLabels(part, next));
  if (candidates.length === 0) return null;
  const fewest = Math.min(...candidates.map((part) => part.strips));
  const part = candidates.find((p) => p.strips === fewest)!;
  // the pieces of a strip come in the order of the parts: the next part of a strip begun is its next piece
  const begun = host.parts.some((p) => p.strips > fewest);
  if (sameFrame && !begun) {
    const last = host.parts[host.parts.length - 1]!;
    const bottom = last.ys[last.ys.length - 1]!;
    const firstRow = next.ys[1]! - next.ys[0]!;
    if (last === part || bottom + firstRow > part.ys[part.ys.length - 1]! + 1) return null;
  }
  return part;
}

/**
 * The same template printed again (another form on the next page, at the same row heights), not
 * the columns right of a part: most of its first column repeats the part's first column.
 */
function sameLabels(part: SheetPart, next: PlacedTable): boolean {
  let filled = 0;
  let same = 0;
  next.rows.forEach((row, r) => {
    const key = labelKey(row[0]?.text ?? '');
    if (key === '') return;
    filled++;
    if (key === labelKey(part.rows[r]?.[0]?.text ?? '')) same++;
  });
  return filled > 0 && same * 2 > filled;
}

/** Text lines of an overflow page that start left of its table: a long cell's text spilling over from the page before. */
function spilled(item: PageItem, table: PlacedTable): boolean {
  return item.block.kind === 'text' && item.block.bbox !== null && item.block.bbox[0] < table.box.x0 - 1;
}

/** Join a page's table to the right of the rows of the part it continues; every row of the host is kept as wide. */
function appendColumns(host: Host, part: SheetPart, next: PlacedTable): void {
  const rows = host.table.rows;
  const widest = (): number => Math.max(...rows.map((row) => row.length));
  const offset = host.offsets[part.strips] ??= widest();
  part.strips++;
  next.rows.forEach((row, r) => {
    const target = part.rows[r];
    if (!target) return;
    row.forEach((cell, c) => {
      const col = offset + c;
      while (target.length <= col) target.push({ text: '', origin: { ...cell.origin, col: target.length, bbox: null } });
      if (cell.text !== '' || target[col]!.origin.bbox === null) target[col] = { ...cell, origin: { ...cell.origin, col } };
    });
  });
  const width = widest();
  for (const row of rows) {
    const last = row[row.length - 1]!;
    while (row.length < width) row.push({ text: '', origin: { ...last.origin, col: row.length, bbox: null } });
  }
}

/** The blocks of a document's pages in reading order, tables continued across pages joined and numbered. */
export function pagesToBlocks(pages: PageItem[][], notes: string[] = []): Block[] {
  return numberTables(mergeContinuations(joinPages(pages, notes)));
}

/** Join every page's items into document blocks, merging tables continued across pages. */
function joinPages(pages: PageItem[][], notes: string[]): Block[] {
  const blocks: Block[] = [];
  let lastTable: Host | null = null;
  for (const items of pages) {
    let first = true;
    let overflow: PlacedTable | null = null;
    const content = items.filter((i) => !(i.block.kind === 'text' && isPageFurniture(i.block)));
    for (const item of items) {
      if (first && item.block.kind === 'text' && isPageFurniture(item.block)) continue;
      if (first && item.placed && item.block.kind === 'table' && lastTable) {
        const page = item.block.table.rows[0]?.[0]?.origin.page ?? 0;
        const sameFrame = continues(lastTable.placed, item.placed);
        const placed = item.placed;
        const alone = content.every((i) => i === item || spilled(i, placed));
        const part = alone ? overflowOf(lastTable, placed, sameFrame) : null;
        if (part) {
          appendColumns(lastTable, part, placed);
          notes.push(`page ${page}: the table's columns continue the rows of page ${part.page} (a sheet printed wider than its page), read as their right-hand columns`);
          overflow = placed;
          first = false;
          continue;
        }
        if (sameFrame) {
          const rows = appendContinuation(lastTable.placed, placed);
          if (placed.ys) lastTable.parts.push({ page, ys: placed.ys, rows, strips: 0 });
          lastTable.table.lastLine = item.block.table.lastLine;
          first = false;
          continue;
        }
      }
      if (overflow && spilled(item, overflow)) continue;
      first = false;
      blocks.push(item.block);
      lastTable = item.block.kind === 'table' && item.placed ? {
        placed: item.placed, table: item.block.table, offsets: [],
        parts: item.placed.ys ? [{ page: item.block.table.rows[0]?.[0]?.origin.page ?? 0, ys: item.placed.ys, rows: item.placed.rows.slice(), strips: 0 }] : [],
      } : null;
    }
    // A table continues only if nothing but page furniture follows it on its page.
    if (!overflow && content.length > 0 && content[content.length - 1]!.block.kind !== 'table') lastTable = null;
  }
  return blocks;
}
