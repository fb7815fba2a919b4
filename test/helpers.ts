import { detectBlocks } from '../layout/detectTables.js';
import { buildRecords } from '../pipeline/buildForm.js';
import { checkRecords } from '../pipeline/checks/index.js';
import { segmentForms } from '../pipeline/segment.js';
import type { FormRecord } from '../schemas/record.js';

/** Run the text stages (build, then check) on an excerpt and return the checked records. */
export function recordsFrom(text: string): FormRecord[] {
  const { segments } = segmentForms(detectBlocks(text.split('\n')));
  let formIndex = 0;
  const built = segments.flatMap((s) => buildRecords(s, { file: 'excerpt.txt', sha256: 'test', formIndex: formIndex++ }));
  return checkRecords(built.map((b) => b.record), built.flatMap((b) => b.provenance)).records;
}
