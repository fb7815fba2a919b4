/**
 * Value parsing: target/actual cells into {raw, op, value, unit}; money into 元; rates into fractions.
 */
import type { ParsedValue } from '../schemas/record.js';
import { halfWidthAlnum } from './text.js';
import { memoizeString } from './memo.js';

/** Comparison words and signs, longest first so 大于等于 wins over 大于. */
const OPERATORS: ReadonlyArray<[string, ParsedValue['op']]> = [
  ['大于等于', '>='], ['小于等于', '<='], ['不低于', '>='], ['不少于', '>='], ['不高于', '<='], ['不超过', '<='],
  ['不多于', '<='], ['>=', '>='], ['<=', '<='], ['≥', '>='], ['≧', '>='], ['≤', '<='], ['≦', '<='],
  ['大于', '>'], ['小于', '<'], ['等于', '='], ['═', '='], ['＞', '>'], ['＜', '<'], ['>', '>'], ['<', '<'], ['﹦', '='], ['＝', '='], ['=', '='],
];

/** Latin units that follow a number in these forms; any other latin tail is OCR junk ("100%zh"). */
const LATIN_UNITS = /^(km|m|cm|mm|kg|g|t|kw|kwh|mb|gb|tb|m2|m3|㎡|m²|m³|pv|uv)$/i;
const NUMBER = /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?/;

export interface ValueParse { value: ParsedValue; junk: string | null }

/** Normalise a unit as printed: 百分比 and % are both %. */
export function canonicalUnit(unit: string): string | null {
  const u = unit.replace(/\s/g, '');
  if (u === '') return null;
  if (u === '百分比') return '%';
  return u;
}

/**
 * Parse a target or actual value. A leading operator and number give op/value/unit; anything
 * else is qualitative (value null) and keeps its raw text.
 */
export function parseValue(rawText: string): ValueParse {
  const parsed = parseValueCached(rawText);
  // callers own the returned record value: hand out a copy of the cached one
  return { value: { ...parsed.value }, junk: parsed.junk };
}

const parseValueCached = memoizeString(parseValueUncached);

function parseValueUncached(rawText: string): ValueParse {
  const raw = rawText.trim();
  let rest = halfWidthAlnum(raw).replace(/\s+/g, '');
  let op: ParsedValue['op'] = null;
  for (const [word, sign] of OPERATORS) {
    if (rest.startsWith(word)) { op = sign; rest = rest.slice(word.length); break; }
  }
  // "提升10%", "已完成100%", "达到95%": a verb before the amount, not a comparison
  // (only before a percentage: "完成2个评估" is a sentence; a reduction's sign is left to the raw)
  if (op === null) rest = rest.replace(/^(已完成|完成|达到|达|提升|提高|增加|增长|约)(?=\d+(\.\d+)?%$)/, '');
  const num = NUMBER.exec(rest);
  if (!num) return { value: { raw, op: null, value: null, unit: null }, junk: null };
  const value = Number(num[0].replace(/,/g, ''));
  let unit = rest.slice(num[0].length);
  // "60%及以上", "5天以内": the comparison printed after the value
  const after = /(及以上|以上|及以下|以下|以内)$/.exec(unit);
  if (after && op === null && unit.length > after[0].length) {
    op = after[1]!.endsWith('上') ? '>=' : '<=';
    unit = unit.slice(0, -after[0].length);
  }
  // a range or a date ("18—54周岁", "2021.1.1-12.31", "1-6期"): not one number with a unit
  // … and "32-专项资金项目", "820-马踏镇部门": a code before a name; "11月底之前", "15日前": a date
  if (/^(月|日|号)/.test(unit) || (/\d/.test(unit) && !/^(m2|m3|km2|m²|m³)$/i.test(unit)) || /^[-—–－]/.test(unit)) return { value: { raw, op: null, value: null, unit: null }, junk: null };
  let junk: string | null = null;
  const latinTail = /[a-zA-Z]+$/.exec(unit);
  if (latinTail && !LATIN_UNITS.test(unit) && !LATIN_UNITS.test(latinTail[0])) {
    junk = latinTail[0];
    unit = unit.slice(0, -latinTail[0].length);
  }
  return { value: { raw, op, value, unit: canonicalUnit(unit) }, junk };
}

/** A cell that reads as a measurement or comparison (not free text): ≥95%, 100台, 0.6万元. */
export function isValueLike(text: string): boolean {
  const parsed = parseValueCached(text).value;
  return parsed.value !== null && (parsed.unit === null || parsed.unit.length <= 8);
}

/** "4,764,453.11?": a character the copy could not encode, left as ? after a number. */
function withoutLostCharacter(text: string): string {
  return text.replace(/(?<=\d)[?？]+$/, '');
}

/**
 * The points a rate earns of a weight (91.67% of 10 is 9.167): how a funds row's score follows from
 * its 执行率 and 权重. Readers compare it with the printed score within their own tolerance.
 */
export function pointsOfRate(ratePercent: number, weight: number): number {
  return (ratePercent / 100) * weight;
}

/** A bare number, optionally followed by 分 (a weight or a score). */
export function parseScore(text: string): number | null {
  const t = withoutLostCharacter(halfWidthAlnum(text).replace(/\s/g, ''));
  const m = /^(\d+(\.\d+)?)分?$/.exec(t);
  return m ? Number(m[1]) : null;
}

export type MoneyUnit = '万元' | '元';
const MONEY = /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?(万元|元|万)?$/;

export interface MoneyParse { yuan: number; printedUnit: MoneyUnit | null }

/** Money normalised to 元. A unit printed in the cell wins over the form's amount unit. */
export function parseMoney(text: string, formUnit: MoneyUnit | null): MoneyParse | null {
  const t = withoutLostCharacter(halfWidthAlnum(text).replace(/[\s,，]/g, ''));
  const m = MONEY.exec(t);
  if (!m) return null;
  const amount = Number(t.replace(/(万元|元|万)$/, ''));
  const printed: MoneyUnit | null = m[4] === '元' ? '元' : m[4] ? '万元' : null;
  const unit = printed ?? formUnit ?? '元';
  return { yuan: roundMoney(unit === '万元' ? amount * 10000 : amount), printedUnit: printed };
}

/** Keep money exact to the fen: 34.56 万元 is 345600 元, not 345599.99999. */
export function roundMoney(yuan: number): number {
  return Math.round(yuan * 100) / 100;
}

/** A rate as a fraction: "98.62%" → 0.9862; a bare number above 1 is read as percent. */
export function parseRate(text: string): number | null {
  const t = withoutLostCharacter(halfWidthAlnum(text).replace(/\s/g, '').replace(/[a-zA-Z]+$/, ''));
  const pct = /^(\d+(\.\d+)?)%$/.exec(t);
  if (pct) return roundRate(Number(pct[1]) / 100);
  const bare = /^(\d+(\.\d+)?)$/.exec(t);
  if (!bare) return null;
  const n = Number(bare[1]);
  return n > 1 ? roundRate(n / 100) : n;
}

function roundRate(r: number): number {
  return Math.round(r * 1e6) / 1e6;
}

/** A weight printed beside a level-1 label: "(40分)", "50分", "10 分". */
export function splitLabelWeight(text: string): { label: string; weight: number | null } {
  const t = text.replace(/\s/g, '');
  const m = /^(.*?)[(（]?(\d+(\.\d+)?)分[)）]?$/.exec(t);
  if (m && m[1]) return { label: m[1], weight: Number(m[2]) };
  return { label: t, weight: null };
}

/** A label that carries its points in brackets — "相关性(5分)", "计划 (20 分)" — as the label and its points; null without them. */
export function bracketedPoints(text: string): { label: string; points: number } | null {
  if (!/[)）]\s*$/.test(text)) return null;
  const { label, weight } = splitLabelWeight(text);
  return weight === null ? null : { label, points: weight };
}
