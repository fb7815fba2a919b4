/**
 * A hold-out of REAL layouts as office-suite PDFs: four keyed real-world forms laid out in the
 * templates their issuers printed (not ours), exported to PDF by LibreOffice.
 *
 *   npx tsx scripts/make-holdout-office-pdf.ts <out-dir>     (needs Debian's libreoffice-calc)
 *
 * scripts/make-office-pdf-forms.ts lays keyed forms out in two templates of our own design; the
 * reader was tuned on them. Here each form keeps its issuer's template: its own columns in its own
 * order, its own merged cells, its own labels as the form prints them and its own funds block
 * (Chongqing 项目绩效目标表, Jiangxi 部门整体绩效目标, Sichuan 项目支出绩效目标申报表, Hubei 项目自评表).
 * The layout functions below describe only those templates — the labels they print (the
 * vocabulary of every form of that template) and where each cell sits. Every filled-in text
 * (names, amounts, targets, sentences) is read from the case's source.txt in ../shared/realworld
 * at run time, as the real form's cells, so nothing of the corpus is committed. Mirror artefacts
 * of the web copy that the real form does not print are undone: pinyin glosses and traditional
 * characters (the Hubei form was re-published converted), '?' for a ticked box (☑).
 *
 * The expected record of a form is its key: the layout prints everything the excerpt holds. A
 * form is scored with its case's own rules (ignore paths, a truncated last row forgiven).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import * as OpenCC from 'opencc-js';
import { loadCases, REALWORLD_ROOT, type RealworldCase } from './realworld/score.js';
import { budgetSheets, exportPdf, pageSetup, SheetWriter, typed } from './make-office-pdf-forms.js';

/** The hold-out cases, by number, with the template each prints. */
export const HOLDOUT: ReadonlyArray<{ case: string; template: string }> = [
  { case: '29', template: 'Chongqing 项目绩效目标表 (附件2-1)' },
  { case: '27', template: 'Jiangxi 部门整体绩效目标 (budget platform)' },
  { case: '17', template: 'Sichuan 项目支出绩效目标申报表' },
  { case: '37', template: 'Hubei 项目自评表 (预算数(A)/执行数(B))' },
];

export interface HoldoutForm { kase: RealworldCase; template: string; source: string }

/** The hold-out cases with their source texts, or null when the corpus is not beside the project. */
export function loadHoldout(root = REALWORLD_ROOT): HoldoutForm[] | null {
  const cases = loadCases(root);
  if (!cases) return null;
  return HOLDOUT.map(({ case: id, template }) => {
    const kase = cases.find((c) => c.id.startsWith(`${id}-`));
    if (!kase) throw new Error(`realworld case ${id} not found under ${root}`);
    return { kase, template, source: readFileSync(kase.sourcePath, 'utf8') };
  });
}

// ---------------------------------------------------------------- the source's cells

let converter: ((text: string) => string) | null = null;

/** The form's own script: a mirror's pinyin glosses dropped and its traditional characters brought back. */
function simplified(text: string): string {
  const convert = converter ?? (converter = OpenCC.Converter({ from: 'tw', to: 'cn' }));
  return convert(text.replace(/(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)/g, ''));
}

/** A pipe-flattened table: a row per line, its non-empty cells. */
function pipeRows(text: string): string[][] {
  return text.split('\n').map((line) => line.split('|').map((c) => c.trim()).filter(Boolean)).filter((r) => r.length > 0);
}

/** One cell per line ('text |'), a lone '|' line opening each row (empty cells are not kept). */
function lineCellRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '|') { rows.push([]); continue; }
    const cell = /^(.*?)\s*\|/.exec(line)?.[1]?.trim();
    if (cell && rows.length > 0) rows[rows.length - 1]!.push(cell);
  }
  return rows;
}

/** Space-separated cells, a row per line. */
const spaceRows = (text: string): string[][] => text.split('\n').map((l) => l.trim().split(/\s+/).filter(Boolean));

/** The cell right after the first cell that reads `label`. */
function cellAfter(rows: readonly string[][], label: string): string {
  for (const row of rows) {
    const k = row.indexOf(label);
    if (k >= 0 && k + 1 < row.length) return row[k + 1]!;
  }
  throw new Error(`no cell after ${label}`);
}

/** The first row that opens with `label`. */
function rowOf(rows: readonly string[][], label: string): string[] {
  const row = rows.find((r) => r[0] === label);
  if (!row) throw new Error(`no row ${label}`);
  return row;
}

// ---------------------------------------------------------------- indicator rows

/**
 * A printed indicator row: the level labels printed in it (a merged cell prints its label in its
 * first row only) and its `n` value cells. A row with fewer cells is an empty row, its labels only.
 */
interface PrintedRow { level1: string | null; level2: string | null; cells: Array<string | null> }

const LEVEL2 = /(数量|质量|时效|成本|效益|影响|满意度)指标$/;

function printedRow(labels: readonly string[], cells: readonly string[], n: number): PrintedRow {
  const isLevel2 = (label: string): boolean => LEVEL2.test(label.replace(/\n/g, ''));
  // two labels: 一级 and 二级; one: 二级 when it is a level-2 word and the row has values, else 一级
  const level1 = labels.length >= 2 ? labels[labels.length - 2]! : labels.length === 1 && !isLevel2(labels[0]!) ? labels[0]! : null;
  const level2 = labels.length >= 2 ? labels[labels.length - 1]! : labels.length === 1 && isLevel2(labels[0]!) ? labels[0]! : null;
  return { level1, level2, cells: cells.length === n ? [...cells] : Array.from({ length: n }, () => null) };
}

/** Table rows of cells → printed rows, the last `n` cells of a row being its values. */
function splitRows(rows: readonly string[][], n: number): PrintedRow[] {
  return rows.map((r) => (r.length >= n ? printedRow(r.slice(0, r.length - n), r.slice(r.length - n), n) : printedRow(r, [], n)));
}

/**
 * The indicator block: 一级 and 二级 cells merged down until the next printed label (as the
 * template merges them), then each row's value cells from `firstValueCol`.
 */
function drawIndicators(w: SheetWriter, rows: readonly PrintedRow[], level1Col: number, widths: readonly number[]): void {
  const first = w.row;
  const mergeDown = (col: number, label: (r: PrintedRow) => string | null, starts: (r: PrintedRow) => boolean): void => {
    let start = -1;
    rows.forEach((r, k) => {
      if (starts(r) || start < 0) {
        if (start >= 0) w.put(col, label(rows[start]!), { row: first + start, rows: k - start, center: true });
        start = k;
      }
    });
    if (start >= 0) w.put(col, label(rows[start]!), { row: first + start, rows: rows.length - start, center: true });
  };
  mergeDown(level1Col, (r) => r.level1, (r) => r.level1 !== null);
  mergeDown(level1Col + 1, (r) => r.level2, (r) => r.level2 !== null || r.level1 !== null);
  rows.forEach((r, k) => {
    w.row = first + k;
    w.fit(r.cells.map((c, i) => ({ text: c ?? '', width: widths[i] ?? 10 })));
    r.cells.forEach((c, i) => w.put(level1Col + 2 + i, c));
  });
  w.row = first + rows.length;
}

// ---------------------------------------------------------------- the issuers' templates

function formSheet(workbook: ExcelJS.Workbook, name: string, widths: readonly number[], landscape: boolean): SheetWriter {
  const sheet = workbook.addWorksheet(name);
  sheet.columns = widths.map((width) => ({ width }));
  pageSetup(sheet, landscape);
  return new SheetWriter(sheet, widths.length);
}

/** A label cell and its value spanning the rest of the row. */
function labelled(w: SheetWriter, label: string, value: string | null, span: number, labelCols = 1): void {
  w.fit([{ text: value ?? '', width: span * 12 }]);
  w.put(1, label, { cols: labelCols, center: true });
  w.put(1 + labelCols, value, { cols: span });
  w.row++;
}

/**
 * 重庆 项目绩效目标表 (附件2-1), seven columns: 申报单位 | … | 项目(专项)名称 | … header pairs; a
 * 资金情况(万元) block of 年度资金总额: and its split by source level (其中:1.中央资金 / 2.市级资金 /
 * 3.区级资金 / 4.其他资金); 项目概况及立项依据, 项目总体目标, 项目年度目标 rows; then 绩效指标 with
 * 一级指标 | 二级指标 | 三级指标 | 计量单位 | 指标性质 | 指标值 — the unit and the operator BEFORE the value.
 */
function chongqingTarget(workbook: ExcelJS.Workbook, name: string, source: string): void {
  const rows = lineCellRows(source);
  const w = formSheet(workbook, name, [14, 14, 16, 26, 10, 10, 12], false);
  w.line('附件2-1');
  w.line(cellAfter([['', ...rows.flat()]], '附件2-1'), { size: 16, bold: true, center: true });
  w.line(rows.flat().find((c) => /^\(\d{4}年度\)$/.test(c)) ?? '', { center: true });
  for (const [a, b] of [['申报单位', '项目(专项)名称'], ['具体实施单位', '项目属性'], ['项目负责人', '联系电话']] as const) {
    w.put(1, a, { center: true }); w.put(2, cellAfter(rows, a)); w.put(3, b, { center: true }); w.put(4, cellAfter(rows, b), { cols: 4 }); w.row++;
  }
  // 资金情况(万元): the total and its sources; an empty source prints an empty cell
  const sources = ['年度资金总额:', '其中:1.中央资金', '2.市级资金', '3.区级资金', '4.其他资金'];
  w.put(1, '资金情况(万元)', { rows: sources.length, center: true });
  for (const label of sources) {
    const row = rows.find((r) => r[0] === label || r[1] === label) ?? [];
    const amount = row[row.indexOf(label) + 1] ?? null;
    w.put(2, label); w.put(3, amount, { cols: 5 }); w.row++;
  }
  for (const label of ['项目概况及立项依据', '项目总体目标', '项目年度目标']) labelled(w, label, cellAfter(rows, label), 6);
  // 绩效指标: its header row, then the rows up to where the excerpt ends
  const header = rows.findIndex((r) => r[0] === '绩效指标' && r[1] === '一级指标');
  const indicators = splitRows(rows.slice(header + 1).filter((r) => !r.some((c) => c.startsWith('附件'))), 4);
  w.put(1, '绩效指标', { rows: indicators.length + 1, center: true });
  ['一级指标', '二级指标', '三级指标', '计量单位', '指标性质', '指标值'].forEach((label, i) => w.put(2 + i, label, { center: true }));
  w.row++;
  drawIndicators(w, indicators, 2, [26, 10, 10, 12]);
}

/**
 * 江西 部门整体绩效目标 (budget platform), seven columns: section rows 部门整体绩效目标 / 基本信息 /
 * 年度绩效目标 across the table; 部门编码: | 部门名称: | *联系人: label/value pairs, 联系电话:,
 * *部门职能职责概述, *年度绩效总目标; no funds block; indicators 一级指标 | 二级指标 | 三级指标 |
 * 计算符号 | 目标值 | 度量单位 | 指标值说明 with no caption column.
 */
function jiangxiDepartment(workbook: ExcelJS.Workbook, name: string, source: string): void {
  const rows = pipeRows(source);
  const w = formSheet(workbook, name, [12, 12, 34, 12, 10, 12, 20], false);
  const section = (label: string, size = 10): void => { w.put(1, label, { cols: 7, bold: true, center: size > 10 }); if (size > 10) w.sheet.getRow(w.row).height = 26; w.row++; };
  section('部门整体绩效目标', 14);
  section('基本信息');
  const pairs = ['部门编码:', '部门名称:', '*联系人:'];
  pairs.forEach((label, i) => { w.put(1 + 2 * i, label, { center: true }); w.put(2 + 2 * i, cellAfter(rows, label), { cols: i === 2 ? 2 : 1 }); });
  w.row++;
  labelled(w, '联系电话:', cellAfter(rows, '联系电话:'), 6);
  labelled(w, '*部门职能职责概述', cellAfter(rows, '*部门职能职责概述'), 6);
  section('年度绩效目标');
  labelled(w, '*年度绩效总目标', cellAfter(rows, '*年度绩效总目标'), 6);
  const labels = ['一级指标', '二级指标', '三级指标', '计算符号', '目标值', '度量单位', '指标值说明'];
  labels.forEach((label, i) => w.put(1 + i, label, { center: true }));
  w.row++;
  const header = rows.findIndex((r) => r[0] === '一级指标');
  drawIndicators(w, splitRows(rows.slice(header + 1), 5), 1, [34, 12, 10, 12, 20]);
}

/**
 * 四川 项目支出绩效目标申报表, five columns: 项目名称, 预算单位; a 项目资金(万元) block that is an
 * outline (年度资金总额 | 金额(万元) over (一)财政拨款小计 / 1、一般公共预算 … indented, amount in the
 * last column); 总体目标 over 年度目标 and its text; the indicator table with the caption 绩效指标
 * both in its header row and merged down its rows, level names as the form prints them (项目完成指标,
 * 项目效益指标, wrapped in their cells) and 指标值(包含数字及文字描述).
 */
function sichuanTarget(workbook: ExcelJS.Workbook, name: string, source: string): void {
  const lines = source.split('\n');
  const rows = spaceRows(source);
  const w = formSheet(workbook, name, [10, 12, 14, 44, 24], false);
  w.line(lines.find((l) => /绩效目标申报表$/.test(l.trim()))!.trim(), { size: 16, bold: true, center: true });
  w.line(lines.find((l) => /^\(\d{4}年度\)$/.test(l.trim()))!.trim(), { center: true });
  for (const label of ['项目名称', '预算单位']) labelled(w, label, rowOf(rows, label).slice(1).join(' '), 4);
  // the funds outline: each line's label keeps its indent level, its amount goes to the last column
  const from = lines.findIndex((l) => l.startsWith('项目资金'));
  const outline = lines.slice(from + 1).filter((l, k, all) => all.slice(0, k + 1).every((x) => x.trim() !== '')).map((l) => {
    const m = /^(\s*)(\S+)\s+(\S+)$/.exec(l)!;
    return { indent: Math.round(m[1]!.length / 4), label: m[2]!, amount: m[3]! };
  });
  const [caption, total, unitHeader] = rows[from]!.length === 3 ? rows[from]! : ['项目资金(万元)', '年度资金总额', '金额(万元)'];
  w.put(1, caption!, { rows: outline.length + 1, center: true });
  w.put(2, total!, { cols: 3 }); w.put(5, unitHeader!, { center: true }); w.row++;
  for (const { indent, label, amount } of outline) {
    w.put(2, label, { cols: 3 });
    w.sheet.getCell(w.row, 2).alignment = { vertical: 'middle', horizontal: 'left', indent: 1 + indent * 2 };
    w.put(5, amount); w.row++;
  }
  // 总体目标 (printed wrapped: 总体 / 目标) over 年度目标 and its text
  const goalAt = lines.findIndex((l) => l.trim() === '年度目标');
  w.put(1, '总体\n目标', { rows: 2, center: true }); w.put(2, '年度目标', { cols: 4, center: true }); w.row++;
  const goal = lines[goalAt + 1]!.trim();
  w.fit([{ text: goal, width: 90 }]); w.put(2, goal, { cols: 4 }); w.row++;
  // the indicators: a level cell printed on two lines ('项目完成' / '指标') is one label broken where the
  // form breaks it; the caption 绩效指标 is no level
  const header = rows.findIndex((r) => r[0] === '绩效指标' && r[1] === '一级指标');
  const printed: PrintedRow[] = [];
  let pending: string[] = [];
  for (const row of rows.slice(header + 1)) {
    const cells = row.filter((c, i) => !(i === 0 && c === '绩效指标' && printed.length === 0));
    if (cells.length === 1 && cells[0] === '指标' && pending.length > 0) { pending[pending.length - 1] += '\n指标'; continue; }
    if (cells.length === 1) { pending.push(cells[0]!); continue; }
    if (cells.length === 0) continue;
    printed.push(printedRow([...pending, ...cells.slice(0, -2)], cells.slice(-2), 2));
    pending = [];
  }
  w.put(1, '绩效指标', { center: true });
  ['一级指标', '二级指标', '三级指标', '指标值(包含数字及文字描述)'].forEach((label, i) => w.put(2 + i, label, { center: true }));
  w.row++;
  w.put(1, '绩效指标', { rows: printed.length, center: true });
  drawIndicators(w, printed, 2, [44, 24]);
}

/**
 * 湖北 项目自评表 (the Hubei provincial template), seven columns: 单位名称 / 填报日期 line above; 项目名称,
 * 主管部门 | 项目实施单位, checkbox rows 项目类别 / 项目属性 / 项目类型; 预算执行情况(万元)(20分) with
 * 预算数(A) | 执行数(B) | 执行率(B/A) (no %) | 得分(20分*执行率) over 年度财政资金总额; then
 * 年度绩效目标1(80分) merged down beside 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) |
 * 得分 — no 分值 column.
 */
function hubeiSelfEvaluation(workbook: ExcelJS.Workbook, name: string, source: string): void {
  const text = simplified(source);
  const lines = text.split('\n');
  const rows = spaceRows(text);
  const w = formSheet(workbook, name, [14, 12, 14, 30, 14, 14, 12], true);
  w.line(lines.find((l) => /项目自评表$/.test(l.trim()))!.trim(), { size: 16, bold: true, center: true });
  const [unit, date] = lines.find((l) => l.startsWith('单位名称'))!.split(/\s{2,}/);
  w.line(unit!.trim(), { right: date!.trim() });
  labelled(w, '项目名称', rowOf(rows, '项目名称').slice(1).join(' '), 6);
  const heads = rowOf(rows, '主管部门');
  w.put(1, '主管部门', { center: true }); w.put(2, heads[1]!, { cols: 2 }); w.put(4, '项目实施单位', { center: true }); w.put(5, heads[3]!, { cols: 3 }); w.row++;
  // checkbox rows: the mirror lost the ticks as '?'; the form prints ☑
  for (const label of ['项目类别', '项目属性', '项目类型']) {
    const line = lines.find((l) => l.startsWith(label))!;
    labelled(w, label, line.slice(label.length).trim().replace(/\s+\?\s+/g, ' ☑ ').replace(/\s{2,}/g, '  '), 6);
  }
  // the funds block: caption over two rows, 4 amount columns
  const funds = rowOf(rows, '年度财政资金总额');
  w.put(1, '预算执行情况(万元)\n(20分)', { rows: 2, center: true });
  w.put(2, null, { cols: 2 });
  ['预算数(A)', '执行数(B)', '执行率(B/A)'].forEach((label, i) => w.put(5 + i - 1, label, { center: true }));
  w.put(7, '得分\n(20分*执行率)', { center: true });
  w.sheet.getRow(w.row).height = 32; w.row++;
  w.put(2, funds[0]!, { cols: 2 });
  funds.slice(1, 5).forEach((c, i) => w.put(4 + i, typed(c)));
  w.row++;
  // 年度绩效目标1(80分) and the indicator rows the excerpt holds complete
  const header = rows.findIndex((r) => r.includes('年初目标值(A)'));
  const indicators = splitRows(rows.slice(header + 1).filter((r) => r.length >= 4), 4);
  w.put(1, rows[header]![0]!, { rows: indicators.length + 1, center: true });
  rows[header]!.slice(1).forEach((label, i) => w.put(2 + i, label, { center: true }));
  w.row++;
  drawIndicators(w, indicators, 2, [30, 14, 14, 12]);
}

const LAYOUTS: Record<string, (workbook: ExcelJS.Workbook, name: string, source: string) => void> = {
  '29': chongqingTarget, '27': jiangxiDepartment, '17': sichuanTarget, '37': hubeiSelfEvaluation,
};

// ---------------------------------------------------------------- workbook and PDF

/** The pages the budget tables take before the first form (as make-office-pdf-forms.ts). */
export const HOLDOUT_BUDGET_PAGES = 3;

/** The 1-based PDF page of a hold-out form. */
export const holdoutPage = (form: number): number => HOLDOUT_BUDGET_PAGES + form + 1;

/** The workbook: the budget tables, then one sheet (one printed page) per hold-out form in its own template. */
export async function makeHoldoutWorkbook(forms: readonly HoldoutForm[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ziping hold-out office-suite PDFs';
  budgetSheets(workbook);
  forms.forEach((form, k) => {
    const id = form.kase.id.slice(0, 2);
    LAYOUTS[id]!(workbook, `${id}-${k + 1}`, form.source);
  });
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx scripts/make-holdout-office-pdf.ts <out-dir>');
    process.exit(2);
  }
  const forms = loadHoldout();
  if (!forms) {
    console.error(`no realworld corpus at ${REALWORLD_ROOT}`);
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  const xlsx = join(out, 'holdout_forms.xlsx');
  writeFileSync(xlsx, await makeHoldoutWorkbook(forms));
  exportPdf(xlsx, out);
  console.log(`${xlsx}, holdout_forms.pdf: ${forms.map((f) => f.kase.id).join(', ')} behind ${HOLDOUT_BUDGET_PAGES} pages of budget tables`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
