/**
 * Office sample generator: lays seed forms out as the attachments archives hold them and writes
 * each file's expected records beside it, in samples/office/.
 *
 *   npx tsx scripts/make-office-samples.ts     (needs Debian's libreoffice-calc and libreoffice-writer)
 *
 * - self_eval_workbook.xlsx (exceljs): one form per sheet on two sheets and two forms on a third; a
 *   title row merged across the table, header lines beside each other without rules, a ruled table
 *   whose section labels and 一级指标/二级指标 cells are merged over their rows, numbers stored as
 *   numbers with the number format that prints them (`100%` is 1 formatted `0%`, through a formula
 *   with its cached result), a hidden sheet and a hidden row of working notes that must not be read.
 * - self_eval_binary.xls: a second workbook of the same kind, saved as BIFF8 by LibreOffice.
 * - performance_target.docx: three 绩效目标表 as Word tables (LibreOffice from the HTML layout the PDF
 *   samples use: spans become gridSpan/vMerge), with the titles and header lines as paragraphs.
 * - target_web_page_gbk.html: two forms on a GB2312-labelled web page with navigation, a script
 *   and a footer around them.
 * The expected records are the seed's hand-checked records for the same forms; only `source` and
 * `id` change.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sha256Of } from '../pipeline/process.js';
import type { FormSegment } from '../schemas/document.js';
import type { FormRecord } from '../schemas/record.js';
import { escapeHtml, formHtml, printedText, spansOf } from './seedLayout.js';
import { seedExpected, seedForms } from './seedForms.js';
import { expectedPathOf, writeRecords } from '../test/golden.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'samples', 'office');

interface Chosen { segment: FormSegment; record: FormRecord }

/** The seed's single-record forms at these record indexes, with their hand-checked records. */
function choose(seed: string, recordIndexes: number[]): Chosen[] {
  const forms = seedForms(seed);
  const expected = seedExpected(seed);
  return recordIndexes.map((recordIndex) => {
    const form = forms.find((f) => f.records.length === 1 && f.records[0] === recordIndex);
    if (!form) throw new Error(`${seed}: record ${recordIndex} is not a single-record form`);
    return { segment: form.segment, record: expected[recordIndex]! };
  });
}

function writeExpected(file: string, bytes: Uint8Array, records: FormRecord[]): void {
  const sha256 = sha256Of(bytes);
  const out = records.map((record, formIndex) => ({ ...record, id: `${sha256}:${formIndex}`, source: { file, sha256, page: null, form_index: formIndex } }));
  writeRecords(expectedPathOf(join(OUT, file)), out);
}

// ---------------------------------------------------------------- workbooks

const THIN = { style: 'thin' as const };
const RULED: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/**
 * A printed cell as a workbook stores it: a number with the format that prints it as the seed
 * does, a percentage through a formula with its cached result, anything else as text.
 */
function typedValue(text: string): { value: ExcelJS.CellValue; numFmt?: string } {
  const decimals = (digits: string | undefined): string => (digits ? `.${'0'.repeat(digits.length)}` : '');
  const percent = /^(\d+)(?:\.(\d+))?%$/.exec(text);
  if (percent && !/^0\d/.test(text)) {
    const value = Number(text.slice(0, -1)) / 100;
    // exceljs drops a cached result of 0 when it writes, so a zero is stored as a plain number
    return { value: value === 0 ? 0 : { formula: `${text.slice(0, -1)}/100`, result: value }, numFmt: `0${decimals(percent[2])}%` };
  }
  const grouped = /^\d{1,3}(,\d{3})+(?:\.(\d+))?$/.exec(text);
  if (grouped) return { value: Number(text.replace(/,/g, '')), numFmt: `#,##0${decimals(grouped[2])}` };
  const plain = /^-?(0|[1-9]\d{0,11})(?:\.(\d+))?$/.exec(text);
  if (plain) return { value: Number(text), numFmt: `0${decimals(plain[2])}` };
  return { value: text };
}

/** Lay one form out on a sheet from `top`; returns the next free row. */
function layForm(sheet: ExcelJS.Worksheet, form: Chosen, top: number): number {
  const table = form.segment.tables[0]!;
  const rows = table.rows.map((row) => row.map((cell) => cell.text));
  const width = Math.max(...rows.map((r) => r.length));
  let r = top;
  // the title, merged across the table's width, unruled
  sheet.mergeCells(r, 1, r, width);
  const title = sheet.getCell(r, 1);
  title.value = printedText(form.segment.title ?? '');
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center' };
  r++;
  // header lines, two to a row where they are short (填报单位 on the left, 金额单位 on the right)
  const header = form.segment.headerLines.map((h) => printedText(h.text.replace(/^#+\s*/, '')));
  for (let i = 0; i < header.length; i++) {
    sheet.getCell(r, 1).value = header[i]!;
    if (header[i]!.length <= 30 && header[i + 1] !== undefined && header[i + 1]!.length <= 20 && !/年度/.test(header[i]!)) {
      sheet.getCell(r, width).value = header[++i]!;
    }
    r++;
  }
  // the table, ruled, with the PDF samples' spans as merged ranges
  const { covered, span } = spansOf(rows);
  rows.forEach((row, i) => {
    for (let c = 0; c < width; c++) {
      const cell = sheet.getCell(r + i, c + 1);
      cell.border = RULED;
      if (covered[i]![c]) continue;
      const text = printedText(row[c] ?? '');
      if (text !== '') {
        const typed = typedValue(text);
        cell.value = typed.value;
        if (typed.numFmt) cell.numFmt = typed.numFmt;
        cell.alignment = { wrapText: true, vertical: 'middle' };
      }
      const { rows: rs, cols: cs } = span[i]![c]!;
      if (rs > 1 || cs > 1) sheet.mergeCells(r + i, c + 1, r + i + rs - 1, c + cs);
    }
  });
  return r + rows.length + 2;
}

/** A workbook of sheets, each a list of forms; optionally a hidden sheet and a hidden row of notes. */
async function makeWorkbook(sheets: Array<{ name: string; forms: Chosen[] }>, decoys: boolean): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ziping samples';
  for (const { name, forms } of sheets) {
    const sheet = workbook.addWorksheet(name);
    sheet.columns = Array.from({ length: 10 }, (_, i) => ({ width: i === 0 ? 16 : 14 }));
    let r = 1;
    for (const form of forms) r = layForm(sheet, form, r);
    if (decoys && sheet === workbook.worksheets[0]) {
      // a working note the filer hid: its row must not reach the form
      const note = sheet.getRow(r);
      note.getCell(1).value = '审核备注';
      note.getCell(2).value = '预算数待财政局确认';
      note.hidden = true;
    }
  }
  if (decoys) {
    const hidden = workbook.addWorksheet('参数');
    hidden.state = 'hidden';
    hidden.getCell('A1').value = '区级部门预算项目绩效自评表';
    hidden.getCell('A2').value = '项目名称';
    hidden.getCell('B2').value = '隐藏表中的项目';
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------- LibreOffice

function libreOffice(work: string, input: string, to: string, infilter?: string): Uint8Array {
  execFileSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--norestore',
    ...(infilter ? [`--infilter=${infilter}`] : []), '--convert-to', to, '--outdir', work, input], { stdio: 'ignore' });
  return readFileSync(input.replace(/\.[^.]+$/, `.${to.split(':')[0]}`));
}

function htmlPage(sections: string[], extraHead = ''): string {
  return `<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">${extraHead}<style>td { border: 1px solid #000; }</style></head><body>\n${sections.join('\n')}\n</body></html>\n`;
}

// ---------------------------------------------------------------- web page

/** A government site's page around the forms: navigation, breadcrumbs, a script, a footer. */
function webPage(forms: Chosen[]): string {
  const nav = `<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/xxgk/">信息公开</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 财政预决算</div>`;
  const script = `<script type="text/javascript">var _hmt = _hmt || []; document.write("<table><tr><td>项目名称</td><td>脚本</td></tr></table>");</script>`;
  const footer = `<div class="footer"><table><tr><td>主办单位：某区人民政府办公室</td><td>网站标识码：1303000001</td></tr></table><p>冀ICP备05000001号</p></div>`;
  const body = forms.map((f) => formHtml(f.segment, true)).join('\n<p>&nbsp;</p>\n');
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>${escapeHtml(forms[0]!.record.title ?? '')} - 某区人民政府</title>
${script}
</head>
<body>
${nav}
<div class="content">
${body}
</div>
${footer}
</body>
</html>
`;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'ziping-office-'));
  try {
    // one form per sheet (two layouts), and a sheet with two forms
    const shijiazhuang = choose('000_3121bed7dfbd76d2', [0, 1, 2]);
    const project = choose('003_16052ebbc3505be3', [0]);
    const workbookForms = [shijiazhuang[0]!, project[0]!, shijiazhuang[1]!, shijiazhuang[2]!];
    const xlsx = await makeWorkbook([
      { name: '自评表1', forms: [shijiazhuang[0]!] },
      { name: '项目支出绩效自评表', forms: [project[0]!] },
      { name: 'Sheet 3', forms: [shijiazhuang[1]!, shijiazhuang[2]!] },
    ], true);
    writeFileSync(join(OUT, 'self_eval_workbook.xlsx'), xlsx);
    writeExpected('self_eval_workbook.xlsx', xlsx, workbookForms.map((f) => f.record));
    console.log(`self_eval_workbook.xlsx: ${workbookForms.length} forms on 3 sheets (+1 hidden)`);

    // a BIFF8 workbook: written as .xlsx, saved as .xls by LibreOffice
    const binaryForms = [...choose('003_16052ebbc3505be3', [2]), ...choose('000_3121bed7dfbd76d2', [4])];
    writeFileSync(join(work, 'binary.xlsx'), await makeWorkbook(binaryForms.map((f, i) => ({ name: `表${i + 1}`, forms: [f] })), false));
    const xls = libreOffice(work, join(work, 'binary.xlsx'), 'xls:MS Excel 97');
    writeFileSync(join(OUT, 'self_eval_binary.xls'), xls);
    writeExpected('self_eval_binary.xls', xls, binaryForms.map((f) => f.record));
    console.log(`self_eval_binary.xls: ${binaryForms.length} forms, one per sheet`);

    // Word: the HTML layout converted by LibreOffice Writer
    const targets = [...choose('001_d0072111a6d4e4f8', [0, 4]), ...choose('004_0d0307f2808b27a4', [2])];
    writeFileSync(join(work, 'targets.html'), htmlPage(targets.map((f) => formHtml(f.segment, true))));
    const docx = libreOffice(work, join(work, 'targets.html'), 'docx:MS Word 2007 XML', 'HTML (StarWriter)');
    writeFileSync(join(OUT, 'performance_target.docx'), docx);
    writeExpected('performance_target.docx', docx, targets.map((f) => f.record));
    console.log(`performance_target.docx: ${targets.length} forms`);

    // a saved web page in GB2312 with the site's chrome around the forms
    const pageForms = [...choose('004_0d0307f2808b27a4', [7]), ...choose('002_65a510f48b791a11', [8])];
    const page = new Uint8Array(iconv.encode(webPage(pageForms), 'gb18030'));
    writeFileSync(join(OUT, 'target_web_page_gbk.html'), page);
    writeExpected('target_web_page_gbk.html', page, pageForms.map((f) => f.record));
    console.log(`target_web_page_gbk.html: ${pageForms.length} forms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
