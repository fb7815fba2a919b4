/**
 * Scanned samples: sample PDFs rasterised the way archive scanners leave them — slightly rotated,
 * speckled, JPEG-compressed — as an image-only PDF and as a PNG page, with the expected records of
 * the PDF they were printed from (only `source` and `id` change).
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
import type { FormRecord } from '../schemas/record.js';

const ROOT = join(import.meta.dirname, '..');
const PDFS = join(ROOT, 'samples', 'pdf');
const OUT = join(ROOT, 'samples', 'scanned');

interface Spec { from: string; name: string; dpi: number; degrees: number; noise: number; format: 'pdf' | 'png'; note: string }

const SPECS: Spec[] = [
  { from: 'performance_target', name: 'performance_target_scan', dpi: 300, degrees: 0.8, noise: 0.004, format: 'pdf', note: 'image-only PDF, 300 dpi, 0.8°, speckled, JPEG 75' },
  { from: 'target_rotated', name: 'target_landscape_scan', dpi: 200, degrees: -0.5, noise: 0.002, format: 'png', note: 'PNG page, 200 dpi, -0.5°, speckled' },
];

/** Deterministic speckles and a small rotation, as a flatbed scan leaves a page. */
function degrade(page: Canvas, degrees: number, noise: number, seed: number): Canvas {
  const out = createCanvas(page.width, page.height);
  const context = out.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, out.width, out.height);
  context.translate(out.width / 2, out.height / 2);
  context.rotate((degrees * Math.PI) / 180);
  context.drawImage(page, -page.width / 2, -page.height / 2);
  context.setTransform(1, 0, 0, 1, 0, 0);
  let x = seed;
  const random = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
  const specks = Math.round(out.width * out.height * noise / 20);
  context.fillStyle = '#444';
  for (let i = 0; i < specks; i++) context.fillRect(random() * out.width, random() * out.height, 1 + random() * 2, 1 + random() * 2);
  return out;
}

async function make(spec: Spec): Promise<void> {
  const source = readFileSync(join(PDFS, `${spec.from}.pdf`));
  const pdf = await openPdf(source, spec.from);
  const pages: Canvas[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    pages.push(degrade(await renderPdfPage(page, spec.dpi), spec.degrees, spec.noise, n));
  }
  await pdf.destroy();
  let bytes: Uint8Array;
  if (spec.format === 'png') bytes = await pages[0]!.encode('png');
  else {
    const out = await PDFDocument.create();
    for (const canvas of pages) {
      const jpeg = await out.embedJpg(await canvas.encode('jpeg', 75));
      const width = (canvas.width * 72) / spec.dpi;
      const height = (canvas.height * 72) / spec.dpi;
      out.addPage([width, height]).drawImage(jpeg, { x: 0, y: 0, width, height });
    }
    bytes = await out.save();
  }
  const file = `${spec.name}.${spec.format}`;
  writeFileSync(join(OUT, file), bytes);
  const sha256 = sha256Of(bytes);
  const expected = readFileSync(join(PDFS, `${spec.from}.expected.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FormRecord);
  const records = expected.map((r, i) => ({ ...r, id: `${sha256}:${i}`, source: { ...r.source, file, sha256 } }));
  writeFileSync(join(OUT, `${spec.name}.expected.jsonl`), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`${file}: ${records.length} forms — ${spec.note}`);
}

mkdirSync(OUT, { recursive: true });
for (const spec of SPECS) await make(spec);
