/**
 * Cell-text normalisation: pure functions from OCR'd text to clean text, each reporting
 * the repairs it made so provenance can explain the value.
 */
import type { Repair } from '../schemas/document.js';
import { BoundedCache, memoizeString } from './memo.js';

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
const CJK_PUNCT = '\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\u201c\\u201d\\u2018\\u2019';
/** whitespace between two CJK characters (or a CJK character and a digit) is an OCR artefact */
const CJK_GAP = new RegExp(`(?<=[${CJK}${CJK_PUNCT}0-9%)])[ \\t\\u3000]+(?=[${CJK}${CJK_PUNCT}])|(?<=[${CJK}${CJK_PUNCT}])[ \\t\\u3000]+(?=[0-9%(（])`, 'gu');

const LATEX_SYMBOLS: ReadonlyArray<[RegExp, string]> = [
  [/\\geq?(?![a-z])/g, '≥'], [/\\leq?(?![a-z])/g, '≤'], [/\\%/g, '%'], [/\\times/g, '×'],
  [/\\sim/g, '~'], [/\\[,;! ]/g, ''], [/\\text\{([^}]*)\}/g, '$1'], [/\\mathrm\{([^}]*)\}/g, '$1'],
];

export interface Cleaned { text: string; repairs: Repair[] }

function step(state: Cleaned, rule: string, confidence: number, fn: (s: string) => string): Cleaned {
  const after = fn(state.text);
  if (after === state.text) return state;
  return { text: after, repairs: [...state.repairs, { rule, before: state.text, after, confidence }] };
}

/** Formatting tags OCR engines emit inside cells; any other markup is document text and stays. */
const FORMATTING_TAGS = /<\/?(b|i|u|p|span|div|strong|em|font|sup|sub|center)(\s[^<>]*)?\/?>/gi;

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `<br>` becomes a line break and OCR formatting tags are dropped (OCR HTML does not escape text). */
export function stripMarkup(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(FORMATTING_TAGS, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** `$\geq 90\%$` → `≥90%`: OCR engines emit inline LaTeX for comparison signs. */
export function unLatex(text: string): string {
  return text.replace(/\$([^$]{1,80})\$/g, (_m, body: string) => {
    let out = body;
    for (const [pattern, replacement] of LATEX_SYMBOLS) out = out.replace(pattern, replacement);
    return out.replace(/\s+/g, '');
  });
}

const FULL_WIDTH = /[\uff05-\uff5a\u3000]/;

/** Full-width ASCII (Ｆ１００％) to half-width; CJK punctuation such as （）：，stays as printed. */
export function halfWidthAlnum(text: string): string {
  if (!FULL_WIDTH.test(text)) return text;
  return text.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0e\uff1c-\uff1e\uff0b\uff0d\uff0f]/g,
    (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Collapse runs of spaces and remove the stray ones OCR puts between CJK characters. */
export function fixSpacing(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').replace(CJK_GAP, '').trim())
    .filter((line, i, all) => line !== '' || (i > 0 && i < all.length - 1 && all[i - 1] !== ''))
    .join('\n')
    .trim();
}

const cleanCache = new BoundedCache<Cleaned>(100000);

/** The full cleaning chain for one cell, with its evidence (memoised: cells repeat across forms; each caller gets its own repairs). */
export function cleanCell(raw: string): Cleaned {
  const cleaned = cleanCache.get(raw, cleanUncached);
  return { text: cleaned.text, repairs: [...cleaned.repairs] };
}

function cleanUncached(raw: string): Cleaned {
  let state: Cleaned = { text: raw, repairs: [] };
  state = step(state, 'strip_markup', 0.99, stripMarkup);
  state = step(state, 'latex_to_text', 0.98, unLatex);
  state = step(state, 'full_width_to_half_width', 0.99, halfWidthAlnum);
  state = step(state, 'cjk_spacing', 0.98, fixSpacing);
  return state;
}

/** A key for comparing labels: no whitespace, no asterisks, no colons or trailing punctuation. */
export const labelKey = memoizeString(labelKeyUncached);

function labelKeyUncached(text: string): string {
  return halfWidthAlnum(stripMarkup(text))
    .replace(/[\s*＊:：、．.]/g, '')
    .replace(/（/g, '(').replace(/）/g, ')');
}

/** Template placeholders left unfilled: `指标 2:`, `.....`, `……`. */
export function isPlaceholder(text: string): boolean {
  const t = text.replace(/\s/g, '');
  return /^指标\d*[:：]?$/.test(t) || /^[.。…·・\-—_]{2,}$/.test(t);
}

/** True when the whole cell is empty or a dash meaning "not applicable". */
export function isBlank(text: string): boolean {
  return text.replace(/\s/g, '') === '';
}
