import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMoney, parseRate, parseScore, parseValue, splitLabelWeight } from '../forms/values.js';

describe('value parsing', () => {
  it.each([
    ['≥80万页', '>=', 80, '万页'],
    ['≤35万元', '<=', 35, '万元'],
    ['≥8小时/周', '>=', 8, '小时/周'],
    ['≥95 百分比', '>=', 95, '%'],
    ['100%zh', null, 100, '%'],
    ['72个', null, 72, '个'],
    ['不低于90%', '>=', 90, '%'],
    ['﹦100%', '=', 100, '%'],
  ])('%s → op %s, value %s, unit %s', (raw, op, value, unit) => {
    const parsed = parseValue(raw).value;
    expect([parsed.op, parsed.value, parsed.unit]).toEqual([op, value, unit]);
    expect(parsed.raw).toBe(raw);
  });
  it('keeps qualitative values as text with no number', () => {
    expect(parseValue('及时').value).toEqual({ raw: '及时', op: null, value: null, unit: null });
    expect(parseValue('完成约1150个').value.value).toBeNull();
  });
  it('reports latin junk glued to a value', () => {
    expect(parseValue('100%zh').junk).toBe('zh');
    expect(parseValue('5km').junk).toBeNull();
  });
  it('normalises money to 元, honouring a unit printed in the cell', () => {
    expect(parseMoney('34.56', '万元')).toEqual({ yuan: 345600, printedUnit: null });
    expect(parseMoney('1192819.16 元', '万元')).toEqual({ yuan: 1192819.16, printedUnit: '元' });
    expect(parseMoney('10525876.51', '元')?.yuan).toBe(10525876.51);
    expect(parseMoney('文字描', '元')).toBeNull();
  });
  it('reads rates as fractions', () => {
    expect(parseRate('98.62%')).toBe(0.9862);
    expect(parseRate('81.3')).toBe(0.813);
    expect(parseRate('100%zh')).toBe(1);
  });
  it('reads scores and level-1 weights', () => {
    expect(parseScore('10分')).toBe(10);
    expect(parseScore('98 分')).toBe(98);
    expect(parseScore('—')).toBeNull();
    expect(splitLabelWeight('产出指标 50分')).toEqual({ label: '产出指标', weight: 50 });
    expect(splitLabelWeight('满意度指标(10分)')).toEqual({ label: '满意度指标', weight: 10 });
  });
  it('is stable under whitespace and full-width changes', () => {
    fc.assert(fc.property(fc.constantFrom('≥', '≤', ''), fc.integer({ min: 0, max: 99999 }), fc.constantFrom('%', '万元', '次', ''), (op, n, unit) => {
      const plain = parseValue(`${op}${n}${unit}`).value;
      const spaced = parseValue(` ${op} ${String(n).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))} ${unit} `).value;
      expect([spaced.op, spaced.value, spaced.unit]).toEqual([plain.op, plain.value, plain.unit]);
    }));
    fc.assert(fc.property(fc.string(), (s) => { parseValue(s); parseMoney(s, '万元'); parseRate(s); }));
  });
});
