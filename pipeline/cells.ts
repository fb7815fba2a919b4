/** Row preparation shared by the form builders: clean every cell, keep non-empty ones with their origin. */
import type { Cell } from '../schemas/document.js';
import type { RowCell } from './indicators.js';
import { cleanCell, isPlaceholder } from '../forms/text.js';

export interface PreparedRow { cells: RowCell[]; placeholders: RowCell[] }

/** Clean a table row; template placeholders (指标 2:, .....) are set apart, not kept as cells. */
export function prepareRow(row: readonly Cell[]): PreparedRow {
  const cells: RowCell[] = [];
  const placeholders: RowCell[] = [];
  row.forEach((cell, col) => {
    const cleaned = cleanCell(cell.text);
    if (cleaned.text === '') return;
    // what the extractor did (an OCR read) comes first in the evidence, then the cleaning
    const prepared: RowCell = { text: cleaned.text, col, origin: cell.origin, repairs: [...(cell.repairs ?? []), ...cleaned.repairs] };
    (isPlaceholder(cleaned.text) ? placeholders : cells).push(prepared);
  });
  return { cells, placeholders };
}
