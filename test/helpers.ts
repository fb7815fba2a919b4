import { detectBlocks } from '../pipeline/detectTables.js';
import { buildRecords } from '../pipeline/buildForm.js';
import { segmentForms } from '../pipeline/segment.js';
import { validateRecord } from '../pipeline/validate.js';
import type { FormRecord } from '../schemas/record.js';

/** Run the text stages on an excerpt and return the validated records. */
export function recordsFrom(text: string): FormRecord[] {
  const { segments } = segmentForms(detectBlocks(text.split('\n')));
  let formIndex = 0;
  return segments.flatMap((s) => buildRecords(s, { file: 'excerpt.txt', sha256: 'test', formIndex: formIndex++ }))
    .map(({ record, provenance }) => validateRecord(record, provenance));
}
