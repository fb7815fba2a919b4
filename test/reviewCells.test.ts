/**
 * The review report's view of a field with no page to crop: the cells around it in its stored
 * table, the field's cell marked, every text escaped. Built from the sample workbook made doubtful
 * on the fly (a total that does not add up beside an indicator name holding markup) and the sample
 * web page.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseCellAddress } from '../extractors/office/sheetBlocks.js';
import { cellWindow } from '../pipeline/cellWindow.js';
import { buildReport } from '../pipeline/report.js';
import { openDatabase } from '../pipeline/sinks/sqlite.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'ziping.js');

/** The grid tables of a report, by caption. */
function grids(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<table class="grid"><caption>(.*?)<\/caption>(.*?)<\/table>/g)].map((m) => [m[1]!, m[2]!]));
}

describe('cellWindow', () => {
  const cells = [['a', 'b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i']];
  it('clips the window to the table and pads short rows', () => {
    expect(cellWindow(cells, 0, 0, 1)).toEqual({ rows: [0, 1], cols: [0, 1], cells: [['a', 'b'], ['d', 'e']], row: 0, col: 0 });
    expect(cellWindow(cells, 1, 3, 1)?.cells).toEqual([['c', ''], ['', ''], ['h', 'i']]);
    expect(cellWindow(cells, 3, 0)).toBeNull();
    expect(cellWindow(cells, 0, 4)).toBeNull();
  });
  it('reads cell addresses back', () => {
    expect(parseCellAddress("'Sheet 3'!G46")).toEqual({ row: 46, col: 7 });
    expect(parseCellAddress('自评表1!$AB$3')).toEqual({ row: 3, col: 28 });
    expect(parseCellAddress('C7')).toBeNull();
  });
});

describe('report neighbourhood', () => {
  it('shows the cells around a doubtful workbook or web-page cell instead of a page crop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziping-cells-'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(ROOT, 'samples', 'office', 'self_eval_workbook.xlsx'));
    const sheet = workbook.getWorksheet('Sheet 3')!;
    sheet.getCell('G46').value = 90; // 总分: the scores add up to 100
    sheet.getCell('E45').value = '<img src=x onerror=alert(1)>服务对象"满意"度';
    await workbook.xlsx.writeFile(join(dir, 'doubtful.xlsx'));
    const db = join(dir, 'db.sqlite');
    const result = spawnSync('node', [BIN, 'ingest', join(dir, 'doubtful.xlsx'), join(ROOT, 'samples', 'office', 'target_web_page_gbk.html'), '--db', db, '--quiet'],
      { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);

    const html = await buildReport(openDatabase(db));
    expect(html).not.toMatch(/<img src=x/);
    expect(html).not.toMatch(/<img alt="printed cell"/);
    const tables = grids(html);
    // the total's cell among its sheet neighbours: columns E–I, rows 44–47 (the sheet ends there)
    const total = tables.get('&#39;Sheet 3&#39;!G46');
    expect(total).toBeDefined();
    expect(total).toContain('<tr><th></th><th>E</th><th>F</th><th>G</th><th>H</th><th>I</th></tr>');
    expect([...total!.matchAll(/<tr><th>(\d+)<\/th>/g)].map((m) => m[1])).toEqual(['44', '45', '46', '47']);
    expect(total).toContain('<th>46</th><td></td><td></td><td class="target">90</td>');
    expect(total).toContain('<th>45</th><td>&lt;img src=x onerror=alert(1)&gt;服务对象&quot;满意&quot;度</td><td>≥90%</td><td>100%</td><td>10</td>');
    // a web page's table has no addresses: the window is captioned and headed by table indices
    const webCell = [...tables.keys()].find((caption) => /^table \d+, row \d+, col \d+$/.test(caption));
    expect(webCell).toBeDefined();
    expect(tables.get(webCell!)).toMatch(/<td class="target">[^<]+<\/td>/);
  });
});
