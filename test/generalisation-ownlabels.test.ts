/**
 * Forms whose templates word a level or a funds column their own way: a level-2 label of the
 * template's own (…控制指标) in a pipe table, and the funds block of the 510000 self-evaluation
 * template (年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分, rows 总额 / 其中:财政资金).
 * Every form here is invented.
 */
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('a level-2 label in the template\'s own wording', () => {
  it('reads the row under it with its name and target in their columns', async () => {
    // a 批复表 copied from a web page: header cells wrapped over lines, two column groups side by
    // side (the multi-year plan, then the year's), a level-2 label of the template's own (…控制指标)
    const txt = [
      '某市财政项目支出绩效目标批复表 | |||||||||',
      '( 2024 年度) | |||||||||',
      '预算单位:某市某局 | |||||||||',
      '项目 名称 |',
      '乡村公路养护 | 中期市财政预算(万元) | 1200.00 | 本年度申请市财政预算资金(万元) | 400.00 | ||||',
      '绩效指标 | 一级 指标 |',
      '二级 指标 |',
      '三级 指标 |',
      '指标值(或计划水平) | 二级 指标 |',
      '三级 指标 |',
      '计划指标值(或计划水平) | ||',
      '预期产出指标 | 数量指标(或建筑规模指标) | 养护公路里程 | 45公里 | 数量指标(或建筑规模指标) | 养护公路里程 | 45公里 | |||',
      '质量指标 | 路面完好率 | ≥95% | 质量指标 | 路面完好率 | ≥95% | ||||',
      '时效指标(工期指标) | 养护完成时间 | 11月底前 | 时效指标(工期指标) | 养护完成时间 | 11月底前 | ||||',
      '服务(或保障规模)控制指标 | 年度支出进度 | ≥85% | 服务(或保障规模)控制指标 | 年度支出进度 | ≥85% | ||||',
      '效果指标 | 社会效益指标 | 群众出行满意度 | ≥92% | 社会效益指标 | 群众出行满意度 | ≥92% | |||',
    ].join('\n');
    const doc = await processDocument('approval.txt', text(txt), { ocr: false });
    const rows = doc.records[0]!.indicators.filter((i) => i.target?.raw === '≥85%');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.name).toBe('年度支出进度');
      expect(row.level1).toBe('产出指标');
      // the time-limit group above does not run on into it
      expect(row.level2).toBeNull();
    }
  });
});

describe('the funds block of the 510000 self-evaluation template', () => {
  it('reads 总额 and 其中:财政资金 under 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分', async () => {
    // as a web page's table comes out of a copy: cells apart by pipes, each row padded to the table's width
    const row = (...cells: string[]): string => [...cells, ...Array<string>(11 - cells.length).fill('')].join(' | ');
    const md = [
      row('项目支出绩效自评表(2024年度)'),
      row('项目名称', '乡村广播设备更新'),
      row('主管部门', '某县某局', '实施单位', '某县某中心'),
      row('预算执行情况(10分)', '年度预算数(万元)', '年初预算', '调整后预算数', '预算执行数', '预算执行率', '权重', '得分', '原因'),
      row('总额', '4.00', '6.20', '6.20', '100.00%', '10', '10', '年中追加了设备款'),
      row('其中:财政资金', '4.00', '6.20', '6.20', '100.00%', '/', '/'),
      row('单位资金', '0.00', '0.00', '0.00', '0.00%', '/', '/'),
      row('绩效指标(90分)', '一级指标', '二级指标', '三级指标', '指标性质', '指标值', '度量单位', '完成值', '权重', '得分', '未完成原因分析'),
      row('产出指标', '数量指标', '更新广播设备套数', '=', '8', '套', '8', '90', '90'),
    ].join('\n');
    const doc = await processDocument('sichuan.txt', text(md), { ocr: false });
    const funds = doc.records[0]!.funds;
    expect(funds.initial_budget).toBe(40000);
    expect(funds.adjusted_budget).toBe(62000);
    expect(funds.executed).toBe(62000);
    expect(funds.weight).toBe(10);
    expect(funds.score).toBe(10);
    expect(funds.fiscal?.executed).toBe(62000);
  });
});
