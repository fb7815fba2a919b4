/**
 * PDF producers (Chromium/Skia among them) map some glyphs to CJK radical code points instead of
 * the ideograph: ⽬ for 目, ⻔ for 门. Kangxi radicals (U+2F00–U+2FD5) have NFKC decompositions;
 * the CJK Radicals Supplement simplified forms do not, so they are mapped here.
 */
const SUPPLEMENT: Readonly<Record<string, string>> = {
  '⺠': '民', '⺟': '母', '⺢': '水', '⺨': '犭', '⺩': '王', '⺮': '竹', '⺶': '羊', '⺻': '聿',
  '⻁': '虎', '⻄': '西', '⻅': '见', '⻆': '角', '⻉': '贝', '⻋': '车', '⻓': '长', '⻔': '门',
  '⻘': '青', '⻙': '韦', '⻚': '页', '⻛': '风', '⻜': '飞', '⻝': '食', '⻢': '马', '⻣': '骨',
  '⻤': '鬼', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄', '⻬': '齐', '⻮': '齿',
  '⻰': '龙', '⻳': '龟', '⺁': '厂', '⺇': '几', '⺍': '小', '⺌': '小', '⺕': '彐', '⺝': '月',
  '⺼': '肉', '⻊': '足', '⻗': '雨', '⻯': '龙', '⻈': '讠', '⻍': '辶', '⻏': '阝', '⻖': '阝',
};

/**
 * Kangxi radicals whose NFKC form is the traditional character: a simplified-Chinese font draws the
 * simplified glyph (⼾ in 农户 is 户, not 戶), so the simplified character is what was printed.
 */
const KANGXI_SIMPLIFIED: Readonly<Record<string, string>> = {
  '⼾': '户', '⾧': '长', '⾨': '门', '⾴': '页', '⾵': '风', '⾶': '飞', '⾺': '马', '⿂': '鱼',
  '⿃': '鸟', '⿆': '麦', '⿈': '黄', '⿑': '齐', '⿒': '齿', '⿓': '龙', '⿔': '龟', '⾙': '贝',
  '⾞': '车', '⾒': '见', '⾱': '韦', '⾭': '青', '⾻': '骨', '⿁': '鬼',
};

const RADICAL = /[\u2e80-\u2fdf]/u;

export function restoreRadicals(text: string): string {
  if (!RADICAL.test(text)) return text;
  return [...text].map((ch) => {
    if (!RADICAL.test(ch)) return ch;
    return SUPPLEMENT[ch] ?? KANGXI_SIMPLIFIED[ch] ?? ch.normalize('NFKC');
  }).join('');
}
