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
let converter: ((text: string) => string) | null = null;
let convertible: RegExp | null = null;

type DictLike = string | ReadonlyArray<readonly [string, string]>;

function entriesOf(dict: DictLike): Array<readonly [string, string]> {
  return typeof dict === 'string' ? dict.split('|').map((entry) => entry.split(' ') as [string, string]) : [...dict];
}

/**
 * A character class of every character a conversion can change: where an entry of the preset's
 * normalisation or conversion dictionaries differs from its replacement (every character of an
 * entry whose length changes), and the ideographic description characters OpenCC reads ahead from.
 * A line without any of them matches no entry that changes anything, so it converts to itself.
 */
function convertibleCharacters(): RegExp {
  const config = (OpenCC.Locale.configs as Record<string, { conversionChain: readonly DictLike[][]; normalizationChain?: readonly DictLike[][] }>)[TW_TO_CN]!;
  const characters = new Set<string>();
  for (const group of [...(config.normalizationChain ?? []), ...config.conversionChain]) {
    for (const dict of group) {
      for (const [from, to] of entriesOf(dict)) {
        if (from === to) continue;
        const [a, b] = [[...from], [...to]];
        a.forEach((c, i) => { if (a.length !== b.length || c !== b[i]) characters.add(c); });
      }
    }
  }
  const escaped = [...characters].map((c) => (/[\\\][^-]/.test(c) ? `\\${c}` : c)).join('');
  return new RegExp(`[${escaped}\u2ff0-\u2fff]`, 'u');
}

/**
 * The text converted by OpenCC, only the lines it can change passed to it: most lines of a
 * simplified document have no character it converts, and converting costs more than looking
 * (OpenCC was about a tenth of reading an OCR text). Entries never span a line break, so the lines
 * convert to the very text the whole would (test/convertLibraries.test.ts checks every entry).
 */
function convertedText(text: string): string {
  const convert = (converter ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  const changeable = (convertible ??= convertibleCharacters());
  return text.split('\n').map((line) => (changeable.test(line) ? convert(line) : line)).join('\n');
}

/** Share of CJK characters a conversion changed, and the converted text. */
export function toSimplified(text: string): { text: string; glosses: number; converted: number } {
  let glosses = 0;
  const bare = text.replace(PINYIN_GLOSS, () => { glosses++; return ''; });
  const simplified = convertedText(bare);
  let converted = 0;
  for (let i = 0; i < bare.length && i < simplified.length; i++) if (bare[i] !== simplified[i]) converted++;
  return { text: simplified, glosses, converted };
}

/**
 * Convert only a text that is written in traditional characters: a few converted characters in a
 * simplified text are names or quotations, left as printed.
 */
export function normaliseScript(text: string): { text: string; note: string | null } {
  const cjk = (text.match(/[\u3400-\u9fff]/g) ?? []).length;
  const result = toSimplified(text);
  const traditional = cjk > 0 && result.converted >= 5 && result.converted / cjk >= 0.02;
  if (!traditional && result.glosses < 5) return { text, note: null };
  const parts = [traditional ? `${result.converted} traditional characters converted to simplified` : null, result.glosses >= 5 ? `${result.glosses} pinyin glosses dropped` : null].filter(Boolean);
  const bare = traditional ? result.text : text.replace(PINYIN_GLOSS, '');
  return { text: result.glosses >= 5 ? restoreLostCharacters(bare) : bare, note: parts.join(', ') };
}
