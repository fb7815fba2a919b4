/**
 * PDFs from office suites: keyed real-world forms laid out in two spreadsheet templates behind
 * three pages of ordinary 部门预算 tables, exported by LibreOffice, and three of their pages
 * scanned (300, 200 and 150 dpi, skewed, speckled, JPEG). Everything is generated into a temp
 * folder from ../shared/realworld (scripts/make-office-pdf-forms.ts): the corpus's texts are never
 * committed. Forms are scored by the corpus's own scorer (scripts/realworld/score.ts): non-null
 * fields, free text at a Levenshtein ratio ≥ 0.9, money within 0.5%.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSoffice } from '../extractors/office/libreoffice.js';
import { stopOcr } from '../extractors/scan/ocr.js';
import { processDocument } from '../pipeline/process.js';
import type { ZipingDocument } from '../schemas/document.js';
import type { FormRecord } from '../schemas/record.js';
import {
  BUDGET_PAGES, expectedRecord, exportPdf, formPage, type KeyedForm, loadKeyedForms, makeWorkbook, SCANS, scanPages,
} from '../scripts/make-office-pdf-forms.js';
import { type FieldOutcome, REALWORLD_ROOT, scoreCase } from '../scripts/realworld/score.js';
import { compareRecords } from './compare.js';

const forms = loadKeyedForms();
const soffice = findSoffice();
const cjkFont = (() => {
  try { return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim() !== ''; } catch { return false; }
})();
const missing = !forms ? `no realworld corpus at ${REALWORLD_ROOT}` : !soffice ? 'LibreOffice (soffice) is not installed' : !cjkFont ? 'no CJK font (fonts-noto-cjk) for LibreOffice to print with' : null;
if (missing) console.warn(`test/officePdf.test.ts skipped: ${missing}`);

interface FormScore { form: number; caseId: string; precision: number; recall: number; hits: number; expected: number; extracted: number; wrong: FieldOutcome[] }

/** Per-form field precision and recall of a document against the expected records (forms matched by project name). */
function scoreForms(keyed: readonly KeyedForm[], expected: readonly FormRecord[], doc: ZipingDocument): FormScore[] {
  const kase = { id: 'office-pdf', dir: '', sourcePath: '', meta: { issuer: '', form_type: '', truncated: null }, truth: expected as unknown as Array<Record<string, unknown>> };
  const score = scoreCase(kase, doc);
  return expected.map((_, e) => {
    const outcomes = score.outcomes.filter((o) => o.path.startsWith(`[${e}].`));
    const hits = outcomes.filter((o) => o.verdict === 'hit').length;
    const exp = outcomes.filter((o) => o.verdict !== 'extra').length;
    const extracted = outcomes.filter((o) => o.actual !== null).length;
    return {
      form: e, caseId: keyed[e]!.caseId, hits, expected: exp, extracted,
      precision: extracted === 0 ? 0 : hits / extracted, recall: exp === 0 ? 0 : hits / exp,
      wrong: outcomes.filter((o) => o.verdict !== 'hit'),
    };
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const line = (s: FormScore): string => `${s.caseId}: precision ${pct(s.precision)}, recall ${pct(s.recall)} (${s.hits}/${s.expected})${s.wrong.map((o) => `\n    ${o.verdict} ${o.path}: expected ${JSON.stringify(o.expected)}, got ${JSON.stringify(o.actual)}`).join('')}`;


describe.skipIf(missing !== null)('PDFs exported by LibreOffice from a workbook of forms', () => {
  const keyed = forms ?? [];
  const expected = keyed.map(expectedRecord);
  let work = '';
  let pdf: Uint8Array;
  let fromPdf: ZipingDocument;
  let fromWorkbook: ZipingDocument;
  let scores: FormScore[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ziping-office-pdf-'));
    const xlsx = await makeWorkbook(keyed);
    writeFileSync(join(work, 'forms.xlsx'), xlsx);
    pdf = exportPdf(join(work, 'forms.xlsx'), work);
    fromPdf = await processDocument('forms.pdf', pdf, { ocr: false });
    fromWorkbook = await processDocument('forms.xlsx', xlsx, { ocr: false });
    scores = scoreForms(keyed, expected, fromPdf);
    console.log(`office-suite PDF (${keyed.length} forms behind ${BUDGET_PAGES} pages of budget tables):\n  ${scores.map(line).join('\n  ')}`);
  }, 120_000);
  afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  it('finds every form, on its own page, and keeps the budget tables raw', () => {
    expect(fromPdf.status).toBe('success');
    expect(fromPdf.records.map((r) => r.project_name)).toEqual(expected.map((r) => r.project_name));
    expect(fromPdf.records.map((r) => r.source.page)).toEqual(keyed.map((_, k) => formPage(k)));
    // 收支总表, 财政拨款支出表, 政府性基金预算支出表: tables, not forms
    const raw = fromPdf.otherTables.map((t) => t.rows.flat().map((c) => c.text).join(''));
    for (const caption of ['本年收入合计', '科目编码', '城乡社区支出']) expect(raw.some((t) => t.includes(caption))).toBe(true);
  });

  it('reads the PDF as it reads the workbook it was printed from', () => {
    const data = (records: readonly FormRecord[]) => records.map(({ id: _id, source: _source, ...rest }) => rest as FormRecord);
    const same = compareRecords(data(fromWorkbook.records), data(fromPdf.records), { fuzzyText: false });
    expect(same.mismatches).toEqual([]);
  });

  for (const [k, form] of keyed.entries()) {
    it(`${form.caseId}: ≥ 98% of fields (precision and recall)`, () => {
      const s = scores[k]!;
      expect(s.precision, line(s)).toBeGreaterThanOrEqual(0.98);
      expect(s.recall, line(s)).toBeGreaterThanOrEqual(0.98);
    });
  }

  describe('their scans', () => {
    afterAll(stopOcr);
    let scanScores: FormScore[] = [];
    const scanned = SCANS.map((s) => s.form);
    const scannedForms = scanned.map((k) => keyed[k]!).filter(Boolean);

    beforeAll(async () => {
      const scan = await scanPages(pdf, SCANS.map((s) => ({ page: formPage(s.form), spec: s.spec })));
      const doc = await processDocument('forms_scan.pdf', scan, {});
      expect(doc.records).toHaveLength(SCANS.length);
      scanScores = scoreForms(scannedForms, scannedForms.map(expectedRecord), doc);
      console.log(`office-suite PDF scanned (${SCANS.map((s) => `${s.spec.dpi} dpi ${s.spec.degrees}°`).join(', ')}):\n  ${scanScores.map(line).join('\n  ')}`);
    }, 300_000);

    for (const [i, form] of scannedForms.entries()) {
      it(`${form.caseId} at ${SCANS[i]!.spec.dpi} dpi: ≥ 95% of fields (precision and recall)`, () => {
        const s = scanScores[i]!;
        expect(s.precision, line(s)).toBeGreaterThanOrEqual(0.95);
        expect(s.recall, line(s)).toBeGreaterThanOrEqual(0.95);
      });
    }

  });
});
