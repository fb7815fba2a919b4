/**
 * Indicator rows whose numbers a dump printed together, cut where the table's arithmetic holds.
 *
 * The family: templates without level columns that print their indicator header as 指标名称 |
 * 计量单位 | 指标性质 | 指标值 | 指标权重 | 全年完成值 | 指标得分 | 说明 (Chongqing's 部门整体绩效自评表
 * and its kin). A dump that lost every separator prints each row as "name unit digits", the digits
 * being the row's numeric cells run together ("…覆盖率%95108810" for 95 | 10 | 88 | 10). The header
 * says how many numbers the run holds and in which order; a run is cut only where every piece is a
 * number, each row's score is at most its weight, and the cut is the only one left once the whole
 * table's arithmetic (a weight every row shares, the points the form lost) is applied. Any other run
 * stays unread and is reported.
 */
import type { Repair } from '../../schemas/document.js';
import type { IndicatorColumn } from '../../forms/vocabulary.js';
import { splitNumberRun } from './numbers.js';

/** Confidence of a cell cut out of a run: the cut is inferred from arithmetic, never read. */
export const DIGIT_RUN_CONFIDENCE = 0.75;

/** The numeric columns a run may hold, in whatever order the header prints them. */
const NUMERIC_COLUMNS: ReadonlySet<IndicatorColumn> = new Set(['target', 'weight', 'actual', 'score']);

/**
 * Units a 计量单位 cell holds (measures of output, time, people and money), longest first: in a run
 * the unit is the end of the text before the digits, and only a known unit can be told from the name.
 */
const UNITS: readonly string[] = [
  '%', '‰', '万亩', '亩', '公顷', '平方公里', '平方米', '立方米', '公里', '千米', '米', '吨', '万吨', '公斤', '千克',
  '万元', '元', '万人', '人次', '人', '户', '家', '个', '项', '件', '次', '场', '期', '所', '座', '处', '台', '套', '份',
  '批', '篇', '辆', '株', '万株', '棵', '只', '头', '条', '天', '日', '月', '年', '小时', '学时', '名', '册', '本', '张',
].sort((a, b) => b.length - a.length);

/** A comparison printed in the 指标性质 column before the run. */
const OPERATOR_SUFFIX = /(≥|≤|≧|≦|>=|<=|=|＝|＞|＜|>|<)$/;

/** Header remnants fused onto the first row: a column's points remark and a closing 说明/备注 column. */
const HEADER_TAIL = /^([(（]\s*分\s*[)）])?(说明|备注)?/;

export interface DigitRun { row: string[]; run: string; unit: string; slots: ReadonlyArray<{ column: IndicatorColumn; at: number }> }

/** The cells of a row cut out of a run, and the repair each carries. */
export interface CutCells { cols: number[]; repair: Repair }

export interface DigitRunRead { headerTail: string[]; rows: string[][]; runs: DigitRun[]; cut: string[] | null }

/** A row's text before its digits → name, unit, comparison; null when no known unit ends it. */
function nameAndUnit(text: string): { name: string; unit: string; op: string } | null {
  const op = OPERATOR_SUFFIX.exec(text)?.[0] ?? '';
  const rest = text.slice(0, text.length - op.length);
  const unit = UNITS.find((u) => rest.endsWith(u) && rest.length - u.length >= 2);
  if (!unit) return null;
  const name = rest.slice(0, rest.length - unit.length);
  return /[\u4e00-\u9fff]/.test(name) ? { name, unit, op } : null;
}

/**
 * The rows of a table that lost every separator, each "name unit digits", under a header that
 * prints a unit column and at least three numeric columns; null when the tokens are not such rows
 * (a name holding digits, a row with no known unit, a run too short for the header's numbers).
 */
export function digitRunRows(tokens: readonly string[], columns: readonly IndicatorColumn[]): DigitRunRead | null {
  const numeric = columns.filter((c) => NUMERIC_COLUMNS.has(c));
  // (the family prints no level columns: a level name run onto a row's name could not be told from it)
  const levels = columns.includes('level1') || columns.includes('level2');
  if (levels || !columns.includes('target_unit') || !columns.includes('name') || numeric.length < 3 || tokens.length !== 1) return null;
  const tail = HEADER_TAIL.exec(tokens[0]!)!;
  const headerTail = tail[2] ? [tail[2]] : [];
  const text = tokens[0]!.slice(tail[0].length);
  const width = columns.length + headerTail.length;
  const rows: string[][] = [];
  const runs: DigitRun[] = [];
  let from = 0;
  for (const m of text.matchAll(/(\D+?)(\d[\d.]*)(?=\D|$)/g)) {
    if (m.index !== from) return null;
    const parts = nameAndUnit(m[1]!);
    if (!parts || m[2]!.replace(/\./g, '').length < numeric.length) return null;
    const row = new Array<string>(width).fill('');
    row[columns.indexOf('name')] = parts.name;
    row[columns.indexOf('target_unit')] = parts.unit;
    if (columns.includes('target_op')) row[columns.indexOf('target_op')] = parts.op;
    rows.push(row);
    runs.push({ row, run: m[2]!, unit: parts.unit, slots: numeric.map((column) => ({ column, at: columns.indexOf(column) })) });
    from = m.index + m[0].length;
  }
  if (rows.length < 2) return null;
  // the file may end inside a row: its name, before any digits
  const rest = text.slice(from);
  return { headerTail, rows, runs, cut: rest === '' ? null : [rest] };
}

/** What the form prints about its points outside the table: its total and the funds block's share. */
export interface FormPoints { total: number | null; fundsWeight: number | null; fundsScore: number | null }

/** A form's points are out of 100: the national and provincial self-evaluation templates score so. */
const FULL_MARKS = 100;

/** A percentage beyond this is no rate a 计量单位 % column holds (a cut that reads 9010% is wrong). */
const MAX_PERCENT = 1000;

type Cut = Map<IndicatorColumn, number>;

function cutsOf(run: DigitRun, maxWeight: number): Array<{ pieces: string[]; values: Cut }> {
  return splitNumberRun(run.run, run.slots.length).map((pieces) => ({
    pieces,
    values: new Map(run.slots.map((s, k) => [s.column, Number(pieces[k])] as const)),
  })).filter(({ values }) => {
    const weight = values.get('weight');
    const score = values.get('score');
    if (weight !== undefined && (weight <= 0 || weight > maxWeight)) return false;
    if (weight !== undefined && score !== undefined && score > weight) return false;
    if (run.unit === '%' && ['target', 'actual'].some((c) => (values.get(c as IndicatorColumn) ?? 0) > MAX_PERCENT)) return false;
    return true;
  });
}

/**
 * Cut each run into the header's numbers. Per row: every piece a number, 0 < weight ≤ the points
 * the table holds, score ≤ weight, a percentage no more than MAX_PERCENT. Over the table: where the
 * form prints its total and the funds block's weight and score, the points the indicators lost are
 * (100 − funds weight) − (total − funds score); none lost means every row scored its weight. Where
 * one weight is open to every row, the rows share it. A run with more than one cut left stays
 * unread. Returns the repairs of the rows cut (keyed by row) and the runs left unread.
 */
export function cutDigitRuns(runs: readonly DigitRun[], points: FormPoints): { repairs: Map<string[], CutCells>; unread: DigitRun[] } {
  if (runs.length === 0) return { repairs: new Map(), unread: [] };
  const maxWeight = FULL_MARKS - (points.fundsWeight ?? 0);
  let options = runs.map((run) => cutsOf(run, maxWeight));
  const { total, fundsWeight, fundsScore } = points;
  if (total !== null && fundsWeight !== null && fundsScore !== null && Math.abs(maxWeight - (total - fundsScore)) < 0.005) {
    options = options.map((cuts) => cuts.filter(({ values }) => values.get('weight') === undefined || values.get('score') === undefined || values.get('weight') === values.get('score')));
  }
  const weightsOf = (cuts: typeof options[number]): Set<number> => new Set(cuts.map(({ values }) => values.get('weight')).filter((w): w is number => w !== undefined));
  const shared = options.map(weightsOf).reduce((a, b) => new Set([...a].filter((w) => b.has(w))));
  if (runs.length >= 3 && shared.size === 1) {
    const weight = [...shared][0]!;
    options = options.map((cuts) => cuts.filter(({ values }) => values.get('weight') === undefined || values.get('weight') === weight));
  }
  const repairs = new Map<string[], CutCells>();
  const unread: DigitRun[] = [];
  runs.forEach((run, r) => {
    const cuts = options[r]!;
    if (cuts.length !== 1) { unread.push(run); return; }
    const { pieces } = cuts[0]!;
    run.slots.forEach((slot, k) => {
      // the row's unit heads its values: an actual under a 计量单位 % column is a percentage too
      run.row[slot.at] = slot.column === 'actual' ? `${pieces[k]}${run.unit}` : pieces[k]!;
    });
    const repair = { rule: 'digit_run_cut_by_arithmetic', before: run.run, after: pieces.join(' | '), confidence: DIGIT_RUN_CONFIDENCE };
    repairs.set(run.row, { cols: run.slots.map((s) => s.at), repair });
  });
  return { repairs, unread };
}

// ---------------------------------------------------------------- a weight fused to its target

/** A value cell: a number with its unit (%, or a short unit word), or a bare number. */
const VALUE_CELL = /^(\d+(?:\.\d+)?)(%|[\u4e00-\u9fff]{1,3})?$/;
/** A value whose comparison an OCR read as a stray symbol ("^80%" for ≥80%): the value after it. */
const SYMBOL_THEN_VALUE = /^[\^$~`'"*#]?(\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?)$/;
/** A name's last character before the numbers run on: a CJK character or a closing bracket. */
const NAME_END = /[\u4e00-\u9fff)）]/;

/**
 * The weight every row that was read whole prints (分值 column): the family's rows share one weight
 * often (8 points for each of five rows of a 40-point block). Null unless two or more rows print one and no row another.
 */
export function sharedWeight(rows: readonly string[][], columns: readonly IndicatorColumn[]): string | null {
  const at = columns.indexOf('weight');
  const last = Math.max(at, columns.indexOf('score'));
  const weights = rows.filter((r) => r.length > last).map((r) => r[at] ?? '').filter((w) => /^\d{1,2}(\.\d)?$/.test(w));
  return weights.length >= 2 && weights.every((w) => w === weights[0]) ? weights[0]! : null;
}

/**
 * A row run together after its name, in a template that prints 分值 before the target: "name W T A S"
 * ("…覆盖率695%96%6": 6 | 95% | 96% | 6). With the weight every other row shares, the run is cut into
 * weight, target, actual and score where exactly one cut makes each piece a value, the actual in the
 * target's unit (or one stray symbol before it, an operator the OCR lost), and the score at most the
 * weight. Returns the pieces, or null (the token stays as printed).
 */
function cutWeightFirstRun(token: string, weight: string): string[] | null {
  let name = token.length - 1;
  while (name >= 0 && !NAME_END.test(token[name]!)) name--;
  if (name < 3) return null;
  const tail = token.slice(name + 1);
  if (!tail.startsWith(weight)) return null;
  const rest = tail.slice(weight.length);
  const fits: string[][] = [];
  for (let a = 1; a < rest.length; a++) {
    for (let s = a + 1; s < rest.length; s++) {
      const [target, actual, score] = [rest.slice(0, a), rest.slice(a, s), rest.slice(s)];
      const t = VALUE_CELL.exec(target);
      const v = VALUE_CELL.exec(SYMBOL_THEN_VALUE.exec(actual)?.[1] ?? '');
      // the actual is in the target's unit: "95%96%" is two rates, "95%96" no pair
      if (!t || !v || v[2] !== t[2]) continue;
      if (!/^\d{1,2}(\.\d)?$/.test(score) || Number(score) > Number(weight)) continue;
      fits.push([token.slice(0, name + 1), weight, target, actual, score]);
    }
  }
  return fits.length === 1 ? fits[0]! : null;
}

/**
 * A row with no weight or score whose target ran onto its name, the actual apart after it in the
 * same unit ("…绿化面积6000亩" | "6120亩"): the target is cut off the name. Not where the shared
 * weight could stand before it ("6500亩" may be 6 | 500亩): then the token stays as printed.
 */
function cutTargetFromName(token: string, next: string, weight: string): string[] | null {
  const actual = VALUE_CELL.exec(next);
  const unit = actual?.[2];
  if (!unit || !token.endsWith(unit)) return null;
  const m = /^(.*[\u4e00-\u9fff)）])(\d+(?:\.\d+)?)$/.exec(token.slice(0, token.length - unit.length));
  if (!m || m[1]!.length < 4) return null;
  const number = m[2]!;
  if (number.startsWith(weight) && /^(0|[1-9]\d*)(\.\d+)?$/.test(number.slice(weight.length))) return null;
  return [m[1]!, `${number}${unit}`];
}

/**
 * Rows of a weight-first template (分值 | 年度指标值 | 全年实际值 | 得分) whose cells an OCR ran into
 * one token after the name: cut with the weight the table's other rows share (cutWeightFirstRun).
 * A row that prints no weight, its target run onto the name, is cut too (cutTargetFromName).
 * Returns the tokens with such runs cut, and each cut's pieces (name, then the cells cut off it).
 */
export function cutWeightFirstRows(tokens: readonly string[], columns: readonly IndicatorColumn[], weight: string | null): { tokens: string[]; cuts: string[][] } {
  const order = ['weight', 'target', 'actual', 'score'].map((c) => columns.indexOf(c as IndicatorColumn));
  if (weight === null || order.some((k, i) => k < 0 || (i > 0 && k < order[i - 1]!))) return { tokens: [...tokens], cuts: [] };
  const cuts: string[][] = [];
  const out = tokens.flatMap((token, i) => {
    const pieces = cutWeightFirstRun(token, weight) ?? cutTargetFromName(token, tokens[i + 1] ?? '', weight);
    if (!pieces) return [token];
    cuts.push(pieces);
    return pieces;
  });
  return { tokens: out, cuts };
}

/**
 * The rows that hold a cut's pieces (cutWeightFirstRows) side by side, each marked with the cells
 * cut out of the run and the repair that says so.
 */
export function weightFirstCutCells(rows: readonly string[][], cuts: readonly string[][]): Map<string[], CutCells> {
  const marked = new Map<string[], CutCells>();
  for (const pieces of cuts) {
    for (const row of rows) {
      const at = row.indexOf(pieces[0]!);
      if (at < 0 || !pieces.every((p, k) => row[at + k] === p)) continue;
      const cols = pieces.slice(1).map((_, k) => at + 1 + k);
      // (a target cut off its name alone is a cut of text, not of a run of numbers)
      const rule = pieces.length === 2 ? 'target_cut_from_name' : 'digit_run_cut_by_arithmetic';
      const repair = { rule, before: pieces.join(''), after: pieces.join(' | '), confidence: DIGIT_RUN_CONFIDENCE };
      marked.set(row as string[], { cols, repair });
      break;
    }
  }
  return marked;
}
