import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, SHEETS } from '../pipeline/exportXlsx.js';
import { openDatabase } from '../pipeline/sinks/sqlite.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'ziping.js');
const run = (args: string[]) => spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

const HOSTILE = {
  project_name: '=HYPERLINK("http://x","点此")',
  filing_unit: '@SUM(A1:A9)',
  indicator: '-2+3',
  detail: '+cmd|\' /C calc\'!A0',
};

describe('export --format xlsx', () => {
  let dir: string;
  let db: string;
  let workbook: ExcelJS.Workbook;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ziping-xlsx-'));
    db = join(dir, 'db.sqlite');
    const ingest = run(['ingest', join(ROOT, 'samples', '003_16052ebbc3505be3.txt'), join(ROOT, 'samples', 'pdf', 'shijiazhuang_self_eval.pdf'), '--db', db, '--quiet']);
    expect(ingest.status, ingest.stderr).toBe(0);
    // untrusted text as a form could carry it
    const sql = new Database(db);
    const form = (sql.prepare("SELECT id FROM forms WHERE form_type = 'self_evaluation' ORDER BY id LIMIT 1").pluck().get()) as string;
    sql.prepare('UPDATE forms SET project_name = ?, filing_unit = ? WHERE id = ?').run(HOSTILE.project_name, HOSTILE.filing_unit, form);
    sql.prepare('UPDATE indicators SET name = ? WHERE form_id = ? AND position = 0').run(HOSTILE.indicator, form);
    sql.prepare('UPDATE findings SET detail = ? WHERE rowid = (SELECT MIN(rowid) FROM findings)').run(HOSTILE.detail);
    sql.close();
    const out = join(dir, 'forms.xlsx');
    const result = run(['export', '--db', db, '--format', 'xlsx', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/forms \d+ rows, indicators \d+ rows, findings \d+ rows, units \d+ rows/);
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
  }, 120_000); // two CLI runs (ingest a PDF, export): seconds each, more on a loaded machine

  const sheet = (name: string) => {
    const ws = workbook.getWorksheet(name);
    if (!ws) throw new Error(`no sheet ${name}`);
    return ws;
  };
  const column = (ws: ExcelJS.Worksheet, name: string) => {
    const headers = Array.from(ws.getRow(1).values as unknown[], (h) => String(h));
    const index = headers.findIndex((h) => h.endsWith(`(${name})`));
    expect(index, `${ws.name}: ${name}`).toBeGreaterThan(0);
    return index;
  };
  const cells = (ws: ExcelJS.Worksheet, name: string) => {
    const index = column(ws, name);
    const out: ExcelJS.Cell[] = [];
    for (let r = 2; r <= ws.rowCount; r++) out.push(ws.getRow(r).getCell(index));
    return out;
  };

  it('has a sheet per analyst view, a frozen header with an autofilter, and as many rows as the view', () => {
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['forms', 'indicators', 'findings', 'units']);
    const sql = openDatabase(db, { create: false });
    for (const { name, view } of SHEETS) {
      const ws = sheet(name);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(String(ws.autoFilter)).toMatch(/^A1:[A-Z]+\d+$/);
      const count = sql.prepare(`SELECT COUNT(*) FROM ${view}`).pluck().get() as number;
      expect(count, view).toBeGreaterThan(0);
      expect(ws.rowCount - 1, view).toBe(count);
      // every column of the view is there, titled in Chinese beside its canonical name
      for (const c of sql.prepare(`SELECT * FROM ${view}`).columns()) {
        expect(COLUMNS[c.name], `${view}.${c.name} has no Chinese title`).toBeDefined();
        expect(ws.getRow(1).getCell(column(ws, c.name)).value).toBe(`${COLUMNS[c.name]?.title} (${c.name})`);
      }
    }
    sql.close();
  });

  it('writes money, rates and scores as numbers with their formats', () => {
    const forms = sheet('forms');
    for (const [name, format] of [['adjusted_budget_yuan', '#,##0.00'], ['executed_yuan', '#,##0.00'], ['printed_rate', '0.00%'], ['recomputed_rate', '0.00%']]) {
      const filled = cells(forms, name!).filter((c) => c.value !== null);
      expect(filled.length, name).toBeGreaterThan(0);
      for (const c of filled) {
        expect(typeof c.value, name).toBe('number');
        expect(c.numFmt, name).toBe(format);
      }
    }
    const total = cells(forms, 'printed_total').filter((c) => c.value !== null);
    expect(total.length).toBeGreaterThan(0);
    for (const c of total) {
      expect(typeof c.value).toBe('number');
      expect(c.numFmt ?? 'General').toBe('General');
    }
    expect(cells(forms, 'needs_review').every((c) => typeof c.value === 'boolean')).toBe(true);
    const units = sheet('units');
    expect(cells(units, 'budget_yuan').every((c) => c.value === null || (typeof c.value === 'number' && c.numFmt === '#,##0.00'))).toBe(true);
    expect(cells(sheet('indicators'), 'weight').some((c) => typeof c.value === 'number')).toBe(true);
  });

  it('keeps hostile text as text, never a formula', () => {
    const found = [
      [sheet('forms'), 'project_name', HOSTILE.project_name], [sheet('forms'), 'filing_unit', HOSTILE.filing_unit],
      [sheet('indicators'), 'name', HOSTILE.indicator], [sheet('findings'), 'detail', HOSTILE.detail],
    ] as const;
    for (const [ws, name, text] of found) {
      const cell = cells(ws, name).find((c) => c.value === text);
      expect(cell, `${ws.name}.${name}`).toBeDefined();
      expect(cell?.type).toBe(ExcelJS.ValueType.String);
      expect(cell?.formula).toBeUndefined();
    }
    for (const ws of workbook.worksheets) ws.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('gives every form, indicator and finding its source file, and the page for PDF forms', () => {
    for (const name of ['forms', 'indicators', 'findings']) {
      const ws = sheet(name);
      const files = cells(ws, 'file');
      const pages = cells(ws, 'page');
      expect(files.every((c) => typeof c.value === 'string' && c.value.length > 0), name).toBe(true);
      const pdf = files.map((c, i) => [c.value, pages[i]?.value] as const).filter(([file]) => String(file).endsWith('.pdf'));
      expect(pdf.length, name).toBeGreaterThan(0);
      expect(pdf.every(([, page]) => typeof page === 'number' && page >= 1), name).toBe(true);
    }
    const forms = sheet('forms');
    const first = cells(forms, 'page');
    const last = cells(forms, 'last_page');
    expect(first.every((c, i) => c.value === null || (last[i]?.value as number) >= (c.value as number))).toBe(true);
  });

  it('needs --out (exit 2), and writes only the --view sheet when one is named', async () => {
    const missing = run(['export', '--db', db, '--format', 'xlsx']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--format xlsx needs --out/);
    expect(missing.stdout).toBe('');
    const out = join(dir, 'units.xlsx');
    expect(run(['export', '--db', db, '--format', 'xlsx', '--view', 'v_units', '--out', out]).status).toBe(0);
    const one = new ExcelJS.Workbook();
    await one.xlsx.readFile(out);
    expect(one.worksheets.map((w) => w.name)).toEqual(['units']);
    const unwritable = run(['export', '--db', db, '--format', 'xlsx', '--out', join(dir, 'no-such-folder', 'forms.xlsx')]);
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toMatch(/^ziping: cannot write .*no-such-folder.*ENOENT/);
    const refused = run(['export', '--db', join(dir, 'none.sqlite'), '--format', 'xlsx', '--out', join(dir, 'none.xlsx')]);
    expect(refused.status).toBe(2);
    expect(existsSync(join(dir, 'none.xlsx'))).toBe(false);
  });
});
