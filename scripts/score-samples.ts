/**
 * Field-level precision and recall of every bundled sample (OCR text, PDF, scans, office files) against its expected
 * records: `npm run samples:score [-- [path filter] [--verbose] [--ocr-engine=tesseract|paddle]]`. Scanned samples compare free text by similarity.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULTS, OCR_ENGINES } from '../schemas/options.js';
import { processDocument } from '../pipeline/process.js';
import { compareRecords } from '../test/compare.js';
import { expectedPathOf, readRecords } from '../test/golden.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');
const verbose = process.argv.includes('--verbose');
const only = process.argv.slice(2).find((a) => !a.startsWith('--'));
const engineArg = process.argv.find((a) => a.startsWith('--ocr-engine='))?.split('=')[1];
const ocrEngine = OCR_ENGINES.find((e) => e === engineArg) ?? DEFAULTS.ocrEngine;

const INPUT = /\.(txt|pdf|png|jpe?g|xlsx|xls|docx|doc|html?|mht)$/;

function inputs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return inputs(path);
    return INPUT.test(e.name) ? [path] : [];
  }).sort();
}

console.log(['sample', 'forms', 'fields', 'precision', 'recall', 'ms'].join('\t'));
for (const path of inputs(SAMPLES)) {
  const expectedPath = expectedPathOf(path);
  if (!existsSync(expectedPath) || (only && !path.includes(only))) continue;
  const started = performance.now();
  const doc = await processDocument(relative(SAMPLES, path).split('/').pop()!, readFileSync(path), { ocrEngine });
  const ms = Math.round(performance.now() - started);
  const expected = readRecords(expectedPath);
  // scans: free text compared by similarity (ratio ≥ 0.9), everything else exactly
  const score = compareRecords(expected, doc.records, { fuzzyText: path.includes('/scanned/') });
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  console.log([relative(SAMPLES, path), doc.records.length, `${score.matched}/${score.expected}`, pct(score.precision), pct(score.recall), ms].join('\t'));
  if (verbose) for (const m of score.mismatches) console.log(`    ${m}`);
}
