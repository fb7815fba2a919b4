/**
 * The expected records beside every sample (`<name>.expected.jsonl`, one record per line), read and
 * written in one place by the sample tests and the scripts that make or score samples. `UPDATE=1`
 * makes a sample test rewrite its expected file with what the pipeline read, for a person to check
 * against the source before committing (docs/samples.md) — never in CI. No vitest here: scripts
 * import it outside the test runner.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { FormRecord } from '../schemas/record.js';

/** Rewrite the expected files from the pipeline's output (a person checks them before they are committed). */
export const UPDATING = process.env.UPDATE === '1';

/** `samples/pdf/x.pdf` → `samples/pdf/x.expected.jsonl`. */
export function expectedPathOf(input: string): string {
  return input.replace(/\.[^./]+$/, '.expected.jsonl');
}

export function readRecords(path: string): FormRecord[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as FormRecord);
}

export function writeRecords(path: string, records: readonly FormRecord[]): void {
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** The expected records of a sample input. */
export function readExpected(input: string): FormRecord[] {
  return readRecords(expectedPathOf(input));
}

/** With UPDATE=1, write what the pipeline read as the sample's expected records. */
export function updateExpected(input: string, records: readonly FormRecord[]): void {
  if (UPDATING) writeRecords(expectedPathOf(input), records);
}
