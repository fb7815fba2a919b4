/**
 * Benchmarks, end to end including SQLite writes, on corpora built deterministically from the
 * bundled samples. Every row is printed beside a reference measured in the same run, the ratio to
 * it, its target and whether the target is met; the same figures go to bench/results.json.
 *   OCR text: N forms (project names and amounts varied per copy) — forms per second; reference:
 *   the floor, the very rows the pipeline stored written again by a minimal better-sqlite3 loop
 *   (one prepared INSERT per table, one transaction) into a fresh database.
 *   OCR text again over 2,000 files — to show memory stays bounded on long batches.
 *   office attachments: the .xlsx, .docx and web-page samples copied to OFFICE_FILES files, read
 *   from their own cells — forms per second, and the ratio to the OCR-text rate of the same run;
 *   the .xls sample through LibreOffice (seconds per file); and a workbook with a 100,000-row
 *   sheet (peak memory: the sheet is cut before exceljs builds it).
 *   PDF text layer: one multi-form PDF assembled from the sample PDFs — pages per second; reference:
 *   poppler's `pdftotext -layout` on the same file, when it is installed.
 *   scans: pages at 300 dpi through the OCR path, each engine with 1 and 2 workers; reference:
 *   Debian's native tesseract CLI (whole page), when it is installed; and each engine's share of
 *   fields right on the scanned samples (what picks the default engine).
 *   --memory (runs alone, in no other run: on 2 cores 100,000 forms take about 3 min, 1,000 pages ~45 min):
 *   bounded memory — a text batch of --memory-forms forms (100,000) and one scanned PDF of
 *   --memory-scan-pages pages (1,000; scripts/make-long-scan.ts) by OCR with 2 workers, each with
 *   the RSS of the whole process at its start, 25%, 50%, 75% and end, and its peak. 0 skips a row.
 * Usage: npm run bench [-- --quick] [-- --forms 10000 --pages 200 --scan-pages 12 --office-files 300] [-- --ocr-text-only | --scans-only | --pdf-only]
 *        npm run bench -- --memory [--memory-forms 100000] [--memory-scan-pages 1000]
 *   --quick: a contributor's check in under 3 minutes — fewer forms, pages and files, no 2,000-file
 *   run, two scanned pages and no scan-accuracy rows.
 *        npm run bench -- --distributed [--docs 100]   (BullMQ workers into PostgreSQL: scripts/bench-distributed.ts)
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { stopOcr } from '../extractors/scan/ocr.js';
import { DEFAULTS, OCR_ENGINES, type OcrEngineName } from '../schemas/options.js';
import { runBatch } from '../pipeline/batch.js';
import { processDocument } from '../pipeline/process.js';
import { type Db, openDatabase } from '../pipeline/sinks/sqlite.js';
import { compareRecords } from '../test/compare.js';
import { readExpected } from '../test/golden.js';

const ROOT = join(import.meta.dirname, '..');
/**
 * The default engine first: in one process, the ONNX engine started after tesseract.js's worker runs
 * ended in a segmentation fault (three full runs on 2026-12-05); each engine alone ran 12 pages.
 */
const ENGINES: OcrEngineName[] = [DEFAULTS.ocrEngine, ...OCR_ENGINES.filter((e) => e !== DEFAULTS.ocrEngine)];
const QUICK = process.argv.includes('--quick');

/** A numeric option `--name N`, or its default (the quick default under --quick). */
function numberOption(name: string, full: number, quick: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : QUICK ? quick : full;
}

const TARGET_FORMS = numberOption('forms', 10000, 2000);
const TARGET_PAGES = numberOption('pages', 200, 40);
const SCAN_PAGES = numberOption('scan-pages', 12, 2);
const OFFICE_FILES = numberOption('office-files', 300, 60);
/** --memory only (it runs alone: 1,000 scanned pages take about 45 min on 2 cores, 21.6 pages/min on 2026-12-06) */
const MEMORY_FORMS = numberOption('memory-forms', 100_000, 100_000);
const MEMORY_SCAN_PAGES = numberOption('memory-scan-pages', 1000, 1000);

const OCR_TEXT_TARGET_FORMS_PER_S = 2000;
const OCR_TEXT_TARGET_SHARE_OF_FLOOR = 0.5;
const PDF_TARGET_PAGES_PER_S = 30;
const PDF_TARGET_TIMES_PDFTOTEXT = 3;
const PDF_WORKERS = 2;
const SCAN_TARGET_TIMES_NATIVE = 1.0;
const SCAN_TARGET_SPEEDUP = 1.8;
const SCAN_TARGET_WORKER_MB = 1024;
const SCAN_TARGET_FIELDS_RIGHT = 0.95;
const MEMORY_TARGET_MB = 1024;
/**
 * Flat: RSS at the end at most this much above RSS at 25% of the run. The first quarter is warm-up
 * (workers start, JIT, heaps grow to their working size, the OCR models load); memory held per
 * item read would go on growing through the other three quarters.
 */
const MEMORY_TARGET_GROWTH = 1.15;

/** One line of the table: what ran, how fast, against what measured in this run, and the target. */
interface Row {
  path: string;
  items: string;
  wall_s: number | string;
  throughput: string;
  /** what this row is compared with, measured in the same run */
  reference: string;
  ratio: string;
  peak_rss_mb: number | string;
  target: string;
  met: 'yes' | 'no' | '—';
  /** results.json only: CPU seconds of every thread, and the share of the wall time the main thread (the writer) was busy */
  cpu_s?: number;
  main_thread_busy?: number;
  /** results.json only (--memory): RSS of the whole process before the run, and at its start, 25%, 50%, 75% and end */
  rss_mb?: { before: number; start: number; p25: number; p50: number; p75: number; end: number };
}

const met = (ok: boolean | null): Row['met'] => (ok === null ? '—' : ok ? 'yes' : 'no');

/** Peak resident memory while `work` runs, sampled every 50 ms. */
async function measured<T>(work: () => Promise<T> | T): Promise<{ value: T; seconds: number; peakRssMb: number; startRssMb: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const started = performance.now();
  try {
    const value = await work();
    const peakRss = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(peakRss / 2 ** 20), startRssMb: Math.round(start / 2 ** 20) };
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

/** The tables the writer fills, parents first (the floor inserts in this order under the same foreign keys). */
const WRITTEN_TABLES = ['documents', 'forms', 'indicators', 'findings', 'tables', 'field_provenance', 'form_scores', 'indicator_scores'] as const;

interface StoredTable { table: string; columns: string[]; rows: unknown[][] }

/** Every row the pipeline stored, table by table, in the order it was written. */
function storedRows(db: Db): StoredTable[] {
  return WRITTEN_TABLES.map((table) => {
    const select = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw();
    return { table, columns: select.columns().map((c) => c.name), rows: select.all() as unknown[][] };
  });
}

/**
 * The SQLite floor: the same rows written into a fresh database of the same schema and pragmas by
 * the simplest loop better-sqlite3 allows — one prepared INSERT per table, one transaction. Only the
 * loop is timed; the rows are already in memory.
 */
async function sqliteFloor(dir: string, tables: StoredTable[]): Promise<{ seconds: number; rows: number }> {
  const db = openDatabase(join(dir, 'floor.sqlite'));
  const inserts = tables.map((t) => ({ t, insert: db.prepare(`INSERT INTO ${t.table} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`) }));
  const { seconds } = await measured(() => db.transaction(() => {
    for (const { t, insert } of inserts) for (const row of t.rows) insert.run(row);
  })());
  db.close();
  return { seconds, rows: tables.reduce((n, t) => n + t.rows.length, 0) };
}

/** The OCR-text corpus: copies of the text samples until there are `targetForms` forms and `minFiles` files. */
async function ocrTextCorpus(dir: string, targetForms: number, minFiles: number): Promise<string[]> {
  const samples = readdirSync(join(ROOT, 'samples')).filter((f) => f.endsWith('.txt')).sort();
  const texts = samples.map((f) => readFileSync(join(ROOT, 'samples', f), 'utf8'));
  const formsPerRound = (await Promise.all(samples.map(async (f, i) => (await processDocument(f, Buffer.from(texts[i]!))).records.length))).reduce((a, b) => a + b, 0);
  const rounds = Math.max(Math.ceil(targetForms / formsPerRound), Math.ceil(minFiles / samples.length));
  const random = mulberry32(42);
  const files: string[] = [];
  for (let copy = 0; copy < rounds; copy++) {
    texts.forEach((text, i) => {
      const path = join(dir, `${copy}_${samples[i]}`);
      writeFileSync(path, variant(text, copy, random));
      files.push(path);
    });
  }
  return files;
}

/** OCR text end to end, and its SQLite floor measured on the very rows it stored. */
async function benchOcrText(targetForms: number): Promise<{ rows: Row[]; formsPerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const files = await ocrTextCorpus(dir, targetForms, 0);
  const db = openDatabase(join(dir, 'bench.sqlite'));
  // CPU of all threads and the main thread's busy share: on a shared machine the wall time varies with
  // the other load, these much less
  const [cpuBefore, loopBefore] = [process.cpuUsage(), performance.eventLoopUtilization()];
  const { value: results, seconds, peakRssMb } = await measured(() => runBatch(db, files, { concurrency: 2 }));
  const cpu = process.cpuUsage(cpuBefore);
  const mainThreadBusy = performance.eventLoopUtilization(loopBefore).utilization;
  const forms = results.reduce((n, r) => n + r.forms, 0);
  const tables = storedRows(db);
  db.close();
  const floor = await sqliteFloor(dir, tables);
  rmSync(dir, { recursive: true, force: true });
  const [rate, floorRate] = [forms / seconds, forms / floor.seconds];
  return {
    formsPerSecond: rate,
    rows: [{
      path: 'ocr_text', items: `${forms} forms in ${files.length} files${failedNote(results)}`, wall_s: round(seconds), throughput: `${round(rate)} forms/s`,
      reference: `floor ${round(floorRate)} forms/s`, ratio: `${round(rate / floorRate)}× floor`, peak_rss_mb: peakRssMb,
      target: `≥ ${OCR_TEXT_TARGET_FORMS_PER_S} forms/s, ≥ ${OCR_TEXT_TARGET_SHARE_OF_FLOOR}× floor`,
      met: met(rate >= OCR_TEXT_TARGET_FORMS_PER_S && rate / floorRate >= OCR_TEXT_TARGET_SHARE_OF_FLOOR),
      cpu_s: round((cpu.user + cpu.system) / 1e6), main_thread_busy: round(mainThreadBusy),
    }, {
      path: 'ocr_text floor (minimal better-sqlite3 loop)', items: `the same ${floor.rows} rows`, wall_s: round(floor.seconds),
      throughput: `${round(floorRate)} forms/s`, reference: '—', ratio: '—', peak_rss_mb: '—', target: 'reference', met: '—',
    }],
  };
}

/** OCR text over 2,000 files: peak RSS at the start, middle and end of the batch (the batch streams). */
async function benchLongBatch(): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const files = await ocrTextCorpus(dir, 0, 2000);
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const samples: number[] = [];
  let done = 0;
  const sample = (): void => { samples.push(Math.round(process.memoryUsage().rss / 2 ** 20)); };
  const { value: results, seconds, peakRssMb } = await measured(() => runBatch(db, files, {
    concurrency: 2, onDocument: () => { done++; if (done === 100 || done === Math.floor(files.length / 2) || done === files.length) sample(); },
  }));
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const forms = results.reduce((n, r) => n + r.forms, 0);
  return {
    path: 'ocr_text (2,000 files)', items: `${forms} forms in ${files.length} files${failedNote(results)}`, wall_s: round(seconds), throughput: `${round(forms / seconds)} forms/s`,
    reference: `RSS start/middle/end ${samples.join('/')} MB`, ratio: `end ${round(samples.at(-1)! / samples[0]!)}× start`, peak_rss_mb: peakRssMb,
    target: 'flat memory, < 1 GB', met: met(peakRssMb < 1024 && samples.at(-1)! <= samples[0]! * 1.25),
  };
}

/** Run a batch over `files` into a fresh database in `dir`; the forms stored, wall time and peak RSS. */
async function batchOf(dir: string, files: string[], concurrency: number, workers?: number, process?: { ocrEngine: OcrEngineName }):
Promise<{ forms: number; failed: string; seconds: number; peakRssMb: number; startRssMb: number }> {
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const { value: results, seconds, peakRssMb, startRssMb } = await measured(() => runBatch(db, files, { concurrency, workers, force: true, process }));
  db.close();
  return { forms: results.reduce((n, r) => n + r.forms, 0), failed: failedNote(results), seconds, peakRssMb, startRssMb };
}

/** `, 2 failed` when files failed (their speed is no speed), else nothing. */
function failedNote(results: ReadonlyArray<{ status: string }>): string {
  const failed = results.filter((r) => r.status === 'failed').length;
  return failed > 0 ? `, ${failed} FAILED` : '';
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
  const officeRate = office.forms / office.seconds;
  const rows: Row[] = [{
    path: 'office (.xlsx, .docx, .html)', items: `${office.forms} forms in ${OFFICE_FILES} files${office.failed}`, wall_s: round(office.seconds),
    throughput: `${round(officeRate)} forms/s`, reference: `ocr_text ${round(ocrFormsPerSecond)} forms/s`,
    ratio: `${round(officeRate / ocrFormsPerSecond)}× ocr_text`, peak_rss_mb: office.peakRssMb, target: '—', met: '—',
  }];
  const probe = spawnSync('soffice', ['--version']);
  if (probe.status === 0) {
    const count = QUICK ? 2 : 4;
    const legacy = await batchOf(mkdtempSync(join(dir, 'xls-')), copies(['self_eval_binary.xls'], count), 1);
    rows.push({
      path: 'office (.xls via LibreOffice)', items: `${legacy.forms} forms in ${count} files${legacy.failed}`, wall_s: round(legacy.seconds),
      throughput: `${round(legacy.seconds / count)} s/file`, reference: '—', ratio: '—', peak_rss_mb: legacy.peakRssMb, target: '—', met: '—',
    });
  }
  const { writeLongWorkbook } = await import('../test/longWorkbook.js');
  const long = join(dir, 'long.xlsx');
  await writeLongWorkbook(long, join(sampleDir, 'self_eval_workbook.xlsx'));
  const big = await batchOf(mkdtempSync(join(dir, 'long-')), [long], 1);
  // judged on what reading it added to the process, which already holds the sections before it
  const added = big.peakRssMb - big.startRssMb;
  rows.push({
    path: 'office (100,000-row sheet)', items: `${big.forms} forms${big.failed}`, wall_s: round(big.seconds), throughput: '—', reference: '—',
    ratio: `+${added} MB`, peak_rss_mb: big.peakRssMb, target: 'bounded memory (< 1 GB added)', met: met(added < 1024),
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

/** Poppler's `pdftotext -layout` on the file, in seconds, or null when it is not installed. */
function pdftotextSeconds(path: string): number | null {
  if (spawnSync('pdftotext', ['-v']).error) return null;
  const started = performance.now();
  spawnSync('pdftotext', ['-layout', path, '-'], { stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

async function benchPdf(): Promise<Row[]> {
  const bytes = await assemblePdf();
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const path = join(dir, 'bench.pdf');
  writeFileSync(path, bytes);
  const reference = pdftotextSeconds(path);
  // the target is for 2 workers, which share a long PDF's pages
  const run = await batchOf(dir, [path], PDF_WORKERS, PDF_WORKERS);
  rmSync(dir, { recursive: true, force: true });
  const rate = TARGET_PAGES / run.seconds;
  const times = reference === null ? null : run.seconds / reference;
  return [{
    path: 'pdf_text', items: `${TARGET_PAGES} pages, ${run.forms} forms${run.failed}, ${PDF_WORKERS} workers`, wall_s: round(run.seconds), throughput: `${round(rate)} pages/s`,
    reference: reference === null ? 'pdftotext not installed (poppler-utils)' : `pdftotext -layout ${round(reference)} s`,
    ratio: times === null ? '—' : `${round(times)}× pdftotext wall`, peak_rss_mb: run.peakRssMb,
    target: `≥ ${PDF_TARGET_PAGES_PER_S} pages/s, ≤ ${PDF_TARGET_TIMES_PDFTOTEXT}× pdftotext`,
    met: met(rate >= PDF_TARGET_PAGES_PER_S && times !== null && times <= PDF_TARGET_TIMES_PDFTOTEXT),
  }, {
    path: 'pdf_text reference (pdftotext -layout)', items: `the same ${TARGET_PAGES} pages`, wall_s: reference === null ? 'not installed' : round(reference),
    throughput: reference === null ? '—' : `${round(TARGET_PAGES / reference)} pages/s`, reference: '—', ratio: '—', peak_rss_mb: '—', target: 'reference', met: '—',
  }];
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
    const want = readExpected(join(dir, name));
    const run = await measured(() => processDocument(name, readFileSync(join(dir, name)), { ocrEngine: engine }));
    const score = compareRecords(want, run.value.records, { fuzzyText: true });
    [matched, expected, seconds] = [matched + score.matched, expected + score.expected, seconds + run.seconds];
  }
  await stopOcr();
  const share = matched / expected;
  return {
    path: `scan accuracy (${engine})`, items: 'samples/scanned', wall_s: round(seconds), throughput: `${matched}/${expected} fields right`,
    reference: '—', ratio: `${round(share * 100)}%`, peak_rss_mb: '—', target: `≥ ${SCAN_TARGET_FIELDS_RIGHT * 100}% of fields`, met: met(share >= SCAN_TARGET_FIELDS_RIGHT),
  };
}

/** One engine over the pages with 1 and with 2 workers, against the native CLI and against itself. */
async function scanEngine(dir: string, pages: string[], engine: OcrEngineName, native: number | null): Promise<Row[]> {
  const one = await batchOf(mkdtempSync(join(dir, `${engine}-1-`)), pages, 1, 1, { ocrEngine: engine });
  const two = await batchOf(mkdtempSync(join(dir, `${engine}-2-`)), pages, 2, 2, { ocrEngine: engine });
  const items = `${pages.length} pages, 300 dpi${one.failed || two.failed}`;
  const perMinute = (seconds: number): number => round((pages.length / seconds) * 60);
  const timesNative = native === null ? null : one.seconds / native;
  const isDefault = engine === 'paddle'; // the issue's per-page target is for the default engine
  const speedup = one.seconds / two.seconds;
  // what the batch added to the process (its worker thread, the engine and its pages): the process
  // already held the pages rendered for this bench and the runs before it
  const workerMb = one.peakRssMb - one.startRssMb;
  return [{
    path: `scans, ${engine} (1 worker)`, items, wall_s: round(one.seconds), throughput: `${perMinute(one.seconds)} pages/min`,
    reference: native === null ? 'native tesseract not installed' : `native tesseract ${perMinute(native)} pages/min`,
    ratio: `${timesNative === null ? '—' : `${round(timesNative)}× native time/page`}; worker +${workerMb} MB`, peak_rss_mb: one.peakRssMb,
    target: isDefault ? `≤ ${SCAN_TARGET_TIMES_NATIVE}× native, worker ≤ ${SCAN_TARGET_WORKER_MB} MB` : '—',
    met: isDefault ? met(timesNative !== null && timesNative <= SCAN_TARGET_TIMES_NATIVE && workerMb <= SCAN_TARGET_WORKER_MB) : '—',
  }, {
    path: `scans, ${engine} (2 workers)`, items, wall_s: round(two.seconds), throughput: `${perMinute(two.seconds)} pages/min`,
    reference: `1 worker ${perMinute(one.seconds)} pages/min`, ratio: `${round(speedup)}× 1 worker`, peak_rss_mb: two.peakRssMb,
    target: `≥ ${SCAN_TARGET_SPEEDUP}× 1 worker`, met: met(speedup >= SCAN_TARGET_SPEEDUP),
  }];
}

async function benchScans(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const pages = await scannedPages(dir, SCAN_PAGES);
  const native = nativeTesseract(pages);
  const rows: Row[] = [{
    path: 'scans reference (native tesseract CLI)', items: `${pages.length} pages, whole page`, wall_s: native === null ? 'not installed' : round(native),
    throughput: native === null ? '—' : `${round((pages.length / native) * 60)} pages/min`, reference: '—', ratio: '—', peak_rss_mb: '—', target: 'reference', met: '—',
  }];
  for (const engine of ENGINES) rows.push(...(await scanEngine(dir, pages, engine, native)));
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

/** The slowest rows, last: every scanned sample read whole in this thread by each engine. */
async function benchScanAccuracy(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const engine of ENGINES) rows.push(await scanAccuracy(engine));
  return rows;
}

/** Resident memory of the whole process in MB: the main thread and every worker thread (threads share it). */
function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}

/** RSS sampled every 100 ms while a run goes on, and at the points the run marks. */
class RssTimeline {
  readonly before = rssMb();
  private readonly started = performance.now();
  private readonly samples: Array<{ at: number; mb: number }> = [];
  private readonly timer = setInterval(() => this.sample(), 100);

  sample(): number {
    const mb = rssMb();
    this.samples.push({ at: performance.now() - this.started, mb });
    return mb;
  }

  /** ms since the start */
  elapsed(): number {
    return performance.now() - this.started;
  }

  stop(): { peak: number; seconds: number } {
    clearInterval(this.timer);
    this.sample();
    return { peak: Math.max(this.before, ...this.samples.map((s) => s.mb)), seconds: (performance.now() - this.started) / 1000 };
  }

  /**
   * The sample taken nearest each share of the time up to the last `sample()` before `stop()` (a long
   * document's pages are read at an even pace, and the workers still run at that sample).
   */
  atShares(shares: readonly number[], wall: number): number[] {
    return shares.map((share) => this.samples.reduce((best, s) => (Math.abs(s.at - share * wall) < Math.abs(best.at - share * wall) ? s : best)).mb);
  }
}

/** The memory row: RSS start/25%/50%/75%/end, peak and whether memory stayed flat and under 1 GB. */
function memoryRow(path: string, items: string, seconds: number, throughput: string, before: number, series: number[], peak: number): Row {
  const [start, p25, p50, p75, end] = series as [number, number, number, number, number];
  const growth = end / p25;
  return {
    path, items, wall_s: round(seconds), throughput,
    reference: `RSS start/25%/50%/75%/end ${series.join('/')} MB (${before} MB before)`, ratio: `end ${round(growth)}× 25%`, peak_rss_mb: peak,
    target: `flat memory (end ≤ ${MEMORY_TARGET_GROWTH}× 25%), < 1 GB`, met: met(peak < MEMORY_TARGET_MB && growth <= MEMORY_TARGET_GROWTH),
    rss_mb: { before, start, p25, p50, p75, end },
  };
}

/**
 * A text batch of `targetForms` forms: the OCR-text corpus written to a temporary folder file by
 * file (only the paths are held), read by the workers and stored by the writer as any batch is.
 * RSS is taken when 1% (start, after warm-up), 25%, 50%, 75% and all of the files are stored.
 */
async function benchMemoryText(targetForms: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const files = await ocrTextCorpus(dir, targetForms, 0);
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const checkpoints = [0.01, 0.25, 0.5, 0.75, 1].map((share) => Math.max(1, Math.round(share * files.length)));
  const series: number[] = [];
  let done = 0;
  const timeline = new RssTimeline();
  const results = await runBatch(db, files, {
    concurrency: 2, onDocument: () => { done++; for (const c of checkpoints) if (done === c) series.push(timeline.sample()); },
  });
  const { peak, seconds } = timeline.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const forms = results.reduce((n, r) => n + r.forms, 0);
  return memoryRow(`memory: ocr_text (${files.length} files)`, `${forms} forms in ${files.length} files${failedNote(results)}`, seconds,
    `${round(forms / seconds)} forms/s`, timeline.before, series, peak);
}

/**
 * One scanned PDF of `pages` pages (scripts/make-long-scan.ts, built in a child process) read by
 * OCR with the default engine and 2 workers, which share its pages. A document gives no progress
 * until it is stored, so RSS is taken at the start and at 25%, 50%, 75% and the end of the wall time.
 */
async function benchMemoryScan(pages: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const path = join(dir, 'long_scan.pdf');
  const made = spawnSync(process.execPath, [...process.execArgv, join(ROOT, 'scripts', 'make-long-scan.ts'), path, String(pages)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-long-scan failed: ${made.stderr}`);
  const size = statSync(path).size;
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const timeline = new RssTimeline();
  // a part of the pages is one request to a worker: the default 120-s limit stops a scan of more than ~60 pages
  const timeoutSeconds = Math.max(DEFAULTS.timeoutSeconds, pages * 30);
  let stored = 0; // the document stored, its workers not yet closed
  const [result] = await runBatch(db, [path], {
    concurrency: 2, workers: 2, force: true, timeoutSeconds, process: { ocrEngine: DEFAULTS.ocrEngine },
    onDocument: () => { timeline.sample(); stored = timeline.elapsed(); },
  });
  const { peak, seconds } = timeline.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const failed = result!.status === 'failed' ? `, FAILED: ${result!.message}` : '';
  return memoryRow(`memory: scanned PDF (${DEFAULTS.ocrEngine}, 2 workers)`,
    `${result!.pages} of ${pages} pages read, ${result!.forms} forms, ${round(size / 2 ** 20)} MB file${failed}`, seconds,
    `${round((pages / seconds) * 60)} pages/min`, timeline.before, timeline.atShares([0, 0.25, 0.5, 0.75, 1], stored), peak);
}

/** The table as a person reads it: one line per row, columns padded to their widest cell. */
function printTable(rows: readonly Row[]): void {
  const columns = ['path', 'items', 'wall_s', 'throughput', 'reference', 'ratio', 'peak_rss_mb', 'target', 'met'] as const;
  const headers: Record<(typeof columns)[number], string> = {
    path: 'path', items: 'items', wall_s: 'wall (s)', throughput: 'throughput', reference: 'reference (same run)', ratio: 'ratio',
    peak_rss_mb: 'peak RSS (MB)', target: 'target', met: 'met?',
  };
  const cells = [columns.map((c) => headers[c]), ...rows.map((r) => columns.map((c) => String(r[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => [...line[i]!].length)));
  const format = (line: string[]): string => line.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join(' │ ');
  console.log(format(cells[0]!));
  console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const line of cells.slice(1)) console.log(format(line));
}

async function main(): Promise<void> {
  const started = performance.now();
  const only = process.argv.includes('--ocr-text-only'); // for profiling the writer
  const scansOnly = process.argv.includes('--scans-only');
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
  const rows: Row[] = [];
  // each section's rows are printed and saved as soon as they are measured: a crash in a later
  // section (a native OCR engine) keeps what was measured before it
  const add = (section: Row[]): void => {
    rows.push(...section);
    for (const r of section) console.error(`bench: ${r.path}: ${r.items}, ${r.wall_s} s, ${r.throughput}, ${r.reference}, ${r.ratio}, ${r.peak_rss_mb} MB, met: ${r.met}`);
    saveResults(machine, rows, (performance.now() - started) / 1000);
  };
  if (process.argv.includes('--pdf-only')) add(await benchPdf());
  else if (process.argv.includes('--memory')) {
    // one row at a time: a crash (or the time limit) in the scan keeps the text batch's figures
    if (MEMORY_FORMS > 0) add([await benchMemoryText(MEMORY_FORMS)]);
    if (MEMORY_SCAN_PAGES > 0) add([await benchMemoryScan(MEMORY_SCAN_PAGES)]);
  }
  else if (scansOnly) {
    add(await benchScans());
    if (!QUICK) add(await benchScanAccuracy());
  } else {
    await benchAllButScans(only, add);
    if (!only) {
      add(await benchScans());
      if (!QUICK) add(await benchScanAccuracy());
    }
  }
  const seconds = round((performance.now() - started) / 1000);
  saveResults(machine, rows, seconds);
  printTable(rows);
  for (const r of rows.filter((row) => row.cpu_s !== undefined)) {
    console.log(`${r.path}: ${r.cpu_s} CPU s in all threads, main thread (the writer) busy ${Math.round(r.main_thread_busy! * 100)}% of the wall time`);
  }
  console.log(`machine: ${machine.cpus} × ${machine.cpu}, ${machine.memory_gb} GiB, Node ${machine.node}; ${QUICK ? 'quick run, ' : ''}${seconds} s in all`);
}

/** Every section before the scans: OCR text and its floor, office attachments, the PDF text layer. */
async function benchAllButScans(ocrTextOnly: boolean, add: (section: Row[]) => void): Promise<void> {
  // the long batch first: the floor below holds every stored row in memory, which the heap keeps
  // afterwards and would count as the long batch's own
  if (!ocrTextOnly && !QUICK) add([await benchLongBatch()]);
  const ocrText = await benchOcrText(TARGET_FORMS);
  add(ocrText.rows);
  if (!ocrTextOnly) {
    add(await benchOffice(ocrText.formsPerSecond));
    add(await benchPdf());
  }
}

function saveResults(machine: object, rows: readonly Row[], seconds: number): void {
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  const results = { date: new Date().toISOString(), quick: QUICK, seconds: round(seconds), machine, results: rows };
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv.includes('--distributed')) await import('./bench-distributed.js');
else await main();
