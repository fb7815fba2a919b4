/**
 * Two provincial templates whose funds blocks print what a grid prints elsewhere, and a level label
 * printed as both levels. Hubei's 项目自评表 captions its funds block with the block's points,
 * 预算执行情况(万元)(20分), and prints its filing unit on a line above the table (单位名称:… with
 * 填报日期:… on the same line); Sichuan's 项目支出绩效目标申报表 prints its funds as an outline of
 * subtotals under a 年度资金总额 with no amount. Every form here is invented.
 */
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

/** A Hubei 项目自评表 as a markdown table, its unit line above the table. */
const HUBEI_MARKDOWN = [
  '# 2024年度社区健康服务项目自评表',
  '',
  '单位名称:某区慢病防治站    填报日期:2025年 2月 20日',
  '',
  '| 项目名称 | 社区慢病随访服务 | | | | | |',
  '|---|---|---|---|---|---|---|',
  '| 主管部门 | 某区卫生健康局 | | 项目实施单位 | 某区社区卫生服务中心 | | |',
  '| 预算执行情况(万元)(20分) | | | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率) |',
  '| | 年度财政资金总额 | | 48 | 47.5 | 98.96% | 19.79 |',
  '| 年度绩效目标(80分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |',
  '| | 产出指标 | 数量指标 | 慢病患者随访人次 | 3000人次 | 3150人次 | 20 |',
  '| | | 质量指标 | 随访记录规范率 | 95% | 96% | 20 |',
  '| | 效益指标 | 社会效益指标 | 慢病控制率 | 60% | 63% | 20 |',
  '| | 满意度指标 | 服务对象满意度指标 | 患者满意度 | ≥90% | 94% | 20 |',
].join('\n');

/** The same template as a web page's text: one row per line, the caption's points wrapped under it. */
const HUBEI_TEXT = [
  '2023年度农业技术推广项目自评表',
  '',
  '单位名称:某县农业技术推广中心         填报日期:2024年 3 月 8日',
  '项目名称 基层农技推广补助',
  '主管部门 某县农业农村局 项目实施单位 某县农业技术推广中心',
  '预算执行情况(万元)',
  '(20分)',
  '  预算数(A) 执行数(B) 执行率(B/A) 得分',
  '(20分*执行率)',
  '年度财政资金总额 56 55.2 98.57% 19.71',
  '年度绩效目标(80分) 一级指标 二级指标 三级指标 年初目标值(A) 实际完成值(B) 得分',
  '产出指标 数量指标 培训基层农技人员 120人 126人 10',
  '建设示范基地 8个 8个 10',
  '质量指标 技术到位率 95% 97% 10',
  '效益指标 社会效益指标 农技服务覆盖率 90% 92% 10',
  '满意度指标 服务对象满意度指标 农户满意度 ≥90% 93% 10',
].join('\n');

/** A funds block whose 分值 column gives the weight: the caption's points are not read over it. */
const WEIGHT_COLUMN = [
  '# 2024年度河道保洁项目自评表',
  '',
  '| 项目名称 | 河道日常保洁 | | | | | |',
  '|---|---|---|---|---|---|---|',
  '| 预算执行情况(万元)(20分) | 预算数 | 执行数 | 分值 | 执行率 | 得分 | |',
  '| 年度资金总额 | 30 | 30 | 10 | 100% | 10 | |',
  '| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |',
  '| 产出指标 | 数量指标 | 保洁河道长度 | 12公里 | 12公里 | 90 | 90 |',
].join('\n');

/** Sichuan's 项目支出绩效目标申报表 as a web page's text: the funds an indented outline of subtotals. */
const SICHUAN_TEXT = [
  '项目支出绩效目标申报表',
  '(2024年度)',
  '项目名称 乡村道路养护补助',
  '预算单位 县交通运输局',
  '项目资金(万元) 年度资金总额 金额(万元)',
  '   (一)财政拨款小计 12.50',
  '       1、一般公共预算 12.50',
  '       2、政府性基金 0.00',
  '   (二)自有资金小计 0.00',
  '       1、事业收入 0.00',
  '   (三)其他收入 0.00',
  '',
  '总体',
  '目标',
  '年度目标',
  '完成全县农村公路日常养护任务,保障道路通畅',
  '绩效指标 一级指标 二级指标 三级指标 指标值(包含数字及文字描述)',
  '绩效指标 项目完成',
  '指标',
  '数量指标 养护农村公路里程 320公里',
  '质量指标 路面优良率 85%',
  '时效指标 完成时间 2024年12月',
  '项目效益',
  '指标',
  '社会效益',
  '指标',
  '群众出行条件改善 明显改善',
  '满意度指标 满意度指标 沿线群众满意度 ≥92%',
  '过往司机满意度 90%',
].join('\n');

/** The same outline as a table (a PDF's or a spreadsheet's): one subtotal per row, the amounts in the last column. */
const SICHUAN_MARKDOWN = [
  '# 项目支出绩效目标申报表(2025年度)',
  '',
  '| 项目名称 | 老年助餐补贴 | | |',
  '|---|---|---|---|',
  '| 预算单位 | 某区民政局 | | |',
  '| 项目资金(万元) | 年度资金总额 | | 金额(万元) |',
  '| | (一)财政拨款小计 | | 24.80 |',
  '| | 1、一般公共预算 | | 20.00 |',
  '| | 2、政府性基金 | | 4.80 |',
  '| | (二)自有资金小计 | | 0.00 |',
  '| | (三)其他收入 | | 0.00 |',
  '| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |',
  '| | 产出指标 | 数量指标 | 助餐老人人数 | 800人 |',
  '| | 满意度指标 | 满意度指标 | 老人满意度 | ≥90% |',
].join('\n');

describe('a funds block captioned with its points (Hubei 项目自评表)', () => {
  it('reads the caption\'s points as the block\'s weight where no 分值 column gives one (a 分值 column wins), and says so', async () => {
    for (const [name, form] of [['hubei.md', HUBEI_MARKDOWN], ['hubei.txt', HUBEI_TEXT]] as const) {
      const doc = await processDocument(name, text(form), { ocr: false });
      const funds = doc.records[0]!.funds;
      expect(funds.weight, name).toBe(20);
      expect(funds.score, name).toBeLessThanOrEqual(20);
      const weight = doc.provenance.find((p) => p.field === 'funds.weight');
      expect(weight?.repairs.map((r) => r.rule), name).toContain('funds_weight_from_caption');
    }
    // a printed 分值 column's weight stands over the caption's points
    const doc = await processDocument('column.md', text(WEIGHT_COLUMN), { ocr: false });
    expect(doc.records[0]!.funds.weight).toBe(10);
  });

  it('keeps the points with the caption where a dump ran the caption into the columns after it', async () => {
    const dump = '2022年度财政项目绩效自评表单位名称:某县疾病预防控制中心填报日期:2023年3月2日项目名称疫苗冷链运维主管部门某县卫生健康局'
      + '项目实施单位某县疾病预防控制中心预算执行情况 (万元) (20 分)预算数(A)执行数(B)执行率(B/A)得分(20分*执行率)年度财政资金总额'
      + '一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分产出指标数量指标冷链设备巡检次数12次12次10质量指标疫苗储存温度达标率100%100%10'
      + '效益指标社会效益指标疫苗接种安全事故0起0起10';
    const doc = await processDocument('dump.txt', text(dump), { ocr: false });
    expect(doc.records[0]!.funds.weight).toBe(20);
  });

  it('reads the unit line above the table (单位名称:… 填报日期:…) as the filing unit', async () => {
    const doc = await processDocument('hubei.md', text(HUBEI_MARKDOWN), { ocr: false });
    expect(doc.records[0]!.filing_unit).toBe('某区慢病防治站');
    expect(doc.records[0]!.implementing_unit).toBe('某区社区卫生服务中心');
  });
});

describe('a funds outline of subtotals (Sichuan 项目支出绩效目标申报表)', () => {
  it('reads (一)财政拨款小计 as the fiscal row and sums nothing into the empty 年度资金总额', async () => {
    for (const [name, form, fiscal] of [['sichuan.txt', SICHUAN_TEXT, 125000], ['sichuan.md', SICHUAN_MARKDOWN, 248000]] as const) {
      const doc = await processDocument(name, text(form), { ocr: false });
      const funds = doc.records[0]!.funds;
      expect(funds.fiscal.adjusted_budget, name).toBe(fiscal);
      expect(funds.adjusted_budget, name).toBeNull();
    }
  });
});

describe('a level label printed as both levels', () => {
  it('keeps 满意度指标 | 满意度指标 as level-1 and level-2 for every row of the group', async () => {
    const doc = await processDocument('sichuan.txt', text(SICHUAN_TEXT), { ocr: false });
    const rows = doc.records[0]!.indicators.filter((r) => r.level1 === '满意度指标');
    expect(rows.map((r) => r.name)).toEqual(['沿线群众满意度', '过往司机满意度']);
    for (const row of rows) expect(row.level2).toBe('满意度指标');
  });

  it('still reads a level-2 printed twice after its level-1 as one level-2 (parallel 长期 | 年度 columns)', async () => {
    const form = [
      '项目支出绩效目标表(2024年度)',
      '项目名称 城区照明维护',
      '一级指标 二级指标(长期) 三级指标(长期) 指标值(长期) 二级指标(年度) 三级指标(年度) 指标值(年度)',
      '产出指标 数量指标 数量指标 维护路灯数量 1200盏',
      '产出指标 成本指标 成本指标 单盏维护成本 不超过预算',
      '满意度指标 满意度指标 满意度指标 市民满意度 90%',
    ].join('\n');
    const doc = await processDocument('parallel.txt', text(form), { ocr: false });
    const rows = doc.records[0]!.indicators;
    expect(rows.find((r) => r.name === '单盏维护成本')).toMatchObject({ level1: '产出指标', level2: '成本指标' });
    expect(rows.find((r) => r.name === '市民满意度')).toMatchObject({ level1: '满意度指标', level2: '满意度指标' });
  });
});

describe('goal texts followed by the next part of an outline', () => {
  it('stop at the next part\'s numbered heading once each goal column has its text', async () => {
    const form = [
      '| 某县项目支出绩效自评表(2024年度) | | | |',
      '|---|---|---|---|',
      '| 项目名称 | 农村饮水安全巡查 | | |',
      '| 主管部门 | 某县水利局 | 实施单位 | 某县供水服务站 |',
      '| 预期目标 | 实际完成情况 | | |',
      '| 完成全县42处供水点的水质巡查,问题当月整改。 | 巡查42处供水点,发现问题7个,均已整改。 | 3、资金使用情况 | 按月支付巡查人员劳务费,年底结清。 |',
      '| 一级指标 | 二级指标 | 三级指标 | 年度指标值 |',
      '| 产出指标 | 数量指标 | 巡查供水点 | 42处 |',
    ].join('\n');
    const record = (await processDocument('goals.md', text(form), { ocr: false })).records[0]!;
    expect(record.goal_expected).toBe('完成全县42处供水点的水质巡查,问题当月整改。');
    expect(record.goal_actual).toBe('巡查42处供水点,发现问题7个,均已整改。');
  });
});
