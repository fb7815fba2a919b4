/**
 * The OCR-text extractor: UTF-8 (with or without BOM) or GB18030/GBK text, CRLF or LF,
 * holding markdown pipe tables, tab-separated tables or HTML table fragments.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { detectBlocks, numberTables } from '../layout/detectTables.js';
import { isFlattened, rebuildFlattened } from '../layout/flattened.js';
import { tokensOf } from '../layout/flattened/tokens.js';
import { normaliseScript } from '../forms/chineseScript.js';
import { type Extractor, InputError } from './types.js';

const TEXT_EXTENSIONS = /\.(txt|md|markdown|tsv|html?|text)$/i;

/** Decode bytes as UTF-8 when they are valid UTF-8, otherwise as the detected CJK encoding. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return { text: buffer.subarray(3).toString('utf8'), encoding: 'UTF-8 (BOM)' };
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
    return { text: iconv.decode(buffer, buffer[0] === 0xff ? 'utf16le' : 'utf16be'), encoding: 'UTF-16' };
  }
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
  if (!utf8.includes('\ufffd')) return { text: utf8, encoding: 'UTF-8' };
  // Not valid UTF-8: archived Chinese exports are GBK/GB18030 far more often than anything else,
  // and byte-frequency detectors mistake short GBK text for Shift_JIS, so GB18030 is tried first.
  const gb = iconv.decode(buffer, 'gb18030');
  if (!gb.includes('\ufffd')) return { text: gb, encoding: 'GB18030' };
  const guess = chardet.detect(buffer.subarray(0, 65536));
  const encoding = guess && iconv.encodingExists(guess) ? guess : 'GB18030';
  return { text: iconv.decode(buffer, encoding), encoding };
}

/** Share of characters that are control or replacement characters: high means binary junk. */
function junkRatio(text: string): number {
  const sample = text.slice(0, 20000);
  if (sample.length === 0) return 0;
  let junk = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0)!;
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) junk++;
  }
  return junk / sample.length;
}

export const ocrTextExtractor: Extractor = {
  kind: 'ocr_text',
  supports({ path, mime }) {
    return mime === null && TEXT_EXTENSIONS.test(path);
  },
  async extract(bytes, path) {
    if (bytes.byteLength === 0) throw new InputError(path, 'empty file (0 bytes): nothing to read');
    const decoded = decodeText(bytes);
    const { encoding } = decoded;
    if (junkRatio(decoded.text) > 0.05) throw new InputError(path, 'not a text file: it holds binary data (is it a PDF or image with the wrong extension?)');
    const script = normaliseScript(decoded.text);
    const scriptWarnings = script.note ? [`the text is not in simplified characters: ${script.note}`] : [];
    const lines = script.text.split(/\r\n|\r|\n/);
    const blocks = detectBlocks(lines);
    // the file's tokens, made once and only if asked for
    let tokens: string[] | undefined;
    const fileTokens = (): string[] => (tokens ??= tokensOf(lines));
    if (isFlattened(blocks, fileTokens)) {
      const rebuilt = rebuildFlattened(lines, fileTokens());
      return { encoding, blocks: numberTables(rebuilt.blocks), warnings: [...scriptWarnings, 'the table structure was lost (flattened text): rows were rebuilt from the order of the cells'], errors: rebuilt.errors };
    }
    return { encoding, blocks, warnings: scriptWarnings };
  },
};
