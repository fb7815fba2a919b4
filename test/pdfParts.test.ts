/**
 * A long PDF read in parts (a range of pages per worker) and joined gives the very document reading
 * it whole gives: tables continued across the cut, line numbers, provenance, issues and status.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ZipingDocument } from '../schemas/document.js';
import { partsOf, pageRanges, processDocument, readByPages, readPart } from '../pipeline/process.js';
import { DocumentPool } from '../pipeline/workerPool.js';

const PDF_SAMPLES = join(import.meta.dirname, '..', 'samples', 'pdf');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'pdf');
/** 9 pages; its second form's table runs from page 3 to page 9 */
const BREAKS = readFileSync(join(PDF_SAMPLES, 'project_self_eval_breaks.pdf'));

/** What a document's reading decides, and the blocks it was read from (their lines and pages). */
const outcome = (doc: ZipingDocument) => ({ records: doc.records, provenance: doc.provenance, issues: doc.issues, status: doc.status, blocks: doc.blocks, pages: doc.pages });

/** A PDF of the given files' pages, in order. */
async function concatenated(files: string[]): Promise<Uint8Array> {
  const out = await PDFDocument.create();
  for (const file of files) {
    const source = await PDFDocument.load(readFileSync(file));
    for (const page of await out.copyPages(source, source.getPageIndices())) out.addPage(page);
  }
  return out.save();
}

describe('a PDF read in parts', () => {
  it('cut inside a table continued over pages 3–9, joins into the document read whole', async () => {
    const whole = await processDocument('breaks.pdf', BREAKS);
    const ranges = [{ first: 1, last: 4 }, { first: 5, last: 6 }, { first: 7, last: 9 }];
    // structuredClone: the parts reach the joining worker as a message
    const parts = structuredClone(await Promise.all(ranges.map((range) => readPart('breaks.pdf', BREAKS, range))));
    const joined = await processDocument('breaks.pdf', BREAKS, {}, parts);
    expect(whole.records).toHaveLength(2);
    expect(outcome(joined)).toEqual(outcome(whole));
  });

  it('with a page without a usable text layer and OCR off, reports it as reading it whole does', async () => {
    const bytes = await concatenated([join(PDF_SAMPLES, 'project_self_eval_breaks.pdf'), join(FIXTURES, 'no_tounicode.pdf')]);
    const whole = await processDocument('mixed.pdf', bytes, { ocr: false });
    const parts = await Promise.all([{ first: 1, last: 6 }, { first: 7, last: 11 }].map((range) => readPart('mixed.pdf', bytes, range, { ocr: false })));
    const joined = await processDocument('mixed.pdf', bytes, { ocr: false }, parts);
    expect(whole.status).toBe('partial');
    expect(outcome(joined)).toEqual(outcome(whole));
  });

  it('is read whole below two parts of 48 pages, and in at most one part per worker', async () => {
    expect(pageRanges(95, 2)).toBeNull();
    expect(pageRanges(47, 4)).toBeNull();
    expect(pageRanges(200, 1)).toBeNull();
    expect(pageRanges(100, 2)).toEqual([{ first: 1, last: 50 }, { first: 51, last: 100 }]);
    expect(pageRanges(150, 4)).toEqual([{ first: 1, last: 50 }, { first: 51, last: 100 }, { first: 101, last: 150 }]);
    expect(await partsOf('breaks.pdf', BREAKS, 2)).toBeNull();
    expect(await partsOf('notes.txt', new TextEncoder().encode('项目名称\n'.repeat(40)), 2)).toBeNull();
    // (the pool has idle workers open a document beforehand only when it is read by pages)
    expect(await readByPages('breaks.pdf', BREAKS)).toBe(true);
    expect(await readByPages('notes.txt', new TextEncoder().encode('项目名称\n'.repeat(40)))).toBe(false);
  });

  describe('by a pool of 2 workers', () => {
    const pool = new DocumentPool({ size: 2 });
    afterAll(() => pool.close());

    it('gives the document one thread gives, the cut falling inside a continued table', async () => {
      // 2 + 11 × 9 pages: the parts are pages 1–50 and 51–101, the cut between the sixth copy's pages 3 and 4
      const breaks = Array.from({ length: 11 }, () => join(PDF_SAMPLES, 'project_self_eval_breaks.pdf'));
      const bytes = await concatenated([join(PDF_SAMPLES, 'performance_target.pdf'), ...breaks]);
      expect(await partsOf('long.pdf', bytes, 2)).toEqual([{ first: 1, last: 50 }, { first: 51, last: 101 }]);
      const serial = await processDocument('long.pdf', bytes);
      const pooled = await pool.processWhole('long.pdf', bytes);
      expect(serial.records).toHaveLength(24);
      expect(outcome(pooled)).toEqual(outcome(serial));
    });
  });
});
