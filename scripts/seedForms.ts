/** The seed samples' forms, for the sample generators: each segment with the records it produced. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRecords } from '../pipeline/buildForm.js';
import { detectBlocks } from '../layout/detectTables.js';
import { segmentForms } from '../pipeline/segment.js';
import type { FormSegment } from '../schemas/document.js';
import type { FormRecord } from '../schemas/record.js';
import { readRecords } from '../test/golden.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');

export function seedForms(seed: string): Array<{ segment: FormSegment; records: number[] }> {
  const text = readFileSync(join(SAMPLES, `${seed}.txt`), 'utf8');
  const { segments } = segmentForms(detectBlocks(text.split(/\r\n|\r|\n/)));
  let next = 0;
  return segments.map((segment) => {
    const count = buildRecords(segment, { file: seed, sha256: '', formIndex: next }).length;
    const records = Array.from({ length: count }, (_, i) => next + i);
    next += count;
    return { segment, records };
  });
}

/** The seed's hand-checked expected records. */
export function seedExpected(seed: string): FormRecord[] {
  return readRecords(join(SAMPLES, `${seed}.expected.jsonl`));
}
