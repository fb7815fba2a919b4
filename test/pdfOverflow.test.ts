/**
 * Office-suite PDFs of sheets laid out the way filers print them, exported by LibreOffice from
 * exceljs workbooks (invented texts), read back and compared with the workbook itself:
 * - a sheet wider than its page (no fit to width): the columns that do not fit are printed on
 *   later pages — all the rows' left parts first, then their right parts ("down, then over", the
 *   default), or each page's right part right after it ("over, then down"). Those pages hold the
 *   right-hand columns of rows printed before, at the same heights; read as rows of their own they
 *   were 65 indicators named ≥120人, 100% … in a form stored without review.
 * - forms of one template stacked in one sheet, each under the same title row: the third form's
 *   title repeats the second's first row, and was read as a header repeated after a break.
 * Skipped without LibreOffice or a CJK font to print with.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSoffice } from '../extractors/office/libreoffice.js';
import { processDocument } from '../pipeline/process.js';
import type { ZipingDocument } from '../schemas/document.js';
import type { FormRecord } from '../schemas/record.js';
import { exportPdf } from '../scripts/make-office-pdf-forms.js';
import { compareRecords } from './compare.js';

const soffice = findSoffice();
const cjkFont = (() => {
  try { return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim() !== ''; } catch { return false; }
})();
const missing = !soffice ? 'LibreOffice (soffice) is not installed' : !cjkFont ? 'no CJK font (fonts-noto-cjk) for LibreOffice to print with' : null;
if (missing) console.warn(`test/pdfOverflow.test.ts skipped: ${missing}`);

type Rows = string[][];
const HEAD = ['一级指标', '二级指标', '三级指标', '指标值'];
const deptForm = (title: string, dept: string, topic: string): Rows => [
  [title], ['部门名称', dept, '', ''], ['年度预算(万元)', '资金总额', '3000', ''], ['', '其中:财政拨款', '3000', ''],
  ['年度总体目标', '保障部门正常运转，完成年度重点工作', '', ''], HEAD,
  ['产出指标', '数量指标', `${topic}保障人数`, '≥120人'], ['产出指标', '质量指标', `${topic}工作完成率`, '100%'],
  ['效益指标', '社会效益指标', `${topic}服务覆盖率`, '≥95%'], ['满意度指标', '服务对象满意度指标', `${topic}社会公众满意度`, '≥90%'],
];
const projectForm = (title: string, name: string, unit: string, topic: string): Rows => [
  [title], ['项目名称', name, '', ''], ['主管部门', '某县教育局', '实施单位', unit],
  ['项目资金(万元)', '年度资金总额', '120', ''], ['', '其中:财政拨款', '120', ''],
  ['年度绩效目标', '完成年度建设任务，改善群众生产生活条件', '', ''], HEAD,
  ['产出指标', '数量指标', `${topic}建设数量`, '≥10个'], ['产出指标', '质量指标', `${topic}验收合格率`, '100%'],
  ['产出指标', '时效指标', `${topic}完成及时率`, '≥95%'], ['效益指标', '社会效益指标', `${topic}受益人数`, '≥500人'],
  ['满意度指标', '服务对象满意度指标', `${topic}群众满意度`, '≥90%'],
];
const workRows = (n: number): Rows => Array.from({ length: n }, (_, i) => ['产出指标', '数量指标', `第${i + 1}项重点工作完成数`, `≥${i + 3}项`]);

interface Sheet { tables: Rows[]; width: number; fit: boolean; order?: 'downThenOver' | 'overThenDown' }

/** A one-sheet workbook: the tables one under another (a blank row between), ruled, a one-cell row merged across. */
async function workbook(sheet: Sheet): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('Sheet1');
  const thin = { style: 'thin' } as const;
  let r = 1;
  for (const table of sheet.tables) {
    for (const row of table) {
      if (row.length === 1) { ws.mergeCells(r, 1, r, 4); ws.getCell(r, 1).value = row[0]; } else row.forEach((text, c) => { if (text !== '') ws.getCell(r, c + 1).value = text; });
      for (let c = 1; c <= 4; c++) ws.getCell(r, c).border = { top: thin, left: thin, bottom: thin, right: thin };
      r++;
    }
    r++;
  }
  for (let c = 1; c <= 4; c++) ws.getColumn(c).width = sheet.width;
  ws.pageSetup.paperSize = 9;
  if (sheet.fit) Object.assign(ws.pageSetup, { fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
  if (sheet.order) ws.pageSetup.pageOrder = sheet.order;
  return new Uint8Array(await book.xlsx.writeBuffer());
}

const data = (records: readonly FormRecord[]): FormRecord[] => records.map(({ id: _id, source: _source, ...rest }) => rest as FormRecord);

describe.skipIf(missing !== null)('office-suite PDFs of sheets printed over several pages', () => {
  const SHEETS: Record<string, Sheet> = {
    // three of four columns fit: the fourth (指标值) is printed on pages 3-4
    wide: { tables: [[...deptForm('2024年度部门整体支出绩效目标表', '某县教育局', '教育'), ...workRows(60)]], width: 18, fit: false },
    // two and two: the right half is as wide as the left, and a long cell's text spills over
    halves: { tables: [[...projectForm('2024年度项目支出绩效目标表', '甲乡道路维修项目', '某县公路站', '道路'), ...workRows(60)]], width: 25, fit: false },
    overThenDown: { tables: [[...deptForm('2024年度部门整体支出绩效目标表', '某县教育局', '教育'), ...workRows(60)]], width: 18, fit: false, order: 'overThenDown' },
    stacked: {
      tables: [deptForm('2024年度部门整体支出绩效目标表', '某县教育局', '教育'),
        projectForm('2024年度项目支出绩效目标表', '学生营养餐补助项目', '某县第一中学', '营养餐'),
        projectForm('2024年度项目支出绩效目标表', '校舍维修项目', '某县第二中学', '校舍')],
      width: 18, fit: true,
    },
  };
  let work = '';
  const read: Record<string, { pdf: ZipingDocument; xlsx: ZipingDocument }> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ziping-pdf-overflow-'));
    for (const [name, sheet] of Object.entries(SHEETS)) {
      const xlsx = await workbook(sheet);
      const path = join(work, `${name}.xlsx`);
      writeFileSync(path, xlsx);
      const pdf = exportPdf(path, work);
      read[name] = { pdf: await processDocument(`${name}.pdf`, pdf, { ocr: false }), xlsx: await processDocument(`${name}.xlsx`, xlsx, { ocr: false }) };
    }
  }, 180_000);
  afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  const readsAsWorkbook = (name: string, indicators: number[]): void => {
    const { pdf, xlsx } = read[name]!;
    expect(pdf.records.map((r) => r.indicators.length)).toEqual(indicators);
    expect(xlsx.records.map((r) => r.indicators.length)).toEqual(indicators);
    expect(compareRecords(data(xlsx.records), data(pdf.records), { fuzzyText: false }).mismatches).toEqual([]);
  };

  it('a sheet wider than its page: the last column, printed on the pages after, is read back as the rows\' right-hand column', () => {
    readsAsWorkbook('wide', [64]);
    const { pdf } = read.wide!;
    expect(pdf.records[0]!.indicators.slice(-1)[0]).toMatchObject({ name: '第60项重点工作完成数', target: { raw: '≥62项' } });
    // the join is stated, page by page
    expect(pdf.issues.filter((i) => /continue the rows of page/.test(i.message)).map((i) => i.message.slice(0, 7))).toEqual(['page 3:', 'page 4:']);
  });

  it('a sheet printed in two halves of the same width, a long cell spilling over: read as the workbook', () => {
    readsAsWorkbook('halves', [65]);
    expect(read.halves!.pdf.records[0]).toMatchObject({ implementing_unit: '某县公路站', needs_review: false });
  });

  it('a wide sheet printed over, then down: each page\'s right part joins the page before it', () => {
    readsAsWorkbook('overThenDown', [64]);
  });

  it('three forms stacked in one sheet under the same kind of title: three records, as from the workbook', () => {
    readsAsWorkbook('stacked', [4, 5, 5]);
    expect(read.stacked!.pdf.records.map((r) => [r.project_name, r.implementing_unit, r.needs_review])).toEqual([
      ['2024年度部门整体支出', null, false], ['学生营养餐补助项目', '某县第一中学', false], ['校舍维修项目', '某县第二中学', false],
    ]);
  });
});

describe('indicators named by bare values', () => {
  it('a value column read as names (≥120人, 100%) sends the form to review', async () => {
    // the left part of a wide sheet (no 指标值 column) and its right part's values read as more rows
    const text = [
      '2024年度部门整体支出绩效目标表', '', '| 部门名称 | 某县教育局 | |', '| --- | --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 |', '| 产出指标 | 数量指标 | 保障人数 |', '| 满意度指标 | 服务对象满意度指标 | 社会公众满意度 |',
      '| | | ≥120人 |', '| | | 100% |', '',
    ].join('\n');
    const doc = await processDocument('values.md', new TextEncoder().encode(text), { ocr: false });
    expect(doc.records).toHaveLength(1);
    const record = doc.records[0]!;
    expect(record.issues.map((i) => i.rule)).toContain('indicator_name_is_value');
    expect(record.needs_review).toBe(true);
  });
});
