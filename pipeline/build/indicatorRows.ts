/** The indicator table: its header, each row aligned to it, and the finished indicators. */
import levenshtein from 'fast-levenshtein';
import { isBlank, labelKey } from '../../forms/text.js';
import { bracketedPoints, parseScore, parseValue } from '../../forms/values.js';
import {
  FIELD_LABELS, HEADER_BLOCK_FIELDS, INDICATOR_COLUMNS, type IndicatorColumn, ROW_NUMBER, SIGNATURE_BLOCK, gradeScale, isRubricLevel1, matchIndicatorColumn,
  matchLabel, matchLevel1, matchLevel2, namesIndicatorsAfter,
} from '../../forms/vocabulary.js';
import { FormDraft } from './draft.js';
import { type AlignedRow, type HeaderColumn, type RowCell, alignRow, isOperatorCell, isUnitCell, labelOnlyRow, resolveLevels } from '../indicators.js';
import type { Repair } from '../../schemas/document.js';
import { Indicator } from '../../schemas/record.js';
function nearestMissingColumn(text: string, present: ReadonlySet<IndicatorColumn>): IndicatorColumn | null {
  const key = labelKey(text);
  if (key.length < 2 || key.length > 12) return null;
  let best: { column: IndicatorColumn; distance: number } | null = null;
  for (const [column, terms] of Object.entries(INDICATOR_COLUMNS) as Array<[IndicatorColumn, readonly string[]]>) {
    if (present.has(column)) continue;
    for (const term of terms) {
      const distance = levenshtein.get(key, term);
      if (distance <= Math.max(1, Math.floor(term.length / 3)) && (!best || distance < best.distance)) best = { column, distance };
    }
  }
  return best?.column ?? null;
}

/** A weight column right after a level's column weighs that level (rubric templates print three 分值 columns). */
const LEVEL_WEIGHT: Partial<Record<IndicatorColumn, IndicatorColumn>> = { level1: 'level1_weight', level2: 'level2_weight' };

/**
 * Rows already asked: every row of a form is asked whether it is the indicator header, those of the
 * header block twice (its money unit is read above the header first). Prepared rows are shared
 * (`prepareRow`), so their cells are the key; the entry goes with them.
 */
const headersOfRows = new WeakMap<readonly RowCell[], readonly HeaderColumn[] | null>();

/** The indicator header a row prints, or null: the columns it names, in the printed order. */
export function indicatorHeaderOf(cells: readonly RowCell[]): readonly HeaderColumn[] | null {
  let header = headersOfRows.get(cells);
  if (header === undefined) {
    header = readIndicatorHeader(cells);
    headersOfRows.set(cells, header);
  }
  return header;
}

function readIndicatorHeader(cells: readonly RowCell[]): HeaderColumn[] | null {
  const header: HeaderColumn[] = [];
  let previous: IndicatorColumn | null = null;
  let previousText = '';
  for (const cell of cells) {
    if (isBlank(cell.text)) continue;
    const match = namesIndicatorsAfter(previousText, cell.text) ? { canonical: 'name' as const } : matchIndicatorColumn(cell.text);
    previousText = cell.text;
    const levelWeight = match?.canonical === 'weight' && previous ? LEVEL_WEIGHT[previous] : undefined;
    if (levelWeight && !header.some((h) => h.column === levelWeight)) header.push({ column: levelWeight, col: cell.col });
    // 指标性质 | 指标方向: two sign columns, one holding 定量/正向, the other the comparison
    else if (match && (match.canonical === 'target_op' || !header.some((h) => h.column === match.canonical))) header.push({ column: match.canonical, col: cell.col });
    previous = match?.canonical ?? null;
  }
  const columns = new Set(header.map((h) => h.column));
  if (header.length < 3 || !(columns.has('name') || columns.has('level2') || columns.has('target'))) return null;
  // In a row that is clearly the header, a misread label (指标什 for 指标值) may be one slip further
  // from its term than a label on its own is allowed: it names a column the row still lacks.
  for (const cell of cells) {
    if (header.some((h) => h.col === cell.col) || isBlank(cell.text)) continue;
    const near = nearestMissingColumn(cell.text, columns);
    if (near) { header.push({ column: near, col: cell.col }); columns.add(near); }
  }
  // A printed column the vocabulary does not know keeps its place (its cells are not stored) and
  // is reported: a reviewer must see what it held. Captions before the first column are not columns.
  const firstCol = Math.min(...header.map((h) => h.col));
  for (const cell of cells) {
    if (cell.col <= firstCol || header.some((h) => h.col === cell.col) || isBlank(cell.text)) continue;
    header.push({ column: 'note', col: cell.col, unknown: cell.text });
  }
  header.sort((a, b) => a.col - b.col);
  // A garbled 一级指标 label (text of another cell printed over it) still has a level-1 column.
  if (!columns.has('level1')) header.unshift({ column: 'level1', col: Math.max(0, (header[0]?.col ?? 1) - 1) });
  if (!columns.has('name')) {
    const at = header.findIndex((h) => h.column === 'level2');
    header.splice(at + 1, 0, { column: 'name', col: (header[at]?.col ?? 0) + 1 });
  }
  return header;
}

/**
 * A graded table's sub-header (优 | 良 | 中 | 差) under the header's 绩效指标评价标准 caption: the header
 * with the caption's column spread over one column per grade, the best grade's column the target
 * (the threshold the indicator is to reach: the nearest this template prints to one target), the
 * others kept apart as grades. Null when the header has no such caption or the row is no scale.
 */
export function withGradeSubHeader(header: readonly HeaderColumn[], cells: readonly RowCell[]): HeaderColumn[] | null {
  const caption = header.findIndex((h) => h.column === 'grades');
  const scale = caption < 0 ? null : gradeScale(cells.map((c) => c.text));
  if (!scale || cells.length !== scale.length) return null;
  const grades: HeaderColumn[] = cells.map((cell, k) => ({ column: k === 0 ? 'target' : 'grades', col: cell.col, grade: scale[k] }));
  const others = header.filter((h, k) => k !== caption && !grades.some((g) => g.col === h.col));
  return [...others, ...grades].sort((a, b) => a.col - b.col);
}

export function isClosingRow(cells: readonly RowCell[]): boolean {
  if (SIGNATURE_BLOCK.test(cells[0]?.text.replace(/\s/g, '') ?? '')) return true;
  // after the indicator rows: an attachment's heading (附件:, 附件2), or the header of another table
  // (序号 | 乡镇 | 项目 | 金额 …, an allocation list) that is no repeat of the indicator header
  const first = labelKey(cells[0]?.text ?? '');
  if (/^附件\d*[:：]?$/.test(first) || (first === '序号' && indicatorHeaderOf(cells) === null)) return true;
  return cells.slice(0, 3).some((c) => {
    const key = labelKey(c.text).replace(/^[一二三四五六七八九十]+、?/, '');
    return key === '总分' || key === '合计' || key.startsWith('存在问题') || key === '合计得分';
  });
}


export function readIndicatorRow(draft: FormDraft, cells: readonly RowCell[], placeholders: readonly RowCell[]): void {
  if (placeholders.length > 0) draft.placeholderCount += placeholders.length;
  if (cells.length === 0) return;
  const fieldLabel = cells.find((c) => labelKey(c.text).length <= 8 && HEADER_BLOCK_FIELDS.has(matchLabel(c.text, FIELD_LABELS)?.canonical ?? ''));
  if (fieldLabel) {
    draft.issue('indicators', 'field_label_in_indicators', `an indicator row holds the field label "${fieldLabel.text}": a form's header block was read as indicator rows (two forms joined?)`);
  }
  // a rubric read by its shape placed its captions itself: a row it gives is a row, though its only
  // cell is a name that reads as a level (社会效益 as a rubric's third-level row)
  const byShape = cells.some((c) => c.repairs.some((p) => p.rule === 'rubric_read_by_shape'));
  const labelOnly = byShape ? null : labelOnlyRow(cells, placeholders.length > 0);
  if (labelOnly) { draft.indicatorRows.push(labelOnly); return; }
  // a 决策/过程 group anywhere above (or on this row) makes the table a scoring rubric
  draft.rubricTable ||= cells.some((c) => isRubricLevel1(matchLevel1(c.text)?.canonical));
  draft.indicatorRows.push(alignRow(cells, draft.indicatorHeader, draft.rubricTable));
}


/** Confidence in a graded table's best-grade threshold read as the target: the template prints no one target. */
const GRADED_TARGET_CONFIDENCE = 0.8;

/**
 * A graded table's target is its best grade's threshold (优 100% of 优 100% | 良 90% | 中 85% | 差 80%): a
 * reading of the contract's one target, said with every grade, so a reviewer sees the thresholds.
 */
function gradedTarget(draft: FormDraft, row: AlignedRow): Repair | null {
  const grades = draft.indicatorHeader.filter((h) => h.grade !== undefined);
  const target = row.fields.target;
  if (grades.length === 0 || !target) return null;
  const thresholds = [target, ...(row.grades ?? [])].map((cell) => `${grades.find((g) => g.col === cell.col)?.grade ?? '?'} ${cell.text}`);
  return { rule: 'best_grade_as_target', before: thresholds.join(' | '), after: target.text, confidence: GRADED_TARGET_CONFIDENCE };
}

function indicatorField(draft: FormDraft, path: string, cell: RowCell | undefined, extra: Repair[]): { text: string | null; confidence: number } {
  if (!cell) return { text: null, confidence: 1 };
  const confidence = draft.log.add(path, cell.text, cell.origin, [...cell.repairs, ...extra]);
  return { text: cell.text, confidence };
}

/**
 * A target printed over three columns (指标性质 | 指标值 | 度量单位: "≥ | 95 | %") read as one
 * value "≥95%"; a sign cell that holds 定量/定性 is not a sign.
 */
function splitTargetText(fields: AlignedRow['fields']): string {
  const target = fields.target?.text.trim() ?? '';
  const op = fields.target_op && isOperatorCell(fields.target_op.text) ? fields.target_op.text.replace(/\s/g, '') : '';
  const unit = fields.target_unit && isUnitCell(fields.target_unit.text) && /\d$/.test(target) ? fields.target_unit.text.trim() : '';
  if (target === '' || (op === '' && unit === '') || /^[≥≤<>=＜＞≧≦]/.test(target)) return target;
  return `${op}${target}${unit}`;
}

/** A template's fill-in hint left in a name: "(≥**元/人·月)", "(≥××%)"; its row number (指标1:) is removed too. */
const FILL_IN_HINT = /[(（][^()（）]*(\*\*|××|ＸＸ|XX)[^()（）]*[)）]/g;

function withoutTemplateMarks(text: string): string {
  return text.replace(FILL_IN_HINT, '').replace(ROW_NUMBER, '').trim();
}

/** A rubric's name that carries its points: "相关性(5分)" — the name, and its 分值 where no column prints one. */
function pointsInName(row: AlignedRow): { name: string; points: number; repair: Repair } | null {
  const text = row.fields.name?.text.replace(/\n/g, '').trim();
  const carried = text && !row.fields.weight ? bracketedPoints(text) : null;
  if (!carried || carried.label === '') return null;
  return { name: carried.label, points: carried.points, repair: { rule: 'points_from_name', before: text!, after: `${carried.label} | ${carried.points}`, confidence: 0.9 } };
}

function templateMarks(text: string | undefined): Repair[] {
  if (!text || withoutTemplateMarks(text) === text.trim()) return [];
  const rule = ROW_NUMBER.test(text.trim()) && text.search(FILL_IN_HINT) < 0 ? 'row_number_removed' : 'fill_in_hint_removed';
  return [{ rule, before: text, after: withoutTemplateMarks(text), confidence: 0.97 }];
}

/** Repairs the extractor made to how a row was read (rows rebuilt from cell order), once each. */
function extractorRepairs(row: AlignedRow): Repair[] {
  const cells = [row.level1Cell, row.level2Cell, ...Object.values(row.fields)].filter((c): c is RowCell => c !== null && c !== undefined);
  const rules = new Map<string, Repair>();
  for (const cell of cells) for (const repair of cell.repairs) if (repair.rule === 'cell_order_rebuilt') rules.set(repair.rule, repair);
  return [...rules.values()];
}

/**
 * A template's row left empty: its level names, the next level's name in the name column, and no
 * target, value, weight or score ("效益指标 | 经济效益指标 | 社会效益指标").
 */
function isEmptyTemplateRow(row: AlignedRow): boolean {
  const name = row.fields.name?.text;
  // (a rubric read by its shape knows its rows from its captions: 社会效益 there is a row's name)
  if (!name || row.fields.name!.repairs.some((p) => p.rule === 'rubric_read_by_shape')) return false;
  const level = matchLevel1(name) ?? matchLevel2(name);
  if (!level || level.distance > 0) return false;
  return (['target', 'actual', 'weight', 'score', 'description'] as const).every((k) => !row.fields[k] || isBlank(row.fields[k]!.text));
}

export function finishIndicators(draft: FormDraft): void {
  const resolved = resolveLevels(draft.indicatorRows, draft.levelAfterRows);
  const seen = new Map<string, number>();
  for (const r of resolved) {
    const i = draft.record.indicators.length;
    const p = `indicators[${i}]`;
    const shift: Repair[] = r.row.shifted ? [{ rule: 'column_shift_realigned', before: 'printed column', after: 'content column', confidence: 0.93 }] : [];
    const fingerprint = JSON.stringify([r.level1, r.level2, ...(['name', 'target', 'actual', 'weight', 'score', 'description'] as const).map((k) => r.row.fields[k]?.text ?? null)]);
    if (seen.has(fingerprint)) {
      draft.issue(`indicators[${seen.get(fingerprint)}]`, 'duplicate_row', `row "${r.row.fields.name?.text ?? '?'}" is printed again identically; kept once`, 'info');
      continue;
    }
    if (isEmptyTemplateRow(r.row)) {
      draft.issue('indicators', 'empty_template_row', `a row of level names only ("${r.row.fields.name!.text}") holds no indicator; not stored`, 'info');
      continue;
    }
    seen.set(fingerprint, i);
    const points = pointsInName(r.row);
    const name = indicatorField(draft, `${p}.name`, r.row.fields.name, [...shift, ...templateMarks(r.row.fields.name?.text), ...(points ? [points.repair] : [])]);
    if (points) draft.log.add(`${p}.weight`, r.row.fields.name!.text, r.row.fields.name!.origin, [...r.row.fields.name!.repairs, points.repair]);
    const levelConfidence = r.levelRepairs.reduce((c, x) => c * x.confidence, 0.97);
    // a level filled down or read from a rebuilt row is as doubtful as the row's own cells
    const rowRead = extractorRepairs(r.row);
    draft.log.add(`${p}.level1`, r.level1Printed, r.row.level1Cell?.origin ?? null, [...rowRead, ...r.levelRepairs.filter((x) => x.rule.includes('level1') || x.rule === 'orphan_label_row')]);
    const level2Cell = r.rubricGroup?.cell ?? r.row.level2Cell;
    draft.log.add(`${p}.level2`, r.rubricGroup?.cell.text ?? r.level2Printed, level2Cell?.origin ?? null, [...rowRead, ...r.levelRepairs.filter((x) => x.rule.includes('level2') || x.rule === 'orphan_label_row')]);
    const confidences = [name.confidence, levelConfidence];
    const value = (column: 'target' | 'actual') => {
      const cell = r.row.fields[column];
      if (!cell) return null;
      const repairs = [...shift];
      const text = column === 'target' ? splitTargetText(r.row.fields) : cell.text;
      if (text !== cell.text) repairs.push({ rule: 'target_from_split_cells', before: cell.text, after: text, confidence: 0.97 });
      const graded = column === 'target' ? gradedTarget(draft, r.row) : null;
      if (graded) repairs.push(graded);
      const parsed = parseValue(text);
      if (parsed.junk) repairs.push({ rule: 'latin_junk_removed', before: cell.text, after: cell.text.replace(parsed.junk, ''), confidence: 0.9 });
      if (/百分/.test(cell.text)) repairs.push({ rule: 'percent_word_to_sign', before: cell.text, after: '%', confidence: 0.99 });
      confidences.push(indicatorField(draft, `${p}.${column}`, cell, repairs).confidence);
      return parsed.value;
    };
    const number = (column: 'weight' | 'score') => {
      const cell = r.row.fields[column];
      if (!cell) return null;
      confidences.push(indicatorField(draft, `${p}.${column}`, cell, shift).confidence);
      return parseScore(cell.text);
    };
    const text = (column: 'description' | 'deviation_note' | 'basis') => {
      const cell = r.row.fields[column];
      if (!cell) return null;
      indicatorField(draft, `${p}.${column}`, cell, shift);
      return cell.text;
    };
    const indicator: Indicator = {
      level1: r.level1, level1_weight: r.level1Weight, level2: r.level2 ?? r.rubricGroup?.name ?? null,
      name: points ? points.name : name.text ? withoutTemplateMarks(name.text.replace(/\n/g, '')) : null,
      description: text('description'), target: value('target'), actual: value('actual'),
      weight: points ? points.points : number('weight'), score: number('score'), deviation_note: text('deviation_note'), basis: text('basis'),
      confidence: 1,
    };
    if (!indicator.name) { draft.issue(`${p}.name`, 'missing', 'indicator row without a 三级指标 name'); confidences.push(0.5); }
    if (draft.record.form_type === 'self_evaluation' && indicator.score === null) {
      draft.issue(`${p}.score`, 'missing', `no score printed for "${indicator.name ?? '?'}"`);
      confidences.push(0.6);
    }
    if (r.row.dropped.length > 0) draft.issue(p, 'dropped_cells', `cells not placed: ${r.row.dropped.map((c) => `"${c.text}"`).join(', ')}`, 'info');
    // never silent: graded standards printed without the grade sub-header that says which is which
    if (r.row.grades?.length && !draft.indicatorHeader.some((h) => h.grade !== undefined)) {
      draft.issue(`${p}.target`, 'grades_unread', `graded standards printed with no grade sub-header (优/良/中/差): ${r.row.grades.map((c) => `"${c.text}"`).join(', ')} not read as a target`);
    }
    if (indicator.level1 === null) draft.issue(`${p}.level1`, 'missing', 'no first-level label for this row');
    indicator.confidence = Math.round(Math.min(...confidences) * 1000) / 1000;
    draft.record.indicators.push(indicator);
  }
  const targetColumn = draft.indicatorHeader.some((h) => h.column === 'target');
  if (targetColumn && draft.record.indicators.length > 0 && draft.record.indicators.every((i) => i.target === null)) {
    draft.issue('indicators', 'target_column_empty', 'the table has a target column but no row has a target read from it');
  }
  if (draft.placeholderCount > 0) draft.issue('indicators', 'placeholder_dropped', `${draft.placeholderCount} template placeholder cells (指标 N:, .....) dropped`, 'info');
}


