/**
 * Form segmentation: given a document's blocks, return one segment per form instance
 * (its title, header lines and tables) and the tables that belong to no form.
 */
import type { Block, FormSegment, Table, TextBlock } from '../schemas/document.js';
import { listHeaderOf, splitProjects } from '../forms/projectList.js';
import { labelKey } from '../forms/text.js';
import { FIELD_LABELS, HEADER_BLOCK_FIELDS, matchIndicatorColumn, matchLabel } from '../forms/vocabulary.js';
import { TEXT_HEADER_LINE, YEAR_SUFFIX, bareLine, inAttachmentList, opensFormCell, parseTitle, sameForm, tableHeadingTitle, titleText } from '../forms/titles.js';

/** A short line ending in 表 that is not a form title: the caption of some other table. */
function isOtherTableCaption(text: string): boolean {
  const line = bareLine(text);
  return line.length <= 40 && /表$/.test(line) && parseTitle(text) === null;
}


function isHeaderLine(text: string): boolean {
  return TEXT_HEADER_LINE.test(bareLine(text).replace(/\s*([:：])\s*/, '$1'));
}

/** Prose that ends a form: a long sentence, not a caption or label line. */
function isProse(text: string): boolean {
  return bareLine(text).length > 60 && !isHeaderLine(text);
}

/**
 * Does a table look like part of a form? An indicator header row, or a 项目名称 cell together with
 * the funds or goal labels of a form (a procurement list also has 项目名称, but none of those).
 */
export function looksLikeForm(table: Table): boolean {
  let projectName = false;
  let formLabels = 0;
  for (const row of table.rows) {
    let indicatorLabels = 0;
    for (const cell of row) {
      const key = labelKey(cell.text);
      if (key.startsWith('项目名称')) projectName = true;
      if (FORM_LABEL.test(key)) formLabels++;
      if (matchIndicatorColumn(cell.text)) indicatorLabels++;
    }
    if (indicatorLabels >= 3) return true;
  }
  return projectName && formLabels >= 1;
}

const FORM_LABEL = /^(预算数|全年预算数|年初预算数|执行数|全年执行数|到位数|执行率|年度资金总额|预期目标|年度预期目标|绩效目标|实际完成情况|主管部门|实施单位|项目资金)/;

/** A form without its title: it evaluates when its table has a column for what was achieved or scored. */
function kindFromTable(table: Table): FormSegment['kind'] {
  const text = table.rows.flat().map((c) => labelKey(c.text)).join('|');
  // in the indicator header (a row of three or more column labels), not in any cell: 实施进度 may be a field's value
  const evaluates = table.rows.some((row) => {
    const columns = row.map((c) => matchIndicatorColumn(c.text)?.canonical).filter(Boolean);
    return columns.length >= 3 && columns.some((c) => c === 'actual' || c === 'score');
  });
  return evaluates || /实际完成|完成值|得分/.test(text) ? 'self_evaluation' : 'performance_target';
}

function tableStartsNewProject(segment: FormSegment, table: Table): boolean {
  const hasName = (t: Table) => t.rows.slice(0, 3).some((r) => r.some((c) => labelKey(c.text).startsWith('项目名称')));
  const opens = table.rows.slice(0, 3).some((r) => r.some((c) => opensFormCell(c.text)));
  return (segment.tables.some(hasName) && hasName(table)) || (segment.tables.length > 0 && opens && table.rows.slice(0, 3).some((r) => r.some((c) => parseTitle(c.text) !== null)))
    || (table.rows.slice(0, 3).some((r) => r.some((c) => isHeaderBlockLabel(c.text))) && segment.tables.some(hasIndicatorHeader) && !repeatsHeaderBlock(segment, table));
}

/** A header block's label exactly as the vocabulary has it (部门名称, 项目名称, 主管部门), not one a slip away (物品名称). */
function isHeaderBlockLabel(text: string): boolean {
  const label = matchLabel(text, FIELD_LABELS);
  return label !== null && label.distance === 0 && HEADER_BLOCK_FIELDS.has(label.canonical) && labelKey(text).length <= 10;
}

/** A header block's row as printed: a label of the block first, its value beside it (部门名称 | 某县教育局). */
function opensWithHeaderBlock(table: Table): boolean {
  return table.rows.slice(0, 3).some((row) => {
    const filled = row.filter((c) => c.text.trim() !== '');
    return filled.length >= 2 && isHeaderBlockLabel(filled[0]!.text) && matchIndicatorColumn(filled[1]!.text) === null;
  });
}

/** A row that heads an indicator table (一级指标 | 二级指标 | 三级指标 | 指标值 …): three or more column labels. */
function hasIndicatorHeader(table: Table): boolean {
  return table.rows.some(isIndicatorHeader);
}
const isIndicatorHeader = (row: Table['rows'][number]): boolean => row.filter((c) => c.text.trim() !== '' && matchIndicatorColumn(c.text) !== null).length >= 3;

/** A row's filled cells as the vocabulary reads them, to find a row printed again. */
const rowText = (row: Table['rows'][number]): string => row.map((c) => labelKey(c.text)).filter((t) => t !== '').join('|');

/**
 * The table's first rows are the form's own header block printed again (a sheet's print titles on every
 * page, a continuation page that reprints 部门名称 or 主管部门 | 实施单位 over the indicator header): every
 * one of them that holds a header-block label is a row the form has printed already, cell for cell.
 */
function repeatsHeaderBlock(segment: FormSegment, table: Table): boolean {
  const own = new Set(segment.tables.flatMap((t) => t.rows.map(rowText)));
  const labelled = table.rows.slice(0, 3).filter((row) => row.some((c) => isHeaderBlockLabel(c.text)));
  return labelled.length > 0 && labelled.every((row) => own.has(rowText(row)));
}

/**
 * A continuation that opens with the form's header block printed again (print titles: 部门名称, the
 * funds rows, the goal) loses those rows, which the form already holds: read again under the indicator
 * header they would be indicators. Its indicator header, printed again too, stays: it names the columns.
 */
function withoutReprintedBlock(segment: FormSegment, table: Table): Table {
  if (!repeatsHeaderBlock(segment, table)) return table;
  const own = new Set(segment.tables.flatMap((t) => t.rows.map(rowText)));
  let skip = 0;
  while (skip < table.rows.length && own.has(rowText(table.rows[skip]!)) && !isIndicatorHeader(table.rows[skip]!)) skip++;
  return skip === 0 || skip === table.rows.length ? table : { ...table, rows: table.rows.slice(skip) };
}

/** A line of prose as a header line of the form above its tables. */
function headerLine(block: TextBlock, text = block.text): FormSegment['headerLines'][number] {
  return { text, line: block.line, page: block.page, bbox: block.bbox, ...(block.repairs ? { repairs: block.repairs } : {}) };
}

/** Given blocks in reading order, return the form segments and the tables no form claims. */
export function segmentForms(blocks: readonly Block[]): { segments: FormSegment[]; otherTables: Table[] } {
  const segments: FormSegment[] = [];
  const otherTables: Table[] = [];
  let current: FormSegment | null = null;
  let pendingHeader: FormSegment['headerLines'] = [];
  let closedByProse = false;
  // segments opened by a header block printed as a table of its own: forms only if indicators follow
  const tentative = new Set<FormSegment>();

  const recentLines: string[] = [];
  for (const [b, block] of blocks.entries()) {
    if (block.kind === 'text') {
      // what follows the line: the next text, or a table's first cell (a title over its form)
      const after = blocks[b + 1];
      const next = after === undefined ? null : after.kind === 'text' ? after.text : after.table.rows[0]?.find((c) => c.text.trim() !== '')?.text ?? '';
      const listed = inAttachmentList(block.text, recentLines, next);
      recentLines.push(block.text);
      if (recentLines.length > 5) recentLines.shift();
      const title = listed ? null : parseTitle(block.text);
      // a heading that repeats the title before the form begins ("XX局2023年雾炮车…申报表" over
      // "2024年项目支出绩效目标申报表"): one form, named by the shorter (the form's own name)
      if (title && current && current.tables.length === 0 && !current.headerLines.some((h) => isHeaderLine(h.text)) && sameForm(current.title ?? '', title.title)) {
        const keepOld = titleText(current.title ?? '').length <= titleText(title.title).length;
        const other = keepOld ? block.text : current.title ?? '';
        if (!keepOld) Object.assign(current, { kind: title.kind, title: title.title, titleLine: block.line, titleBbox: block.bbox });
        current.headerLines.push(headerLine(block, other));
        const year = YEAR_SUFFIX.exec(bareLine(block.text));
        if (year) current.headerLines.push(headerLine(block, year[0].trim()));
        continue;
      }
      if (title) {
        current = { kind: title.kind, title: title.title, titleLine: block.line, titleBbox: block.bbox, ...(block.repairs ? { titleRepairs: block.repairs } : {}),
          page: block.page, headerLines: [...pendingHeader], tables: [] };
        const year = YEAR_SUFFIX.exec(bareLine(block.text));
        if (year) current.headerLines.push(headerLine(block, year[0].trim()));
        segments.push(current);
        pendingHeader = [];
        closedByProse = false;
        continue;
      }
      if (current && current.tables.length === 0 && !isProse(block.text)) {
        current.headerLines.push(headerLine(block));
      } else if (current && /^(填报人|联系电话|联系人)/.test(bareLine(block.text))) {
        current.headerLines.push(headerLine(block));
      } else if (isHeaderLine(block.text)) {
        pendingHeader.push(headerLine(block));
      } else if (isProse(block.text) || isOtherTableCaption(block.text)) {
        closedByProse = true;
        pendingHeader = [];
      }
      continue;
    }
    const table = block.table;
    const startsNew = current !== null && current.tables.length > 0 && tableStartsNewProject(current, table);
    const continues = current !== null && !closedByProse && !startsNew;
    if (continues && current) {
      current.tables.push(current.tables.length > 0 ? withoutReprintedBlock(current, table) : table);
    } else if (startsNew && !looksLikeForm(table) && opensWithHeaderBlock(table)) {
      // another form's header block printed as a table of its own (部门名称 | … over its indicator table), or
      // a footer (填报单位 | … | 填报人): it is a form only if indicators follow it, and never continues the last
      current = { kind: kindFromTable(table), title: null, titleLine: null, titleBbox: null, page: table.rows[0]?.[0]?.origin.page ?? null,
        headerLines: [...pendingHeader], tables: [table] };
      adoptLeadingRows(current, table);
      tentative.add(current);
      segments.push(current);
      pendingHeader = [];
      closedByProse = false;
    } else if (looksLikeForm(table)) {
      current = { kind: kindFromTable(table), title: null, titleLine: null, titleBbox: null, page: table.rows[0]?.[0]?.origin.page ?? null,
        headerLines: [...pendingHeader], tables: [table] };
      adoptLeadingRows(current, table);
      segments.push(current);
      pendingHeader = [];
      closedByProse = false;
    } else {
      otherTables.push(table);
    }
  }
  for (const segment of tentative) {
    if (!segment.tables.some(hasIndicatorHeader)) {
      segments.splice(segments.indexOf(segment), 1);
      otherTables.push(...segment.tables);
    } else if (segment.title === null) segment.kind = kindFromTable({ ...segment.tables[0]!, rows: segment.tables.flatMap((t) => t.rows) });
  }
  const formTables = segments.filter((s) => s.tables.length > 0).flatMap(explodeProjectList);
  return { segments: formTables, otherTables };
}

/**
 * A table that opens with one-cell rows — its title ("部门预算项目绩效目标申报表(2024年度)") and
 * header lines (金额单位:元) printed inside the frame — gives the form its title and header lines.
 */
function adoptLeadingRows(segment: FormSegment, table: Table): void {
  for (const row of table.rows.slice(0, 4)) {
    const filled = row.filter((c) => c.text.trim() !== '');
    if (filled.length !== 1) break;
    const cell = filled[0]!;
    const line: FormSegment['headerLines'][number] = { text: cell.text.trim(), line: cell.origin.line ?? table.firstLine, page: cell.origin.page, bbox: cell.origin.bbox };
    const title = parseTitle(cell.text) ?? (row === table.rows[0] ? tableHeadingTitle(cell.text) : null);
    if (title && segment.title === null) {
      Object.assign(segment, { kind: title.kind, title: title.title, titleLine: line.line, titleBbox: line.bbox });
      const year = YEAR_SUFFIX.exec(bareLine(cell.text));
      if (year) segment.headerLines.push({ ...line, text: year[0].trim() });
    } else if (isHeaderLine(cell.text)) segment.headerLines.push(line);
  }
}

/**
 * A list of projects in one table (projectList.ts) becomes one segment per project: the rows above
 * the list header (金额单位 …), the project's cells as label/value rows, the indicator header and
 * the project's indicator rows.
 */
function explodeProjectList(segment: FormSegment): FormSegment[] {
  const rows = segment.tables.flatMap((t) => t.rows);
  const filled = (row: readonly Table['rows'][number][number][]) => row.filter((c) => c.text.trim() !== '');
  for (let r = 0; r < rows.length; r++) {
    const header = listHeaderOf(filled(rows[r]!));
    if (!header) continue;
    const projects = splitProjects(rows.slice(r + 1).map(filled), header);
    if (projects.length === 0) return [segment];
    const table = segment.tables[0]!;
    return projects.map((project) => ({
      ...segment,
      tables: [{ ...table, rows: [...rows.slice(0, r), ...project.fields.map((pair) => [...pair]), header.indicatorLabels, ...project.rows] }],
    }));
  }
  return [segment];
}
