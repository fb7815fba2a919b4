/**
 * A PDF's text prints a tall merged cell's label midway down its rows: the first rows of a form's
 * 数量指标 block come before 绩 效 指 标 / 产 出 指 标 / 数量指标. The form here is invented.
 */
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

const FORM = [
  '农村养老服务补助资金区域绩效目标表',
  '专项名称 农村养老服务补助资金 主管部门 某省民政厅 资金额度 860 万',
  '一级 指标 二级指标 三级指标 指标值',
  '居家养老服务人数 1200人 助餐点个数 35个 绩 效 指 标 产 出 指 标 数量指标 新建日间照料中心数 6个 质量指标 服务对象回访合格率 95% 效益指标 社会效益指标 困难老人服务覆盖率 90%',
].join('\n');

describe('rows printed before their block\'s label', () => {
  it('belong to the 数量指标 block they run into, and the caption among them names no level', async () => {
    const doc = await processDocument('region.txt', text(FORM), { ocr: false });
    const rows = doc.records[0]!.indicators;
    for (const name of ['居家养老服务人数', '助餐点个数', '新建日间照料中心数']) {
      const row = rows.find((r) => r.name === name);
      expect(row?.level1).toBe('产出指标');
      expect(row?.level2).toBe('数量指标');
    }
    expect(rows.find((r) => r.name === '服务对象回访合格率')?.level2).toBe('质量指标');
  });
});
