/**
 * PDFs from office suites: hand-keyed real-world forms (../shared/realworld) laid out in the
 * spreadsheet templates filers fill in, exported to PDF by LibreOffice, and scanned.
 *
 *   npx tsx scripts/make-office-pdf-forms.ts <out-dir>     (needs Debian's libreoffice-calc)
 *
 * Nothing here is committed: the corpus's texts stay in ../shared/realworld, so the workbook, its
 * PDF, the scans and the expected records are made at test time (test/officePdf.test.ts) or into
 * the folder given on the command line.
 *
 * Two templates, after the national ones:
 * - 项目支出绩效自评表 (self_evaluation): 项目名称 / 主管部门 | 实施单位, a 项目资金 block (年初预算数 /
 *   全年预算数 / 全年执行数 / 分值 / 执行率 / 得分 over 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 /
 *   其他资金), 年度总体目标 (预期目标 | 实际完成情况), the indicator table (一级/二级 merged over their
 *   rows; 年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施) and 总分.
 * - 项目支出绩效目标表 (performance_target): the same header rows, a 项目资金 block of label/amount
 *   rows (项目资金总额 / 年度资金申请总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金), goals side by
 *   side (项目总目标 | 年度总体目标), the indicator table (指标值 / 绩效指标描述 / 分值 / 指标值确定依据)
 *   and a 填报人 / 联系电话 line.
 * The workbook opens with sheets of ordinary 部门预算 tables (收支总表, 财政拨款支出表, 政府性基金预算支出表:
 * made-up numbers, no corpus text), which must stay raw tables; then one sheet per form, each
 * printed on one page (fit to page).
 *
 * The expected record of a form is its key (truth.json) with the fields the template does not
 * print set to null (see `expectedRecord`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Canvas, createCanvas } from '@napi-rs/canvas';
import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import { findSoffice } from '../extractors/office/libreoffice.js';
import { openPdf } from '../extractors/pdfText.js';
import { renderPdfPage } from '../extractors/scan/raster.js';
import type { FormRecord } from '../schemas/record.js';
import { REALWORLD_ROOT } from './realworld/score.js';

/** A keyed form: the case it comes from, its index in the case's truth.json, and the key. */
export interface KeyedForm { caseId: string; index: number; record: FormRecord }

/**
 * The forms laid out: complete keys with indicator rows and sensible funds, every form type. The
 * cases are named by their number; their folder names follow.
 */
export const CHOSEN: ReadonlyArray<{ case: string; index: number }> = [
  // 项目支出绩效自评表
  { case: '12', index: 0 }, // 元, ≧/═ operators, total and grade
  { case: '18', index: 0 }, // ★ names, level-1 weights, a deviation note, code before the department
  { case: '37', index: 0 }, // own title, no weights, 99.97%
  { case: '24', index: 0 }, // 20-point funds weight
  { case: '07', index: 0 }, // 23 indicator rows, initial budget 0
  // 项目支出绩效目标表
  { case: '02', index: 0 }, // 指标值确定依据, contact
  { case: '08', index: 0 },
  { case: '11', index: 0 },
  { case: '39', index: 0 }, // 绩效指标描述 repeating the name
  { case: '40', index: 0 }, // 元, level-1 weights and 分值, non-canonical row order
];

/** The chosen keys, or null when the corpus is not beside the project. */
export function loadKeyedForms(root = REALWORLD_ROOT): KeyedForm[] | null {
  const cases = join(root, 'cases');
  if (!existsSync(cases)) return null;
  const dirs = execFileSync('ls', [cases], { encoding: 'utf8' }).trim().split('\n');
  return CHOSEN.map(({ case: id, index }) => {
    const dir = dirs.find((d) => d.startsWith(`${id}-`));
    if (!dir) throw new Error(`realworld case ${id} not found in ${cases}`);
    const truth = JSON.parse(readFileSync(join(cases, dir, 'truth.json'), 'utf8')) as FormRecord[];
    return { caseId: dir, index, record: truth[index]! };
  });
}

// ---------------------------------------------------------------- what each template prints

/**
 * The key with what the template does not print set to null. Both templates print no 项目编码,
 * 到位数, 总体完成率 or 存在问题. The self-evaluation template prints no 绩效指标描述, 指标值确定依据
 * or contact line; the target template prints no actual values, scores, deviation notes, 执行数,
 * 执行率 or total, and of the funds only 年度资金申请总额 and 其中：当年财政拨款.
 */
export function expectedRecord(form: KeyedForm): FormRecord {
  const r = structuredClone(form.record);
  r.project_code = null;
  r.completion_rate = null;
  r.problems = null;
  if (r.funds) r.funds.received = null;
  if (r.form_type === 'self_evaluation') {
    r.contact = { filler: null, phone: null };
    r.indicators = r.indicators.map((i) => ({ ...i, description: null, basis: null }));
  } else {
    r.goal_actual = null;
    r.total_score = null;
    r.grade = null;
    if (r.funds) {
      r.funds = { ...r.funds, initial_budget: null, executed: null, execution_rate: null, weight: null, score: null };
      if (r.funds.fiscal) r.funds.fiscal = { initial_budget: null, adjusted_budget: r.funds.fiscal.adjusted_budget, executed: null };
    }
    r.indicators = r.indicators.map((i) => ({ ...i, actual: null, score: null, deviation_note: null }));
  }
  return r;
}

// ---------------------------------------------------------------- cells

const THIN = { style: 'thin' as const };
const RULED: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = { name: 'Noto Sans CJK SC', size: 10 };

/** Money in the form's unit, as a number with the format that prints it (4 decimals for 万元 where needed). */
function money(yuan: number | null | undefined, unit: string | null): { value: ExcelJS.CellValue; numFmt?: string } {
  if (yuan === null || yuan === undefined) return { value: null };
  const value = unit === '万元' ? Math.round(yuan / 100) / 100 : yuan;
  const decimals = Math.round(value * 100) === value * 100 ? 2 : 4;
  return { value, numFmt: `0.${'0'.repeat(decimals)}` };
}

/** A printed number as a workbook stores it: a percentage is a fraction formatted 0.00%. */
export function typed(text: string | number | null | undefined): { value: ExcelJS.CellValue; numFmt?: string } {
  if (text === null || text === undefined) return { value: null };
  if (typeof text === 'number') return { value: text, numFmt: Number.isInteger(text) ? '0' : '0.0#' };
  const percent = /^(\d{1,3})(?:\.(\d+))?%$/.exec(text);
  if (percent) return { value: Number(text.slice(0, -1)) / 100, numFmt: percent[2] ? `0.${'0'.repeat(percent[2].length)}%` : '0%' };
  const plain = /^(0|[1-9]\d{0,8})(?:\.(\d+))?$/.exec(text);
  if (plain) return { value: Number(text), numFmt: plain[2] ? `0.${'0'.repeat(plain[2].length)}` : '0' };
  return { value: text };
}

export class SheetWriter {
  constructor(readonly sheet: ExcelJS.Worksheet, readonly width: number) {}
  row = 1;

  /** One cell (1-based column), ruled or not, merged over `cols` × `rows`. */
  put(
    col: number, content: string | number | null | { value: ExcelJS.CellValue; numFmt?: string },
    opts: { cols?: number; rows?: number; ruled?: boolean; bold?: boolean; center?: boolean; row?: number } = {},
  ): void {
    const r = opts.row ?? this.row;
    const cols = opts.cols ?? 1;
    const rows = opts.rows ?? 1;
    const c = typeof content === 'object' && content !== null ? content : typed(content);
    const cell = this.sheet.getCell(r, col);
    cell.value = c.value ?? null;
    if (c.numFmt) cell.numFmt = c.numFmt;
    cell.font = { ...FONT, bold: opts.bold ?? false };
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: opts.center ? 'center' : typeof c.value === 'number' ? 'right' : 'left' };
    if (opts.ruled !== false) {
      for (let y = r; y < r + rows; y++) for (let x = col; x < col + cols; x++) this.sheet.getCell(y, x).border = RULED;
    }
    if (cols > 1 || rows > 1) this.sheet.mergeCells(r, col, r + rows - 1, col + cols - 1);
  }

  /** An unruled line across the sheet: a title or a header line. */
  line(text: string, opts: { size?: number; bold?: boolean; center?: boolean; right?: string } = {}): void {
    const cell = this.sheet.getCell(this.row, 1);
    cell.value = text;
    cell.font = { ...FONT, size: opts.size ?? 10, bold: opts.bold ?? false };
    cell.alignment = { horizontal: opts.center ? 'center' : 'left', vertical: 'middle' };
    if (opts.right !== undefined) {
      const span = Math.ceil(this.width / 2);
      this.sheet.mergeCells(this.row, 1, this.row, span);
      const right = this.sheet.getCell(this.row, this.width);
      right.value = opts.right;
      right.font = FONT;
      right.alignment = { horizontal: 'right' };
    } else this.sheet.mergeCells(this.row, 1, this.row, this.width);
    if (opts.size && opts.size > 12) this.sheet.getRow(this.row).height = opts.size * 1.8;
    this.row++;
  }

  /** A row height for wrapped text: LibreOffice keeps the stored height, so it is estimated here. */
  fit(texts: Array<{ text: string; width: number }>): void {
    const lines = Math.max(1, ...texts.map(({ text, width }) => Math.ceil((text.length * 1.9) / Math.max(1, width))));
    this.sheet.getRow(this.row).height = Math.max(18, 14 * lines + 4);
  }
}

export function pageSetup(sheet: ExcelJS.Worksheet, landscape: boolean): void {
  sheet.pageSetup = {
    paperSize: 9, orientation: landscape ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 1,
    horizontalCentered: true, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.2, footer: 0.2 },
  };
}

/** Consecutive rows with the same key: [first, count] runs, for merged 一级/二级 cells. */
export function runs<T>(items: readonly T[], key: (t: T) => string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  items.forEach((item, i) => {
    const last = out[out.length - 1];
    if (last && key(items[last[0]]!) === key(item)) last[1]++;
    else out.push([i, 1]);
  });
  return out;
}

const level1Label = (i: FormRecord['indicators'][number]): string => `${i.level1 ?? ''}${i.level1_weight !== null ? `（${i.level1_weight}分）` : ''}`;

// ---------------------------------------------------------------- 项目支出绩效自评表

/** Columns: A caption | B 一级 | C 二级 | D 三级 | E 年度指标值 | F 实际完成值 | G 分值 | H 得分 | I 偏差原因. */
/** A form's sheet up to its header block: title, year, filing unit and money unit, 项目名称, 主管部门 and 实施单位. */
function startForm(workbook: ExcelJS.Workbook, name: string, r: FormRecord, widths: readonly number[], landscape: boolean, defaultTitle: string): { w: SheetWriter; unit: string } {
  const sheet = workbook.addWorksheet(name);
  sheet.columns = widths.map((width) => ({ width }));
  pageSetup(sheet, landscape);
  const span = widths.length;
  const w = new SheetWriter(sheet, span);
  const unit = r.amount_unit ?? '万元';
  w.line(r.title ?? defaultTitle, { size: 16, bold: true, center: true });
  w.line(`（${r.year}年度）`, { center: true });
  if (r.filing_unit) w.line(`填报单位：${r.filing_unit}`, { right: `单位：${unit}` });
  w.row++;
  w.put(1, '项目名称', { center: true }); w.put(2, r.project_name, { cols: span - 1 }); w.row++;
  w.put(1, '主管部门', { center: true }); w.put(2, r.department, { cols: 3 }); w.put(5, '实施单位', { center: true }); w.put(6, r.implementing_unit, { cols: span - 5 }); w.row++;
  return { w, unit };
}

/**
 * The indicator block's caption and header row, then the merged 一级指标 and 二级指标 cells over
 * their rows; returns the first indicator row.
 */
function indicatorHeader(w: SheetWriter, rows: FormRecord['indicators'], caption: string, labels: readonly string[]): number {
  w.put(1, caption, { rows: rows.length + 1, center: true });
  labels.forEach((label, i) => w.put(2 + i, label, { center: true }));
  w.row++;
  const first = w.row;
  for (const [start, count] of runs(rows, level1Label)) w.put(2, level1Label(rows[start]!), { row: first + start, rows: count, center: true });
  for (const [start, count] of runs(rows, (i) => `${level1Label(i)}|${i.level2}`)) w.put(3, rows[start]!.level2, { row: first + start, rows: count, center: true });
  return first;
}

function selfEvaluationSheet(workbook: ExcelJS.Workbook, name: string, r: FormRecord): void {
  const { w, unit } = startForm(workbook, name, r, [10, 11, 14, 26, 14, 14, 8, 8, 22], true, '项目支出绩效自评表');
  // the funds block
  const f = r.funds;
  const top = w.row;
  w.put(1, `项目资金（${unit}）`, { rows: 5, center: true });
  w.put(2, null, { cols: 2 });
  ['年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'].forEach((label, i) => w.put(4 + i, label, { center: true }));
  w.row++;
  const rate = f.execution_rate === null ? null : { value: f.execution_rate, numFmt: Math.round(f.execution_rate * 10000) % 100 === 0 ? '0%' : '0.00%' };
  const fundsRows: Array<[string, Array<ReturnType<typeof money> | string | null>]> = [
    ['年度资金总额', [money(f.initial_budget, unit), money(f.adjusted_budget, unit), money(f.executed, unit), typed(f.weight), rate, typed(f.score)]],
    ['其中：当年财政拨款', [money(f.fiscal?.initial_budget, unit), money(f.fiscal?.adjusted_budget, unit), money(f.fiscal?.executed, unit), '—', null, '—']],
    ['上年结转资金', [null, null, null, '—', null, '—']],
    ['其他资金', [null, null, null, '—', null, '—']],
  ];
  for (const [label, cells] of fundsRows) {
    w.put(2, label, { cols: 2 });
    cells.forEach((c, i) => w.put(4 + i, typeof c === 'string' || c === null ? c : c, { center: typeof c === 'string' }));
    w.row++;
  }
  void top;
  // goals
  w.put(1, '年度总体目标', { rows: 2, center: true });
  w.put(2, '预期目标', { cols: 4, center: true }); w.put(6, '实际完成情况', { cols: 4, center: true }); w.row++;
  w.fit([{ text: r.goal_expected ?? '', width: 65 }, { text: r.goal_actual ?? '', width: 52 }]);
  w.put(2, r.goal_expected, { cols: 4 }); w.put(6, r.goal_actual, { cols: 4 }); w.row++;
  // indicators
  const rows = r.indicators;
  const first = indicatorHeader(w, rows, '绩效指标', ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施']);
  rows.forEach((i, k) => {
    w.row = first + k;
    w.fit([{ text: i.name ?? '', width: 26 }, { text: i.target?.raw ?? '', width: 14 }, { text: i.actual?.raw ?? '', width: 14 }, { text: i.deviation_note ?? '', width: 22 }]);
    w.put(4, i.name); w.put(5, i.target?.raw ?? null); w.put(6, i.actual?.raw ?? null); w.put(7, i.weight); w.put(8, i.score); w.put(9, i.deviation_note);
  });
  w.row = first + rows.length;
  // 总分: the weights' sum where every row prints one, the total as printed, the grade beside it
  const weights = [f.weight, ...rows.map((i) => i.weight)];
  const weightSum = weights.every((x) => x !== null) ? weights.reduce((s, x) => s! + x!, 0) : null;
  w.put(1, '总分', { cols: 6, center: true }); w.put(7, weightSum); w.put(8, r.total_score); w.put(9, r.grade, { center: true });
  w.row++;
}

// ---------------------------------------------------------------- 项目支出绩效目标表

/** Columns: A caption | B 一级 | C 二级 | D 三级 | E 指标值 | F 绩效指标描述 | G 分值 | H 指标值确定依据. */
function targetSheet(workbook: ExcelJS.Workbook, name: string, r: FormRecord): void {
  const { w, unit } = startForm(workbook, name, r, [10, 11, 14, 24, 14, 20, 8, 16], false, '项目支出绩效目标表');
  // the funds block: label | amount rows
  const amount = money(r.funds.adjusted_budget, unit);
  const fundsRows: Array<[string, ReturnType<typeof money>]> = [
    ['项目资金总额', amount],
    ['年度资金申请总额', amount],
    ['其中：当年财政拨款', money(r.funds.fiscal?.adjusted_budget, unit)],
    ['上年结转资金', { value: null }],
    ['其他资金', { value: null }],
  ];
  w.put(1, `项目资金（${unit}）`, { rows: fundsRows.length, center: true });
  for (const [label, value] of fundsRows) { w.put(2, label, { cols: 3 }); w.put(5, value, { cols: 4 }); w.row++; }
  // goals side by side
  w.put(1, '总体目标', { rows: 2, center: true });
  w.put(2, '项目总目标', { cols: 3, center: true }); w.put(5, '年度总体目标', { cols: 4, center: true }); w.row++;
  w.fit([{ text: r.goal_expected ?? '', width: 45 }]);
  w.put(2, r.goal_expected, { cols: 3 }); w.put(5, r.goal_expected, { cols: 4 }); w.row++;
  // indicators
  const rows = r.indicators;
  const first = indicatorHeader(w, rows, '年度绩效指标', ['一级指标', '二级指标', '三级指标', '指标值', '绩效指标描述', '分值', '指标值确定依据']);
  rows.forEach((i, k) => {
    w.row = first + k;
    w.fit([{ text: i.name ?? '', width: 24 }, { text: i.description ?? '', width: 20 }, { text: i.basis ?? '', width: 16 }]);
    w.put(4, i.name); w.put(5, i.target?.raw ?? null); w.put(6, i.description); w.put(7, i.weight); w.put(8, i.basis);
  });
  w.row = first + rows.length + 1;
  if (r.contact) w.line(`填报人：${r.contact.filler ?? ''}      联系电话：${r.contact.phone ?? ''}`);
}

// ---------------------------------------------------------------- 部门预算 tables (not forms)

/** Ordinary budget tables before the forms, as a 部门预算 workbook holds them: made-up numbers. */
/** A budget table's sheet (科目编码 | 科目名称 | three amounts) with its title and money unit. */
function budgetSheet(workbook: ExcelJS.Workbook, name: string, title: string): SheetWriter {
  const sheet = workbook.addWorksheet(name);
  sheet.columns = [12, 34, 14, 14, 14].map((width) => ({ width }));
  pageSetup(sheet, false);
  const w = new SheetWriter(sheet, 5);
  w.line(title, { size: 16, bold: true, center: true });
  w.line('', { right: '单位：万元' });
  return w;
}

export function budgetSheets(workbook: ExcelJS.Workbook): void {
  const totals = workbook.addWorksheet('收支总表');
  totals.columns = [30, 16, 30, 16].map((width) => ({ width }));
  pageSetup(totals, false);
  let w = new SheetWriter(totals, 4);
  w.line('部门收支总表', { size: 16, bold: true, center: true });
  w.line('', { right: '单位：万元' });
  w.put(1, '收    入', { cols: 2, center: true }); w.put(3, '支    出', { cols: 2, center: true }); w.row++;
  ['项    目', '预算数', '项    目', '预算数'].forEach((t, i) => w.put(i + 1, t, { center: true })); w.row++;
  const income = [['一、一般公共预算拨款收入', 1523.46], ['二、政府性基金预算拨款收入', 86.2], ['三、国有资本经营预算拨款收入', 0], ['四、事业收入', 35.5], ['五、其他收入', 12.08]] as const;
  const spend = [['一、一般公共服务支出', 402.33], ['二、教育支出', 689.71], ['三、社会保障和就业支出', 211.4], ['四、卫生健康支出', 146.62], ['五、住房保障支出', 207.18]] as const;
  income.forEach(([a, x], k) => { w.put(1, a); w.put(2, { value: x, numFmt: '0.00' }); w.put(3, spend[k]![0]); w.put(4, { value: spend[k]![1], numFmt: '0.00' }); w.row++; });
  w.put(1, '本年收入合计', { center: true }); w.put(2, { value: 1657.24, numFmt: '0.00' }); w.put(3, '本年支出合计', { center: true }); w.put(4, { value: 1657.24, numFmt: '0.00' }); w.row++;

  w = budgetSheet(workbook, '财政拨款支出表', '一般公共预算财政拨款支出表');
  ['科目编码', '科目名称', '合计', '基本支出', '项目支出'].forEach((t, i) => w.put(i + 1, t, { center: true })); w.row++;
  const lines = [
    ['201', '一般公共服务支出', 402.33, 350.1], ['20101', '人大事务', 52.4, 48.2], ['2010101', '行政运行', 48.2, 48.2],
    ['205', '教育支出', 689.71, 512.6], ['20502', '普通教育', 689.71, 512.6], ['2050202', '小学教育', 431.22, 320.15],
    ['208', '社会保障和就业支出', 211.4, 198.3], ['20805', '行政事业单位养老支出', 198.3, 198.3],
    ['210', '卫生健康支出', 146.62, 120.04], ['221', '住房保障支出', 207.18, 207.18],
  ] as const;
  for (const [code, name, total, basic] of lines) {
    w.put(1, code); w.put(2, name); w.put(3, { value: total, numFmt: '0.00' }); w.put(4, { value: basic, numFmt: '0.00' }); w.put(5, { value: Math.round((total - basic) * 100) / 100, numFmt: '0.00' }); w.row++;
  }
  w.put(1, '合    计', { cols: 2, center: true }); w.put(3, { value: 1657.24, numFmt: '0.00' }); w.put(4, { value: 1388.22, numFmt: '0.00' }); w.put(5, { value: 269.02, numFmt: '0.00' }); w.row++;

  w = budgetSheet(workbook, '政府性基金支出表', '政府性基金预算支出表');
  ['科目编码', '科目名称', '本年政府性基金预算支出', '基本支出', '项目支出'].forEach((t, i) => w.put(i + 1, t, { center: true })); w.row++;
  for (const [code, name, total] of [['212', '城乡社区支出', 86.2], ['21208', '国有土地使用权出让收入安排的支出', 86.2], ['2120803', '城市建设支出', 86.2]] as const) {
    w.put(1, code); w.put(2, name); w.put(3, { value: total, numFmt: '0.00' }); w.put(4, { value: 0, numFmt: '0.00' }); w.put(5, { value: total, numFmt: '0.00' }); w.row++;
  }
}

// ---------------------------------------------------------------- workbook, PDF, scans

/** The workbook: budget tables first, then one sheet (one printed page) per form. */
export async function makeWorkbook(forms: readonly KeyedForm[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ziping office-suite PDFs';
  budgetSheets(workbook);
  forms.forEach((form, k) => {
    const name = `${form.record.form_type === 'self_evaluation' ? '自评表' : '目标表'}${k + 1}`;
    if (form.record.form_type === 'self_evaluation') selfEvaluationSheet(workbook, name, form.record);
    else targetSheet(workbook, name, form.record);
  });
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** The pages the budget tables take before the first form. */
export const BUDGET_PAGES = 3;

/** A workbook exported to PDF by LibreOffice (`soffice --headless --convert-to pdf`), as an office suite prints it. */
export function exportPdf(xlsxPath: string, outDir: string): Uint8Array {
  const soffice = findSoffice();
  if (!soffice) throw new Error('LibreOffice (soffice) is not installed: apt-get install libreoffice-calc');
  const profile = mkdtempSync(join(tmpdir(), 'ziping-lo-profile-'));
  try {
    execFileSync(soffice, [`-env:UserInstallation=${pathToFileURL(profile).href}`, '--headless', '--norestore', '--nologo', '--nodefault', '--nolockcheck',
      '--convert-to', 'pdf', '--outdir', outDir, xlsxPath], { stdio: 'ignore', timeout: 180_000 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  const pdf = join(outDir, xlsxPath.replace(/^.*\//, '').replace(/\.[^.]+$/, '.pdf'));
  if (!existsSync(pdf)) throw new Error(`LibreOffice wrote no PDF for ${xlsxPath}`);
  return new Uint8Array(readFileSync(pdf));
}

/** How a scanner leaves a page: resolution, rotation, specks, blur, JPEG quality. */
export interface ScanSpec { dpi: number; degrees: number; noise: number; blur: number; quality: number }

/** Deterministic speckles, a small rotation and blur (as scripts/make-scanned-samples.ts). */
function degrade(page: Canvas, spec: ScanSpec, seed: number): Canvas {
  const out = createCanvas(page.width, page.height);
  const context = out.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, out.width, out.height);
  if (spec.blur > 0) context.filter = `blur(${spec.blur}px)`;
  context.translate(out.width / 2, out.height / 2);
  context.rotate((spec.degrees * Math.PI) / 180);
  context.drawImage(page, -page.width / 2, -page.height / 2);
  context.filter = 'none';
  context.setTransform(1, 0, 0, 1, 0, 0);
  let x = seed;
  const random = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
  const specks = Math.round((out.width * out.height * spec.noise) / 20);
  context.fillStyle = '#444';
  for (let i = 0; i < specks; i++) context.fillRect(random() * out.width, random() * out.height, 1 + random() * 2, 1 + random() * 2);
  return out;
}

/** Pages of a PDF (1-based) scanned into an image-only PDF, each page with its own spec. */
export async function scanPages(pdfBytes: Uint8Array, pages: ReadonlyArray<{ page: number; spec: ScanSpec }>): Promise<Uint8Array> {
  const pdf = await openPdf(pdfBytes, 'office.pdf');
  const out = await PDFDocument.create();
  try {
    for (const { page: n, spec } of pages) {
      const page = await pdf.getPage(n);
      const canvas = degrade(await renderPdfPage(page, spec.dpi), spec, n);
      page.cleanup();
      const jpeg = await out.embedJpg(await canvas.encode('jpeg', spec.quality));
      const width = (canvas.width * 72) / spec.dpi;
      const height = (canvas.height * 72) / spec.dpi;
      out.addPage([width, height]).drawImage(jpeg, { x: 0, y: 0, width, height });
    }
  } finally {
    await pdf.destroy();
  }
  return out.save();
}

/** The scans the test reads: three forms' pages (both templates), 300, 200 and 150 dpi (form: index in CHOSEN). */
export const SCANS: ReadonlyArray<{ form: number; spec: ScanSpec }> = [
  { form: 0, spec: { dpi: 300, degrees: 0.7, noise: 0.003, blur: 0, quality: 75 } },
  { form: 5, spec: { dpi: 200, degrees: -1.1, noise: 0.003, blur: 0.5, quality: 70 } },
  { form: 8, spec: { dpi: 150, degrees: 1.4, noise: 0.002, blur: 0.6, quality: 65 } },
];

/** The 1-based PDF page of a form: the budget tables, then one page per form. */
export const formPage = (form: number): number => BUDGET_PAGES + form + 1;

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx scripts/make-office-pdf-forms.ts <out-dir>');
    process.exit(2);
  }
  const forms = loadKeyedForms();
  if (!forms) {
    console.error(`no realworld corpus at ${REALWORLD_ROOT}`);
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  const xlsx = join(out, 'office_forms.xlsx');
  writeFileSync(xlsx, await makeWorkbook(forms));
  const pdf = exportPdf(xlsx, out);
  console.log(`${xlsx}, office_forms.pdf: ${forms.length} forms behind ${BUDGET_PAGES} pages of budget tables`);
  writeFileSync(join(out, 'office_forms.expected.json'), JSON.stringify(forms.map(expectedRecord), null, 2));
  const scan = await scanPages(pdf, SCANS.map((s) => ({ page: formPage(s.form), spec: s.spec })));
  writeFileSync(join(out, 'office_forms_scan.pdf'), scan);
  writeFileSync(join(out, 'office_forms_scan.expected.json'), JSON.stringify(SCANS.map((s) => expectedRecord(forms[s.form]!)), null, 2));
  console.log('office_forms_scan.pdf: scans of', SCANS.map((s) => s.form).join(', '));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
