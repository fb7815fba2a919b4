/** A title keyed without the county printed before the project's own name; the titles are invented. */
import { describe, expect, it } from 'vitest';
import { titleText } from '../forms/titles.js';

describe('a county before the project name in a title', () => {
  it('is stripped as the issuer; a word that goes on from 县 or a district-like name is not', () => {
    expect(titleText('2022年度某某县农村饮水安全项目绩效评价指标表')).toBe('农村饮水安全项目绩效评价指标表');
    expect(titleText('河东省某某县残疾儿童康复项目绩效目标表')).toBe('残疾儿童康复项目绩效目标表');
    expect(titleText('农村县道改造项目绩效自评表')).toBe('农村县道改造项目绩效自评表');
    expect(titleText('东山县城区供水改造项目绩效自评表')).toBe('东山县城区供水改造项目绩效自评表');
    expect(titleText('产粮大县奖励资金绩效自评表')).toBe('产粮大县奖励资金绩效自评表');
  });
});
