/** A flattened file as tokens: cells cut apart where a dump ran them together, joined where spaces broke them. */
import { memoizeString } from '../../forms/memo.js';
import { escapeRegExp } from '../../forms/text.js';
import { parseTitle } from '../../forms/titles.js';
import { isValueLike } from '../../forms/values.js';
import { EXACT_COLUMN_LABELS, FIELD_LABELS, INDICATOR_COLUMNS, SECTION_CAPTIONS, matchLevel1, matchLevel2, matchShortLevel2 } from '../../forms/vocabulary.js';
import { columnLabel, fieldLabel, isLevel1, isLevel2, isWordOfForm } from './words.js';
import { LEVEL1, LEVEL2 } from '../../schemas/record.js';
import { indexByFirstChar, labelsFrom } from './labelIndex.js';
// ---------------------------------------------------------------- tokens

/** Page numbers and running footers that a dump leaves between cells. */
export const PAGE_FURNITURE = /^(第\s*\d+\s*页(\s*[,，]?\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*\/\s*\d+|共\s*\d+\s*页)$/;
const WEIGHT_ONLY = /^[(（]\s*\d+(\.\d+)?\s*分\s*[)）]$/;
/** A unit printed apart from its number: one or two CJK characters that are not a word of the form. */
const UNIT_ONLY = /^([\u3400-\u9fff]{1,2}|%|％)$/;
/** A number a unit printed apart may follow: bare, or after a comparison in signs or words (不低于30). */
const NUMBER_BEFORE_UNIT = /^(?:[≥≤<>=＞＜]|不少于|不低于|不高于|不多于|不超过|大于等于|小于等于)?\d[\d.]*$/;
export const LIST_ITEM = /^(\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])/;
const CONTINUES = /[,，;；、]$/;

/**
 * Split a cell that holds several values printed together: "≥95%100%10" → ≥95% | 100% | 10,
 * "10≥266米≥266米10" → 10 | ≥266米 | ≥266米 | 10, "87.5万页10" → 87.5万页 | 10.
 */
export function splitGlued(token: string): string[] {
  if (!/^[≥≤<>=＞＜]?\d/.test(token) && !/\d[≥≤]/.test(token)) return [token];
  const parts = token
    .replace(/%(?=[\d≥≤<>＞＜])/g, '%\u0000')
    .replace(/(?<=[\d%\u3400-\u9fff])(?=[≥≤＞＜])/g, '\u0000')
    .split('\u0000')
    // a value with a unit followed by a number: "87.5万页10"
    .flatMap((part) => part.replace(/^([≥≤<>=＞＜]?\d[\d.]*[\u3400-\u9fff/]{1,3})(?=\d)/, '$1\u0000').split('\u0000'));
  // only when every piece is a value: "2020年高新区" is text, not two values
  return parts.length > 1 && parts.every((p) => isValueLike(p)) ? parts : [token];
}

/** Which separator the file still has: pipes, one cell per line, or single spaces. */
function separatorOf(lines: readonly string[]): 'pipe' | 'line' | 'space' {
  const content = lines.map((l) => l.trim()).filter(Boolean);
  if (content.filter((l) => l.includes('|')).length >= content.length * 0.5) return 'pipe';
  const words = content.map((l) => l.split(/\s+/).length).sort((a, b) => a - b);
  return (words[Math.floor(words.length / 2)] ?? 0) > 6 ? 'space' : 'line';
}

/** A short line of a few cells whose last is a value: "社会满意度 100%", "资金拨付 11月底前". */
function endsWithValue(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words.length < 2 || words.length > 4 || /[，。；;,]/.test(line) || words.some((w) => w.length > 40)) return false;
  const last = words[words.length - 1]!;
  // a qualitative target is a value too: "资金拨付 11月底前", "改善群众出行条件 持续"
  // ("(2017 年度)" is one cell whose bracket holds the space)
  return isValueLike(last) || (words.length === 2 && last.length <= 6 && !/[()（）]/.test(line) && !isWordOfForm(last) && !isWordOfForm(words[0]!));
}

/**
 * A line of a one-cell-per-line file that is really a row whose cells are apart by spaces:
 * splitting it yields at least two words of the form (labels, level names, column headers) or
 * values — a sentence that happens to hold a space does not.
 */
function spacedRow(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words.length < 2) return false;
  const known = words.filter((w) => isWordOfForm(w) || isValueLike(w)).length;
  // "时效指标 完成时间 2024年3月-10月": a row that opens with a level name
  const opensWithLevel = (isLevel1(words[0]!) || isLevel2(words[0]!)) && words.length <= 6;
  return (known >= 2 && known >= words.length * 0.3) || opensWithLevel;
}

/** Level names as Fujian's evaluation reports print them: 产出目标, 数量目标 for 产出指标, 数量指标. */
const LEVEL_GOAL_WORDS: readonly string[] = [...LEVEL1, ...LEVEL2].filter((l) => l.endsWith('指标')).map((l) => l.replace(/指标$/, '目标'));

/** Level and column names long enough to be cut off the front of a run-together cell. */
const LEADING_LABELS: readonly string[] = [
  '绩效指标', '年度绩效指标', '本年度绩效指标', '长期绩效指标', '年度绩效目标', '项目年度绩效目标', '年度总体目标', '总体目标',
  ...LEVEL1, ...LEVEL2, ...LEVEL_GOAL_WORDS, ...Object.values(INDICATOR_COLUMNS).flat(), ...Object.keys(EXACT_COLUMN_LABELS),
  ...Object.values(FIELD_LABELS).flat().filter((label) => label.length >= 4),
].filter((label) => label.length >= 3).sort((a, b) => b.length - a.length);
const LEADING_INDEX = indexByFirstChar(LEADING_LABELS);

/** Names distinctive enough to cut a run-together dump at, wherever they stand. */
const INNER_LABELS: readonly string[] = [
  '绩效指标', '年度绩效指标', '长期绩效指标', '年度总体目标', '总体目标',
  ...LEVEL1, ...LEVEL2, ...LEVEL_GOAL_WORDS, ...Object.values(INDICATOR_COLUMNS).flat().filter((label) => label.length >= 4), ...Object.keys(EXACT_COLUMN_LABELS),
  // (其中… opens the label after it and is kept with it where the run is cut; 其他资金 is a row of the funds block)
  ...Object.values(FIELD_LABELS).flat().filter((label) => label.length >= 4 && (!/^(其他|其中)/.test(label) || label === '其他资金')),
  // a block's caption run onto the value before it: "…农业农村局资金投入情况(万元)全年预算数…"
  ...SECTION_CAPTIONS.filter((caption) => caption.length >= 5),
].sort((a, b) => b.length - a.length);
const INNER_INDEX = indexByFirstChar(INNER_LABELS);

/** Column labels that are also everyday words of a report's prose. */
const PROSE_WORDS: ReadonlySet<string> = new Set([
  '评价指标', '评价内容', '指标说明', '地方资金', '资金额度', '总体目标', '其他资金', '资金支出计划', '绩效目标', '年度绩效目标', ...LEVEL_GOAL_WORDS,
]);

/** The longest clause of prose: a longer stretch between two stops is cells run together, not a sentence. */
const PROSE_CLAUSE = 60;

/** Does the text around `at` read as a sentence: a clause between stops (，。；) no longer than prose's? */
function inSentence(token: string, at: number): boolean {
  const stops = /[，,。；;]/g;
  let start = 0;
  let end = token.length;
  for (const m of token.matchAll(stops)) {
    if (m.index < at) start = m.index + 1;
    else { end = m.index; break; }
  }
  const clauseHasStop = start > 0 || end < token.length;
  return clauseHasStop && end - start <= PROSE_CLAUSE;
}

/** Every printed column label, longest first, short ones (分值, 得分, 备注) included. */
const COLUMN_WORDS: readonly string[] = [...new Set(Object.values(INDICATOR_COLUMNS).flat())].sort((a, b) => b.length - a.length);
const COLUMN_INDEX = indexByFirstChar(COLUMN_WORDS);

/**
 * A header run that lost its separators and holds nothing but column labels ("分值备注",
 * "目标值分值备注"): cut into the labels, or null when any piece is not one.
 */
function columnRun(token: string): string[] | null {
  const pieces: string[] = [];
  let rest = token;
  while (rest !== '') {
    const label = labelsFrom(COLUMN_INDEX, rest).find((l) => rest.startsWith(l));
    if (!label) return null;
    pieces.push(label);
    rest = rest.slice(label.length);
  }
  return pieces.length >= 2 ? pieces : null;
}

/** A label, column or level name exactly as the vocabulary holds it (no near miss). */
const exactWord = (text: string): boolean => fieldLabel(text)?.distance === 0 || columnLabel(text)?.distance === 0 || exactLevel(text);

/** A level label as printed, not a near miss: "流量指标" is one edit from 数量指标 and is a name. */
const exactLevel = (label: string): boolean => (matchLevel1(label) ?? matchLevel2(label))?.distance === 0;

/**
 * A level label in a template's own wording at the front of a run: "产出数量指标培训农民人数…"
 * (产出 + 数量指标 printed as one label). Its end is the first 指标 after which the prefix reads as
 * a level of the vocabulary; the shortest such prefix, so a name that itself ends in 指标 stays whole.
 */
function leadingLevelVariant(run: string): string | undefined {
  for (const m of run.matchAll(/指标/g)) {
    const end = m.index + 2;
    if (end > 16) return undefined;
    const prefix = run.slice(0, end);
    if (run.length > end + 1 && (exactLevel(prefix) || (/^(产出|效益)/.test(prefix) && exactLevel(prefix.slice(2))))) return prefix;
  }
  return undefined;
}

/**
 * A dump that lost the separators between cells prints "产出指标数量指标路面修补合格率100%":
 * the level, column and field names at the front of such a run are cells of their own.
 */
export function splitLeadingLabels(token: string): string[] {
  if (parseTitle(token) !== null) return [token];
  const columns = columnRun(token);
  if (columns) return columns;
  const out: string[] = [];
  let rest = token;
  for (let guard = 0; guard < 6; guard++) {
    // a remainder of one character ("服务对象满意度指标等") is part of the name, not a cell
    const label = labelsFrom(LEADING_INDEX, rest).find((l) => rest.startsWith(l) && rest.length > l.length + 1) ?? leadingLevelVariant(rest);
    if (!label) break;
    const after = rest.slice(label.length);
    // "指标值说明" is a label of its own, "年度指标值" is not "年度" + "指标值": cut only before a new word
    if (/^[(（:：\s]/.test(after) || labelsFrom(LEADING_INDEX, rest).some((l) => rest.startsWith(l) && l.length > label.length)) break;
    out.push(label);
    rest = after.trim();
  }
  return [...out, rest].filter(Boolean);
}

/**
 * A form's title inside a run that lost its separators: at its front ("1、某局2023年度部门整体绩效自评表
 * 主管部门…") or after a sentence or an attachment number ("…予以下达,附件3省级…绩效目标表(2024年度)
 * 项目名称…"). The title ends at a 表 (with its year in brackets) that closes a title of the family,
 * where the run goes on with the form's cells, not with the rest of a sentence ("…绩效目标表。请各单位…").
 * Given the run, return where the title starts and ends, or null.
 */
function titleInRun(token: string): { start: number; end: number } | null {
  const starts = [0, ...[...token.matchAll(/[，,。；;:：]|附件\s*\d*\s*[:：.、]?/g)].map((m) => m.index + m[0].length)];
  for (const m of token.matchAll(/表(\s*[(（]\s*\d{4}\s*年度?\s*[)）])?/g)) {
    const end = m.index + m[0].length;
    const rest = token.slice(end);
    if (rest.length < 20 || /^[\s，,。；;、:：)）]/.test(rest)) continue;
    // the nearest boundary before 表 starts the title
    const start = starts.filter((b) => b < end && end - b <= 80).sort((a, b) => b - a).find((b) => parseTitle(token.slice(b, end)) !== null);
    // the form's cells follow: two names of the form in the rest (counted, not split: no recursion here)
    if (start !== undefined && labelHits(rest).length >= 2) return { start, end };
  }
  return null;
}

/** Where the names of the form stand in a run, left to right, not overlapping. */
function labelHits(token: string): Array<{ at: number; end: number }> {
  const hits: Array<{ at: number; end: number }> = [];
  // words prose uses too (设定评价指标体系) are cut only outside a sentence
  let at = 0;
  while (at < token.length) {
    const label = labelsFrom(INNER_INDEX, token, at).find((l) => token.startsWith(l, at) && !(PROSE_WORDS.has(l) && inSentence(token, at)));
    if (label) {
      // a caption keeps the money unit printed after it, and the block's points after that: "资金投入情况(万元)",
      // "预算执行情况 (万元) (20 分)"
      const unit = /^\s*[(（]\s*万?元\s*[)）](?:\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）])?/.exec(token.slice(at + label.length));
      const end = at + label.length + (unit && SECTION_CAPTIONS.includes(label) ? unit[0].length : 0);
      hits.push({ at, end });
      at = end;
    } else at++;
  }
  return hits;
}

/** Level names, long enough that a space inside one is no word boundary (满意度 | 指标 is no two words). */
const WRAPPABLE_LEVELS: readonly string[] = [...new Set([...LEVEL1, ...LEVEL2])].filter((label) => label.length >= 4);

/**
 * An OCR'd office table prints a merged level cell narrow, so its label wraps inside the cell, and the
 * dump keeps the wrap as a space in the middle of a run ("…合计得分满意度 指标服务对象满意度…"): a space between
 * two CJK characters that falls inside a level name is removed, so the run can be cut at the name. A
 * space elsewhere is left (it may separate two cells).
 */
function joinWrappedLevels(token: string): string[] {
  if (!/[\u4e00-\u9fff]\s[\u4e00-\u9fff]/.test(token)) return [token];
  const joined = token.replace(/(?<=[\u4e00-\u9fff])\s(?=[\u4e00-\u9fff])/g, (space, at: number) => {
    const spans = WRAPPABLE_LEVELS.some((label) => {
      for (let cut = 1; cut < label.length; cut++) {
        if (token.slice(at - cut, at) === label.slice(0, cut) && token.startsWith(label.slice(cut), at + 1)) return true;
      }
      return false;
    });
    return spans ? '' : space;
  });
  return [joined];
}

/**
 * A dump that lost every separator ("项目名称农村道路养护主管部门某镇…"): a long run that
 * holds two or more names of the form is cut before and after each of them. A sentence rarely
 * holds two field or column names; a run-together form holds dozens.
 */
export function splitRunTogether(token: string): string[] {
  // a title names its issuer: "…市级预算部门(单位)项目支出绩效目标申报表" is one cell
  if (token.length < 20 || parseTitle(token) !== null) return [token];
  const title = titleInRun(token);
  if (title) {
    const before = token.slice(0, title.start).trim();
    return [...(before ? [before] : []), token.slice(title.start, title.end), ...splitRunTogether(token.slice(title.end))];
  }
  const hits = labelHits(token);
  // one name is enough where it ends the run: "…(以下为扫描件文字)一级指标"
  if (hits.length === 0 || (hits.length === 1 && hits[0]!.end !== token.length)) return [token];
  const pieces: string[] = [];
  let from = 0;
  for (const hit of hits) {
    // "…其中:中央财政资金": 其中 opens the label after it
    const before = token.slice(from, hit.at);
    const lead = /其中\s*[:：]?\s*$/.exec(before);
    const at = lead && lead.index > 0 ? from + lead.index : hit.at;
    pieces.push(token.slice(from, at), token.slice(at, hit.end));
    from = hit.end;
  }
  pieces.push(token.slice(from));
  // "年度资金总额:390…": the colon after a label is no part of the value
  return pieces.map((p, k) => (k > 0 ? p.replace(/^\s*[:：]/, '') : p).trim()).filter(Boolean);
}

/**
 * A name run together with its value: "路面修补合格率100%", "村民满意度≥90%". Only a
 * comparison or a percentage is cut off — "村组干部230人" may well be a name as printed.
 */
export function splitTrailingValue(token: string): string[] {
  if (/[，。；,;：:]/.test(token)) return [token];
  // the value may be followed by the row's 分值 or 得分, run together too: "资金支出率95%10"
  const m = /^(.*[\u4e00-\u9fff)）])((?:[≥≤≧≦＞＜><=]|大于等于|小于等于|不低于|不少于|不高于|不超过)\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?|\d+(?:\.\d+)?%(?:以上|以下)?)(?:(?<=[%\u4e00-\u9fff])(\d{1,3}(?:\.\d)?))?$/.exec(token);
  // "已完成100%", "达到95%": a value with its verb, not a name
  if (!m || (m[1]!.match(/[\u4e00-\u9fff]/g) ?? []).length < 4 || /(完成|达到|实现|约|为|达|率为)$/.test(m[1]!)) return [token];
  return [m[1]!, m[2]!, ...(m[3] ? [m[3]] : [])];
}

/** A comparison printed before a target: ≥, ≤, >=, <=, >, < (= is too common inside names to cut at). */
const COMPARISON = String.raw`(?:>=|<=|≥|≤|≧|≦|＞|＜|>|<)`;
/** A value's unit: a percentage or a short word; 年, 月 and 日 are a date's, which is never cut into values. */
const isValueUnit = (unit: string): boolean => unit === '%' || (/^[\u4e00-\u9fff]{1,3}$/.test(unit) && !/[年月日]/.test(unit));

// built once: these run on every cell of a file
const TARGET_AFTER_COMPARISON = new RegExp(String.raw`^${COMPARISON}\d+(?:\.\d+)?`);
const COMPARISON_AFTER_NAME = new RegExp(String.raw`(?<=[一-鿿)）])${COMPARISON}\d`, 'g');
const VALUE_WITH_UNIT = new RegExp(String.raw`${COMPARISON}?\d+(?:\.\d+)?(?:%|\D{0,3}?)(?=\d|$)`, 'g');
/** Numbers repeating one unit, then a percentage, by unit (memoised: forms use a handful of units). */
const repeatedUnit = memoizeString((unit) => new RegExp(String.raw`^(?:\d+(?:\.\d+)?${escapeRegExp(unit)})*(?:\d+(?:\.\d+)?%)?`), 1000);

/**
 * The values after a comparison in a run, "≥28次40次143%": the target, values after it in the same
 * unit (the actual) and a percentage (the completion rate). Given the run and where the comparison
 * stands, return where the values end, or null when no repeated unit or percentage marks them off.
 */
function valuesEnd(token: string, at: number): number | null {
  const rest = token.slice(at);
  const target = TARGET_AFTER_COMPARISON.exec(rest);
  if (!target) return null;
  const afterNumber = target[0].length;
  for (let n = 1; n <= 3; n++) {
    const unit = rest.slice(afterNumber, afterNumber + n);
    if (!isValueUnit(unit)) continue;
    const more = repeatedUnit(unit).exec(rest.slice(afterNumber + n))!;
    if (more[0].length > 0) return at + afterNumber + n + more[0].length;
  }
  return null;
}

/**
 * Rows of a table that lost every separator, each a name, a comparison and its values in one unit
 * ("…培训班期数>=6期6期100%培训农民人数>=300人320人107%…"): cut before each comparison that
 * follows a name and between the values where their unit repeats (a single value after a name is
 * splitTrailingValue's).
 */
export function splitComparedRows(token: string): string[] {
  const starts = [...token.matchAll(COMPARISON_AFTER_NAME)].map((m) => m.index);
  const rows = starts.map((at) => ({ at, end: valuesEnd(token, at) })).filter((r): r is { at: number; end: number } => r.end !== null);
  if (rows.length === 0) return [token];
  const pieces: string[] = [];
  let from = 0;
  for (const { at, end } of rows) {
    if (at < from) continue;
    pieces.push(token.slice(from, at), ...splitValues(token.slice(at, end)));
    from = end;
  }
  pieces.push(token.slice(from));
  return pieces.map((p) => p.trim()).filter(Boolean);
}

/** "≥28次40次143%" → ≥28次 | 40次 | 143%: each number with its unit. */
function splitValues(values: string): string[] {
  return [...values.matchAll(VALUE_WITH_UNIT)].map((m) => m[0]);
}

/**
 * Templates that number their rows print "指标1", "指标2:" before each name; in a run that lost its
 * separators each such label starts a row ("…6320吨320吨6指标2清运垃圾…"). The label stays
 * on its name (the build stage strips it); "数量指标1…" is a level label, not a row number.
 */
export function splitRowNumbers(token: string): string[] {
  const cuts = [...token.matchAll(/指标\d{1,2}(?=[:：\u4e00-\u9fff])/g)]
    .map((m) => m.index)
    .filter((at) => at > 0 && !LEADING_LABELS.some((l) => `${token.slice(0, at)}指标`.endsWith(l)));
  if (cuts.length === 0) return [token];
  return [0, ...cuts].map((at, k) => token.slice(at, cuts[k] ?? token.length).trim()).filter(Boolean);
}

/**
 * A row run together whose target and actual are the same text, as they are wherever a target was
 * met: "工期控制按时完成按时完成10" → 工期控制 | 按时完成 | 按时完成 | 10. The repeat marks where
 * the cells meet; a score after it and a weight fused to the front of the target ("…清运6320吨
 * 320吨6") are cut off too. Without a repeat nothing is cut.
 */
export function splitRepeatedValue(token: string): string[] {
  if (token.length < 8 || /[，。；,;：:\s]/.test(token)) return [token];
  const trailing = /(?<=[\u4e00-\u9fff%])\d{1,3}(\.\d)?$/.exec(token);
  const body = trailing ? token.slice(0, trailing.index) : token;
  for (let size = Math.floor((body.length - 2) / 2); size >= 2; size--) {
    const value = body.slice(body.length - size);
    if (body.slice(body.length - 2 * size, body.length - size) !== value) continue;
    let name = body.slice(0, body.length - 2 * size);
    // the repeat must be a cell, not a doubled character pair inside a word
    if ((name.match(/[\u4e00-\u9fff]/g) ?? []).length < 2 || !(isValueLike(value) || size >= 3)) continue;
    const weight = /(?<=[\u4e00-\u9fff])\d{1,2}$/.exec(name);
    if (weight && isValueLike(value)) name = name.slice(0, weight.index);
    return [name, ...(weight && isValueLike(value) ? [weight[0]] : []), value, value, ...(trailing ? [trailing[0]] : [])];
  }
  return [token];
}

/** The length of a cell printed twice at the end of `body` ("…按时完成按时完成"), or 0: the existing rule's test. */
function repeatAtEnd(body: string): number {
  for (let size = Math.floor((body.length - 2) / 2); size >= 2; size--) {
    const value = body.slice(body.length - size);
    if (body.slice(body.length - 2 * size, body.length - size) !== value) continue;
    const name = body.slice(0, body.length - 2 * size);
    // the repeat must be a cell, not a doubled character pair inside a word
    if ((name.match(/[\u4e00-\u9fff]/g) ?? []).length >= 2 && (isValueLike(value) || size >= 3)) return size;
  }
  return 0;
}

/** Two numbers in one unit at the end of a run, the target then the actual: "…5万人5.2万人". */
const VALUE_PAIR_AT_END = /(?<!\d|\.)(\d+(?:\.\d+)?)([\u4e00-\u9fff%]{1,3})(\d+(?:\.\d+)?)\2$/;

/**
 * Where the target starts in a row's text before its score: a cell printed twice (the target met,
 * "…按时完成按时完成") or two numbers in one unit (…5万人5.2万人); -1 when neither marks it off.
 */
function targetStart(body: string): number {
  const size = repeatAtEnd(body);
  if (size > 0) return body.length - 2 * size;
  const pair = VALUE_PAIR_AT_END.exec(body);
  if (!pair || !isValueUnit(pair[2]!) || (body.slice(0, pair.index).match(/[\u4e00-\u9fff]/g) ?? []).length < 2) return -1;
  return pair.index;
}

/** How long the target is in a row's target and actual ("按时完成按时完成", "5万人5.2万人"). */
function targetLength(values: string): number {
  const half = values.length / 2;
  if (values.slice(0, half) === values.slice(half)) return half;
  const pair = VALUE_PAIR_AT_END.exec(values)!;
  return pair[1]!.length + pair[2]!.length;
}

/** A level-2 label printed short at the front of a row's name (时效 for 时效指标, 社会效益), or ''. */
function shortLevelAtFront(name: string): string {
  for (let length = Math.min(5, name.length - 2); length >= 2; length--) {
    const word = name.slice(0, length);
    if (matchShortLevel2(word) || matchLevel2(word)?.distance === 0) return word;
  }
  return '';
}

/**
 * A self-evaluation table without a 分值 column (Hubei's 三级指标 | 年初目标值 | 实际完成值 | 得分) whose
 * rows an OCR'd office dump ran together with no separator: "…资金到位及时及时10安全达标率100%98%10…".
 * Each row is a name, its target, its actual and a score of at most three digits; the row ends where
 * the target and actual are marked off — the same text twice (a target met, the commonest case in a
 * self-evaluation) or two numbers in one unit — and the score is followed by the next row's text.
 * A row may open with its level-2 label printed short (时效, 成本): cut off as a cell of its own, which
 * the row aligner reads as the level only where no level-2 label stands right before the row (a
 * group is never empty), else joins back to the name (成本核算 under 数量指标). Only a run holding a
 * row and more is cut here (a single row is splitRepeatedValue's); every piece is a reading of the
 * cell order, which the flattened table's repair says (confidence < 0.9, the form under review).
 */
function splitScoredRows(token: string): string[] {
  // a sentence (。；) is prose that happens to repeat a phrase ("按时完成按时完成3项工作。"), no rows
  if (token.length < 12 || /[。；;]/.test(token)) return [token];
  const pieces: string[] = [];
  let from = 0;
  for (const m of token.matchAll(/(?<=[\u4e00-\u9fff%])\d{1,3}(?:\.\d)?(?=[\u4e00-\u9fff]|$)/g)) {
    const body = token.slice(from, m.index);
    const start = targetStart(body);
    if (start < 0 || (m.index + m[0].length === token.length && from === 0)) continue;
    const values = body.slice(start);
    const target = values.slice(0, targetLength(values));
    // "…2周2周2周8": a score that is the number of the same value printed once more is no score
    if (token.startsWith(target, m.index)) continue;
    let name = body.slice(0, start).trim();
    const level = shortLevelAtFront(name);
    if (level) name = name.slice(level.length);
    pieces.push(...(level ? [level] : []), name, target, values.slice(target.length), m[0]);
    from = m.index + m[0].length;
  }
  if (from === 0) return [token];
  pieces.push(token.slice(from));
  return pieces.map((p) => p.trim()).filter(Boolean);
}

/**
 * A merged cell's vertical label comes out of a PDF letter-spaced: "绩 效 指 标 产 出 指 标", "年 度 总 体
 * 目 标". A run of three or more single characters is one cell (cut into labels later); a single
 * character after a number is its unit and stays apart.
 */
export function joinLetterSpaced(words: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  // ("好 好", "是 是": two one-character values side by side, not a label)
  const flush = (): void => { if (run.length >= 3) out.push(run.join('')); else out.push(...run); run = []; };
  words.forEach((word, i) => {
    const single = /^[\u4e00-\u9fff]$/.test(word) && !(run.length === 0 && /\d$/.test(words[i - 1] ?? ''));
    if (single) run.push(word);
    else { flush(); out.push(word); }
  });
  flush();
  return out;
}

/**
 * Is `token`, printed again right after the last cell of `before`, a level name of both ranks (满意度指标
 * is a level-1 group and the level-2 group inside it) printed once as each: the pair is not opened
 * by a level-1 cell, nor printed a third time.
 */
function levelOfBothRanks(token: string, before: readonly string[]): boolean {
  const bothRanks = matchLevel1(token)?.distance === 0 && matchLevel2(token)?.distance === 0;
  const opening = before[before.length - 2];
  return bothRanks && (opening === undefined || (opening !== token && !isLevel1(opening)));
}

/** A cell that opens a bracket it does not close. */
const openBracket = (text: string): boolean => (text.match(/[(（]/g) ?? []).length > (text.match(/[)）]/g) ?? []).length;

/**
 * Every token through each cutter in turn, the pieces in order: what `flatMap` chained does, in a
 * plain loop — V8's flatMap took several times longer per token, and every token of a file passes here.
 */
function cutEach(tokens: readonly string[], cutters: ReadonlyArray<(token: string) => string[]>): string[] {
  let pieces = [...tokens];
  for (const cut of cutters) {
    const next: string[] = [];
    for (const token of pieces) for (const piece of cut(token)) next.push(piece);
    pieces = next;
  }
  return pieces;
}

/** The file's cells in order. Spaces inside a cell ("其中: 财政资金", a sentence after commas) are kept together. */
export function tokensOf(lines: readonly string[]): string[] {
  const fileSeparator = separatorOf(lines);
  // which lines are rows apart by spaces: asked three times below, read once
  const spacedRows = fileSeparator === 'line' ? lines.map(spacedRow) : [];
  let raw: string[];
  if (fileSeparator === 'pipe') raw = lines.flatMap((l) => l.split('|')).map((t) => t.trim()).filter((t) => t !== '' && !/^:?-{2,}:?$/.test(t));
  else if (fileSeparator === 'line') {
    // where spaces separate cells on many lines, they do on a short line that ends with a value too
    // ("社会满意度 100%"), though it holds only one word the form knows
    const spacedFile = spacedRows.filter(Boolean).length >= 3;
    const split = (l: string, i: number): boolean => spacedRows[i]! || (spacedFile && endsWithValue(l));
    raw = lines.flatMap((l, i) => (split(l, i) ? l.trim().split(/\s+/) : [l.trim()])).filter(Boolean);
  }
  else raw = lines.flatMap((l) => joinLetterSpaced(l.trim().split(/\s+/))).filter(Boolean);
  raw = cutEach(raw, [joinWrappedLevels, splitRunTogether, splitComparedRows, splitLeadingLabels, splitRowNumbers, splitTrailingValue, splitScoredRows, splitRepeatedValue]);
  // spaces separate cells wherever a line was split on them
  const separator = fileSeparator === 'line' && spacedRows.includes(true) ? 'space' : fileSeparator;
  const out: string[] = [];
  for (const token of raw.filter((t) => !PAGE_FURNITURE.test(t))) {
    const prev = out[out.length - 1];
    if (prev !== undefined && WEIGHT_ONLY.test(token)) out[out.length - 1] = `${prev}${token}`;
    // "≥ 12 处", "不低于30 个": an operator alone, or a unit alone after a number, belongs to the value
    else if (prev !== undefined && separator === 'space' && (/^[≥≤<>=＞＜]$/.test(prev) || (UNIT_ONLY.test(token) && NUMBER_BEFORE_UNIT.test(prev) && !isWordOfForm(token)))) out[out.length - 1] = `${prev}${token}`;
    // "( 2019 年度)": a short bracket the spaces broke open is one cell
    else if (prev !== undefined && separator === 'space' && openBracket(prev) && prev.length + token.length <= 12) out[out.length - 1] = `${prev}${token}`;
    else if (prev !== undefined && separator === 'space' && (CONTINUES.test(prev) || /^(其中|其中[:：])$/.test(prev) || /^\d{1,2}[.、]$/.test(prev))) out[out.length - 1] = `${prev} ${token}`;
    else out.push(...splitGlued(token));
  }
  // consecutive list items are one cell: "1. …" "2. …" → "1. …\n2. …"
  const merged: string[] = [];
  for (const token of out) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && LIST_ITEM.test(token) && LIST_ITEM.test(prev)) merged[merged.length - 1] = `${prev}\n${token}`;
    // a level name printed twice in a row fills two parallel columns (长期 | 年度) of one row; but a
    // name that is a level of both ranks (满意度指标, 成本指标) printed twice where no level-1 cell
    // opens the pair is the level-1 cell and the level-2 cell of its group (满意度指标 | 满意度指标 |
    // 群众满意度 …), both kept (产出指标 | 成本指标 | 成本指标 is a level-2 in parallel columns)
    else if (prev !== undefined && token === prev && (isLevel1(token) || isLevel2(token)) && !levelOfBothRanks(token, merged)) continue;
    // a label wrapped in its cell: "项目完成" / "指标", "可持续影响" / "指标", "总体" / "目标"
    // (社会效益 | 指标 too: the short label is a level already, the whole one is the printed label)
    // one character completes a label the spaces broke (一级指 | 标), never one that is whole (…整改措施 | 无)
    else if (prev !== undefined && (/^(指标|目标)$/.test(token) ? isWordOfForm(`${prev}${token}`) : /^[\u4e00-\u9fff]$/.test(token) && exactWord(`${prev}${token}`) && !exactWord(prev))) {
      merged[merged.length - 1] = `${prev}${token}`;
    }
    // a year the spaces cut from its 年: "2017 | 年部门整体支出绩效评价得分表"
    else if (prev !== undefined && /^(19|20)\d{2}$/.test(prev) && /^年/.test(token)) merged[merged.length - 1] = `${prev}${token}`;
    // a column label wrapped at its 及 (指标说明 | 及评分标准, 偏差原因分析 | 及改进措施) is one label
    else if (prev !== undefined && token.startsWith('及') && exactWord(`${prev}${token}`)) merged[merged.length - 1] = `${prev}${token}`;
    else merged.push(token);
  }
  return merged;
}

