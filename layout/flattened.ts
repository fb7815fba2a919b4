/**
 * Forms whose table structure was lost — one long line, one cell per line, pipe cells with rows
 * run together — rebuilt from the order of their cells. The text becomes a token stream; the form
 * is read against what a form must look like: header lines, label/value rows, the indicator header
 * it announces, then indicator rows whose boundaries are chosen by a small dynamic programme
 * (level names start rows, each row fills the announced columns, scores are numbers). The result
 * is ordinary blocks, so every later stage applies unchanged.
 */
import type { Block, Cell, Repair, Table } from '../schemas/document.js';
import { isBlank, labelKey } from '../forms/text.js';
import { parseTitle } from '../forms/titles.js';
import { listHeaderOf, projectPrefix } from '../forms/projectList.js';
import { isValueLike, parseScore } from '../forms/values.js';
import { LEVEL1, LEVEL2 } from '../schemas/record.js';
import { FIELD_LABELS, INDICATOR_COLUMNS, type IndicatorColumn, SECTION_CAPTIONS, SIGNATURE_BLOCK, SITE_CHROME, isOwnLevelLabel, levelNamesIn, matchIndicatorColumn, matchLabel, matchLevel1, matchLevel2 } from '../forms/vocabulary.js';

/** Confidence in a cell's place when the place was rebuilt from the cells' order (calibrated on the keyed corpus). */
export const FLATTENED_CONFIDENCE = 0.85;

// ---------------------------------------------------------------- detection

function indicatorLabels(cells: readonly string[]): number {
  return cells.filter((c) => !isBlank(c) && matchIndicatorColumn(c) !== null).length;
}

/**
 * A file is flattened when it announces an indicator table (three or more of its column labels)
 * but no table holds those labels as a header row of their own.
 */
export function isFlattened(blocks: readonly Block[], tokens: readonly string[]): boolean {
  for (const block of blocks) {
    if (block.kind !== 'table') continue;
    for (const row of block.table.rows) {
      const cells = row.map((c) => c.text).filter((t) => !isBlank(t));
      const labels = indicatorLabels(cells);
      if (labels >= 3 && labels / cells.length >= 0.7) return false;
    }
  }
  if (indicatorLabels(tokens) >= 3) return true;
  // a form cut before its indicator table: a title of the family, then its header and funds labels
  const title = tokens.findIndex((t) => parseTitle(t) !== null);
  return title >= 0 && tokens.slice(title + 1).filter((t) => fieldLabel(t) !== null).length >= 3;
}

// ---------------------------------------------------------------- tokens

/** Page numbers and running footers that a dump leaves between cells. */
const PAGE_FURNITURE = /^(第\s*\d+\s*页(\s*[,，]?\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*\/\s*\d+|共\s*\d+\s*页)$/;
const WEIGHT_ONLY = /^[(（]\s*\d+(\.\d+)?\s*分\s*[)）]$/;
/** A unit printed apart from its number: one or two CJK characters that are not a word of the form. */
const UNIT_ONLY = /^([\u3400-\u9fff]{1,2}|%|％)$/;
const LIST_ITEM = /^(\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])/;
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

/**
 * A line of a one-cell-per-line file that is really a row whose cells are apart by spaces:
 * splitting it yields at least two words of the form (labels, level names, column headers) or
 * values — a sentence that happens to hold a space does not.
 */
/** A short line of a few cells whose last is a value: "社会满意度 100%", "资金拨付 12月底到位". */
function endsWithValue(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words.length < 2 || words.length > 4 || /[，。；;,]/.test(line) || words.some((w) => w.length > 40)) return false;
  const last = words[words.length - 1]!;
  // a qualitative target is a value too: "资金拨付 12月底到位", "实现社会稳定和谐发展 长期"
  // ("(2017 年度)" is one cell whose bracket holds the space)
  return isValueLike(last) || (words.length === 2 && last.length <= 6 && !/[()（）]/.test(line) && !isWordOfForm(last) && !isWordOfForm(words[0]!));
}

function spacedRow(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words.length < 2) return false;
  const known = words.filter((w) => isWordOfForm(w) || isValueLike(w)).length;
  // "时效指标 项目实施时间 2021年1月-12月": a row that opens with a level name
  const opensWithLevel = (isLevel1(words[0]!) || isLevel2(words[0]!)) && words.length <= 6;
  return (known >= 2 && known >= words.length * 0.3) || opensWithLevel;
}

/** Level and column names long enough to be cut off the front of a run-together cell. */
const LEADING_LABELS: readonly string[] = [
  '绩效指标', '年度绩效指标', '本年度绩效指标', '长期绩效指标', '年度绩效目标', '项目年度绩效目标', '年度总体目标', '总体目标',
  ...LEVEL1, ...LEVEL2, ...Object.values(INDICATOR_COLUMNS).flat(),
  ...Object.values(FIELD_LABELS).flat().filter((label) => label.length >= 4),
].filter((label) => label.length >= 3).sort((a, b) => b.length - a.length);

/** Names distinctive enough to cut a run-together dump at, wherever they stand. */
const INNER_LABELS: readonly string[] = [
  '绩效指标', '年度绩效指标', '长期绩效指标', '年度总体目标', '总体目标',
  ...LEVEL1, ...LEVEL2, ...Object.values(INDICATOR_COLUMNS).flat().filter((label) => label.length >= 4),
  // (其中… opens the label after it and is kept with it where the run is cut; 其他资金 is a row of the funds block)
  ...Object.values(FIELD_LABELS).flat().filter((label) => label.length >= 4 && (!/^(其他|其中)/.test(label) || label === '其他资金')),
  // a block's caption run onto the value before it: "…农业农村局资金投入情况(万元)全年预算数…"
  ...SECTION_CAPTIONS.filter((caption) => caption.length >= 5),
].sort((a, b) => b.length - a.length);

/** Column labels that are also everyday words of a report's prose. */
const PROSE_WORDS: ReadonlySet<string> = new Set(['评价指标', '评价内容', '指标说明']);

/**
 * A level label in a template's own wording at the front of a run: "产出数量指标享受资助人数…"
 * (产出 + 数量指标 printed as one label). Its end is the first 指标 after which the prefix reads as
 * a level of the vocabulary; the shortest such prefix, so a name that itself ends in 指标 stays whole.
 */
/** Every printed column label, longest first, short ones (分值, 得分, 备注) included. */
const COLUMN_WORDS: readonly string[] = [...new Set(Object.values(INDICATOR_COLUMNS).flat())].sort((a, b) => b.length - a.length);

/**
 * A header run that lost its separators and holds nothing but column labels ("分值备注",
 * "目标值分值备注"): cut into the labels, or null when any piece is not one.
 */
function columnRun(token: string): string[] | null {
  const pieces: string[] = [];
  let rest = token;
  while (rest !== '') {
    const label = COLUMN_WORDS.find((l) => rest.startsWith(l));
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
 * A dump that lost the separators between cells prints "产出指标数量指标校舍维修改造质量合格率100%":
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
    const label = LEADING_LABELS.find((l) => rest.startsWith(l) && rest.length > l.length + 1) ?? leadingLevelVariant(rest);
    if (!label) break;
    const after = rest.slice(label.length);
    // "指标值说明" is a label of its own, "年度指标值" is not "年度" + "指标值": cut only before a new word
    if (/^[(（:：\s]/.test(after) || LEADING_LABELS.some((l) => (label + after).startsWith(l) && l.length > label.length)) break;
    out.push(label);
    rest = after.trim();
  }
  return [...out, rest].filter(Boolean);
}

/**
 * A form's title inside a run that lost its separators: at its front ("1、某局2023年度部门整体绩效自评表
 * 主管部门…") or after a sentence or an attachment number ("…进行安排,附件2中央财政…绩效目标表(2025年度)
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

/**
 * A dump that lost every separator ("项目名称镇域内基础设施建设主管部门坝塘镇…"): a long run that
 * holds two or more names of the form is cut before and after each of them. A sentence rarely
 * holds two field or column names; a run-together form holds dozens.
 */
/** Where the names of the form stand in a run, left to right, not overlapping. */
function labelHits(token: string): Array<{ at: number; end: number }> {
  const hits: Array<{ at: number; end: number }> = [];
  // words prose uses too (设定评价指标体系) cut only a run with no sentence in it
  const sentence = /[，,。；;]/.test(token);
  let at = 0;
  while (at < token.length) {
    const label = INNER_LABELS.find((l) => token.startsWith(l, at) && !(sentence && PROSE_WORDS.has(l)));
    if (label) {
      // a caption keeps the money unit printed after it: "资金投入情况(万元)"
      const unit = /^\s*[(（]\s*万?元\s*[)）]/.exec(token.slice(at + label.length));
      const end = at + label.length + (unit && SECTION_CAPTIONS.includes(label) ? unit[0].length : 0);
      hits.push({ at, end });
      at = end;
    } else at++;
  }
  return hits;
}

export function splitRunTogether(token: string): string[] {
  // a title names its issuer: "…市级预算部门(单位)项目支出绩效目标申报表" is one cell
  if (token.length < 20 || parseTitle(token) !== null) return [token];
  const title = titleInRun(token);
  if (title) {
    const before = token.slice(0, title.start).trim();
    return [...(before ? [before] : []), token.slice(title.start, title.end), ...splitRunTogether(token.slice(title.end))];
  }
  const hits = labelHits(token);
  // one name is enough where it ends the run: "…(注:以下内容为附件图片识别)一级指标"
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
 * A name run together with its value: "校舍维修改造质量合格率100%", "学生家长满意度≥90%". Only a
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

/**
 * Templates that number their rows print "指标1", "指标2:" before each name; in a run that lost its
 * separators each such label starts a row ("…8550万粒550万粒8指标2企业自行采购…"). The label stays
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
 * met: "成本控制不超过预算不超过预算10" → 成本控制 | 不超过预算 | 不超过预算 | 10. The repeat marks where
 * the cells meet; a score after it and a weight fused to the front of the target ("…原种8550万粒
 * 550万粒8") are cut off too. Without a repeat nothing is cut.
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

/**
 * A merged cell's vertical label comes out of a PDF letter-spaced: "绩 效 指 标 产 出 指 标", "年 度 总 体
 * 目 标". A run of two or more single characters is one cell (cut into labels later); a single
 * character after a number is its unit and stays apart.
 */
export function joinLetterSpaced(words: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => { if (run.length >= 2) out.push(run.join('')); else out.push(...run); run = []; };
  words.forEach((word, i) => {
    const single = /^[\u4e00-\u9fff]$/.test(word) && !(run.length === 0 && /\d$/.test(words[i - 1] ?? ''));
    if (single) run.push(word);
    else { flush(); out.push(word); }
  });
  flush();
  return out;
}

/** A cell that opens a bracket it does not close. */
const openBracket = (text: string): boolean => (text.match(/[(（]/g) ?? []).length > (text.match(/[)）]/g) ?? []).length;

/** The file's cells in order. Spaces inside a cell ("其中: 财政资金", a sentence after commas) are kept together. */
export function tokensOf(lines: readonly string[]): string[] {
  const fileSeparator = separatorOf(lines);
  let raw: string[];
  if (fileSeparator === 'pipe') raw = lines.flatMap((l) => l.split('|')).map((t) => t.trim()).filter((t) => t !== '' && !/^:?-{2,}:?$/.test(t));
  else if (fileSeparator === 'line') {
    // where spaces separate cells on many lines, they do on a short line that ends with a value too
    // ("社会满意度 100%"), though it holds only one word the form knows
    const spacedFile = lines.filter(spacedRow).length >= 3;
    const split = (l: string): boolean => spacedRow(l) || (spacedFile && endsWithValue(l));
    raw = lines.flatMap((l) => (split(l) ? l.trim().split(/\s+/) : [l.trim()])).filter(Boolean);
  }
  else raw = lines.flatMap((l) => joinLetterSpaced(l.trim().split(/\s+/))).filter(Boolean);
  raw = raw.flatMap(splitRunTogether).flatMap(splitLeadingLabels).flatMap(splitRowNumbers).flatMap(splitTrailingValue).flatMap(splitRepeatedValue);
  // spaces separate cells wherever a line was split on them
  const separator = fileSeparator === 'line' && lines.some(spacedRow) ? 'space' : fileSeparator;
  const out: string[] = [];
  for (const token of raw.filter((t) => !PAGE_FURNITURE.test(t))) {
    const prev = out[out.length - 1];
    if (prev !== undefined && WEIGHT_ONLY.test(token)) out[out.length - 1] = `${prev}${token}`;
    // "≥ 12 处": an operator alone, or a unit alone after a number, belongs to the value
    else if (prev !== undefined && separator === 'space' && (/^[≥≤<>=＞＜]$/.test(prev) || (UNIT_ONLY.test(token) && /^[≥≤<>=＞＜]?\d[\d.]*$/.test(prev) && !isWordOfForm(token)))) out[out.length - 1] = `${prev}${token}`;
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
    // a level name printed twice in a row fills two parallel columns (长期 | 年度) of one row
    else if (prev !== undefined && token === prev && (isLevel1(token) || isLevel2(token))) continue;
    // a label wrapped in its cell: "项目完成" / "指标", "可持续影响" / "指标", "总体" / "目标"
    // (社会效益 | 指标 too: the short label is a level already, the whole one is the printed label)
    // one character completes a label the spaces broke (一级指 | 标), never one that is whole (…整改措施 | 无)
    else if (prev !== undefined && (/^(指标|目标)$/.test(token) ? isWordOfForm(`${prev}${token}`) : /^[\u4e00-\u9fff]$/.test(token) && exactWord(`${prev}${token}`) && !exactWord(prev))) {
      merged[merged.length - 1] = `${prev}${token}`;
    }
    else merged.push(token);
  }
  return merged;
}

// ---------------------------------------------------------------- numbers run together

const NUMBER_PIECE = /^(0|[1-9]\d*)(\.\d{1,2})?$/;

/** Every way to cut a run of digits (optionally ending in a percentage) into `pieces` numbers. */
export function splitNumberRun(run: string, pieces: number): string[][] {
  const percent = run.endsWith('%');
  const digits = percent ? run.slice(0, -1) : run;
  if (!/^[\d.]+$/.test(digits) || pieces < 1 || pieces > 8 || digits.length > 24) return [];
  const out: string[][] = [];
  const walk = (from: number, left: number, acc: string[]): void => {
    if (left === 1) {
      const last = digits.slice(from);
      if (NUMBER_PIECE.test(last)) out.push([...acc, percent ? `${last}%` : last]);
      return;
    }
    for (let end = from + 1; end < digits.length; end++) {
      const piece = digits.slice(from, end);
      if (NUMBER_PIECE.test(piece)) walk(end, left - 1, [...acc, piece]);
    }
  };
  walk(0, pieces, []);
  return out;
}

const FUNDS_COLUMNS: ReadonlySet<string> = new Set(['initial_budget', 'adjusted_budget', 'received', 'executed', 'execution_rate', 'funds_weight', 'funds_score']);

/** Does a funds row add up: 执行率 = 执行数 / 预算数, a score at most its weight, a weight at most 100? */
function fundsConsistent(columns: readonly string[], values: readonly string[]): boolean {
  const get = (key: string): number | null => {
    const i = columns.indexOf(key);
    const v = i >= 0 ? values[i] : undefined;
    return v === undefined ? null : Number(v.replace('%', '')) / (v.endsWith('%') ? 100 : 1);
  };
  const budget = get('adjusted_budget');
  const executed = get('executed');
  const rate = get('execution_rate');
  const weight = get('funds_weight');
  const score = get('funds_score');
  const printedRate = values[columns.indexOf('execution_rate')] ?? '';
  if (rate !== null && !printedRate.endsWith('%')) return false;
  // a rate printed with d decimals is within half a unit of its last digit, of the ratio of the
  // amounts before they were rounded for print (46 / 148 printed as 31.00%: 46.2 / 148.1 was 31.2%)
  const decimals = /\.(\d+)%$/.exec(printedRate)?.[1]?.length ?? 0;
  const amountStep = (key: string): number => 10 ** -(/\.(\d+)$/.exec(values[columns.indexOf(key)] ?? '')?.[1]?.length ?? 0);
  if (budget && executed !== null && rate !== null) {
    // only amounts of three or more significant digits: "1 | 48 | 4631%" is no rounding of anything
    const step = amountStep('adjusted_budget');
    const rounding = budget >= 100 * step ? (executed + amountStep('executed') / 2) / (budget - step / 2) - executed / budget : 0;
    if (Math.abs(executed / budget - rate) > 0.5 * 10 ** -decimals / 100 + rounding + 1e-9) return false;
  }
  if (weight !== null && (weight > 100 || (score !== null && score > weight))) return false;
  return true;
}

/**
 * A funds row whose numbers were printed together ("202010100.00%10" under 全年预算数 全年执行数
 * 分值 执行率 得分) is cut so that the row adds up (执行率 = 执行数 / 预算数 to the printed precision,
 * score ≤ weight); among several such cuts the one with fewest zero amounts wins, and with no
 * single winner the row stays as printed (and is flagged downstream as not adding up).
 */
export function expandFundsRow(header: readonly string[], values: readonly string[]): string[] {
  const columns = header.map((h) => fieldLabel(h)?.canonical ?? '').filter((c) => FUNDS_COLUMNS.has(c));
  if (columns.length < 3 || values.length >= columns.length) return [...values];
  const glued = values.map((v, i) => ({ v, i })).filter(({ v }) => /^[\d.]{3,}%?$/.test(v));
  if (glued.length !== 1) return [...values];
  const { v, i } = glued[0]!;
  const fits = splitNumberRun(v, columns.length - values.length + 1)
    .map((pieces) => [...values.slice(0, i), ...pieces, ...values.slice(i + 1)])
    .filter((candidate) => fundsConsistent(columns, candidate));
  if (fits.length === 0) return [...values];
  // several cuts add up ("20 20 10 100.00%" and "20201 0 10 0.00%"): a zero amount is the rarer reading
  const zeros = (candidate: readonly string[]): number => candidate.filter((x) => Number(x.replace('%', '')) === 0).length;
  const fewest = Math.min(...fits.map(zeros));
  const best = fits.filter((f) => zeros(f) === fewest);
  return best.length === 1 ? best[0]! : [...values];
}

// ---------------------------------------------------------------- token kinds

const HEADER_LINE = /^(序号|年度|填报单位|预算部门|金额单位|单位|填报人|联系电话|联系人)\s*[:：]|^[(（]?\s*\d{4}\s*年度?\s*[)）]?$/;
const SECTION = /^[一二三四五六七八九十]+、/;
const CLOSING: ReadonlySet<string> = new Set(['total_score', 'grade', 'problems', 'filler', 'phone', 'contact']);

const fieldLabel = (token: string) => (labelKey(token).length <= 16 ? matchLabel(token.replace(SECTION, ''), FIELD_LABELS) : null);
const columnLabel = (token: string) => (labelKey(token).length <= 14 ? matchIndicatorColumn(token) : null);
const isLevel1 = (token: string): boolean => matchLevel1(token) !== null;
const isLevel2 = (token: string): boolean => matchLevel2(token) !== null;

/** A column label's remark printed apart: (A), (B), (B/A). */
const COLUMN_REMARK = /^[(（]\s*[A-Za-z](\s*[/／]\s*[A-Za-z])?(\s*[×*xX]\s*100\s*%)?\s*[)）]$/;

/**
 * Does the indicator header start at tokens[i]? At its 一级指标 label; or, in templates that print
 * no levels (指标名称 | 计量单位 | 指标值 | 指标权重 …), at a name or 二级指标 label that opens a run
 * of at least three column labels.
 */
function opensIndicatorHeader(tokens: readonly string[], i: number): boolean {
  const column = columnLabel(tokens[i]!)?.canonical;
  if (column === 'level1') return true;
  if (column !== 'name' && column !== 'level2') return false;
  if (i > 0 && columnLabel(tokens[i - 1]!)) return false;
  return i + 2 < tokens.length && columnLabel(tokens[i + 1]!) !== null && columnLabel(tokens[i + 2]!) !== null;
}
/** A label, a level name or a column header: never a unit. */
const isWordOfForm = (token: string): boolean => fieldLabel(token) !== null || columnLabel(token) !== null || isLevel1(token) || isLevel2(token);
const isText = (token: string): boolean => !isValueLike(token) && parseScore(token) === null && !isLevel1(token) && !isLevel2(token);

// ---------------------------------------------------------------- indicator rows

/**
 * Choose indicator-row boundaries: each row is an optional level-1 name, an optional level-2 name
 * and up to `width` cells; a row missing cells costs, a row whose last cell should be a score but
 * is not a number costs, a level name inside a row is not allowed. Returns the rows as cells.
 */
export function indicatorRows(tokens: readonly string[], header: readonly IndicatorColumn[]): { rows: string[][]; cut: string[] | null } {
  const hasLevel1 = header.includes('level1');
  const hasLevel2 = header.includes('level2');
  const columns = header.filter((c) => c !== 'level1' && c !== 'level2');
  const width = columns.length;
  // text columns often left empty (a note, a basis): missing them costs little
  const optional = columns.filter((c) => ['deviation_note', 'basis', 'description', 'note'].includes(c)).length;
  const endsWithText = ['deviation_note', 'basis'].includes(columns[columns.length - 1] ?? '');
  const lastIsNumber = ['score', 'weight'].includes(header[header.length - 1] ?? '');
  const n = tokens.length;
  const best = new Array<number>(n + 1).fill(-Infinity);
  const from = new Array<number>(n + 1).fill(-1);
  best[0] = 0;
  const rowCost = (i: number, j: number): number => {
    let p = i;
    let score = 0;
    if (hasLevel1 && p < j && isLevel1(tokens[p]!)) { p++; score += 1; }
    if (hasLevel2 && p < j && isLevel2(tokens[p]!) && !(isLevel1(tokens[p]!) && p === i)) { p++; score += 1; }
    else if (hasLevel2 && p < j && isOwnLevelLabel(tokens[p]!)) { p++; score += 0.5; }
    const rest = j - p;
    // a template row left empty: its level names and nothing else ("生态效益指标" with no indicator)
    if (rest === 0 && p > i && j < n) return -0.8;
    // the file may end inside a row: only level names, or too few cells, left at the very end
    if (j === n && rest < Math.max(1, width - 2 - optional)) return -4;
    // a name split by a stray space ("建设 面积") is one cell: two text tokens where the name goes
    const splitName = rest === width + 1 && isText(tokens[p]!) && isText(tokens[p + 1]!);
    if (rest < 1 || (rest > width && !splitName)) return -Infinity;
    if (splitName) score -= 0.8;
    for (let k = p; k < j; k++) if (isLevel1(tokens[k]!) || (hasLevel2 && isLevel2(tokens[k]!) && k > p)) return -Infinity;
    const missing = Math.max(0, width - rest);
    score -= Math.max(0, missing - optional) * 1.2 + Math.min(missing, optional) * 0.3;
    if (lastIsNumber) score += parseScore(tokens[j - 1]!) !== null ? 1 : -1.5;
    // a full row puts each cell under its column: a 分值 or 得分 cell holds a number or a dash
    if (rest === width) {
      for (let k = 0; k < width; k++) {
        const cell = tokens[p + k]!;
        if ((columns[k] === 'weight' || columns[k] === 'score') && parseScore(cell) === null && !/^[-—/]+$/.test(cell)) score -= 1.5;
      }
    }
    if (isValueLike(tokens[p]!) && !isLevel2(tokens[p]!)) score -= 1;
    // after a bare number (a weight or score) only numbers follow, or one closing note
    const firstNumber = tokens.slice(p + 1, j).findIndex((t) => parseScore(t) !== null);
    if (firstNumber >= 0) {
      for (let k = p + 1 + firstNumber + 1; k < j; k++) {
        const text = !isValueLike(tokens[k]!) && parseScore(tokens[k]!) === null;
        if (text && !(endsWithText && k === j - 1)) score -= 3;
      }
    }
    return score;
  };
  for (let j = 1; j <= n; j++) {
    for (let i = Math.max(0, j - width - 3); i < j; i++) {
      if (best[i] === -Infinity) continue;
      const s = best[i]! + rowCost(i, j);
      if (s > best[j]!) { best[j] = s; from[j] = i; }
    }
  }
  if (best[n] === -Infinity) return { rows: [], cut: tokens.slice() };
  const rows: string[][] = [];
  let cut: string[] | null = null;
  for (let j = n; j > 0; j = from[j]!) {
    if (j === n && rowCost(from[j]!, j) === -4) { cut = tokens.slice(from[j]!, j); continue; }
    const cells = tokens.slice(from[j]!, j);
    let p = 0;
    const level1 = hasLevel1 && isLevel1(cells[0]!) ? cells[p++]! : '';
    const level2 = hasLevel2 && cells[p] !== undefined && ((isLevel2(cells[p]!) && !(p === 0 && isLevel1(cells[0]!))) || isOwnLevelLabel(cells[p]!)) ? cells[p++]! : '';
    let rest = cells.slice(p);
    if (rest.length > width) rest = [`${rest[0]}${rest[1]}`, ...rest.slice(2)];
    rows.unshift([...(hasLevel1 ? [level1] : []), ...(hasLevel2 ? [level2] : []), ...rest]);
  }
  return { rows, cut };
}

/**
 * Where a scoring rubric's columns stand: 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分 (a
 * level's own 分值 right after it), or null when the header is no rubric.
 */
interface RubricColumns { level1: number; level1Weight: number; level2: number; level2Weight: number; name: number; weight: number; score: number }

function rubricColumns(header: readonly IndicatorColumn[]): RubricColumns | null {
  const level1 = header.indexOf('level1');
  const level2 = header.indexOf('level2');
  const name = header.indexOf('name');
  const score = header.indexOf('score');
  const weightAfter = (at: number): number => (at >= 0 && header[at + 1] === 'weight' ? at + 1 : -1);
  if (name < 0 || score < 0 || weightAfter(name) < 0 || (weightAfter(level1) < 0 && weightAfter(level2) < 0)) return null;
  if (header.some((c) => !['level1', 'level2', 'name', 'weight', 'score'].includes(c))) return null;
  return { level1, level1Weight: weightAfter(level1), level2, level2Weight: weightAfter(level2), name, weight: weightAfter(name), score };
}

/**
 * A rubric's rows, which print their level labels in the rubric's own words (项目目标, 资金管理), so
 * the vocabulary cannot find them: the shape does. A row ends at a name followed by its 分值 and
 * 得分; the label/weight pairs before it are the levels it opens ("项目管理 25 资金到位 5 到位率 3 3":
 * level 1 with its weight, level 2 with its weight, then the row). Cells go under their columns in
 * the header's order. A first-level label outside the vocabulary (项目绩效) over a second-level one
 * that names a first-level group (项目产出) gives that group, with the printed first-level weight.
 */
export function rubricRows(tokens: readonly string[], header: readonly IndicatorColumn[]): { rows: string[][]; cut: string[] | null } | null {
  const at = rubricColumns(header);
  if (!at) return null;
  const isNumber = (t: string | undefined): boolean => t !== undefined && parseScore(t) !== null;
  const rows: string[][] = [];
  let pairs: Array<[string, string]> = [];
  let i = 0;
  const put = (row: string[], column: number, text: string): void => { if (column >= 0) row[column] = text; };
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (isNumber(token)) { i++; continue; } // a weight shared by merged rows, printed once
    if (isNumber(tokens[i + 1]) && !isNumber(tokens[i + 2]) && i + 2 < tokens.length) { pairs.push([token, tokens[i + 1]!]); i += 2; continue; }
    const row = new Array<string>(header.length).fill('');
    const levels = pairs.slice(-2);
    let first = levels.length === 2 ? levels[0] : levels.length === 1 && isLevel1(levels[0]![0]) && !isLevel2(levels[0]![0]) ? levels[0] : undefined;
    let second = levels.length === 2 ? levels[1] : first ? undefined : levels[0];
    if (first && second && !isLevel1(first[0]) && isLevel1(second[0])) { first = [second[0], first[1]]; second = undefined; }
    if (first) { put(row, at.level1, first[0]); put(row, at.level1Weight, first[1]); }
    if (second) { put(row, at.level2, second[0]); put(row, at.level2Weight, second[1]); }
    put(row, at.name, token);
    if (isNumber(tokens[i + 1])) { put(row, at.weight, tokens[i + 1]!); i++; }
    if (isNumber(tokens[i + 1])) { put(row, at.score, tokens[i + 1]!); i++; }
    rows.push(row);
    pairs = [];
    i++;
  }
  if (rows.length === 0) return null;
  // labels with weights and no row under them: the excerpt ends there
  return { rows, cut: pairs.length > 0 ? pairs.flat() : null };
}

// ---------------------------------------------------------------- form rows

/** Labels of a form's header block: where a form without its title starts. */
const HEADER_FIELD: ReadonlySet<string> = new Set(['project_name', 'project_code', 'department', 'central_department', 'implementing_unit', 'filing_unit']);

/** Labels that begin a row of their own (a label/value row); the others head columns. */
const ROW_LABELS: ReadonlySet<string> = new Set(['project_name', 'project_code', 'department', 'central_department', 'implementing_unit', 'filing_unit', 'project_amount',
  'funds_total_row', 'fiscal_row', 'carryover_row', 'other_row', 'source_row', 'total_score', 'grade', 'problems']);

interface Rebuilt { texts: string[]; rows: string[][]; indicators: number; cut: string[] | null; unplaced: string[] }

/** The order of a template's indicator columns, for a header whose labels were printed out of order. */
const TEMPLATE_COLUMN_ORDER: readonly IndicatorColumn[] = [
  'level1', 'level2', 'name', 'description', 'target_op', 'target', 'target_unit', 'actual', 'weight', 'score', 'deviation_note', 'basis', 'note',
];
const ROW_NUMBER = /^指标\s*\d{1,2}\s*[:：]?/;

/**
 * A header whose labels a spreadsheet dump scattered among the first rows' cells ("一级 | 指标 | — |
 * 年度 | 实际 | 指标值 | 完成值 | 指标1:… | 二级指标 | 三级指标 | … | 分值 | 得分 | 37442人 …"): the
 * column labels within the next cells, in the template's order, when they include the name column
 * and at least two value columns. The rows start after the last of them — at the first numbered row
 * where the template numbers its rows (the cells before it cannot be placed and are returned).
 */
function scatteredHeader(tokens: readonly string[], from: number, level1: string): { header: string[]; start: number; unplaced: string[] } | null {
  const found = new Map<IndicatorColumn, string>();
  let last = -1;
  for (let j = from; j < Math.min(tokens.length, from + 80) && !endsIndicatorBlock(tokens[j]!); j++) {
    const column = columnLabel(tokens[j]!)?.canonical;
    if (column && column !== 'level1' && !found.has(column)) { found.set(column, tokens[j]!); last = j; }
  }
  const values = ['target', 'actual', 'weight', 'score'].filter((c) => found.has(c as IndicatorColumn)).length;
  if (!found.has('name') || values < 2) return null;
  const header = [level1, ...TEMPLATE_COLUMN_ORDER.filter((c) => found.has(c)).map((c) => found.get(c)!)];
  let start = last + 1;
  const numbered = tokens.slice(from, last).some((t) => ROW_NUMBER.test(t));
  const firstRow = numbered ? tokens.findIndex((t, k) => k >= start && ROW_NUMBER.test(t)) : -1;
  const unplaced = firstRow > start ? tokens.slice(start, firstRow) : [];
  if (firstRow > start) start = firstRow;
  return { header, start, unplaced };
}

/**
 * Label/value rows: a section caption or a row label starts a row; a run of column labels is a
 * header row, and the first value after it starts the row of values under it; label/value pairs
 * ("预算数: 34.56 到位数: 34.56") stay on one row, as printed.
 */
class RowBuilder {
  readonly rows: string[][] = [];
  private row: string[] = [];
  private labels: string[] = [];
  private values = 0;

  flush(): void {
    if (this.row.length > 0) this.rows.push(this.row);
    this.row = [];
    this.labels = [];
    this.values = 0;
  }

  add(token: string): void {
    // a label's remark printed apart (全年预算数 | (A)) stays on its label, never a value under it
    const last = this.row[this.row.length - 1];
    if (last !== undefined && COLUMN_REMARK.test(token) && fieldLabel(last) !== null) { this.row[this.row.length - 1] = `${last}${token}`; return; }
    const label = fieldLabel(token)?.canonical ?? null;
    const lastLabel = last === undefined ? null : fieldLabel(last)?.canonical ?? null;
    if (SECTION.test(token)) this.flush();
    else if (label && this.values > 0 && FUNDS_COLUMNS.has(label) && lastLabel !== null && FUNDS_COLUMNS.has(lastLabel)) {
      // two funds column labels after a label/value pair: the funds header starts a row of its own
      this.row.pop();
      this.labels.pop();
      this.flush();
      this.labels.push(lastLabel);
      this.row.push(last!);
      this.labels.push(label);
    } else if (label) {
      const repeatsHeader = this.values === 0 && this.labels.includes(label);
      const newRow = ROW_LABELS.has(label) && this.row.length > 0 && !(this.values > 0 && this.labels[0] === label);
      const afterValues = this.values > 0 && !ROW_LABELS.has(label) && !this.isPairs();
      if (repeatsHeader || newRow || afterValues) this.flush();
      this.labels.push(label);
    } else {
      if (this.values === 0 && this.labels.length >= 2) this.flush(); // values under a header row
      this.values++;
    }
    this.row.push(token);
  }

  /** Take back the last `count` tokens of the row being built (they turned out to head a table). */
  retract(count: number): void {
    let left = count;
    while (left > 0 && this.row.length > 0) { this.row.pop(); this.labels.pop(); left--; }
    while (left > 0 && this.rows.length > 0) {
      const last = this.rows[this.rows.length - 1]!;
      const take = Math.min(left, last.length);
      last.splice(last.length - take, take);
      if (last.length === 0) this.rows.pop();
      left -= take;
    }
  }

  /** label, value, label, value …: a row of pairs */
  private isPairs(): boolean {
    return this.row.every((t, i) => (i % 2 === 0) === (fieldLabel(t) !== null));
  }
}

/** Labels that end an indicator table: the closing rows, the signature block, a note. */
function endsIndicatorBlock(token: string): boolean {
  const label = fieldLabel(token)?.canonical ?? '';
  if (CLOSING.has(label) || label === 'project_name' || SECTION.test(token) || SITE_CHROME.test(token)) return true;
  // a report's numbered heading after the table ("(三)项目自评步骤及方法"), not a group row naming a level
  if (/^[(（][一二三四五六七八九十]{1,3}[)）]\S{4,}/.test(token.replace(/\s/g, '')) && levelNamesIn(token).length === 0) return true;
  // 序号 heads the next table (an allocation list), never a cell of an indicator row; 合计 alone
  // is the totals row that closes the table
  const key = token.replace(/\s/g, '');
  return SIGNATURE_BLOCK.test(key) || /^(序号|合计)$/.test(key);
}

/**
 * A two-level header printed as two runs: "年度指标值 实际完成值 分值 得分 偏差原因…" over
 * "一级指标 二级指标 三级指标 指标性质 指标值 度量单位" (the upper 年度指标值 spans the lower sign,
 * value and unit). The run of column labels right before the level-1 header is the upper level.
 */
function upperHeader(tokens: readonly string[], level1At: number): string[] {
  let from = level1At;
  while (from > 0 && columnLabel(tokens[from - 1]!) && columnLabel(tokens[from - 1]!)?.canonical !== 'level1') from--;
  const run = tokens.slice(from, level1At);
  return run.length >= 2 ? run : [];
}

/** The upper level's columns the lower level does not already print, in the upper's order, after the lower's. */
function upperColumnsBelow(upper: readonly string[], lower: readonly string[]): string[] {
  const present = new Set(lower.map((h) => columnLabel(h)?.canonical));
  const split = present.has('target_op') || present.has('target_unit');
  return upper.filter((h) => {
    const column = columnLabel(h)?.canonical;
    return column !== undefined && !present.has(column) && !(split && column === 'target');
  });
}

/**
 * A list of projects flattened into one stream (projectList.ts): the list header (项目名称 项目单位
 * 预算数 年度绩效目标 一级指标 …), then each project's cells followed by its indicator rows. Each
 * project becomes a token stream of its own — the lines before the list, its cells as label/value
 * pairs, the indicator header and its rows — or null when the form is no list.
 */
function projectListForms(tokens: readonly string[]): string[][] | null {
  const level1At = tokens.findIndex((_, i) => opensIndicatorHeader(tokens, i));
  if (level1At < 0) return null;
  let from = level1At;
  while (from > 0 && fieldLabel(tokens[from - 1]!) !== null) from--;
  let to = level1At;
  while (to < tokens.length && columnLabel(tokens[to]!)) to++;
  const header = listHeaderOf(tokens.slice(from, to).map((text) => ({ text })));
  if (!header) return null;
  const budgetCol = header.projectFields.indexOf('adjusted_budget');
  const data = tokens.slice(to);
  // a project starts where an amount stands after at most budgetCol text cells and before a level name
  const starts: number[] = [];
  data.forEach((token, i) => {
    if (!/^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d{2}$/.test(token)) return;
    let begin = i;
    while (begin > 0 && i - begin < budgetCol && isText(data[begin - 1]!) && !isLevel1(data[begin - 1]!) && !isLevel2(data[begin - 1]!)) begin--;
    if (i - begin === budgetCol && data.slice(i + 1, i + 4).some((t) => isLevel1(t) || isLevel2(t))) starts.push(begin);
  });
  if (starts.length === 0) return null;
  const before = tokens.slice(0, from);
  const indicatorHeader = header.indicatorLabels.map((c) => c.text);
  return starts.map((begin, k) => {
    const slice = data.slice(begin, starts[k + 1] ?? data.length);
    const prefix = projectPrefix(slice.map((text) => ({ text })), header);
    if (!prefix) return [...before, ...slice];
    const pairs = header.projectLabels.flatMap((label, c) => (prefix.values[c] ? [label.text, prefix.values[c]!.text] : []));
    return [...before, ...pairs, ...indicatorHeader, ...prefix.rest.map((c) => c.text)];
  });
}

/** One form's tokens → header lines and table rows. */
function rebuildForm(tokens: readonly string[]): Rebuilt {
  const texts: string[] = [];
  const unplaced: string[] = [];
  const builder = new RowBuilder();
  let indicators = 0;
  let cut: string[] | null = null;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (builder.rows.length === 0 && (HEADER_LINE.test(token) || parseTitle(token))) { texts.push(token); i++; continue; }
    if (HEADER_LINE.test(token)) { texts.push(token); i++; continue; }
    // a copied web page's footer (扫一扫…, 主办/承办, ICP备): the form ended above it
    if (SITE_CHROME.test(token)) break;
    if (opensIndicatorHeader(tokens, i)) {
      // the indicator header: its labels, then the rows up to the first closing label
      const upper = upperHeader(tokens, i);
      builder.retract(upper.length);
      builder.flush();
      const header: string[] = [];
      // a column's bracketed remark split off into a token of its own (年初目标值 | (A)) stays with it
      while (i < tokens.length && (columnLabel(tokens[i]!) || (header.length > 0 && COLUMN_REMARK.test(tokens[i]!)))) {
        if (columnLabel(tokens[i]!)) header.push(tokens[i]!);
        i++;
      }
      header.push(...upperColumnsBelow(upper, header));
      let start = i;
      // a header of one or two labels, the rest printed among the cells after it
      const scattered = header.length < 3 ? scatteredHeader(tokens, i, header[0]!) : null;
      if (scattered) {
        header.splice(0, header.length, ...scattered.header);
        start = scattered.start;
        unplaced.push(...scattered.unplaced);
      }
      i = start;
      while (i < tokens.length && !endsIndicatorBlock(tokens[i]!)) i++;
      const columns = header.map((h) => columnLabel(h)!.canonical);
      const read = rubricRows(tokens.slice(start, i), columns) ?? indicatorRows(tokens.slice(start, i), columns);
      builder.rows.push(header, ...read.rows);
      indicators += read.rows.length;
      cut = read.cut;
      continue;
    }
    builder.add(token);
    i++;
  }
  builder.flush();
  // numbers printed together under a funds header are cut where the row then adds up
  const rows = builder.rows.map((row, r) => {
    const above = builder.rows[r - 1];
    // the header's labels may keep their remarks apart: 全年预算数 | (A) | 全年执行数 | (B)
    const labels = above?.filter((t) => !COLUMN_REMARK.test(t));
    if (!labels || !labels.every((t) => fieldLabel(t) !== null) || row.length < 2 || !fieldLabel(row[0]!)) return row;
    const headerColumns = labels.filter((t) => FUNDS_COLUMNS.has(fieldLabel(t)!.canonical));
    return [row[0]!, ...expandFundsRow(headerColumns, row.slice(1))];
  });
  return { texts, rows, indicators, cut, unplaced };
}

/**
 * Every cell of a rebuilt form carries the rebuilding as a repair: its row and column were inferred
 * from the order of the cells, not read, and on real forms that inference is wrong often enough
 * (the keyed corpus) that a reviewer must see the form.
 */
const REBUILT: Repair = { rule: 'cell_order_rebuilt', before: 'cells in reading order', after: 'table rows', confidence: FLATTENED_CONFIDENCE };

function table(rows: readonly string[][], line: number): Table {
  const width = Math.max(...rows.map((r) => r.length));
  const cells = rows.map((r): Cell[] => Array.from({ length: width }, (_, col) => ({
    text: r[col] ?? '', origin: { table: null, row: null, col, line, page: null, bbox: null }, ...(r[col] ? { repairs: [REBUILT] } : {}),
  })));
  return { index: -1, format: 'markdown', firstLine: line, lastLine: line, rows: cells };
}

/** A token that may sit in an indicator row: short, no sentence, no label with a colon. */
const isRowToken = (token: string): boolean => token.length <= 30 && !/[。:：]/.test(token) && !PAGE_FURNITURE.test(token);

/**
 * Indicator rows before the first form's title: the tail of a form the excerpt cut at its start.
 * Given the tokens and where the first titled form starts, return where the fragment starts and its
 * tokens: from its own indicator header when it kept one, else its rows (from the first level label,
 * with the row cells just before it) under the next form's header — one document, one template —
 * which `borrowed` says, for the form's issues. Null when fewer than three level labels or no header.
 */
function leadingFragment(tokens: readonly string[], firstStart: number): { start: number; formTokens: string[]; borrowed: boolean } | null {
  const lead = tokens.slice(0, firstStart);
  if (lead.filter((t) => isLevel1(t) || isLevel2(t)).length < 3) return null;
  const ownHeader = lead.findIndex((_, i) => opensIndicatorHeader(lead, i));
  if (ownHeader >= 0) return { start: ownHeader, formTokens: lead.slice(ownHeader), borrowed: false };
  const nextHeader = tokens.findIndex((_, i) => i >= firstStart && opensIndicatorHeader(tokens, i));
  if (nextHeader < 0) return null;
  const header: string[] = [];
  for (let i = nextHeader; i < tokens.length && columnLabel(tokens[i]!); i++) header.push(tokens[i]!);
  const firstLevel = lead.findIndex((t) => isLevel1(t) || isLevel2(t));
  // the row cut at its start keeps its cells before the first level label (at most one row's worth)
  let start = firstLevel;
  while (start > 0 && firstLevel - start < header.length && isRowToken(lead[start - 1]!)) start--;
  return { start, formTokens: [...header, ...lead.slice(start)], borrowed: true };
}

/** A form title on its own: "标题: 项目支出绩效自评表" is a document property, not a form. */
const isFormTitle = (token: string): boolean => parseTitle(token) !== null && !/[:：]/.test(token);

/**
 * Rebuild a flattened file's blocks: forms split at their titles, each as title and header lines
 * then one table. Text before the first title (document properties, a summary) stays prose. A
 * file that ends inside an indicator row reports the row; a form with no complete row is not read.
 */
export function rebuildFlattened(lines: readonly string[]): { blocks: Block[]; errors: string[] } {
  const tokens = tokensOf(lines);
  const titles = tokens.map((t, i) => (isFormTitle(t) ? i : -1)).filter((i) => i >= 0);
  // a page heading that repeats the title ("XX局2023年…申报表" above "2023年…申报表"): the form
  // starts at the last title before its first label
  // (the segment stage keeps both lines, the shorter as the title)
  const headed = titles.filter((start, k) => {
    const previous = titles[k - 1];
    return previous === undefined || tokens.slice(previous + 1, start).some((t) => isWordOfForm(t));
  });
  // "绩效项目指标表" over the indicator table of the form above it heads a section, not a form:
  // a form of its own prints a field label (项目名称, 主管部门 …) before its indicator header
  const starts = headed.filter((start, k) => {
    if (k === 0) return true;
    const end = headed[k + 1] ?? tokens.length;
    const header = tokens.slice(start + 1, end).findIndex((_, i, own) => opensIndicatorHeader(own, i));
    const before = tokens.slice(start + 1, header < 0 ? end : start + 1 + header);
    return before.some((t) => fieldLabel(t) !== null);
  });
  // a second project in a list of forms: a 项目名称 after the indicator table starts the next form,
  // with the unit and amount-unit lines printed just above it
  for (let k = 0; k < starts.length; k++) {
    const end = starts[k + 1] ?? tokens.length;
    const header = tokens.slice(starts[k]!, end).findIndex((_, i, own) => opensIndicatorHeader(own, i));
    if (header < 0) continue;
    const next = tokens.slice(starts[k]! + header, end).findIndex((t) => fieldLabel(t)?.canonical === 'project_name');
    if (next < 0) continue;
    let at = starts[k]! + header + next;
    while (at - 1 > starts[k]! + header && /^\d{6}\S|^(金额)?单位[:：]/.test(tokens[at - 1]!) && at > starts[k]! + header + next - 2) at--;
    starts.splice(k + 1, 0, at);
  }
  // a form that starts without its title (an excerpt, a page of a longer file): it starts at its
  // first field label, or at its indicator header
  if (starts.length === 0) {
    const header = tokens.findIndex((_, i) => opensIndicatorHeader(tokens, i));
    if (header >= 0) {
      const label = tokens.slice(0, header).findIndex((t) => HEADER_FIELD.has(fieldLabel(t)?.canonical ?? ''));
      starts.push(label >= 0 ? label : header);
    }
  }
  const blocks: Block[] = [];
  const errors: string[] = [];
  const firstLine = (token: string): number => {
    const head = token.split('\n')[0]!;
    const exact = lines.findIndex((l) => l.trim() === head);
    return Math.max(1, (exact >= 0 ? exact : lines.findIndex((l) => l.includes(head.slice(0, 20)))) + 1);
  };
  // indicator rows before the first form: the tail of a form the excerpt cut at its start
  const fragment = starts.length > 0 ? leadingFragment(tokens, starts[0]!) : null;
  for (const t of tokens.slice(0, fragment?.start ?? starts[0] ?? tokens.length)) blocks.push({ kind: 'text', text: t, line: firstLine(t), page: null, bbox: null });
  if (fragment?.borrowed) {
    errors.push(`line ${firstLine(tokens[fragment.start]!)}: indicator rows before the first form's title were read as the tail of a form cut at its start, in the columns of the next form's header`);
  } else if (!fragment && tokens.slice(0, starts[0] ?? 0).filter((t) => isLevel1(t) || isLevel2(t)).length >= 3) {
    const lead = tokens.slice(0, starts[0] ?? 0);
    errors.push(`line ${firstLine(lead.find((t) => isLevel1(t) || isLevel2(t))!)}: indicator rows before the first form's title (a form cut at its start?) were not read`);
  } else if (!fragment && starts.length > 0) {
    // never silent: cells run together or broken by spaces may hide a form's level names inside
    // longer tokens ("分)项目决策(10"); three different ones before the first title are a form not read
    const levels = levelNamesIn(tokens.slice(0, starts[0]).join(''));
    if (levels.length >= 3) {
      errors.push(`before the first form's title, the text holds the level names of a form (${levels.slice(0, 4).join(', ')}) that was not read (a form cut at its start?)`);
    }
  }
  const forms = [
    ...(fragment ? [{ start: fragment.start, formTokens: fragment.formTokens }] : []),
    ...starts.flatMap((start, k) => {
      const own = tokens.slice(start, starts[k + 1] ?? tokens.length);
      return (projectListForms(own) ?? [own]).map((formTokens) => ({ start, formTokens }));
    }),
  ];
  forms.forEach(({ start, formTokens }) => {
    const { texts, rows, indicators, cut, unplaced } = rebuildForm(formTokens);
    const line = firstLine(tokens[start]!);
    // label/value rows with a value: a project name alone is a form cut at its start
    const labelled = rows.filter((row) => row.some((t) => fieldLabel(t) === null))
      .reduce((n, row) => n + row.filter((t) => fieldLabel(t) !== null).length, 0);
    if (indicators === 0 && labelled < 2) {
      errors.push(`line ${line}: the form "${tokens[start]}" ends before its first complete indicator row (the file is cut off?); it was not read`);
      return;
    }
    // a form cut before its indicator table is still read: its header and funds are facts, and
    // validation reports the missing indicator rows
    if (cut) errors.push(`line ${line}: the file ends inside an indicator row ("${cut.join(' ')}"); that row was not read`);
    if (unplaced.length > 0) {
      errors.push(`line ${line}: the indicator header's labels were printed among the first rows' cells; ${unplaced.length} cells before the first numbered row ("${unplaced.slice(0, 6).join(' ')}…") could not be placed in a row and were not read`);
    }
    for (const text of texts) blocks.push({ kind: 'text', text, line, page: null, bbox: null, repairs: [REBUILT] });
    if (rows.length > 0) blocks.push({ kind: 'table', table: table(rows, line) });
  });
  return { blocks, errors };
}
