/**
 * A 100,000-row sheet in bounded memory: the sheet is cut to its first MAX_SHEET_ROWS rows before
 * exceljs builds any cell (exceljs's `xlsx.load` holds every cell; the batch's workers have a 1536 MB
 * heap limit). The workbook (`longWorkbook.ts`) holds the sample workbook's first form sheet, then a
 * sheet of 100,000 data rows with merged ranges before, across and after the cut.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SHEET_ROWS } from '../extractors/spreadsheet.js';
import { processDocument } from '../pipeline/process.js';
import { LONG_SHEET_ROWS as ROWS, writeLongWorkbook } from './longWorkbook.js';

const SAMPLE = join(import.meta.dirname, '..', 'samples', 'office', 'self_eval_workbook.xlsx');

describe('a workbook with a 100,000-row sheet', () => {
  it('is read in bounded memory: the long sheet is cut with a warning, the form sheet is read whole', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ziping-long-')), 'long.xlsx');
    await writeLongWorkbook(file, SAMPLE);
    const bytes = readFileSync(file);

    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakRss = before.rss;
    const sample = (): void => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakRss = Math.max(peakRss, now.rss);
    };
    const timer = setInterval(sample, 5);
    const started = Date.now();
    const doc = await processDocument(file, bytes);
    clearInterval(timer);
    sample();
    const heapDeltaMb = (peakHeap - before.heapUsed) / 2 ** 20;
    console.log(`100,000-row workbook (${(bytes.length / 2 ** 20).toFixed(1)} MB): ${Date.now() - started} ms, peak heapUsed +${heapDeltaMb.toFixed(0)} MB, `
      + `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (+${((peakRss - before.rss) / 2 ** 20).toFixed(0)} MB)`);

    // the worker heap limit is 1536 MB; exceljs holding the whole sheet took +780 MB here
    expect(heapDeltaMb).toBeLessThan(300);
    const messages = doc.issues.map((i) => i.message);
    expect(messages).toContain(`sheet "项目明细": only rows 1–${MAX_SHEET_ROWS} of ${ROWS} read (a sheet that long is no form; the rest is left out to bound memory)`);
    // the form sheet is read as the sample's is
    const alone = await processDocument(SAMPLE, readFileSync(SAMPLE));
    const address = (d: typeof doc): string | undefined => d.provenance.find((p) => p.form_index === 0 && p.field === 'project_name')?.origin?.address;
    expect(doc.records[0]?.project_name).toBe('档案扫描服务费');
    const fields = (d: typeof doc): unknown => { const { id: _id, source: _source, ...rest } = d.records[0]!; return rest; };
    expect(fields(doc)).toEqual(fields(alone));
    expect(address(doc)).toBe(address(alone));
    // the long sheet's kept rows: its merged title, and the merge across the cut ends at the last kept row
    const blocks = doc.blocks.filter((b) => (b.kind === 'text' ? b.sheet : b.table.rows[0]?.[0]?.origin.sheet) === '项目明细');
    expect(blocks[0]).toMatchObject({ kind: 'text', text: '2021年项目资金明细表', address: '项目明细!A1' });
    const table = blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.table.rows.length).toBe(MAX_SHEET_ROWS - 1);
    const last = table?.kind === 'table' ? table.table.rows.at(-1)! : [];
    expect(last[0]).toMatchObject({ text: String(MAX_SHEET_ROWS - 2), origin: { address: `项目明细!A${MAX_SHEET_ROWS}` } });
    expect(last[9]?.text).toBe('');
  }, 120_000);
});
