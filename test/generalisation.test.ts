/**
 * The rules that read forms nobody here made, each on a small form of our own writing (the
 * real-world corpus itself is scored in realworld.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { normaliseScript } from '../forms/chineseScript.js';
import { expandFundsRow } from '../layout/flattened/numbers.js';
import {
  joinLetterSpaced, splitComparedRows, splitLeadingLabels, splitRepeatedValue, splitRowNumbers, splitRunTogether, splitTrailingValue,
} from '../layout/flattened/tokens.js';
import { matchIndicatorColumn, matchLevel1, matchLevel2 } from '../forms/vocabulary.js';
import { processDocument } from '../pipeline/process.js';
import { listHeaderOf, splitProjects } from '../forms/projectList.js';
import { parseTitle, titleText } from '../forms/titles.js';
import { parseValue } from '../forms/values.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('form titles by family', () => {
  it('recognises every kin of the two forms, the kind from the word nearest the end', () => {
    expect(parseTitle('某县环卫处2023年某服务项目支出绩效目标申报表')?.kind).toBe('performance_target');
    expect(parseTitle('市级预算部门(单位)项目支出绩效目标批复表')?.kind).toBe('performance_target');
    expect(parseTitle('专项资金绩效目标自评表')?.kind).toBe('self_evaluation');
    expect(parseTitle('部门整体支出绩效评价得分表')?.kind).toBe('self_evaluation');
    expect(parseTitle('营养改善计划项目绩效评价指标表')?.kind).toBe('performance_target');
    expect(parseTitle('“好差评”系统建设经费绩效目标表')?.kind).toBe('performance_target');
    expect(parseTitle('2022年一般公共预算支出表')).toBeNull();
    expect(parseTitle('详见附件绩效目标表。请各单位于月底前报送。')).toBeNull();
  });

  it('a title may name its fund in brackets; an attachment list of such titles is no heading of the form', async () => {
    expect(parseTitle('绩效目标表(本级资金)')?.kind).toBe('performance_target');
    const doc = await processDocument('notice.md', text(['附件:1.绩效目标表(本级资金)', '', '2.绩效目标表(政府性基金)', '',
      '绩效目标表(本级资金)', '', '| 项目名称 | 道路养护 |', '| --- | --- |', '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
      '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 |'].join('\n')), { ocr: false });
    expect(doc.records.map((r) => r.title)).toEqual(['绩效目标表(本级资金)']);
  });

  it('keys the title without its leading year', () => {
    expect(titleText('2020年度县级专项资金绩效目标自评表')).toBe('县级专项资金绩效目标自评表');
    expect(titleText('附件2：部门整体支出绩效目标申报表')).toBe('部门整体支出绩效目标申报表');
  });

  it('keys the title without the issuing place, but keeps a project named after a place', () => {
    expect(titleText('某省某市市级预算部门(单位)项目支出绩效目标申报表')).toBe('市级预算部门(单位)项目支出绩效目标申报表');
    expect(titleText('某某县项目支出绩效自评表')).toBe('项目支出绩效自评表');
    expect(titleText('老旧小区改造项目绩效自评表')).toBe('老旧小区改造项目绩效自评表');
    expect(titleText('城区道路养护项目绩效目标表')).toBe('城区道路养护项目绩效目标表');
  });
});

describe('text as mirrors republish it', () => {
  it('brings traditional characters with pinyin glosses back to simplified', () => {
    const { text: out, note } = normaliseScript('項(xiàng)目(mù)支出績(jī)效自評表 預算執行率 滿意度指標 資金使用單位');
    expect(out).toBe('项目支出绩效自评表 预算执行率 满意度指标 资金使用单位');
    expect(note).toMatch(/traditional/);
  });

  it('leaves a simplified text alone', () => {
    expect(normaliseScript('项目支出绩效自评表 产出指标').note).toBeNull();
  });
});

describe('cells run together', () => {
  it('cuts a dump at the names of the form', () => {
    expect(splitRunTogether('项目名称乡村道路养护主管部门某镇人民政府实施单位某镇农业服务中心'))
      .toEqual(['项目名称', '乡村道路养护', '主管部门', '某镇人民政府', '实施单位', '某镇农业服务中心']);
    expect(splitRunTogether('说明:以下为扫描件识别文字,或有错漏之处一级指标')).toEqual(['说明:以下为扫描件识别文字,或有错漏之处', '一级指标']);
  });

  it('cuts a title off the front of a run, never a title inside a sentence', () => {
    expect(splitRunTogether('1、某县林业局2023年度部门整体绩效自评表主管部门某县林业局部门联系人王明联系电话12345678').slice(0, 3))
      .toEqual(['1、某县林业局2023年度部门整体绩效自评表', '主管部门', '某县林业局']);
    expect(splitRunTogether('详见附件绩效目标表。请各单位于月底前报送项目名称主管部门')).not.toContain('详见附件绩效目标表');
  });

  it('reads an indicator table that prints no levels (指标名称 | 计量单位 | 指标值 …)', async () => {
    const dump = ['部门整体绩效自评表', '主管部门', '某县林业局', '指标名称', '计量单位', '指标值', '指标权重', '全年完成值', '指标得分',
      '森林火灾受害率', '%', '≤0.9%', '10', '0.1%', '10', '公益林管护面积', '万亩', '28', '10', '28', '10'].join('\n');
    const doc = await processDocument('nolevels.txt', text(dump), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.name, i.target?.raw, i.weight, i.score])).toEqual([
      ['森林火灾受害率', '≤0.9%', 10, 10], ['公益林管护面积', '28万亩', 10, 10],
    ]);
  });

  it('cuts a title out of a run after a sentence or an attachment number', () => {
    expect(splitRunTogether('按种植面积分配,附件3某项补助资金绩效目标表(2024年度)项目名称耕地地力保护主管部门某局资金总额:48').slice(0, 4))
      .toEqual(['按种植面积分配,附件3', '某项补助资金绩效目标表(2024年度)', '项目名称', '耕地地力保护']);
  });

  it('cuts a header of words prose also uses only where no sentence holds them', () => {
    expect(splitRunTogether('序号评价指标评价内容指标名称指标说明权重')).toEqual(['序号', '评价指标', '评价内容', '指标名称', '指标说明', '权重']);
    expect(splitRunTogether('本单位按照上级要求,结合工作实际制定评价指标体系,并组织专人复核')).not.toContain('评价指标');
  });

  it('cuts level names off the front, but not a one-character remainder', () => {
    expect(splitLeadingLabels('产出指标数量指标道路养护里程')).toEqual(['产出指标', '数量指标', '道路养护里程']);
    expect(splitLeadingLabels('服务对象满意度指标等')).toEqual(['服务对象满意度指标等']);
  });

  it('splits a short line that ends with a value where spaces separate cells in the file', async () => {
    const dump = ['项目支出绩效目标表', '(2023 年度)', '项目名称 道路养护', '主管部门 某县交通运输局', '一级指标 二级指标 三级指标 指标值',
      '产出指标 数量指标 养护里程 ≥20公里', '时效指标 完成时间 2023年12月', '资金拨付 年底到位', '效益指标 可持续影响指标 道路通行条件改善 长期',
      '满意度指标 服务对象满意度指标', '群众满意度 95%'].join('\n');
    const doc = await processDocument('spaced.txt', text(dump), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.name, i.target?.raw])).toEqual([
      ['养护里程', '≥20公里'], ['完成时间', '2023年12月'], ['资金拨付', '年底到位'], ['道路通行条件改善', '长期'], ['群众满意度', '95%'],
    ]);
    expect(doc.records[0]!.year).toBe(2023);
  });

  it('cuts a comparison or percentage off a name, never a count that may be the name', () => {
    expect(splitTrailingValue('道路养护合格率100%')).toEqual(['道路养护合格率', '100%']);
    expect(splitTrailingValue('群众满意度调查≥90%')).toEqual(['群众满意度调查', '≥90%']);
    expect(splitTrailingValue('村组干部230人')).toEqual(['村组干部230人']);
    expect(splitTrailingValue('已完成100%')).toEqual(['已完成100%']);
  });
});

describe('rows run together with no separators', () => {
  it('cuts a level label in a template\'s own wording and a run of column labels', () => {
    expect(splitLeadingLabels('产出质量指标道路养护合格率')).toEqual(['产出质量指标', '道路养护合格率']);
    // one edit from 数量指标, but a name
    expect(splitLeadingLabels('流量指标监测点位数')).toEqual(['流量指标监测点位数']);
    expect(splitLeadingLabels('目标值分值备注')).toEqual(['目标值', '分值', '备注']);
    expect(splitLeadingLabels('分值说明')).toEqual(['分值说明']);
  });

  it('cuts a score run onto the value, and 以上 stays with its value', () => {
    expect(splitTrailingValue('路灯亮灯率达到目标值98%15')).toEqual(['路灯亮灯率达到目标值', '98%', '15']);
    expect(splitTrailingValue('群众满意度达到目标值90%以上5')).toEqual(['群众满意度达到目标值', '90%以上', '5']);
    expect(splitTrailingValue('村组干部230人')).toEqual(['村组干部230人']);
  });

  it('cuts where a met target is printed twice, with the weight before and the score after', () => {
    expect(splitRepeatedValue('工期控制按时完成按时完成10')).toEqual(['工期控制', '按时完成', '按时完成', '10']);
    expect(splitRepeatedValue('发放树苗数量6120万株120万株6')).toEqual(['发放树苗数量', '6', '120万株', '120万株', '6']);
    // a doubled word inside a name is no repeat of cells
    expect(splitRepeatedValue('乡村道路绿化绿化面积')).toEqual(['乡村道路绿化绿化面积']);
    expect(splitRepeatedValue('办公设备采购数量')).toEqual(['办公设备采购数量']);
  });

  it('starts a row at each numbered row label, never inside a level label', () => {
    expect(splitRowNumbers('指标1树苗成活率8指标2补植面积:30亩')).toEqual(['指标1树苗成活率8', '指标2补植面积:30亩']);
    expect(splitRowNumbers('数量指标1号泵站维修')).toEqual(['数量指标1号泵站维修']);
  });

  it('reads a numbered-row form whose rows lost their separators, names without the row labels', async () => {
    const dump = ['林木管护项目绩效自评表', '项目名称 林木管护', '主管部门 某县林业局',
      '一级指标 二级指标 三级指标 分值 年度指标值 全年实际值 得分',
      '产出指标 数量指标 指标1新植苗木6120万株120万株6指标2补植面积630亩30亩6',
      '时效指标 指标1:管护到位及时率 6 100% 100% 6'].join('\n');
    const doc = await processDocument('numbered.txt', text(dump), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.name, i.weight, i.target?.raw, i.actual?.raw, i.score])).toEqual([
      ['新植苗木', 6, '120万株', '120万株', 6], ['补植面积', 6, '30亩', '30亩', 6], ['管护到位及时率', 6, '100%', '100%', 6],
    ]);
  });
});

describe('rows rebuilt from one cell per line', () => {
  it('a note after a row\'s score belongs to that row, not to the next row\'s 分值 column', async () => {
    const dump = ['项目支出绩效自评表', '项目名称', '道路养护', '主管部门', '某县交通运输局',
      '一级指标', '二级指标', '三级指标', '分值', '年度指标值', '全年实际值', '得分', '未完成原因及改进措施',
      '产出指标', '数量指标', '养护里程', '10', '≥20公里', '18公里', '8', '雨季延误工期',
      '新建桥梁', '10', '2座', '2座', '10', '质量指标', '验收合格率', '10', '100%', '100%', '10'].join('\n');
    const doc = await processDocument('cells.txt', text(dump), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.name, i.weight, i.target?.raw, i.score, i.deviation_note])).toEqual([
      ['养护里程', 10, '≥20公里', 8, '雨季延误工期'], ['新建桥梁', 10, '2座', 10, null], ['验收合格率', 10, '100%', 10, null],
    ]);
  });
});

describe('a form inside a report, without its title', () => {
  it('is a self-evaluation when it has a column for what was achieved; a wrapped 指标 completes its label; the report\'s next heading ends the table', async () => {
    const dump = ['绩效指标', '一级指标', '二级指标', '三级指标', '指标值', '实施进度',
      '产出指标', '数量指标', '宣传活动次数', '至少4次', '已完成100%',
      '效益指标', '社会效益', '指标', '提升群众安全意识', '持续提升', '已完成100%',
      '(三)自评工作开展情况', '对照绩效目标逐项核实完成情况,采用资料核查方式进行评价。', '二、项目资金使用情况', '项目资金全部用于宣传。'].join('\n');
    const doc = await processDocument('report.txt', text(dump), { ocr: false });
    const form = doc.records[0]!;
    expect(form.form_type).toBe('self_evaluation');
    expect(form.indicators.map((i) => [i.level2, i.name, i.target?.raw, i.actual?.raw])).toEqual([
      ['数量指标', '宣传活动次数', '至少4次', '已完成100%'], ['社会效益指标', '提升群众安全意识', '持续提升', '已完成100%'],
    ]);
  });
});

describe('PDF text of merged cells', () => {
  it('joins a letter-spaced label, never a unit after its number', () => {
    expect(joinLetterSpaced(['绩', '效', '指', '标', '产', '出', '指', '标', '数量指标'])).toEqual(['绩效指标产出指标', '数量指标']);
    expect(joinLetterSpaced(['12', '个', '合', '格', '率'])).toEqual(['12', '个', '合格率']);
    expect(joinLetterSpaced(['道路', '养护'])).toEqual(['道路', '养护']);
  });

  it('a form cut at its start whose level names hide inside broken cells is reported, not passed over', async () => {
    const dump = ['分)项目决策(10 分)科学决策 5 5 项目管理 资金管理 3 3 (40 分)项目效益社会效益 10 10 总分',
      '2019 年项目支出绩效评价得分表 一级指 标 二级指标 三级指标 得分 产出指标 数量指标 完成数量 10'].join('\n');
    const doc = await processDocument('cut.txt', text(dump), { ocr: false });
    expect(doc.records.map((r) => r.indicators.map((i) => i.name))).toEqual([['完成数量']]);
    expect(doc.status).toBe('partial');
    expect(doc.issues.map((i) => i.message).join('\n')).toMatch(/level names of a form \(.*\) that was not read/);
  });

  it('reads a space-separated form whose year bracket and level labels the spaces broke apart', async () => {
    const dump = ['道路养护补助资金区域绩效目标表 ( 2021 年度) 专项名称 道路养护补助资金 主管部门 某省交通运输厅 资金额度 300万',
      '一级 指标 二级指标 三级指标 指标值 绩 效 指 标 产 出 指 标 数量指标 养护里程 ≥20公里'].join('\n');
    const form = (await processDocument('spaced.txt', text(dump), { ocr: false })).records[0]!;
    expect([form.year, form.scope, form.funds.adjusted_budget]).toEqual([2021, 'region', 3000000]);
    expect(form.indicators.map((i) => [i.level1, i.level2, i.name, i.target?.raw])).toEqual([['产出指标', '数量指标', '养护里程', '≥20公里']]);
  });
});

describe('a spreadsheet dumped out of order', () => {
  it('a header whose labels are printed among the first rows is gathered in the template\'s order; numbered rows follow it', async () => {
    const dump = ['林木管护项目支出绩效自评表 项目名称 林木管护 主管部门 某县林业局 一级 — 年度 实际 指标值 完成值 指标1:新植苗木 1200株',
      '二级指标 三级指标 分值 得分 1150株 5 4.8 指标2:管护面积 300亩 300亩 5 5 指标3:苗木成活率 ≥90% 93% 5 5'].join(' ');
    const doc = await processDocument('scattered.txt', text(dump), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.name, i.target?.raw, i.actual?.raw, i.weight, i.score])).toEqual([
      ['管护面积', '300亩', '300亩', 5, 5], ['苗木成活率', '≥90%', '93%', 5, 5],
    ]);
    // the first row's cells were scattered with the header: not read, and said so
    expect(doc.issues.map((i) => i.message).join('\n')).toMatch(/could not be placed in a row/);
    expect(doc.records[0]!.needs_review).toBe(true);
  });
});

describe('a form copied from a web page', () => {
  const footer = ['扫一扫在手机打开当前页', '[打印] [关闭]', '某县人民政府主办  某县大数据中心承办', '某ICP备12345678号  网站标识码:1234567890'];
  const expectOnlyTheRow = (records: Awaited<ReturnType<typeof processDocument>>['records']) =>
    expect(records[0]!.indicators.map((i) => [i.name, i.target?.raw])).toEqual([['道路养护里程', '≥20公里'], ['群众满意度', '≥90%']]);

  it('stops at the site footer in a table', async () => {
    const md = ['项目绩效目标表', '', '| 项目名称 | 道路养护 |', '| --- | --- |', '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
      '| 产出指标 | 数量指标 | 道路养护里程 | ≥20公里 |', '| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% |',
      ...footer.map((f) => `| ${f} | |`)].join('\n');
    expectOnlyTheRow((await processDocument('page.md', text(md), { ocr: false })).records);
  });

  it('the signature block ends the indicator rows; the filler\'s name stops at the next label', async () => {
    const md = ['项目绩效目标表', '', '| 项目名称 | 道路养护 | | |', '| --- | --- | --- | --- |', '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
      '| 产出指标 | 数量指标 | 道路养护里程 | ≥20公里 |', '| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% |',
      '| 财政部门审核意见 | 填表人: 王某某 联系电话:13800000000 填报日期: | | |', ...footer.map((f) => `| ${f} | |`)].join('\n');
    const form = (await processDocument('signed.md', text(md), { ocr: false })).records[0]!;
    expectOnlyTheRow([form]);
    expect(form.contact.filler).toBe('王某某');
  });

  it('stops at the site footer in a dump of one cell per line', async () => {
    const dump = ['项目绩效目标表', '项目名称', '道路养护', '主管部门', '某县交通运输局', '一级指标', '二级指标', '三级指标', '指标值',
      '产出指标', '数量指标', '道路养护里程', '≥20公里', '满意度指标', '服务对象满意度指标', '群众满意度', '≥90%', ...footer].join('\n');
    expectOnlyTheRow((await processDocument('page.txt', text(dump), { ocr: false })).records);
  });
});

describe('values as counties print them', () => {
  it('reads ranges, dates and codes as qualitative', () => {
    expect(parseValue('18—54周岁').value.value).toBeNull();
    expect(parseValue('2021.1.1-12.31').value.value).toBeNull();
    expect(parseValue('11月底之前').value.value).toBeNull();
    expect(parseValue('32-专项资金项目').value.value).toBeNull();
  });

  it('reads comparisons printed as words or after the value', () => {
    expect(parseValue('大于等于95%').value).toMatchObject({ op: '>=', value: 95, unit: '%' });
    expect(parseValue('60%及以上').value).toMatchObject({ op: '>=', value: 60, unit: '%' });
    expect(parseValue('5天以内').value).toMatchObject({ op: '<=', value: 5, unit: '天' });
    expect(parseValue('等于100%').value).toMatchObject({ op: '=', value: 100 });
  });
});

describe('a list of projects in one table', () => {
  const cells = (row: string[]) => row.map((t) => ({ text: t }));
  const header = listHeaderOf(cells(['单位名称', '项目名称', '预算数', '年度目标', '一级指标', '二级指标', '三级指标', '指标值', '权重']))!;

  it('finds the project columns before the indicator columns', () => {
    expect(header.projectFields).toEqual(['filing_unit', 'project_name', 'adjusted_budget', 'goal_expected']);
    expect(header.indicatorLabels.map((c) => c.text)).toEqual(['一级指标', '二级指标', '三级指标', '指标值', '权重']);
  });

  it('starts a project where its cells are filled, inherits a merged unit, skips a subtotal', () => {
    const projects = splitProjects([
      cells(['100-某镇部门', '1,200,000.00']),
      cells(['100001-某镇人民政府', '道路养护', '800,000.00', '养护道路', '产出指标', '数量指标', '养护里程', '≥20公里', '20']),
      cells(['效益指标', '社会效益指标', '通行条件改善', '有效', '20']),
      cells(['环境整治', '400,000.00', '整治环境', '产出指标', '质量指标', '验收合格率', '100%', '30']),
    ], header);
    expect(projects).toHaveLength(2);
    expect(projects.map((p) => p.fields.map(([l, v]) => `${l.text}=${v.text}`))).toEqual([
      ['单位名称=100001-某镇人民政府', '项目名称=道路养护', '预算数=800,000.00', '年度目标=养护道路'],
      ['单位名称=100001-某镇人民政府', '项目名称=环境整治', '预算数=400,000.00', '年度目标=整治环境'],
    ]);
    expect(projects[0]!.rows).toHaveLength(2);
  });
});

describe('a form takes what its document states', () => {
  const form = [
    '2021年某县交通运输局部门预算公开说明',
    '',
    '现将某县交通运输局 2021 年部门预算公开如下。',
    '',
    '项目支出绩效目标表',
    '',
    '| 项目名称 | 道路养护 |',
    '| --- | --- |',
    '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
    '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 |',
  ].join('\n');

  it('year and filing unit from the heading, with provenance saying so', async () => {
    const doc = await processDocument('budget.md', text(form), { ocr: false });
    expect(doc.records[0]).toMatchObject({ year: 2021, filing_unit: '某县交通运输局', project_name: '道路养护' });
    const year = doc.provenance.find((p) => p.field === 'year');
    expect(year?.repairs.map((r) => r.rule)).toContain('inherited_from_document');
  });
});

describe('labels and units as templates lay them out', () => {
  const form = (rows: string[]) => ['项目支出绩效自评表', '', '填报单位:(盖章) 单位:万元', '', ...rows,
    '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 |'].join('\n');

  it('a money unit stated once, in a header line or a funds caption, converts every amount', async () => {
    const inLine = await processDocument('a.md', text(form(['| 项目名称 | 道路养护 |', '| --- | --- |', '| 项目资金 | 全年预算数 | 全年执行数 |', '| 年度资金总额 | 12.5 | 10 |'])), { ocr: false });
    expect(inLine.records[0]).toMatchObject({ amount_unit: '万元', funds: { adjusted_budget: 125000, executed: 100000 } });
    expect(inLine.records[0]!.filing_unit).toBeNull(); // (盖章) is the stamp's place, not a unit's name

    const caption = ['项目支出绩效自评表', '', '| 项目名称 | 道路养护 |', '| --- | --- |', '| 项目资金 | (万元) | 全年预算数 | 全年执行数 |', '| 年度资金总额 |  | 12.5 | 10 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 |'].join('\n');
    const doc = await processDocument('b.md', text(caption), { ocr: false });
    expect(doc.records[0]).toMatchObject({ amount_unit: '万元', funds: { adjusted_budget: 125000 } });
  });

  it('a label wrapped into the next cell is one label; a run of labels takes its values in order', async () => {
    const doc = await processDocument('c.md', text(form([
      '| 项目名称 | 道路养护 |', '| --- | --- |',
      '| 主管部门 | 及编码 | [001]某县交通运输局 |',
      '| 部门(单位) | 名称 | 填报人 | 某县公路中心 | 李明 |',
      '| 年度目标 | 完成情况 | 养护道路20公里 | 已养护21公里 |',
    ])), { ocr: false });
    expect(doc.records[0]).toMatchObject({
      department: '[001]某县交通运输局', filing_unit: '某县公路中心', contact: { filler: '李明' },
      goal_expected: '养护道路20公里', goal_actual: '已养护21公里',
    });
  });

  it('a name field keeps a name: the next label run into it is cut off, an amount or a caption word is no name', async () => {
    const doc = await processDocument('e.md', text(form([
      '| 专项名称 | 道路养护 |', '| --- | --- |',
      '| 主管部门 | 0402009 |',
      '| 实施单位 | 某县公路中心填报日期:2023年3月1日 |',
      '| 部门名称 | 243.96 |',
    ])), { ocr: false });
    expect(doc.records[0]).toMatchObject({ project_name: '道路养护', department: '0402009', implementing_unit: '某县公路中心', filing_unit: null });
    expect(doc.provenance.find((p) => p.field === 'implementing_unit')?.repairs.map((r) => r.rule)).toContain('next_label_cut_off');
  });

  it('two goal columns collapsed into one cell take one value', async () => {
    const doc = await processDocument('d.md', text(form([
      '| 项目名称 | 道路养护 |', '| --- | --- |',
      '| 年初绩效目标 | 全年(调整)绩效目标 | 全年目标实际完成情况 | 养护道路20公里 | 已养护21公里 |',
    ])), { ocr: false });
    expect(doc.records[0]).toMatchObject({ goal_expected: '养护道路20公里', goal_actual: '已养护21公里' });
  });
});

describe('the national transfer-payment template', () => {
  it('is a region form; 地方主管部门 is the department, 中央主管部门 no field; its funds run together are cut where they add up', async () => {
    const dump = ['北江市转移支付区域(项目)绩效目标自评表(2023年度)转移支付(项目)名称农村道路养护补助中央主管部门交通运输部'
      + '地方主管部门省交通运输厅资金使用单位北江市公路事务中心资金投入情况(万元)全年预算数(A)全年执行数(B)预算执行率(B/A×100%)'
      + '年度资金总额:25012048.00%其中:中央财政资金25012048.00%地方资金其他资金'].join('\n');
    const doc = await processDocument('transfer.txt', text(dump), { ocr: false });
    const form = doc.records[0]!;
    expect([form.scope, form.title, form.project_name, form.department, form.implementing_unit, form.amount_unit])
      .toEqual(['region', '转移支付区域(项目)绩效目标自评表', '农村道路养护补助', '省交通运输厅', '北江市公路事务中心', '万元']);
    expect([form.funds.adjusted_budget, form.funds.executed, form.funds.execution_rate]).toEqual([2500000, 1200000, 0.48]);
  });

  it('a provincial 区域 form: the department with its budget code, the area the money goes to', async () => {
    const dump = ['中央财政农机购置补贴资金绩效目标表项目名称农机购置补贴主管部门(单位)名称及部门预算编码207省农业机械局'
      + '补助项目/区域全县各乡镇资金情况(万元)年度资金总额:48其中:财政拨款48其他资金总体目标补贴农户购置农机具'
      + '一级指标二级指标三级指标指标值产出指标数量指标补贴机具数≥300台'].join('');
    const form = (await processDocument('region.txt', text(dump), { ocr: false })).records[0]!;
    expect([form.scope, form.project_name, form.department]).toEqual(['region', '农机购置补贴', '207省农业机械局']);
    expect(form.indicators.map((i) => [i.name, i.target?.raw])).toEqual([['补贴机具数', '≥300台']]);
    expect([form.funds.adjusted_budget, form.funds.fiscal.adjusted_budget]).toEqual([480000, 480000]);
  });

  it('a printed rate may differ from the ratio of rounded amounts by their rounding, never by more', () => {
    const header = ['全年预算数', '全年执行数', '执行率'];
    // 46 / 148 = 31.08%: amounts rounded to whole 万元 allow 31.00%
    expect(expandFundsRow(header, ['1484631.00%'])).toEqual(['148', '46', '31.00%']);
    // 1 | 4846 | 31.00% would add up if a one-digit budget allowed for rounding: it does not
    expect(expandFundsRow(header, ['1484631.00%'])).not.toContain('4846');
    // 40 / 148 = 27.0%: beyond any rounding of the amounts
    expect(expandFundsRow(header, ['14840', '31.00%'])).toEqual(['14840', '31.00%']);
  });
});

describe('funds blocks as counties lay them out', () => {
  it('a header that starts over the row labels, amounts with a lost character, the rate weighed and scored by its own columns', async () => {
    const md = ['2024年度部门整体绩效自评表', '', '| 项目名称: | 某县档案馆整体支出 | 自评总分: | 96.5 |', '| --- | --- | --- | --- |',
      '| 年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 |',
      '| 年度总金额 | 1,200,000.00? | 1,500,000.00? | 1,350,000.00? | | |',
      '| 其中:财政拨款 | 1,200,000.00? | 1,500,000.00? | 1,350,000.00? | 90.00 | 10.00 | 9.00? |'].join('\n');
    const doc = await processDocument('funds.md', text(md), { ocr: false });
    const { funds, total_score: total } = doc.records[0]!;
    expect([funds.initial_budget, funds.adjusted_budget, funds.executed, funds.fiscal.executed, total]).toEqual([1200000, 1500000, 1350000, 1350000, 96.5]);
    expect([funds.weight, funds.score]).toEqual([10, 9]);
  });
});

describe('level labels in a county\'s own words', () => {
  it('a label ending in 指标 that the vocabulary does not know is a merged level cell, never the name', async () => {
    const md = ['项目支出绩效目标批复表', '', '| 项目名称 | 道路养护 |', '| --- | --- |', '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
      '| 预期产出指标 | 数量指标 | 道路养护里程 | ≥20公里 |', '| | 投资规模控制指标 | 年度预算执行率 | ≥90% |'].join('\n');
    const dump = ['项目支出绩效目标批复表', '项目名称', '道路养护', '主管部门', '某县交通运输局', '一级指标', '二级指标', '三级指标', '指标值',
      '预期产出指标', '数量指标', '道路养护里程', '≥20公里', '投资规模控制指标', '年度预算执行率', '≥90%'].join('\n');
    for (const [file, body] of [['table.md', md], ['flat.txt', dump]] as const) {
      const doc = await processDocument(file, text(body), { ocr: false });
      expect(doc.records[0]!.indicators.map((i) => [i.level1, i.name, i.target?.raw])).toEqual([
        ['产出指标', '道路养护里程', '≥20公里'], ['产出指标', '年度预算执行率', '≥90%'],
      ]);
    }
  });
});

describe('targets whose comparison has a column of its own', () => {
  it('指标性质 | 指标方向 hold 定量 and 正向; the comparison printed apart joins the target', async () => {
    const md = ['项目绩效目标表', '', '| 项目名称 | 执法装备购置 | | | | | | |', '| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标方向 | 目标值 | 计量单位 | 分值 |',
      '| 产出指标(50分) | 成本指标 | 执法车辆购置成本 | 反向 | 小于等于 | 20万元 | 5 | |',
      '| | 质量指标 | 设备验收合格率 | 定量 | 正向 | 大于等于 | 95% | 10 |',
      '| 满意度指标(10分) | 服务对象满意度 | 执法人员满意度 | 定量 | 正向 | 大于等于 | 90% | 10 |'].join('\n');
    const doc = await processDocument('signs.md', text(md), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.level2, i.name, i.target?.raw, i.target?.op, i.weight])).toEqual([
      ['成本指标', '执法车辆购置成本', '小于等于20万元', '<=', 5], ['质量指标', '设备验收合格率', '大于等于95%', '>=', 10],
      ['服务对象满意度指标', '执法人员满意度', '大于等于90%', '>=', 10],
    ]);
  });
});

describe('rules that must not fire on an ordinary form', () => {
  it('an indicator named like a footer or a signature line is a row; 实施区域 is no region; a funds row stays in its columns', async () => {
    const md = ['项目支出绩效自评表', '', '| 项目名称 | 文化惠民演出 | | | | | |', '| --- | --- | --- | --- | --- | --- | --- |',
      '| 实施区域 | 某县甲镇、乙镇 | | | | | |',
      '| 项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 | 分值 | 得分 |',
      '| 年度资金总额 | 100 | 100 | 90 | 90% | 10 | 9 |', '| 其中:财政拨款 | | 80 | 72 | 90 | | |',
      '| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |',
      '| 产出指标 | 数量指标 | 主办、承办活动数量 | ≥4次 | 5次 | 40 | 40 |',
      '| | 质量指标 | 联系电话接通率 | ≥95% | 98% | 40 | 40 |',
      '| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | 10 | 10 |'].join('\n');
    const form = (await processDocument('ordinary.md', text(md), { ocr: false })).records[0]!;
    expect(form.scope).toBe('project');
    expect(form.indicators.map((i) => i.name)).toEqual(['主办、承办活动数量', '联系电话接通率', '群众满意度']);
    expect([form.funds.fiscal.adjusted_budget, form.funds.fiscal.executed, form.funds.execution_rate]).toEqual([800000, 720000, 0.9]);
  });

  it('two one-character values side by side stay two cells', () => {
    expect(joinLetterSpaced(['道路通行状况', '好', '好', '20'])).toEqual(['道路通行状况', '好', '好', '20']);
  });
});

describe('template rows left empty', () => {
  it('a row of level names only holds no indicator', async () => {
    const form = ['项目支出绩效目标表', '| 项目名称 | 道路养护 |', '| --- | --- |', '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
      '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 |', '| 效益指标 | 经济效益指标 | 社会效益指标 |  |', '|  | 生态效益指标 | 绿化面积 | ≥2公顷 |'].join('\n');
    const doc = await processDocument('empty.md', text(form), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual(['养护里程', '绿化面积']);
  });
});

describe('rubric forms', () => {
  it('a 分值 column after a level column weighs that level; the one after 三级指标 weighs the row', async () => {
    const form = ['部门整体支出绩效自评表', '', '| 部门名称 | 某县商务局 |', '| --- | --- |',
      '| 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分 |',
      '| 项目决策 | 30 | 立项依据 | 9 | 依据充分性 | 6 | 5 |',
      '|  |  |  |  | 程序规范性 | 3 | 3 |',
      '| 项目管理 | 35 | 经费保障 | 8 | 保障及时率 | 4 | 2 |'].join('\n');
    const doc = await processDocument('rubric.md', text(form), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.level1, i.level1_weight, i.name, i.weight, i.score])).toEqual([
      ['决策指标', 30, '依据充分性', 6, 5], ['决策指标', 30, '程序规范性', 3, 3], ['过程指标', 35, '保障及时率', 4, 2],
    ]);
    expect(doc.records[0]!.issues.map((i) => i.detail).join('\n')).not.toMatch(/"分值" maps to no known column/);
  });

  it('a rubric dumped one cell per line is read by its shape: label and weight pairs open the levels of the row after them', async () => {
    const dump = ['部门整体支出绩效自评表', '部门名称', '某县商务局', '一级指标', '分值', '二级指标', '分值', '三级指标', '分值', '得分',
      '项目决策', '30', '立项依据', '9', '依据充分性', '6', '5', '程序规范性', '3', '3',
      '项目管理', '35', '经费保障', '8', '保障及时率', '4', '2',
      '项目绩效', '35', '项目产出', '12', '完成数量', '6', '6'].join('\n');
    const doc = await processDocument('rubric.txt', text(dump), { ocr: false });
    expect(doc.records[0]!.indicators.map((i) => [i.level1, i.level1_weight, i.name, i.weight, i.score])).toEqual([
      ['决策指标', 30, '依据充分性', 6, 5], ['决策指标', 30, '程序规范性', 3, 3], ['过程指标', 35, '保障及时率', 4, 2], ['产出指标', 35, '完成数量', 6, 6],
    ]);
    expect(doc.records[0]!.needs_review).toBe(true);
  });
});

describe('an excerpt that starts inside a form', () => {
  const form = ['项目支出绩效自评表(2023年度)', '项目名称', '校舍维修', '主管部门', '某县教育局',
    '一级指标', '二级指标', '三级指标', '指标值', '完成值', '权重', '得分', '产出指标', '质量指标', '验收合格率', '100%', '100%', '100', '100'];

  it('reads the rows before the first title as the tail of a form, from its own header; 合计 closes them', async () => {
    const tail = ['一级指标', '二级指标', '三级指标', '指标值', '完成值', '权重', '得分',
      '产出指标', '数量指标', '修缮房屋面积', '≥500平方米', '520平方米', '50', '50',
      '产出指标', '经济成本指标', '单位面积造价', '≤800元', '780元', '50', '48', '合计', '100', '98'];
    const doc = await processDocument('tail.txt', text([...tail, ...form].join('\n')), { ocr: false });
    expect(doc.records).toHaveLength(2);
    expect(doc.records[0]!.needs_review).toBe(true);
    expect(doc.records[0]!.indicators.map((i) => [i.level1, i.level2, i.name, i.weight, i.score])).toEqual([
      ['产出指标', '数量指标', '修缮房屋面积', 50, 50], ['产出指标', '经济成本指标', '单位面积造价', 50, 48],
    ]);
    expect(doc.records[1]!.project_name).toBe('校舍维修');
  });

  it('reads rows cut from their header in the next form\'s columns, and says so', async () => {
    const rows = ['改造面积', '≥300平方米', '310平方米', '40', '40', '产出指标', '质量指标', '竣工验收合格率', '100%', '100%', '30', '30',
      '满意度指标', '服务对象满意度指标', '师生满意度', '≥90%', '95%', '30', '30'];
    const doc = await processDocument('rows.txt', text([...rows, ...form].join('\n')), { ocr: false });
    expect(doc.records).toHaveLength(2);
    expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual(['改造面积', '竣工验收合格率', '师生满意度']);
    expect(doc.issues.map((i) => i.message).join('\n')).toMatch(/in the columns of the next form's header/);
  });
});

describe('prose inside a cell', () => {
  it('a sentence that names the form\'s goals (绩效目标) is one cell; a run without a sentence is still cut there', () => {
    const sentence = '项目是否设定年度绩效目标,绩效目标与项目内容是否相符。';
    expect(splitRunTogether(sentence)).toEqual([sentence]);
    expect(splitRunTogether('项目名称道路养护年度绩效目标完成全县道路养护')).toEqual(['项目名称', '道路养护', '年度绩效目标', '完成全县道路养护']);
  });
});

describe('evaluation reports that print 目标 for 指标 (Fujian)', () => {
  it('reads 产出目标 / 数量目标 as the levels and 绩效目标值 as the target column, never 绩效目标 (the goal)', () => {
    expect(matchLevel1('产出目标')?.canonical).toBe('产出指标');
    expect(matchLevel2('数量目标')?.canonical).toBe('数量指标');
    expect(matchLevel2('社会效益目标')?.canonical).toBe('社会效益指标');
    expect(matchLevel1('绩效目标')).toBeNull();
    expect(matchIndicatorColumn('绩效目标值')?.canonical).toBe('target');
    expect(matchIndicatorColumn('绩效目标')).toBeNull();
  });

  it('cuts rows run together as name, comparison and values in one unit; a date is never cut into values', () => {
    expect(splitComparedRows('培训农民人数>=300人320人107%举办培训班期数>=6期6期100%')).toEqual(
      ['培训农民人数', '>=300人', '320人', '107%', '举办培训班期数', '>=6期', '6期', '100%']);
    expect(splitComparedRows('完成时间≥2023年12月前验收合格率≥95%')).toEqual(['完成时间≥2023年12月前验收合格率≥95%']);
  });

  it('reads the 定量目标 table run into a report, its level-1 names under the 评价内容 caption', async () => {
    const report = '培训工作绩效目标值为100%,,如下表:项目年度绩效目标(定量目标)评价内容绩效内容绩效目标值实际完成值累计完成率'
      + '产出目标数量目标培训农民人数>=300人320人107%举办培训班期数>=6期6期100%质量目标培训合格率>=90%95%106%'
      + '(二)项目实施情况本项目于年内完成全部培训,,其中:项目立项6分,绩效目标5分,总得分90,,';
    const doc = await processDocument('report.txt', text(report), { ocr: false });
    expect(doc.records).toHaveLength(1);
    const rows = doc.records[0]!.indicators;
    expect(rows.map((r) => [r.level1, r.level2, r.name, r.target?.raw, r.actual?.raw])).toEqual([
      ['产出指标', '数量指标', '培训农民人数', '>=300人', '320人'],
      ['产出指标', '数量指标', '举办培训班期数', '>=6期', '6期'],
      ['产出指标', '质量指标', '培训合格率', '>=90%', '95%'],
    ]);
    expect(rows[0]!.target).toMatchObject({ op: '>=', value: 300, unit: '人' });
    expect(doc.records[0]!.needs_review).toBe(true);
  });
});

describe('notices with attachments', () => {
  it('an attachment list naming the forms heads none; a column per place is reported, its rows read', async () => {
    const lines = [
      '各乡镇人民政府:', '现下达2023年县级道路养护专项资金,具体见附件。',
      '附件:1.2023年县级道路养护专项资金安排表', '2.2023年县级道路养护专项资金绩效目标表', '县交通运输局',
      '附件1', '2023年县级道路养护专项资金安排表', '序号 |', '乡镇名称 |', '项 目 名 称 |', '金额 |', '1 |', '东岭镇 |', '东岭路面修补 |', '20 |',
      '附件2', '2023年县级道路养护专项资金绩效目标表', '项目名称 |', '县级道路养护专项资金 |', '主管部门(单位)名称 |', '县交通运输局 |',
      '一级指标 |', '二级指标 |', '三级指标 |', '指标解释 |', '东岭镇东岭村 |', '西岭镇西岭村 |',
      '产出指标 |', '数量指标 |', '养护道路条数(条) |', '反映道路养护完成情况 |', '2 |', '3 |',
    ];
    const doc = await processDocument('notice.txt', text(lines.join('\n')), { ocr: false });
    expect(doc.records).toHaveLength(1);
    const record = doc.records[0]!;
    expect(record.project_name).toBe('县级道路养护专项资金');
    expect(record.indicators.map((r) => [r.level2, r.name, r.description])).toEqual([['数量指标', '养护道路条数(条)', '反映道路养护完成情况']]);
    expect(record.needs_review).toBe(true);
    expect(record.issues.filter((i) => i.kind === 'unmapped_column').map((i) => i.detail).join(' ')).toMatch(/东岭镇东岭村.*西岭镇西岭村/);
  });
});

describe('label/value rows of target forms', () => {
  it('a funds block caption before the row\'s own label, and an amount glued to its label, give the year\'s budget', async () => {
    const captioned = [
      '项目支出绩效目标表', '| 项目名称 | 路灯维护 |', '| --- | --- |',
      '| 项目资金 | 申请(万元) | 资金总额: | 41.5 |',
      '| 财政拨款: | 41.5 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 维护路灯 | ≥300盏 |',
    ].join('\n');
    const a = (await processDocument('a.md', text(captioned), { ocr: false })).records[0]!;
    expect(a.funds.adjusted_budget).toBe(415000);
    expect(a.funds.fiscal.adjusted_budget).toBe(415000);
    const glued = [
      '项目支出绩效目标表', '| 项目名称 | 路灯维护 |', '| --- | --- |',
      '| 项目执行单位 | 城管所 | 资金情况 | (万元) | 年度资金总额:12 | 其中 :市级资金12 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 维护路灯 | ≥300盏 |',
    ].join('\n');
    expect((await processDocument('b.md', text(glued), { ocr: false })).records[0]!.funds.adjusted_budget).toBe(120000);
  });

  it('部门名称 names the department a 部门整体 form is about', async () => {
    const form = [
      '部门整体支出绩效目标表', '| 部门编码: | 316 | 部门名称: | 某县林业局 | 联系人: | 王某 |', '| --- | --- | --- | --- | --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 计算符号 | 目标值 | 度量单位 |', '| 产出指标 | 数量指标 | 造林面积 | ≥ | 500 | 亩 |',
    ].join('\n');
    expect((await processDocument('dept.md', text(form), { ocr: false })).records[0]!.department).toBe('某县林业局');
  });

  it('the evaluation template\'s money row: 计划投资额 | (万元) | n, 实际到位资金, 实际使用情况(万元)', async () => {
    const form = [
      '项目绩效自评表', '| 项目实施单位 | 某县商务局 |', '| --- | --- |',
      '| 项目类型 | 经常性项目 | 计划投资额 | (万元) | 120 | 实际到位资金 | (万元) | 100 | 实际使用情况(万元) | 90.5 |',
      '| 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分 |', '| 产出指标 | 50 | 数量指标 | 20 | 培训人次 | 20 | 18 |',
    ].join('\n');
    const { funds } = (await processDocument('money.md', text(form), { ocr: false })).records[0]!;
    expect([funds.adjusted_budget, funds.received, funds.executed]).toEqual([1200000, 1000000, 905000]);
  });

  it('a rate printed without % on the 财政拨款 row is the block\'s when the row\'s weight and score prove it; a block beside it is not read', async () => {
    const form = (rate: string) => [
      '部门整体绩效自评表', '| 主管部门 | 某县科协 |', '| --- | --- |',
      '| 年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 |',
      '| 年度总金额 | 100 | 120 | 110 |',
      `| 其中:财政拨款 | 100 | 120 | 110 | ${rate} | 10.00 | 9.17 | 一般公共预算 | 100 | 120 | 110 |`,
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 | 全年完成值 |', '| 产出指标 | 数量指标 | 科普活动 | ≥10场 | 12场 |',
    ].join('\n');
    const proven = (await processDocument('rate.md', text(form('91.67')), { ocr: false })).records[0]!.funds;
    expect([proven.execution_rate, proven.weight, proven.score]).toEqual([0.9167, 10, 9.17]);
    const unproven = (await processDocument('rate2.md', text(form('5')), { ocr: false })).records[0]!.funds;
    expect(unproven.execution_rate).toBeNull();
  });

  it('年度财政资金总额 is the total row of a funds block', async () => {
    const form = [
      '项目支出绩效自评表', '| 项目名称 | 科普经费 |', '| --- | --- |',
      '| 预算执行情况(万元) |', '| 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 |', '| 年度财政资金总额 | 50 | 40 | 80% | 16 |',
      '| 一级指标 | 二级指标 | 三级指标 | 年初目标值 | 实际完成值 | 得分 |', '| 产出指标 | 数量指标 | 科普活动 | 10场 | 9场 | 7 |',
    ].join('\n');
    const { funds } = (await processDocument('total.md', text(form), { ocr: false })).records[0]!;
    expect([funds.adjusted_budget, funds.executed, funds.execution_rate, funds.score]).toEqual([500000, 400000, 0.8, 16]);
  });

  it('goal texts are read up to a label at the end of the row that opens the next block', async () => {
    const form = [
      '项目支出绩效自评表', '| 项目名称 | 设备购置 |', '| --- | --- |',
      '| 项目年度目标 | 年度目标完成情况 |', '| 购置办公设备十台 | 已完成 | 全年预算数 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 |', '| 产出指标 | 数量指标 | 购置设备 | 10台 | 10台 |',
    ].join('\n');
    const record = (await processDocument('goals2.md', text(form), { ocr: false })).records[0]!;
    expect([record.goal_expected, record.goal_actual]).toEqual(['购置办公设备十台', '已完成']);
  });

  it('a goal header broken over two rows, with a span of years in a label, takes the annual goal from its own column', async () => {
    const form = [
      '项目支出绩效目标表', '| 项目名称 | 路灯维护 | 本年度预算(万元) | 12 | 总体目标 | 中期目标(2024年--2026年) |', '| --- | --- | --- | --- | --- | --- |',
      '| 年度目标 | 三年内完成全县路灯改造 | 本年更换路灯三百盏 | 绩效指标 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 更换路灯 | ≥300盏 |',
    ].join('\n');
    const record = (await processDocument('goals.md', text(form), { ocr: false })).records[0]!;
    expect(record.goal_expected).toBe('本年更换路灯三百盏');
  });

  it('goal cells printed one line per row are shared out between the goal columns, a glued table heading dropped', async () => {
    const form = [
      '项目支出绩效目标表', '| 项目名称 | 两项调查 |', '| --- | --- |',
      '| 中期目标 | 年度目标 |',
      '| 农业调查:摸清全县耕地与种植结构 | 住户调查:摸清全县居民收支情况 | 农业调查:完成年度抽样与资料汇总 | 住户调查:完成记账户补贴与数据审核 | 绩效指标表 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 调查样本 | ≥120户 |',
    ].join('\n');
    const record = (await processDocument('lines.md', text(form), { ocr: false })).records[0]!;
    expect(record.goal_expected).toBe('农业调查:完成年度抽样与资料汇总\n住户调查:完成记账户补贴与数据审核');
  });
});

describe('levels lost with their merged cells', () => {
  it('rows that open the table with no level and run into a 质量指标 block are the 数量指标 block, with a repair', async () => {
    const form = [
      '项目支出绩效目标表', '| 项目名称 | 儿童保健 |', '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
      '|  |  | 健康档案建档数 | ≥3000人 |', '|  |  | 入户访视数 | ≥200人 |',
      '| 产出指标 | 质量指标 | 档案合格率 | ≥95% |', '| 效益指标 | 社会效益指标 | 儿童健康水平 | 提高 |',
    ].join('\n');
    const doc = await processDocument('levels.md', text(form), { ocr: false });
    const rows = doc.records[0]!.indicators;
    expect(rows.map((r) => r.level2)).toEqual(['数量指标', '数量指标', '质量指标', '社会效益指标']);
    expect(rows.map((r) => r.level1)).toEqual(['产出指标', '产出指标', '产出指标', '效益指标']);
    expect(doc.provenance.find((p) => p.field === 'indicators[0].level2')?.repairs.map((r) => r.rule)).toContain('level2_inferred_from_block_order');
  });

  it('a dump cut inside a row that opens the 质量指标 block: the rows above it are the 数量指标 block', async () => {
    const dump = '项目支出绩效自评表 项目名称 儿童保健 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 '
      + '健康档案建档数 3000人 3100人 5 5 入户访视数 200人 210人 5 5 质量指标 档案合格';
    const doc = await processDocument('cut.txt', text(dump), { ocr: false });
    const rows = doc.records[0]!.indicators;
    expect(rows.map((r) => r.name)).toEqual(['健康档案建档数', '入户访视数']);
    expect(rows.map((r) => r.level2)).toEqual(['数量指标', '数量指标']);
    expect(doc.records[0]!.needs_review).toBe(true);
  });

  it('infers nothing when the first printed block could follow more than one', async () => {
    const form = [
      '项目支出绩效目标表', '| 项目名称 | 儿童保健 |', '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |',
      '|  |  | 健康档案建档数 | ≥3000人 |', '| 产出指标 | 时效指标 | 建档完成时间 | 年底前 |',
    ].join('\n');
    const rows = (await processDocument('levels2.md', text(form), { ocr: false })).records[0]!.indicators;
    expect(rows[0]!.level2).toBeNull();
  });
});

describe('merged web-page cells', () => {
  it('a cell holding a caption, a label and its value separated by spaces gives the field; an empty field stays empty', async () => {
    const form = [
      '项目支出绩效目标申报表',
      '| 基本情况 项目名称 路灯维护 | 主管部门 项目起止时间 2024.3—2024.11 |', '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 维护路灯 | ≥300盏 |',
    ].join('\n');
    const record = (await processDocument('merged.md', text(form), { ocr: false })).records[0]!;
    expect(record.project_name).toBe('路灯维护');
    expect(record.department).toBeNull();
  });
});

describe('indicator names', () => {
  it('strips a template row number before a name that starts with a digit', async () => {
    const form = [
      '项目支出绩效目标表', '| 项目名称 | 儿童保健 |', '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 指标7:3-5岁幼儿入园人数 | ≥800人 |',
    ].join('\n');
    const record = (await processDocument('n.md', text(form), { ocr: false })).records[0]!;
    expect(record.indicators[0]!.name).toBe('3-5岁幼儿入园人数');
  });
});

describe('what follows the indicator rows', () => {
  it('an attachment heading or another table\'s 序号 header ends the indicator table; a repeated indicator header does not', async () => {
    const form = [
      '项目支出绩效自评表', '| 项目名称 | 护工培训 |', '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |',
      '| 产出指标 | 数量指标 | 培训人数 | 300人 | 320人 |',
      '| 序号 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |',
      '| 1 | 效益指标 | 社会效益指标 | 就业率 | 60% | 65% |',
      '| 附件: |', '| 序号 | 乡镇 | 项目 | 金额 | 备注 |', '| 1 | 东岭镇 | 东岭路面修补 | 20 | |',
    ].join('\n');
    const rows = (await processDocument('after.md', text(form), { ocr: false })).records[0]!.indicators;
    expect(rows.map((r) => r.name)).toEqual(['培训人数', '就业率']);
  });
});

describe('部门整体 rubrics that number their rows', () => {
  it('reads each numbered row: its levels from the labels with points, name, 分值, explanation, 得分; the scoring rule kept apart', async () => {
    const lines = [
      '2024年度部门整体支出绩效评价自评表',
      '序号 | 一级 指标 | 二级 指标 | 三级 指标 |', '指标分值 | 指标解释 |', '指标说明', '及评分标准 |', '自评得分 |',
      '1 | 规划 (20分) |', '预算编制 (4分) | 预算编制 完整性 | 4 | 预算是否编制完整。 | 编制完整得4分(4分) |', '4 |',
      '2 | 年度计划 (6分) | 工作计划 合理性 | 6 | 工作计划是否合理。 | 合理得6分(6分) | 5 |',
      '3 | 执行 (30分) |', '资金管理 (10分) | 资金使用 合规性 | 10 | 资金使用是否合规。 | 合规得10分 | 10 |',
    ];
    const doc = await processDocument('rubric.txt', text(lines.join('\n')), { ocr: false });
    const rows = doc.records[0]!.indicators;
    expect(rows.map((r) => [r.level1, r.level1_weight, r.name, r.weight, r.description, r.score])).toEqual([
      ['决策指标', 20, '预算编制完整性', 4, '预算是否编制完整。', 4],
      ['决策指标', 20, '工作计划合理性', 6, '工作计划是否合理。', 5],
      ['过程指标', 30, '资金使用合规性', 10, '资金使用是否合规。', 10],
    ]);
    expect(rows.every((r) => r.basis === null)).toBe(true);
  });
});

describe('部门整体 rubrics that print points in their labels', () => {
  it('a name with its points gives the name and its 分值; 综合管理 is the process group, not the group above carried down', async () => {
    const form = [
      '2023年部门整体支出绩效评价得分表', '| 一级指标 | 二级指标 | 三级指标 | 得分 |', '| --- | --- | --- | --- |',
      '| 部门决策(20分) | 目标设定(8分) | 目标明确性(4分) | 4 |', '| | | 目标合理性(4分) | 3 |',
      '| 综合管理(30分) | 资金管理(12分) | 资金使用合规性(12分) | 11 |',
    ].join('\n');
    const doc = await processDocument('points.md', text(form), { ocr: false });
    const rows = doc.records[0]!.indicators;
    expect(rows.map((r) => [r.level1, r.level1_weight, r.name, r.weight, r.score])).toEqual([
      ['决策指标', 20, '目标明确性', 4, 4], ['决策指标', 20, '目标合理性', 4, 3], ['过程指标', 30, '资金使用合规性', 12, 11],
    ]);
    expect(doc.provenance.find((p) => p.field === 'indicators[0].weight')?.repairs.map((r) => r.rule)).toContain('points_from_name');
  });
});

describe('a scoring table whose PDF text ran its columns together', () => {
  it('reads each label with its points and the score printed before the next label', async () => {
    const lines = [
      '附表 2023 年度部门整体支出绩效评价表 一级指标 二级指标 三级指标 自评得分 部门 决策(20 分) 目标设定(8 分) 目标明确性(4 分)',
      '4 目标合理性(4 分)', '3 预算管理(12 分) 预算编制准确性(6 分)', '5 部门管 理(30 分) 资金使用(15 分) 资金使用合规性(15 分)', '14 部门负责人签字',
    ];
    const doc = await processDocument('points.txt', text(lines.join('\n')), { ocr: false });
    const record = doc.records[0]!;
    expect(record.title).toBe('部门整体支出绩效评价表');
    expect(record.year).toBe(2023);
    expect(record.indicators.map((r) => [r.level1, r.level1_weight, r.name, r.weight, r.score])).toEqual([
      ['决策指标', 20, '目标明确性', 4, 4], ['决策指标', 20, '目标合理性', 4, 3], ['决策指标', 20, '预算编制准确性', 6, 5], ['过程指标', 30, '资金使用合规性', 15, 14],
    ]);
    expect(record.needs_review).toBe(true);
  });
});

describe('a form printed twice', () => {
  it('is one record: the reading with more fields, which says the form was printed twice', async () => {
    const form = (rows: string[]) => ['道路养护项目绩效目标表', '| 项目名称 | 县道养护 |', '| --- | --- |', ...rows].join('\n');
    const page = [
      form(['| 主管部门 | 县交通局 |']),
      '',
      form(['| 主管部门 | 县交通局 |', '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 |']),
    ].join('\n');
    const doc = await processDocument('twice.md', text(page), { ocr: false });
    expect(doc.records).toHaveLength(1);
    const record = doc.records[0]!;
    expect(record.indicators).toHaveLength(1);
    expect(record.source.form_index).toBe(0);
    expect(record.issues.map((i) => i.kind)).toContain('form_printed_twice');
    expect(doc.provenance.every((p) => p.form_index === 0)).toBe(true);
  });
});

describe('a form cut at its start with no header anywhere', () => {
  it('reads its rows in the template columns they fit best, a target printed in three cells joined, and says so', async () => {
    const lines = [
      '垃圾清运及时率 | ≥ | 95 | % | 97 | 10 | 9 |',
      '质量指标 | 道路保洁达标率 | = | 100 | % | 100 | 10 | 10 |',
      '效益指标 | 社会效益指标 | 市容环境改善程度 | 定性 | 明显改善 | 明显改善 | 10 | 10 |',
      '合计 | 30 | 29 |',
      '项目支出绩效自评表(2024年度)',
      '项目名称 | 城区环卫保洁经费 |',
      '主管部门 | 某县住建局 | 实施单位 | 某县市容服务中心 |',
    ];
    const doc = await processDocument('cut.txt', text(lines.join('\n')), { ocr: false });
    expect(doc.records).toHaveLength(2);
    const first = doc.records[0]!;
    expect(first.indicators.map((r) => [r.level2, r.name, r.target?.raw, r.actual?.raw, r.weight, r.score])).toEqual([
      ['数量指标', '垃圾清运及时率', '≥95%', '97', 10, 9], // (the rows before a 质量指标 block: 数量指标, at 0.7)
      ['质量指标', '道路保洁达标率', '=100%', '100', 10, 10],
      ['社会效益指标', '市容环境改善程度', '明显改善', '明显改善', 10, 10],
    ]);
    expect(first.needs_review).toBe(true);
    expect(doc.status).toBe('partial');
    expect(doc.issues.map((i) => i.message).join('\n')).toMatch(/columns were assumed from the template/);
  });
});

describe('where the new rules must not fire (a review of them)', () => {
  const target = (rows: string[]) => ['项目支出绩效目标表', '| 项目名称 | 路灯维护 |', '| --- | --- |', ...rows,
    '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 维护路灯 | ≥300盏 |'].join('\n');
  const read = async (form: string) => (await processDocument('probe.md', text(form), { ocr: false })).records;

  it('a total row with its amount in the next cell is no caption; a multi-year plan is not the year\'s budget', async () => {
    const [a] = await read(target(['| 项目资金(万元) | 年度资金总额: | 200 | 其中：财政拨款 | 200 | 其他资金 | 0 |']));
    expect(a!.funds.adjusted_budget).toBe(2000000);
    // (no unit printed: amounts as printed)
    const [b] = await read(target(['| 计划投资额 | 5000 |', '| 年度资金总额: | 200 | 其中：财政拨款 | 200 |']));
    expect(b!.funds.adjusted_budget).toBe(200);
  });

  it('a label word inside a value, a name or a goal is no label', async () => {
    const [a] = await read(['项目支出绩效目标表', '| 项目名称 | 2023年 预算单位 财务人员培训经费 |', '| --- | --- |',
      '| 年度目标 | 督促 实施单位 按期完成维修养护 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 效益指标 | 社会效益指标 | 服务热线 联系电话 畅通率 | ≥95% |'].join('\n'));
    expect(a!.project_name).toBe('2023年预算单位财务人员培训经费');
    expect(a!.filing_unit).toBeNull();
    expect(a!.goal_expected).toBe('督促实施单位按期完成维修养护');
    expect(a!.indicators[0]!.name).toBe('服务热线联系电话畅通率');
  });

  it('two schools\' forms of one project, or two years\' forms, are two records', async () => {
    const form = (unit: string, year: number, amount: number) => [`项目支出绩效自评表(${year}年度)`, '| 项目名称 | 义务教育公用经费 |', '| --- | --- |',
      `| 实施单位 | ${unit} |`, '| 项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 |', `| 年度资金总额 | ${amount} | ${amount} | ${amount} |`,
      '| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |', '| 产出指标 | 数量指标 | 受益学生 | 500人 | 520人 |'].join('\n');
    expect(await read([form('某县第一中学', 2023, 100), '', form('某县第二中学', 2023, 60)].join('\n'))).toHaveLength(2);
    expect(await read([form('某县第一中学', 2022, 100), '', form('某县第一中学', 2023, 120)].join('\n'))).toHaveLength(2);
  });

  it('a numbered title followed by its form heads it, though an attachment heading precedes it', async () => {
    const records = await read(['附件：', '1.2023年度项目支出绩效自评表（农村饮水）', '| 项目名称 | 农村饮水 |', '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |', '| 产出指标 | 数量指标 | 供水人口 | 5000人 | 5200人 |', '',
      '2.2023年度项目支出绩效自评表（水利管护）', '| 项目名称 | 水利管护 |', '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |', '| 产出指标 | 数量指标 | 管护河道 | 20公里 | 21公里 |'].join('\n'));
    expect(records.map((r) => r.title)).toEqual(['项目支出绩效自评表（农村饮水）', '项目支出绩效自评表（水利管护）']);
  });

  it('a numbered rubric row with a blank score does not swallow the rows after it', async () => {
    const lines = [
      '2024年度部门整体支出绩效评价自评表', '序号 | 一级 指标 | 二级 指标 | 三级 指标 | 指标分值 | 指标解释 | 自评得分 |',
      '1 | 规划 (20分) | 预算编制 (10分) | 预算编制完整性 | 5 | 预算是否编制完整。 | 5 |',
      '2 | 预算编制准确性 | 5 | 预算是否准确。 | |',
      '3 | 年度计划 (10分) | 工作计划合理性 | 10 | 工作计划是否合理。 | 9 |',
    ];
    const [record] = await read(lines.join('\n'));
    expect(record!.indicators.map((r) => [r.name, r.weight, r.score])).toEqual([['预算编制完整性', 5, 5], ['预算编制准确性', 5, null], ['工作计划合理性', 10, 9]]);
  });
});

describe('never silent', () => {
  it('a column the vocabulary does not know puts the form up for review with the column named', async () => {
    const form = [
      '项目支出绩效目标表',
      '| 项目名称 | 道路养护 |',
      '| --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 | 考核口径 |',
      '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 | 按月统计 |',
    ].join('\n');
    const doc = await processDocument('form.md', text(form), { ocr: false });
    expect(doc.records[0]!.needs_review).toBe(true);
    expect(doc.records[0]!.issues.map((i) => i.detail).join('\n')).toMatch(/考核口径/);
  });

  it('a funds block whose total row gave fewer values than it prints columns is reviewed', async () => {
    const form = [
      '项目支出绩效自评表', '| 项目名称 | 道路养护 |', '| --- | --- |',
      '| 项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |',
      '| 年度资金总额 | 10 | 10 | 9 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 |',
      '| 产出指标 | 数量指标 | 养护里程 | ≥20公里 | 21公里 |',
    ].join('\n');
    const doc = await processDocument('funds.md', text(form), { ocr: false });
    expect(doc.records[0]!.needs_review).toBe(true);
    expect(doc.records[0]!.issues.find((i) => i.kind === 'funds_fields_missing')?.detail).toMatch(/prints 6 columns but its total row gave 3 values/);
  });

  it('a form whose rows were rebuilt from a flattened dump is reviewed', async () => {
    const dump = '项目支出绩效目标表 项目名称 道路养护 一级指标 二级指标 三级指标 指标值 产出指标 数量指标 养护里程 ≥20公里 质量指标 验收合格率 100%';
    const doc = await processDocument('dump.txt', text(dump), { ocr: false });
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]!.needs_review).toBe(true);
  });
});

describe("a scoring rubric's own second-level groups", () => {
  const table = (rows: string[][]) => rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
  it('keeps a rubric group the contract has no word for as printed, without its points, and fills it down', async () => {
    const form = ['某局2022年度项目支出绩效评价得分表', '', table([
      ['一级指标', '分值', '二级指标', '分值', '三级指标', '分值', '得分'],
      ['---', '---', '---', '---', '---', '---', '---'],
      ['项目决策', '12', '立项论证(7分)', '7', '论证充分性', '4', '4'],
      ['', '', '', '', '程序规范性', '3', '2'],
      ['', '', '目标设定', '5', '目标清晰度', '5', '5'],
      ['项目过程', '18', '经费拨付', '8', '拨付及时率', '8', '6'],
    ])].join('\n');
    const doc = await processDocument('rubric.md', text(form), { ocr: false });
    const rows = doc.records[0]!.indicators.map((x) => [x.level1, x.level2, x.name, x.weight, x.score]);
    expect(rows).toEqual([
      ['决策指标', '立项论证', '论证充分性', 4, 4],
      ['决策指标', '立项论证', '程序规范性', 3, 2],
      ['决策指标', '目标设定', '目标清晰度', 5, 5],
      ['过程指标', '经费拨付', '拨付及时率', 8, 6],
    ]);
  });

  it('leaves an ordinary project form’s unknown level-2 text out of level2 (the contract vocabulary holds there)', async () => {
    const form = ['某县2022年项目支出绩效自评表', '', table([
      ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分'],
      ['---', '---', '---', '---', '---', '---', '---'],
      ['产出指标', '建设任务', '修缮校舍面积', '≥500平方米', '520平方米', '10', '10'],
    ])].join('\n');
    const doc = await processDocument('project.md', text(form), { ocr: false });
    expect(doc.records[0]!.indicators[0]!.level2).toBeNull();
    expect(doc.records[0]!.indicators[0]!.name).toBe('修缮校舍面积');
  });
});

describe('a unit named in front of the disclosure’s form heading', () => {
  it('gives the form its filing unit when the form prints none', async () => {
    const page = ['某县第二实验小学项目支出绩效目标申报表(2024年度)', '', '项目支出绩效目标申报表', '', '| 项目名称 | 校园维修 | 主管部门 | 某县教育局 |', '| --- | --- | --- | --- |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 维修教室 | ≥12间 |'].join('\n');
    const doc = await processDocument('page.md', text(page), { ocr: false });
    expect(doc.records[0]!.filing_unit).toBe('某县第二实验小学');
  });
});

describe('a table that opens another header block after a form', () => {
  const first = ['某区项目支出绩效目标表', '', '| 申报单位 | 某区园林局 | 项目名称 | 行道树补植 |', '| --- | --- | --- | --- |',
    '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 补植株数 | ≥300株 |', ''];
  it('starts a new form (a budget platform heading without 表 its title, its 部门名称 the filing unit)', async () => {
    const second = ['| 部门整体绩效目标 | | | |', '| --- | --- | --- | --- |', '| 部门编码: | 207 | 部门名称: | 某区文化馆 |',
      '| 一级指标 | 二级指标 | 三级指标 | 指标值 |', '| 产出指标 | 数量指标 | 展览场次 | ≥12场 |'];
    const doc = await processDocument('two.md', text([...first, ...second].join('\n')), { ocr: false });
    expect(doc.records.map((r) => [r.title, r.scope, r.filing_unit, r.indicators.map((i) => i.name).join('/')])).toEqual([
      ['某区项目支出绩效目标表', 'project', '某区园林局', '补植株数'],
      ['部门整体绩效目标', 'department', '某区文化馆', '展览场次'],
    ]);
  });

  it('continues the form where the new table only prints the form’s own header block again', async () => {
    const again = ['| 申报单位 | 某区园林局 | 项目名称 | 行道树补植 |', '| --- | --- | --- | --- |', '| 产出指标 | 质量指标 | 成活率 | ≥95% |'];
    const doc = await processDocument('again.md', text([...first, ...again].join('\n')), { ocr: false });
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]!.indicators.map((i) => i.name)).toEqual(['补植株数', '成活率']);
  });
});
