/**
 * The bundled samples against their expected records, field by field. Expected files sit beside
 * each input (`<name>.expected.jsonl`); `UPDATE=1` rewrites them for a person to check against
 * the source (see docs/samples.md) — never in CI.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';
import { expectSampleScore } from './sampleScore.js';
import { UPDATING, expectedPathOf, readExpected, updateExpected } from './golden.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');
const inputs = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort();

const EXPECTED_FORMS: Record<string, Record<string, number>> = {
  '000': { self_evaluation: 19 },
  '001': { performance_target: 28 },
  '002': { summary: 7, self_evaluation: 5 },
  '003': { self_evaluation: 7 },
  '004': { performance_target: 12 },
};

it('regeneration is off in CI', () => {
  expect(process.env.CI === 'true' && UPDATING).toBe(false);
});

describe.each(inputs)('sample %s', (name) => {
  it('matches its expected records on at least 98% of fields', async () => {
    const path = join(SAMPLES, name);
    const doc = await processDocument(name, readFileSync(path));
    const expectedPath = expectedPathOf(path);
    updateExpected(path, doc.records);
    // A missing expected file is a failure, not something to write silently: a person checks it first.
    expect(existsSync(expectedPath), `${expectedPath} is missing; run npm run samples:update and check it by hand`).toBe(true);
    const expected = readExpected(path);
    expectSampleScore(name, expected, doc.records, doc.status);
  });

  it('finds the expected number of forms of each type', async () => {
    const doc = await processDocument(name, readFileSync(join(SAMPLES, name)));
    const counts: Record<string, number> = {};
    for (const r of doc.records) counts[r.form_type] = (counts[r.form_type] ?? 0) + 1;
    expect(counts).toEqual(EXPECTED_FORMS[name.slice(0, 3)]);
  });
});
