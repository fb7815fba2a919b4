/**
 * A 绩效目标表 whose project name wraps onto two lines inside a narrow cell, as county templates
 * print it (项目名称 | name | 主管部门 | … on one row): exported by LibreOffice and scanned at 300 and
 * 200 dpi, the name is read whole — both lines of its cell — not just its first line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { findSoffice } from '../extractors/office/libreoffice.js';
import { stopOcr } from '../extractors/scan/ocr.js';
import { processDocument } from '../pipeline/process.js';
import { exportPdf, scanPages } from '../scripts/make-office-pdf-forms.js';

const soffice = findSoffice();
const cjkFont = (() => {
  try { return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim() !== ''; } catch { return false; }
})();
const missing = !soffice ? 'LibreOffice (soffice) is not installed' : !cjkFont ? 'no CJK font (fonts-noto-cjk) for LibreOffice to print with' : null;
if (missing) console.warn(`test/scanWrappedName.test.ts skipped: ${missing}`);

const NAME = '办公人员统一工装质保金';

/** One small form: the name's column is too narrow for it, so its cell wraps to two lines. */
async function narrowNameWorkbook(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('目标表');
  sheet.columns = [12, 14, 12, 22, 14, 14].map((width) => ({ width }));
  const thin = { style: 'thin' } as const;
  const row = (r: number, values: string[], height = 20): void => {
    const printed = sheet.getRow(r);
    printed.height = height;
    values.forEach((value, c) => {
      const cell = printed.getCell(c + 1);
      cell.value = value;
      cell.border = { top: thin, left: thin, bottom: thin, right: thin };
      cell.alignment = { wrapText: true, vertical: 'middle' };
      cell.font = { name: 'Noto Sans CJK SC', size: 10 };
    });
  };
  sheet.mergeCells('A1:F1');
  sheet.getCell('A1').value = '项目支出绩效目标表';
  sheet.getCell('A1').alignment = { horizontal: 'center' };
  sheet.getCell('A1').font = { name: 'Noto Sans CJK SC', size: 14, bold: true };
  row(2, ['项目名称', NAME, '主管部门', '某县行政审批局', '实施单位', '某县政务中心'], 34);
  row(3, ['一级指标', '二级指标', '三级指标', '指标值', '分值', '备注']);
  row(4, ['产出指标', '数量指标', '工装套数', '≥120套', '20', '']);
  row(5, ['产出指标', '质量指标', '验收合格率', '100%', '20', '']);
  row(6, ['满意度指标', '服务对象满意度指标', '职工满意度', '≥90%', '10', '']);
  sheet.pageSetup = { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe.skipIf(missing !== null)('a scanned form whose project name wraps in its cell', () => {
  const work = mkdtempSync(join(tmpdir(), 'ziping-wrap-'));
  afterAll(async () => {
    await stopOcr();
    rmSync(work, { recursive: true, force: true });
  });

  it.each([300, 200])('reads both lines of the name at %i dpi', async (dpi) => {
    writeFileSync(join(work, 'form.xlsx'), await narrowNameWorkbook());
    const pdf = exportPdf(join(work, 'form.xlsx'), work);
    const scan = await scanPages(pdf, [{ page: 1, spec: { dpi, degrees: 0.4, noise: 0.001, blur: 0, quality: 90 } }]);
    const doc = await processDocument('narrow.pdf', scan);
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]).toMatchObject({ project_name: NAME, department: '某县行政审批局', implementing_unit: '某县政务中心' });
    expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual(['工装套数', '验收合格率', '职工满意度']);
  }, 180_000);
});
