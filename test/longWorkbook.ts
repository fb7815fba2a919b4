/**
 * A workbook with a 100,000-row sheet, written on the fly with exceljs's streaming writer: a copy of
 * a form sheet (the sample workbook's first), then a sheet of data rows with merged ranges before,
 * across and after the row cut (`MAX_SHEET_ROWS`). Used by the memory test and the benchmark.
 */
import ExcelJS from 'exceljs';
import { MAX_SHEET_ROWS } from '../extractors/spreadsheet.js';

export const LONG_SHEET_ROWS = 100_000;
const COLUMNS = ['序号', '项目名称', '主管部门', '实施单位', '功能分类', '年初预算数', '全年预算数', '全年执行数', '执行率', '备注'];

/** Write the workbook to `filename`, its first sheet copied from the workbook at `formWorkbook`. */
export async function writeLongWorkbook(filename: string, formWorkbook: string): Promise<void> {
  const sample = new ExcelJS.Workbook();
  await sample.xlsx.readFile(formWorkbook);
  const source = sample.worksheets[0]!;
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename, useSharedStrings: true, useStyles: true });
  const form = writer.addWorksheet(source.name);
  for (const range of source.model.merges) form.mergeCells(range);
  for (let r = 1; r <= source.rowCount; r++) {
    const from = source.getRow(r);
    const to = form.getRow(r);
    from.eachCell({ includeEmpty: true }, (cell, c) => {
      const target = to.getCell(c);
      target.style = cell.style;
      if (!cell.isMerged || cell.master === cell) target.value = cell.value;
    });
    to.commit();
  }
  form.commit();
  const data = writer.addWorksheet('项目明细');
  // the streaming writer takes a merge only before its first row is committed: a merge declared
  // ahead of rows still to come makes every later addRow crawl, so each is declared at its row
  const merges = new Map([
    [1, 'A1:J1'], // a title over the columns
    [MAX_SHEET_ROWS - 1, `J${MAX_SHEET_ROWS - 1}:J${MAX_SHEET_ROWS + 2}`], // a remark across the cut
    [LONG_SHEET_ROWS - 5, `A${LONG_SHEET_ROWS - 5}:B${LONG_SHEET_ROWS - 3}`], // past the cut: dropped
  ]);
  const put = (rowNumber: number, values: ExcelJS.CellValue[]): void => {
    const range = merges.get(rowNumber);
    if (range) data.mergeCells(range);
    const row = data.getRow(rowNumber);
    row.values = values;
    row.commit();
  };
  put(1, ['2021年项目资金明细表']);
  put(2, COLUMNS);
  for (let i = 1; i <= LONG_SHEET_ROWS - 2; i++) {
    put(i + 2, [i, `第${i}号项目维修维护`, '行政服务局', `单位${i % 97}`, '2010399', 1000 + i, 1200 + i, 900 + (i % 300),
      { formula: `H${i + 2}/G${i + 2}`, result: 0.75 }, i % 10 ? null : '调整']);
  }
  data.commit();
  await writer.commit();
}

