/** The record being built: its fields, their provenance, its issues; and what every reader of rows shares. */
import { titleText } from '../../forms/titles.js';
import { type MoneyUnit, parseMoney, parseRate, parseScore, parseValue } from '../../forms/values.js';
import { FIELD_LABELS, type Level2, NOT_A_NAME, RUN_ON_LABEL, matchLabel } from '../../forms/vocabulary.js';
import { type AlignedRow, type HeaderColumn, type RowCell } from '../indicators.js';
import { ProvenanceLog } from '../provenance.js';
import { type KeyValue } from '../tokens.js';
import { FieldProvenance, FormSegment, Origin, Repair } from '../../schemas/document.js';
import { FormRecord, Issue, emptyFunds } from '../../schemas/record.js';
export interface BuildContext { file: string; sha256: string; formIndex: number }
export interface Built { record: FormRecord; provenance: FieldProvenance[] }

export type FundsKey = 'initial_budget' | 'adjusted_budget' | 'received' | 'executed' | 'execution_rate' | 'funds_weight' | 'funds_score';
export const FUNDS_KEYS: ReadonlySet<string> = new Set<FundsKey>(['initial_budget', 'adjusted_budget', 'received', 'executed', 'execution_rate', 'funds_weight', 'funds_score']);
/** The column order of the 年初预算数 … 得分 funds table in every template that prints one. */
export const STANDARD_FUNDS_ORDER: readonly FundsKey[] = ['initial_budget', 'adjusted_budget', 'executed', 'funds_weight', 'execution_rate', 'funds_score'];
export type GoalKey = 'goal_expected' | 'goal_actual' | 'completion_rate' | 'goal_long_term';
export const GOAL_KEYS: ReadonlySet<string> = new Set<GoalKey>(['goal_expected', 'goal_actual', 'completion_rate', 'goal_long_term']);

export interface Declared<K> { key: K; col: number }

/** Mutable state while one form's rows are read. */
export class FormDraft {
  readonly record: FormRecord;
  readonly log: ProvenanceLog;
  readonly issues: Issue[] = [];
  amountUnit: MoneyUnit | null = null;
  /** the units the amounts printed in their own cells ("4500万元", "120 万"), where the form declared none */
  printedMoneyUnits: Array<{ unit: MoneyUnit; text: string; origin: Origin }> = [];
  fundsHeader: Array<Declared<FundsKey>> = [];
  goalHeader: Array<Declared<GoalKey>> = [];
  indicatorHeader: readonly HeaderColumn[] = [];
  indicatorRows: AlignedRow[] = [];
  /** the indicator table is a scoring rubric (决策/过程 groups): its level-2 groups are its own words */
  rubricTable = false;
  /** the second-level name that opens a row the input ended inside, after the last indicator row */
  levelAfterRows: Level2 | null = null;
  placeholderCount = 0;
  /** the points a funds block's caption prints (预算执行情况(万元)(20分)): its weight where no column gives one */
  fundsCaptionPoints: { cell: RowCell; points: number } | null = null;
  /** a funds column of the block's weight was printed (分值, 权重): a caption's points are not read over it */
  fundsWeightColumn = false;
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
    // a label cut from its value leaves the colon behind (":某市人民医院")
    let value = text.trim().replace(/^[:：]\s*/, '');
    if (value === '') return;
    const fieldRepairs = [...repairs];
    if (field === 'project_code' && /\s/.test(value)) {
      fieldRepairs.push({ rule: 'spaces_removed_from_code', before: value, after: value.replace(/\s/g, ''), confidence: 0.97 });
      value = value.replace(/\s/g, '');
    }
    if (field !== 'goal_expected' && field !== 'goal_actual' && field !== 'problems') value = value.replace(/\n/g, '');
    if (NAME_FIELDS.has(field)) {
      // "某市人民医院填报日期:2024年3月1日": the next label and its value ran into this one
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
    if (money.printedUnit && !this.amountUnit) this.printedMoneyUnits.push({ unit: money.printedUnit, text, origin: cell.origin });
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
  // a transfer payment's allocation (提前下达…中央财政…补助): the region's target table of the transfer
  if (/区域|转移支付|提前下达/.test(title)) return 'region';
  return 'project';
}

/** Where a printed line sits: its line number, and for PDFs its page and box. */
export function lineOrigin(line: number, page: number | null = null, bbox: Origin['bbox'] = null): Origin {
  return { table: null, row: null, col: null, line, page, bbox };
}

export function titleOrigin(segment: FormSegment): Origin {
  return lineOrigin(segment.titleLine ?? 0, segment.page, segment.titleBbox);
}

/**
 * A form that declares no money unit (no 单位:万元, no 预算数(万元)) but prints it with each amount
 * (资金总额 | 350万元, 资金额度 120 万): the unit the form printed is the one its amounts all carry.
 * Read off the amounts, not declared, so it carries a repair below the confidence of a read field;
 * amounts in two units name none.
 */
function unitOfAmounts(draft: FormDraft): MoneyUnit | null {
  const units = new Set(draft.printedMoneyUnits.map((p) => p.unit));
  const first = draft.printedMoneyUnits[0];
  if (units.size !== 1 || !first) return null;
  draft.log.add('amount_unit', first.text, first.origin, [{ rule: 'amount_unit_from_amounts', before: first.text, after: first.unit, confidence: 0.85 }]);
  return first.unit;
}

/** The finished record and its provenance. */
export function finish(draft: FormDraft): Built {
  draft.record.amount_unit = draft.amountUnit ?? unitOfAmounts(draft);
  draft.record.issues = draft.issues;
  return { record: draft.record, provenance: draft.log.entries };
}
