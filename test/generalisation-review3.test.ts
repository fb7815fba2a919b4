/**
 * Review of how forms are found and split with invented forms: a continuation that prints the form's
 * own header block again (部门名称, 主管部门 | 实施单位) over its indicator header is the same form, the
 * reprinted rows no indicators; another form's header block printed as a table of its own, its
 * indicators in the next table, opens that form and never continues the last one; a footer table
 * (填报单位 | 填报人) after a form is no form; an office suite's print titles (the header block over every
 * page) are read once. Every text is our own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { findSoffice } from '../extractors/office/libreoffice.js';
import { exportPdf } from '../scripts/make-office-pdf-forms.js';
import { processDocument } from '../pipeline/process.js';

const html = (tables: string[][][], before = '') => new TextEncoder().encode(
  `<html><body>${before}${tables.map((rows) => `<table border="1">${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`).join('\n')}</body></html>`,
);
const HEAD = ['一级指标', '二级指标', '三级指标', '指标值'];
const rows = (p: string) => [
  ['产出指标', '数量指标', `${p}保障人数`, '≥120人'],
  ['产出指标', '质量指标', `${p}工作完成率`, '100%'],
  ['效益指标', '社会效益指标', `${p}服务覆盖率`, '≥95%'],
  ['满意度指标', '服务对象满意度指标', `${p}公众满意度`, '≥90%'],
];

describe('a continuation that prints the form\'s own header block again', () => {
  it('continues a 部门整体 form whose next page reprints 部门名称 over the indicator header', async () => {
    const doc = await processDocument('dept.html', html([
      [['2024年度部门整体支出绩效目标表', '', '', ''], ['部门名称', '某县文化局', '', ''], ['年度预算(万元)', '资金总额', '800', ''], ['年度总体目标', '保障场馆免费开放', '', ''], HEAD, ...rows('场馆')],
      [['部门名称', '某县文化局', '', ''], HEAD, ...rows('演出')],
    ]), { ocr: false });
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual([...rows('场馆'), ...rows('演出')].map((r) => r[2]));
  });

  it('continues a self-evaluation whose next page reprints 主管部门 | 实施单位 over the indicator header', async () => {
    const se = ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分'];
    const ind = (p: string) => [['产出指标', '数量指标', `${p}维修里程`, '10公里', '10公里', '25', '25'], ['满意度指标', '服务对象满意度指标', `${p}群众满意度`, '90%', '95%', '25', '25']];
    const doc = await processDocument('se.html', html([
      [['2023年度项目支出绩效自评表', '', '', '', '', '', ''], ['项目名称', '丙镇道路养护项目', '', '', '', '', ''], ['主管部门', '某县交通局', '实施单位', '某县养护站', '', '', ''], se, ...ind('路面')],
      [['主管部门', '某县交通局', '实施单位', '某县养护站', '', '', ''], se, ...ind('桥面')],
    ]), { ocr: false });
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual(['路面维修里程', '路面群众满意度', '桥面维修里程', '桥面群众满意度']);
  });
});

describe('another form\'s header block printed as a table of its own', () => {
  it('opens that form: its indicators are never read into the form before', async () => {
    const doc = await processDocument('two.html', html([
      [['部门名称', '某县文化局', '', ''], ['年度预算(万元)', '资金总额', '800', '']],
      [HEAD, ...rows('场馆')],
      [['部门名称', '某县林业局', '', ''], ['年度预算(万元)', '资金总额', '600', '']],
      [HEAD, ...rows('林区')],
    ], '<p>2024年度部门整体支出绩效目标表</p>'), { ocr: false });
    expect(doc.records.map((r) => r.indicators.map((i) => i.name))).toEqual([rows('场馆').map((r) => r[2]), rows('林区').map((r) => r[2])]);
    expect(doc.records.map((r) => r.department)).toEqual(['某县文化局', '某县林业局']);
  });

  it('is no form where no indicators follow it (a footer: 填报单位 | … | 填报人)', async () => {
    const doc = await processDocument('footer.html', html([
      [['2024年度项目支出绩效目标表', '', '', ''], ['项目名称', '丁村供水项目', '', ''], ['主管部门', '某县水利局', '实施单位', '某县供水站'], HEAD, ...rows('供水')],
      [['填报单位(盖章)', '某县供水站', '填报人', '赵六']],
    ]), { ocr: false });
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual(rows('供水').map((r) => r[2]));
  });
});

describe('a long form printed by an office suite with print titles', () => {
  const soffice = findSoffice();
  it.skipIf(!soffice)('reads the header block that heads every page once, not as indicators on page 2', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    const thin = { style: 'thin' } as const;
    const lines = [['2024年度部门整体支出绩效目标表', '', '', ''], ['部门名称', '某县文化局', '', ''], ['年度预算(万元)', '资金总额', '800', ''],
      ['', '其中:财政拨款', '800', ''], ['年度总体目标', '保障场馆免费开放', '', ''], HEAD,
      ...Array.from({ length: 60 }, (_, i) => ['产出指标', '数量指标', `第${i + 1}场公益演出场次`, `≥${i + 2}场`])];
    lines.forEach((row, r) => row.forEach((text, c) => {
      const cell = ws.getCell(r + 1, c + 1);
      if (text !== '') cell.value = text;
      cell.border = { top: thin, left: thin, bottom: thin, right: thin };
    }));
    ws.mergeCells(1, 1, 1, 4);
    ws.columns.forEach((c) => { c.width = 20; });
    Object.assign(ws.pageSetup, { paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '2:6' });
    const dir = mkdtempSync(join(tmpdir(), 'review3-'));
    try {
      await wb.xlsx.writeFile(join(dir, 'long.xlsx'));
      const doc = await processDocument('long.pdf', exportPdf(join(dir, 'long.xlsx'), dir), { ocr: false });
      expect(doc.records).toHaveLength(1);
      expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual(lines.slice(6).map((r) => r[2]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
