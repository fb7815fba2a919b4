/**
 * Long sheets cut before exceljs reads them. exceljs's `xlsx.load` builds every cell of every sheet
 * as an object (about 0.4 KB of heap per cell: a 100,000-row sheet of six columns takes 250 MB), and
 * its streaming `WorkbookReader` (4.4) drops `<mergeCell>` and hidden rows, which the blocks depend
 * on. So a sheet part long enough to matter is streamed once through a small scanner that keeps the
 * rows up to the limits and drops the rest (with merged ranges starting past the last kept row; one
 * crossing it is cut there), and exceljs then loads the cut workbook as it loads any other: the kept
 * rows give the same cells, merges and blocks as before. Workbooks with no long sheet are not touched.
 */
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import JSZip from 'jszip';
import type { ZipEntry } from './container.js';

export interface RowLimits {
  /** rows (by the sheet's own row numbers) kept per sheet */
  maxRows: number;
  /** cells kept per sheet: rows after the one that would pass it are dropped */
  maxCells: number;
}

/** A sheet that was cut: its name, the last row kept and how many rows (by number) it had. */
export interface CutSheet { sheet: string; keptRows: number; rows: number }

/** The fewest bytes a `<row>` element takes (`<row r="1"/>`): a part smaller than limit × this cannot be too long. */
const MIN_ROW_BYTES = 12;
/** The fewest bytes a `<c>` element takes (`<c r="A1"/>`). */
const MIN_CELL_BYTES = 11;

const ROW_START = /<row[\s/>]/g;
const CELL_START = /<c[\s/>]/g;

/** A `<mergeCell ref="A1:C2"/>` kept, cut at the last kept row, or dropped when it starts after it. */
function cutMerges(tail: string, lastRow: number): string {
  let kept = 0;
  const out = tail.replace(/<mergeCell\b[^>]*?ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"[^>]*?\/>/g, (element, c0: string, r0: string, c1: string, r1: string) => {
    if (Number(r0) > lastRow) return '';
    kept++;
    return Number(r1) > lastRow ? element.replace(`${c0}${r0}:${c1}${r1}`, `${c0}${r0}:${c1}${lastRow}`) : element;
  });
  return out.replace(/<mergeCells\b([^>]*?)count="\d+"/, `<mergeCells$1count="${kept}"`);
}

/**
 * Given a sheet part as a stream of text chunks, return the part with the rows past the limits left
 * out, the last row number kept, and the last row number the part had. Only text between
 * `<sheetData>` and `</sheetData>` is split into rows; everything before is copied, everything after
 * (merges, page setup: small) is held until the end so its merges can be cut.
 */
export async function cutSheetXml(chunks: AsyncIterable<string>, limits: RowLimits): Promise<{ xml: string; keptRows: number; rows: number }> {
  const out: string[] = [];
  let state = 'head' as 'head' | 'rows' | 'tail';
  let pending = '';
  let tail = '';
  let rowNumber = 0;
  let keptRows = 0;
  let cells = 0;
  let full = false;
  const step = (): boolean => {
    if (state === 'head') {
      const at = pending.indexOf('<sheetData');
      const end = at < 0 ? -1 : pending.indexOf('>', at);
      if (end < 0) return false;
      state = pending[end - 1] === '/' ? 'tail' : 'rows';
      out.push(pending.slice(0, end + 1));
      pending = pending.slice(end + 1);
      return true;
    }
    if (state === 'tail') { tail += pending; pending = ''; return false; }
    ROW_START.lastIndex = 0;
    const row = ROW_START.exec(pending);
    const close = pending.indexOf('</sheetData>');
    if (close >= 0 && (!row || close < row.index)) {
      out.push(pending.slice(0, close));
      state = 'tail';
      pending = pending.slice(close);
      return true;
    }
    if (!row) return false;
    const openEnd = pending.indexOf('>', row.index);
    if (openEnd < 0) return false;
    const selfClosing = pending[openEnd - 1] === '/';
    const closeAt = selfClosing ? openEnd + 1 : pending.indexOf('</row>', openEnd);
    if (closeAt < 0) return false;
    const end = selfClosing ? closeAt : closeAt + '</row>'.length;
    const element = pending.slice(row.index, end);
    const numbered = /^<row\b[^>]*?\sr="(\d+)"/.exec(element);
    rowNumber = numbered ? Number(numbered[1]) : rowNumber + 1;
    const rowCells = element.match(CELL_START)?.length ?? 0;
    full ||= rowNumber > limits.maxRows || cells + rowCells > limits.maxCells;
    if (!full) {
      out.push(pending.slice(0, end));
      keptRows = rowNumber;
      cells += rowCells;
    }
    pending = pending.slice(end);
    return true;
  };
  for await (const chunk of chunks) {
    pending += chunk;
    while (step());
  }
  if (state !== 'tail') throw new Error('the sheet part ends inside its sheetData');
  tail += pending;
  out.push(keptRows < rowNumber ? cutMerges(tail, keptRows) : tail);
  return { xml: out.join(''), keptRows, rows: rowNumber };
}

const attributes = (element: string): Map<string, string> => new Map([...element.matchAll(/([\w:]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (text: string): string => text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) => (name.startsWith('#')
  ? String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1))) : XML_ENTITIES[name] ?? entity));

/** Given the workbook part and its relationships, return each worksheet part's sheet name. */
async function sheetNames(zip: JSZip): Promise<Map<string, string>> {
  const workbook = (await zip.file('xl/workbook.xml')?.async('string')) ?? '';
  const rels = (await zip.file('xl/_rels/workbook.xml.rels')?.async('string')) ?? '';
  const targets = new Map([...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => attributes(m[0])).map((a) => {
    const target = a.get('Target') ?? '';
    return [a.get('Id') ?? '', target.startsWith('/') ? target.slice(1) : `xl/${target}`];
  }));
  const names = new Map<string, string>();
  for (const m of workbook.matchAll(/<sheet\b[^>]*>/g)) {
    const a = attributes(m[0]);
    const part = targets.get(a.get('r:id') ?? '');
    if (part) names.set(part, decodeXml(a.get('name') ?? part));
  }
  return names;
}

/** A JSZip part stream (readable-stream 2, not async-iterable) as text chunks. */
async function* textOf(stream: NodeJS.ReadableStream): AsyncIterable<string> {
  const decoder = new StringDecoder('utf8');
  const through = new PassThrough();
  stream.on('error', (error: Error) => through.destroy(error));
  for await (const chunk of stream.pipe(through)) yield decoder.write(chunk as Buffer);
  yield decoder.end();
}

/**
 * Given an .xlsx's bytes and its zip entries, return the bytes with every sheet cut to the limits
 * (the same bytes when no sheet is that long) and the sheets that were cut.
 */
export async function capSheetRows(bytes: Uint8Array, entries: readonly ZipEntry[], limits: RowLimits): Promise<{ bytes: Uint8Array; cut: CutSheet[] }> {
  const minBytes = Math.min(limits.maxRows * MIN_ROW_BYTES, limits.maxCells * MIN_CELL_BYTES);
  const long = entries.filter((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.name) && e.uncompressedSize > minBytes);
  if (long.length === 0) return { bytes, cut: [] };
  const zip = await JSZip.loadAsync(bytes);
  const cut: CutSheet[] = [];
  let names: Map<string, string> | null = null;
  for (const entry of long) {
    const file = zip.file(entry.name);
    if (!file) continue;
    const sheet = await cutSheetXml(textOf(file.nodeStream('nodebuffer')), limits);
    if (sheet.keptRows >= sheet.rows) continue;
    zip.file(entry.name, sheet.xml);
    names ??= await sheetNames(zip);
    cut.push({ sheet: names.get(entry.name) ?? entry.name, keptRows: sheet.keptRows, rows: sheet.rows });
  }
  if (cut.length === 0) return { bytes, cut };
  return { bytes: await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 1 } }), cut };
}
