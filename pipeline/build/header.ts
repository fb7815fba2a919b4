/** The lines above a form's tables: year, filing unit, money unit, contact; and the people and phones any row may name. */
import { parseTitle } from '../../forms/titles.js';
import { type MoneyUnit } from '../../forms/values.js';
import { MONEY_UNIT_DECLARED, RUN_ON_LABEL } from '../../forms/vocabulary.js';
import { FormDraft, lineOrigin, titleOrigin } from './draft.js';
import { indicatorHeaderOf } from './indicatorRows.js';
import { prepareRow } from '../cells.js';
import { FormSegment, Origin, Repair } from '../../schemas/document.js';
const HEADER_LINE_FIELDS: ReadonlyArray<[RegExp, (d: FormDraft, value: string, origin: Origin, repairs: Repair[]) => void]> = [
  // (Hubei's 项目自评表 prints 单位名称:… with 填报日期:… on the line above its table, as a label of the
  // table's header block would name the filing unit)
  [/^(?:填报单位|单位名称)(?:\s*[(（]盖章[)）])?\s*[:：]\s*(?:[(（]盖章[)）]\s*)?([^(（\s].*)$/, (d, v, l, r) => d.setText('filing_unit', v, l, r)],
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
export function setFiller(draft: FormDraft, raw: string, origin: Origin, repairs: Repair[]): void {
  // "张某 联系电话:139…": the next label and its value ran into the name
  const runOn = RUN_ON_LABEL.exec(raw);
  const own = runOn && runOn.index > 0 ? raw.slice(0, runOn.index) : raw;
  const name = own.replace(/[(（]?签[字名][)）]?|[:：]/g, '').trim();
  if (name === '') return;
  draft.record.contact.filler = name;
  const cut: Repair[] = own === raw ? [] : [{ rule: 'next_label_cut_off', before: raw, after: own.trim(), confidence: 0.9 }];
  draft.log.add('contact.filler', raw, origin, [...repairs, ...cut]);
}

/** 联系人及电话 | 王明 0311-1234567: a name, then a number. */
export function setContact(draft: FormDraft, raw: string, origin: Origin, repairs: Repair[]): void {
  const m = /^(.*?)[\s,，/]*([\d*][\d*\s-]{4,}\d)$/.exec(raw.replace(/\n/g, ' ').trim());
  setFiller(draft, m ? m[1]! : raw, origin, repairs);
  if (m && draft.record.contact.phone === null) setPhone(draft, m[2]!, origin, repairs);
}

/** A phone number is its digits (and dashes); latin OCR junk glued after it is dropped. */
export function setPhone(draft: FormDraft, raw: string, origin: Origin, read: Repair[] = []): void {
  // masked numbers as published (139****8136) are kept as printed
  const digits = /\d[\d*\s-]{4,}\d/.exec(raw)?.[0].replace(/\s/g, '') ?? null;
  if (!/\d/.test(raw)) return; // a label or a word the reader moved here, never a number
  const repairs: Repair[] = digits && digits !== raw.trim() ? [...read, { rule: 'phone_junk_removed', before: raw, after: digits, confidence: 0.95 }] : read;
  draft.record.contact.phone = digits ?? raw.trim();
  draft.log.add('contact.phone', raw, origin, repairs);
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
  const normalised = texts.map((text) => text.replace(/\s+/g, (w) => (w.includes('\n') ? '\n' : w)));
  for (const pattern of MONEY_UNIT_DECLARED) {
    for (const text of normalised) {
      const m = pattern.exec(text);
      if (m) return m[1] as MoneyUnit;
    }
  }
  return null;
}

export function readHeaderLines(draft: FormDraft, segment: FormSegment): void {
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

