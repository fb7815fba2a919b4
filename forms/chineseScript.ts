/**
 * Traditional characters and pinyin glosses: mirrors and document-sharing sites republish
 * simplified forms converted to traditional characters, some with the pinyin of every character
 * in brackets ("績(jī)效"). The vocabulary is simplified, so such text is brought back first:
 * glosses dropped, characters converted with OpenCC's Taiwan → mainland tables.
 */
import * as OpenCC from 'opencc-js';

/** "(jī)", "(xiàng)": a bracketed pinyin syllable right after a CJK character. */
const PINYIN_GLOSS = /(?<=[\u3400-\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń]{1,7}[)）]/g;

let converter: ((text: string) => string) | null = null;

/** Share of CJK characters a conversion changed, and the converted text. */
export function toSimplified(text: string): { text: string; glosses: number; converted: number } {
  let glosses = 0;
  const bare = text.replace(PINYIN_GLOSS, () => { glosses++; return ''; });
  converter ??= OpenCC.Converter({ from: 'tw', to: 'cn' });
  const simplified = converter!(bare);
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
  return { text: traditional ? result.text : text.replace(PINYIN_GLOSS, ''), note: parts.join(', ') };
}
