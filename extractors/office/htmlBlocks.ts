/**
 * An HTML page → blocks: its data tables (read by the OCR-text path's `parseHtmlTable`, which
 * expands colspan/rowspan into spanned empty cells) and its prose lines, in reading order, with
 * page chrome dropped (scripts, styles, navigation, headers/footers, forms, menus). Used for saved
 * web pages (.html/.mht, Excel's "save as web page") and for Word documents converted by mammoth.
 * A table holding other tables is layout, not data: its cells are read as the page around them.
 */
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Block, Cell, Table } from '../../schemas/document.js';
import { numberTables, parseHtmlTable } from '../../layout/detectTables.js';

type Node = ReturnType<typeof parseDocument>['children'][number];
type ElementNode = Extract<Node, { name: string; attribs: Record<string, string> }>;

/** Elements that are never the form: scripts, styles, navigation and page furniture. */
const CHROME = new Set(['head', 'title', 'script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'aside', 'form', 'select', 'button', 'iframe', 'object', 'svg', 'menu']);
/** class/id words of navigation chrome on government sites (导航, 面包屑, 页脚 blocks). */
const CHROME_NAME = /(^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|footer|header|sidebar|toolbar|topbar|share|skip)([\s_-]|$)/i;
/** Elements that end a line of prose. */
const BLOCK = new Set(['p', 'div', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'center', 'section', 'article', 'main', 'blockquote', 'pre', 'hr', 'tr', 'td', 'th', 'caption', 'address', 'body', 'html']);

export interface HtmlBlockOptions {
  /** the table format recorded on each table */
  format: Extract<Table['format'], 'html' | 'word'>;
  /** the line number a block takes, from its offset in the HTML; default: blocks numbered in order */
  lineAt?: (offset: number) => number;
}

const isElement = (node: Node): node is ElementNode => 'name' in node && 'attribs' in node;

function isChrome(el: ElementNode): boolean {
  if (CHROME.has(el.name)) return true;
  const names = `${el.attribs.class ?? ''} ${el.attribs.id ?? ''} ${el.attribs.role === 'navigation' ? 'nav' : ''}`;
  return CHROME_NAME.test(names) || /display\s*:\s*none/i.test(el.attribs.style ?? '');
}

const hasTable = (el: ElementNode): boolean => DomUtils.findOne((n) => n.name === 'table', el.children, true) !== null;

/** A data table's HTML with its whitespace collapsed and paragraph breaks inside cells kept as <br>. */
function normalisedTableHtml(el: ElementNode): string {
  return DomUtils.getOuterHTML(el, { decodeEntities: false })
    .replace(/\s+/g, ' ')
    .replace(/<\/(p|div|li|h[1-6])>\s*<(p|div|li|h[1-6])(\s[^>]*)?>/gi, '<br>')
    .replace(/<\/?(p|div|li|h[1-6]|ul|ol)(\s[^>]*)?>/gi, '');
}

const cleanCellText = (text: string): string => text.replace(/\u00a0/g, ' ').replace(/\s*<br>\s*/g, '<br>').replace(/^(<br>)+|(<br>)+$/g, '').trim();

/** Given an HTML document, return its prose lines and data tables (tables indexed). */
export function htmlToBlocks(html: string, options: HtmlBlockOptions): Block[] {
  const dom = parseDocument(html, { withStartIndices: true, decodeEntities: true, lowerCaseTags: true });
  const blocks: Block[] = [];
  let ordinal = 0;
  const lineOf = (offset: number | null): number => (options.lineAt && offset !== null ? options.lineAt(offset) : ++ordinal);
  let pending = '';
  let pendingAt: number | null = null;
  const flush = (): void => {
    const text = pending.replace(/[\s\u00a0]+/g, ' ').trim();
    if (text !== '') blocks.push({ kind: 'text', text, line: lineOf(pendingAt), page: null, bbox: null });
    pending = '';
    pendingAt = null;
  };
  const walk = (nodes: readonly Node[]): void => {
    for (const node of nodes) {
      if (node.type === 'text') {
        const data = (node as { data: string }).data;
        if (data.trim() !== '' && pendingAt === null) pendingAt = node.startIndex;
        pending += data;
        continue;
      }
      if (!isElement(node) || isChrome(node)) continue;
      if (node.name === 'table' && !hasTable(node)) {
        flush();
        const line = lineOf(node.startIndex);
        const rows = parseHtmlTable(normalisedTableHtml(node), line)
          .map((row) => row.cells.map((text, col): Cell => ({ text: cleanCellText(text), origin: { table: null, row: null, col, line, page: null, bbox: null } })))
          .filter((row) => row.some((c) => c.text !== ''));
        if (rows.length > 0) blocks.push({ kind: 'table', table: { index: -1, format: options.format, firstLine: line, lastLine: line, rows } });
        continue;
      }
      const breaks = BLOCK.has(node.name);
      if (breaks) flush();
      walk(node.children as Node[]);
      if (breaks) flush();
    }
  };
  walk(dom.children);
  flush();
  return numberTables(blocks);
}

/** Line number (1-based) of each offset in a text, for provenance that points into the page source. */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
