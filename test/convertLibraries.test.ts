/**
 * Two shortcuts around libraries, each of which must give what the library gives:
 * - OpenCC converts only the runs of a line holding a character its dictionaries change (forms/chineseScript.ts);
 * - pdf.js inflates Flate streams with its own inflater, Node's DecompressionStream refusing the
 *   formats pdf.js asks for, and only those (extractors/pdf/pdfjs.ts).
 */
import { describe, expect, it } from 'vitest';
import * as OpenCC from 'opencc-js';
import { toSimplified } from '../forms/chineseScript.js';
import { loadPdfjs } from '../extractors/pdf/pdfjs.js';

type Dict = string | ReadonlyArray<readonly [string, string]>;
const preset = (OpenCC.Locale.configs as Record<string, { conversionChain: Dict[][]; normalizationChain?: Dict[][] }>).tw2s!;
const entries = [...(preset.normalizationChain ?? []), ...preset.conversionChain].flat()
  .flatMap((dict) => (typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ') as [string, string]) : [...dict]));

describe('OpenCC, only on the runs it can change', () => {
  const whole = OpenCC.Converter({ from: 'tw', to: 'cn' });

  // each key on a line of its own, after simplified text, and two keys run together across lines
  const textOf = (keys: string[]): string =>
    [...keys, ...keys.map((k) => `项目绩效${k}`), ...keys.map((k, i) => `${k}\n${keys[(i * 7919) % keys.length]}指标`)].join('\n');
  const changed = entries.filter(([from, to]) => from !== to).map(([from]) => from);

  it('converts every dictionary entry as OpenCC converts the whole text', () => {
    // (entries whose conversion keeps the length: one that changes it sends the whole text to OpenCC)
    const keys = changed.filter((k) => whole(k).length === k.length);
    expect(keys.length).toBeGreaterThan(1000);
    expect(toSimplified(textOf(keys)).text).toBe(whole(textOf(keys)));
  });

  it('converts a text where a conversion changes a line\'s length as OpenCC does', () => {
    const longer = changed.filter((k) => whole(k).length !== k.length);
    expect(longer.length).toBeGreaterThan(0);
    const text = textOf([...longer, ...changed.slice(0, 200)]);
    const converted = whole(text);
    expect(toSimplified(text).text).toBe(converted);
    // the share of characters converted counts position by position over the whole text, as it did
    let differing = 0;
    for (let i = 0; i < text.length && i < converted.length; i++) if (text[i] !== converted[i]) differing++;
    expect(toSimplified(text).converted).toBe(differing);
  });

  it('converts keys run together and keys between cells, spaces and numbers on one line as OpenCC does', () => {
    // (runs of key characters convert apart: keys touching each other, keys across a cell border)
    const other = (i: number): string => changed[(i * 7919) % changed.length]!;
    const lines = changed.map((k, i) => `| ${k}${other(i)} | 95%${other(i + 1)}${k} |${k} ${other(i + 2)}，${k}${other(i + 3)}`);
    const text = lines.join('\n');
    expect(toSimplified(text).text).toBe(whole(text));
  });

  it('reads an ideographic description sequence as one unit, as OpenCC does', () => {
    // ⿰ and ⿱ take two parts, ⿲ three: OpenCC steps over the parts, which a run of their own would convert
    const single = changed.filter((k) => k.length === 1);
    const text = single.slice(0, 300).map((k, i) => `${['⿰', '⿱', '⿲'][i % 3]}${k}${single[i + 1]}${single[i + 2]}${k}`).join('\n');
    expect(toSimplified(text).text).toBe(whole(text));
    expect(whole(text)).not.toBe(text);
  });

  it('leaves a simplified line as it is and converts a traditional one beside it', () => {
    const text = '项目支出绩效自评表\n預算執行率 滿意度指標\n产出指标';
    expect(toSimplified(text).text).toBe(whole(text));
    expect(toSimplified(text).text.split('\n')).toEqual(['项目支出绩效自评表', '预算执行率 满意度指标', '产出指标']);
  });
});

describe('DecompressionStream once pdf.js is loaded', () => {
  it('refuses the zlib formats pdf.js asks for, so pdf.js inflates them itself', async () => {
    await loadPdfjs();
    expect(() => new DecompressionStream('deflate')).toThrow(/left to pdf.js/);
  });

  it('still inflates the raw and gzip formats other libraries use', async () => {
    await loadPdfjs();
    const { deflateRawSync, gzipSync } = await import('node:zlib');
    const inflate = async (format: CompressionFormat, bytes: Uint8Array): Promise<string> =>
      new Response(new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream(format))).text();
    expect(await inflate('deflate-raw', deflateRawSync('项目绩效'))).toBe('项目绩效');
    expect(await inflate('gzip', gzipSync('项目绩效'))).toBe('项目绩效');
  });
});
