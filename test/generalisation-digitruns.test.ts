/**
 * Indicator rows whose numbers a dump printed together ("name unit digits"), under a header that
 * prints 计量单位 | 指标性质 | 指标值 | 指标权重 | 全年完成值 | 指标得分: cut where the form's
 * arithmetic holds, never guessed. Forms of our own writing, of the shape such dumps take.
 */
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

/**
 * A department form on one line: its funds amounts lost their leading digits in the dump, its
 * 执行率 | 权重 | 得分 tail (84.6% of 10 is 8.46) and every indicator row's numbers run together.
 */
const form = (totalScore: string | null): string => [
  '某县水务局2024年度部门整体绩效自评表主管部门某县水务局部门联系人赵六联系电话',
  totalScore === null ? '' : `自评总分(分)${totalScore}`,
  '年初预算数全年(调整)预算数全年执行数执行率执行率权重执行率得分年度总金额.41.07.3其中财政拨款.41.07.384.6108.46',
  '绩效指标指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明',
  '供水管网修复完成率%951010010新建护岸长度公里1210910灌区改造面积万亩3.5103.610农村水质达标率%981099.510',
].join('');

describe('indicator rows whose numbers were printed together', () => {
  it('cuts each run into 指标值 | 权重 | 完成值 | 得分 where the form\'s points leave one cut, flagged as inferred', async () => {
    // 98.46 − 8.46 = 90 = 100 − 10: the indicators lost no points, so every score is its weight
    const doc = await processDocument('dept.txt', text(form('98.46')), { ocr: false });
    const record = doc.records[0]!;
    expect(record.funds).toMatchObject({ execution_rate: 0.846, weight: 10, score: 8.46 });
    expect(record.indicators.map((x) => [x.name, x.target?.raw, x.weight, x.actual?.raw, x.score])).toEqual([
      ['供水管网修复完成率', '95%', 10, '100%', 10],
      ['新建护岸长度', '12公里', 10, '9公里', 10],
      ['灌区改造面积', '3.5万亩', 10, '3.6万亩', 10],
      ['农村水质达标率', '98%', 10, '99.5%', 10],
    ]);
    const weight = doc.provenance.find((p) => p.field === 'indicators[1].weight')!;
    expect(weight.repairs.map((r) => r.rule)).toContain('digit_run_cut_by_arithmetic');
    expect(weight.confidence).toBeLessThan(0.9);
    expect(doc.provenance.find((p) => p.field === 'funds.score')!.confidence).toBeLessThan(0.9);
    expect(record.needs_review).toBe(true);
    expect(record.issues.map((i) => i.kind)).toContain('numbers_cut_by_arithmetic');
    expect(doc.issues.map((i) => i.message).join('\n')).toMatch(/cut into the header's columns by arithmetic/);
  });

  it('leaves a run unread and says so when more than one cut adds up', async () => {
    // without the total, "1210910" is 12 | 10 | 9 | 10 or 12 | 10 | 91 | 0: nothing picks one
    const doc = await processDocument('dept.txt', text(form(null)), { ocr: false });
    const record = doc.records[0]!;
    // (the first run has one cut only: 95 | 10 | 1001 | 0 would put 1001% under a % column)
    expect(record.indicators.map((x) => [x.name, x.target?.raw ?? null, x.weight, x.score])).toEqual([
      ['供水管网修复完成率', '95%', 10, 10],
      ['新建护岸长度', null, null, null],
      ['灌区改造面积', null, null, null],
      ['农村水质达标率', null, null, null],
    ]);
    expect(record.needs_review).toBe(true);
    expect(doc.issues.map((i) => i.message).join('\n')).toMatch(/no single cut into the header's columns adds up; their numbers were not read/);
  });
});

/** An OCR'd weight-first form (分值 | 年度指标值 | 全年实际值 | 得分) run together on one line. */
const weightFirst = (secondWeight: string): string => [
  '校舍维修项目绩效目标自评表(2023年度)项目总得分96分项目名称校舍维修项目实施单位某县教育局',
  '绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施',
  `产出指标(30分)数量指标指标1维修校舍间数612间12间6指标2更换门窗数量${secondWeight}300套300套${secondWeight}指标3硬化操场面积2400平方米`,
  '2520平方米时效指标指标1按期完工率690%^95%6成本指标指标1单位维修成本节约率63%4%6',
].join('\n');

describe('a weight run onto the target in a weight-first template', () => {
  it('is cut off with the weight every other row prints, the cells flagged as cut; with no one weight it stays as printed', async () => {
    const doc = await processDocument('scan.txt', text(weightFirst('6')), { ocr: false });
    const record = doc.records[0]!;
    const byName = (name: string) => record.indicators.find((x) => x.name === name);
    expect([byName('按期完工率')?.weight, byName('按期完工率')?.target?.raw, byName('按期完工率')?.actual?.raw, byName('按期完工率')?.score]).toEqual([6, '90%', '^95%', 6]);
    expect([byName('单位维修成本节约率')?.weight, byName('单位维修成本节约率')?.target?.value, byName('单位维修成本节约率')?.actual?.value]).toEqual([6, 3, 4]);
    const index = record.indicators.findIndex((x) => x.name === '单位维修成本节约率');
    const target = doc.provenance.find((p) => p.field === `indicators[${index}].target`)!;
    expect(target.repairs.map((r) => r.rule)).toContain('digit_run_cut_by_arithmetic');
    expect(target.confidence).toBeLessThan(0.9);
    // a row that prints no weight: its target cut off the name, the actual after it in the same unit
    const ground = byName('硬化操场面积');
    expect([ground?.target?.raw, ground?.actual?.raw, ground?.weight]).toEqual(['2400平方米', '2520平方米', null]);
    expect(record.needs_review).toBe(true);
    expect(record.issues.map((i) => i.kind)).toContain('numbers_cut_by_arithmetic');
    // where the other rows print 6 and 4 points, nothing says which digits of "63%4%6" are the weight
    const mixed = await processDocument('scan.txt', text(weightFirst('4')), { ocr: false });
    // … so it is not cut: the last row, it is taken for one the file ends inside, and said so by name
    expect(mixed.records[0]!.indicators.map((x) => x.name)).not.toContain('单位维修成本节约率');
    expect(mixed.issues.filter((i) => i.severity === 'error').map((i) => i.message).join('\n')).toMatch(/ends inside an indicator row \("成本指标 指标1单位维修成本节约率63%4%6"\)/);
    expect(mixed.records[0]!.needs_review).toBe(true);
  });
});
