/**
 * `npm run realworld [-- [case filter] [--verbose] [--json out.json]]`: run every case of the
 * hand-keyed real-world corpus (../shared/realworld) through the pipeline as a user would, and
 * print field precision/recall/F1 per case and overall, forms found, the silent error rate (of
 * all fields that differ from the key, the share in forms stored with needs_review: false) and
 * the confidence calibration table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { processDocument } from '../pipeline/process.js';
import {
  type CaseScore, REALWORLD_ROOT, calibration, loadCases, scoreCase, totals,
} from './realworld/score.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const jsonAt = args.indexOf('--json');
const jsonPath = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const filter = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--json');

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const cases = loadCases();
  if (!cases) {
    console.error(`realworld: no corpus at ${REALWORLD_ROOT} (it lives in ../shared/realworld beside the project)`);
    process.exit(2);
  }
  const scores: CaseScore[] = [];
  console.log(['case', 'forms', 'found', 'out', 'precision', 'recall', 'F1', 'errors', 'silent', 'status'].join('\t'));
  for (const kase of cases) {
    if (filter && !kase.id.includes(filter)) continue;
    const bytes = readFileSync(kase.sourcePath);
    const doc = await processDocument(kase.sourcePath, bytes, { ocr: false });
    const score = scoreCase(kase, doc);
    scores.push(score);
    const t = totals([score]);
    console.log([kase.id, score.keyedForms, score.foundForms, score.outputForms, pct(t.precision), pct(t.recall), pct(t.f1), t.errors, t.silentErrors, doc.status].join('\t'));
    if (verbose) {
      for (const o of score.outcomes.filter((x) => x.verdict !== 'hit')) {
        console.log(`    ${o.verdict.padEnd(5)} ${o.silent ? 'SILENT ' : ''}${o.path}: key ${JSON.stringify(o.expected)} got ${JSON.stringify(o.actual)}${o.confidence !== null ? ` (conf ${o.confidence})` : ''}`);
      }
    }
  }
  const all = totals(scores);
  console.log('');
  console.log(`overall: precision ${pct(all.precision)}, recall ${pct(all.recall)}, F1 ${pct(all.f1)}; forms found ${all.formsFound} of ${all.formsKeyed}; silent error rate ${pct(all.silentErrorRate)} (${all.silentErrors} of ${all.errors} differing fields sit in forms stored with needs_review: false)`);
  console.log('');
  console.log('calibration (extracted fields by stated confidence):');
  console.log(['confidence', 'fields', 'right', 'accuracy'].join('\t'));
  const bins = calibration(scores);
  for (const b of bins) console.log([`[${b.from.toFixed(2)}, ${Math.min(1, b.to).toFixed(2)}${b.to > 1 ? ']' : ')'}`, b.fields, b.right, b.fields ? pct(b.right / b.fields) : '-'].join('\t'));
  const high = bins.filter((b) => b.from >= 0.9);
  const highFields = high.reduce((s, b) => s + b.fields, 0);
  const highRight = high.reduce((s, b) => s + b.right, 0);
  console.log(`fields at confidence ≥ 0.9: ${highFields}, right ${highFields ? pct(highRight / highFields) : '-'} (target ≥ 98%)`);
  const perCase = scores.map(({ outcomes, ...rest }) => ({ ...rest, ...totals([{ outcomes, ...rest }]) }));
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ totals: all, calibration: bins, cases: perCase }, null, 2));
}

await main();
