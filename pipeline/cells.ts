/** Row preparation shared by the form builders: clean every cell, keep non-empty ones with their origin. */
import type { Cell, Repair } from '../schemas/document.js';
import type { RowCell } from './indicators.js';
import { cleanCell, isPlaceholder } from '../forms/text.js';
import { FIELD_LABELS, type FieldLabel, SECTION_CAPTIONS, matchLabel } from '../forms/vocabulary.js';

export interface PreparedRow { readonly cells: readonly RowCell[]; readonly placeholders: readonly RowCell[] }

/**
 * Rows already prepared: the header reading (its money unit, above the indicator header) and the
 * row loop both prepare the rows of a form's header block. Tables are finished before they are
 * built (layout owns them), so a row prepared once stays what it was; the entry goes with the row.
 */
const preparedRows = new WeakMap<readonly Cell[], PreparedRow>();

/** Clean a table row; template placeholders (指标 2:, .....) are set apart, not kept as cells. */
export function prepareRow(row: readonly Cell[]): PreparedRow {
  let prepared = preparedRows.get(row);
  if (!prepared) {
    prepared = cleanRow(row);
    preparedRows.set(row, prepared);
  }
  return prepared;
}

function cleanRow(row: readonly Cell[]): PreparedRow {
  const cells: RowCell[] = [];
  const placeholders: RowCell[] = [];
  // a row of the header block opens with a label ("项目名称 某项目 | 预算单位 某局", "单位名称:某局 …"); an indicator row with its levels
  const first = row.find((c) => c.text.trim() !== '')?.text.trim().split(/[\s:：]/)[0] ?? '';
  const headerRow = isMergedCellLabel(first);
  row.forEach((cell, col) => {
    const parts = splitMergedPairs(cell.text, headerRow);
    const split: Repair[] = parts.length > 1 ? [{ rule: 'merged_cell_split', before: cell.text, after: parts.join(' | '), confidence: 0.85 }] : [];
    for (const part of parts) {
      const cleaned = cleanCell(part);
      if (cleaned.text === '') continue;
      // what the extractor did (an OCR read) comes first in the evidence, then the cleaning
      const prepared: RowCell = { text: cleaned.text, col, origin: cell.origin, repairs: [...(cell.repairs ?? []), ...split, ...cleaned.repairs] };
      (isPlaceholder(cleaned.text) ? placeholders : cells).push(prepared);
    }
  });
  return { cells, placeholders };
}

/** The fields a web page's merged header cell holds with their values: who and what the form is about. */
const MERGED_CELL_FIELDS: ReadonlySet<FieldLabel> = new Set(['project_name', 'project_code', 'department', 'implementing_unit', 'filing_unit', 'filler', 'phone', 'project_period']);

const isSectionCaption = (part: string): boolean => SECTION_CAPTIONS.includes(part) || /^项目基本(情况|信息)$/.test(part);

const isMergedCellLabel = (part: string): boolean => {
  const match = matchLabel(part, FIELD_LABELS);
  return match !== null && match.distance === 0 && MERGED_CELL_FIELDS.has(match.canonical);
};

/**
 * A web page's merged cell that opens with a label, or a section caption and a label, with their
 * values separated by spaces ("基本情况 项目名称 路灯维护", "主管部门 项目起止时间 2024.3"):
 * split before each such label and after it, so labels and values are cells of their own. A label
 * word further inside a cell ("服务热线 联系电话 畅通率", "2023年 预算单位 培训经费") is part of its
 * text; a sentence is never split.
 */
function splitMergedPairs(text: string, headerRow: boolean): string[] {
  const parts = text.trim().split(/\s+/);
  // (two words, "联系电话 畅通率", may be an indicator's name: a label and its value alone are split
  // only in a row that opens with a label of the header block, "项目名称 某项目 | 预算单位 某局")
  if (parts.length < (headerRow ? 2 : 3) || /[，。；,;]/.test(text)) return [text];
  const opensWithLabel = isMergedCellLabel(parts[0]!) || (isSectionCaption(parts[0]!) && isMergedCellLabel(parts[1]!));
  if (!opensWithLabel) return [text];
  const merged: string[] = [];
  for (const part of parts) {
    if (merged.length === 0 || isMergedCellLabel(part) || isMergedCellLabel(merged.at(-1)!)) merged.push(part);
    else merged[merged.length - 1] += ` ${part}`;
  }
  return merged;
}
