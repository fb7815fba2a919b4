/**
 * A scoring rubric found by its shape, without a title or a column header: the family of rubric
 * tables (一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分, or only 得分) that a PDF text extractor
 * emitted in content-stream order, an excerpt cut above the table's heading. In that order
 *  - each row's numbers come out after its label, at the start of the next line ("完成率" / "6 5 准时率");
 *  - a group's points come out before its caption, split around a line break ("(" / "15 分)资金管理"),
 *    and the caption runs into the next level's caption and the first row's name ("资金管理资金拨付");
 *  - a page number may be injected among the numbers.
 * The reading is accepted only where the numbers agree with it: a score never above its weight,
 * and the groups' printed points equal to what their rows (or their sub-groups) add up to.
 */
import { RUBRIC_CAPTION_ENDINGS, matchLevel1 } from '../../forms/vocabulary.js';
import { columnLabel, endsIndicatorBlock } from './words.js';

/**
 * A group's points as the extractor leaves them: "(20 分)", "( 12 )", "20 分)" whose "(" was cut off
 * with the line above, "( 特色指标60 分)" with a lost caption's words inside. Unlike a label's own
 * points (forms/values.ts bracketedPoints) the 分 may be missing and the caption follows, not leads.
 */
const GROUP_POINTS = /(?:[(（]\s*(?:[\u4e00-\u9fff]{1,8}\s*)?|(?<!\S))(\d{1,3}(?:\.\d+)?)\s*(?:分\s*)?[)）]/g;
const NUMBER = /^\d{1,3}(?:\.\d+)?$/;
/** A remark the spaces set apart from its label: 及时性 | (资金拨付) — no digits, so no points. */
const REMARK = /^[(（][^\d()（）]*[)）]$/;

type Item = { kind: 'points'; points: number } | { kind: 'number'; text: string } | { kind: 'label'; text: string };

interface Caption { text: string; points: number }
interface ShapeRow { level1: Caption | null; level2: Caption | null; name: string; numbers: string[] }

/** A row's number run into the next label where the line kept no space: "9合计", "5完成率". */
const NUMBER_THEN_LABEL = /^(\d{1,3}(?:\.\d+)?)([\u4e00-\u9fff].*)$/;

function pushWords(items: Item[], text: string): void {
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = items.at(-1);
    const runOn = NUMBER_THEN_LABEL.exec(word);
    if (runOn) items.push({ kind: 'number', text: runOn[1]! }, { kind: 'label', text: runOn[2]! });
    else if (NUMBER.test(word)) items.push({ kind: 'number', text: word });
    else if (REMARK.test(word) && last?.kind === 'label') last.text += word;
    else items.push({ kind: 'label', text: word });
  }
}

/** The run's text as points, numbers and labels, in order (tokens joined: a marker may span two). */
function itemsOf(tokens: readonly string[]): Item[] {
  const text = tokens.join(' ');
  const items: Item[] = [];
  let at = 0;
  for (const m of text.matchAll(GROUP_POINTS)) {
    pushWords(items, text.slice(at, m.index));
    items.push({ kind: 'points', points: Number(m[1]) });
    at = m.index + m[0].length;
  }
  pushWords(items, text.slice(at));
  // a closing label (合计, 总分) run into the last row's numbers ends the rubric there
  const closing = items.findIndex((item) => item.kind === 'label' && endsIndicatorBlock(item.text));
  return closing < 0 ? items : items.slice(0, closing);
}

/** A caption run into its first row's name (绩效目标目标明确性): the shortest caption of four or more characters that ends as captions do. */
function splitCaption(text: string): { caption: string; name: string } | null {
  const bare = text.replace(/[(（].*$/, '');
  for (let end = 4; end <= Math.min(8, bare.length - 2); end++) {
    const caption = bare.slice(0, end);
    if (RUBRIC_CAPTION_ENDINGS.some((w) => caption.endsWith(w))) return { caption, name: text.slice(end) };
  }
  return null;
}

/**
 * Rows from the items: points then a caption open a group — the first level where another group's
 * points follow the caption, the second where the first row's name (run into it or apart) follows;
 * a label is a row and the numbers after it are its numbers. Numbers after no row are stray.
 */
function shapeRows(items: readonly Item[]): { rows: ShapeRow[]; stray: number } {
  const rows: ShapeRow[] = [];
  let points: number | null = null;
  let level1: Caption | null = null;
  let level2: Caption | null = null;
  let open: ShapeRow | null = null;
  let stray = 0;
  items.forEach((item, i) => {
    if (item.kind === 'points') { if (points !== null) stray++; points = item.points; open = null; return; }
    if (item.kind === 'number') { if (open) open.numbers.push(item.text); else stray++; return; }
    const next = items[i + 1];
    if (points !== null) {
      const caption: Caption = { text: item.text, points };
      points = null;
      open = null;
      if (next?.kind === 'points') { level1 = caption; level2 = null; return; }
      if (next?.kind === 'label') { level2 = caption; return; }
      const split = splitCaption(item.text);
      level2 = split ? { text: split.caption, points: caption.points } : null;
      open = { level1, level2, name: split?.name ?? item.text, numbers: [] };
    } else open = { level1, level2, name: item.text, numbers: [] };
    rows.push(open);
  });
  return { rows, stray };
}

/** How many numbers a row prints (2: 分值 得分; 1: 得分): the commonest count among rows that print any. */
function numbersPerRow(rows: readonly ShapeRow[]): number {
  const counts = [0, 0, 0];
  for (const row of rows) if (row.numbers.length > 0) counts[Math.min(2, row.numbers.length)]!++;
  return counts[2]! >= counts[1]! ? 2 : 1;
}

/** The smallest points of the groups over a row: none of its numbers can be above them. */
function capOf(row: ShapeRow): number {
  return Math.min(row.level2?.points ?? Infinity, row.level1?.points ?? Infinity);
}

/**
 * Each row keeps `width` numbers: extra ones (a page number injected among them) are left out,
 * taking the first run that fits (a score not above its weight, neither above the group's points);
 * rows of a merged cell, which printed its numbers one per row ("30" | "27" | nothing …), give
 * them to the block's first row. Returns how many numbers were left out.
 */
function settleNumbers(rows: ShapeRow[], width: number): number {
  let left = 0;
  const fits = (n: readonly number[], row: ShapeRow): boolean => n.every((x) => x <= capOf(row)) && (n.length < 2 || n[1]! <= n[0]!);
  for (const row of rows) {
    if (row.numbers.length <= width) continue;
    const values = row.numbers.map(Number);
    let from = 0;
    while (from + width < values.length && !fits(values.slice(from, from + width), row)) from++;
    left += row.numbers.length - width;
    row.numbers = row.numbers.slice(from, from + width);
  }
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.numbers.length >= width) continue;
    let j = i;
    while (j < rows.length && rows[j]!.numbers.length < width && rows[j]!.level2 === rows[i]!.level2) j++;
    const block = rows.slice(i, j);
    const numbers = block.flatMap((r) => r.numbers);
    for (const row of block) row.numbers = [];
    if (numbers.length === width && block.length > 1) block[0]!.numbers = numbers;
    else left += numbers.length;
    i = j - 1;
  }
  return left;
}

/** Do the numbers agree with the reading? Counts the group sums and scores that hold and fail. */
function agreement(rows: readonly ShapeRow[], width: number): { held: number; failed: number } {
  let held = 0;
  let failed = 0;
  const check = (ok: boolean): void => { if (ok) held++; else failed++; };
  for (const row of rows) if (width === 2 && row.numbers.length === 2) check(Number(row.numbers[1]) <= Number(row.numbers[0]));
  const groups = new Map<Caption, ShapeRow[]>();
  for (const row of rows) if (row.level2) groups.set(row.level2, [...(groups.get(row.level2) ?? []), row]);
  for (const [caption, members] of groups) {
    const sum = members.reduce((s, r) => s + Number(r.numbers[0] ?? 0), 0);
    check(width === 2 ? Math.abs(sum - caption.points) < 0.01 : sum <= caption.points + 0.01);
  }
  const parents = new Map<Caption, Set<Caption>>();
  for (const row of rows) if (row.level1 && row.level2) parents.set(row.level1, (parents.get(row.level1) ?? new Set()).add(row.level2));
  for (const [caption, children] of parents) check(Math.abs([...children].reduce((s, c) => s + c.points, 0) - caption.points) < 0.01);
  return { held, failed };
}

/**
 * The level-1 cell of a row: its first-level caption where the vocabulary maps it (项目决策); where it
 * does not (项目绩效, a group of groups), the second-level caption that names a first-level group
 * (项目效益), with the printed first-level points — as rubricRows reads a printed header's rows.
 */
function level1Cells(row: ShapeRow): { level1: string; points: string; level2Taken: boolean } {
  const { level1, level2 } = row;
  if (level1 && matchLevel1(level1.text)) return { level1: level1.text, points: String(level1.points), level2Taken: false };
  if (level2 && matchLevel1(level2.text)) return { level1: level2.text, points: String(level1?.points ?? level2.points), level2Taken: true };
  return { level1: level1?.text ?? '', points: level1 ? String(level1.points) : '', level2Taken: false };
}

export interface ShapeRubric {
  /** where the rubric's text starts and ends among the tokens given */
  start: number;
  end: number;
  firstToken: string;
  header: string[];
  rows: string[][];
  /** numbers the reading left out (page numbers, a merged cell's that did not add up) */
  leftOut: number;
}

/** The label of a 分值 or 得分 column (得分, 自评得分, 分值), as printed. */
function isScoreLabel(text: string): boolean {
  const column = columnLabel(text.replace(/[:：]$/, ''))?.canonical;
  return column === 'score' || column === 'weight';
}

/** A group's points whose "(" ended the line above: "15 分)资金管理", "( 12 )" split after its "(". */
const POINTS_AFTER_BREAK = /^\s*(?:[\u4e00-\u9fff]{1,8}\s*)?\d{1,3}(?:\.\d+)?\s*(?:分\s*)?[)）]/;

/** Where a rubric's run starts: the first token holding a group's points (or the "(" before them). */
function runStart(tokens: readonly string[]): number {
  const points = new RegExp(GROUP_POINTS.source);
  return tokens.findIndex((t, i) => points.test(t) || (/[(（]\s*$/.test(t) && POINTS_AFTER_BREAK.test(tokens[i + 1] ?? '')));
}

/** Where it ends: at a closing label (总分), or at prose (a sentence, a long text). */
function runEnd(tokens: readonly string[], start: number): number {
  let end = start;
  while (end < tokens.length && !endsIndicatorBlock(tokens[end]!) && !/[。，,:：;；]/.test(tokens[end]!) && tokens[end]!.length <= 40) end++;
  return end;
}

/**
 * A headerless rubric among `tokens`, or null: at least three rows with their numbers, at least two
 * group sums that hold and none that fails. Rows are given under a rubric header (一级指标 | 分值 |
 * 二级指标 | 分值 | 三级指标 | 分值 | 得分, without the third 分值 where rows print only a score),
 * each group's caption and points on its first row.
 */
export function shapeRubric(tokens: readonly string[]): ShapeRubric | null {
  const start = runStart(tokens);
  if (start < 0) return null;
  const end = runEnd(tokens, start);
  const { rows, stray } = shapeRows(itemsOf(tokens.slice(start, end)));
  const width = numbersPerRow(rows);
  const leftOut = settleNumbers(rows, width) + stray;
  const { held, failed } = agreement(rows, width);
  if (rows.filter((r) => r.numbers.length === width).length < 3 || held < 2 || failed > 0) return null;
  // a row named 得分 or 分值 is a report's prose ("立项依据 得分 5"), its numbers said of the line
  // before: a rubric's rows are named by what they score, and its column labels were lost with its header
  if (rows.some((r) => isScoreLabel(r.name))) return null;
  const header = ['一级指标', '分值', '二级指标', '分值', '三级指标', ...(width === 2 ? ['分值', '得分'] : ['得分'])];
  let previous: ShapeRow | null = null;
  const out = rows.map((row) => {
    const opens = !previous || previous.level1 !== row.level1 || previous.level2 !== row.level2;
    previous = row;
    const cells = new Array<string>(header.length).fill('');
    if (opens) {
      const first = level1Cells(row);
      cells[0] = first.level1;
      cells[1] = first.points;
      // (a caption that also names the first level is still the row's printed second-level group)
      if (row.level2) { cells[2] = row.level2.text; cells[3] = String(row.level2.points); }
    }
    cells[4] = row.name;
    row.numbers.forEach((n, k) => { cells[5 + k] = n; });
    return cells;
  });
  return { start, end, firstToken: tokens[start]!, header, rows: out, leftOut };
}
