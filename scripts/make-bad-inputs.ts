/**
 * The bad-input corpus (test/fixtures/bad/): files an archive really contains and the pipeline must
 * fail on clearly, one by one, without stopping a batch.
 *
 *   npx tsx scripts/make-bad-inputs.ts     (writes the small files; needs qpdf and poppler-utils)
 *
 * The large inputs (a 500-page PDF, a 50 MB single-line text file) are not committed: the tests
 * build them with `makeLargeBadInputs` into a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const ROOT = join(import.meta.dirname, '..');
const BAD = join(ROOT, 'test', 'fixtures', 'bad');
const SAMPLE_PDF = join(ROOT, 'samples', 'pdf', 'performance_target.pdf');

/** Deterministic bytes, so the corpus is the same on every run. */
function junkBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real (tiny, grey) PNG image. */
export function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter byte
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', new Uint8Array())]);
}

const NOT_A_FORM = '关于做好2021年度部门决算公开工作的通知\n\n各预算单位：根据有关规定，现将部门决算公开工作有关事项通知如下。请各单位高度重视，按时完成公开工作。\n';

const HEADER_ONLY = `## 项目支出绩效自评表
(2021年度)
| 项目名称 | 示例项目 | | | | | |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
`;

/** A valid form whose cells carry markup and SQL quotes: stored and exported as text, unchanged. */
const SCRIPT_AND_QUOTES = `## 项目支出绩效自评表
(2021年度)
| 项目名称 | <script>alert('x')</script>项目'); DROP TABLE forms; -- | | | | | |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
| 产出指标 | 数量指标 | "><img src=x onerror=alert(1)> | ≥10个 | 12个 | 50 | 50 |
| 满意度指标 | 服务对象满意度指标 | O'Brien "满意" 度 | ≥90% | 95% | 50 | 50 |
| 总分 | | | | | 100 | 100 |
`;

async function zeroPagePdf(): Promise<Uint8Array> {
  return (await PDFDocument.create()).save();
}

function qpdf(args: string[]): void {
  try {
    execFileSync('qpdf', args, { stdio: 'pipe' });
  } catch (error) {
    // exit code 3 means "succeeded with warnings"
    if ((error as { status?: number }).status !== 3) throw error;
  }
}

/** The startxref offset pointed at the middle of the file: the cross-reference table is unusable. */
function brokenXref(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const at = text.lastIndexOf('startxref');
  return Buffer.from(`${text.slice(0, at)}startxref\n${Math.floor(pdf.length / 3)}\n%%EOF\n`, 'latin1');
}

export async function makeSmallBadInputs(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const pdf = readFileSync(SAMPLE_PDF);
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'not_a_form.txt'), NOT_A_FORM);
  writeFileSync(join(dir, 'binary_junk.txt'), junkBytes(4096, 7));
  writeFileSync(join(dir, 'png_named.pdf'), png(32, 32));
  writeFileSync(join(dir, 'truncated.pdf'), pdf.subarray(0, Math.floor(pdf.length * 0.3)));
  writeFileSync(join(dir, 'broken_xref.pdf'), brokenXref(pdf));
  qpdf(['--encrypt', 'ziping', 'owner-secret', '256', '--', SAMPLE_PDF, join(dir, 'encrypted_user_password.pdf')]);
  qpdf(['--encrypt', '', 'owner-secret', '256', '--', SAMPLE_PDF, join(dir, 'encrypted_owner_only.pdf')]);
  writeFileSync(join(dir, 'zero_pages.pdf'), await zeroPagePdf());
  writeFileSync(join(dir, 'truncated.png'), png(200, 200).subarray(0, 60));
  const work = mkdtempSync(join(tmpdir(), 'ziping-bad-'));
  try {
    execFileSync('pdftoppm', ['-r', '30', '-jpeg', '-f', '1', '-l', '1', SAMPLE_PDF, join(work, 'page')]);
    const jpeg = readFileSync(join(work, 'page-1.jpg'));
    writeFileSync(join(dir, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(dir, 'header_only.txt'), HEADER_ONLY);
  writeFileSync(join(dir, 'script_and_quotes.txt'), SCRIPT_AND_QUOTES);
}

/** A 500-page PDF of plain text pages (no form on any). */
export async function fiveHundredPagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 500; i++) doc.addPage([595, 842]).drawText(`Archive scan log, page ${i} of 500`, { x: 60, y: 780, size: 12, font });
  return doc.save();
}

/**
 * A 2,000-page PDF of pages full of log lines (no form on any), for a time limit to stop: reading it
 * takes several seconds on a 2-core machine (6.4 s with one worker, 2026-12-06). The 500-page PDF
 * reads in under a second since workers start from a bundle, too fast for the shortest limit (1 s).
 */
export async function longLogPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 2000; i++) {
    const page = doc.addPage([595, 842]);
    for (let line = 0; line < 40; line++) page.drawText(`Archive scan log, page ${i} of 2000, entry ${line + 1}`, { x: 60, y: 800 - line * 18, size: 10, font });
  }
  return doc.save();
}

/** 50 MB of text on one line, no line break anywhere. */
export function fiftyMegabyteLine(): Buffer {
  const unit = Buffer.from('项目支出绩效自评表 数量指标 ≥95% 100% 10 ', 'utf8');
  return Buffer.alloc(50 * 2 ** 20, unit);
}

export async function makeLargeBadInputs(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const pages = join(dir, 'five_hundred_pages.pdf');
  const line = join(dir, 'fifty_mb_one_line.txt');
  const long = join(dir, 'two_thousand_log_pages.pdf');
  writeFileSync(pages, await fiveHundredPagePdf());
  writeFileSync(line, fiftyMegabyteLine());
  writeFileSync(long, await longLogPdf());
  return [pages, line, long];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await makeSmallBadInputs(BAD);
  console.log(`wrote ${BAD}`);
}
