/**
 * Flattened text: the token-stream reader on small real rows (glued values, numbers run together,
 * row boundaries), and every flattened sample against the expected records of its tabular original.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandFundsRow, splitNumberRun } from '../layout/flattened/numbers.js';
import { indicatorRows } from '../layout/flattened/rows.js';
import { splitGlued, tokensOf } from '../layout/flattened/tokens.js';
import { processDocument } from '../pipeline/process.js';
import { compareRecords } from './compare.js';
import { readExpected, updateExpected } from './golden.js';

const DIR = join(import.meta.dirname, '..', 'samples', 'flattened');

describe('values run together', () => {
  it('splits values printed without a separator (the issue\'s examples)', () => {
    expect(splitGlued('10≥266米≥266米10')).toEqual(['10', '≥266米', '≥266米', '10']);
    expect(splitGlued('≥95%100%10')).toEqual(['≥95%', '100%', '10']);
    expect(splitGlued('87.5万页10')).toEqual(['87.5万页', '10']);
  });
  it('leaves text that starts with a number alone', () => {
    expect(splitGlued('2020年高新区市场主体增量约1150户')).toEqual(['2020年高新区市场主体增量约1150户']);
    expect(splitGlued('≥80万页')).toEqual(['≥80万页']);
  });
  it('cuts a run of digits where the funds row then adds up: "202010100.00%10" = 20 | 20 | 10 | 100.00% | 10', () => {
    expect(expandFundsRow(['全年预算数', '全年执行数', '分值', '执行率', '得分'], splitGlued('202010100.00%10'))).toEqual(['20', '20', '10', '100.00%', '10']);
    expect(splitNumberRun('1010', 2)).toContainEqual(['10', '10']);
  });
  it('keeps a run it cannot cut unambiguously as printed', () => {
    expect(expandFundsRow(['全年预算数', '全年执行数', '执行率'], ['1111'])).toEqual(['1111']);
  });
});

describe('tokens and rows', () => {
  it('keeps cells together that a single-space dump splits', () => {
    const tokens = tokensOf(['产出指标 (40分) 数量指标 建设 面积 ≥ 12 处 12处 10 10 其中: 财政资金 34.56 1. 提高效率, 优化服务 2. 提升水平']);
    expect(tokens).toEqual(['产出指标(40分)', '数量指标', '建设', '面积', '≥12处', '12处', '10', '10', '其中: 财政资金', '34.56', '1. 提高效率, 优化服务\n2. 提升水平']);
  });
  it('finds row boundaries from level names, the announced columns and the score at the end of each row', () => {
    const header = ['level1', 'level2', 'name', 'target', 'actual', 'score'] as const;
    const tokens = ['产出指标(40分)', '数量指标', '完成数量', '≥80万页', '87.5万页', '10', '数字化档案合格率', '≥95%', '100%', '10',
      '质量指标', '档案扫描完成率', '≥95%', '100%', '10', '满意度指标(10分)', '满意度指标', '服务对象满意度', '≥90%', '100%', '10'];
    const { rows, cut } = indicatorRows(tokens, [...header]);
    expect({ rows, cut }).toEqual({
      rows: [
        ['产出指标(40分)', '数量指标', '完成数量', '≥80万页', '87.5万页', '10'],
        ['', '', '数字化档案合格率', '≥95%', '100%', '10'],
        ['', '质量指标', '档案扫描完成率', '≥95%', '100%', '10'],
        ['满意度指标(10分)', '满意度指标', '服务对象满意度', '≥90%', '100%', '10'],
      ],
      cut: null,
    });
  });
  it('reports a row the file cuts off instead of inventing it', () => {
    const result = indicatorRows(['产出指标', '数量指标', '完成数量', '≥80万页', '87.5万页', '10', '效益指标', '社会效益指标'], ['level1', 'level2', 'name', 'target', 'actual', 'score']);
    expect(result.rows).toHaveLength(1);
    expect(result.cut).toEqual(['效益指标', '社会效益指标']);
  });
});

describe.each(readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort())('flattened sample %s', (name) => {
  it('matches the tabular original\'s expected records on at least 95% of fields', async () => {
    const doc = await processDocument(name, readFileSync(join(DIR, name)));
    updateExpected(join(DIR, name), doc.records);
    const expected = readExpected(join(DIR, name));
    const score = compareRecords(expected, doc.records);
    if (score.mismatches.length > 0) console.log(`${name}:\n${score.mismatches.slice(0, 10).join('\n')}`);
    expect(score.precision).toBeGreaterThanOrEqual(0.95);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    expect(doc.issues.some((i) => /table structure was lost/.test(i.message))).toBe(true);
  });
});

it('the noisy sample reports the form cut off at its end', async () => {
  const doc = await processDocument('noisy.txt', readFileSync(join(DIR, 'noisy.txt')));
  expect(doc.status).toBe('partial');
  expect(doc.records).toHaveLength(1);
  expect(doc.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual([expect.stringMatching(/ends before its first complete indicator row/)]);
});
