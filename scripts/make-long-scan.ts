/**
 * A long scanned PDF for the memory benchmark (scripts/bench.ts --memory): the pages of the
 * image-only scanned samples (samples/scanned/*.pdf: 300 dpi JPEG 75 and 150 dpi JPEG 60 page
 * images) repeated in turn to `pages` pages. Each page is copied on its own, so every page has its
 * own image stream as a scanner's PDF has (pdf.js caches nothing across pages for it).
 * The bench runs this in a child process, so building the file does not count in its memory.
 *
 *   npx tsx scripts/make-long-scan.ts out.pdf 1000
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';

const ROOT = join(import.meta.dirname, '..');

export async function makeLongScan(out: string, pages: number): Promise<{ bytes: number }> {
  if (!Number.isInteger(pages) || pages < 1) throw new Error(`Expected a page count ≥ 1, got \`${pages}\``);
  const dir = join(ROOT, 'samples', 'scanned');
  const sources = await Promise.all(readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort().map(async (f) => PDFDocument.load(readFileSync(join(dir, f)))));
  const order = sources.flatMap((source) => source.getPageIndices().map((index) => ({ source, index })));
  const pdf = await PDFDocument.create();
  for (let n = 0; n < pages; n++) {
    const { source, index } = order[n % order.length]!;
    const [page] = await pdf.copyPages(source, [index]); // one copy per page: its own image stream
    pdf.addPage(page!);
  }
  const bytes = await pdf.save();
  writeFileSync(out, bytes);
  return { bytes: bytes.byteLength };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [out, pages] = process.argv.slice(2);
  if (!out || !pages) throw new Error('usage: tsx scripts/make-long-scan.ts OUT.pdf PAGES');
  const { bytes } = await makeLongScan(out, Number(pages));
  console.log(`${out}: ${pages} pages, ${Math.round(bytes / 2 ** 20)} MB`);
}
