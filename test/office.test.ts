/**
 * Office attachments: every sample in samples/office against its expected records (made from the
 * seed forms by scripts/make-office-samples.ts), provenance naming sheet and cell, files sniffed by
 * content whatever their names, and hostile input (encrypted, corrupt, zip bomb, XML external
 * entities) failing with a reason, never a crash. Tests that convert with LibreOffice skip, saying
 * so, when soffice is not installed (.ci/run installs it).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import officeCrypto from 'officecrypto-tool';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_UNCOMPRESSED_BYTES } from '../extractors/office/container.js';
import { findSoffice } from '../extractors/office/libreoffice.js';
import { cellAddress, gridToBlocks, type SheetGrid } from '../extractors/office/sheetBlocks.js';
import { displayText } from '../extractors/office/displayText.js';
import { processDocument } from '../pipeline/process.js';
import { openDatabase, saveDocument } from '../pipeline/sinks/sqlite.js';
import type { FormRecord } from '../schemas/record.js';
import { readExpected, updateExpected } from './golden.js';
import { compareRecords } from './compare.js';
import { expectSampleScore } from './sampleScore.js';
import { docxParts, part, repeatedPart, xlsxParts, zipOf } from './zipFixtures.js';

const OFFICE = join(import.meta.dirname, '..', 'samples', 'office');
const samples = readdirSync(OFFICE).filter((f) => !f.endsWith('.jsonl')).sort();
const soffice = findSoffice();
const NEEDS_SOFFICE = /\.(xls|et|doc|wps)$/;
if (!soffice) console.warn('LibreOffice (soffice) is not installed: the .xls/.doc tests are skipped (apt-get install libreoffice-calc libreoffice-writer)');

const expectedOf = (name: string): FormRecord[] => readExpected(join(OFFICE, name));
const sample = (name: string): Uint8Array => new Uint8Array(readFileSync(join(OFFICE, name)));
const work = mkdtempSync(join(tmpdir(), 'ziping-office-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(samples)('office sample %s', (name) => {
  it.skipIf(NEEDS_SOFFICE.test(name) && !soffice)('matches its expected records on at least 98% of fields', async () => {
    const doc = await processDocument(name, sample(name));
    updateExpected(join(OFFICE, name), doc.records);
    expectSampleScore(name, expectedOf(name), doc.records, doc.status);
  }, 60_000);
});

describe('workbooks', () => {
  it('reads every visible sheet, skips and reports the hidden sheet and row, and names each field\'s cell', async () => {
    const doc = await processDocument('self_eval_workbook.xlsx', sample('self_eval_workbook.xlsx'));
    expect(doc.source.kind).toBe('spreadsheet');
    const warnings = doc.issues.filter((i) => i.severity === 'warn').map((i) => i.message);
    expect(warnings).toContain('hidden sheet skipped: "参数"');
    expect(warnings.some((w) => /自评表1.*1 hidden row/.test(w))).toBe(true);
    const texts = JSON.stringify(doc.blocks);
    expect(texts).not.toContain('隐藏表中的项目');
    expect(texts).not.toContain('预算数待财政局确认');
    // one form per sheet on the first two sheets, two forms on the third
    expect(doc.records.map((r) => r.project_name)).toEqual(expectedOf('self_eval_workbook.xlsx').map((r) => r.project_name));
    const sheets = doc.segments.map((s) => s.tables[0]!.rows[0]![0]!.origin.sheet);
    expect(sheets).toEqual(['自评表1', '项目支出绩效自评表', 'Sheet 3', 'Sheet 3']);
    const name = doc.provenance.find((p) => p.form_index === 0 && p.field === 'project_name')!;
    expect(name.origin?.address).toBe('自评表1!C6');
    const thirdSheet = doc.provenance.find((p) => p.form_index === 3 && p.field === 'project_name')!;
    expect(thirdSheet.origin?.address).toMatch(/^'Sheet 3'!C\d+$/);
  });

  it('gives the pipeline displayed values: a percentage as printed, formulas by their cached value', async () => {
    const doc = await processDocument('self_eval_workbook.xlsx', sample('self_eval_workbook.xlsx'));
    const rate = doc.provenance.find((p) => p.form_index === 0 && p.field === 'funds.execution_rate')!;
    expect(rate.raw).toBe('100%');
    expect(doc.records[0]!.funds.execution_rate).toBe(1);
    expect(displayText(4100000, '#,##0.00').text).toBe('4,100,000.00');
    expect(displayText({ formula: 'B2/C2', result: 0.987 }, '0.0%').text).toBe('98.7%');
    expect(displayText(new Date(Date.UTC(2021, 11, 31)), 'yyyy"年"m"月"d"日"').text).toBe('2021年12月31日');
    expect(displayText({ richText: [{ text: '产出' }, { text: '指标' }] }, undefined).text).toBe('产出指标');
  });

  it('stores the sheet and cell address with each field in SQLite, header lines included', async () => {
    const db = openDatabase(join(work, 'provenance.sqlite'));
    try {
      saveDocument(db, await processDocument('self_eval_workbook.xlsx', sample('self_eval_workbook.xlsx')));
      const rows = db.prepare(`SELECT field, sheet, address FROM field_provenance p JOIN forms f ON f.id = p.form_id
        WHERE f.form_index = 0 AND field IN ('project_name', 'filing_unit', 'funds.executed')`).all() as Array<{ field: string; sheet: string; address: string }>;
      expect(Object.fromEntries(rows.map((r) => [r.field, r.address]))).toEqual({ project_name: '自评表1!C6', filing_unit: '自评表1!A3', 'funds.executed': '自评表1!G8' });
      expect(rows.every((r) => r.sheet === '自评表1')).toBe(true);
    } finally {
      db.close();
    }
  });

  it('lays a sheet out as prose lines and tables: unruled lines, ruled rows, merged cells as spans', () => {
    const cell = (text: string, ruled = false, covered = false) => ({ text, ruled, covered });
    const grid: SheetGrid = {
      name: '表一', rowNumbers: [1, 2, 3, 4, 6], colNumbers: [1, 2, 3],
      cells: [
        [cell('项目支出绩效自评表'), cell('', false, true), cell('', false, true)],
        [cell('填报单位：某局'), cell(''), cell('单位：万元')],
        [cell('一级指标', true), cell('二级指标', true), cell('得分', true)],
        [cell('产出指标', true), cell('数量指标', true), cell('10', true)],
        [cell('', true, true), cell('质量指标', true), cell('5', true)],
      ],
    };
    const blocks = gridToBlocks(grid, 1);
    expect(blocks.filter((b) => b.kind === 'text').map((b) => b.kind === 'text' && `${b.text}@${b.address}`)).toEqual(['项目支出绩效自评表@表一!A1', '填报单位：某局@表一!A2', '单位：万元@表一!C2']);
    const table = blocks.find((b) => b.kind === 'table')!;
    expect(table.kind === 'table' && table.table.rows.map((r) => r.map((c) => c.text))).toEqual([['一级指标', '二级指标', '得分'], ['产出指标', '数量指标', '10'], ['', '质量指标', '5']]);
    // the hidden row 5 is not in the grid: the last row keeps its own row number
    expect(table.kind === 'table' && table.table.rows[2]![1]!.origin.address).toBe('表一!B6');
    expect(cellAddress("Bob's sheet", 3, 28)).toBe("'Bob''s sheet'!AB3");
  });
});

describe('files are sniffed by content, not by name', () => {
  it('a workbook renamed .zip is read as a workbook', async () => {
    const doc = await processDocument('forms.zip', sample('self_eval_workbook.xlsx'));
    expect(doc.source.kind).toBe('spreadsheet');
    expect(doc.records.length).toBe(4);
  });

  it('a web page saved under an .xls name is read as a web page', async () => {
    const doc = await processDocument('exported.xls', sample('target_web_page_gbk.html'));
    expect(doc.source.kind).toBe('web_page');
    expect(doc.records.length).toBe(2);
  });

  it('a saved web page: its GB2312 charset is honoured and the navigation, script and footer are dropped', async () => {
    const doc = await processDocument('page.html', sample('target_web_page_gbk.html'));
    expect(doc.source.encoding).toBe('GB2312');
    const text = JSON.stringify(doc.blocks);
    for (const chrome of ['政务公开', '当前位置', '脚本', '主办单位', 'ICP']) expect(text).not.toContain(chrome);
  });

  it('a web archive (.mht) holding the page as quoted-printable GB2312 is read like the page', async () => {
    const page = Buffer.from(sample('target_web_page_gbk.html'));
    const qp = [...page].map((b) => (b >= 33 && b <= 126 && b !== 61 ? String.fromCharCode(b) : b === 10 ? '\r\n' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')
      .replace(/(.{70})/g, '$1=\r\n');
    const mht = `MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n------=_NextPart_01\r\nContent-Location: file:///C:/forms.htm\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset="gb2312"\r\n\r\n${qp}\r\n\r\n------=_NextPart_01--\r\n`;
    const doc = await processDocument('forms.mht', new Uint8Array(Buffer.from(mht, 'latin1')));
    expect(doc.source.kind).toBe('web_page');
    const expected = expectedOf('target_web_page_gbk.html');
    // the same records as the page's, but for the file they name
    const score = compareRecords(expected, doc.records.map((r, i) => ({ ...r, id: expected[i]!.id, source: expected[i]!.source })));
    expect(score.recall).toBe(1);
    expect(score.precision).toBe(1);
  });

  it.skipIf(!soffice)('a .doc (Word 97) converted by LibreOffice reads like the .docx', async () => {
    const { execFileSync } = await import('node:child_process');
    writeFileSync(join(work, 'targets.docx'), sample('performance_target.docx'));
    execFileSync(soffice!, [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'doc:MS Word 97', '--outdir', work, join(work, 'targets.docx')], { stdio: 'ignore' });
    const doc = await processDocument('targets.wps', new Uint8Array(readFileSync(join(work, 'targets.doc'))));
    expect(doc.source.kind).toBe('word');
    expect(doc.records.map((r) => r.project_name)).toEqual(expectedOf('performance_target.docx').map((r) => r.project_name));
  }, 90_000);

  it.skipIf(!soffice)('an RTF document saved under a .doc name is sniffed as RTF and converted by LibreOffice', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = join(work, 'rtf');
    writeFileSync(join(work, 'targets.docx'), sample('performance_target.docx'));
    execFileSync(soffice!, [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'rtf', '--outdir', dir, join(work, 'targets.docx')], { stdio: 'ignore' });
    const doc = await processDocument('targets.doc', new Uint8Array(readFileSync(join(dir, 'targets.rtf'))));
    expect(doc.source.kind).toBe('word');
    expect(doc.issues.map((i) => i.message)).toContain('converted from an RTF document by LibreOffice');
    expect(doc.records.map((r) => r.project_name)).toEqual(expectedOf('performance_target.docx').map((r) => r.project_name));
  }, 90_000);
});

describe('bad input fails with a reason, never a crash', () => {
  it('a password-protected workbook', async () => {
    const encrypted = officeCrypto.encrypt(Buffer.from(sample('self_eval_workbook.xlsx')), { password: 'secret' });
    const doc = await processDocument('locked.xlsx', new Uint8Array(encrypted));
    expect(doc.status).toBe('failed');
    expect(doc.issues[0]!.message).toMatch(/^encrypted workbook: /);
  });

  it('a corrupt zip (a truncated workbook)', async () => {
    const bytes = sample('self_eval_workbook.xlsx');
    const doc = await processDocument('truncated.xlsx', bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(doc.status).toBe('failed');
    expect(doc.issues[0]!.message).toMatch(/^corrupt zip: no end of central directory/);
  });

  it('a zip bomb is refused from its central directory before anything is inflated', async () => {
    const sheet = await repeatedPart('xl/worksheets/sheet1.xml', MAX_UNCOMPRESSED_BYTES + 1024 * 1024);
    const bomb = zipOf([...xlsxParts(null), sheet]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const doc = await processDocument('bomb.xlsx', bomb);
    expect(doc.status).toBe('failed');
    expect(doc.issues[0]!.message).toMatch(/^zip bomb guard: its parts would inflate to 201 MB \(limit 200 MB\)/);
  }, 60_000);

  it('an XML external entity in a .docx or .xlsx is never resolved', async () => {
    const secret = join(work, 'secret.txt');
    writeFileSync(secret, 'XXE-SECRET-4711');
    const entity = `<!DOCTYPE doc [<!ENTITY xxe SYSTEM "file://${secret}">]>`;
    const docx = zipOf(docxParts(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${entity}
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>项目名称 &xxe;</w:t></w:r></w:p></w:body></w:document>`));
    const xlsx = zipOf(xlsxParts(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${entity}
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目名称 &xxe;</t></is></c></row></sheetData></worksheet>`));
    for (const [name, bytes] of [['xxe.docx', docx], ['xxe.xlsx', xlsx]] as const) {
      const doc = await processDocument(name, bytes);
      expect(JSON.stringify(doc)).not.toContain('XXE-SECRET');
      // both parsers refuse the undeclared entity rather than fetch it: the file fails with the parser's reason
      expect(doc.status).toBe('failed');
      expect(doc.issues[0]!.message).toMatch(/^damaged (Word document|workbook): .*entity/);
    }
  });

  it('a zip that is neither workbook nor document is an unsupported file', async () => {
    const doc = await processDocument('photos.zip', zipOf([part('a.txt', 'hello')]));
    expect(doc.status).toBe('failed');
    expect(doc.issues[0]!.message).toMatch(/unsupported file type application\/zip/);
  });

  it('without LibreOffice, an .xls fails with what to install', async () => {
    const saved = process.env.ZIPING_SOFFICE;
    process.env.ZIPING_SOFFICE = join(work, 'no-such-soffice');
    try {
      const doc = await processDocument('old.xls', sample('self_eval_binary.xls'));
      expect(doc.status).toBe('failed');
      expect(doc.issues[0]!.message).toBe('a .xls file needs LibreOffice (soffice) to convert; install libreoffice-calc');
    } finally {
      if (saved === undefined) delete process.env.ZIPING_SOFFICE;
      else process.env.ZIPING_SOFFICE = saved;
    }
  });
});
