/**
 * The seed forms laid out as a filing unit's office software prints them: the seed text's own
 * table grid with merged cells as real spans (a section label down its rows, a level-1 indicator
 * down its indicators, a goal across the row). Shared by the PDF and office sample generators.
 */
import type { FormSegment, Table } from '../schemas/document.js';
import { stripMarkup, unLatex } from '../forms/text.js';

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A seed cell as printed: markup and inline LaTeX resolved, line breaks kept as newlines. */
export const printedText = (raw: string): string => stripMarkup(unLatex(raw)).trim();
export const printed = (raw: string): string => escapeHtml(printedText(raw)).replace(/\n/g, '<br>');

/** Which cells of a grid are covered by a span; the span sizes of the cells that start one. */
export function spansOf(rows: string[][]): { covered: boolean[][]; span: Array<Array<{ rows: number; cols: number }>> } {
  const height = rows.length;
  const width = Math.max(...rows.map((r) => r.length));
  const text = (r: number, c: number): string => (rows[r]?.[c] ?? '').trim();
  const covered = Array.from({ length: height }, () => new Array<boolean>(width).fill(false));
  const span = Array.from({ length: height }, () => Array.from({ length: width }, () => ({ rows: 1, cols: 1 })));
  // Section labels and level-1/level-2 names run down their rows (first two columns).
  for (const c of [0, 1]) {
    for (let r = 0; r < height; r++) {
      if (covered[r]![c] || text(r, c) === '') continue;
      let end = r + 1;
      while (end < height && text(end, c) === '' && !covered[end]![c] && text(end, c + 1) !== '') end++;
      span[r]![c]!.rows = end - r;
      for (let k = r + 1; k < end; k++) covered[k]![c] = true;
    }
  }
  // A value with only empty cells after it fills the rest of its row.
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (covered[r]![c] || text(r, c) === '' || span[r]![c]!.rows > 1) continue;
      let end = c + 1;
      while (end < width && text(r, end) === '' && !covered[r]![end]) end++;
      if (end === width) {
        span[r]![c]!.cols = end - c;
        for (let k = c + 1; k < end; k++) covered[r]![k] = true;
      }
    }
  }
  return { covered, span };
}

export function tableHtml(table: Table, ruled: boolean): string {
  const rows = table.rows.map((row) => row.map((cell) => cell.text));
  const width = Math.max(...rows.map((r) => r.length));
  const { covered, span } = spansOf(rows);
  const body = rows.map((row, r) => {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      if (covered[r]![c]) continue;
      const { rows: rs, cols: cs } = span[r]![c]!;
      const attrs = `${rs > 1 ? ` rowspan="${rs}"` : ''}${cs > 1 ? ` colspan="${cs}"` : ''}`;
      cells.push(`<td${attrs}>${printed(row[c] ?? '')}</td>`);
    }
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table class="${ruled ? 'ruled' : 'unruled'}">${body.join('\n')}</table>`;
}

export function formHtml(segment: FormSegment, ruled: boolean): string {
  const title = segment.title ? `<h2>${printed(segment.title)}</h2>` : '';
  const header = segment.headerLines.map((h) => `<p>${printed(h.text.replace(/^#+\s*/, ''))}</p>`).join('\n');
  return `<section>${title}\n${header}\n${segment.tables.map((t) => tableHtml(t, ruled)).join('\n')}</section>`;
}
