/**
 * The cells around one table cell, for the review report: a field read from a workbook, a Word
 * document or a web page has no page to crop, so the reviewer sees the cell among its neighbours
 * in the stored table instead (`tables.cells_json`).
 */

/** Rows and columns shown on each side of the field's cell. @default 2 */
export const WINDOW_RADIUS = 2;

export interface CellWindow {
  /** the table's row indices shown, in order */
  rows: number[];
  /** the table's column indices shown, in order */
  cols: number[];
  /** cells[i][j] is the text at (rows[i], cols[j]); '' past the end of a short row */
  cells: string[][];
  /** the field's cell, as table indices */
  row: number;
  col: number;
}

const span = (centre: number, radius: number, length: number): number[] => {
  const out: number[] = [];
  for (let i = Math.max(0, centre - radius); i <= Math.min(length - 1, centre + radius); i++) out.push(i);
  return out;
};

/**
 * Given a table's cells (rows may be ragged) and one cell's position, return the window of cells
 * within `radius` rows and columns of it, clipped to the table; null when the position is outside it.
 */
export function cellWindow(cells: readonly (readonly string[])[], row: number, col: number, radius = WINDOW_RADIUS): CellWindow | null {
  const width = Math.max(0, ...cells.map((r) => r.length));
  if (row < 0 || row >= cells.length || col < 0 || col >= width) return null;
  const rows = span(row, radius, cells.length);
  const cols = span(col, radius, width);
  return { rows, cols, cells: rows.map((r) => cols.map((c) => cells[r]![c] ?? '')), row, col };
}
