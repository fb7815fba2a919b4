/**
 * Forms that declare no money unit but print it with every amount (资金总额 | 350万元): the unit the
 * form printed is the one its amounts carry. The forms here are invented.
 */
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

const form = (total: string, fiscal: string): string => [
  '项目支出绩效目标表', '', '| 项目名称 | 村级道路硬化 |', '| --- | --- |', '| 主管部门 | 某镇人民政府 |',
  `| 年度资金总额 | ${total} |`, `| 其中:财政拨款 | ${fiscal} |`, '',
  '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| --- | --- | --- | --- |',
  '| 产出指标 | 数量指标 | 硬化道路长度 | ≥3公里 |',
].join('\n');

describe('the money unit printed with the amounts', () => {
  it('is the form\'s amount unit when no unit is declared', async () => {
    const doc = await processDocument('units.md', text(form('350万元', '300万元')), { ocr: false });
    const record = doc.records[0]!;
    expect(record.funds.adjusted_budget).toBe(3500000);
    expect(record.amount_unit).toBe('万元');
    // amounts in two units name none
    const mixed = await processDocument('units.md', text(form('350万元', '3000000元')), { ocr: false });
    expect(mixed.records[0]!.amount_unit).toBeNull();
  });
});
