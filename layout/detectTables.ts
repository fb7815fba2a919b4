/**
 * Table detection for OCR text: given the lines of a text file, return its blocks — prose lines
 * and tables (markdown pipe tables, tab-separated blocks, HTML <table> fragments) in reading order.
 * A table whose first row repeats a header row of the table just before it (a page break with a
 * repeated header, possibly with page furniture between) continues that table.
 */
import { Parser } from 'htmlparser2';
import type { Block, Cell, Table } from '../schemas/document.js';
import { labelKey } from '../forms/text.js';
import { opensFormCell, parseTitle } from '../forms/titles.js';

type RawRow = { cells: string[]; line: number };

const PIPE_SEPARATOR = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function isPipeRow(line: string): boolean {
  const t = line.trim();
  return t.startsWith('|') && t.length > 1 && t.slice(1).includes('|');
}

function splitPipeRow(line: string): string[] {
  const t = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return t.split('|');
}

function toTable(format: Table['format'], rows: RawRow[]): Omit<Table, 'index'> {
  return {
    format,
    firstLine: rows[0]!.line,
    lastLine: rows[rows.length - 1]!.line,
    rows: rows.map((r) => r.cells.map((text, col): Cell => ({ text, origin: { table: null, row: null, col, line: r.line, page: null, bbox: null } }))),
  };
}

/** Parse one HTML table fragment into rows, expanding colspan/rowspan into empty spanned cells. */
export function parseHtmlTable(html: string, firstLine: number): RawRow[] {
  const rows: RawRow[] = [];
  /** column → how many more rows a rowspan above still covers */
  const covered = new Map<number, number>();
  let row: string[] | null = null;
  let cellText: string | null = null;
  let span = { col: 1, row: 1 };
  const skipCovered = (r: string[]): void => {
    while ((covered.get(r.length) ?? 0) > 0) r.push('');
  };
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'tr') row = [];
      else if ((name === 'td' || name === 'th') && row) {
        cellText = '';
        span = { col: Math.max(1, Number(attrs.colspan ?? 1) || 1), row: Math.max(1, Number(attrs.rowspan ?? 1) || 1) };
      } else if (name === 'br' && cellText !== null) cellText += '<br>';
    },
    ontext(text) {
      if (cellText !== null) cellText += text;
    },
    onclosetag(name) {
      if ((name === 'td' || name === 'th') && row && cellText !== null) {
        skipCovered(row);
        const col = row.length;
        row.push(cellText);
        for (let i = 1; i < span.col; i++) row.push('');
        if (span.row > 1) for (let i = 0; i < span.col; i++) covered.set(col + i, span.row);
        cellText = null;
      } else if (name === 'tr' && row) {
        skipCovered(row);
        rows.push({ cells: row, line: firstLine });
        for (const [col, left] of covered) {
          if (left <= 1) covered.delete(col);
          else covered.set(col, left - 1);
        }
        row = null;
      }
    },
  }, { decodeEntities: true, lowerCaseTags: true });
  parser.write(html);
  parser.end();
  return rows;
}

/** Given the file's lines, return prose lines and tables in reading order (tables not yet indexed). */
export function detectBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (/<table[\s>]/i.test(line)) {
      const start = i;
      let html = '';
      while (i < lines.length) {
        html += lines[i] + '\n';
        if (/<\/table>/i.test(lines[i]!)) { i++; break; }
        i++;
      }
      const rows = parseHtmlTable(html, start + 1);
      if (rows.length > 0) blocks.push({ kind: 'table', table: { index: -1, ...toTable('html', rows) } });
      continue;
    }
    if (isPipeRow(line)) {
      const rows: RawRow[] = [];
      while (i < lines.length && (isPipeRow(lines[i]!) || PIPE_SEPARATOR.test(lines[i]!.trim()))) {
        if (!PIPE_SEPARATOR.test(lines[i]!.trim())) rows.push({ cells: splitPipeRow(lines[i]!), line: i + 1 });
        i++;
      }
      if (rows.length > 0) blocks.push({ kind: 'table', table: { index: -1, ...toTable('markdown', rows) } });
      continue;
    }
    if (line.includes('\t')) {
      const rows: RawRow[] = [];
      while (i < lines.length && lines[i]!.includes('\t')) {
        rows.push({ cells: lines[i]!.split('\t'), line: i + 1 });
        i++;
      }
      blocks.push({ kind: 'table', table: { index: -1, ...toTable('tsv', rows) } });
      continue;
    }
    if (line.trim() !== '') blocks.push({ kind: 'text', text: line.trim(), line: i + 1, page: null, bbox: null });
    i++;
  }
  return numberTables(mergeContinuations(blocks));
}

function rowKey(cells: readonly Cell[]): string {
  return cells.map((c) => labelKey(c.text)).filter((k) => k !== '').join('|');
}

/** Page furniture between two parts of one table: short lines such as "单位：万元" or a page number. */
function isFurniture(block: Block): boolean {
  // a form's title, "…自评表(2023年度)" too, starts a form: the table after it continues nothing
  return block.kind === 'text' && block.text.length <= 40 && !/表\s*$/.test(block.text) && parseTitle(block.text) === null;
}

/**
 * A table that repeats the previous table's first row but goes on with another form's header
 * block (项目名称 乙 where the previous printed 项目名称 甲): forms of one template stacked in a
 * sheet, each under the same title row — the next form, not a header repeated after a break.
 */
function opensAnotherForm(prev: Table, next: Table): boolean {
  const top = prev.rows.slice(0, 8).map(rowKey);
  return next.rows.slice(1, 4).some((row) => !top.includes(rowKey(row)) && row.some((cell) => opensFormCell(cell.text)));
}

/**
 * Merge a table into the previous one when its first row repeats one of the previous table's
 * first three rows (a header repeated after a page break) and it opens no form of its own; the
 * repeated row is dropped.
 */
export function mergeContinuations(blocks: readonly Block[]): Block[] {
  const out: Block[] = [];
  for (const block of blocks) {
    if (block.kind === 'table') {
      let back = out.length - 1;
      while (back >= 0 && out.length - 1 - back < 4 && isFurniture(out[back]!)) back--;
      const prev = back >= 0 ? out[back] : undefined;
      const first = block.table.rows[0];
      if (prev?.kind === 'table' && prev.table.format === block.table.format && first) {
        const key = rowKey(first);
        const headerKeys = prev.table.rows.slice(0, 3).map(rowKey);
        if (key.length >= 4 && headerKeys.includes(key) && !opensAnotherForm(prev.table, block.table)) {
          prev.table.rows.push(...block.table.rows.slice(1));
          prev.table.lastLine = block.table.lastLine;
          out.splice(back + 1);
          continue;
        }
      }
    }
    out.push(block);
  }
  return out;
}

export function numberTables(blocks: Block[]): Block[] {
  let index = 0;
  for (const block of blocks) {
    if (block.kind !== 'table') continue;
    block.table.index = index;
    block.table.rows.forEach((row, r) => row.forEach((cell) => { cell.origin.table = index; cell.origin.row = r; }));
    index++;
  }
  return blocks;
}
