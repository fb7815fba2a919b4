/** Label/value rows: header fields, the funds block, goals, and the closing rows under the tables. */
import { labelKey } from '../../forms/text.js';
import { parseMoney, parseScore, pointsOfRate } from '../../forms/values.js';
import { FUNDS_CAPTIONS, type FieldLabel } from '../../forms/vocabulary.js';
import { type Declared, FUNDS_KEYS, FormDraft, type FundsKey, GOAL_KEYS, type GoalKey, STANDARD_FUNDS_ORDER } from './draft.js';
import { setContact, setFiller, setPhone } from './header.js';
import { type RowCell } from '../indicators.js';
import { type KeyValue, pairLabels, tokenizeRow } from '../tokens.js';
import type { Repair } from '../../schemas/document.js';
/** Labels of the transfer-payment and 区域 templates that make a form a region form. */
const REGION_LABELS: ReadonlySet<string> = new Set(['转移支付(项目)名称', '转移支付名称', '转移支付项目名称', '补助项目/区域', '补助区域']);

const BASIC_FIELDS: Partial<Record<FieldLabel, 'project_name' | 'project_code' | 'department' | 'implementing_unit' | 'filing_unit' | 'problems'>> = {
  project_name: 'project_name', project_code: 'project_code', department: 'department',
  implementing_unit: 'implementing_unit', filing_unit: 'filing_unit', problems: 'problems',
};

const DEPARTMENT_FILES_ITS_FORM: Repair = { rule: 'department_files_its_own_form', before: '部门名称', after: 'filing_unit', confidence: 0.85 };

function applyPair(draft: FormDraft, pair: KeyValue): void {
  const basic = BASIC_FIELDS[pair.key];
  // a transfer payment is spent across a region: its form is a region form whatever its title says
  // so is a form that names the area its money goes to (补助项目/区域); both labels exactly as printed, with a value
  if (pair.text && REGION_LABELS.has(labelKey(pair.label.text))) draft.record.scope = 'region';
  if (basic) {
    draft.setText(basic, pair.text, pair.value?.origin ?? pair.label.origin, pair.repairs);
    // a 部门整体 form's 部门名称 names the department the form is about, which is the one that files it
    if (basic === 'department' && draft.record.scope === 'department' && draft.record.filing_unit === null && labelKey(pair.label.text).startsWith('部门名称')) {
      draft.setText('filing_unit', pair.text, pair.value?.origin ?? pair.label.origin, [...pair.repairs, DEPARTMENT_FILES_ITS_FORM]);
    }
    return;
  }
  if (pair.text === null || pair.value === null) return;
  switch (pair.key) {
    case 'initial_budget': case 'adjusted_budget': case 'received': case 'executed':
      draft.setMoney(pair.key, false, pair.value, pair.text, pair.repairs); return;
    case 'execution_rate': draft.setRate('funds.execution_rate', pair.value, pair.text, pair.repairs); return;
    case 'completion_rate': draft.setRate('completion_rate', pair.value, pair.text, pair.repairs); return;
    case 'goal_expected': case 'goal_actual': draft.setText(pair.key, pair.text, pair.value.origin, pair.repairs); return;
    case 'total_score': draft.setNumber('total_score', pair.value, pair.text, pair.repairs); return;
    case 'grade': draft.record.grade = pair.text; draft.log.add('grade', pair.text, pair.value.origin, pair.repairs); return;
    case 'project_amount': draft.projectAmount ??= pair; return;
    // the first person named is the contact: 项目负责人 before 财务负责人, 填表人 before a signature
    case 'filler': if (draft.record.contact.filler === null) setFiller(draft, pair.text, pair.value.origin, pair.repairs); return;
    case 'phone': if (draft.record.contact.phone === null) setPhone(draft, pair.text, pair.value.origin, pair.repairs); return;
    case 'contact': if (draft.record.contact.filler === null) setContact(draft, pair.text, pair.value.origin, pair.repairs); return;
    default: return;
  }
}

/**
 * The funds block's weight from its caption: Hubei's 项目自评表 (every unit of the province files it)
 * prints the block's points in the caption, 预算执行情况(万元)(20分), and no 分值 column, its score
 * column saying how they are spent (得分(20分*执行率)). The points are printed, so they are read
 * (a repair names where from, at a read field's confidence; the block's amounts may be cut off below
 * it), but only where no weight column was printed, and never below the block's own score.
 */
export function readFundsCaptionWeight(draft: FormDraft): void {
  const caption = draft.fundsCaptionPoints;
  const funds = draft.record.funds;
  if (!caption || draft.fundsWeightColumn || funds.weight !== null) return;
  if (funds.score !== null && funds.score > caption.points) return;
  const repair: Repair = { rule: 'funds_weight_from_caption', before: caption.cell.text, after: String(caption.points), confidence: 0.9 };
  draft.setNumber('funds.weight', caption.cell, String(caption.points), [...caption.cell.repairs, repair]);
}

/** Assign a row of amounts to the declared funds columns: by count, by column, or by the standard order. */
function assignFundsRow(draft: FormDraft, values: readonly RowCell[], fiscal: boolean): void {
  const declared = draft.fundsHeader;
  // never silent: the block prints more columns than its total row gave values, so some were lost
  if (!fiscal && values.length < declared.length) {
    draft.issue('funds', 'funds_fields_missing', `the funds block prints ${declared.length} columns but its total row gave ${values.length} values; the others were not read`);
  }
  let keys: Array<FundsKey | null>;
  let repairs: Repair[] = [];
  // the values were matched to the printed columns (by count or by column), not placed by a template's order or by their kind
  const byColumn = declared.length > 0 ? columnKeys(values, declared) : null;
  const placed = declared.length > 0 && (values.length === declared.length || byColumn !== null);
  if (declared.length > 0 && values.length === declared.length) keys = declared.map((d) => d.key);
  else if (byColumn) { keys = byColumn.keys; if (byColumn.shifted) repairs = [{ rule: 'funds_header_over_row_labels', before: 'header one column left', after: 'values under their labels', confidence: 0.8 }]; }
  else if (values.length <= STANDARD_FUNDS_ORDER.length && declared.every((d) => STANDARD_FUNDS_ORDER.includes(d.key))) {
    keys = STANDARD_FUNDS_ORDER.slice(0, values.length);
    repairs = [{ rule: 'funds_columns_by_template_order', before: declared.map((d) => d.key).join(','), after: keys.join(','), confidence: 0.85 }];
  } else {
    keys = typedAssignment(values, declared.map((d) => d.key));
    if (keys.some((k) => k === null)) draft.issue('funds', 'ambiguous', `${values.length} amounts for ${declared.length} funds columns; some left unread`);
  }
  values.forEach((cell, i) => {
    const key = keys[i];
    if (!key) return;
    const r = [...cell.repairs, ...repairs];
    // the block's rate, weight and score, printed on the 财政拨款 row only when the total row left them
    // empty; taken only from a row whose every value stood under a printed column, and said so
    const funds = draft.record.funds;
    // (a rate so taken must print its %: a bare 5 under 执行率 on a 财政资金 row is an amount one column off)
    const forBlock = (field: number | null): boolean => !fiscal || (placed && field === null && (key !== 'execution_rate' || isPercentLike(cell.text) || rateProven(values, keys)));
    const moved: Repair[] = fiscal ? [{ rule: 'block_value_from_fiscal_row', before: cell.text, after: cell.text, confidence: 0.85 }] : [];
    if (key === 'execution_rate') { if (forBlock(funds.execution_rate)) draft.setRate('funds.execution_rate', cell, cell.text, [...r, ...moved]); }
    else if (key === 'funds_weight') { if (forBlock(funds.weight)) draft.setNumber('funds.weight', cell, cell.text, [...r, ...moved]); }
    else if (key === 'funds_score') { if (forBlock(funds.score)) draft.setNumber('funds.score', cell, cell.text, [...r, ...moved]); }
    else draft.setMoney(key, fiscal, cell, cell.text, r);
  });
}

/**
 * Each value under the declared column in its own column; or, where the header starts in the first
 * column (it printed no cell over the row labels, 年度资金总额 | …, so it stands one column to the
 * left of the amounts), in the column before, when that puts amounts under amounts and rates under
 * rates. Null when neither does.
 */
function columnKeys(values: readonly RowCell[], declared: ReadonlyArray<Declared<FundsKey>>): { keys: Array<FundsKey | null>; shifted: boolean } | null {
  const overRowLabels = Math.min(...declared.map((d) => d.col)) === 0;
  const lastCol = Math.max(...declared.map((d) => d.col));
  for (const shift of overRowLabels ? [0, 1] : [0]) {
    // cells right of the block's last column that a label opens belong to another block printed
    // beside it (政府性基金 | …); an amount there is this block's, its header wrapped
    const beyond = values.find((v) => v.col > lastCol + shift);
    const besideBlock = beyond !== undefined && parseMoney(beyond.text, null) === null && !isPercentLike(beyond.text);
    const within = values.map((v) => v.col <= lastCol + shift || !besideBlock);
    const keys = values.map((v, i) => (within[i] ? declared.find((d) => d.col + shift === v.col)?.key : null));
    if (!within.some(Boolean)) continue;
    // under a header that may stand one column off, the kinds decide; otherwise the columns do
    const proven = rateProven(values, keys);
    const fits = (k: FundsKey | null | undefined, i: number): boolean => k === null || (k !== undefined && (!overRowLabels || fundsCellFits(k, values[i]!.text) || (k === 'execution_rate' && proven)));
    if (keys.every(fits)) return { keys: keys as Array<FundsKey | null>, shifted: shift === 1 };
  }
  return null;
}

/**
 * A rate printed without its % (执行率 91.67) under the 执行率 column, proven by the row's own
 * arithmetic: the rate of the weight is the score (91.67% × 10 = 9.17, rounded for print).
 */
function rateProven(values: readonly RowCell[], keys: ReadonlyArray<FundsKey | null | undefined>): boolean {
  const at = (key: FundsKey): number | null => {
    const i = keys.indexOf(key);
    return i < 0 ? null : parseScore(values[i]!.text);
  };
  const rate = at('execution_rate');
  const weight = at('funds_weight');
  const score = at('funds_score');
  if (rate === null || weight === null || score === null || rate > 100 || weight <= 0) return false;
  // (printed values: the score may be rounded or truncated to its last digit)
  return Math.abs(pointsOfRate(rate, weight) - score) <= Math.max(0.01, weight * 0.001) + 0.005;
}

/** What kind of funds cell a column expects. */
function fundsCellFits(key: FundsKey, text: string): boolean {
  if (/^[—\-–/]+$/.test(text.trim())) return true;
  if (key === 'execution_rate') return isPercentLike(text);
  return !isPercentLike(text) && parseMoney(text, null) !== null;
}

/** In order, give each value the next declared column whose kind fits it (amount, rate, score). */
function typedAssignment(values: readonly RowCell[], declared: readonly FundsKey[]): Array<FundsKey | null> {
  let next = 0;
  return values.map((cell) => {
    while (next < declared.length && !fundsCellFits(declared[next]!, cell.text)) next++;
    return next < declared.length ? declared[next++]! : null;
  });
}

function isPercentLike(text: string): boolean {
  return /^\d+(\.\d+)?%[a-zA-Z]*$/.test(text.replace(/\s/g, ''));
}

/** Read one row outside the indicator block: header fields, funds, goals or closing fields. */
export function readLabelRow(draft: FormDraft, cells: readonly RowCell[]): void {
  const tokens = tokenizeRow(cells);
  if (continuesGoalHeader(draft, tokens)) return;
  const { pairs, loose, rowLabels, sections } = pairLabels(tokens);
  const unit = sections.find((s) => s.unit)?.unit;
  if (unit) draft.amountUnit = unit;

  const emptyLabels = pairs.filter((p) => p.text === null);
  const fundsLabels = emptyLabels.filter((p) => FUNDS_KEYS.has(p.key));
  const goalLabels: Array<{ key: FieldLabel; label: RowCell }> = emptyLabels.filter((p) => GOAL_KEYS.has(p.key));
  // 项目总目标 | 年度总体目标 side by side: beside a multi-year goal, 年度总体目标 heads the annual
  // goal's column instead of captioning the block
  if (goalLabels.some((g) => g.key === 'goal_long_term')) {
    for (const s of sections) if (/^(本)?年度(总体)?目标$/.test(labelKey(s.cell.text))) goalLabels.push({ key: 'goal_expected', label: s.cell });
    goalLabels.sort((a, b) => a.label.col - b.label.col);
  }
  if (fundsLabels.length >= 2) draft.fundsHeader = dedupe(fundsLabels.map((p) => ({ key: p.key as FundsKey, col: p.label.col })));
  if (draft.fundsHeader.some((d) => d.key === 'funds_weight')) draft.fundsWeightColumn = true;
  const captioned = sections.find((s) => s.points !== null && FUNDS_CAPTIONS.includes(s.caption));
  if (captioned) draft.fundsCaptionPoints ??= { cell: captioned.cell, points: captioned.points! };
  // (a goal header may close a row of other fields: … | 36.50 | 总体目标 | 中期目标, its values on the next row)
  const goalHeaderCol = Math.min(...goalLabels.map((g) => g.label.col));
  if (goalLabels.length >= 1 && loose.every((v) => v.col < goalHeaderCol)) draft.goalHeader = dedupe(goalLabels.map((p) => ({ key: p.key as GoalKey, col: p.label.col })));

  for (const pair of pairs) applyPair(draft, pair);

  const rowLabel = ownRowLabel(rowLabels, loose);
  if (rowLabel) {
    const fiscal = rowLabel.key === 'fiscal_row';
    if (rowLabel.key === 'funds_total_row' || fiscal) {
      const values = rowLabel.inline && loose.length === 0 ? [{ ...rowLabel.cell, text: rowLabel.inline }] : loose;
      if (draft.fundsHeader.length > 0) assignFundsRow(draft, values, fiscal);
      else {
        // 年度资金申请总额 | 100 with no funds columns announced: the year's budget (the amount glued to
        // the label first: "年度资金总额:25 | 其中…" prints the next line's label after it)
        const inline = rowLabel.inline ? [{ ...rowLabel.cell, text: rowLabel.inline }] : [];
        const after = loose.filter((v) => v.col > rowLabel.cell.col);
        const amount = [...inline, ...after.slice(0, 1)].find((v) => parseMoney(v.text, null) !== null);
        if (amount) draft.setMoney('adjusted_budget', fiscal, amount, amount.text, amount.repairs);
      }
    }
    // 其他 / 上年结转 rows: a rate printed there belongs to the whole block (the OCR moved it)
    const stray = loose.find((v) => isPercentLike(v.text));
    if ((rowLabel.key === 'other_row' || rowLabel.key === 'carryover_row') && stray && draft.record.funds.execution_rate === null && draft.fundsHeader.some((d) => d.key === 'execution_rate')) {
      draft.setRate('funds.execution_rate', stray, stray.text, [...stray.repairs, { rule: 'rate_moved_from_other_row', before: stray.text, after: stray.text, confidence: 0.85 }]);
    }
    return;
  }

  const hasFundsPair = pairs.some((p) => FUNDS_KEYS.has(p.key) && p.text !== null);
  if (hasFundsPair) {
    // 预算数: 34.56 | 到位数: … | 100%: the unlabelled percentage is the 预算执行进度 of the block
    const stray = loose.find((v) => isPercentLike(v.text));
    if (stray && draft.record.funds.execution_rate === null) draft.setRate('funds.execution_rate', stray, stray.text, stray.repairs);
    return;
  }

  // the goal texts, before any label that opens the next block at the end of the row (… | 年度预算数(万元)),
  // or before the next part's numbered heading once every goal column has its text (… | 2.项目实施情况 | …)
  const nextBlock = Math.min(...pairs.map((p) => p.label.col), nextPartCol(draft, loose));
  const goalTexts = loose.filter((v) => v.col < nextBlock);
  if (pairs.every((p) => p.text === null) && goalTexts.length > 0 && draft.goalHeader.length > 0) {
    readGoalValues(draft, goalTexts);
    draft.goalHeader = [];
    return;
  }
  if (pairs.length === 0 && loose.length > 0 && sections.some((s) => labelKey(s.cell.text).endsWith('年度总体目标')) && draft.record.goal_expected === null) {
    draft.setText('goal_expected', loose[0]!.text, loose[0]!.origin, loose[0]!.repairs);
  }
}

/** A part's numbered heading in a form's outline: "3、资金使用情况" (short, no sentence). */
const PART_HEADING = /^\d{1,2}[.、．]\s*[\u4e00-\u9fff]{2,16}$/;

/**
 * The column of a numbered heading that opens the next part of the form after the goal texts, where
 * every goal column was given its text before it; Infinity where there is none.
 */
function nextPartCol(draft: FormDraft, loose: readonly RowCell[]): number {
  const goalColumns = draft.goalHeader.filter((d) => d.key !== 'completion_rate').length;
  const heading = loose.findIndex((v, i) => i >= goalColumns && goalColumns > 0 && PART_HEADING.test(v.text.trim()));
  return heading < 0 ? Infinity : loose[heading]!.col;
}

/**
 * The label a funds row is read under. A block caption may open the row before the row's own label
 * (项目资金 | 申请(万元) | 资金总额: | 41.5): a total-row label with no amount of its own — none glued
 * to it, none between it and the next row label — followed by another row label is that caption.
 */
function ownRowLabel<L extends { key: FieldLabel; inline: string | null; cell: RowCell }>(rowLabels: readonly L[], values: readonly RowCell[]): L | undefined {
  const [first, second] = rowLabels;
  if (!first || !second || first.key !== 'funds_total_row' || first.inline !== null) return first;
  const ownAmount = values.some((v) => v.col > first.cell.col && v.col < second.cell.col && parseMoney(v.text, null) !== null);
  return ownAmount ? first : second;
}

function dedupe<K>(items: ReadonlyArray<Declared<K>>): Array<Declared<K>> {
  const seen = new Set<K>();
  return items.filter((d) => (seen.has(d.key) ? false : (seen.add(d.key), true)));
}

/** The shortest line of a goal cell printed over several rows. */
const MIN_GOAL_LINE = 6;

/**
 * A goal header the flattening broke over two lines: 总体目标 | 中期目标 ends one row and 年度目标 opens
 * the next, followed by one text per column. The label joins the header and the texts are its values.
 */
function continuesGoalHeader(draft: FormDraft, tokens: ReturnType<typeof tokenizeRow>): boolean {
  // the next block's caption (绩效指标) glued to the end of the row by the flattening is no value
  const [first, ...rest] = tokens.filter((t) => t.kind !== 'section');
  if (draft.goalHeader.length === 0 || first?.kind !== 'label' || first.inline !== null || !GOAL_KEYS.has(first.key)) return false;
  if (draft.goalHeader.some((d) => d.key === first.key) || rest.length !== draft.goalHeader.length + 1 || rest.some((t) => t.kind !== 'value')) return false;
  draft.goalHeader = [...draft.goalHeader, { key: first.key as GoalKey, col: first.cell.col }];
  readGoalValues(draft, rest.map((t) => t.cell));
  draft.goalHeader = [];
  return true;
}

/**
 * Values under a goal header: a percentage is the completion rate, texts fill the text columns in
 * order. Twice (three times …) as many texts as text columns, and no rate, are each cell's lines
 * printed one per row (经济普查:… | 人口普查:… under each column): they are shared out in order.
 */
function readGoalValues(draft: FormDraft, cells: readonly RowCell[]): void {
  // the next table's heading (绩效项目指标表) glued to the end of the row by the flattening is no goal
  const values = cells.filter((c, i) => i < cells.length - 1 || !/^\S{2,16}表$/.test(labelKey(c.text)));
  const textKeys = draft.goalHeader.filter((d) => d.key !== 'completion_rate').map((d) => d.key);
  const hasRate = draft.goalHeader.some((d) => d.key === 'completion_rate');
  const linesPerCell = values.length / textKeys.length;
  // (sentences only: a short word among them, 完成 or 是, is a cell of its own and the row holds more than goals)
  const sentences = values.every((v) => labelKey(v.text).length >= MIN_GOAL_LINE);
  if (!hasRate && sentences && textKeys.length >= 2 && Number.isInteger(linesPerCell) && linesPerCell >= 2) {
    textKeys.forEach((key, k) => {
      const lines = values.slice(k * linesPerCell, (k + 1) * linesPerCell);
      const text = lines.map((l) => l.text).join('\n');
      const repairs = [...lines.flatMap((l) => l.repairs), { rule: 'goal_lines_shared_out', before: `${values.length} lines`, after: `${linesPerCell} per column`, confidence: 0.75 }];
      if (key === 'goal_expected' || key === 'goal_actual') draft.setText(key, text, lines[0]!.origin, repairs);
    });
    return;
  }
  let t = 0;
  for (const cell of values) {
    const rateLike = isPercentLike(cell.text) || /^\d+(\.\d+)?$/.test(cell.text);
    if (hasRate && rateLike && (t >= 1 || values.length <= textKeys.length + 1)) {
      draft.setRate('completion_rate', cell, cell.text, cell.repairs);
      continue;
    }
    const key = textKeys[t++];
    if (key === 'goal_expected' || key === 'goal_actual') draft.setText(key, cell.text, cell.origin, cell.repairs);
    // goal_long_term: the multi-year goal has no field of its own
  }
}

export function readClosingRow(draft: FormDraft, cells: readonly RowCell[]): void {
  const first = cells.findIndex((c) => /总分|合计/.test(labelKey(c.text)));
  if (first >= 0) {
    const numbers = cells.slice(first + 1).filter((c) => parseScore(c.text) !== null);
    // 总分 | 分值合计 | 得分合计: with two numbers the second is the score
    const total = numbers[numbers.length === 2 ? 1 : 0];
    if (total) draft.setNumber('total_score', total, total.text, total.repairs);
    // 总分 | 100 | 96 | 优: the grade printed after the total
    const grade = cells.slice(first + 1).find((c) => /^(优|良|中|差|优秀|良好|合格|不合格|较差)$/.test(c.text.trim()));
    if (grade && draft.record.grade === null) { draft.record.grade = grade.text.trim(); draft.log.add('grade', grade.text, grade.origin, grade.repairs); }
    return;
  }
  readLabelRow(draft, cells);
}

