/**
 * A worksheet's grid → blocks. Given the visible cells of one sheet (displayed text, whether the
 * cell is ruled, merge role), return its prose lines and tables in reading order:
 * - a row with a ruled cell belongs to a table (templates rule their tables, not their titles);
 *   in a sheet with no rules at all, a row with two or more values does, and a one-value row
 *   between two such rows stays in the table;
 * - consecutive table rows are one table; an empty unruled row ends it;
 * - every other non-empty cell is a prose line (title, 填报单位：…, 金额单位：万元);
 * - a merged range's text stands in its top-left cell and the cells it covers are empty, the same
 *   shape an HTML table's rowspan/colspan gives.
 */
import type { Block, Cell } from '../../schemas/document.js';

export interface GridCell {
  text: string;
  /** any border drawn on the cell */
  ruled: boolean;
  /** covered by a merged range whose text stands in another cell */
  covered: boolean;
}

export interface SheetGrid {
  name: string;
  /** the sheet's own row numbers of the visible rows (1-based) */
  rowNumbers: number[];
  /** the sheet's own column numbers of the visible columns (1-based) */
  colNumbers: number[];
  /** cells[r][c] over the visible rows and columns */
  cells: GridCell[][];
}

/** Column number (1-based) → letters: 1 → A, 27 → AA. */
export function columnLetters(col: number): string {
  let out = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** `Sheet1!C7`; a sheet name with spaces or punctuation is quoted as Excel does (`'My sheet'!C7`). */
export function cellAddress(sheet: string, row: number, col: number): string {
  const name = /^[\p{L}\p{N}_.]+$/u.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
  return `${name}!${columnLetters(col)}${row}`;
}

/** `Sheet1!C7` / `'My sheet'!$C$7` → the cell's row and column numbers (1-based), or null when it is no cell address. */
export function parseCellAddress(address: string): { row: number; col: number } | null {
  const m = /!\$?([A-Z]{1,3})\$?(\d+)$/.exec(address);
  if (!m) return null;
  const col = [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return { row: Number(m[2]), col };
}

type RowRole = 'empty' | 'table' | 'text';

/** Given a grid, return each row's role (see the module comment). */
export function rowRoles(grid: SheetGrid): RowRole[] {
  const values = (r: number): number => grid.cells[r]!.filter((c) => c.text !== '').length;
  const anyRuled = grid.cells.some((row) => row.some((c) => c.ruled));
  const roles: RowRole[] = grid.cells.map((row, r) => {
    if (anyRuled) return row.some((c) => c.ruled) ? 'table' : values(r) === 0 ? 'empty' : 'text';
    return values(r) === 0 ? 'empty' : values(r) >= 2 ? 'table' : 'text';
  });
  if (!anyRuled) {
    for (let r = 1; r + 1 < roles.length; r++) if (roles[r] === 'text' && roles[r - 1] === 'table' && roles[r + 1] === 'table') roles[r] = 'table';
  }
  return roles;
}

/**
 * Given a grid and the line number its first row takes, return its blocks (tables not yet indexed).
 * Lines number the visible rows in order, so a document's sheets follow one another.
 */
export function gridToBlocks(grid: SheetGrid, firstLine: number): Block[] {
  const roles = rowRoles(grid);
  const blocks: Block[] = [];
  const address = (r: number, c: number): string => cellAddress(grid.name, grid.rowNumbers[r]!, grid.colNumbers[c]!);
  let r = 0;
  while (r < roles.length) {
    if (roles[r] === 'text') {
      grid.cells[r]!.forEach((cell, c) => {
        if (cell.text !== '' && !cell.covered) blocks.push({ kind: 'text', text: cell.text, line: firstLine + r, page: null, bbox: null, sheet: grid.name, address: address(r, c) });
      });
      r++;
      continue;
    }
    if (roles[r] === 'empty') { r++; continue; }
    const start = r;
    while (r < roles.length && roles[r] === 'table') r++;
    const rows = grid.cells.slice(start, r);
    // the table's columns: from the first to the last column holding a value or a rule
    const used = (c: number): boolean => rows.some((row) => row[c]!.text !== '' || row[c]!.ruled);
    let left = 0;
    let right = grid.colNumbers.length - 1;
    while (left < right && !used(left)) left++;
    while (right > left && !used(right)) right--;
    blocks.push({
      kind: 'table',
      table: {
        index: -1, format: 'spreadsheet', firstLine: firstLine + start, lastLine: firstLine + r - 1,
        rows: rows.map((row, i) => row.slice(left, right + 1).map((cell, j): Cell => ({
          text: cell.covered ? '' : cell.text,
          origin: { table: null, row: null, col: j, line: firstLine + start + i, page: null, bbox: null, sheet: grid.name, address: address(start + i, left + j) },
        }))),
      },
    });
  }
  return blocks;
}
