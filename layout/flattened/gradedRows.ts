/**
 * Rows of a graded target table (绩效指标分类 | 绩效指标 | 绩效指标描述 | 绩效指标评价标准 优 | 良 | 中 | 差 |
 * 评价标准确定依据: Hebei's and other provinces' transfer-payment target tables) whose dump lost the
 * separators: "某某完成率某项工作按期完成的比例98%95%90%80%按年度工作计划评价…". Each indicator prints one
 * threshold per grade, numbers of one unit in grade order — the run that marks where the row's
 * description ends and its basis begins. What stands between two runs is the basis of one row and
 * the name and description of the next: cut at a level name, at a basis another row printed whole,
 * at the words a basis ends in; the name ends where the description repeats its wording, at its
 * bracketed unit, or at its first 率/度. Every cut is an inference (a repair at confidence < 0.9).
 */
import type { Repair } from '../../schemas/document.js';
import { escapeRegExp } from '../../forms/text.js';
import { type IndicatorColumn, levelNamesIn } from '../../forms/vocabulary.js';
import type { CutCells } from './digitRuns.js';
import { isLevel1, isLevel2 } from './words.js';

type Piece =
  | { kind: 'level'; text: string }
  | { kind: 'grades'; values: string[]; fused: boolean }
  | { kind: 'text'; text: string; fused: boolean };

/** One threshold: a number and its unit, optionally after a comparison. */
const THRESHOLD = /^(?:[≥≤<>＞＜]|>=|<=)?\d+(?:\.\d+)?(%|[\u4e00-\u9fff]{1,3})?$/;
const unitOf = (value: string): string => THRESHOLD.exec(value)?.[1] ?? '';
const numberOf = (value: string): number => Number(/\d+(?:\.\d+)?/.exec(value)![0]);

/** Thresholds in grade order: all better to worse one way (higher or lower is better), not all equal. */
function inGradeOrder(values: readonly string[]): boolean {
  const numbers = values.map(numberOf);
  const down = numbers.every((n, k) => k === 0 || n <= numbers[k - 1]!);
  const up = numbers.every((n, k) => k === 0 || n >= numbers[k - 1]!);
  return (down || up) && new Set(numbers).size > 1;
}

/**
 * The runs of `count` thresholds of one unit inside a run-together text ("…的比例98%95%90%80%按…"): each
 * with where it stands. A unit is read shortest first; the run must not go on with a digit.
 */
function thresholdRuns(text: string, count: number): Array<{ at: number; end: number; values: string[] }> {
  const runs: Array<{ at: number; end: number; values: string[] }> = [];
  for (let at = 0; at < text.length; at++) {
    if (!/\d/.test(text[at]!) || /[\d.]/.test(text[at - 1] ?? '')) continue;
    const number = /^\d+(?:\.\d+)?/.exec(text.slice(at))![0];
    for (let size = 1; size <= 3; size++) {
      const unit = text.slice(at + number.length, at + number.length + size);
      if (unit !== '%' && !/^[\u4e00-\u9fff]+$/.test(unit)) break;
      const escaped = escapeRegExp(unit);
      const run = new RegExp(`^(?:\\d+(?:\\.\\d+)?${escaped}){${count}}(?![\\d.])`).exec(text.slice(at));
      const values = run ? [...run[0].matchAll(new RegExp(`\\d+(?:\\.\\d+)?${escaped}`, 'g'))].map((m) => m[0]) : [];
      if (run && inGradeOrder(values)) {
        runs.push({ at, end: at + run[0].length, values });
        at += run[0].length - 1;
        break;
      }
    }
  }
  return runs;
}

/**
 * The tokeniser's other cutters may cut a run of thresholds apart where the dump ran it together
 * ("…时限30天45天60" | "天90天按…", read as a target, an actual and a score): tokens a run crosses
 * are joined again, unless they are the run's own cells, one threshold each.
 */
function rejoinCutRuns(tokens: readonly string[], count: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    let end = i;
    while (end < tokens.length && !isLevel1(tokens[end]!) && !isLevel2(tokens[end]!)) end++;
    if (end === i) { out.push(tokens[i]!); i++; continue; }
    const group = tokens.slice(i, end);
    const starts = group.map((_, k) => group.slice(0, k).join('').length);
    const tokenAt = (offset: number): number => starts.filter((start) => start <= offset).length - 1;
    const merged = [...group];
    const joins: Array<[number, number]> = [];
    for (const run of thresholdRuns(group.join(''), count)) {
      const a = tokenAt(run.at);
      const b = tokenAt(run.end - 1);
      const ownCells = starts[a] === run.at && b - a + 1 === count && starts[b]! + group[b]!.length === run.end;
      if (a !== b && !ownCells) joins.push([a, b]);
    }
    for (const [a, b] of joins.reverse()) merged.splice(a, b - a + 1, group.slice(a, b + 1).join(''));
    out.push(...merged);
    i = end;
  }
  return out;
}

/** The tokens as levels, texts and runs of thresholds: cut out of run-together texts, or `count` threshold cells in a row. */
function piecesOf(printed: readonly string[], count: number): Piece[] {
  const tokens = rejoinCutRuns(printed, count);
  const pieces: Piece[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isLevel1(token) || isLevel2(token)) { pieces.push({ kind: 'level', text: token }); continue; }
    const cells = tokens.slice(i, i + count);
    if (cells.length === count && cells.every((c) => THRESHOLD.test(c) && unitOf(c) === unitOf(cells[0]!)) && inGradeOrder(cells)) {
      pieces.push({ kind: 'grades', values: cells, fused: false });
      i += count - 1;
      continue;
    }
    const runs = thresholdRuns(token, count);
    if (runs.length === 0) { pieces.push({ kind: 'text', text: token, fused: false }); continue; }
    let from = 0;
    for (const run of runs) {
      if (run.at > from) pieces.push(...textAndLevels(token.slice(from, run.at)));
      pieces.push({ kind: 'grades', values: run.values, fused: true });
      from = run.end;
    }
    if (from < token.length) pieces.push(...textAndLevels(token.slice(from)));
  }
  return pieces;
}

/**
 * Run-together text between thresholds, cut at the level names inside it (…按年度计划评价效果指标某某
 * 满意度…: the level opens the next group), older wordings (效果指标) included.
 */
function textAndLevels(text: string): Piece[] {
  const names = levelNamesIn(text);
  if (names.length === 0) return [{ kind: 'text', text, fused: true }];
  const pattern = new RegExp(`(${names.map(escapeRegExp).join('|')})`);
  return text.split(pattern).filter(Boolean).map((part): Piece => (names.includes(part) ? { kind: 'level', text: part } : { kind: 'text', text: part, fused: true }));
}

/** The words a basis ends in (按年度计划评价, 依据行业标准, 参照上年统计数据), chained: 标准评价 is one ending. */
const BASIS_END = /^(.{1,30}?(?:评价|标准|要求|规定|办法|文件|计划|方案|数据|统计|测算|确定)+)(?=.{2,})/;

/**
 * A basis run onto the next row's name: cut after a basis another row printed whole (one document
 * sets the thresholds of several rows), else after the words a basis ends in; null when neither.
 */
function cutBasis(text: string, known: readonly string[]): [string, string] | null {
  const repeated = known.filter((basis) => text.startsWith(basis) && text.length > basis.length + 2).sort((a, b) => b.length - a.length)[0];
  if (repeated) return [repeated, text.slice(repeated.length)];
  const ending = BASIS_END.exec(text);
  return ending ? [ending[1]!, text.slice(ending[1]!.length)] : null;
}

/**
 * A name run onto its description: the description repeats the name's wording at its end (补贴到户
 * 的比率 | 补贴按季度足额发放到户的比率), or the name ends in a bracketed unit (满意度(%)) or at
 * its first 率 or 度 (资金到位率 | 资金是否…); null when none marks the end.
 */
function cutName(text: string): [string, string] | null {
  for (let size = Math.floor(text.length / 2); size >= 4; size--) {
    const tail = text.slice(text.length - size);
    const first = text.indexOf(tail);
    if (first >= 0 && first + size <= text.length - size && first + size >= 4 && text.length - first - size >= 4) return [text.slice(0, first + size), text.slice(first + size)];
  }
  const unit = /^(.{2,30}?[(（][^()（）]{1,6}[)）])(.{4,})$/.exec(text) ?? /^([^，,。；;]{2,20}?[率度])(?![率度])([^)）].{3,})$/.exec(text);
  return unit ? [unit[1]!, unit[2]!] : null;
}

/** A graded row before its cells are laid out: its levels, its name and description, thresholds, basis. */
interface GradedRow { levels: string[]; lead: Piece[]; grades: Piece & { kind: 'grades' }; basis: Piece[] }

/** The level, text and basis pieces between two runs of thresholds, cut into the basis of one row and the opening of the next. */
function splitBetween(between: readonly Piece[], known: readonly string[]): { basis: Piece[]; lead: Piece[] } {
  const level = between.findIndex((p) => p.kind === 'level');
  if (level >= 0) return { basis: between.slice(0, level), lead: between.slice(level) };
  const first = between[0];
  if (!first || first.kind !== 'text') return { basis: [], lead: [...between] };
  if (between.length >= 2 && !first.fused) return { basis: [first], lead: between.slice(1) };
  const cut = cutBasis(first.text, known);
  if (!cut) return { basis: [], lead: [...between] };
  return { basis: [{ kind: 'text', text: cut[0], fused: true }], lead: [{ kind: 'text', text: cut[1], fused: true }, ...between.slice(1)] };
}

const textOf = (pieces: readonly Piece[]): string => pieces.map((p) => (p.kind === 'text' ? p.text : '')).join('');

/**
 * A cell cut into its next in a mirror's chunk of text: the next chunk opens with its number ("2、") and
 * the rest of the cell. Given the texts after the last run of thresholds and the form's title, the
 * last row's basis (the chunks joined, their numbers dropped) and what follows it: the next form, from
 * where its title repeats the opening of this one's.
 */
function lastBasis(after: readonly Piece[], title: string | null): { basis: Piece[]; rest: string[] } {
  const texts = after.filter((p): p is Piece & { kind: 'text' } => p.kind === 'text');
  const opening = title ? title.slice(0, 12) : null;
  const basis: Piece[] = [];
  const rest: string[] = [];
  texts.forEach((piece, k) => {
    let text = k > 0 ? piece.text.replace(/^\d{1,2}、/, '') : piece.text;
    const next = opening && opening.length >= 8 ? text.indexOf(opening) : -1;
    if (rest.length > 0) { rest.push(text); return; }
    if (next >= 0) { rest.push(text.slice(next)); text = text.slice(0, next); }
    if (text) basis.push({ ...piece, text, fused: piece.fused || k > 0 });
  });
  return { basis, rest };
}

export interface GradedRead { rows: string[][]; cut: string[] | null; cutRows: Map<string[], CutCells> }

/** Confidence in a row cut out of run-together text at its thresholds: inferred, not read. */
const GRADED_CUT_CONFIDENCE = 0.7;

/**
 * Given the indicator rows' tokens, the header's columns (one 'grades' column for the caption), how
 * many grades the sub-header names and the form's title, return the rows laid out under the header
 * with the grades column spread over one cell per grade, the cut rows with their repair, and what
 * followed the last row; null when no run of thresholds is found.
 */
export function gradedRows(tokens: readonly string[], columns: readonly IndicatorColumn[], count: number, title: string | null): GradedRead | null {
  if (!columns.includes('grades') || !columns.includes('name')) return null;
  const pieces = piecesOf(tokens, count);
  const runs = pieces.map((p, k) => (p.kind === 'grades' ? k : -1)).filter((k) => k >= 0);
  if (runs.length === 0) return null;
  const hasBasis = columns.indexOf('basis') > columns.indexOf('grades');
  // bases printed whole (before a level name, or in a cell of their own) cut the bases run onto a name
  const between = runs.map((run, r) => pieces.slice(run + 1, runs[r + 1] ?? pieces.length));
  const known = between.flatMap((b, r) => {
    const level = b.findIndex((p) => p.kind === 'level');
    const whole = r === runs.length - 1 ? b : level >= 0 ? b.slice(0, level) : b.length >= 2 && b[0]!.kind === 'text' && !b[0]!.fused ? [b[0]!] : [];
    return whole.length === 1 && whole[0]!.kind === 'text' ? [whole[0]!.text] : [];
  });
  const graded: GradedRow[] = [];
  let lead: Piece[] = pieces.slice(0, runs[0]);
  let rest: string[] = [];
  runs.forEach((run, r) => {
    const row: GradedRow = { levels: lead.filter((p) => p.kind === 'level').map((p) => p.kind === 'level' ? p.text : ''), lead: lead.filter((p) => p.kind === 'text'), grades: pieces[run] as GradedRow['grades'], basis: [] };
    graded.push(row);
    if (r === runs.length - 1) {
      const last = hasBasis ? lastBasis(between[r]!, title) : { basis: [], rest: between[r]!.map((p) => (p.kind === 'grades' ? p.values.join('') : p.text)) };
      row.basis = last.basis;
      rest = last.rest;
      return;
    }
    const split = hasBasis ? splitBetween(between[r]!, known) : { basis: [], lead: between[r]! };
    row.basis = split.basis;
    lead = split.lead;
  });
  const cutRows = new Map<string[], CutCells>();
  const rows = graded.map((row) => layOut(row, columns, count, cutRows));
  return { rows, cut: rest.length > 0 ? rest : null, cutRows };
}

/** One graded row under the header's columns, the cut recorded where any of its cells was cut out of a run. */
function layOut(row: GradedRow, columns: readonly IndicatorColumn[], count: number, cutRows: Map<string[], CutCells>): string[] {
  const leadText = textOf(row.lead);
  const separate = row.lead.length >= 2 && row.lead.every((p) => p.kind === 'text' && !p.fused);
  const hasDescription = columns.includes('description');
  const cutLead = !hasDescription ? null : separate ? [textOf(row.lead.slice(0, 1)), textOf(row.lead.slice(1))] as [string, string] : cutName(leadText);
  const [name, description] = cutLead ?? [leadText, ''];
  const level1 = row.levels.find((l) => isLevel1(l)) ?? '';
  const level2 = row.levels.find((l) => isLevel2(l) && l !== level1) ?? '';
  const cells: string[] = [];
  const cutCols: number[] = [];
  for (const column of columns) {
    if (column === 'grades') {
      row.grades.values.slice(0, count).forEach((value) => { if (row.grades.fused) cutCols.push(cells.length); cells.push(value); });
      continue;
    }
    const fused = (column === 'name' || column === 'description') && (row.lead.some((p) => p.kind === 'text' && p.fused) || !separate);
    const text = column === 'level1' ? level1 : column === 'level2' ? level2 : column === 'name' ? name : column === 'description' ? description : column === 'basis' ? textOf(row.basis) : '';
    if (text && (fused || (column === 'basis' && row.basis.some((p) => p.kind === 'text' && p.fused)))) cutCols.push(cells.length);
    cells.push(text);
  }
  if (cutCols.length > 0) {
    const before = [leadText, row.grades.values.join(''), textOf(row.basis)].join('');
    const repair: Repair = { rule: 'graded_row_cut', before, after: cells.filter(Boolean).join(' | '), confidence: GRADED_CUT_CONFIDENCE };
    cutRows.set(cells, { cols: cutCols, repair });
  }
  return cells;
}
