import { describe, expect, it } from 'vitest';
import { detectBlocks } from '../layout/detectTables.js';
import { segmentForms } from '../pipeline/segment.js';
import { parseTitle } from '../forms/titles.js';
import { recordsFrom } from './helpers.js';

describe('form segmentation', () => {
  it.each([
    ['## 区级部门预算项目绩效自评表', 'self_evaluation'],
    ['3、保障房易地建设评估费绩效目标表', 'performance_target'],
    ['## 2021年度行政审批局项目支出绩效自评情况汇总表', 'summary'],
    ['## 企业服务中心项目支出绩效自评表 (2021 年度)', 'self_evaluation'],
    ['高新区区直部门固定资产占用情况表', null],
    ['绩效目标：审批事项标准化', null],
  ])('%s → %s', (line, kind) => {
    expect(parseTitle(line)?.kind ?? null).toBe(kind);
  });
  it('takes the project name from a numbered heading when no 项目名称 cell is printed', () => {
    const [r] = recordsFrom(['3、保障房易地建设评估费绩效目标表', '绩效目标\t1、为低收入人群提供保障性住房', '一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据',
      '满意度指标\t服务对象满意度指标\t办事企业满意度\t建设项目单位的满意度\t≥99%\t计划标准'].join('\n'));
    expect(r).toMatchObject({ form_type: 'performance_target', project_name: '保障房易地建设评估费', goal_expected: '1、为低收入人群提供保障性住房' });
    expect(r!.indicators[0]).toMatchObject({ level2: '服务对象满意度指标', description: '建设项目单位的满意度', basis: '计划标准' });
  });
  it('keeps a table of contents and procurement lists as raw tables, not forms', () => {
    const { segments, otherTables } = segmentForms(detectBlocks(['| 1.跨省通办费绩效目标表..... | 6 |', '|---|---|', '| 2.开办费绩效目标表..... | 7 |', '', '部门政府采购预算', '项目名称\t预算资金\t采购物品名称', 'x\t1\ty']));
    expect(segments).toHaveLength(0);
    expect(otherTables.length).toBeGreaterThanOrEqual(1);
  });
  it('yields one summary record per row of a 汇总表', () => {
    const records = recordsFrom(['## 2021年度行政审批局项目支出绩效自评情况汇总表', '单位: 万元',
      '序号\t资金使用单位 (科室)名称\t项目名称\t资金\t自评得分\t自评等级\t联系人及电话',
      '1\t行政审批局\t政务中心运转费\t164.68\t95\t优\t钟华 2555513',
      '2\t行政审批局\t委托业务费\t130.6\t90\t优\t王浩宇 2555244'].join('\n'));
    expect(records.map((r) => [r.form_type, r.year, r.project_name, r.funds.adjusted_budget, r.total_score, r.grade, r.contact.phone])).toEqual([
      ['summary', 2021, '政务中心运转费', 1646800, 95, '优', '2555513'], ['summary', 2021, '委托业务费', 1306000, 90, '优', '2555244'],
    ]);
  });
});
