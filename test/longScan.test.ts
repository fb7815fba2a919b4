/**
 * The long scanned PDF the memory benchmark reads (scripts/make-long-scan.ts): the scanned
 * samples' pages in turn, each page with an image stream of its own, as a scanner writes them.
 * (The benchmark itself is timed and not a test; this only checks the file it reads.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRef } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { makeLongScan } from '../scripts/make-long-scan.js';

describe('the memory benchmark’s long scanned PDF', () => {
  it('repeats the scanned samples’ pages to the count asked, one image stream per page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziping-longscan-'));
    try {
      const out = join(dir, 'long.pdf');
      await makeLongScan(out, 9);
      const pdf = await PDFDocument.load(readFileSync(out));
      expect(pdf.getPageCount()).toBe(9);
      const images = pdf.getPages().map((page) => {
        const xObjects = page.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
        const refs = xObjects.values().filter((v): v is PDFRef => v instanceof PDFRef);
        expect(refs).toHaveLength(1);
        return refs[0]!.toString();
      });
      expect(new Set(images).size).toBe(9);
      const sizes = pdf.getPages().map((page) => Math.round(page.getWidth()));
      expect(sizes.every((w) => w >= 594 && w <= 596)).toBe(true); // A4 portrait pages
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
