/**
 * Graded target tables: the indicator columns carry one threshold per grade (优 | 良 | 中 | 差, or
 * 优秀 | 良好 | 合格 | 不合格) under a 绩效指标评价标准 caption instead of one 指标值 (Hebei's and other
 * provinces' transfer-payment target tables). Every form here is invented.
 */
import { describe, expect, it } from 'vitest';
import { normaliseScript } from '../forms/chineseScript.js';
import { titleText } from '../forms/titles.js';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('a graded target table as mirrors print it', () => {
  it('restores a character the mirror lost with its gloss bracket where a word of the form follows', () => {
    const glossed = '項(xiàng)目(mù)績(jī)效(xiào)目(mù)標(biāo)表(biǎo)農(nóng)村(cūn)道路???jī)效指標(biāo)分類(lèi)';
    expect(normaliseScript(glossed).text).toBe('项目绩效目标表农村道路绩效指标分类');
  });

  it('keys a numbered title printed after the document heading, its document number kept', () => {
    expect(titleText('2022年某市项目绩效目标 1、某财农2021045号提前下达2022年中央财政耕地保护补贴预算指标绩效目标表'))
      .toBe('某财农2021045号提前下达2022年中央财政耕地保护补贴预算指标绩效目标表');
  });

  it('reads a run-together dump: rows cut at each run of grade thresholds, the best grade the target', async () => {
    const dump = [
      '2、2022年某市项目绩效目标 1、某财农2021045号提前下达2022年中央财政耕地保护补贴预算指标绩效目标表绩效目标确保补贴资金及时足额发放到户,稳定种粮农民收益'
      + '绩效指标分类绩效指标绩效指标描述绩效指标评价标准评价标准确定依据优良中差产出指标补贴发放到户率补贴资金通过一卡通发放到农户的比例100%95%90%80%'
      + '按补贴发放管理办法评价补贴发放时限资金下达后发放到户所需天数,补贴发放时限30天45天60天90天按补贴发放管理办法评价'
      + '效果指标农户对补贴政策知晓度(%)抽样调查中知晓补贴政策的农户占比95%90%80%70%按抽样调查结果评价',
    ].join('\n');
    const doc = await processDocument('graded-dump.txt', text(dump), { ocr: false });
    expect(doc.records).toHaveLength(1);
    const form = doc.records[0]!;
    expect(form).toMatchObject({
      form_type: 'performance_target', scope: 'region', year: 2022, project_name: null,
      title: '某财农2021045号提前下达2022年中央财政耕地保护补贴预算指标绩效目标表',
      goal_expected: '确保补贴资金及时足额发放到户,稳定种粮农民收益', needs_review: true,
    });
    expect(form.indicators.map((i) => [i.level1, i.level2, i.name, i.description, i.target?.raw, i.basis])).toEqual([
      ['产出指标', null, '补贴发放到户率', '补贴资金通过一卡通发放到农户的比例', '100%', '按补贴发放管理办法评价'],
      ['产出指标', null, '补贴发放时限', '资金下达后发放到户所需天数,补贴发放时限', '30天', '按补贴发放管理办法评价'],
      ['效益指标', null, '农户对补贴政策知晓度(%)', '抽样调查中知晓补贴政策的农户占比', '95%', '按抽样调查结果评价'],
    ]);
    const target = doc.provenance.find((p) => p.field === 'indicators[1].target');
    const graded = target?.repairs.find((r) => r.rule === 'best_grade_as_target');
    expect(graded).toMatchObject({ before: '优 30天 | 良 45天 | 中 60天 | 差 90天', after: '30天' });
    expect(graded!.confidence).toBeLessThan(0.9);
    expect(doc.provenance.find((p) => p.field === 'indicators[0].name')?.repairs.map((r) => r.rule)).toContain('graded_row_cut');
  });

  it('reads a markdown table whose grades are a second header row (优秀 | 良好 | 合格 | 不合格)', async () => {
    const table = [
      '某县2023年农村饮水工程维修养护资金绩效目标表',
      '',
      '| 绩效目标 | 保障农村供水工程正常运行 | | | | | | |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| 绩效指标分类 | 绩效指标 | 绩效指标描述 | 绩效指标评价标准 | | | | 评价标准确定依据 |',
      '| | | | 优秀 | 良好 | 合格 | 不合格 | |',
      '| 产出指标 | 维修工程完工率 | 当年完工的维修工程占计划数的比例 | 100% | 90% | 80% | 70% | 按年度维修计划 |',
      '| | 水质检测次数 | 每年抽检供水水质的次数 | 12次 | 10次 | 8次 | 6次 | 按水质检测规范 |',
      '| 效果指标 | 受益群众满意度 | 问卷调查中满意的受益群众占比 | 95% | 90% | 85% | 80% | 按问卷调查结果 |',
    ].join('\n');
    const doc = await processDocument('graded.md', text(table), { ocr: false });
    expect(doc.records).toHaveLength(1);
    const form = doc.records[0]!;
    expect(form.indicators.map((i) => [i.level1, i.name, i.description, i.target?.raw, i.basis])).toEqual([
      ['产出指标', '维修工程完工率', '当年完工的维修工程占计划数的比例', '100%', '按年度维修计划'],
      ['产出指标', '水质检测次数', '每年抽检供水水质的次数', '12次', '按水质检测规范'],
      ['效益指标', '受益群众满意度', '问卷调查中满意的受益群众占比', '95%', '按问卷调查结果'],
    ]);
    // the target is the best grade's threshold, a reading the form never states: under review
    expect(form.needs_review).toBe(true);
    const graded = doc.provenance.find((p) => p.field === 'indicators[1].target')?.repairs.find((r) => r.rule === 'best_grade_as_target');
    expect(graded?.before).toBe('优秀 12次 | 良好 10次 | 合格 8次 | 不合格 6次');
    expect(form.issues.map((i) => i.kind)).not.toContain('unmapped_column');
  });
});

describe('a graded standards column with no grade sub-header', () => {
  it('reports the standards it could not read as a target, so the form is reviewed', async () => {
    const form = ['某市转移支付绩效目标表', '', '| 绩效指标分类 | 绩效指标 | 绩效指标评价标准 | 评价标准确定依据 |', '| --- | --- | --- | --- |',
      '| 产出指标 | 补助发放率 | 98% | 按发放标准评价 |'].join('\n');
    const doc = await processDocument('graded.md', new TextEncoder().encode(form), { ocr: false });
    const record = doc.records[0]!;
    expect(record.needs_review).toBe(true);
    expect(record.issues.some((i) => i.kind === 'grades_unread')).toBe(true);
  });
});
