/**
 * Scanned samples: sample PDFs rasterised the way archive scanners leave them — 150 to 300 dpi,
 * slightly rotated, speckled, blurred, JPEG-compressed — as image-only PDFs and as PNG or JPEG pages,
 * with the expected records of the PDF they were printed from (only `source` and `id` change).
 * The unseen county's PDF is scanned too, into its fixture folder: its test has hand-written
 * expectations, so no expected file is written for it.
 *
 *   npx tsx scripts/make-scanned-samples.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Canvas, createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import { openPdf } from '../extractors/pdfText.js';
import { renderPdfPage } from '../extractors/scan/raster.js';
import { sha256Of } from '../pipeline/process.js';
import { readRecords, writeRecords } from '../test/golden.js';

const ROOT = join(import.meta.dirname, '..');

interface Spec {
  /** the PDF scanned, relative to the repository */
  from: string;
  /** the folder written to, and the expected records' source (null: no expected file) */
  out: string; expected: string | null;
  name: string; dpi: number; degrees: number; noise: number;
  /** Gaussian blur radius in pixels (0: sharp) */
  blur: number;
  /** JPEG quality for jpg files and PDF page images */
  quality: number;
  format: 'pdf' | 'png' | 'jpg';
  note: string;
}

const SPECS: Spec[] = [
  { from: 'samples/pdf/performance_target.pdf', out: 'samples/scanned', expected: 'samples/pdf/performance_target.expected.jsonl', name: 'performance_target_scan', dpi: 300, degrees: 0.8, noise: 0.004, blur: 0, quality: 75, format: 'pdf', note: 'image-only PDF, 300 dpi, 0.8°, speckled, JPEG 75' },
  { from: 'samples/pdf/target_rotated.pdf', out: 'samples/scanned', expected: 'samples/pdf/target_rotated.expected.jsonl', name: 'target_landscape_scan', dpi: 200, degrees: -0.5, noise: 0.002, blur: 0, quality: 75, format: 'png', note: 'PNG page, 200 dpi, -0.5°, speckled' },
  { from: 'samples/pdf/self_eval_unruled.pdf', out: 'samples/scanned', expected: 'samples/pdf/self_eval_unruled.expected.jsonl', name: 'self_eval_unruled_scan', dpi: 150, degrees: 1.2, noise: 0.003, blur: 0.7, quality: 60, format: 'pdf', note: 'unruled table, image-only PDF, 150 dpi, 1.2°, speckled, blurred, JPEG 60' },
  { from: 'test/fixtures/unseen/county_b_self_evaluation.pdf', out: 'test/fixtures/unseen', expected: null, name: 'county_b_scan', dpi: 150, degrees: -1.5, noise: 0.004, blur: 0.8, quality: 55, format: 'jpg', note: 'unseen layout, JPEG page, 150 dpi, -1.5°, speckled, blurred, JPEG 55' },
];

/** Deterministic speckles, a small rotation and blur, as a flatbed scan leaves a page. */
function degrade(page: Canvas, spec: Spec, seed: number): Canvas {
  const { degrees, noise, blur } = spec;
  const out = createCanvas(page.width, page.height);
  const context = out.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, out.width, out.height);
  if (blur > 0) context.filter = `blur(${blur}px)`;
  context.translate(out.width / 2, out.height / 2);
  context.rotate((degrees * Math.PI) / 180);
  context.drawImage(page, -page.width / 2, -page.height / 2);
  context.filter = 'none';
  context.setTransform(1, 0, 0, 1, 0, 0);
  let x = seed;
  const random = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
  const specks = Math.round(out.width * out.height * noise / 20);
  context.fillStyle = '#444';
  for (let i = 0; i < specks; i++) context.fillRect(random() * out.width, random() * out.height, 1 + random() * 2, 1 + random() * 2);
  return out;
}

async function make(spec: Spec): Promise<void> {
  const source = readFileSync(join(ROOT, spec.from));
  const pdf = await openPdf(source, spec.from);
  const pages: Canvas[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    pages.push(degrade(await renderPdfPage(page, spec.dpi), spec, n));
  }
  await pdf.destroy();
  if (spec.format !== 'pdf' && pages.length > 1) throw new Error(`${spec.from}: an image file holds one page, this PDF has ${pages.length}`);
  let bytes: Uint8Array;
  if (spec.format === 'png') bytes = await pages[0]!.encode('png');
  else if (spec.format === 'jpg') bytes = await pages[0]!.encode('jpeg', spec.quality);
  else {
    const out = await PDFDocument.create();
    for (const canvas of pages) {
      const jpeg = await out.embedJpg(await canvas.encode('jpeg', spec.quality));
      const width = (canvas.width * 72) / spec.dpi;
      const height = (canvas.height * 72) / spec.dpi;
      out.addPage([width, height]).drawImage(jpeg, { x: 0, y: 0, width, height });
    }
    bytes = await out.save();
  }
  const file = `${spec.name}.${spec.format}`;
  const dir = join(ROOT, spec.out);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), bytes);
  console.log(`${spec.out}/${file}: ${pages.length} page(s), ${Math.round(bytes.byteLength / 1024)} KB — ${spec.note}`);
  if (!spec.expected) return;
  const sha256 = sha256Of(bytes);
  const expected = readRecords(join(ROOT, spec.expected));
  const records = expected.map((r, i) => ({ ...r, id: `${sha256}:${i}`, source: { ...r.source, file, sha256 } }));
  writeRecords(join(dir, `${spec.name}.expected.jsonl`), records);
}

for (const spec of SPECS) await make(spec);
