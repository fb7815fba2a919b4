/**
 * The PDF text-layer path: every sample PDF against its expected records (made from the seed
 * forms by scripts/make-sample-pdfs.ts), provenance checked against pdf.js's raw text positions,
 * and PDFs without a usable text layer reported, not turned into garbage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreRadicals } from '../extractors/pdf/radicals.js';
import { openPdf } from '../extractors/pdfText.js';
import { processDocument } from '../pipeline/process.js';
import { openDatabase, saveDocument } from '../pipeline/sinks/sqlite.js';
import { compareRecords } from './compare.js';
import { readExpected, updateExpected } from './golden.js';

const PDF_SAMPLES = join(import.meta.dirname, '..', 'samples', 'pdf');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'pdf');
const pdfs = readdirSync(PDF_SAMPLES).filter((f) => f.endsWith('.pdf')).sort();


describe.each(pdfs)('sample PDF %s', (name) => {
  it('matches its expected records on at least 98% of fields, each form on its page', async () => {
    const doc = await processDocument(name, readFileSync(join(PDF_SAMPLES, name)));
    updateExpected(join(PDF_SAMPLES, name), doc.records);
    const expected = readExpected(join(PDF_SAMPLES, name));
    const score = compareRecords(expected, doc.records);
    if (score.mismatches.length > 0) console.log(`${name}:\n${score.mismatches.slice(0, 20).join('\n')}`);
    expect(doc.source.kind).toBe('pdf');
    expect(doc.status).toBe('success');
    expect(score.precision).toBeGreaterThanOrEqual(0.98);
    expect(score.recall).toBeGreaterThanOrEqual(0.98);
    expect(doc.records.map((r) => r.source.page)).toEqual(expected.map((r) => r.source.page));
  });
});

it('a table broken across pages is one table, each row keeping its own page', async () => {
  const doc = await processDocument('breaks.pdf', readFileSync(join(PDF_SAMPLES, 'project_self_eval_breaks.pdf')));
  const formTable = doc.segments[0]!.tables[0]!;
  const pages = new Set(formTable.rows.flatMap((row) => row.map((c) => c.origin.page)).filter((p) => p !== null));
  expect([...pages].sort()).toEqual([1, 2]);
  expect(doc.records[0]!.indicators.length).toBe(readExpected(join(PDF_SAMPLES, 'project_self_eval_breaks.pdf'))[0]!.indicators.length);
});

/** Text pdf.js places inside a box, read from the raw item origins (an upright, unrotated page). */
async function rawTextIn(bytes: Uint8Array, page: number, bbox: [number, number, number, number]): Promise<string> {
  const pdf = await openPdf(bytes, 'raw.pdf');
  try {
    const p = await pdf.getPage(page);
    const height = p.getViewport({ scale: 1 }).height;
    const content = await p.getTextContent();
    return content.items
      .filter((i): i is typeof i & { str: string; transform: number[] } => 'str' in i)
      .filter((i) => {
        const x = i.transform[4]!;
        const y = height - i.transform[5]!;
        return x >= bbox[0] - 1 && x <= bbox[2] + 1 && y >= bbox[1] - 1 && y <= bbox[3] + 1;
      })
      .map((i) => i.str).join('');
  } finally {
    await pdf.destroy();
  }
}

it('provenance gives the page and the box the value was printed in', async () => {
  const bytes = readFileSync(join(PDF_SAMPLES, 'shijiazhuang_self_eval.pdf'));
  const doc = await processDocument('shijiazhuang_self_eval.pdf', bytes);
  for (const record of doc.records) {
    const idx = record.source.form_index;
    for (const field of ['project_name', 'indicators[0].name', 'indicators[0].target', 'filing_unit']) {
      const prov = doc.provenance.find((p) => p.form_index === idx && p.field === field);
      expect(prov?.origin?.page, `${field} of form ${idx}`).toBeTypeOf('number');
      expect(prov?.origin?.bbox, `${field} of form ${idx}`).not.toBeNull();
      const printed = await rawTextIn(bytes, prov!.origin!.page!, prov!.origin!.bbox!);
      // the raw layer spells some characters as radicals (⻚ for 页); the extractor restores them
      expect(restoreRadicals(printed).replace(/\s/g, '')).toContain(prov!.raw!.replace(/\s/g, ''));
    }
  }
});

it('with OCR switched off, reports a scanned PDF as needing OCR instead of producing records', async () => {
  const doc = await processDocument('scanned_only.pdf', readFileSync(join(FIXTURES, 'scanned_only.pdf')), { ocr: false });
  expect(doc.status).toBe('failed');
  expect(doc.records).toEqual([]);
  expect(doc.issues[0]!.message).toMatch(/no page has a usable text layer — page 1: the page has no text layer.*OCR is switched off/);
});

it('reports a text layer without ToUnicode maps as garbled instead of producing records', async () => {
  // made by scripts/make-sample-pdfs.ts: a sample PDF whose fonts' ToUnicode entries were removed
  const doc = await processDocument('no_tounicode.pdf', readFileSync(join(FIXTURES, 'no_tounicode.pdf')), { ocr: false });
  expect(doc.status).toBe('failed');
  expect(doc.records).toEqual([]);
  expect(doc.issues[0]!.message).toMatch(/page 1: the text layer is garbled.*ToUnicode.*\(and 1 more page\).*OCR is switched off/);
});

it('without OCR, keeps the forms of text pages and names the page that needs OCR', async () => {
  const doc = await processDocument('text_then_scan.pdf', readFileSync(join(FIXTURES, 'text_then_scan.pdf')), { ocr: false });
  expect(doc.status).toBe('partial');
  expect(doc.records).toHaveLength(1);
  expect(doc.records[0]!.form_type).toBe('performance_target');
  expect(doc.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual([expect.stringMatching(/^page 2: the page has no text layer.*OCR is switched off/)]);
});


it('rejects a damaged PDF with a reason naming the problem', async () => {
  const bytes = readFileSync(join(PDF_SAMPLES, 'performance_target.pdf')).subarray(0, 2000);
  const doc = await processDocument('truncated.pdf', bytes);
  expect(doc.status).toBe('failed');
  expect(doc.issues[0]!.message).toMatch(/PDF/);
});

it('stores page and box of every PDF field in SQLite', async () => {
  const doc = await processDocument('performance_target.pdf', readFileSync(join(PDF_SAMPLES, 'performance_target.pdf')));
  const db = openDatabase(':memory:');
  saveDocument(db, doc);
  const row = db.prepare(`SELECT page, bbox_json FROM field_provenance p JOIN forms f ON f.id = p.form_id
    WHERE p.field = 'project_name' ORDER BY f.form_index LIMIT 1 OFFSET 1`).get() as { page: number; bbox_json: string };
  expect(row.page).toBe(readExpected(join(PDF_SAMPLES, 'performance_target.pdf'))[1]!.source.page);
  expect(JSON.parse(row.bbox_json)).toHaveLength(4);
});
