/**
 * Form segmentation: given a document's blocks, return one segment per form instance
 * (its title, header lines and tables) and the tables that belong to no form.
 */
import type { Block, FormSegment, Table } from '../schemas/document.js';
import { labelKey } from './text.js';
import { matchLabel, INDICATOR_COLUMNS } from './vocabulary.js';

export interface FormTitle { kind: FormSegment['kind']; title: string }

/** Strip markdown heading marks, bold marks and list numbering ("3、", "1.", "(二)") from a line. */
function bareLine(text: string): string {
  return text.replace(/^#+\s*/, '').replace(/\*\*/g, '').replace(/^\s*[(（]?[0-9一二三四五六七八九十]+[)）]?\s*[、.．]\s*/, '').trim();
}

const YEAR_SUFFIX = /\s*[(（]\s*\d{4}\s*年度?\s*[)）]\s*$/;

/** Recognise a form title line: 项目支出绩效自评表, 绩效目标表, 自评情况汇总表 and their variants. */
export function parseTitle(text: string): FormTitle | null {
  const line = bareLine(text).replace(YEAR_SUFFIX, '');
  if (line.length > 80) return null;
  const compact = line.replace(/\s/g, '');
  if (/汇总表$/.test(compact) && /绩效|自评/.test(compact)) return { kind: 'summary', title: line };
  if (/绩效目标表$/.test(compact)) return { kind: 'performance_target', title: line };
  if (/自评表$/.test(compact)) return { kind: 'self_evaluation', title: line };
  return null;
}

/** A short line ending in 表 that is not a form title: the caption of some other table. */
function isOtherTableCaption(text: string): boolean {
  const line = bareLine(text);
  return line.length <= 40 && /表$/.test(line) && parseTitle(text) === null;
}

const HEADER_LINE = /^(序号|年度|填报单位|预算部门|金额单位|单位|项目名称|项目编码|主管部门|实施单位|填报人|联系电话|联系人)\s*[:：]|^[(（]\s*\d{4}\s*年度?\s*[)）]$|^\d{6}\s+\S/;

function isHeaderLine(text: string): boolean {
  return HEADER_LINE.test(bareLine(text).replace(/\s*([:：])\s*/, '$1'));
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
      if (matchLabel(cell.text, INDICATOR_COLUMNS)) indicatorLabels++;
    }
    if (indicatorLabels >= 3) return true;
  }
  return projectName && formLabels >= 1;
}

const FORM_LABEL = /^(预算数|全年预算数|年初预算数|执行数|全年执行数|到位数|执行率|年度资金总额|预期目标|年度预期目标|绩效目标|实际完成情况|主管部门|实施单位|项目资金)/;

function kindFromTable(table: Table): FormSegment['kind'] {
  const text = table.rows.flat().map((c) => labelKey(c.text)).join('|');
  return /实际完成|完成值|得分/.test(text) ? 'self_evaluation' : 'performance_target';
}

function tableStartsNewProject(segment: FormSegment, table: Table): boolean {
  const hasName = (t: Table) => t.rows.slice(0, 3).some((r) => r.some((c) => labelKey(c.text).startsWith('项目名称')));
  return segment.tables.some(hasName) && hasName(table);
}

/** Given blocks in reading order, return the form segments and the tables no form claims. */
type TextBlock = Extract<Block, { kind: 'text' }>;

function headerLine(block: TextBlock, text = block.text): FormSegment['headerLines'][number] {
  return { text, line: block.line, page: block.page, bbox: block.bbox, ...(block.repairs ? { repairs: block.repairs } : {}) };
}

export function segmentForms(blocks: readonly Block[]): { segments: FormSegment[]; otherTables: Table[] } {
  const segments: FormSegment[] = [];
  const otherTables: Table[] = [];
  let current: FormSegment | null = null;
  let pendingHeader: FormSegment['headerLines'] = [];
  let closedByProse = false;

  for (const block of blocks) {
    if (block.kind === 'text') {
      const title = parseTitle(block.text);
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
    const continues = current !== null && !closedByProse && !(current.tables.length > 0 && tableStartsNewProject(current, table));
    if (continues && current) {
      current.tables.push(table);
    } else if (looksLikeForm(table)) {
      current = { kind: kindFromTable(table), title: null, titleLine: null, titleBbox: null, page: table.rows[0]?.[0]?.origin.page ?? null,
        headerLines: [...pendingHeader], tables: [table] };
      segments.push(current);
      pendingHeader = [];
      closedByProse = false;
    } else {
      otherTables.push(table);
    }
  }
  const formTables = segments.filter((s) => s.tables.length > 0);
  return { segments: formTables, otherTables };
}
