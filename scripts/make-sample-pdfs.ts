/**
 * Sample PDF generator: prints forms of the seed documents as PDFs, the way a filing unit's
 * office software would, and writes each PDF's expected records beside it.
 *
 *   npm run samples:pdf     (needs Debian's chromium, fonts-noto-cjk, poppler-utils and qpdf)
 *
 * Each form is drawn from the seed text's own table grid — the cells as a reader of the OCR text
 * sees them — with merged cells drawn as real spans (a section label down its rows, a level-1
 * indicator down its indicators, a goal across the row). The expected records are the seed's
 * hand-checked expected records for the same forms; only `source` and `id` change (the page is
 * read back from the PDF with poppler's pdftotext, a tool independent of the extractor).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { degrees, PDFDocument } from 'pdf-lib';
import { decodeText } from '../extractors/ocrText.js';
import { detectBlocks } from '../layout/detectTables.js';
import { segmentForms } from '../pipeline/segment.js';
import { sha256Of } from '../pipeline/process.js';
import { formHtml } from './seedLayout.js';
import { seedExpected, seedForms } from './seedForms.js';
import { writeRecords } from '../test/golden.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'samples', 'pdf');

interface PdfSpec {
  name: string;
  seed: string;
  /** which forms of the seed (by record index) to print, in order */
  forms: number[];
  ruled: boolean;
  /** print landscape, then store the page rotated with /Rotate so viewers show it upright */
  rotated?: boolean;
  /** CSS page size; a short page forces long indicator tables across pages */
  page?: string;
  note: string;
}

const SPECS: PdfSpec[] = [
  { name: 'shijiazhuang_self_eval', seed: '000_3121bed7dfbd76d2', forms: [0, 1, 2], ruled: true, note: '石家庄 layout (自评得分 only), three forms in one PDF, merged cells' },
  { name: 'project_self_eval_breaks', seed: '003_16052ebbc3505be3', forms: [0, 1], ruled: true, page: 'A5', note: '项目支出绩效自评表 layout (年初预算数/全年预算数/全年执行数/分值/执行率/得分); A5 pages so indicator tables continue on the next page' },
  { name: 'performance_target', seed: '001_d0072111a6d4e4f8', forms: [0, 1], ruled: true, note: '绩效目标表, two forms' },
  { name: 'target_rotated', seed: '004_0d0307f2808b27a4', forms: [0], ruled: true, rotated: true, note: '绩效目标表 printed landscape and stored rotated (/Rotate 90)' },
  { name: 'self_eval_unruled', seed: '000_3121bed7dfbd76d2', forms: [3], ruled: false, note: 'a form printed without ruling lines (stream table)' },
];

function pageHtml(forms: string[], spec: PdfSpec): string {
  const size = `${spec.page ?? 'A4'}${spec.rotated ? ' landscape' : ''}`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: ${size}; margin: 12mm; }
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 10pt; }
h2 { text-align: center; font-size: 15pt; margin: 0 0 6pt; }
p { margin: 2pt 0; white-space: pre-wrap; }
section + section { break-before: page; }
table { border-collapse: collapse; width: 100%; margin-top: 6pt; }
td { padding: 2pt 3pt; vertical-align: middle; text-align: center; }
table.ruled td { border: 0.75pt solid #000; }
</style></head><body>
${forms.join('\n')}
</body></html>`;
}

function printPdf(html: string, work: string): Uint8Array {
  const htmlPath = join(work, 'form.html');
  const pdfPath = join(work, 'form.pdf');
  writeFileSync(htmlPath, html);
  execFileSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${join(work, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${pdfPath}`, `file://${htmlPath}`,
  ], { stdio: 'ignore' });
  return readFileSync(pdfPath);
}

/** Draw each landscape page rotated onto a portrait page and set /Rotate so it displays upright. */
async function storeRotated(bytes: Uint8Array): Promise<Uint8Array> {
  const source = await PDFDocument.load(bytes);
  const out = await PDFDocument.create();
  const pages = await out.embedPages(source.getPages());
  for (const embedded of pages) {
    const page = out.addPage([embedded.height, embedded.width]);
    page.drawPage(embedded, { x: embedded.height, y: 0, rotate: degrees(90) });
    page.setRotation(degrees(90));
  }
  return out.save();
}

/** Page (1-based) on which each title first appears, read with poppler's pdftotext. */
function titlePages(pdfPath: string, titles: string[]): number[] {
  const text = execFileSync('pdftotext', ['-raw', pdfPath, '-'], { encoding: 'utf8' });
  const pages = text.split('\f').map((p) => p.normalize('NFKC').replace(/\s/g, ''));
  let from = 0;
  return titles.map((title) => {
    const key = title.normalize('NFKC').replace(/\s/g, '');
    const found = pages.findIndex((p, i) => i >= from && p.includes(key));
    if (found < 0) throw new Error(`title "${title}" not found in ${pdfPath}`);
    from = found + 1; // every form starts on a new page
    return found + 1;
  });
}

async function makePdf(spec: PdfSpec, work: string): Promise<void> {
  const forms = seedForms(spec.seed);
  const expected = seedExpected(spec.seed);
  const chosen = spec.forms.map((recordIndex) => {
    const form = forms.find((f) => f.records.length === 1 && f.records[0] === recordIndex);
    if (!form) throw new Error(`${spec.seed}: record ${recordIndex} is not a single-record form`);
    return { segment: form.segment, record: expected[recordIndex]! };
  });
  let pdf = printPdf(pageHtml(chosen.map((c) => formHtml(c.segment, spec.ruled)), spec), work);
  if (spec.rotated) pdf = await storeRotated(pdf);
  const file = `${spec.name}.pdf`;
  const pdfPath = join(OUT, file);
  writeFileSync(pdfPath, pdf);
  const sha256 = sha256Of(pdf);
  const pages = titlePages(pdfPath, chosen.map((c) => c.record.title ?? ''));
  const records = chosen.map(({ record }, formIndex) => ({
    ...record,
    id: `${sha256}:${formIndex}`,
    source: { file, sha256, page: pages[formIndex]!, form_index: formIndex },
  }));
  writeRecords(join(OUT, `${spec.name}.expected.jsonl`), records);
  console.log(`${file}: ${records.length} forms on pages ${pages.join(', ')} — ${spec.note}`);
}

/**
 * The unseen-county fixture printed as a PDF: a layout no sample has (HTML spans, 指标名称/目标值/
 * 完成值/权重). test/unseen.test.ts holds its hand-read expectations for both the text and the PDF.
 */
function makeUnseenPdf(work: string): void {
  const input = join(ROOT, 'test', 'fixtures', 'unseen', 'county_b_self_evaluation_gbk.txt');
  const { text } = decodeText(readFileSync(input));
  const { segments } = segmentForms(detectBlocks(text.split(/\r\n|\r|\n/)));
  const pdf = printPdf(pageHtml(segments.map((s) => formHtml(s, true)), { name: 'unseen', seed: '', forms: [], ruled: true, note: '' }), work);
  writeFileSync(join(ROOT, 'test', 'fixtures', 'unseen', 'county_b_self_evaluation.pdf'), pdf);
  console.log('test/fixtures/unseen/county_b_self_evaluation.pdf');
}

/**
 * PDFs without a usable text layer: one page image only (a scan), and a text form followed by a
 * scanned page. The image is a sample PDF page rasterised by poppler's pdftoppm.
 */
function makeScannedPdfs(work: string): void {
  const dir = join(ROOT, 'test', 'fixtures', 'pdf');
  mkdirSync(dir, { recursive: true });
  execFileSync('pdftoppm', ['-r', '100', '-png', '-f', '1', '-l', '1', join(OUT, 'performance_target.pdf'), join(work, 'scan')]);
  const image = readFileSync(join(work, 'scan-1.png')).toString('base64');
  const scanPage = `<section><img src="data:image/png;base64,${image}" style="width:100%"></section>`;
  const spec: PdfSpec = { name: 'scan', seed: '', forms: [], ruled: true, note: '' };
  writeFileSync(join(dir, 'scanned_only.pdf'), printPdf(pageHtml([scanPage], spec), work));
  const seed = seedForms('001_d0072111a6d4e4f8');
  writeFileSync(join(dir, 'text_then_scan.pdf'), printPdf(pageHtml([formHtml(seed[0]!.segment, true), scanPage], spec), work));
  console.log('test/fixtures/pdf/scanned_only.pdf, test/fixtures/pdf/text_then_scan.pdf');
}

/**
 * A PDF whose fonts lost their ToUnicode maps (qpdf rewrites the key away): pdf.js then reads glyph
 * ids as characters, the garbage a broken CID-font text layer gives.
 */
function makeGarbledPdf(work: string): void {
  const qdf = join(work, 'qdf.pdf');
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(OUT, 'performance_target.pdf'), qdf]);
  // same length, so the file's offsets stay valid; the map objects remain but nothing points at them
  const stripped = readFileSync(qdf, 'latin1').replace(/\/ToUnicode (?=\d+ 0 R)/g, '/NoUnicode ');
  writeFileSync(join(work, 'stripped.pdf'), stripped, 'latin1');
  const fixed = execFileSync('fix-qdf', [join(work, 'stripped.pdf')]);
  writeFileSync(join(work, 'fixed.pdf'), fixed);
  execFileSync('qpdf', [join(work, 'fixed.pdf'), join(ROOT, 'test', 'fixtures', 'pdf', 'no_tounicode.pdf')]);
  console.log('test/fixtures/pdf/no_tounicode.pdf');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'ziping-pdf-'));
  try {
    for (const spec of SPECS) await makePdf(spec, work);
    makeUnseenPdf(work);
    makeScannedPdfs(work);
    makeGarbledPdf(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
