import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INDICATOR_COLUMNS, isCompatible, matchLabel, matchLevel1, matchLevel2 } from '../forms/vocabulary.js';

describe('header label matching', () => {
  it.each([
    ['年度指 标值', 'target'], ['预期指标值', 'target'], ['指标值', 'target'], ['*实际完成值', 'actual'],
    ['自评得分', 'score'], ['*得分', 'score'], ['自评得份', 'score'], ['偏差原因分析 及改进措施', 'deviation_note'],
    ['指标值确定 依据', 'basis'], ['绩效指标描述', 'description'], ['三级指标', 'name'],
  ])('%s → %s', (raw, canonical) => {
    expect(matchLabel(raw, INDICATOR_COLUMNS)?.canonical).toBe(canonical);
  });
  it('does not mistake a value or a name for a label', () => {
    expect(matchLabel('服务对象满意度', INDICATOR_COLUMNS)).toBeNull();
    expect(matchLabel('≥95%', INDICATOR_COLUMNS)).toBeNull();
  });
  it('maps level names, old and split, to the canonical vocabulary', () => {
    expect(matchLevel1('效果指标')?.canonical).toBe('效益指标');
    expect(matchLevel1('预算执行率<br>指标(10分)'.replace('<br>', ''))).toMatchObject({ canonical: '预算执行率指标', weight: 10 });
    expect(matchLevel2('经济效益 指标')?.canonical).toBe('经济效益指标');
    expect(matchLevel2('环境效益指标')?.canonical).toBe('生态效益指标');
    expect(matchLevel2('服务对象满意度')).toBeNull(); // a third-level name, not a level
  });
  it('knows which second-level names belong under which first-level group', () => {
    expect(isCompatible('产出指标', '成本指标')).toBe(true);
    expect(isCompatible('预算执行率指标', '成本指标')).toBe(false);
  });
  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), (s) => { matchLabel(s, INDICATOR_COLUMNS); matchLevel1(s); matchLevel2(s); }));
  });
});
