/**
 * Forms whose table structure was lost — one long line, one cell per line, pipe cells with rows
 * run together — rebuilt from the order of their cells. The text becomes a token stream; the form
 * is read against what a form must look like: header lines, label/value rows, the indicator header
 * it announces, then indicator rows whose boundaries are chosen by a small dynamic programme
 * (level names start rows, each row fills the announced columns, scores are numbers). The result
 * is ordinary blocks, so every later stage applies unchanged.
 */
import type { Block, Cell, Table } from '../schemas/document.js';
import { isBlank, labelKey } from './text.js';
import { parseTitle } from './segment.js';
import { isValueLike, parseScore } from './values.js';
import { FIELD_LABELS, INDICATOR_COLUMNS, type IndicatorColumn, matchLabel, matchLevel1, matchLevel2 } from './vocabulary.js';

// ---------------------------------------------------------------- detection

function indicatorLabels(cells: readonly string[]): number {
  return cells.filter((c) => !isBlank(c) && matchLabel(c, INDICATOR_COLUMNS) !== null).length;
}

/**
 * A file is flattened when it announces an indicator table (three or more of its column labels)
 * but no table holds those labels as a header row of their own.
 */
export function isFlattened(blocks: readonly Block[], tokens: readonly string[]): boolean {
  for (const block of blocks) {
    if (block.kind !== 'table') continue;
    for (const row of block.table.rows) {
      const cells = row.map((c) => c.text).filter((t) => !isBlank(t));
      const labels = indicatorLabels(cells);
      if (labels >= 3 && labels / cells.length >= 0.7) return false;
    }
  }
  return indicatorLabels(tokens) >= 3;
}

// ---------------------------------------------------------------- tokens

/** Page numbers and running footers that a dump leaves between cells. */
const PAGE_FURNITURE = /^(第\s*\d+\s*页(\s*[,，]?\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*\/\s*\d+|共\s*\d+\s*页)$/;
const WEIGHT_ONLY = /^[(（]\s*\d+(\.\d+)?\s*分\s*[)）]$/;
const LIST_ITEM = /^(\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])/;
const CONTINUES = /[,，;；、]$/;

/**
 * Split a cell that holds several values printed together: "≥95%100%10" → ≥95% | 100% | 10,
 * "10≥266米≥266米10" → 10 | ≥266米 | ≥266米 | 10, "87.5万页10" → 87.5万页 | 10.
 */
export function splitGlued(token: string): string[] {
  if (!/^[≥≤<>=＞＜]?\d/.test(token) && !/\d[≥≤]/.test(token)) return [token];
  const parts = token
    .replace(/%(?=[\d≥≤<>＞＜])/g, '%\u0000')
    .replace(/(?<=[\d%\u3400-\u9fff])(?=[≥≤＞＜])/g, '\u0000')
    .replace(/(?<=^[≥≤<>=]?\d[\d.]*[\u3400-\u9fff/]{1,3})(?=\d)/g, '\u0000')
    .split('\u0000');
  // only when every piece is a value: "2020年高新区" is text, not two values
  return parts.length > 1 && parts.every((p) => isValueLike(p)) ? parts : [token];
}

/** Which separator the file still has: pipes, one cell per line, or single spaces. */
function separatorOf(lines: readonly string[]): 'pipe' | 'line' | 'space' {
  const content = lines.map((l) => l.trim()).filter(Boolean);
  if (content.filter((l) => l.includes('|')).length >= content.length * 0.5) return 'pipe';
  const words = content.map((l) => l.split(/\s+/).length).sort((a, b) => a - b);
  return (words[Math.floor(words.length / 2)] ?? 0) > 6 ? 'space' : 'line';
}

/** The file's cells in order. Spaces inside a cell ("其中: 财政资金", a sentence after commas) are kept together. */
export function tokensOf(lines: readonly string[]): string[] {
  const separator = separatorOf(lines);
  let raw: string[];
  if (separator === 'pipe') raw = lines.flatMap((l) => l.split('|')).map((t) => t.trim()).filter((t) => t !== '' && !/^:?-{2,}:?$/.test(t));
  else if (separator === 'line') raw = lines.map((l) => l.trim()).filter(Boolean);
  else raw = lines.flatMap((l) => l.trim().split(/\s+/)).filter(Boolean);
  const out: string[] = [];
  for (const token of raw.filter((t) => !PAGE_FURNITURE.test(t))) {
    const prev = out[out.length - 1];
    if (prev !== undefined && WEIGHT_ONLY.test(token)) out[out.length - 1] = `${prev}${token}`;
    else if (prev !== undefined && separator === 'space' && (CONTINUES.test(prev) || /^(其中|其中[:：])$/.test(prev) || /^\d{1,2}[.、]$/.test(prev))) out[out.length - 1] = `${prev} ${token}`;
    else out.push(...splitGlued(token));
  }
  // consecutive list items are one cell: "1. …" "2. …" → "1. …\n2. …"
  const merged: string[] = [];
  for (const token of out) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && LIST_ITEM.test(token) && LIST_ITEM.test(prev)) merged[merged.length - 1] = `${prev}\n${token}`;
    else merged.push(token);
  }
  return merged;
}

// ---------------------------------------------------------------- token kinds

const HEADER_LINE = /^(序号|年度|填报单位|预算部门|金额单位|单位|填报人|联系电话|联系人)\s*[:：]|^[(（]\s*\d{4}\s*年度?\s*[)）]$/;
const SECTION = /^[一二三四五六七八九十]+、/;
const CLOSING: ReadonlySet<string> = new Set(['total_score', 'grade', 'problems', 'filler', 'phone', 'contact']);

const fieldLabel = (token: string) => (labelKey(token).length <= 16 ? matchLabel(token.replace(SECTION, ''), FIELD_LABELS) : null);
const columnLabel = (token: string) => (labelKey(token).length <= 14 ? matchLabel(token, INDICATOR_COLUMNS) : null);
const isLevel1 = (token: string): boolean => matchLevel1(token) !== null;
const isLevel2 = (token: string): boolean => matchLevel2(token) !== null;

// ---------------------------------------------------------------- indicator rows

/**
 * Choose indicator-row boundaries: each row is an optional level-1 name, an optional level-2 name
 * and up to `width` cells; a row missing cells costs, a row whose last cell should be a score but
 * is not a number costs, a level name inside a row is not allowed. Returns the rows as cells.
 */
export function indicatorRows(tokens: readonly string[], header: readonly IndicatorColumn[]): { rows: string[][]; cut: string[] | null } {
  const hasLevel1 = header.includes('level1');
  const hasLevel2 = header.includes('level2');
  const columns = header.filter((c) => c !== 'level1' && c !== 'level2');
  const width = columns.length;
  // text columns often left empty (a note, a basis): missing them costs little
  const optional = columns.filter((c) => c === 'deviation_note' || c === 'basis' || c === 'description').length;
  const endsWithText = ['deviation_note', 'basis'].includes(columns[columns.length - 1] ?? '');
  const lastIsNumber = ['score', 'weight'].includes(header[header.length - 1] ?? '');
  const n = tokens.length;
  const best = new Array<number>(n + 1).fill(-Infinity);
  const from = new Array<number>(n + 1).fill(-1);
  best[0] = 0;
  const rowCost = (i: number, j: number): number => {
    let p = i;
    let score = 0;
    if (hasLevel1 && p < j && isLevel1(tokens[p]!)) { p++; score += 1; }
    if (hasLevel2 && p < j && isLevel2(tokens[p]!) && !(isLevel1(tokens[p]!) && p === i)) { p++; score += 1; }
    const rest = j - p;
    // the file may end inside a row: only level names, or too few cells, left at the very end
    if (j === n && rest < Math.max(1, width - 2 - optional)) return -4;
    if (rest < 1 || rest > width) return -Infinity;
    for (let k = p; k < j; k++) if (isLevel1(tokens[k]!) || (hasLevel2 && isLevel2(tokens[k]!) && k > p)) return -Infinity;
    const missing = width - rest;
    score -= Math.max(0, missing - optional) * 1.2 + Math.min(missing, optional) * 0.3;
    if (lastIsNumber) score += parseScore(tokens[j - 1]!) !== null ? 1 : -1.5;
    if (isValueLike(tokens[p]!) && !isLevel2(tokens[p]!)) score -= 1;
    // after a bare number (a weight or score) only numbers follow, or one closing note
    const firstNumber = tokens.slice(p + 1, j).findIndex((t) => parseScore(t) !== null);
    if (firstNumber >= 0) {
      for (let k = p + 1 + firstNumber + 1; k < j; k++) {
        const text = !isValueLike(tokens[k]!) && parseScore(tokens[k]!) === null;
        if (text && !(endsWithText && k === j - 1)) score -= 3;
      }
    }
    return score;
  };
  for (let j = 1; j <= n; j++) {
    for (let i = Math.max(0, j - width - 2); i < j; i++) {
      if (best[i] === -Infinity) continue;
      const s = best[i]! + rowCost(i, j);
      if (s > best[j]!) { best[j] = s; from[j] = i; }
    }
  }
  if (best[n] === -Infinity) return { rows: [], cut: tokens.slice() };
  const rows: string[][] = [];
  let cut: string[] | null = null;
  for (let j = n; j > 0; j = from[j]!) {
    if (j === n && rowCost(from[j]!, j) === -4) { cut = tokens.slice(from[j]!, j); continue; }
    const cells = tokens.slice(from[j]!, j);
    let p = 0;
    const level1 = hasLevel1 && isLevel1(cells[0]!) ? cells[p++]! : '';
    const level2 = hasLevel2 && cells[p] !== undefined && isLevel2(cells[p]!) && !(p === 0 && isLevel1(cells[0]!)) ? cells[p++]! : '';
    rows.unshift([...(hasLevel1 ? [level1] : []), ...(hasLevel2 ? [level2] : []), ...cells.slice(p)]);
  }
  return { rows, cut };
}

// ---------------------------------------------------------------- form rows

/** Labels that begin a row of their own (a label/value row); the others head columns. */
const ROW_LABELS: ReadonlySet<string> = new Set(['project_name', 'project_code', 'department', 'implementing_unit', 'filing_unit', 'project_amount',
  'funds_total_row', 'fiscal_row', 'carryover_row', 'other_row', 'total_score', 'grade', 'problems']);

interface Rebuilt { texts: string[]; rows: string[][]; indicators: number; cut: string[] | null }

/**
 * Label/value rows: a section caption or a row label starts a row; a run of column labels is a
 * header row, and the first value after it starts the row of values under it; label/value pairs
 * ("预算数: 34.56 到位数: 34.56") stay on one row, as printed.
 */
class RowBuilder {
  readonly rows: string[][] = [];
  private row: string[] = [];
  private labels: string[] = [];
  private values = 0;

  flush(): void {
    if (this.row.length > 0) this.rows.push(this.row);
    this.row = [];
    this.labels = [];
    this.values = 0;
  }

  add(token: string): void {
    const label = fieldLabel(token)?.canonical ?? null;
    if (SECTION.test(token)) this.flush();
    else if (label) {
      const repeatsHeader = this.values === 0 && this.labels.includes(label);
      const newRow = ROW_LABELS.has(label) && this.row.length > 0 && !(this.values > 0 && this.labels[0] === label);
      const afterValues = this.values > 0 && !ROW_LABELS.has(label) && !this.isPairs();
      if (repeatsHeader || newRow || afterValues) this.flush();
      this.labels.push(label);
    } else {
      if (this.values === 0 && this.labels.length >= 2) this.flush(); // values under a header row
      this.values++;
    }
    this.row.push(token);
  }

  /** label, value, label, value …: a row of pairs */
  private isPairs(): boolean {
    return this.row.every((t, i) => (i % 2 === 0) === (fieldLabel(t) !== null));
  }
}

/** One form's tokens → header lines and table rows. */
function rebuildForm(tokens: readonly string[]): Rebuilt {
  const texts: string[] = [];
  const builder = new RowBuilder();
  let indicators = 0;
  let cut: string[] | null = null;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (builder.rows.length === 0 && (HEADER_LINE.test(token) || parseTitle(token))) { texts.push(token); i++; continue; }
    if (HEADER_LINE.test(token)) { texts.push(token); i++; continue; }
    if (columnLabel(token)?.canonical === 'level1') {
      // the indicator header: its labels, then the rows up to the first closing label
      builder.flush();
      const header: string[] = [];
      while (i < tokens.length && columnLabel(tokens[i]!)) header.push(tokens[i++]!);
      const start = i;
      while (i < tokens.length && !CLOSING.has(fieldLabel(tokens[i]!)?.canonical ?? '') && !SECTION.test(tokens[i]!)) i++;
      const read = indicatorRows(tokens.slice(start, i), header.map((h) => columnLabel(h)!.canonical));
      builder.rows.push(header, ...read.rows);
      indicators += read.rows.length;
      cut = read.cut;
      continue;
    }
    builder.add(token);
    i++;
  }
  builder.flush();
  return { texts, rows: builder.rows, indicators, cut };
}

function table(rows: readonly string[][], line: number): Table {
  const width = Math.max(...rows.map((r) => r.length));
  const cells = rows.map((r): Cell[] => Array.from({ length: width }, (_, col) => ({ text: r[col] ?? '', origin: { table: null, row: null, col, line, page: null, bbox: null } })));
  return { index: -1, format: 'markdown', firstLine: line, lastLine: line, rows: cells };
}

/** A form title on its own: "标题: 项目支出绩效自评表" is a document property, not a form. */
const isFormTitle = (token: string): boolean => parseTitle(token) !== null && !/[:：]/.test(token);

/**
 * Rebuild a flattened file's blocks: forms split at their titles, each as title and header lines
 * then one table. Text before the first title (document properties, a summary) stays prose. A
 * file that ends inside an indicator row reports the row; a form with no complete row is not read.
 */
export function rebuildFlattened(lines: readonly string[]): { blocks: Block[]; errors: string[] } {
  const tokens = tokensOf(lines);
  const starts = tokens.map((t, i) => (isFormTitle(t) ? i : -1)).filter((i) => i >= 0);
  const blocks: Block[] = [];
  const errors: string[] = [];
  const firstLine = (token: string): number => Math.max(1, lines.findIndex((l) => l.includes(token.split('\n')[0]!.slice(0, 20))) + 1);
  for (const t of tokens.slice(0, starts[0] ?? tokens.length)) blocks.push({ kind: 'text', text: t, line: firstLine(t), page: null, bbox: null });
  starts.forEach((start, k) => {
    const end = starts[k + 1] ?? tokens.length;
    const { texts, rows, indicators, cut } = rebuildForm(tokens.slice(start, end));
    const line = firstLine(tokens[start]!);
    if (indicators === 0) {
      errors.push(`line ${line}: the form "${tokens[start]}" ends before its first complete indicator row (the file is cut off?); it was not read`);
      return;
    }
    if (cut) errors.push(`line ${line}: the file ends inside an indicator row ("${cut.join(' ')}"); that row was not read`);
    for (const text of texts) blocks.push({ kind: 'text', text, line, page: null, bbox: null });
    if (rows.length > 0) blocks.push({ kind: 'table', table: table(rows, line) });
  });
  return { blocks, errors };
}
