/** Indicator rows rebuilt from the order of their cells: by a dynamic programme, by a rubric's shape, under a scattered header. */
import { bracketedPoints, isValueLike, parseScore } from '../../forms/values.js';
import { type IndicatorColumn, ROW_NUMBER, isOwnLevelLabel, matchLevel2, matchShortLevel2 } from '../../forms/vocabulary.js';
import { columnLabel, endsIndicatorBlock, isLevel1, isLevel2, isText } from './words.js';
import { splitNumberRun } from './numbers.js';
// ---------------------------------------------------------------- indicator rows

/** The value columns a row's group of cells may fill, and what each holds. */
const VALUE_CELL: Partial<Record<IndicatorColumn, (cell: string) => boolean>> = {
  target: (cell) => isValueLike(cell) || /^[-—/]+$/.test(cell),
  actual: (cell) => isValueLike(cell) || /^[-—/]+$/.test(cell),
  weight: (cell) => parseScore(cell) !== null,
  score: (cell) => parseScore(cell) !== null,
};

/**
 * The names at `at`: a run of text cells; where the template numbers its rows (指标7:…), each number
 * opens a name and a text cell without one is the previous name's wrapped end (…登记 | 数).
 */
function nameRun(tokens: readonly string[], at: number): { names: string[]; end: number } {
  const names: string[] = [];
  const numbered = ROW_NUMBER.test(tokens[at] ?? '');
  let i = at;
  for (; i < tokens.length && isText(tokens[i]!); i++) {
    const token = tokens[i]!;
    if (numbered && !ROW_NUMBER.test(token) && names.length > 0) names[names.length - 1] += token;
    else names.push(token);
  }
  return { names, end: i };
}

/**
 * A spreadsheet dump that printed several rows' names one after another and then their values in the
 * same order ("指标7:甲 指标8:乙 12人 12人 2 2 30次 28次 2 1.8", the names' cells merged apart from the
 * values'): k names followed by exactly k groups of the value columns, every group fitting its columns
 * (a value, a value, a number, a number), are put back row by row. Counts that do not line up are left
 * as printed (the rows stay unread or flagged); a row read this way is one more inference from cell
 * order, which every rebuilt cell already carries (confidence < 0.9, the form under review).
 */
export function interleaveNameRuns(tokens: readonly string[], columns: readonly IndicatorColumn[]): string[] {
  const values = columns.filter((c) => c !== 'level1' && c !== 'level2' && c !== 'name');
  if (columns.indexOf('name') !== columns.length - values.length - 1 || values.length < 2 || values.some((c) => !VALUE_CELL[c])) return [...tokens];
  const width = values.length;
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const { names, end } = nameRun(tokens, i);
    let valueEnd = end;
    while (valueEnd < tokens.length && !isText(tokens[valueEnd]!) && !isLevel1(tokens[valueEnd]!) && !isLevel2(tokens[valueEnd]!)) valueEnd++;
    const cells = tokens.slice(end, valueEnd);
    const fits = names.length >= 2 && cells.length === names.length * width && cells.every((cell, k) => VALUE_CELL[values[k % width]!]!(cell));
    // (a run that does not fit is passed whole: a part of it is no run of names of its own)
    if (!fits) { const next = Math.max(end, i + 1); out.push(...tokens.slice(i, next)); i = next; continue; }
    names.forEach((name, r) => out.push(name, ...cells.slice(r * width, (r + 1) * width)));
    i = valueEnd;
  }
  return out;
}

/**
 * Choose indicator-row boundaries: each row is an optional level-1 name, an optional level-2 name
 * and up to `width` cells; a row missing cells costs, a row whose last cell should be a score but
 * is not a number costs, a level name inside a row is not allowed. Returns the rows as cells.
 */
export function indicatorRows(printed: readonly string[], header: readonly IndicatorColumn[]): { rows: string[][]; cut: string[] | null; fit: number } {
  const tokens = splitMetPhrases(printed, header);
  const opensShort = tokens.map((_, at) => opensShortLevel(tokens, at));
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
    else if (hasLevel2 && p < j - 1 && opensShort[p]) { p++; score += 0.5; }
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
  if (best[n] === -Infinity) return { rows: [], cut: tokens.slice(), fit: -Infinity };
  const rows: string[][] = [];
  let cut: string[] | null = null;
  for (let j = n; j > 0; j = from[j]!) {
    if (j === n && rowCost(from[j]!, j) === -4) { cut = tokens.slice(from[j]!, j); continue; }
    const cells = tokens.slice(from[j]!, j);
    let p = 0;
    const level1 = hasLevel1 && isLevel1(cells[0]!) ? cells[p++]! : '';
    const at = from[j]! + p;
    const level2 = hasLevel2 && cells[p] !== undefined && ((isLevel2(cells[p]!) && !(p === 0 && isLevel1(cells[0]!))) || isOwnLevelLabel(cells[p]!) || (p < cells.length - 1 && opensShort[at])) ? cells[p++]! : '';
    let rest = cells.slice(p);
    if (rest.length > width) rest = [`${rest[0]}${rest[1]}`, ...rest.slice(2)];
    rows.unshift([...(hasLevel1 ? [level1] : []), ...(hasLevel2 ? [level2] : []), ...rest]);
  }
  return { rows, cut, fit: best[n]! };
}

/** How a target is to be met, as the 指标说明 column says it: 达到目标值, 达到预计值. */
const MET_PHRASE = /^(.{2,}?)(达到(?:目标|预计|预期|计划)值)(\d[\d.]*)?$/;

/**
 * Hebei's 绩效评价指标表 (指标名称 | 指标说明 | 目标值 | 分值) says in 指标说明 how each target is met
 * (达到目标值, 达到预计值); a dump that lost the separators runs it onto the name, and a bare target
 * and weight onto it ("培训学员人数达到预计值35010" = 350 | 10). Under a header with that column right
 * after the name, the phrase is cut off as the description; digits after it are cut into target and
 * weight only where one cut alone leaves a weight of 1–100 (350 | 10, not 3501 | 0 or 3 | 5010).
 */
function splitMetPhrases(tokens: readonly string[], header: readonly IndicatorColumn[]): string[] {
  const name = header.indexOf('name');
  if (name < 0 || header[name + 1] !== 'description') return [...tokens];
  const fused = header[name + 2] === 'target' && header[name + 3] === 'weight';
  return tokens.flatMap((token) => {
    const m = MET_PHRASE.exec(token);
    if (!m || !isText(m[1]!) || isLevel1(m[1]!) || isLevel2(m[1]!)) return [token];
    if (!m[3]) return [m[1]!, m[2]!];
    const cuts = fused ? splitNumberRun(m[3], 2).filter(([, weight]) => Number(weight) >= 1 && Number(weight) <= 100) : [];
    return cuts.length === 1 ? [m[1]!, m[2]!, ...cuts[0]!] : [token];
  });
}

/**
 * A level-2 label printed short (时效 for 时效指标, 社会效益) opening a row: only where the row does not
 * follow a level-2 label, whose group cannot be empty — there the same word begins a name (成本核算) —
 * and only where it names another group than the one the rows are in: a merged cell prints its label
 * once, so 质量 at the front of a row under 质量指标 begins the row's name (质量问题整改率).
 */
function opensShortLevel(tokens: readonly string[], at: number): boolean {
  const short = matchShortLevel2(tokens[at]!);
  const before = tokens[at - 1];
  if (!short || (before !== undefined && isLevel2(before) && !isLevel1(before))) return false;
  for (let k = at - 1; k >= 0; k--) {
    const level2 = matchLevel2(tokens[k]!) ?? matchShortLevel2(tokens[k]!);
    if (level2) return level2.canonical !== short.canonical;
    if (isLevel1(tokens[k]!)) return true;
  }
  return true;
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
 * 得分; the label/weight pairs before it are the levels it opens ("项目管理 35 经费保障 8 保障及时率 4 2":
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

/** A rubric's level label with its points: "计划 (20分)", "预算编制(8分)" — a short label, no sentence. */
function isWeightedLabel(text: string): boolean {
  const carried = bracketedPoints(text);
  return carried !== null && /^[\u4e00-\u9fff]{2,12}$/.test(carried.label);
}

/**
 * A 部门整体 rubric that numbers its rows (序号 | 一级指标 | 二级指标 | 三级指标 | 指标分值 | 指标解释 |
 * 评分标准 | 自评得分), its level labels in its own words with their points ("计划 (20分)"): each row
 * starts at its number — the next number of the sequence, after the last row's score and before a
 * text — then the labels with points open its levels (two: both; one: the second, the first carried
 * down), then the name, its 分值, its texts in the header's order and its 得分 last. Null when the
 * header lacks those columns or the rows are not numbered 1, 2, 3 ….
 */
export function numberedRubricRows(tokens: readonly string[], header: readonly IndicatorColumn[]): { rows: string[][]; cut: string[] | null } | null {
  const column = (c: IndicatorColumn): number => header.indexOf(c);
  if (['level1', 'level2', 'name', 'weight', 'score'].some((c) => column(c as IndicatorColumn) < 0)) return null;
  const starts = rowNumbers(tokens);
  if (starts.length < 2) return null;
  const texts = header.map((c, k) => (['description', 'basis', 'note', 'deviation_note'].includes(c) ? k : -1)).filter((k) => k >= 0);
  const rows = starts.map((start, r) => {
    const cells = tokens.slice(start + 1, starts[r + 1] ?? tokens.length);
    const row = new Array<string>(header.length).fill('');
    // the labels open the row; a scoring rule further on may end in its points too ("…可行(3分)")
    const leading = cells.findIndex((t) => !isWeightedLabel(t));
    const labels = cells.slice(0, leading < 0 ? cells.length : leading);
    if (labels.length >= 2) { row[column('level1')] = labels[0]!; row[column('level2')] = labels[1]!; }
    else if (labels.length === 1) row[column('level2')] = labels[0]!;
    const rest = cells.slice(labels.length);
    const numbers = rest.map((t, k) => (parseScore(t) !== null ? k : -1)).filter((k) => k >= 0);
    row[column('name')] = rest[0] ?? '';
    if (numbers.length > 0 && numbers[0]! > 0) row[column('weight')] = rest[numbers[0]!]!;
    if (numbers.length > 1) row[column('score')] = rest[numbers[numbers.length - 1]!]!;
    const between = rest.slice((numbers[0] ?? 0) + 1, numbers.length > 1 ? numbers[numbers.length - 1] : rest.length).filter((t) => parseScore(t) === null);
    between.forEach((text, k) => { const at = texts[Math.min(k, texts.length - 1)]; if (at !== undefined) row[at] = row[at] ? `${row[at]}${text}` : text; });
    return row;
  });
  return { rows, cut: null };
}

/**
 * Where each numbered row starts: the next number of the sequence with a text after it, after the
 * last row's score — or, where that row left its score blank, before a level label with its points.
 */
function rowNumbers(tokens: readonly string[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== String(starts.length + 1)) continue;
    const next = tokens[i + 1];
    if (next === undefined || parseScore(next) !== null) continue;
    const afterScore = starts.length === 0 ? i === 0 : parseScore(tokens[i - 1]!) !== null;
    if (afterScore || (starts.length > 0 && isWeightedLabel(next))) starts.push(i);
  }
  return starts;
}

/** A label with its points anywhere in a run: "合规性(4 分)", "资金管 理(20 分)". */
const POINTS_LABEL = /[^\s()（）\d][^()（）]*?[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]/g;

/**
 * The cells of a scoring table whose every label carries its points and whose PDF text ran them
 * together with the scores ("5 明确性(5 分)5 合理性(5 分)"): each label with its points (spaces inside
 * removed) and each score apart; a label the spaces broke before its points (部门决 | 策(25分)) joined
 * when the whole is a level name.
 */
function pointsCells(tokens: readonly string[]): string[] {
  const cells: string[] = [];
  for (const token of tokens) {
    let rest = token;
    let at = 0;
    for (const m of token.matchAll(POINTS_LABEL)) {
      cells.push(...token.slice(at, m.index).trim().split(/\s+/).filter(Boolean));
      cells.push(m[0].replace(/\s/g, ''));
      at = m.index + m[0].length;
    }
    rest = token.slice(at).trim();
    // the last row's score before a cell of other text: "2 资金下达及时……"
    const score = at === 0 ? /^(\d+(?:\.\d+)?)\s+(\S.*)$/.exec(rest) : null;
    if (score) cells.push(score[1]!, score[2]!);
    else if (rest) cells.push(...(at > 0 ? rest.split(/\s+/) : [rest]));
  }
  const joined: string[] = [];
  for (const cell of cells) {
    const previous = joined.at(-1);
    if (previous !== undefined && !isWeightedLabel(previous) && parseScore(previous) === null && isWeightedLabel(`${previous}${cell}`) && isLevel1(`${previous}${cell}`)) joined[joined.length - 1] = `${previous}${cell}`;
    else joined.push(cell);
  }
  return joined;
}

/**
 * A scoring table (一级指标 | 二级指标 | 三级指标 | 得分) whose labels all carry their points and whose
 * columns the PDF text ran together: a label followed by a score is a row's name (its points its
 * 分值, read by the build stage), a label followed by another label opens a level — the first
 * level where it is a level name (部门决策(25分)), else the second. Null unless the header has no
 * value columns and most cells are labels with points or scores.
 */
export function pointsRubricRows(tokens: readonly string[], header: readonly IndicatorColumn[]): { rows: string[][]; cut: string[] | null } | null {
  const column = (c: IndicatorColumn): number => header.indexOf(c);
  if (column('name') < 0 || column('score') < 0 || header.some((c) => ['target', 'actual'].includes(c))) return null;
  const cells = pointsCells(tokens);
  const labels = cells.filter((c) => isWeightedLabel(c)).length;
  const scores = cells.filter((c) => parseScore(c) !== null).length;
  if (labels < 3 || labels + scores < cells.length * 0.8) return null;
  const rows: string[][] = [];
  let level1 = '';
  let level2 = '';
  let cut: string[] | null = null;
  cells.forEach((cell, i) => {
    if (!isWeightedLabel(cell)) return;
    const next = cells[i + 1];
    if (next !== undefined && parseScore(next) !== null) {
      const row = new Array<string>(header.length).fill('');
      if (column('level1') >= 0) row[column('level1')] = level1;
      if (column('level2') >= 0) row[column('level2')] = level2;
      row[column('name')] = cell;
      row[column('score')] = next;
      rows.push(row);
      level1 = '';
      level2 = '';
    } else if (next === undefined) cut = [cell];
    else if (isLevel1(cell)) { level1 = cell; level2 = ''; }
    else level2 = cell;
  });
  return rows.length >= 2 ? { rows, cut } : null;
}

/** The order of a template's indicator columns, for a header whose labels were printed out of order. */
const TEMPLATE_COLUMN_ORDER: readonly IndicatorColumn[] = [
  'level1', 'level2', 'name', 'description', 'target_op', 'target', 'target_unit', 'actual', 'weight', 'score', 'deviation_note', 'basis', 'note',
];

/**
 * A header whose labels a spreadsheet dump scattered among the first rows' cells ("一级 | 指标 | — |
 * 年度 | 实际 | 指标值 | 完成值 | 指标1:… | 二级指标 | 三级指标 | … | 分值 | 得分 | 37442人 …"): the
 * column labels within the next cells, in the template's order, when they include the name column
 * and at least two value columns. The rows start after the last of them — at the first numbered row
 * where the template numbers its rows (the cells before it cannot be placed and are returned).
 */
export function scatteredHeader(tokens: readonly string[], from: number, level1: string): { header: string[]; start: number; unplaced: string[] } | null {
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


