/**
 * Hebei's 绩效评价指标表 (评价指标 | 评价内容 | 指标名称 | 指标说明 | 目标值 | 分值 | 备注) copied as text
 * that lost its separators: the 指标说明 (达到目标值, 达到预计值) runs onto the name, a bare target and
 * its weight onto the phrase. The form here is invented.
 */
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

const FORM = [
  '2023年度某县农民技能培训项目绩效评价指标表',
  '',
  '评价指标评价内容指标名称指标说明目标值分值备注',
  '产出数量指标培训学员人数达到预计值35010',
  '培训经费支付率达到目标值98%15',
  '质量指标学员结业合格率达到目标值90%以上20',
  '时效指标培训按期完成率达到目标值100%25',
  '成本指标人均培训成本达标率100%30',
  '总分',
  '',
  '100',
].join('\n');

describe('a 指标说明 run onto the name', () => {
  it('is cut off as the description, the fused target and weight apart', async () => {
    const doc = await processDocument('hebei.txt', text(FORM), { ocr: false });
    const rows = doc.records[0]!.indicators;
    const trainees = rows.find((r) => r.name === '培训学员人数');
    expect(trainees?.description).toBe('达到预计值');
    expect(trainees?.target?.value).toBe(350);
    expect(trainees?.weight).toBe(10);
    const paid = rows.find((r) => r.name === '培训经费支付率');
    expect(paid?.description).toBe('达到目标值');
    expect(paid?.target?.raw).toBe('98%');
    expect(paid?.weight).toBe(15);
    expect(paid?.level2).toBe('数量指标');
  });
});
