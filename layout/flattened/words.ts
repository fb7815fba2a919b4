/** The words of a form in a token stream: labels, column names, level names, and what ends a block. */
import { memoizeString } from '../../forms/memo.js';
import { labelKey } from '../../forms/text.js';
import { isValueLike, parseScore } from '../../forms/values.js';
import { FIELD_LABELS, SIGNATURE_BLOCK, SITE_CHROME, matchIndicatorColumn, matchLabel, matchLevel1, matchLevel2 } from '../../forms/vocabulary.js';
// ---------------------------------------------------------------- token kinds

export const SECTION = /^[一二三四五六七八九十]+、/;
const CLOSING: ReadonlySet<string> = new Set(['total_score', 'grade', 'problems', 'filler', 'phone', 'contact']);

export const fieldLabel = (token: string) => (labelKey(token).length <= 16 ? matchLabel(token.replace(SECTION, ''), FIELD_LABELS) : null);
export const columnLabel = (token: string) => (labelKey(token).length <= 14 ? matchIndicatorColumn(token) : null);
export const isLevel1 = (token: string): boolean => matchLevel1(token) !== null;
export const isLevel2 = (token: string): boolean => matchLevel2(token) !== null;

/** A column label's remark printed apart: (A), (B), (B/A). */
export const COLUMN_REMARK = /^[(（]\s*[A-Za-z](\s*[/／]\s*[A-Za-z])?(\s*[×*xX]\s*100\s*%)?\s*[)）]$/;

/**
 * Does the indicator header start at tokens[i]? At its 一级指标 label; or, in templates that print
 * no levels (指标名称 | 计量单位 | 指标值 | 指标权重 …), at a name or 二级指标 label that opens a run
 * of at least three column labels.
 */
export function opensIndicatorHeader(tokens: readonly string[], i: number): boolean {
  const column = columnLabel(tokens[i]!)?.canonical;
  if (column === 'level1') return true;
  if (column !== 'name' && column !== 'level2') return false;
  if (i > 0 && columnLabel(tokens[i - 1]!)) return false;
  return i + 2 < tokens.length && columnLabel(tokens[i + 1]!) !== null && columnLabel(tokens[i + 2]!) !== null;
}
/** A label, a level name or a column header: never a unit. */
export const isWordOfForm = memoizeString((token: string): boolean => fieldLabel(token) !== null || columnLabel(token) !== null || isLevel1(token) || isLevel2(token));
export const isText = (token: string): boolean => !isValueLike(token) && parseScore(token) === null && !isLevel1(token) && !isLevel2(token);

/** Labels that end an indicator table: the closing rows, the signature block, a note. */
export function endsIndicatorBlock(token: string): boolean {
  const label = fieldLabel(token)?.canonical ?? '';
  if (CLOSING.has(label) || label === 'project_name' || SECTION.test(token) || SITE_CHROME.test(token)) return true;
  // 序号 heads the next table (an allocation list), never a cell of an indicator row; 合计 alone
  // is the totals row that closes the table
  const key = token.replace(/\s/g, '');
  return SIGNATURE_BLOCK.test(key) || /^(序号|合计)$/.test(key);
}

/**
 * A report's numbered heading after the table, "(三)自评工作开展情况", followed by the report's prose:
 * the table ended above it. A group row of the table ("(三)服务对象满意度") is followed by its rows.
 */
export function opensReportSection(tokens: readonly string[], i: number): boolean {
  if (!/^[(（][一二三四五六七八九十]{1,3}[)）]\S{4,}/.test(tokens[i]!.replace(/\s/g, ''))) return false;
  // (the prose may follow in the heading's own cell, or have been cut at a word of the form inside
  // it: read the heading and the next few cells together)
  const next = tokens.slice(i, i + 7).join('');
  return /。/.test(next) || (next.length >= 25 && /[，,]/.test(next));
}
