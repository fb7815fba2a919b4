/**
 * Forms whose table structure was lost — one long line, one cell per line, pipe cells with rows
 * run together — rebuilt from the order of their cells. The text becomes a token stream; the form
 * is read against what a form must look like: header lines, label/value rows, the indicator header
 * it announces, then indicator rows whose boundaries are chosen by a small dynamic programme
 * (level names start rows, each row fills the announced columns, scores are numbers). The result
 * is ordinary blocks, so every later stage applies unchanged.
 */
import type { Block, Cell, Repair, Table } from '../schemas/document.js';
import { isBlank } from '../forms/text.js';
import { parseScore } from '../forms/values.js';
import { HEADER_LINE, inAttachmentList, parseTitle, titleText } from '../forms/titles.js';
import { listHeaderOf, projectPrefix } from '../forms/projectList.js';
import {
  HEADER_BLOCK_FIELDS, INDICATOR_COLUMNS, type IndicatorColumn, SITE_CHROME, gradeScale, levelNamesIn, matchIndicatorColumn, namesIndicatorsAfter,
} from '../forms/vocabulary.js';
import { gradedRows } from './flattened/gradedRows.js';
import {
  type CutCells, DIGIT_RUN_CONFIDENCE, type DigitRun, type FormPoints, cutDigitRuns, cutWeightFirstRows, digitRunRows, sharedWeight, weightFirstCutCells,
} from './flattened/digitRuns.js';
import { FUNDS_COLUMNS, expandFundsRow, expandFundsTail } from './flattened/numbers.js';
import { indicatorRows, interleaveNameRuns, numberedRubricRows, pointsRubricRows, rubricRows, scatteredHeader } from './flattened/rows.js';
import { type ShapeRubric, shapeRubric } from './flattened/rubricShape.js';
import { PAGE_FURNITURE, tokensOf } from './flattened/tokens.js';
import {
  COLUMN_REMARK, SECTION, columnLabel, endsIndicatorBlock, fieldLabel, isLevel1, isLevel2, isText, isWordOfForm, opensIndicatorHeader,
  opensReportSection,
} from './flattened/words.js';

/**
 * Confidence in a cell's place when the place was rebuilt from the cells' order (calibrated on the
 * keyed corpus). The form is reviewed whatever its fields earn: buildForm reports the rebuilding.
 */
const FLATTENED_CONFIDENCE = 0.85;

// ---------------------------------------------------------------- detection

function indicatorLabels(cells: readonly string[]): number {
  return cells.filter((c) => !isBlank(c) && matchIndicatorColumn(c) !== null).length;
}

/**
 * A file is flattened when it announces an indicator table (three or more of its column labels)
 * but no table holds those labels as a header row of their own. The file's tokens are asked for
 * only when no table does: tokenising is most of the cost of reading a file that has its tables.
 */
export function isFlattened(blocks: readonly Block[], tokensOfFile: () => readonly string[]): boolean {
  for (const block of blocks) {
    if (block.kind !== 'table') continue;
    for (const row of block.table.rows) {
      const cells = row.map((c) => c.text).filter((t) => !isBlank(t));
      const labels = indicatorLabels(cells);
      if (labels >= 3 && labels / cells.length >= 0.7) return false;
    }
  }
  const tokens = tokensOfFile();
  if (indicatorLabels(tokens) >= 3) return true;
  // a form cut before its indicator table: a title of the family, then its header and funds labels
  const title = tokens.findIndex((t) => parseTitle(t) !== null);
  if (title >= 0 && tokens.slice(title + 1).filter((t) => fieldLabel(t) !== null).length >= 3) return true;
  // a scoring rubric that kept neither its title nor its header, found by its shape
  return shapeRubric(tokens) !== null;
}

// ---------------------------------------------------------------- form rows

/** Labels that begin a row of their own (a label/value row); the others head columns. */
const OWN_ROW_LABELS: ReadonlySet<string> = new Set(['project_name', 'project_code', 'department', 'central_department', 'implementing_unit', 'filing_unit', 'project_amount',
  'funds_total_row', 'fiscal_row', 'carryover_row', 'other_row', 'source_row', 'total_score', 'grade', 'problems']);

interface Rebuilt {
  texts: string[]; rows: string[][]; indicators: number; cut: string[] | null; unplaced: string[];
  /** rows whose numbers were cut out of a run by arithmetic (each with its repair), and runs left unread */
  cutRows: Map<string[], CutCells>; unreadRuns: DigitRun[];
}

/** A points remark printed apart from its column label: 指标权重 | (分). */
const POINTS_REMARK = /^[(（]\s*分\s*[)）]$/;

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
      const newRow = OWN_ROW_LABELS.has(label) && this.row.length > 0 && !(this.values > 0 && this.labels[0] === label);
      const afterValues = this.values > 0 && !OWN_ROW_LABELS.has(label) && !this.isPairs();
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

/** The header cell given to a level-1 column printed under the level-2 column's caption. */
const LEVEL1_UNDER_CAPTION = '一级指标';

/** The most columns a header prints beyond the vocabulary's (one per township of a 区域 form). */
const MAX_UNKNOWN_COLUMNS = 12;

/**
 * Header cells after the labels the vocabulary knows and before the first row's level name: columns
 * of the form's own (甲镇东村 | 乙乡西村 … one per place). Kept in the header, so the build
 * stage reports each as a column it does not know; none when no level name follows them.
 */
function unknownColumns(tokens: readonly string[], at: number): string[] {
  const cells: string[] = [];
  for (let i = at; i < tokens.length && cells.length <= MAX_UNKNOWN_COLUMNS; i++) {
    const token = tokens[i]!;
    if (isLevel1(token) || isLevel2(token)) return cells;
    if (!isText(token) || token.length > 12 || fieldLabel(token) !== null || columnLabel(token) !== null) return [];
    cells.push(token);
  }
  return [];
}

/** The grade sub-header at `at`: its scale and how many tokens it takes (one run-together, or one per grade). */
function gradeSubHeaderAt(tokens: readonly string[], at: number): { scale: readonly string[]; tokens: number } | null {
  const one = gradeScale(tokens.slice(at, at + 1));
  if (one) return { scale: one, tokens: 1 };
  for (const size of [4, 3, 5]) {
    const scale = gradeScale(tokens.slice(at, at + size));
    if (scale) return { scale, tokens: size };
  }
  return null;
}

/**
 * A graded table's header as printed, in two rows: the captions, the grades caption spanning one
 * column per grade, and under it the grades (the build stage reads the best grade's as the target).
 */
function gradedHeader(header: readonly string[], columns: readonly IndicatorColumn[], scale: readonly string[]): string[][] {
  const top: string[] = [];
  const below: string[] = [];
  header.forEach((label, k) => {
    if (columns[k] !== 'grades') { top.push(label); below.push(''); return; }
    scale.forEach((grade, g) => { top.push(g === 0 ? label : ''); below.push(grade); });
  });
  return [top, below];
}

/** The form's title among its header lines, as the key keeps it. */
const titleOf = (texts: readonly string[]): string | null => {
  const title = texts.find((t) => parseTitle(t) !== null);
  return title === undefined ? null : titleText(title);
};

/** One form's tokens → header lines and table rows. */
function rebuildForm(tokens: readonly string[]): Rebuilt {
  const texts: string[] = [];
  const unplaced: string[] = [];
  const builder = new RowBuilder();
  let indicators = 0;
  let cut: string[] | null = null;
  const runs: DigitRun[] = [];
  const fusedRows = new Map<string[], CutCells>();
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
      // (绩效指标 after 绩效指标分类 names the indicator column: namesIndicatorsAfter)
      const isColumn = (token: string): boolean => columnLabel(token) !== null || namesIndicatorsAfter(header.at(-1) ?? '', token);
      while (i < tokens.length && (isColumn(tokens[i]!) || (header.length > 0 && (COLUMN_REMARK.test(tokens[i]!) || POINTS_REMARK.test(tokens[i]!))))) {
        if (isColumn(tokens[i]!)) header.push(tokens[i]!);
        i++;
      }
      // a graded table's sub-header under its 绩效指标评价标准 caption: 优 | 良 | 中 | 差, or run together
      const grades = header.some((h) => columnLabel(h)?.canonical === 'grades') ? gradeSubHeaderAt(tokens, i) : null;
      if (grades) i += grades.tokens;
      header.push(...upperColumnsBelow(upper, header));
      const unknown = unknownColumns(tokens, i);
      header.push(...unknown);
      i += unknown.length;
      let start = i;
      // a header of one or two labels, the rest printed among the cells after it
      const scattered = header.length < 3 ? scatteredHeader(tokens, i, header[0]!) : null;
      if (scattered) {
        header.splice(0, header.length, ...scattered.header);
        start = scattered.start;
        unplaced.push(...scattered.unplaced);
      }
      i = start;
      while (i < tokens.length && !endsIndicatorBlock(tokens[i]!) && !opensReportSection(tokens, i)) i++;
      const columns = header.map((h, k): IndicatorColumn => (
        k > 0 && namesIndicatorsAfter(header[k - 1]!, h) ? 'name' : columnLabel(h)?.canonical ?? 'note'));
      // one caption over both level columns (评价内容 over 产出目标 | 数量目标): the rows print a level-1
      // name before the level-2 one, so the table has a level-1 column its header does not name
      if (columns[0] === 'level2' && tokens.slice(start, i).some((t) => isLevel1(t) && !isLevel2(t))) {
        header.unshift(LEVEL1_UNDER_CAPTION);
        columns.unshift('level1');
      }
      const gradedRead = grades ? gradedRows(tokens.slice(start, i), columns, grades.scale.length, titleOf(texts)) : null;
      if (grades && gradedRead) {
        builder.rows.push(...gradedHeader(header, columns, grades.scale), ...gradedRead.rows);
        indicators += gradedRead.rows.length;
        cut = gradedRead.cut;
        for (const [row, cells] of gradedRead.cutRows) fusedRows.set(row, cells);
        continue;
      }
      const rowTokens = interleaveNameRuns(tokens.slice(start, i), columns);
      // rows whose numbers were printed together: cut once the form's points are known (below)
      const digitRows = digitRunRows(rowTokens, columns);
      if (digitRows) {
        builder.rows.push([...header, ...digitRows.headerTail], ...digitRows.rows);
        indicators += digitRows.rows.length;
        cut = digitRows.cut;
        runs.push(...digitRows.runs);
        if (i < tokens.length && opensReportSection(tokens, i)) break;
        continue;
      }
      const read = rubricRows(rowTokens, columns) ?? numberedRubricRows(rowTokens, columns) ?? pointsRubricRows(rowTokens, columns)
        ?? weightFirstRows(rowTokens, columns, fusedRows);
      builder.rows.push(header, ...read.rows);
      indicators += read.rows.length;
      cut = read.cut;
      // the report's prose follows: the form ended with its table
      if (i < tokens.length && opensReportSection(tokens, i)) break;
      continue;
    }
    builder.add(token);
    i++;
  }
  builder.flush();
  // numbers printed together under a funds header are cut where the row then adds up
  const expanded = builder.rows.map((row, r) => {
    const above = builder.rows[r - 1];
    // the header's labels may keep their remarks apart: 全年预算数 | (A) | 全年执行数 | (B)
    const labels = above?.filter((t) => !COLUMN_REMARK.test(t));
    if (!labels || !labels.every((t) => fieldLabel(t) !== null) || row.length < 2 || !fieldLabel(row[0]!)) return row;
    const headerColumns = labels.filter((t) => FUNDS_COLUMNS.has(fieldLabel(t)!.canonical));
    return [row[0]!, ...expandFundsRow(headerColumns, row.slice(1))];
  });
  const cutRows = new Map<string[], CutCells>(fusedRows);
  const rows = expanded.map((row, r) => fundsTailRow(expanded, r, cutRows) ?? row);
  const { repairs, unread } = cutDigitRuns(runs, formPoints(rows));
  for (const [row, cells] of repairs) cutRows.set(row, cells);
  return { texts, rows, indicators, cut, unplaced, cutRows, unreadRuns: unread };
}

/**
 * Indicator rows by the dynamic programme; where rows of a weight-first template ran their numbers
 * into the name's token, read again with those runs cut by the weight the other rows share
 * (cutWeightFirstRows), the cut rows recorded in `fusedRows`.
 */
function weightFirstRows(tokens: readonly string[], columns: readonly IndicatorColumn[], fusedRows: Map<string[], CutCells>): ReturnType<typeof indicatorRows> {
  const first = indicatorRows(tokens, columns);
  const { tokens: cut, cuts } = cutWeightFirstRows(tokens, columns, sharedWeight(first.rows, columns));
  if (cuts.length === 0) return first;
  const read = indicatorRows(cut, columns);
  for (const [row, cells] of weightFirstCutCells(read.rows, cuts)) fusedRows.set(row, cells);
  return read;
}

/** Rows that a funds block prints under its header: the total row, 其中财政拨款, 其他资金 … */
const FUNDS_ROW_LABELS: ReadonlySet<string> = new Set(['funds_total_row', 'fiscal_row', 'carryover_row', 'other_row', 'source_row']);

/** The funds header over a row of the block: the row of labels above it, past the block's other rows. */
function fundsHeaderAbove(rows: readonly string[][], r: number): string[] | null {
  for (let k = r - 1; k >= 0; k--) {
    const labels = rows[k]!.filter((t) => !COLUMN_REMARK.test(t));
    if (labels.length > 0 && labels.every((t) => fieldLabel(t) !== null)) return labels;
    if (!FUNDS_ROW_LABELS.has(fieldLabel(rows[k]![0] ?? '')?.canonical ?? '')) return null;
  }
  return null;
}

/**
 * A funds row whose amounts lost digits but whose 执行率 | 权重 | 得分 tail adds up (expandFundsTail):
 * the row with its tail cut, recorded in `cutRows`; null for any other row.
 */
function fundsTailRow(rows: readonly string[][], r: number, cutRows: Map<string[], CutCells>): string[] | null {
  const row = rows[r]!;
  if (row.length < 2 || !FUNDS_ROW_LABELS.has(fieldLabel(row[0]!)?.canonical ?? '')) return null;
  const header = fundsHeaderAbove(rows, r);
  if (!header) return null;
  // the run may be followed by the next block's cells on the same rebuilt row (年初绩效目标 …)
  const own = row.slice(1).findIndex((t) => !/^[\d.,%]+$/.test(t));
  const values = own < 0 ? row.slice(1) : row.slice(1, own + 1);
  const tail = expandFundsTail(header.filter((t) => FUNDS_COLUMNS.has(fieldLabel(t)!.canonical)), values);
  if (!tail) return null;
  const cutRow = [row[0]!, ...tail.values, ...row.slice(1 + values.length)];
  const cols = [tail.values.length - 2, tail.values.length - 1, tail.values.length];
  cutRows.set(cutRow, { cols, repair: { rule: 'digit_run_cut_by_arithmetic', before: tail.before, after: tail.after, confidence: DIGIT_RUN_CONFIDENCE } });
  return cutRow;
}

/**
 * The points a form prints outside its indicator table: 自评总分 and the funds block's 权重 | 得分
 * (the values row under a header that names them). Nulls where not printed.
 */
function formPoints(rows: readonly string[][]): FormPoints {
  const points: FormPoints = { total: null, fundsWeight: null, fundsScore: null };
  rows.forEach((row, r) => {
    const label = fieldLabel(row[0] ?? '')?.canonical;
    if (label === 'total_score') points.total = parseScore(row[1] ?? '');
    const above = label && FUNDS_ROW_LABELS.has(label) ? fundsHeaderAbove(rows, r) : null;
    if (!above) return;
    const columns: string[] = above.map((t) => fieldLabel(t)!.canonical).filter((c) => FUNDS_COLUMNS.has(c));
    const at = (key: string): number | null => {
      const k = columns.indexOf(key);
      return k < 0 || row.length < columns.length + 1 ? null : parseScore(row[k + 1]!);
    };
    points.fundsWeight ??= at('funds_weight');
    points.fundsScore ??= at('funds_score');
  });
  return points;
}

/**
 * Every cell of a rebuilt form carries the rebuilding as a repair: its row and column were inferred
 * from the order of the cells, not read, and on real forms that inference is wrong often enough
 * (the keyed corpus) that a reviewer must see the form.
 */
const REBUILT: Repair = { rule: 'cell_order_rebuilt', before: 'cells in reading order', after: 'table rows', confidence: FLATTENED_CONFIDENCE };

/**
 * A rubric found by its shape: no title or header said it was one, and which number is whose was
 * inferred from where the extractor put them (the build stage reports the form for review).
 */
const READ_BY_SHAPE: Repair = { rule: 'rubric_read_by_shape', before: 'text with no title or column header', after: 'rubric rows (numbers after their row, points before their group)', confidence: 0.8 };

function table(
  rows: readonly string[][], line: number, unreadTail: readonly string[] | null = null, cutRows: ReadonlyMap<string[], CutCells> = new Map(), read: readonly Repair[] = [REBUILT],
): Table {
  const width = Math.max(...rows.map((r) => r.length));
  const cells = rows.map((r): Cell[] => Array.from({ length: width }, (_, col) => {
    // a cell cut out of a run of numbers carries that cut too
    const cutCell = cutRows.get(r as string[]);
    const repairs = cutCell?.cols.includes(col) ? [...read, cutCell.repair] : [...read];
    return { text: r[col] ?? '', origin: { table: null, row: null, col, line, page: null, bbox: null }, ...(r[col] ? { repairs } : {}) };
  }));
  return { index: -1, format: 'markdown', firstLine: line, lastLine: line, rows: cells, ...(unreadTail ? { unreadTail: [...unreadTail] } : {}) };
}

/** A token that may sit in an indicator row: short, no sentence, no label with a colon. */
const isRowToken = (token: string): boolean => token.length <= 30 && !/[。:：]/.test(token) && !PAGE_FURNITURE.test(token);

/**
 * Indicator rows before the first form's title: the tail of a form the excerpt cut at its start.
 * Given the tokens and where the first titled form starts, return where the fragment starts and its
 * tokens: from its own indicator header when it kept one, else its rows (from the first level label,
 * with the row cells just before it) under the next form's header — one document, one template —
 * which `borrowed` says, for the form's issues; with no header anywhere, under the columns of the
 * template its rows fit best (`assumed`). Null when fewer than three level labels.
 */
function leadingFragment(tokens: readonly string[], firstStart: number): { start: number; formTokens: string[]; borrowed: boolean; assumed?: string } | null {
  const lead = tokens.slice(0, firstStart);
  if (lead.filter((t) => isLevel1(t) || isLevel2(t)).length < 3) return null;
  const ownHeader = lead.findIndex((_, i) => opensIndicatorHeader(lead, i));
  if (ownHeader >= 0) return { start: ownHeader, formTokens: lead.slice(ownHeader), borrowed: false };
  const nextHeader = tokens.findIndex((_, i) => i >= firstStart && opensIndicatorHeader(tokens, i));
  if (nextHeader < 0) return templateFragment(lead);
  const header: string[] = [];
  for (let i = nextHeader; i < tokens.length && columnLabel(tokens[i]!); i++) header.push(tokens[i]!);
  const start = fragmentStart(lead, header.length);
  return { start, formTokens: [...header, ...lead.slice(start)], borrowed: true };
}

/** Where a cut fragment's rows start: the row cut at its start keeps its cells before the first level label (at most one row's worth). */
function fragmentStart(lead: readonly string[], width: number): number {
  const firstLevel = lead.findIndex((t) => isLevel1(t) || isLevel2(t));
  let start = firstLevel;
  while (start > 0 && firstLevel - start < width && isRowToken(lead[start - 1]!)) start--;
  return start;
}

/** A cell that holds only a comparison (the sign column of a target printed in three cells). */
const SIGN_CELL = /^(≥|≤|≧|≦|=|＝|>|<|>=|<=)$/;

/**
 * A target printed in three cells (指标性质 | 指标值 | 度量单位: ≥ | 95 | %) joined into one, as a header
 * naming those columns would have them read; 定性/定量 in the sign column names no comparison and is
 * left out. Returns the cells and, for each, the index of its first printed cell.
 */
function joinSplitTargets(printed: readonly string[]): { cells: string[]; from: number[] } {
  const cells: string[] = [];
  const from: number[] = [];
  for (let i = 0; i < printed.length; i++) {
    const cell = printed[i]!;
    if (/^定[性量]$/.test(cell)) continue;
    if (SIGN_CELL.test(cell) && /^\d+(\.\d+)?$/.test(printed[i + 1] ?? '')) {
      // the unit cell is followed by the actual value's number
      const unit = printed[i + 2] ?? '';
      const hasUnit = /^(%|[\u4e00-\u9fff]{1,3})$/.test(unit) && !isLevel1(unit) && !isLevel2(unit) && /^\d/.test(printed[i + 3] ?? '');
      cells.push(`${cell}${printed[i + 1]}${hasUnit ? unit : ''}`);
      from.push(i);
      i += hasUnit ? 2 : 1;
      continue;
    }
    cells.push(cell);
    from.push(i);
  }
  return { cells, from };
}

/**
 * The indicator columns of the usual templates, widest first: the national self-evaluation, one
 * without weights, a target table (a target printed in three cells is joined before they are tried).
 */
const TEMPLATE_COLUMNS: ReadonlyArray<readonly IndicatorColumn[]> = [
  ['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score'],
  ['level1', 'level2', 'name', 'target', 'actual', 'score'],
  ['level1', 'level2', 'name', 'target'],
];

/**
 * A fragment that kept no header and has none to borrow: read under the template whose columns its
 * rows fit best (at least two rows), the header printed with each column's first label. Null when
 * no template reads two rows.
 */
function templateFragment(printed: readonly string[]): { start: number; formTokens: string[]; borrowed: boolean; assumed: string } | null {
  const { cells: lead, from } = joinSplitTargets(printed);
  let best: { start: number; columns: readonly IndicatorColumn[]; fit: number } | null = null;
  for (const columns of TEMPLATE_COLUMNS) {
    const start = fragmentStart(lead, columns.length - 2);
    const read = indicatorRows(lead.slice(start), columns);
    if (read.rows.length >= 2 && (!best || read.fit > best.fit)) best = { start, columns, fit: read.fit };
  }
  if (!best) return null;
  const header = best.columns.map((c) => INDICATOR_COLUMNS[c][0]!);
  return { start: from[best.start]!, formTokens: [...header, ...lead.slice(best.start)], borrowed: true, assumed: header.join(' | ') };
}

/** A rubric found by its shape as a table, the text after it (a report's prose) as text, and what was inferred as an error. */
function pushShapedRubric(shaped: ShapeRubric, after: readonly string[], lineOf: (token: string) => number, blocks: Block[], errors: string[]): void {
  const line = lineOf(shaped.firstToken);
  blocks.push({ kind: 'table', table: table([shaped.header, ...shaped.rows], line, null, new Map(), [REBUILT, READ_BY_SHAPE]) });
  for (const text of after) blocks.push({ kind: 'text', text, line: lineOf(text), page: null, bbox: null });
  const leftOut = shaped.leftOut > 0 ? `; ${shaped.leftOut} numbers fitted no row (page numbers?) and were left out` : '';
  errors.push(`line ${line}: a scoring rubric with no title or column header was read from its shape (group points before their captions, each row's numbers after its name); which number belongs to which row was inferred${leftOut}`);
}

/** A form title on its own: "标题: 项目支出绩效自评表" is a document property, not a form. */
const isFormTitle = (token: string): boolean => parseTitle(token) !== null && !/[:：]/.test(token);

/**
 * Rebuild a flattened file's blocks: forms split at their titles, each as title and header lines
 * then one table. Text before the first title (document properties, a summary) stays prose. A
 * file that ends inside an indicator row reports the row; a form with no complete row is not read.
 */
export function rebuildFlattened(lines: readonly string[], tokens: readonly string[] = tokensOf(lines)): { blocks: Block[]; errors: string[] } {
  const titles = tokens.map((t, i) => (isFormTitle(t) && !inAttachmentList(t, tokens.slice(Math.max(0, i - 5), i), tokens[i + 1] ?? null) ? i : -1)).filter((i) => i >= 0);
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
      const label = tokens.slice(0, header).findIndex((t) => HEADER_BLOCK_FIELDS.has(fieldLabel(t)?.canonical ?? ''));
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
  // a rubric before the first form (or alone in the file) that kept neither its title nor its header
  const shaped = fragment ? null : shapeRubric(tokens.slice(0, starts[0] ?? tokens.length));
  const textEnd = fragment?.start ?? shaped?.start ?? starts[0] ?? tokens.length;
  for (const t of tokens.slice(0, textEnd)) blocks.push({ kind: 'text', text: t, line: firstLine(t), page: null, bbox: null });
  if (shaped) pushShapedRubric(shaped, tokens.slice(shaped.end, starts[0] ?? tokens.length), firstLine, blocks, errors);
  else if (fragment?.assumed) {
    errors.push(`line ${firstLine(tokens[fragment.start]!)}: indicator rows before the first form's title were read as the tail of a form cut at its start; no header was printed, so their columns were assumed from the template they fit best (${fragment.assumed})`);
  } else if (fragment?.borrowed) {
    errors.push(`line ${firstLine(tokens[fragment.start]!)}: indicator rows before the first form's title were read as the tail of a form cut at its start, in the columns of the next form's header`);
  } else if (!fragment && tokens.slice(0, starts[0] ?? 0).filter((t) => isLevel1(t) || isLevel2(t)).length >= 3) {
    const lead = tokens.slice(0, starts[0] ?? 0);
    errors.push(`line ${firstLine(lead.find((t) => isLevel1(t) || isLevel2(t))!)}: indicator rows before the first form's title (a form cut at its start?) were not read`);
  } else if (!fragment && starts.length > 0) {
    // never silent: cells run together or broken by spaces may hide a form's level names inside
    // longer tokens ("分)项目决策(10"); three different ones among weights and scores before the first
    // title are a form not read (prose that names 项目管理 or 项目决策 prints no column of numbers)
    const lead = tokens.slice(0, starts[0]);
    const levels = levelNamesIn(lead.join(''));
    const numbers = lead.filter((t) => /^\d{1,3}(\.\d+)?$/.test(t)).length;
    if (levels.length >= 3 && numbers >= 4) {
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
    const { texts, rows, indicators, cut, unplaced, cutRows, unreadRuns } = rebuildForm(formTokens);
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
    const graded = [...cutRows.values()].filter((c) => c.repair.rule === 'graded_row_cut');
    if (graded.length > 0) {
      errors.push(`line ${line}: rows of a graded table printed together with no separator (${graded.slice(0, 2).map((c) => c.repair.before).join(', ')}…) were cut at each run of grade thresholds; where a name, description and basis end is inferred, not read`);
    }
    if (cutRows.size > graded.length) {
      errors.push(`line ${line}: numbers printed together with no separator (${[...cutRows.values()].slice(0, 3).map((c) => c.repair.before).join(', ')}…) were cut into the header's columns by arithmetic (each score at most its weight, the form's points adding up); the cut is inferred, not read`);
    }
    if (unreadRuns.length > 0) {
      errors.push(`line ${line}: ${unreadRuns.length} indicator rows print their numbers together ("${unreadRuns.slice(0, 3).map((r) => r.run).join('", "')}") and no single cut into the header's columns adds up; their numbers were not read`);
    }
    for (const text of texts) blocks.push({ kind: 'text', text, line, page: null, bbox: null, repairs: [REBUILT] });
    if (rows.length > 0) blocks.push({ kind: 'table', table: table(rows, line, cut, cutRows) });
  });
  return { blocks, errors };
}
