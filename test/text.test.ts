import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanCell, fixSpacing, halfWidthAlnum, isPlaceholder, unLatex } from '../forms/text.js';

describe('cell cleaning (excerpts from the seeds)', () => {
  it('joins <br> and drops HTML tags', () => {
    expect(cleanCell('产出指标<br>(40分)').text).toBe('产出指标\n(40分)');
    expect(cleanCell('<b>项目名称</b>').text).toBe('项目名称');
  });
  it('turns inline LaTeX comparisons into text', () => {
    expect(unLatex('审批时限压缩率 $\\geq 90\\%$ ，')).toBe('审批时限压缩率 ≥90% ，');
  });
  it('removes stray spaces between CJK characters but keeps latin words apart', () => {
    expect(fixSpacing('年度工作计 划')).toBe('年度工作计划');
    expect(fixSpacing('服务对象 满意度指 标')).toBe('服务对象满意度指标');
    expect(fixSpacing('≥95 百分比')).toBe('≥95百分比');
    expect(fixSpacing('工资保险发放 (缴纳) 标准')).toBe('工资保险发放(缴纳)标准');
    expect(fixSpacing('e站通 WiFi line')).toBe('e站通 WiFi line');
  });
  it('half-widths full-width alphanumerics and keeps CJK punctuation', () => {
    expect(halfWidthAlnum('１００％（万元）')).toBe('100%（万元）');
  });
  it('records each repair with before/after', () => {
    const { repairs } = cleanCell('社会效益 指标');
    expect(repairs).toEqual([{ rule: 'cjk_spacing', before: '社会效益 指标', after: '社会效益指标', confidence: 0.98 }]);
  });
  it('knows template placeholders', () => {
    expect(isPlaceholder('指标 2:')).toBe(true);
    expect(isPlaceholder('.....')).toBe(true);
    expect(isPlaceholder('指标名称')).toBe(false);
  });
  it('never throws and is idempotent on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const once = cleanCell(s).text;
      expect(cleanCell(once).text).toBe(once);
    }));
  });
});
