/**
 * The hand-keyed real-world corpus (../shared/realworld): documents nobody here made. The floors
 * are the figures measured when they were set (README "Real-world forms"), so a change that makes
 * real forms worse, or lets a wrong field through unflagged, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';
import { type CaseScore, REALWORLD_ROOT, calibration, loadCases, scoreCase, totals } from '../scripts/realworld/score.js';

const cases = loadCases();
if (!cases) console.warn(`realworld tests skipped: no corpus at ${REALWORLD_ROOT} (it is read from ../shared/realworld at test time)`);

describe.skipIf(!cases)('real-world corpus', () => {
  let scores: CaseScore[] = [];

  it('reads every case through the pipeline as a user would', async () => {
    scores = [];
    for (const kase of cases ?? []) {
      const doc = await processDocument(kase.sourcePath, readFileSync(kase.sourcePath), { ocr: false });
      scores.push(scoreCase(kase, doc));
    }
    expect(scores).toHaveLength(cases!.length);
  });

  it('gets at least the measured share of fields right (field F1) and finds the measured number of forms', () => {
    const t = totals(scores);
    expect(t.f1).toBeGreaterThanOrEqual(0.93);
    expect(t.formsFound).toBeGreaterThanOrEqual(49);
  });

  it('is never silent: at most 2% of the fields that differ from the key sit in forms stored as not needing review', () => {
    expect(totals(scores).silentErrorRate).toBeLessThanOrEqual(0.02);
  });

  it('means what its confidence says: fields at confidence ≥ 0.9 are right at least 98% of the time', () => {
    const high = calibration(scores).filter((b) => b.from >= 0.9);
    const fields = high.reduce((n, b) => n + b.fields, 0);
    const right = high.reduce((n, b) => n + b.right, 0);
    expect(fields).toBeGreaterThan(0);
    expect(right / fields).toBeGreaterThanOrEqual(0.98);
  });
});
