/** Row preparation shared by the form builders: clean every cell, keep non-empty ones with their origin. */
import type { Cell } from '../schemas/document.js';
import type { RowCell } from './indicators.js';
import { cleanCell, isPlaceholder } from '../forms/text.js';
import { FIELD_LABELS, type FieldLabel, matchLabel } from '../forms/vocabulary.js';

export interface PreparedRow { cells: RowCell[]; placeholders: RowCell[] }

/** Clean a table row; template placeholders (指标 2:, .....) are set apart, not kept as cells. */
export function prepareRow(row: readonly Cell[]): PreparedRow {
  const cells: RowCell[] = [];
  const placeholders: RowCell[] = [];
  row.forEach((cell, col) => {
    for (const part of splitMergedPairs(cell.text)) {
      const cleaned = cleanCell(part);
      if (cleaned.text === '') continue;
      // what the extractor did (an OCR read) comes first in the evidence, then the cleaning
      const prepared: RowCell = { text: cleaned.text, col, origin: cell.origin, repairs: [...(cell.repairs ?? []), ...cleaned.repairs] };
      (isPlaceholder(cleaned.text) ? placeholders : cells).push(prepared);
    }
  });
  return { cells, placeholders };
}

/** The fields a web page's merged header cell holds with their values: who and what the form is about. */
const MERGED_CELL_FIELDS: ReadonlySet<FieldLabel> = new Set(['project_name', 'project_code', 'department', 'implementing_unit', 'filing_unit', 'filler', 'phone', 'project_period']);

const isMergedCellLabel = (part: string): boolean => {
  const match = matchLabel(part, FIELD_LABELS);
  return match !== null && match.distance === 0 && MERGED_CELL_FIELDS.has(match.canonical);
};

/**
 * A web page's merged cell that holds a caption, a label and its value separated by spaces
 * ("项目基本情况 项目名称 幼儿园公用经费"): split before each such label and after it, so the label
 * and its value are cells of their own. Other words stay together; a sentence is never split.
 */
function splitMergedPairs(text: string): string[] {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2 || /[，。；,;]/.test(text) || !parts.slice(0, -1).some(isMergedCellLabel)) return [text];
  const merged: string[] = [];
  for (const part of parts) {
    if (merged.length === 0 || isMergedCellLabel(part) || isMergedCellLabel(merged.at(-1)!)) merged.push(part);
    else merged[merged.length - 1] += ` ${part}`;
  }
  return merged;
}
