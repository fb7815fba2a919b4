/**
 * The spreadsheet extractor: .xlsx/.xlsm read from their own cells with exceljs; .xls (BIFF8) and
 * WPS .et binaries converted to .xlsx by LibreOffice first. Every visible sheet in order; hidden
 * sheets, rows and columns are skipped and reported. Cells give their displayed text (number
 * formats applied, formulas by their cached value), merged ranges are spans, and every cell's
 * origin names its sheet and address (`Sheet1!C7`). A sheet longer than any form is cut before
 * exceljs builds it (`office/sheetRows.ts`), so memory stays bounded whatever the file holds.
 */
import type ExcelJS from 'exceljs';
import type { Block } from '../schemas/document.js';
import { numberTables } from '../layout/detectTables.js';
import { checkZip, sniffOffice, type ZipEntry } from './office/container.js';
import { displayText } from './office/displayText.js';
import { readConverted } from './office/libreoffice.js';
import { capSheetRows, type CutSheet } from './office/sheetRows.js';
import { gridToBlocks, type GridCell, type SheetGrid } from './office/sheetBlocks.js';
import { type Extraction, type Extractor, InputError } from './types.js';

/** A sheet with more cells than this (rows × columns in use) is skipped: no form is that large. @default 500 000 */
export const MAX_SHEET_CELLS = 500_000;
/**
 * Rows read from one sheet; later rows are left out, with a warning. A form is a few dozen rows and a
 * sheet of forms a few thousand; a sheet of 100,000 rows is a data dump, and exceljs would hold all
 * of it. @default 10 000
 */
export const MAX_SHEET_ROWS = 10_000;

const SPREADSHEET_NAME = /\.(xlsx|xlsm|xltx|xltm|xlsb|xls|xlt|et|ett)$/i;

/** The workbook's visible sheets as grids, and what was skipped. */
function sheetGrids(workbook: ExcelJS.Workbook): { grids: SheetGrid[]; warnings: string[] } {
  const warnings: string[] = [];
  const grids: SheetGrid[] = [];
  const date1904 = workbook.properties?.date1904 === true;
  const hiddenSheets: string[] = [];
  let formulasWithoutResult = 0;
  for (const sheet of workbook.worksheets) {
    if (sheet.state === 'hidden' || sheet.state === 'veryHidden') { hiddenSheets.push(sheet.name); continue; }
    const height = sheet.rowCount;
    const width = sheet.columnCount;
    if (height === 0 || width === 0) continue;
    if (height * width > MAX_SHEET_CELLS) { warnings.push(`sheet "${sheet.name}" skipped: ${height} rows × ${width} columns is larger than any form`); continue; }
    const rowNumbers: number[] = [];
    const colNumbers: number[] = [];
    const hiddenRows: number[] = [];
    const hiddenCols: number[] = [];
    for (let r = 1; r <= height; r++) (sheet.getRow(r).hidden ? hiddenRows : rowNumbers).push(r);
    for (let c = 1; c <= width; c++) (sheet.getColumn(c).hidden ? hiddenCols : colNumbers).push(c);
    const cells = rowNumbers.map((r) => colNumbers.map((c): GridCell => {
      const cell = sheet.getCell(r, c);
      const border = cell.border;
      const ruled = !!border && [border.top, border.left, border.bottom, border.right].some((side) => side?.style !== undefined);
      if (cell.isMerged && cell.master !== cell) return { text: '', ruled, covered: true };
      const shown = displayText(cell.value, cell.numFmt, date1904);
      if (shown.formulaWithoutResult) formulasWithoutResult++;
      return { text: shown.text.replace(/\r\n?/g, '\n').trim(), ruled, covered: false };
    }));
    if (hiddenRows.length > 0) warnings.push(`sheet "${sheet.name}": ${hiddenRows.length} hidden row${hiddenRows.length > 1 ? 's' : ''} skipped (${hiddenRows.slice(0, 5).join(', ')}${hiddenRows.length > 5 ? ', …' : ''})`);
    if (hiddenCols.length > 0) warnings.push(`sheet "${sheet.name}": ${hiddenCols.length} hidden column${hiddenCols.length > 1 ? 's' : ''} skipped`);
    grids.push({ name: sheet.name, rowNumbers, colNumbers, cells });
  }
  if (hiddenSheets.length > 0) warnings.push(`hidden sheet${hiddenSheets.length > 1 ? 's' : ''} skipped: ${hiddenSheets.map((n) => `"${n}"`).join(', ')}`);
  if (formulasWithoutResult > 0) warnings.push(`${formulasWithoutResult} formula cell${formulasWithoutResult > 1 ? 's have' : ' has'} no saved value (read as empty; open and save the workbook in Excel to store them)`);
  return { grids, warnings };
}

/** Given an .xlsx's bytes (already checked against the zip-bomb guard), return its blocks. */
export async function readWorkbook(bytes: Uint8Array, path: string, entries: readonly ZipEntry[]): Promise<Extraction> {
  // loaded on first use: importing exceljs is about 0.3 s of every worker's start, most batches have no workbook
  const { default: { Workbook } } = await import('exceljs');
  const workbook = new Workbook();
  let cut: CutSheet[];
  try {
    const capped = await capSheetRows(bytes, entries, { maxRows: MAX_SHEET_ROWS, maxCells: MAX_SHEET_CELLS });
    cut = capped.cut;
    // exceljs's types predate Node's generic Buffer; the bytes are passed as they are
    await workbook.xlsx.load(Buffer.from(capped.bytes.buffer, capped.bytes.byteOffset, capped.bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new InputError(path, `damaged workbook: ${(error as Error).message}`);
  }
  const { grids, warnings } = sheetGrids(workbook);
  for (const c of cut) {
    warnings.unshift(`sheet "${c.sheet}": only rows 1–${c.keptRows} of ${c.rows} read (a sheet that long is no form; the rest is left out to bound memory)`);
  }
  if (entries.some((e) => /vbaProject\.bin$/i.test(e.name))) warnings.push('the workbook holds macros: they were not run');
  const blocks: Block[] = [];
  let line = 1;
  for (const grid of grids) {
    blocks.push(...gridToBlocks(grid, line));
    line += grid.rowNumbers.length;
  }
  return { encoding: null, blocks: numberTables(blocks), warnings };
}

const isSpreadsheetZip = (entries: readonly ZipEntry[] | undefined): boolean => !!entries?.some((e) => e.name.startsWith('xl/'));

export const spreadsheetExtractor: Extractor = {
  kind: 'spreadsheet',
  supports({ path, bytes }) {
    if (!bytes) return false;
    const sniffed = sniffOffice(bytes);
    if (sniffed.kind === 'xlsx' || sniffed.kind === 'xls') return true;
    // password-protected OOXML gives no hint of its kind inside: the name decides who reports it
    if (sniffed.kind === 'encrypted') return !/\.(docx?|docm|wps|wpt|dotx?)$/i.test(path);
    // a damaged zip is reported by the reader its name or its parts point to
    if (sniffed.corrupt !== undefined) return SPREADSHEET_NAME.test(path);
    return sniffed.kind === null && isSpreadsheetZip(sniffed.entries);
  },
  async extract(bytes, path) {
    const sniffed = sniffOffice(bytes);
    if (sniffed.corrupt !== undefined) throw new InputError(path, `corrupt zip: ${sniffed.corrupt}`);
    if (sniffed.kind === 'encrypted') throw new InputError(path, 'encrypted workbook: it is password-protected; save an unprotected copy');
    if (sniffed.kind === 'xls') {
      return readConverted(bytes, path, { from: 'xls', to: 'xlsx', needs: 'libreoffice-calc', was: 'a binary workbook (.xls/.et)' }, readWorkbook);
    }
    const entries = sniffed.entries ?? [];
    checkZip(path, entries);
    if (entries.some((e) => e.name === 'xl/workbook.bin')) throw new InputError(path, 'binary .xlsb workbook: save it as .xlsx');
    if (!entries.some((e) => e.name === 'xl/workbook.xml')) throw new InputError(path, 'damaged workbook: no xl/workbook.xml part');
    return readWorkbook(bytes, path, entries);
  },
};
