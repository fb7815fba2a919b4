/**
 * The saved-web-page extractor: a whole HTML page (.html/.htm, and an Excel or WPS workbook saved
 * as a web page under an .xls name) or a single-file web archive (.mht/.mhtml, MIME
 * multipart/related). The page's charset comes from its BOM, <meta charset>, the MIME part's
 * header or, failing those, the text itself (GB2312/GBK pages are common); its data tables and
 * prose are read with navigation chrome dropped. HTML table fragments inside OCR text stay with the
 * OCR-text extractor: only a file that is a page (doctype, <html>) or an archive comes here.
 */
import iconv from 'iconv-lite';
import type { Block } from '../schemas/document.js';
import { numberTables } from '../layout/detectTables.js';
import { htmlToBlocks, lineLocator } from './office/htmlBlocks.js';
import { decodeText } from './ocrText.js';
import { type Extractor, InputError } from './types.js';

const latin1 = (bytes: Uint8Array, length = bytes.length): string => Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.byteLength)).toString('latin1');

/** An HTML page by its first bytes: a doctype or an <html> element before any text. */
export function looksLikeHtmlPage(head: Uint8Array): boolean {
  const start = latin1(head, 2048).replace(/^\ufeff|^\xef\xbb\xbf/, '').replace(/^\s+/, '').toLowerCase();
  return /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype html|<html[\s>])/.test(start);
}

/** A MIME web archive (.mht) by its headers. */
export function looksLikeMht(head: Uint8Array): boolean {
  const start = latin1(head, 4096);
  return /^(mime-version|content-type|from|subject|date|x-[\w-]+|content-location|message-id)\s*:/im.test(start.slice(0, 200)) && /content-type:\s*multipart\/related/i.test(start);
}

/** Map a declared charset to one iconv can decode; GB2312/GBK labels are decoded as GB18030, their superset. */
function iconvName(label: string): string | null {
  const name = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (/^(gb2312|gbk|gb18030|x-gbk|cp936|euc-cn|hz-gb-2312)$/.test(name)) return 'gb18030';
  return iconv.encodingExists(name) ? name : null;
}

/** Decode HTML bytes: BOM, then a declared charset (part header, <meta>, XML declaration), then by content. */
export function decodeHtml(bytes: Uint8Array, declared?: string | null): { text: string; encoding: string } {
  const bom = (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (bom) return decodeText(bytes);
  const head = latin1(bytes, 4096);
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding\s*=\s*["']([\w-]+)/i.exec(head)?.[1] ?? null;
  const label = declared ?? meta;
  const name = label ? iconvName(label) : null;
  if (name) return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name), encoding: label!.toUpperCase() };
  return decodeText(bytes);
}

interface MimePart { headers: Map<string, string>; body: Uint8Array }

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeQuotedPrintable(text: string): Uint8Array {
  const soft = text.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) { out.push(parseInt(soft.slice(i + 1, i + 3), 16)); i += 2; }
    else out.push(c & 0xff);
  }
  return Uint8Array.from(out);
}

function decodeBody(raw: string, encoding: string | undefined): Uint8Array {
  const e = (encoding ?? '').toLowerCase();
  if (e === 'base64') return new Uint8Array(Buffer.from(raw.replace(/\s+/g, ''), 'base64'));
  if (e === 'quoted-printable') return decodeQuotedPrintable(raw);
  return new Uint8Array(Buffer.from(raw, 'latin1'));
}

/** Split a MIME web archive into its parts (bodies decoded from base64/quoted-printable, still bytes). */
export function mimeParts(bytes: Uint8Array): MimePart[] {
  const text = latin1(bytes);
  const split = /\r?\n\r?\n/.exec(text);
  if (!split) return [];
  const top = parseHeaders(text.slice(0, split.index));
  const boundary = /boundary\s*=\s*"?([^";\r\n]+)"?/i.exec(top.get('content-type') ?? '')?.[1];
  const bodyText = text.slice(split.index + split[0].length);
  if (!boundary) return [{ headers: top, body: decodeBody(bodyText, top.get('content-transfer-encoding')) }];
  const parts: MimePart[] = [];
  for (const chunk of bodyText.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const gap = /\r?\n\r?\n/.exec(chunk);
    if (!gap) continue;
    const headers = parseHeaders(chunk.slice(0, gap.index));
    parts.push({ headers, body: decodeBody(chunk.slice(gap.index + gap[0].length).replace(/\r?\n$/, ''), headers.get('content-transfer-encoding')) });
  }
  return parts;
}

/** Excel's web-archive scaffolding (sheet tabs, file list) is navigation, not a sheet. */
const SCAFFOLD = /(tabstrip|filelist)\.html?$/i;

export const webPageExtractor: Extractor = {
  kind: 'web_page',
  supports({ head, mime }) {
    return (mime === null || mime === 'application/xml' || mime === 'text/html') && (looksLikeHtmlPage(head) || looksLikeMht(head));
  },
  async extract(bytes, path) {
    if (looksLikeMht(bytes.subarray(0, 4100))) {
      const pages = mimeParts(bytes).filter((p) => /text\/html/i.test(p.headers.get('content-type') ?? '') && !SCAFFOLD.test(p.headers.get('content-location') ?? ''));
      if (pages.length === 0) throw new InputError(path, 'web archive (.mht) without an HTML part');
      const blocks: Block[] = [];
      let encoding: string | null = null;
      let lineBase = 0;
      for (const page of pages) {
        const charset = /charset\s*=\s*"?([\w-]+)/i.exec(page.headers.get('content-type') ?? '')?.[1] ?? null;
        const decoded = decodeHtml(page.body, charset);
        encoding ??= decoded.encoding;
        const locate = lineLocator(decoded.text);
        const base = lineBase;
        blocks.push(...htmlToBlocks(decoded.text, { format: 'html', lineAt: (offset) => base + locate(offset) }));
        lineBase += locate(decoded.text.length);
      }
      return { encoding, blocks: numberTables(blocks), warnings: [] };
    }
    const { text, encoding } = decodeHtml(bytes);
    return { encoding, blocks: htmlToBlocks(text, { format: 'html', lineAt: lineLocator(text) }), warnings: [] };
  },
};
