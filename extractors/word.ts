/**
 * The Word extractor: .docx read by mammoth (docx → HTML: gridSpan → colspan, vMerge → rowspan,
 * paragraphs as paragraphs), then its tables and prose by the HTML reader; .doc and WPS .wps
 * binaries, and RTF (often saved under a .doc name), converted to .docx by LibreOffice first. mammoth's XML parser (xmldom) never fetches
 * external entities, and images are not carried into the HTML.
 */
import { checkZip, sniffOffice, type ZipEntry } from './office/container.js';
import { htmlToBlocks } from './office/htmlBlocks.js';
import { readConverted } from './office/libreoffice.js';
import { type Extraction, type Extractor, InputError } from './types.js';

const WORD_NAME = /\.(docx|docm|dotx|dotm|doc|dot|wps|wpt)$/i;

/** Given a .docx's bytes (already checked against the zip-bomb guard), return its blocks. */
export async function readDocx(bytes: Uint8Array, path: string, entries: readonly ZipEntry[]): Promise<Extraction> {
  let html: string;
  let messages: Array<{ type: string; message: string }>;
  try {
    const { default: mammoth } = await import('mammoth'); // loaded on first use, as exceljs is (spreadsheet.ts)
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })), ignoreEmptyParagraphs: true },
    );
    html = result.value;
    messages = result.messages;
  } catch (error) {
    throw new InputError(path, `damaged Word document: ${(error as Error).message.replace(/^error:\s*/, '').split('\n')[0]!.trim()}`);
  }
  const warnings = messages.filter((m) => m.type === 'error').map((m) => `Word reader: ${m.message}`);
  if (entries.some((e) => /vbaProject\.bin$/i.test(e.name))) warnings.push('the document holds macros: they were not run');
  return { encoding: null, blocks: htmlToBlocks(html, { format: 'word' }), warnings };
}

const isWordZip = (entries: readonly ZipEntry[] | undefined): boolean => !!entries?.some((e) => e.name.startsWith('word/'));

export const wordExtractor: Extractor = {
  kind: 'word',
  supports({ path, bytes }) {
    if (!bytes) return false;
    const sniffed = sniffOffice(bytes);
    if (sniffed.kind === 'docx' || sniffed.kind === 'doc' || sniffed.kind === 'rtf') return true;
    if (sniffed.kind === 'encrypted') return WORD_NAME.test(path);
    if (sniffed.corrupt !== undefined) return WORD_NAME.test(path);
    return sniffed.kind === null && isWordZip(sniffed.entries);
  },
  async extract(bytes, path) {
    const sniffed = sniffOffice(bytes);
    if (sniffed.corrupt !== undefined) throw new InputError(path, `corrupt zip: ${sniffed.corrupt}`);
    if (sniffed.kind === 'encrypted') throw new InputError(path, 'encrypted document: it is password-protected; save an unprotected copy');
    if (sniffed.kind === 'doc' || sniffed.kind === 'rtf') {
      const was = sniffed.kind === 'rtf' ? 'an RTF document' : 'a binary Word document (.doc/.wps)';
      return readConverted(bytes, path, { from: sniffed.kind, to: 'docx', needs: 'libreoffice-writer', was }, readDocx);
    }
    const entries = sniffed.entries ?? [];
    checkZip(path, entries);
    if (!entries.some((e) => e.name === 'word/document.xml')) throw new InputError(path, 'damaged Word document: no word/document.xml part');
    return readDocx(bytes, path, entries);
  },
};
