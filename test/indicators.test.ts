import { describe, expect, it } from 'vitest';
import { recordsFrom } from './helpers.js';

/** The header and the first rows of a 区级部门预算项目绩效自评表 (seed 000), rows as printed by the OCR. */
const FORM_000 = (rows: string[], total = '| 总分 | | | | | | 100 |') => [
  '## 区级部门预算项目绩效自评表', '(2021年度)', '填报单位：石家庄高新技术产业开发区行政服务局', '金额单位：万元', '',
  '| | | | | | | |', '|---|---|---|---|---|---|---|',
  '| 一、基本情况 | 项目名称 | 律师服务费 | 实施(主管)单位 | 石家庄高新技术产业开发区行政服务局 | | |',
  '| 二、预算执行情况 | 预算安排情况(调整后) | | 资金到位情况 | | 资金执行情况 | | 预算执行进度 |',
  '| | 预算数: 988.6 | 198.71 | 到位数: | 198.71 | 执行数: | 198.71 | | 100% |',
  '| | 其中: 财政资金 | 198.71 | 其中: 财政资金 | 198.71 | 其中: 财政资金 | 198.71 |',
  '| 四、年度绩效指标完成情况 | 一级指标 | 二级指标 | 三级指标 | 预期指标值 | 实际完成值 | 自评得分 |',
  ...rows, total,
].join('\n');

describe('indicator rows (real rows from seed 000)', () => {
  it('fills merged level cells down and reads the (N分) weight', () => {
    const [r] = recordsFrom(FORM_000([
      '| | 产出指标<br>(40分) | 数量指标 | 完成数量 | ≥80万页 | 87.5万页 | 10 |',
      '| | | | 数字化档案合格率 | ≥95% | 100% | 10 |',
    ]));
    expect(r!.indicators.map((i) => [i.level1, i.level1_weight, i.level2, i.name, i.score])).toEqual([
      ['产出指标', 40, '数量指标', '完成数量', 10], ['产出指标', 40, '数量指标', '数字化档案合格率', 10],
    ]);
    expect(r!.indicators[0]!.target).toEqual({ raw: '≥80万页', op: '>=', value: 80, unit: '万页' });
  });
  it('realigns a row shifted one column right (label printed in the name column)', () => {
    const [r] = recordsFrom(FORM_000(['| | 满意度指标(10分) | | 满意度指标 | 服务对象满意度 | | ≥95% | 100% | 10 |']));
    expect(r!.indicators[0]).toMatchObject({ level1: '满意度指标', level2: '满意度指标', name: '服务对象满意度', score: 10 });
    expect(r!.indicators[0]!.actual?.value).toBe(100);
  });
  it('gives an orphan label row to the row above it', () => {
    const [r] = recordsFrom(FORM_000([
      '| | 产出指标(40分) | 质量指标 | 方便企业, 项目尽快建成投产 | 推进企业项目尽快投产 | 已完成 | 10 |',
      '| | | | 完成项目评估后支付费用 | ≤2万元 | 0.6万元 | 10 |',
      '| | | 成本指标 | | | | |',
      '| | 预算执行率指标(10分) | 预算执行率 | 预算执行情况 | ≥95% | 100% | 10 |',
    ]));
    expect(r!.indicators.map((i) => i.level2)).toEqual(['质量指标', '成本指标', '预算执行率']);
  });
  it('moves a level-1 label printed one row early to the row it belongs to', () => {
    const [r] = recordsFrom(FORM_000([
      '| | 产出指标(40分) | 数量指标 | 人数数量 | 7名 | 7名 | 10 |',
      '| | 预算执行率指标(10分) | 成本指标 | 支付第三方外包服务费用 | ≤25.2万元 | 25.2万元 | 10 |',
      '| | | 预算执行率 | 预算执行情况 | ≥95% | 100% | 10 |',
    ]));
    expect(r!.indicators.map((i) => [i.level1, i.level2])).toEqual([
      ['产出指标', '数量指标'], ['产出指标', '成本指标'], ['预算执行率指标', '预算执行率'],
    ]);
  });
  it('reads 成本指标 in the level-1 column inside an 产出指标 group as the level-2 成本指标', () => {
    const [r] = recordsFrom(FORM_000([
      '| | 产出指标<br>(40分) | 数量指标 | 工程完成率 | 100% | 100% | 10 |',
      '| | 成本指标 | 工程单位建设成本 | ≤0.65万元 | 0.65万元 | 10 | |',
    ]));
    expect(r!.indicators[1]).toMatchObject({ level1: '产出指标', level2: '成本指标', name: '工程单位建设成本', score: 10 });
  });
  it('drops template placeholders and flags exact duplicate rows', () => {
    const [r] = recordsFrom(FORM_000([
      '| | 满意度指标(10分) | 服务对象满意度指标 | 群众满意度 | ≥85% | 100% | 4 |',
      '| | | | 指标 2: | | | |',
      '| | | | 群众满意度 | ≥85% | 100% | 4 |',
      '| | | | ..... | | | |',
    ], '| 总分 | | | | | | 4 |'));
    expect(r!.indicators).toHaveLength(1);
    expect(r!.issues.map((i) => i.kind)).toEqual(expect.arrayContaining(['duplicate_row', 'placeholder_dropped']));
  });
  it('reads the funds block: a stray number in a label cell, the fiscal row, the rate', () => {
    const [r] = recordsFrom(FORM_000(['| | 产出指标(40分) | 数量指标 | 评估数量 | ≥200次 | 77 | 4 |']));
    expect(r!.funds).toMatchObject({ adjusted_budget: 1987100, received: 1987100, executed: 1987100, execution_rate: 1 });
    expect(r!.funds.fiscal).toEqual({ initial_budget: null, adjusted_budget: 1987100, executed: 1987100 });
  });
  it('flags a printed total that does not add up', () => {
    const [r] = recordsFrom(FORM_000(['| | 产出指标(40分) | 数量指标 | 评估数量 | ≥200次 | 77 | 4 |'], '| 总分 | | | | | | 10 |'));
    expect(r!.issues).toContainEqual(expect.objectContaining({ field: 'total_score', kind: 'inconsistent' }));
    expect(r!.needs_review).toBe(true);
  });
});

/** A 项目支出绩效自评表 in the 年初预算数 … 得分 layout (seed 002), tab-separated. */
describe('funds table layout (seed 002)', () => {
  const form = [
    '## 政务大厅项目支出绩效自评表', '(2021 年度)',
    '项目名称\t\t审批局政务中心大厅运转费\t\t\t\t\t\t',
    '项目资金 (万元)\t\t年初预算数\t全年预 算数\t全年执行数\t分值\t执行率\t得分\t',
    '\t年度资金总额\t146.68\t146.68\t1192819.16 元\t10\t81.3\t9\t',
    '绩效 指标\t维护、维 修大厅公\t二级指标\t三级指标\t年度 指标值\t实际 完成值\t分值\t得分\t偏差原因分析及 改进措施',
    '\t产出指标 50 分\t数量指标\t政务大厅为群众、企 业线上线下免费邮寄\t21 万份\t21 万份\t12.5\t12.5\t',
    '\t时效指标\t采购时效完成率\t95%\t100%\t12.5\t12.5\t\t',
    '总分\t\t\t\t\t98 分\t\t\t',
  ].join('\n');
  it('converts an amount printed in 元 inside a 万元 form and reads a bare rate as percent', () => {
    const [r] = recordsFrom(form);
    expect(r!.amount_unit).toBe('万元');
    expect(r!.funds).toMatchObject({ initial_budget: 1466800, adjusted_budget: 1466800, executed: 1192819.16, weight: 10, execution_rate: 0.813, score: 9 });
    expect(r!.issues).toContainEqual(expect.objectContaining({ field: 'funds.executed', kind: 'unit_converted' }));
  });
  it('keeps the level-1 column when its header label is garbled, and realigns a row missing its leading cell', () => {
    const [r] = recordsFrom(form);
    expect(r!.indicators.map((i) => [i.level1, i.level1_weight, i.level2, i.name, i.weight, i.score])).toEqual([
      ['产出指标', 50, '数量指标', '政务大厅为群众、企业线上线下免费邮寄', 12.5, 12.5],
      ['产出指标', 50, '时效指标', '采购时效完成率', 12.5, 12.5],
    ]);
    expect(r!.total_score).toBe(98);
  });
});
