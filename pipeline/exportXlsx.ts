/**
 * The Excel export (`ziping export --format xlsx --out forms.xlsx`): one workbook with a sheet per
 * analyst view — forms (v_forms), indicators (v_indicators), findings (v_findings), units (v_units).
 *
 * One header row per sheet, "中文标题 (canonical_name)", frozen and with an autofilter, so a pivot
 * table or a filter takes it as the field names; money in 元 as numbers formatted `#,##0.00`, rates
 * (fractions) as `0.00%`, scores, weights, counts and pages as plain numbers, flags as booleans, text
 * as text. Text is always written as a string value, never a formula: a project name that reads
 * `=HYPERLINK(…)` stays that text. Rows of forms, indicators and findings carry their source file and
 * the page(s) they were read from (PDFs and scans; empty for text, Word and spreadsheet inputs).
 *
 * Rows are streamed from SQLite into exceljs' streaming WorkbookWriter one at a time, so a large
 * database is never held in memory; the workbook is written beside `out` and renamed into place when
 * it is complete.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db, VIEW_NAMES } from './sinks/sqlite.js';

type ViewName = (typeof VIEW_NAMES)[number];

/** How a column's values are written: its cell type and number format. */
type Kind = 'text' | 'money' | 'rate' | 'number' | 'integer' | 'bool';

interface Column { title: string; kind: Kind; width?: number }

const NUMBER_FORMATS: Partial<Record<Kind, string>> = { money: '#,##0.00', rate: '0.00%', integer: '0' };
const DEFAULT_WIDTHS: Record<Kind, number> = { text: 18, money: 16, rate: 11, number: 10, integer: 8, bool: 9 };

/** Excel refuses a cell of more than 32,767 characters. */
const MAX_CELL_TEXT = 32_767;

/** Every column of the four views (and the page columns added here), with its Chinese title and kind. */
export const COLUMNS: Record<string, Column> = {
  form_id: { title: '表单编号', kind: 'text', width: 22 },
  file: { title: '来源文件', kind: 'text', width: 30 },
  page: { title: '页码', kind: 'integer' },
  last_page: { title: '末页', kind: 'integer' },
  form_index: { title: '文件内表序号', kind: 'integer' },
  form_type: { title: '表单类型', kind: 'text', width: 16 },
  year: { title: '年度', kind: 'integer' },
  filing_unit: { title: '填报单位', kind: 'text', width: 26 },
  project_name: { title: '项目名称', kind: 'text', width: 36 },
  project_code: { title: '项目编码', kind: 'text' },
  initial_budget_yuan: { title: '年初预算数（元）', kind: 'money' },
  adjusted_budget_yuan: { title: '全年预算数（元）', kind: 'money' },
  executed_yuan: { title: '全年执行数（元）', kind: 'money' },
  budget_yuan: { title: '预算数（元）', kind: 'money' },
  printed_rate: { title: '执行率（表内）', kind: 'rate' },
  recomputed_rate: { title: '执行率（重算）', kind: 'rate' },
  funds_weight: { title: '资金分值', kind: 'number' },
  printed_funds_score: { title: '资金得分（表内）', kind: 'number' },
  recomputed_funds_score: { title: '资金得分（重算）', kind: 'number' },
  printed_total: { title: '总分（表内）', kind: 'number' },
  indicator_score_sum: { title: '指标得分合计', kind: 'number' },
  recomputed_total: { title: '总分（重算）', kind: 'number' },
  weight_sum: { title: '分值合计', kind: 'number' },
  grade: { title: '评价等级', kind: 'text', width: 10 },
  confidence: { title: '识别置信度', kind: 'number' },
  needs_review: { title: '需复核', kind: 'bool' },
  audits: { title: '核查发现数', kind: 'integer' },
  audit_errors: { title: '其中错误', kind: 'integer' },
  position: { title: '指标序号', kind: 'integer' },
  level1: { title: '一级指标', kind: 'text', width: 14 },
  level1_weight: { title: '一级指标分值', kind: 'number' },
  level2: { title: '二级指标', kind: 'text', width: 14 },
  name: { title: '三级指标', kind: 'text', width: 32 },
  target_raw: { title: '指标值（原文）', kind: 'text', width: 20 },
  target_op: { title: '目标比较符', kind: 'text', width: 8 },
  target_value: { title: '目标数值', kind: 'number' },
  target_unit: { title: '目标单位', kind: 'text', width: 10 },
  actual_raw: { title: '实际完成值（原文）', kind: 'text', width: 20 },
  actual_value: { title: '实际数值', kind: 'number' },
  actual_unit: { title: '实际单位', kind: 'text', width: 10 },
  weight: { title: '分值', kind: 'number' },
  printed_score: { title: '得分（表内）', kind: 'number' },
  recomputed_score: { title: '得分（重算）', kind: 'number' },
  met: { title: '达成情况', kind: 'text', width: 10 },
  target_met: { title: '已达目标', kind: 'bool' },
  full_marks: { title: '满分', kind: 'bool' },
  stage: { title: '阶段', kind: 'text', width: 10 },
  rule: { title: '规则', kind: 'text', width: 22 },
  field: { title: '字段', kind: 'text', width: 22 },
  kind: { title: '类别', kind: 'text', width: 14 },
  severity: { title: '严重程度', kind: 'text', width: 10 },
  expected: { title: '应为', kind: 'text', width: 14 },
  found: { title: '实为', kind: 'text', width: 14 },
  detail: { title: '说明', kind: 'text', width: 60 },
  projects: { title: '项目数', kind: 'integer' },
  mean_score: { title: '平均得分', kind: 'number' },
  forms_with_findings: { title: '有核查发现的表单数', kind: 'integer' },
};

// The page a form, an indicator or a finding was read from: the lowest page of its fields' provenance.
const formPage = (fn: 'MIN' | 'MAX') => `(SELECT ${fn}(p.page) FROM field_provenance p WHERE p.form_id = v.form_id)`;
const prefixPage = (prefix: string) => `(SELECT MIN(p.page) FROM field_provenance p WHERE p.form_id = v.form_id
  AND (p.field = ${prefix} OR substr(p.field, 1, length(${prefix}) + 1) IN (${prefix} || '.', ${prefix} || '[')))`;

/** The sheets in order: name, view, and the query that reads the view (with page columns) in a stable order. */
export const SHEETS: ReadonlyArray<{ name: string; view: ViewName; sql: string }> = [
  { name: 'forms', view: 'v_forms', sql: `SELECT v.form_id, v.file, ${formPage('MIN')} AS page, ${formPage('MAX')} AS last_page, v.*
    FROM v_forms v ORDER BY v.file, v.form_index` },
  { name: 'indicators', view: 'v_indicators', sql: `SELECT v.form_id, v.file, ${prefixPage("'indicators[' || v.position || ']'")} AS page, v.*
    FROM v_indicators v ORDER BY v.file, (SELECT f.form_index FROM forms f WHERE f.id = v.form_id), v.position` },
  { name: 'findings', view: 'v_findings', sql: `SELECT v.form_id, v.file, COALESCE(${prefixPage('v.field')}, ${formPage('MIN')}) AS page, v.*
    FROM v_findings v ORDER BY v.file, v.form_index` },
  { name: 'units', view: 'v_units', sql: 'SELECT v.* FROM v_units v' },
];

/** Display width of a header: CJK characters take two columns. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u2e80-\uffef]/u.test(ch) ? 2 : 1;
  return width;
}

function columnOf(name: string, sample: unknown): Column {
  // a column a newer view adds and this table does not know yet: its canonical name, numbers as numbers
  return COLUMNS[name] ?? { title: name, kind: typeof sample === 'number' ? 'number' : 'text' };
}

/** A stored value as the cell value of its column's kind: text stays a string, numbers numbers, flags booleans. */
function cellValue(value: unknown, kind: Kind): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (kind === 'bool' && (typeof value === 'number' || typeof value === 'bigint')) return Number(value) !== 0;
  if (kind !== 'text' && (typeof value === 'number' || typeof value === 'bigint')) return Number(value);
  if (kind !== 'text' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  const text = Buffer.isBuffer(value) ? value.toString('hex') : String(value);
  return text.length > MAX_CELL_TEXT ? text.slice(0, MAX_CELL_TEXT - 1) + '…' : text;
}

/**
 * Wait until the zip has taken up what a sheet wrote so far. exceljs' streaming writer pipes each sheet
 * into a PassThrough (readable-stream 2, hence `_writableState`) that the zip reads at its own pace, and
 * ignores its backpressure: without this wait a sheet is written faster than it is compressed and piles
 * up in memory (222,222 indicator rows: 380 MB resident instead of 235 MB). Without that internal pipe
 * (another exceljs) it only yields to the event loop; the timeout guards against a pipe not read yet.
 */
async function drained(worksheet: ExcelJS.Worksheet): Promise<void> {
  const pipe = (worksheet as unknown as { stream?: { pipes?: Array<Writable & { _writableState?: { needDrain?: boolean; length?: number } }> } }).stream?.pipes?.[0];
  if (pipe?._writableState?.needDrain) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([once(pipe, 'drain'), new Promise<void>((resolve) => { timer = setTimeout(resolve, 1000); })]);
    clearTimeout(timer);
  } else await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface XlsxSummary { file: string; sheets: Array<{ name: string; view: ViewName; rows: number }> }

/** A sheet's rows as a store gives them: its column names (in order, even when no row comes) and its rows. */
export interface SheetRows { names: string[]; rows: Iterator<Record<string, unknown>> | AsyncIterator<Record<string, unknown>>; close?: () => void }
export type SheetSource = (sql: string) => Promise<SheetRows>;

/** SQLite streams a sheet's rows from the statement, so a large database is never held in memory. */
export function sqliteSheets(db: Db): SheetSource {
  return async (sql) => {
    const statement = db.prepare(sql);
    // `v.*` repeats the columns listed first: each name once, at its first place
    const names = [...new Set(statement.columns().map((c) => c.name))];
    const rows = statement.iterate() as IterableIterator<Record<string, unknown>>;
    return { names, rows, close: () => rows.return?.() };
  };
}

/** Write the workbook to `out` (replaced when complete). `views` limits it to some views' sheets. */
export async function writeXlsx(source: SheetSource, out: string, options: { views?: readonly ViewName[] } = {}): Promise<XlsxSummary> {
  const partial = `${out}.partial-${process.pid}`;
  const file = createWriteStream(partial);
  // a write that fails (a missing folder, a full disk) ends the export with its error, not an uncaught event
  let writeError: Error | null = null;
  file.on('error', (error) => { writeError ??= error; });
  const sheets: XlsxSummary['sheets'] = [];
  try {
    await once(file, 'open');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: file, useStyles: true, useSharedStrings: false });
    workbook.creator = 'ziping';
    for (const sheet of SHEETS.filter((s) => !options.views || options.views.includes(s.view))) {
      const { names, rows: iterator, close } = await source(sheet.sql);
      try {
        const first = await iterator.next();
        const firstRow = first.done ? undefined : first.value;
        const columns = names.map((name) => ({ name, ...columnOf(name, firstRow?.[name]) }));
        const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] });
        worksheet.columns = columns.map((c) => ({
          key: c.name,
          width: Math.min(60, Math.max(c.width ?? DEFAULT_WIDTHS[c.kind], displayWidth(c.title) + 2, c.name.length + 3)),
          style: NUMBER_FORMATS[c.kind] ? { numFmt: NUMBER_FORMATS[c.kind] } : {},
        }));
        const header = worksheet.addRow(columns.map((c) => (c.title === c.name ? c.name : `${c.title} (${c.name})`)));
        header.font = { bold: true };
        header.alignment = { vertical: 'top', wrapText: true };
        header.height = 32;
        header.commit();
        let rows = 0;
        for (let next = first; !next.done; next = await iterator.next()) {
          const row = next.value;
          worksheet.addRow(columns.map((c) => cellValue(row[c.name], c.kind))).commit();
          if (++rows % 500 === 0) await drained(worksheet);
          if (writeError) throw writeError;
        }
        worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows + 1, column: columns.length } };
        worksheet.commit();
        sheets.push({ name: sheet.name, view: sheet.view, rows });
      } finally {
        close?.();
      }
    }
    await workbook.commit();
    if (writeError) throw writeError;
    renameSync(partial, out);
  } catch (error) {
    file.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
  return { file: out, sheets };
}
