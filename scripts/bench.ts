/**
 * Benchmarks, end to end including SQLite writes, on corpora built deterministically from the
 * bundled samples; prints one table and writes bench/results.json.
 *   OCR text: N forms (project names and amounts varied per copy) — forms per second;
 *   PDF text layer: one 200-page multi-form PDF assembled from the sample PDFs — pages per second.
 *   OCR text again over 2,000 files — to show memory stays bounded on long batches.
 *   office attachments: the .xlsx, .docx and web-page samples copied to OFFICE_FILES files, read
 *   from their own cells — forms per second, and the ratio to the OCR-text rate of the same run;
 *   the .xls sample through LibreOffice (seconds per file); and a workbook with a 100,000-row
 *   sheet (peak memory: the sheet is cut before exceljs builds it).
 *   scans: 12 pages at 300 dpi through the OCR path, each engine with 1 and 2 workers, and through
 *   Debian's native tesseract CLI (whole page) as the reference, when it is installed; and each
 *   engine's share of fields right on the scanned samples (what picks the default engine).
 * Usage: npm run bench [-- --forms 10000 --pages 200 --scan-pages 12 --office-files 300]
 *        npm run bench -- --distributed [--docs 100]   (BullMQ workers into PostgreSQL: scripts/bench-distributed.ts)
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { OCR_ENGINES, type OcrEngineName, stopOcr } from '../extractors/scan/ocr.js';
import { runBatch } from '../pipeline/batch.js';
import { processDocument } from '../pipeline/process.js';
import { openDatabase } from '../pipeline/sinks/sqlite.js';
import type { FormRecord } from '../schemas/record.js';
import { compareRecords } from '../test/compare.js';

const ROOT = join(import.meta.dirname, '..');
const argForms = process.argv.indexOf('--forms');
const TARGET_FORMS = argForms > 0 ? Number(process.argv[argForms + 1]) : 10000;
const argPages = process.argv.indexOf('--pages');
const TARGET_PAGES = argPages > 0 ? Number(process.argv[argPages + 1]) : 200;
const argScans = process.argv.indexOf('--scan-pages');
const SCAN_PAGES = argScans > 0 ? Number(process.argv[argScans + 1]) : 12;
const argOffice = process.argv.indexOf('--office-files');
const OFFICE_FILES = argOffice > 0 ? Number(process.argv[argOffice + 1]) : 300;

type Row = Record<string, string | number>;

/** Peak resident memory while `work` runs, sampled every 50 ms. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const started = performance.now();
  try {
    const value = await work();
    return { value, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) };
  } finally {
    clearInterval(sampler);
  }
}

/** A small deterministic PRNG so every run builds the same corpus. */
function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vary a sample: rename every project and perturb decimal amounts, keeping the layout. */
function variant(text: string, copy: number, random: () => number): string {
  return text
    .replace(/(项目名称[^\n|\t]*?[|\t]\s*)([^|\t\n]+)/g, (_m, label: string, name: string) => `${label}${name.trim()}（第${copy}批）`)
    .replace(/(?<![\d.])(\d{1,4})\.(\d{2})(?!\d)/g, (_m, a: string) => `${Math.max(1, Math.round(Number(a) * (0.8 + random() * 0.4)))}.${String(Math.floor(random() * 100)).padStart(2, '0')}`);
}

/** OCR text end to end: at least `targetForms` forms and `minFiles` files. */
async function benchOcrText(targetForms: number, minFiles = 0): Promise<Row> {
  const samples = readdirSync(join(ROOT, 'samples')).filter((f) => f.endsWith('.txt')).sort();
  const texts = samples.map((f) => readFileSync(join(ROOT, 'samples', f), 'utf8'));
  const formsPerRound = (await Promise.all(samples.map(async (f, i) => (await processDocument(f, Buffer.from(texts[i]!))).records.length))).reduce((a, b) => a + b, 0);
  const rounds = Math.max(Math.ceil(targetForms / formsPerRound), Math.ceil(minFiles / samples.length));
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const random = mulberry32(42);
  const files: string[] = [];
  for (let copy = 0; copy < rounds; copy++) {
    texts.forEach((text, i) => {
      const path = join(dir, `${copy}_${samples[i]}`);
      writeFileSync(path, variant(text, copy, random));
      files.push(path);
    });
  }
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const { value: results, seconds, peakRssMb } = await measured(() => runBatch(db, files, { concurrency: 2 }));
  const forms = results.reduce((n, r) => n + r.forms, 0);
  const indicators = results.reduce((n, r) => n + r.indicators, 0);
  const provenance = (db.prepare('SELECT COUNT(*) AS n FROM field_provenance').get() as { n: number }).n;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    path: minFiles > 0 ? 'ocr_text (2,000 files)' : 'ocr_text', items: `${forms} forms`, files: files.length, wall_s: round(seconds),
    throughput: `${round(forms / seconds)} forms/s`, sqlite_rows_per_s: round((forms + indicators + provenance) / seconds),
    peak_rss_mb: peakRssMb, target: '2000 forms/s', ratio_to_target: round(forms / seconds / 2000),
  };
}

/** Run a batch over `files` into a fresh database in `dir`; the forms stored, wall time and peak RSS. */
async function batchOf(dir: string, files: string[], concurrency: number): Promise<{ forms: number; seconds: number; peakRssMb: number }> {
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const { value: results, seconds, peakRssMb } = await measured(() => runBatch(db, files, { concurrency, force: true }));
  db.close();
  return { forms: results.reduce((n, r) => n + r.forms, 0), seconds, peakRssMb };
}

/**
 * Office attachments: copies of the .xlsx, .docx and web-page samples (read by exceljs, mammoth and
 * htmlparser2 in process), the .xls sample (converted by LibreOffice first, so a few copies), and one
 * workbook whose second sheet has 100,000 rows. `ocrFormsPerSecond` is this run's OCR-text rate.
 */
async function benchOffice(ocrFormsPerSecond: number): Promise<Row[]> {
  const sampleDir = join(ROOT, 'samples', 'office');
  const inProcess = readdirSync(sampleDir).filter((f) => /\.(xlsx|docx|html)$/.test(f)).sort();
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const copies = (names: string[], count: number): string[] => Array.from({ length: count }, (_, i) => {
    const name = names[i % names.length]!;
    const path = join(dir, `${i}_${name}`);
    writeFileSync(path, readFileSync(join(sampleDir, name)));
    return path;
  });
  const office = await batchOf(dir, copies(inProcess, OFFICE_FILES), 2);
  const rows: Row[] = [{
    path: 'office (.xlsx, .docx, .html)', items: `${office.forms} forms`, files: OFFICE_FILES, wall_s: round(office.seconds),
    throughput: `${round(office.forms / office.seconds)} forms/s`, sqlite_rows_per_s: '', peak_rss_mb: office.peakRssMb,
    target: 'reference: ocr_text forms/s', ratio_to_target: round(office.forms / office.seconds / ocrFormsPerSecond),
  }];
  const probe = spawnSync('soffice', ['--version']);
  if (probe.status === 0) {
    const count = 4;
    const legacy = await batchOf(mkdtempSync(join(dir, 'xls-')), copies(['self_eval_binary.xls'], count), 1);
    rows.push({
      path: 'office (.xls via LibreOffice)', items: `${legacy.forms} forms`, files: count, wall_s: round(legacy.seconds),
      throughput: `${round(legacy.seconds / count)} s/file`, sqlite_rows_per_s: '', peak_rss_mb: legacy.peakRssMb, target: '', ratio_to_target: '',
    });
  }
  const { writeLongWorkbook } = await import('../test/longWorkbook.js');
  const long = join(dir, 'long.xlsx');
  await writeLongWorkbook(long, join(sampleDir, 'self_eval_workbook.xlsx'));
  const big = await batchOf(mkdtempSync(join(dir, 'long-')), [long], 1);
  rows.push({
    path: 'office (100,000-row sheet)', items: `${big.forms} forms`, files: 1, wall_s: round(big.seconds),
    throughput: '', sqlite_rows_per_s: '', peak_rss_mb: big.peakRssMb, target: 'bounded memory', ratio_to_target: '',
  });
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

/** One PDF of TARGET_PAGES pages: the sample PDFs' pages repeated in order. */
async function assemblePdf(): Promise<Uint8Array> {
  const dir = join(ROOT, 'samples', 'pdf');
  const sources = await Promise.all(readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort().map(async (f) => PDFDocument.load(readFileSync(join(dir, f)))));
  const out = await PDFDocument.create();
  for (let i = 0; out.getPageCount() < TARGET_PAGES; i++) {
    const source = sources[i % sources.length]!;
    const indices = source.getPageIndices().slice(0, TARGET_PAGES - out.getPageCount());
    for (const page of await out.copyPages(source, indices)) out.addPage(page);
  }
  return out.save();
}

async function benchPdf(): Promise<Row> {
  const bytes = await assemblePdf();
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const path = join(dir, 'bench.pdf');
  writeFileSync(path, bytes);
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const { value: results, seconds, peakRssMb } = await measured(() => runBatch(db, [path], { concurrency: 1 }));
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const forms = results.reduce((n, r) => n + r.forms, 0);
  return {
    path: 'pdf_text', items: `${TARGET_PAGES} pages, ${forms} forms`, files: 1, wall_s: round(seconds),
    throughput: `${round(TARGET_PAGES / seconds)} pages/s`, sqlite_rows_per_s: '', peak_rss_mb: peakRssMb,
    target: '30 pages/s', ratio_to_target: round(TARGET_PAGES / seconds / 30),
  };
}

/** Scanned pages as PNG files: the scanned sample PDF's pages rendered again, repeated to `count`. */
async function scannedPages(dir: string, count: number): Promise<string[]> {
  const { openPdf } = await import('../extractors/pdfText.js');
  const { renderPdfPage } = await import('../extractors/scan/raster.js');
  const pdf = await openPdf(readFileSync(join(ROOT, 'samples', 'scanned', 'performance_target_scan.pdf')), 'scan');
  const images: Buffer[] = [];
  for (let n = 1; n <= pdf.numPages; n++) images.push(await (await renderPdfPage(await pdf.getPage(n), 300)).encode('png'));
  await pdf.destroy();
  return Array.from({ length: count }, (_, i) => {
    const path = join(dir, `page_${String(i).padStart(3, '0')}.png`);
    writeFileSync(path, images[i % images.length]!); // repeated pages are re-read: the runs use --force
    return path;
  });
}

/** The same pages through Debian's native tesseract CLI (whole page, chi_sim), when installed. */
function nativeTesseract(pages: readonly string[]): number | null {
  const probe = spawnSync('tesseract', ['--version']);
  if (probe.status !== 0) return null;
  const started = performance.now();
  for (const page of pages) spawnSync('tesseract', [page, '-', '-l', 'chi_sim', '--psm', '6'], { stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

/** Each engine's share of fields right on the scanned samples, free text by similarity (as the tests score it). */
async function scanAccuracy(engine: OcrEngineName): Promise<Row> {
  const dir = join(ROOT, 'samples', 'scanned');
  let [matched, expected, seconds] = [0, 0, 0];
  for (const name of readdirSync(dir).filter((f) => /\.(pdf|png|jpg)$/.test(f))) {
    const want = readFileSync(join(dir, name.replace(/\.\w+$/, '.expected.jsonl')), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FormRecord);
    const run = await measured(() => processDocument(name, readFileSync(join(dir, name)), { ocrEngine: engine }));
    const score = compareRecords(want, run.value.records, { fuzzyText: true });
    [matched, expected, seconds] = [matched + score.matched, expected + score.expected, seconds + run.seconds];
  }
  await stopOcr();
  return {
    path: `scan accuracy (${engine})`, items: 'samples/scanned', files: '', wall_s: round(seconds), throughput: `${matched}/${expected} fields right`,
    sqlite_rows_per_s: '', peak_rss_mb: '', target: '≥ 95% of fields', ratio_to_target: round(matched / expected / 0.95),
  };
}

async function benchScans(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const pages = await scannedPages(dir, SCAN_PAGES);
  const rows: Row[] = [];
  const oneWorker = new Map<OcrEngineName, number>();
  for (const engine of OCR_ENGINES) {
    rows.push(await scanAccuracy(engine));
    for (const workers of [1, 2]) {
      const db = openDatabase(join(dir, `scan-${engine}-${workers}.sqlite`));
      const { seconds, peakRssMb } = await measured(() => runBatch(db, pages, { concurrency: workers, workers, force: true, process: { ocrEngine: engine } }));
      db.close();
      if (workers === 1) oneWorker.set(engine, seconds);
      rows.push({
        path: `scans, ${engine} (${workers} worker${workers > 1 ? 's' : ''})`, items: `${pages.length} pages, 300 dpi`, files: pages.length, wall_s: round(seconds),
        throughput: `${round((pages.length / seconds) * 60)} pages/min`, sqlite_rows_per_s: '', peak_rss_mb: peakRssMb,
        target: workers === 2 ? '≥ 1.8× 1 worker' : '≤ 1.5× native/page', ratio_to_target: workers === 2 ? round(oneWorker.get(engine)! / seconds) : '',
      });
    }
  }
  const native = nativeTesseract(pages);
  rows.push({
    path: 'scans (native tesseract CLI)', items: `${pages.length} pages, whole page`, files: pages.length, wall_s: native === null ? 'not installed' : round(native),
    throughput: native === null ? '' : `${round((pages.length / native) * 60)} pages/min`, sqlite_rows_per_s: '', peak_rss_mb: '',
    target: 'reference', ratio_to_target: native === null ? '' : OCR_ENGINES.map((e) => `${e}(1 worker)/native ${round(oneWorker.get(e)! / native)}`).join(', '),
  });
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

async function main(): Promise<void> {
  // the second OCR-text run checks memory stays bounded over 2,000 files (the batch streams)
  const ocrText = await benchOcrText(TARGET_FORMS);
  const ocrFormsPerSecond = Number.parseFloat(String(ocrText.throughput));
  const rows = [ocrText, await benchOcrText(0, 2000), ...(await benchOffice(ocrFormsPerSecond)), await benchPdf(), ...(await benchScans())];
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
  console.table(rows);
  console.log(`machine: ${machine.cpus} × ${machine.cpu}, ${machine.memory_gb} GiB, Node ${machine.node}`);
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine, results: rows }, null, 2) + '\n');
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv.includes('--distributed')) await import('./bench-distributed.js');
else await main();
