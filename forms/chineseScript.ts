/**
 * Traditional characters and pinyin glosses: mirrors and document-sharing sites republish
 * simplified forms converted to traditional characters, some with the pinyin of every character
 * in brackets ("績(jī)效"). The vocabulary is simplified, so such text is brought back first:
 * glosses dropped, characters converted with OpenCC's Taiwan → mainland tables.
 */
import * as OpenCC from 'opencc-js';
import { LEVEL1, LEVEL2 } from '../schemas/record.js';
import { FIELD_LABELS, INDICATOR_COLUMNS } from './vocabulary.js';

/** "(jī)", "(xiàng)": a bracketed pinyin syllable right after a CJK character. */
const PINYIN_GLOSS = /(?<=[\u3400-\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń]{1,7}[)）]/g;

/**
 * "???jī)": a character the mirror could not encode, printed as question marks, with its gloss's
 * opening bracket lost too. Only the pinyin is left of it.
 */
const LOST_GLOSSED = /\?+[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń]{1,7}[)）]/g;

/** Words of the form long enough that their tail names them: the labels, columns and level names. */
const FORM_WORDS: readonly string[] = [...new Set([
  ...Object.values(FIELD_LABELS).flat(), ...Object.values(INDICATOR_COLUMNS).flat(), ...LEVEL1, ...LEVEL2,
])].filter((word) => word.length >= 5);

/**
 * A lost character is restored where the text after it completes a word of the form: the longest
 * such word, four characters of it or more read after the gap, and one first character among the
 * words of that length ("?效指标分类" is 绩效指标分类, not 时效指标 completed by three); elsewhere it is
 * dropped, as the mirror's question marks say nothing of what stood there.
 */
function restoreLostCharacters(text: string): string {
  return text.replace(LOST_GLOSSED, (lost: string, at: number) => {
    const after = text.slice(at + lost.length);
    const completed = FORM_WORDS.filter((word) => after.startsWith(word.slice(1)));
    const longest = Math.max(0, ...completed.map((word) => word.length));
    const firsts = new Set(completed.filter((word) => word.length === longest).map((word) => word[0]!));
    return longest >= 5 && firsts.size === 1 ? [...firsts][0]! : '';
  });
}

/** OpenCC's Taiwan → mainland preset: its dictionaries, and the converter built from them. */
const TW_TO_CN = 'tw2s';

/** What a UTF-16 code unit is to the conversion (`conversionOf`), bit by bit. */
const CHANGES = 1;
const IN_KEY = 2;
/** an ideographic description character (⿰, ⿱ …): OpenCC steps over the sequence it opens as one unit */
const DESCRIBES = 4;

interface Conversion {
  convert: (text: string) => string;
  /** each code unit's bits */
  units: Uint8Array;
}
let conversion: Conversion | null = null;

type DictLike = string | ReadonlyArray<readonly [string, string]>;

function entriesOf(dict: DictLike): Array<readonly [string, string]> {
  return typeof dict === 'string' ? dict.split('|').map((entry) => entry.split(' ') as [string, string]) : [...dict];
}

/**
 * The converter, and each code unit's part in a conversion read off the preset's normalisation and
 * conversion dictionaries: whether a conversion can change it (it differs from its replacement in
 * an entry; every character of an entry whose length changes), and whether any entry's key holds
 * it. Text without a changing character matches no entry that changes anything, so it converts to
 * itself; and since OpenCC matches each dictionary's keys from left to right, a match never spans a
 * character no key holds, so the runs between such characters convert apart. Surrogates count as
 * both (a character beyond the BMP is converted with its run, whatever it is): that only joins runs.
 */
function conversionOf(): Conversion {
  const config = (OpenCC.Locale.configs as Record<string, { conversionChain: readonly DictLike[][]; normalizationChain?: readonly DictLike[][] }>)[TW_TO_CN]!;
  const units = new Uint8Array(0x10000);
  units.fill(CHANGES | IN_KEY, 0xd800, 0xe000);
  units.fill(DESCRIBES, 0x2ff0, 0x3000);
  const mark = (character: string, bit: number): void => { if (character.length === 1) units[character.charCodeAt(0)]! |= bit; };
  for (const group of [...(config.normalizationChain ?? []), ...config.conversionChain]) {
    for (const dict of group) {
      for (const [from, to] of entriesOf(dict)) {
        for (const c of from) mark(c, IN_KEY);
        if (from === to) continue;
        const [a, b] = [[...from], [...to]];
        a.forEach((c, i) => { if (a.length !== b.length || c !== b[i]) mark(c, CHANGES); });
      }
    }
  }
  return { convert: OpenCC.Converter({ from: 'tw', to: 'cn' }), units };
}

/**
 * The text converted by OpenCC, only the runs it can change passed to it: a simplified document
 * has few characters it converts, and converting costs more than looking (OpenCC was about a tenth
 * of reading an OCR text). The runs convert to the very text the whole would
 * (test/convertLibraries.test.ts checks every entry); a text with an ideographic description
 * sequence, which OpenCC reads as one unit whatever it holds, goes whole.
 */
function convertedText(text: string): string {
  const { convert, units } = (conversion ??= conversionOf());
  let changes = false;
  for (let i = 0; i < text.length; i++) {
    const unit = units[text.charCodeAt(i)]!;
    if (unit & DESCRIBES) return convert(text);
    if (unit & CHANGES) changes = true;
  }
  if (!changes) return text;
  let converted = '';
  let copied = 0;
  let runStart = -1;
  let runChanges = false;
  for (let i = 0; i <= text.length; i++) {
    const unit = i < text.length ? units[text.charCodeAt(i)]! : 0;
    if (unit & IN_KEY) {
      if (runStart < 0) { runStart = i; runChanges = false; }
      if (unit & CHANGES) runChanges = true;
    } else if (runStart >= 0) {
      if (runChanges) {
        converted += text.slice(copied, runStart) + convert(text.slice(runStart, i));
        copied = i;
      }
      runStart = -1;
    }
  }
  return copied === 0 ? text : converted + text.slice(copied);
}

/** Share of CJK characters a conversion changed, and the converted text. */
export function toSimplified(text: string): { text: string; glosses: number; converted: number } {
  let glosses = 0;
  const bare = text.replace(PINYIN_GLOSS, () => { glosses++; return ''; });
  const simplified = convertedText(bare);
  let converted = 0;
  if (simplified !== bare) for (let i = 0; i < bare.length && i < simplified.length; i++) if (bare.charCodeAt(i) !== simplified.charCodeAt(i)) converted++;
  return { text: simplified, glosses, converted };
}

/**
 * Convert only a text that is written in traditional characters: a few converted characters in a
 * simplified text are names or quotations, left as printed.
 */
export function normaliseScript(text: string): { text: string; note: string | null } {
  let cjk = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x3400 && unit <= 0x9fff) cjk++;
  }
  const result = toSimplified(text);
  const traditional = cjk > 0 && result.converted >= 5 && result.converted / cjk >= 0.02;
  if (!traditional && result.glosses < 5) return { text, note: null };
  const parts = [traditional ? `${result.converted} traditional characters converted to simplified` : null, result.glosses >= 5 ? `${result.glosses} pinyin glosses dropped` : null].filter(Boolean);
  const bare = traditional ? result.text : text.replace(PINYIN_GLOSS, '');
  return { text: result.glosses >= 5 ? restoreLostCharacters(bare) : bare, note: parts.join(', ') };
}
