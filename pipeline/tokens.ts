/**
 * Tokenising the label/value rows of a form (header, funds, goals, closing rows): each cell is a
 * label (with any value OCR glued into the same cell), a section caption, or a value.
 */
import type { Repair } from '../schemas/document.js';
import type { RowCell } from './indicators.js';
import { labelKey } from '../forms/text.js';
import { type FieldLabel, FIELD_LABELS, matchLabel, SECTION_CAPTIONS } from '../forms/vocabulary.js';
import { bracketedPoints, type MoneyUnit } from '../forms/values.js';

export type Token =
  | { kind: 'label'; key: FieldLabel; cell: RowCell; inline: string | null; distance: number }
  | { kind: 'section'; cell: RowCell; unit: MoneyUnit | null; caption: string; points: number | null }
  | { kind: 'value'; cell: RowCell };


const LONGEST_LABEL = 18;

function unitIn(text: string): MoneyUnit | null {
  if (/\(\s*万元\s*\)|（\s*万元\s*）/.test(text)) return '万元';
  if (/\(\s*元\s*\)|（\s*元\s*）/.test(text)) return '元';
  return null;
}

function asSection(cell: RowCell): Token | null {
  // a block's caption may print the block's points after its unit: 预算执行情况(万元)(20分)
  const points = bracketedPoints(cell.text);
  const key = labelKey(points?.label ?? cell.text).replace(/^[一二三四五六七八九十]+、?/, '');
  const bare = key.replace(/\((万元|元|%)\)$/, '');
  // a unit in a cell of its own between a label and its amount (计划投资额 | (万元) | 120) captions it
  if (SECTION_CAPTIONS.includes(bare) || (bare === '' && points === null && unitIn(cell.text) !== null)) {
    return { kind: 'section', cell, unit: unitIn(cell.text), caption: bare, points: points?.points ?? null };
  }
  return null;
}

/** A year or span of years printed inside a label: 中期目标(2024年--2026年), 年度目标（2023年度）. */
const YEARS_IN_LABEL = /[(（]\s*\d{4}\s*年?度?\s*(?:[-—–~～至到]+\s*\d{4}\s*年?度?\s*)?[)）]/g;

/** An outline's item number before a label: 一、 or (一). */
const OUTLINE_NUMBER = /^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]{1,3}[)）]\s*)/;

function asLabel(cell: RowCell, text: string, inline: string | null): Token | null {
  // a money unit after a label (实际使用情况(万元)) is no part of it; the unit itself is read from the row's captions
  // (an outline's numbering is no part of its label either: 一、项目名称, (一)财政拨款小计)
  const stripped = text.replace(OUTLINE_NUMBER, '').replace(YEARS_IN_LABEL, '').replace(/[(（]\s*万?元\s*[)）]$/, '');
  if (labelKey(stripped).length > LONGEST_LABEL) return null;
  const match = matchLabel(stripped, FIELD_LABELS);
  if (!match) return null;
  return { kind: 'label', key: match.canonical, cell, inline: inline && inline.trim() !== '' ? inline.trim() : null, distance: match.distance };
}

/** One cell as a token. A label cell may carry a value after a line break, a colon or a space. */
export function tokenizeCell(cell: RowCell): Token {
  const section = asSection(cell);
  if (section) return section;
  const whole = asLabel(cell, cell.text, null);
  if (whole) return whole;
  const lines = cell.text.split('\n');
  if (lines.length > 1) {
    const first = asLabel(cell, lines[0]!, lines.slice(1).join('\n'));
    if (first) return first;
    const firstSection = asSection({ ...cell, text: lines[0]! });
    if (firstSection) return firstSection;
  }
  const colon = /^([^:：]{1,18})[:：]\s*(.+)$/s.exec(cell.text);
  if (colon) {
    const label = asLabel(cell, colon[1]!, colon[2]!);
    if (label) return label;
  }
  const spaced = /^(\S{2,18}?)\s+([-+]?\d[\d.,]*)$/.exec(cell.text);
  if (spaced) {
    const label = asLabel(cell, spaced[1]!, spaced[2]!) ?? asSection({ ...cell, text: spaced[1]! });
    if (label) return label;
  }
  return { kind: 'value', cell };
}

/**
 * Given a row's cells, return its tokens. A label wrapped across two cells ("主管部门 | 及编码",
 * "部门(单位) | 名称") is one label: a value cell that completes the label before it is merged in.
 */
export function tokenizeRow(cells: readonly RowCell[]): Token[] {
  const tokens: Token[] = [];
  for (const cell of cells) {
    const token = tokenizeCell(cell);
    const previous = tokens.at(-1);
    if (token.kind === 'value' && previous && previous.kind !== 'section' && completesLabel(previous.cell.text, cell.text)) {
      const merged = asLabel(previous.cell, `${previous.cell.text}${cell.text}`, null);
      if (merged) { tokens[tokens.length - 1] = merged; continue; }
    }
    tokens.push(token);
  }
  return tokens;
}

/** A short tail ("名称", "及编码", "情况") that makes the cell before it an exact label. */
function completesLabel(before: string, tail: string): boolean {
  if (labelKey(tail).length > 4 || labelKey(before).length > LONGEST_LABEL) return false;
  const match = matchLabel(`${before}${tail}`, FIELD_LABELS);
  return match !== null && match.distance === 0;
}

/** Row labels name a whole row of amounts (年度资金总额, 其中：财政拨款) rather than one value. */
export const ROW_LABELS: ReadonlySet<FieldLabel> = new Set(['funds_total_row', 'fiscal_row', 'carryover_row', 'other_row', 'source_row']);

export interface KeyValue { key: FieldLabel; label: RowCell; value: RowCell | null; text: string | null; repairs: Repair[] }

/** Goal labels: a header run of them is followed by its texts, and more cells may follow those. */
const GOAL_RUN_KEYS: ReadonlySet<FieldLabel> = new Set(['goal_expected', 'goal_actual', 'goal_long_term']);
/** Labels of one value each that a header run may hold ("部门(单位)名称 | 填报人 | <unit> | <name>"). */
const FIELD_RUN_KEYS: ReadonlySet<FieldLabel> = new Set([
  ...GOAL_RUN_KEYS, 'project_name', 'project_code', 'department', 'central_department', 'implementing_unit', 'filing_unit', 'filler', 'phone', 'contact',
]);

/**
 * Labels printed as a header run with their values after them in the same row, column by column:
 * "年度目标 | 完成情况 | <goal> | <result>", "年初绩效目标 | 全年(调整)绩效目标 | 全年目标实际完成情况 |
 * <goal> | <result>". Adjacent labels of one field are one column (the two goal columns collapsed
 * into one cell). Given the tokens and where a label is, return the pairs and the index after the
 * values, when at least two labels run together before as many values (goal texts may be followed by
 * other cells; other fields' values must end the run).
 */
function headerRun(tokens: readonly Token[], start: number): { pairs: KeyValue[]; end: number } | null {
  const labels: Array<Extract<Token, { kind: 'label' }>> = [];
  let i = start;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'label' || t.inline !== null || !FIELD_RUN_KEYS.has(t.key)) break;
    if (labels.at(-1)?.key !== t.key) labels.push(t);
  }
  if (labels.length < 2) return null;
  const values: RowCell[] = [];
  for (; i < tokens.length && values.length < labels.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'value') break;
    values.push(t.cell);
  }
  if (values.length < labels.length) return null;
  // other fields' values must be exactly as many as their labels: one more cell leaves the order in doubt
  const goalsOnly = labels.every((l) => GOAL_RUN_KEYS.has(l.key));
  if (!goalsOnly && tokens[i]?.kind === 'value') return null;
  const pairs = labels.map((label, k) => ({
    key: label.key, label: label.cell, value: values[k]!, text: values[k]!.text,
    repairs: [...values[k]!.repairs, { rule: 'header_run_paired_in_order', before: label.cell.text, after: values[k]!.text, confidence: 0.9 }],
  }));
  return { pairs, end: i };
}

/**
 * Pair each (non-row) label with its value: the value glued in the label's cell, or the value
 * cell right after it. When both exist the separate cell wins and the glued text is recorded
 * as a stray (预算数: 988.6 | 198.71).
 */
export function pairLabels(tokens: readonly Token[]): { pairs: KeyValue[]; loose: RowCell[]; rowLabels: Array<Extract<Token, { kind: 'label' }>>; sections: Array<Extract<Token, { kind: 'section' }>> } {
  const pairs: KeyValue[] = [];
  const loose: RowCell[] = [];
  const rowLabels: Array<Extract<Token, { kind: 'label' }>> = [];
  const sections: Array<Extract<Token, { kind: 'section' }>> = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'value') { loose.push(token.cell); continue; }
    if (token.kind === 'section') { sections.push(token); continue; }
    if (ROW_LABELS.has(token.key)) { rowLabels.push(token); continue; }
    const run = headerRun(tokens, i);
    if (run) {
      pairs.push(...run.pairs);
      i = run.end - 1;
      continue;
    }
    // a unit caption between a label and its amount (计划投资额 | (万元) | 120) is stepped over; the row's sections keep it
    const unitBetween = tokens[i + 1]?.kind === 'section' && (tokens[i + 1] as Extract<Token, { kind: 'section' }>).unit !== null && tokens[i + 2]?.kind === 'value';
    if (unitBetween) { sections.push(tokens[i + 1] as Extract<Token, { kind: 'section' }>); i++; }
    const next = tokens[i + 1];
    const repairs: Repair[] = token.distance > 0 ? [{ rule: 'fuzzy_label', before: token.cell.text, after: token.key, confidence: 0.95 }] : [];
    if (next?.kind === 'value') {
      if (token.inline) repairs.push({ rule: 'stray_text_in_label_dropped', before: token.cell.text, after: next.cell.text, confidence: 0.85 });
      pairs.push({ key: token.key, label: token.cell, value: next.cell, text: next.cell.text, repairs: [...next.cell.repairs, ...repairs] });
      i++;
    } else {
      if (token.inline) repairs.push({ rule: 'value_split_from_label', before: token.cell.text, after: token.inline, confidence: 0.9 });
      pairs.push({ key: token.key, label: token.cell, value: token.inline ? token.cell : null, text: token.inline, repairs: [...token.cell.repairs, ...repairs] });
    }
  }
  return { pairs, loose, rowLabels, sections };
}
