/** The sample tests' shared assertion (kept apart from compare.ts, which scripts import outside vitest). */
import { expect } from 'vitest';
import type { FormRecord } from '../schemas/record.js';
import { compareRecords } from './compare.js';

/** A sample's records against its expected file: printed score and mismatches, then the 98% bar on both sides. */
export function expectSampleScore(name: string, expected: readonly FormRecord[], actual: readonly FormRecord[], status: string): void {
  const score = compareRecords(expected, actual);
  console.log(`${name}: ${score.matched}/${score.expected} fields, precision ${(score.precision * 100).toFixed(1)}%, recall ${(score.recall * 100).toFixed(1)}%`);
  if (score.mismatches.length > 0) console.log(score.mismatches.slice(0, 20).join('\n'));
  expect(status).toBe('success');
  expect(score.precision).toBeGreaterThanOrEqual(0.98);
  expect(score.recall).toBeGreaterThanOrEqual(0.98);
}
