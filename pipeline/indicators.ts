/**
 * Indicator rows: align each row's non-empty cells to the columns its header announced, by what
 * the cells contain (level vocabularies, values, scores, text) and where they sit; then resolve
 * first/second-level labels across rows (fill-down, labels printed a row off, orphan label rows).
 */
import type { Origin, Repair } from '../schemas/document.js';
import {
  type IndicatorColumn, type Level1, type Level2, type LevelLabel,
  impliedLevel1, impliedLevel2, isBlockCaption, isCompatible, isOwnLevelLabel, matchLevel1, matchLevel2, matchShortLevel2,
} from '../forms/vocabulary.js';
import { bracketedPoints, isValueLike, parseScore } from '../forms/values.js';

export interface RowCell { text: string; col: number; origin: Origin; repairs: Repair[] }
/** A column of the indicator header; `unknown` holds the printed label of a column no vocabulary entry names. */
export interface HeaderColumn {
  column: IndicatorColumn; col: number; unknown?: string;
  /** a graded table's grade (优, 良 …) whose threshold the column holds */
  grade?: string;
}

/** Fields a row's cells were assigned to (level labels kept apart). */
export type RowFields = Partial<Record<Exclude<IndicatorColumn, 'level1' | 'level2'>, RowCell>>;

export interface AlignedRow {
  level1: LevelLabel<Level1> | null;
  level2: LevelLabel<Level2> | null;
  level1Cell: RowCell | null;
  level2Cell: RowCell | null;
  /**
   * A scoring rubric's second-level group printed in the level-2 column (项目立项, 资金管理, 组织实施):
   * rubrics name their groups in their own words, which no canonical level-2 covers.
   */
  rubricGroupCell: RowCell | null;
  fields: RowFields;
  /** cells the alignment could not place (stray labels, junk) */
  dropped: RowCell[];
  /** the alignment moved a cell away from the column its position suggests */
  shifted: boolean;
  labelOnly: boolean;
  hadPlaceholder: boolean;
  /** a graded table's thresholds after the best grade's (which is the target), in grade order */
  grades?: RowCell[];
}

const NEG = -1e9;

/** How `alignRow` reached a cell of its table. */
const [NONE, ASSIGN, SKIP, DROP] = [0, 1, 2, 3] as const;

function isDash(text: string): boolean {
  return /^[/／—\-–]+$/.test(text.replace(/\s/g, ''));
}

function levelLabelOf(text: string): boolean {
  return matchLevel1(text) !== null || matchLevel2(text) !== null;
}


/** A cell that holds only a comparison: ≥, ≦, =, 大于等于, 不低于 (the sign column of a split target). */
export function isOperatorCell(text: string): boolean {
  return /^([≥≤≧≦<>=＜＞﹦＝═]|>=|<=|大于等于|小于等于|大于|小于|等于|不低于|不高于|不少于|不多于|不超过|不小于|不大于)$/.test(text.replace(/\s/g, ''));
}

/** A cell that holds only a unit: 人, 万元, %, 平方米, 人次 (the unit column of a split target). */
export function isUnitCell(text: string): boolean {
  const t = text.replace(/\s/g, '');
  return /^(%|％|‰|[a-zA-Z]{1,3}|[\u4e00-\u9fff]{1,4}(\/[\u4e00-\u9fff]{1,3})?)$/.test(t) && !levelLabelOf(t);
}

/**
 * What a cell's text is, read once per row: the alignment pairs every cell with every column, and
 * each pairing asked the vocabularies again.
 */
interface CellTraits {
  text: string;
  level1: boolean;
  level2: boolean;
  shortLevel2: boolean;
  ownLevel: boolean;
  /** a level label of either vocabulary */
  label: boolean;
  valueLike: boolean;
  dash: boolean;
  score: boolean;
}

function traitsOf(text: string): CellTraits {
  const level1 = matchLevel1(text) !== null;
  const level2 = matchLevel2(text) !== null;
  return {
    text, level1, level2, shortLevel2: matchShortLevel2(text) !== null, ownLevel: isOwnLevelLabel(text), label: level1 || level2,
    valueLike: isValueLike(text), dash: isDash(text), score: parseScore(text) !== null,
  };
}

/** How well a cell fits a column, from its content; NEG means it cannot go there. */
function fit(column: IndicatorColumn, cell: CellTraits): number {
  switch (column) {
    // a label in both vocabularies (满意度指标, 成本指标) is read as first-level first; demoteCostLabel corrects 成本指标
    case 'level1': return cell.level1 ? 3.1 : NEG;
    // 服务对象满意度 before a name: a level-2 label without its 指标 (worth less than the name it also could be);
    // a label in a template's own wording (Guangdong's 投资(或建设规模)控制指标) stands in the level-2
    // column too: taken as the name, it pushed the name into the target and the target out of the row
    case 'level2': return cell.level2 ? 3 : cell.shortLevel2 ? 0.9 : cell.ownLevel ? 0.5 : NEG;
    case 'name': return cell.label ? -1 : cell.valueLike ? -4 : cell.ownLevel ? 0 : 1;
    case 'target':
    case 'grades':
    case 'actual': return cell.label ? -2 : cell.valueLike || cell.dash ? 1 : 0.5;
    case 'weight':
    case 'level1_weight':
    case 'level2_weight':
    case 'score': return cell.score ? 1 : cell.dash ? 0.5 : -3;
    // 指标性质 | 指标方向 hold 定量/定性 and 正向/反向 where the comparison is printed in the target
    case 'target_op': return isOperatorCell(cell.text) ? 2 : /^(定[量性]|正向|反向|中性)$/.test(cell.text.trim()) ? 0.5 : -3;
    case 'target_unit': return isUnitCell(cell.text) ? 1 : -3;
    default: return cell.label ? -2 : cell.valueLike && cell.text.length < 8 ? -0.5 : 0.5;
  }
}

/**
 * A rubric group's name in the level-2 column: short words with no value in them, sitting in that
 * very column (the position is the evidence; its words match no level vocabulary). Worth less than
 * anything the vocabulary recognises, more than dropping it.
 */
const RUBRIC_GROUP_FIT = 0.2;
function isRubricGroupAt(cell: RowCell, column: HeaderColumn): boolean {
  if (column.column !== 'level2' || cell.col !== column.col) return false;
  const label = rubricGroupName(cell.text);
  // (a group whose words also name a first level — 项目效益 under 项目绩效 — is still a group where it is
  // printed: the first-level column, when filled, holds the row's first level)
  return label !== null && matchLevel2(label) === null && matchShortLevel2(label) === null;
}

/** The group's name as the rubric prints it, without spaces and its bracketed points ("资金管理(10分)"). */
function rubricGroupName(text: string): string | null {
  const compact = text.replace(/\s/g, '');
  const label = bracketedPoints(compact)?.label ?? compact;
  return /^[\u4e00-\u9fff、()（）]{2,14}$/.test(label) && !isValueLike(label) ? label : null;
}

/** Cost of leaving a column empty: every indicator has a name; other cells may be blank. */
function skipCost(column: IndicatorColumn): number {
  return column === 'name' ? -4 : 0;
}

/**
 * Cost of leaving a cell out. Two level labels in one row mean one is the caption of a merged
 * cell above; the label nearer the values is this row's, so dropping an earlier cell is cheaper.
 */
function dropCost(cell: CellTraits, index: number): number {
  return (cell.label || cell.ownLevel ? -1.5 : -3) - 0.01 * index;
}

/**
 * Align a row's non-empty cells (in order) to the header's columns (in order): a monotone
 * assignment maximising content fit plus a small bonus for staying in the printed column.
 */
export function alignRow(cells: readonly RowCell[], header: readonly HeaderColumn[], rubric = false): AlignedRow {
  const n = cells.length;
  const m = header.length;
  const width = m + 1;
  // best[i * width + j]: the best score of the first i cells over the first j columns; move: how it was reached
  const best = new Float64Array((n + 1) * width).fill(NEG);
  const move = new Uint8Array((n + 1) * width);
  best[0] = 0;
  const traits = cells.map((cell) => traitsOf(cell.text));
  const drop = traits.map((cell, i) => dropCost(cell, i));
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) continue;
      let value = NEG;
      let how: number = NONE;
      if (i > 0 && j > 0) {
        const f = rubric && isRubricGroupAt(cells[i - 1]!, header[j - 1]!) ? RUBRIC_GROUP_FIT : fit(header[j - 1]!.column, traits[i - 1]!);
        if (f > NEG / 2) {
          const bonus = cells[i - 1]!.col === header[j - 1]!.col ? 0.3 : 0;
          const v = best[(i - 1) * width + j - 1]! + f + bonus;
          if (v > value) { value = v; how = ASSIGN; }
        }
      }
      if (j > 0 && best[i * width + j - 1]! > NEG / 2) {
        const v = best[i * width + j - 1]! + skipCost(header[j - 1]!.column);
        if (v > value) { value = v; how = SKIP; }
      }
      if (i > 0 && best[(i - 1) * width + j]! > NEG / 2) {
        const v = best[(i - 1) * width + j]! + drop[i - 1]!;
        if (v > value) { value = v; how = DROP; }
      }
      best[i * width + j] = value;
      move[i * width + j] = how;
    }
  }
  const row = emptyRow(false, false);
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const how = move[i * width + j];
    if (how === ASSIGN) {
      const cell = cells[i - 1]!;
      const { column, col } = header[j - 1]!;
      if (cell.col !== col) row.shifted = true;
      if (column === 'level1') { row.level1 = matchLevel1(cell.text); row.level1Cell = cell; }
      else if (column === 'level2') {
        row.level2 = matchLevel2(cell.text) ?? matchShortLevel2(cell.text);
        // a label no canonical name covers: a rubric's own group, or a template's own wording (…控制指标)
        if (row.level2 || !rubric) row.level2Cell = cell;
        else row.rubricGroupCell = cell;
      }
      // two sign columns (指标性质 | 指标方向): the one holding the comparison is the target's sign
      else if (column === 'grades') row.grades = [cell, ...(row.grades ?? [])];
      else if (!(column === 'target_op' && row.fields.target_op && isOperatorCell(row.fields.target_op.text))) row.fields[column] = cell;
      i--; j--;
    } else if (how === SKIP) j--;
    else { row.dropped.unshift(cells[i - 1]!); i--; }
  }
  // a rubric's level weight printed in its own column: the level label carries it, as "产出指标(50分)" would
  const levelWeight = row.fields.level1_weight ? parseScore(row.fields.level1_weight.text) : null;
  if (row.level1 && row.level1.weight === null && levelWeight !== null) row.level1 = { ...row.level1, weight: levelWeight };
  return row;
}

function emptyRow(labelOnly: boolean, hadPlaceholder: boolean): AlignedRow {
  return { level1: null, level2: null, level1Cell: null, level2Cell: null, rubricGroupCell: null, fields: {}, dropped: [], shifted: false, labelOnly, hadPlaceholder };
}

/** A row whose every cell is a level label: the caption of a merged cell, printed on its own line. */
export function labelOnlyRow(cells: readonly RowCell[], hadPlaceholder: boolean): AlignedRow | null {
  if (cells.length === 0 || cells.length > 2) return null;
  const row = emptyRow(true, hadPlaceholder);
  // the block's caption (绩效指标, a merged cell down the table's side) printed among the rows, as a
  // PDF's text puts a vertical label midway down its cell: no level — it is one slip from 时效指标
  if (cells.every((cell) => isBlockCaption(cell.text))) return row;
  for (const cell of cells) {
    const l1 = matchLevel1(cell.text);
    const l2 = matchLevel2(cell.text);
    if (l1 && !row.level1 && !row.level2 && (l1.weight !== null || !l2 || cells.length === 2)) { row.level1 = l1; row.level1Cell = cell; }
    else if (l2 && !row.level2) { row.level2 = l2; row.level2Cell = cell; }
    else return null;
  }
  return row;
}

export interface ResolvedRow {
  row: AlignedRow;
  level1: Level1 | null;
  level1Weight: number | null;
  level1Printed: string | null;
  level2: Level2 | null;
  level2Printed: string | null;
  /** a rubric's own second-level group (printed on this row or filled down), where no canonical level-2 applies */
  rubricGroup: { name: string; cell: RowCell } | null;
  /** how the levels were decided, for provenance */
  levelRepairs: Repair[];
}

function repair(rule: string, before: string | null, after: string | null, confidence: number): Repair {
  return { rule, before: before ?? '', after: after ?? '', confidence };
}

/** A 成本指标 in the first-level column with no weight, inside an 产出指标 group, is the second-level 成本指标. */
function demoteCostLabel(row: AlignedRow, contextLevel1: Level1 | null): void {
  if (row.level1?.canonical === '成本指标' && row.level1.weight === null && !row.level2 && contextLevel1 === '产出指标') {
    row.level2 = { canonical: '成本指标', printed: row.level1.printed, weight: null, distance: row.level1.distance };
    row.level2Cell = row.level1Cell;
    row.level1 = null;
    row.level1Cell = null;
  }
}

/**
 * Given aligned rows in order, decide each data row's first- and second-level labels:
 * fill down across merged cells, move a label OCR printed one row early, give an orphan
 * label row to the row above it, and infer a level from the other where only one fits.
 */
export function resolveLevels(rows: readonly AlignedRow[], levelAfterRows: Level2 | null = null): ResolvedRow[] {
  const out: ResolvedRow[] = [];
  let l1: LevelLabel<Level1> | null = null;
  let l2: LevelLabel<Level2> | null = null;
  let pending: LevelLabel<Level1> | null = null;
  let group: ResolvedRow['rubricGroup'] = null;
  let previousHadOwnLabels = true;

  rows.forEach((row, index) => {
    demoteCostLabel(row, l1?.canonical ?? null);
    if (row.labelOnly) {
      if (!row.level1 && !row.level2) return;
      const previous = out[out.length - 1];
      if (previous && !previousHadOwnLabels && !row.hadPlaceholder) {
        // The caption of a one-row merged cell printed below its row: it belongs to the row above.
        const newL1 = row.level1;
        if (newL1) { previous.level1 = newL1.canonical; previous.level1Weight = newL1.weight; previous.level1Printed = newL1.printed; }
        if (row.level2) {
          previous.level2 = row.level2.canonical;
          previous.level2Printed = row.level2.printed;
          if (!isCompatible(previous.level1, row.level2.canonical)) previous.level1 = impliedLevel1(row.level2.canonical);
        } else if (newL1) {
          previous.level2 = impliedLevel2(newL1.canonical);
          previous.level2Printed = null;
        }
        previous.levelRepairs.push(repair('orphan_label_row', null, [row.level1?.printed, row.level2?.printed].filter(Boolean).join(' / '), 0.75));
        previousHadOwnLabels = true;
      }
      if (row.level1) { l1 = row.level1; l2 = null; group = null; }
      if (row.level2) { l2 = row.level2; group = null; }
      return;
    }

    const repairs: Repair[] = [];
    let ownL1 = row.level1;
    const ownL2 = row.level2;
    if (pending && !ownL1) {
      ownL1 = pending;
      repairs.push(repair('level1_label_shifted_down', null, pending.printed, 0.75));
    }
    pending = null;
    if (ownL1 && ownL2 && !isCompatible(ownL1.canonical, ownL2.canonical)) {
      const next = rows.slice(index + 1).find((r) => !r.labelOnly);
      if (next && !next.level1) {
        // OCR printed the next group's first-level label one row early.
        pending = ownL1;
        repairs.push(repair('level1_label_belongs_to_next_row', ownL1.printed, null, 0.75));
        ownL1 = null;
      }
    }
    if (ownL1) { l1 = ownL1; l2 = null; group = null; }
    if (row.rubricGroupCell) { group = { name: rubricGroupName(row.rubricGroupCell.text)!, cell: row.rubricGroupCell }; l2 = null; }
    if (ownL2) {
      l2 = ownL2;
      group = null;
      if (!l1 || !isCompatible(l1.canonical, ownL2.canonical)) {
        const implied = impliedLevel1(ownL2.canonical);
        if (implied || l1) repairs.push(repair('level1_implied_by_level2', l1?.printed ?? null, implied, 0.8));
        l1 = implied ? { canonical: implied, printed: '', weight: null, distance: 0 } : null;
      }
    } else if (row.level2Cell) {
      // a level-2 label in the template's own wording (…控制指标) opens a group of its own: the
      // group above does not run on into it, and no canonical label names it
      l2 = null;
    }
    let level2 = l2?.canonical ?? null;
    let level2Printed = l2?.printed ?? null;
    if (!level2 && l1) {
      level2 = impliedLevel2(l1.canonical);
      if (level2) { repairs.push(repair('level2_implied_by_level1', null, level2, 0.85)); level2Printed = null; }
    }
    if (!ownL1 && l1) repairs.push(repair('fill_down_level1', null, l1.printed, 0.97));
    if (!ownL2 && l2) repairs.push(repair('fill_down_level2', null, l2.printed, 0.97));
    const rubricGroup = level2 ? null : group;
    // kept as printed: the contract's level-2 vocabulary has no word for a rubric's own groups
    if (rubricGroup) repairs.push(repair(row.rubricGroupCell ? 'level2_rubric_group_as_printed' : 'fill_down_level2_rubric_group', null, rubricGroup.name, 0.9));
    previousHadOwnLabels = Boolean(row.level1 || row.level2 || row.rubricGroupCell);
    out.push({
      row,
      level1: l1?.canonical ?? null,
      level1Weight: l1?.weight ?? null,
      level1Printed: l1?.printed || null,
      level2,
      level2Printed,
      rubricGroup,
      levelRepairs: repairs,
    });
  });
  inferLeadingQuantityRows(out, levelAfterRows);
  return out;
}

/**
 * Every template lists the output group's blocks in one order — 数量, 质量, 时效, 成本 — so rows
 * that open the table with no level label of their own (their merged cells lost in a dump or a
 * page cut) and run straight into a printed 质量指标 block can only be the 数量指标 block; rows that
 * run into a printed 数量指标 block are that block (nothing comes before it: a PDF's text prints a
 * tall merged cell's label midway down its rows, after the first of them). Later
 * blocks have more than one possible predecessor, so nothing else is inferred this way. When no row
 * prints a level, the block of a row the input ended inside (`levelAfterRows`) is the one they run into.
 */
function inferLeadingQuantityRows(rows: ResolvedRow[], levelAfterRows: Level2 | null): void {
  const labelled = rows.findIndex((r) => r.level1 !== null || r.level2 !== null);
  const firstLabelled = labelled >= 0 ? labelled : rows.length;
  const first = labelled >= 0 ? rows[labelled]! : { level1: null, level2: levelAfterRows };
  const runsInto = first.level2 === '质量指标' || first.level2 === '数量指标' ? first.level2 : null;
  if (firstLabelled === 0 || !runsInto || (first.level1 !== null && first.level1 !== '产出指标')) return;
  // a leading row that prints a label of its own inside its cells (…制度指标规章制度…) opens a group
  // the order cannot tell
  const leading = rows.slice(0, firstLabelled);
  if (runsInto === '数量指标' && leading.some((r) => /指标/.test(r.row.fields.name?.text ?? ''))) return;
  for (const row of leading) {
    row.level1 = '产出指标';
    row.level2 = '数量指标';
    row.levelRepairs.push(repair('level2_inferred_from_block_order', null, runsInto === '质量指标' ? '数量指标 (before 质量指标)' : '数量指标 (its label printed below its first rows)', 0.7));
  }
}
