/**
 * Scoring rubrics whose title and column header were lost and whose PDF text came out in
 * content-stream order (each row's numbers after its label, a group's points before its caption,
 * captions run into the first row's name, page numbers among the numbers): found by their shape.
 * Every form here is of our own writing.
 */
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

const rowsOf = (indicators: ReadonlyArray<{ level1: string | null; level1_weight: number | null; name: string | null; weight: number | null; score: number | null }>) =>
  indicators.map((r) => [r.level1, r.level1_weight, r.name, r.weight, r.score]);

describe('a rubric that kept neither its title nor its header', () => {
  // two numbers a row (分值 得分), a merged cell's numbers one per row, a page number after a row,
  // a group of groups (项目成效) the vocabulary does not name, then the report's prose and a titled form
  const lines = [
    '发布日期: 2021-03-02 | 来源: 某县财政局 |',
    '25 分)项目决策(15 分)项目立项立项依据充分性',
    '8 8 立项程序规范性',
    '7 6 (',
    '10 ) 绩效目标目标合理性',
    '10 9',
    '3 (',
    '35 分)项目过程(20 分)资金投入预算执行率',
    '12 11 资金到位率',
    '8 8 (',
    '15 分)组织实施制度执行有效性',
    '15 13 ( 个性指标40 分)项目成效(25 ) 项目产出实际完成率',
    '15 15 完成及时性',
    '10 9 (',
    '15 分)项目效益经济效益(选填)',
    '10 生态效益(选填)',
    '9 受益群众满意度',
    '5 5 总分 二、自评结论. 按照要求,本单位对',
    '2021 年项目开展自评,自评得分 92 分,存在问题:资金拨付偏慢.',
    '2021 年部门整体支出绩效评价得分表 一级指 标 二级指标 三级指标 得分 部门决 策(20 分) 目标设定(10 分) 依据充分性(5 分)',
    '4 目标明确性(5 分)', '5 综合管 理(30 分) 资金管理(10 分) 资金使用合规性(10 分)', '9 部门负责人签字',
  ];

  it('is read as a project rubric: its rows, their levels and numbers, flagged for review', async () => {
    const doc = await processDocument('rubric.txt', text(lines.join('\n')), { ocr: false });
    expect(doc.records).toHaveLength(2);
    const [first, second] = doc.records;
    expect(first).toMatchObject({ title: null, scope: 'project', form_type: 'self_evaluation', needs_review: true });
    expect(rowsOf(first!.indicators)).toEqual([
      ['决策指标', 25, '立项依据充分性', 8, 8], ['决策指标', 25, '立项程序规范性', 7, 6], ['决策指标', 25, '目标合理性', 10, 9],
      ['过程指标', 35, '预算执行率', 12, 11], ['过程指标', 35, '资金到位率', 8, 8], ['过程指标', 35, '制度执行有效性', 15, 13],
      ['产出指标', 40, '实际完成率', 15, 15], ['产出指标', 40, '完成及时性', 10, 9],
      ['效益指标', 40, '经济效益(选填)', 10, 9], ['效益指标', 40, '生态效益(选填)', null, null], ['效益指标', 40, '受益群众满意度', 5, 5],
    ]);
    // each row's printed second-level group, also where the group names the row's first level (项目产出)
    expect(first!.indicators.map((i) => i.level2)).toEqual(['项目立项', '项目立项', '绩效目标', '资金投入', '资金投入', '组织实施', '项目产出', '项目产出', '项目效益', '项目效益', '项目效益']);
    expect(first!.issues.map((i) => i.kind)).toContain('rubric_read_by_shape');
    const weight = doc.provenance.find((p) => p.form_index === 0 && p.field === 'indicators[3].weight');
    expect(weight?.confidence).toBeLessThan(0.9);
    // the report's prose between the forms is a row of neither
    expect(second?.title).toBe('部门整体支出绩效评价得分表');
    expect(rowsOf(second!.indicators).map((r) => r[2])).toEqual(['依据充分性', '目标明确性', '资金使用合规性']);
    expect(doc.records.flatMap((r) => r.indicators.map((x) => x.name ?? '')).some((n) => /自评|问题|按照/.test(n))).toBe(false);
  });

  it('is read alone in a file, with one number a row (its score) and a page number on a line of its own', async () => {
    const alone = [
      '(30 分)项目决策(18 分)项目立项立项依据',
      '9 立项程序',
      '8 (',
      '12 分)绩效目标目标明确性',
      '11',
      '7',
      '(70 分)项目管理(40 分)资金管理资金到位',
      '19 资金使用',
      '18 (',
      '30 分)组织实施管理制度',
      '28',
      '合计',
    ];
    const doc = await processDocument('scores.txt', text(alone.join('\n')), { ocr: false });
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]).toMatchObject({ title: null, scope: 'project', form_type: 'self_evaluation', needs_review: true });
    expect(rowsOf(doc.records[0]!.indicators)).toEqual([
      ['决策指标', 30, '立项依据', null, 9], ['决策指标', 30, '立项程序', null, 8], ['决策指标', 30, '目标明确性', null, 11],
      ['过程指标', 70, '资金到位', null, 19], ['过程指标', 70, '资金使用', null, 18], ['过程指标', 70, '管理制度', null, 28],
    ]);
    // the same shape whose groups' points disagree with their rows (scores 9 + 8 above a group's 15 points, 15 + 12 not its 30) is no rubric that can be read
    const wrong = alone.map((line) => line.replace('(18 分)', '(15 分)').replace('(40 分)', '(35 分)'));
    expect((await processDocument('wrong.txt', text(wrong.join('\n')), { ocr: false })).records).toHaveLength(0);
  });
});
