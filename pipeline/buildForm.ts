/**
 * Building records: given one form segment, return its contract record(s) and the provenance of
 * every field. Rows are read in order by a small state machine (header → funds → goals →
 * indicators → closing rows); the indicator block is aligned by content (indicators.ts).
 */
import levenshtein from 'fast-levenshtein';
import type { FieldProvenance, FormSegment, Origin, Repair } from '../schemas/document.js';
import { type FormRecord, type Indicator, type Issue, emptyFunds } from '../schemas/record.js';
import { prepareRow } from './cells.js';
import {
  type AlignedRow, type HeaderColumn, type RowCell, alignRow, isOperatorCell, isUnitCell, labelOnlyRow, resolveLevels,
} from './indicators.js';
import { ProvenanceLog } from './provenance.js';
import { parseTitle, titleText } from '../forms/titles.js';
import { type KeyValue, pairLabels, tokenizeRow } from './tokens.js';
import { isBlank, labelKey } from '../forms/text.js';
import {
  type MoneyUnit, parseMoney, parseRate, parseScore, parseValue,
} from '../forms/values.js';
import {
  type FieldLabel, FIELD_LABELS, HEADER_BLOCK_FIELDS, INDICATOR_COLUMNS, type IndicatorColumn, matchIndicatorColumn, matchLabel, matchLevel1, matchLevel2,
  MONEY_UNIT_DECLARED, NOT_A_NAME, ROW_NUMBER, RUN_ON_LABEL, SIGNATURE_BLOCK, SITE_CHROME,
} from '../forms/vocabulary.js';

export interface BuildContext { file: string; sha256: string; formIndex: number }
export interface Built { record: FormRecord; provenance: FieldProvenance[] }

type FundsKey = 'initial_budget' | 'adjusted_budget' | 'received' | 'executed' | 'execution_rate' | 'funds_weight' | 'funds_score';
const FUNDS_KEYS: ReadonlySet<string> = new Set<FundsKey>(['initial_budget', 'adjusted_budget', 'received', 'executed', 'execution_rate', 'funds_weight', 'funds_score']);
/** The column order of the 年初预算数 … 得分 funds table in every template that prints one. */
const STANDARD_FUNDS_ORDER: readonly FundsKey[] = ['initial_budget', 'adjusted_budget', 'executed', 'funds_weight', 'execution_rate', 'funds_score'];
type GoalKey = 'goal_expected' | 'goal_actual' | 'completion_rate' | 'goal_long_term';
const GOAL_KEYS: ReadonlySet<string> = new Set<GoalKey>(['goal_expected', 'goal_actual', 'completion_rate', 'goal_long_term']);

interface Declared<K> { key: K; col: number }

/** Mutable state while one form's rows are read. */
class FormDraft {
  readonly record: FormRecord;
  readonly log: ProvenanceLog;
  readonly issues: Issue[] = [];
  amountUnit: MoneyUnit | null = null;
  fundsHeader: Array<Declared<FundsKey>> = [];
  goalHeader: Array<Declared<GoalKey>> = [];
  indicatorHeader: HeaderColumn[] = [];
  indicatorRows: AlignedRow[] = [];
  placeholderCount = 0;
  /** 项目金额 / 项目资金总额: the project's amount, the year's budget only where no funds row gives one */
  projectAmount: KeyValue | null = null;

  constructor(segment: FormSegment, readonly ctx: BuildContext) {
    this.log = new ProvenanceLog(ctx.formIndex);
    this.record = {
      id: `${ctx.sha256}:${ctx.formIndex}`,
      source: { file: ctx.file, sha256: ctx.sha256, page: segment.page ?? segment.tables[0]?.rows[0]?.[0]?.origin.page ?? null, form_index: ctx.formIndex },
      form_type: segment.kind,
      scope: scopeOf(segment.title ?? ''),
      year: null, title: segment.title === null ? null : titleText(segment.title), project_name: null, project_code: null, department: null,
      implementing_unit: null, filing_unit: null, amount_unit: null, funds: emptyFunds(),
      goal_expected: null, goal_actual: null, completion_rate: null, indicators: [], total_score: null,
      grade: null, problems: null, contact: { filler: null, phone: null }, confidence: 1, needs_review: false, issues: [],
    };
  }

  issue(field: string, kind: string, detail: string, severity: Issue['severity'] = 'warn'): void {
    this.issues.push({ field, kind, detail, severity });
  }

  /** Set a text field once; a later different value is reported, not silently overwritten. */
  setText(field: 'project_name' | 'project_code' | 'department' | 'implementing_unit' | 'filing_unit' | 'goal_expected' | 'goal_actual' | 'problems' | 'title', text: string | null, origin: Origin | null, repairs: Repair[]): void {
    if (text === null || text.trim() === '') return;
    // a label cut from its value leaves the colon behind (":襄阳市中心医院")
    let value = text.trim().replace(/^[:：]\s*/, '');
    if (value === '') return;
    const fieldRepairs = [...repairs];
    if (field === 'project_code' && /\s/.test(value)) {
      fieldRepairs.push({ rule: 'spaces_removed_from_code', before: value, after: value.replace(/\s/g, ''), confidence: 0.97 });
      value = value.replace(/\s/g, '');
    }
    if (field !== 'goal_expected' && field !== 'goal_actual' && field !== 'problems') value = value.replace(/\n/g, '');
    if (NAME_FIELDS.has(field)) {
      // "襄阳市中心医院填报日期:2022年3月18日": the next label and its value ran into this one
      const runOn = RUN_ON_LABEL.exec(value);
      if (runOn && runOn.index > 0) {
        fieldRepairs.push({ rule: 'next_label_cut_off', before: value, after: value.slice(0, runOn.index), confidence: 0.9 });
        value = value.slice(0, runOn.index).trim();
      }
      if (!isNameLike(value)) return;
    }
    const current = this.record[field];
    if (current !== null && current !== value) {
      this.issue(field, 'conflict', `printed twice: kept "${current}", also saw "${value}"`, 'info');
      return;
    }
    this.record[field] = value;
    this.log.add(field, text, origin, fieldRepairs);
  }

  setMoney(path: 'initial_budget' | 'adjusted_budget' | 'received' | 'executed', fiscal: boolean, cell: RowCell, text: string, repairs: Repair[]): void {
    if (/^[—\-–/]+$/.test(text.trim())) return;
    const money = parseMoney(text, this.amountUnit);
    const field = fiscal ? `funds.fiscal.${path}` : `funds.${path}`;
    if (!money) { this.issue(field, 'unparsed', `not an amount: "${text}"`); return; }
    const fieldRepairs = [...repairs];
    if (money.printedUnit && this.amountUnit && money.printedUnit !== this.amountUnit) {
      fieldRepairs.push({ rule: 'amount_in_other_unit', before: text, after: `${money.yuan} 元`, confidence: 0.9 });
      this.issue(field, 'unit_converted', `printed as "${text}" in a ${this.amountUnit} form; read as ${money.printedUnit}`, 'info');
    }
    if (fiscal) {
      if (path === 'received') return; // the contract keeps no fiscal 到位数
      this.record.funds.fiscal[path] = money.yuan;
    } else this.record.funds[path] = money.yuan;
    this.log.add(field, text, cell.origin, fieldRepairs);
  }

  setRate(field: 'funds.execution_rate' | 'completion_rate', cell: RowCell, text: string, repairs: Repair[]): void {
    const rate = parseRate(text);
    if (rate === null) { if (!/^[—\-–/]+$/.test(text.trim())) this.issue(field, 'unparsed', `not a rate: "${text}"`); return; }
    const fieldRepairs = [...repairs];
    const junk = parseValue(text).junk;
    if (junk) fieldRepairs.push({ rule: 'latin_junk_removed', before: text, after: text.replace(junk, ''), confidence: 0.9 });
    if (!/%/.test(text) && rate !== Number(text)) fieldRepairs.push({ rule: 'bare_number_read_as_percent', before: text, after: `${text}%`, confidence: 0.85 });
    if (field === 'completion_rate') this.record.completion_rate = rate;
    else this.record.funds.execution_rate = rate;
    this.log.add(field, text, cell.origin, fieldRepairs);
  }

  setNumber(field: 'funds.weight' | 'funds.score' | 'total_score', cell: RowCell, text: string, repairs: Repair[]): void {
    const n = parseScore(text);
    if (n === null) return;
    if (field === 'funds.weight') this.record.funds.weight = n;
    else if (field === 'funds.score') this.record.funds.score = n;
    else this.record.total_score = n;
    this.log.add(field, text, cell.origin, repairs);
  }
}

/** Fields that hold a name (of a project or an organisation), never a number or a label. */
const NAME_FIELDS: ReadonlySet<string> = new Set(['project_name', 'department', 'implementing_unit', 'filing_unit']);
/**
 * Is this a name: not an amount or a rate (243.96, 100%), not a label or caption word of the form. A
 * bare run of digits may be an organisation's code (0402009 for 主管部门), so it stays.
 */
function isNameLike(value: string): boolean {
  if (NOT_A_NAME.test(value) || /^[-+]?\d[\d,]*(\.\d+%?|%|万元|元)$/.test(value)) return false;
  const label = matchLabel(value, FIELD_LABELS);
  return !(label && label.distance === 0);
}

function scopeOf(title: string): FormRecord['scope'] {
  if (/部门整体/.test(title)) return 'department';
  if (/区域/.test(title)) return 'region';
  return 'project';
}

// ---------------------------------------------------------------- header lines

const HEADER_LINE_FIELDS: ReadonlyArray<[RegExp, (d: FormDraft, value: string, origin: Origin, repairs: Repair[]) => void]> = [
  [/^填报单位(?:\s*[(（]盖章[)）])?\s*[:：]\s*(?:[(（]盖章[)）]\s*)?([^(（\s].*)$/, (d, v, l, r) => d.setText('filing_unit', v, l, r)],
  [/^预算部门(?:\s*[(（]盖章[)）])?\s*[:：]\s*(.+)$/, (d, v, l, r) => d.setText('filing_unit', v, l, r)],
  [/^(?:金额)?单位\s*[:：]\s*(万元|元)\s*$/, (d, v) => { d.amountUnit ??= v as MoneyUnit; }],
  [/^项目名称\s*[:：]\s*(.+)$/, (d, v, l, r) => d.setText('project_name', v, l, r)],
  [/^主管部门\s*[:：]\s*(.+)$/, (d, v, l, r) => d.setText('department', v, l, r)],
  [/^(?:填报人|填表人)\s*[:：]\s*(.+)$/, (d, v, l, r) => { if (d.record.contact.filler === null) setFiller(d, v, l, r); }],
  [/^(?:联系电话|电话)\s*[:：]\s*(.+)$/, (d, v, l, r) => setPhone(d, v, l, r)],
  // "630001 行政审批部门行政审批局本级": a budget unit's code and name printed above the table (OCR
  // may lose the space); a six-digit amount or date before a unit word is not one
  [/^(\d{6}\s*(?!万?元|年|月|日|个|人|次)[\u4e00-\u9fff]{2}.*)$/, (d, v, l, r) => d.setText('filing_unit', v, l, r)],
];

/** A person's name as printed; "(签字)" or a colon the template left is not part of it. */
function setFiller(draft: FormDraft, raw: string, origin: Origin, repairs: Repair[]): void {
  // "宋云花 联系电话:166…": the next label and its value ran into the name
  const runOn = RUN_ON_LABEL.exec(raw);
  const own = runOn && runOn.index > 0 ? raw.slice(0, runOn.index) : raw;
  const name = own.replace(/[(（]?签[字名][)）]?|[:：]/g, '').trim();
  if (name === '') return;
  draft.record.contact.filler = name;
  const cut: Repair[] = own === raw ? [] : [{ rule: 'next_label_cut_off', before: raw, after: own.trim(), confidence: 0.9 }];
  draft.log.add('contact.filler', raw, origin, [...repairs, ...cut]);
}

/** 联系人及电话 | 王明 0311-1234567: a name, then a number. */
function setContact(draft: FormDraft, raw: string, origin: Origin, repairs: Repair[]): void {
  const m = /^(.*?)[\s,，/]*([\d*][\d*\s-]{4,}\d)$/.exec(raw.replace(/\n/g, ' ').trim());
  setFiller(draft, m ? m[1]! : raw, origin, repairs);
  if (m && draft.record.contact.phone === null) setPhone(draft, m[2]!, origin, repairs);
}

/** A phone number is its digits (and dashes); latin OCR junk glued after it is dropped. */
function setPhone(draft: FormDraft, raw: string, origin: Origin, read: Repair[] = []): void {
  // masked numbers as published (139****8136) are kept as printed
  const digits = /\d[\d*\s-]{4,}\d/.exec(raw)?.[0].replace(/\s/g, '') ?? null;
  if (!/\d/.test(raw)) return; // a label or a word the reader moved here, never a number
  const repairs: Repair[] = digits && digits !== raw.trim() ? [...read, { rule: 'phone_junk_removed', before: raw, after: digits, confidence: 0.95 }] : read;
  draft.record.contact.phone = digits ?? raw.trim();
  draft.log.add('contact.phone', raw, origin, repairs);
}

/** Where a printed line sits: its line number, and for PDFs its page and box. */
function lineOrigin(line: number, page: number | null = null, bbox: Origin['bbox'] = null): Origin {
  return { table: null, row: null, col: null, line, page, bbox };
}

function titleOrigin(segment: FormSegment): Origin {
  return lineOrigin(segment.titleLine ?? 0, segment.page, segment.titleBbox);
}

function readYear(texts: readonly string[]): number | null {
  for (const text of texts) {
    const m = /(?:^|[^\d])((?:19|20)\d{2})\s*年度?/.exec(text) ?? /年度\s*[:：]\s*((?:19|20)\d{2})/.exec(text);
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * Fields on one printed line are apart by wide spaces, or run together before the next label; a
 * bare 单位： after a space is the money unit ("填报单位：(盖章) 单位：万元").
 */
const FIELD_SEPARATOR = /\s{2,}|\t|(?=(?:填报单位|金额单位|填报人|填表人|联系电话|联系人|项目编码|主管部门|填报日期|单位名称)\s*[:：])|\s+(?=单位\s*[:：])/;

/**
 * Given a form segment, return the money unit it declares before its indicator table. Templates
 * print it once, in the funds block's caption or a money column's label, and amounts bare below it;
 * read first, so every amount is converted whichever row states it.
 */
function declaredMoneyUnit(segment: FormSegment): MoneyUnit | null {
  const texts = segment.headerLines.map((h) => h.text);
  above: for (const table of segment.tables) {
    for (const row of table.rows) {
      const { cells } = prepareRow(row);
      if (indicatorHeaderOf(cells)) break above;
      texts.push(...cells.map((c) => c.text));
    }
  }
  for (const pattern of MONEY_UNIT_DECLARED) {
    for (const text of texts) {
      const m = pattern.exec(text.replace(/\s+/g, (w) => (w.includes('\n') ? '\n' : w)));
      if (m) return m[1] as MoneyUnit;
    }
  }
  return null;
}

function readHeaderLines(draft: FormDraft, segment: FormSegment): void {
  draft.amountUnit = declaredMoneyUnit(segment);
  // the title, then lines that state the year (年度, a bare "(2023年)", a heading repeating the title);
  // never a 填报日期, which is the year after
  const statesYear = (text: string) => /年度/.test(text) || parseTitle(text) !== null || /^[(（]?\s*\d{4}\s*年度?\s*[)）]?$/.test(text.trim());
  const yearTexts = [segment.title ?? '', ...segment.headerLines.filter((h) => statesYear(h.text)).map((h) => h.text)];
  const year = readYear(yearTexts);
  if (year !== null) {
    draft.record.year = year;
    draft.log.add('year', yearTexts.find((t) => t.includes(String(year))) ?? null, titleOrigin(segment), segment.titleRepairs ?? []);
  }
  for (const { text, line, page, bbox, repairs } of segment.headerLines) {
    // one printed line may hold several fields: "填报人：王明    联系电话：0311-1234567"
    const parts = text.replace(/^#+\s*/, '').replace(/\*\*/g, '').split(FIELD_SEPARATOR).map((p) => p.trim()).filter(Boolean);
    for (const part of parts) {
      for (const [pattern, apply] of HEADER_LINE_FIELDS) {
        const m = pattern.exec(part);
        if (m) { apply(draft, m[1]!, lineOrigin(line, page, bbox), repairs ?? []); break; }
      }
    }
  }
  if (segment.title) draft.log.add('title', segment.title, titleOrigin(segment), segment.titleRepairs ?? []);
}

// ---------------------------------------------------------------- label/value rows

/** Labels of the transfer-payment and 区域 templates that make a form a region form. */
const REGION_LABELS: ReadonlySet<string> = new Set(['转移支付(项目)名称', '转移支付名称', '转移支付项目名称', '补助项目/区域', '补助区域']);

const BASIC_FIELDS: Partial<Record<FieldLabel, 'project_name' | 'project_code' | 'department' | 'implementing_unit' | 'filing_unit' | 'problems'>> = {
  project_name: 'project_name', project_code: 'project_code', department: 'department',
  implementing_unit: 'implementing_unit', filing_unit: 'filing_unit', problems: 'problems',
};

function applyPair(draft: FormDraft, pair: KeyValue): void {
  const basic = BASIC_FIELDS[pair.key];
  // a transfer payment is spent across a region: its form is a region form whatever its title says
  // so is a form that names the area its money goes to (补助项目/区域); both labels exactly as printed, with a value
  if (pair.text && REGION_LABELS.has(labelKey(pair.label.text))) draft.record.scope = 'region';
  if (basic) { draft.setText(basic, pair.text, pair.value?.origin ?? pair.label.origin, pair.repairs); return; }
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
    const forBlock = (field: number | null): boolean => !fiscal || (placed && field === null && (key !== 'execution_rate' || isPercentLike(cell.text)));
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
function columnKeys(values: readonly RowCell[], declared: ReadonlyArray<Declared<FundsKey>>): { keys: FundsKey[]; shifted: boolean } | null {
  const overRowLabels = Math.min(...declared.map((d) => d.col)) === 0;
  for (const shift of overRowLabels ? [0, 1] : [0]) {
    const keys = values.map((v) => declared.find((d) => d.col + shift === v.col)?.key);
    // under a header that may stand one column off, the kinds decide; otherwise the columns do
    if (keys.every((k, i) => k !== undefined && (!overRowLabels || fundsCellFits(k, values[i]!.text)))) return { keys: keys as FundsKey[], shifted: shift === 1 };
  }
  return null;
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
function readLabelRow(draft: FormDraft, cells: readonly RowCell[]): void {
  const tokens = tokenizeRow(cells);
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
  if (goalLabels.length >= 1 && loose.length === 0) draft.goalHeader = dedupe(goalLabels.map((p) => ({ key: p.key as GoalKey, col: p.label.col })));

  for (const pair of pairs) applyPair(draft, pair);

  const rowLabel = rowLabels[0];
  if (rowLabel) {
    const fiscal = rowLabel.key === 'fiscal_row';
    if (rowLabel.key === 'funds_total_row' || fiscal) {
      const values = rowLabel.inline && loose.length === 0 ? [{ ...rowLabel.cell, text: rowLabel.inline }] : loose;
      if (draft.fundsHeader.length > 0) assignFundsRow(draft, values, fiscal);
      // 年度资金申请总额 | 100 with no funds columns announced: the year's budget
      else if (values[0] && parseMoney(values[0].text, null) !== null) draft.setMoney('adjusted_budget', fiscal, values[0], values[0].text, values[0].repairs);
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

  if (pairs.length === 0 && loose.length > 0 && draft.goalHeader.length > 0) {
    readGoalValues(draft, loose);
    draft.goalHeader = [];
    return;
  }
  if (pairs.length === 0 && loose.length > 0 && sections.some((s) => labelKey(s.cell.text).endsWith('年度总体目标')) && draft.record.goal_expected === null) {
    draft.setText('goal_expected', loose[0]!.text, loose[0]!.origin, loose[0]!.repairs);
  }
}

function dedupe<K>(items: ReadonlyArray<Declared<K>>): Array<Declared<K>> {
  const seen = new Set<K>();
  return items.filter((d) => (seen.has(d.key) ? false : (seen.add(d.key), true)));
}

/** Values under a goal header: a percentage is the completion rate, texts fill the text columns in order. */
function readGoalValues(draft: FormDraft, values: readonly RowCell[]): void {
  const textKeys = draft.goalHeader.filter((d) => d.key !== 'completion_rate').map((d) => d.key);
  const hasRate = draft.goalHeader.some((d) => d.key === 'completion_rate');
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

// ---------------------------------------------------------------- indicators

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

function indicatorHeaderOf(cells: readonly RowCell[]): HeaderColumn[] | null {
  const header: HeaderColumn[] = [];
  let previous: IndicatorColumn | null = null;
  for (const cell of cells) {
    if (isBlank(cell.text)) continue;
    const match = matchIndicatorColumn(cell.text);
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

function isClosingRow(cells: readonly RowCell[]): boolean {
  if (SIGNATURE_BLOCK.test(cells[0]?.text.replace(/\s/g, '') ?? '')) return true;
  return cells.slice(0, 3).some((c) => {
    const key = labelKey(c.text).replace(/^[一二三四五六七八九十]+、?/, '');
    return key === '总分' || key === '合计' || key.startsWith('存在问题') || key === '合计得分';
  });
}


function readIndicatorRow(draft: FormDraft, cells: readonly RowCell[], placeholders: readonly RowCell[]): void {
  if (placeholders.length > 0) draft.placeholderCount += placeholders.length;
  if (cells.length === 0) return;
  const fieldLabel = cells.find((c) => labelKey(c.text).length <= 8 && HEADER_BLOCK_FIELDS.has(matchLabel(c.text, FIELD_LABELS)?.canonical ?? ''));
  if (fieldLabel) {
    draft.issue('indicators', 'field_label_in_indicators', `an indicator row holds the field label "${fieldLabel.text}": a form's header block was read as indicator rows (two forms joined?)`);
  }
  const labelOnly = labelOnlyRow(cells, placeholders.length > 0);
  if (labelOnly) { draft.indicatorRows.push(labelOnly); return; }
  draft.indicatorRows.push(alignRow(cells, draft.indicatorHeader));
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

function withoutFillInHint(text: string): string {
  return text.replace(FILL_IN_HINT, '').replace(ROW_NUMBER, '').trim();
}

function fillInHint(text: string | undefined): Repair[] {
  if (!text || withoutFillInHint(text) === text.trim()) return [];
  const rule = ROW_NUMBER.test(text.trim()) && text.search(FILL_IN_HINT) < 0 ? 'row_number_removed' : 'fill_in_hint_removed';
  return [{ rule, before: text, after: withoutFillInHint(text), confidence: 0.97 }];
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
  if (!name) return false;
  const level = matchLevel1(name) ?? matchLevel2(name);
  if (!level || level.distance > 0) return false;
  return (['target', 'actual', 'weight', 'score', 'description'] as const).every((k) => !row.fields[k] || isBlank(row.fields[k]!.text));
}

function finishIndicators(draft: FormDraft): void {
  const resolved = resolveLevels(draft.indicatorRows);
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
    const name = indicatorField(draft, `${p}.name`, r.row.fields.name, [...shift, ...fillInHint(r.row.fields.name?.text)]);
    const levelConfidence = r.levelRepairs.reduce((c, x) => c * x.confidence, 0.97);
    // a level filled down or read from a rebuilt row is as doubtful as the row's own cells
    const rowRead = extractorRepairs(r.row);
    draft.log.add(`${p}.level1`, r.level1Printed, r.row.level1Cell?.origin ?? null, [...rowRead, ...r.levelRepairs.filter((x) => x.rule.includes('level1') || x.rule === 'orphan_label_row')]);
    draft.log.add(`${p}.level2`, r.level2Printed, r.row.level2Cell?.origin ?? null, [...rowRead, ...r.levelRepairs.filter((x) => x.rule.includes('level2') || x.rule === 'orphan_label_row')]);
    const confidences = [name.confidence, levelConfidence];
    const value = (column: 'target' | 'actual') => {
      const cell = r.row.fields[column];
      if (!cell) return null;
      const repairs = [...shift];
      const text = column === 'target' ? splitTargetText(r.row.fields) : cell.text;
      if (text !== cell.text) repairs.push({ rule: 'target_from_split_cells', before: cell.text, after: text, confidence: 0.97 });
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
      level1: r.level1, level1_weight: r.level1Weight, level2: r.level2, name: name.text ? withoutFillInHint(name.text.replace(/\n/g, '')) : null,
      description: text('description'), target: value('target'), actual: value('actual'),
      weight: number('weight'), score: number('score'), deviation_note: text('deviation_note'), basis: text('basis'),
      confidence: 1,
    };
    if (!indicator.name) { draft.issue(`${p}.name`, 'missing', 'indicator row without a 三级指标 name'); confidences.push(0.5); }
    if (draft.record.form_type === 'self_evaluation' && indicator.score === null) {
      draft.issue(`${p}.score`, 'missing', `no score printed for "${indicator.name ?? '?'}"`);
      confidences.push(0.6);
    }
    if (r.row.dropped.length > 0) draft.issue(p, 'dropped_cells', `cells not placed: ${r.row.dropped.map((c) => `"${c.text}"`).join(', ')}`, 'info');
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

function readClosingRow(draft: FormDraft, cells: readonly RowCell[]): void {
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

// ---------------------------------------------------------------- summary tables

const SUMMARY_COLUMNS = {
  seq: ['序号'],
  implementing_unit: ['资金使用单位(科室)名称', '资金使用单位', '单位名称', '预算单位'],
  project_name: ['项目名称'],
  funds: ['资金', '项目资金', '预算金额', '资金总额', '全年预算数'],
  score: ['自评得分', '得分'],
  grade: ['自评等级', '等级'],
  contact: ['联系人及电话', '联系人'],
} as const;
type SummaryColumn = keyof typeof SUMMARY_COLUMNS;

function buildSummaries(segment: FormSegment, ctx: BuildContext): Built[] {
  const out: Built[] = [];
  let header: Array<{ column: SummaryColumn; col: number }> = [];
  const rows = segment.tables.flatMap((t) => t.rows);
  for (const row of rows) {
    const { cells } = prepareRow(row);
    const matched = cells.map((c) => ({ c, m: matchLabel(c.text, SUMMARY_COLUMNS) })).filter((x) => x.m);
    if (matched.length >= 3) { header = matched.map((x) => ({ column: x.m!.canonical, col: x.c.col })); continue; }
    if (header.length === 0) continue;
    const at = (column: SummaryColumn) => {
      const h = header.find((x) => x.column === column);
      return h ? cells.find((c) => c.col === h.col) : undefined;
    };
    const name = at('project_name');
    if (!name) continue;
    const draft = new FormDraft(segment, { ...ctx, formIndex: ctx.formIndex + out.length });
    readHeaderLines(draft, segment);
    draft.record.amount_unit = draft.amountUnit;
    draft.setText('project_name', name.text, name.origin, name.repairs);
    const unit = at('implementing_unit');
    if (unit) draft.setText('implementing_unit', unit.text, unit.origin, unit.repairs);
    const funds = at('funds');
    if (funds) draft.setMoney('adjusted_budget', false, funds, funds.text, funds.repairs);
    const score = at('score');
    if (score) draft.setNumber('total_score', score, score.text, score.repairs);
    const grade = at('grade');
    if (grade) { draft.record.grade = grade.text; draft.log.add('grade', grade.text, grade.origin, grade.repairs); }
    const contact = at('contact');
    if (contact) {
      const m = /^(.*?)[\s,，]*([\d-]{5,})$/.exec(contact.text.replace(/\n/g, ' '));
      draft.record.contact = { filler: (m ? m[1]! : contact.text).trim() || null, phone: m ? m[2]! : null };
      draft.log.add('contact', contact.text, contact.origin, contact.repairs);
    }
    out.push(finish(draft));
  }
  return out;
}

// ---------------------------------------------------------------- assembly

function finish(draft: FormDraft): Built {
  draft.record.amount_unit = draft.amountUnit;
  draft.record.issues = draft.issues;
  return { record: draft.record, provenance: draft.log.entries };
}

/** Given one form segment, return its record(s): one for a form, one per row for a summary table. */
export function buildRecords(segment: FormSegment, ctx: BuildContext): Built[] {
  if (segment.kind === 'summary') return buildSummaries(segment, ctx);
  const draft = new FormDraft(segment, ctx);
  readHeaderLines(draft, segment);
  // never silent: a table rebuilt from the order of its cells (flattened text) is a guess at every row
  if (segment.tables.some((t) => t.rows.some((r) => r.some((c) => c.repairs?.some((p) => p.rule === 'cell_order_rebuilt'))))) {
    draft.issue('indicators', 'rows_rebuilt', 'the table structure was lost: rows and columns were rebuilt from the order of the cells');
  }
  let state: 'form' | 'indicators' | 'closing' | 'page' = 'form';
  for (const table of segment.tables) {
    for (const row of table.rows) {
      const { cells, placeholders } = prepareRow(row);
      if (cells.length === 0 && placeholders.length === 0) continue;
      // a copied web page's footer: the form ended above it (rows after it that hold a level name or a
      // rate are no footer: never dropped silently)
      if (state === 'page' || SITE_CHROME.test(cells[0]?.text.trim() ?? '')) {
        state = 'page';
        if (cells.some((c) => matchLevel1(c.text) !== null || matchLevel2(c.text) !== null || /\d%$/.test(c.text.trim()))) {
          draft.issue('indicators', 'rows_after_page_footer', `a row after the page footer was not read: "${cells.map((c) => c.text).join(' | ').slice(0, 60)}"`);
        }
        continue;
      }
      if (state !== 'indicators') {
        const header = indicatorHeaderOf(cells);
        if (header) {
          draft.indicatorHeader = header;
          for (const h of header.filter((x) => x.unknown !== undefined)) draft.issue('indicators', 'unmapped_column', `the indicator table's column "${h.unknown}" maps to no known column; its cells were not stored`);
          state = 'indicators';
          continue;
        }
      }
      if (state === 'indicators' && isClosingRow(cells)) state = 'closing';
      if (state === 'indicators') readIndicatorRow(draft, cells, placeholders);
      else if (state === 'closing') readClosingRow(draft, cells);
      else readLabelRow(draft, cells);
    }
  }
  // Only when no 项目名称 cell was printed: "3、保障房易地建设评估费绩效目标表" names the project.
  if (draft.record.project_name === null && segment.title) {
    const fromTitle = segment.title.replace(/\s/g, '').replace(/(项目支出绩效自评表|项目绩效自评表|绩效自评表|项目绩效目标表|绩效目标表|自评表)$/, '');
    if (fromTitle && fromTitle !== segment.title.replace(/\s/g, '')) draft.setText('project_name', fromTitle, titleOrigin(segment), [...(segment.titleRepairs ?? []), { rule: 'project_name_from_title', before: segment.title, after: fromTitle, confidence: 0.9 }]);
  }
  const amount = draft.projectAmount;
  if (draft.record.funds.adjusted_budget === null && amount?.value && amount.text !== null) {
    const repair: Repair = { rule: 'project_amount_as_budget', before: amount.label.text, after: 'funds.adjusted_budget', confidence: 0.9 };
    draft.setMoney('adjusted_budget', false, amount.value, amount.text, [...amount.repairs, repair]);
  }
  finishIndicators(draft);
  return [finish(draft)];
}
