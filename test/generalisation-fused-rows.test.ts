/**
 * Indicator rows an office dump ran together: rows fused with no separator cut where the target
 * repeats (or two values share a unit), short level-2 labels at their front, level names wrapped by a
 * space; and a spreadsheet dump that printed several names before their values. Forms of our own.
 */
import { describe, expect, it } from 'vitest';
import { tokensOf } from '../layout/flattened/tokens.js';
import { processDocument } from '../pipeline/process.js';

const text = (s: string) => new TextEncoder().encode(s);
/** The cells of a one-line dump (a title line before it, as the dumps print). */
const cellsOf = (line: string): string[] => tokensOf(['某项目绩效自评表', line]).slice(1);

describe('rows run together with no separator (a table without a 分值 column)', () => {
  it('cuts a run where the target is printed twice or two values share a unit, before the score', () => {
    expect(cellsOf('路灯维修按时修复按时修复8照明覆盖率96%97%9')).toEqual(['路灯维修', '按时修复', '按时修复', '8', '照明覆盖率', '96%', '97%', '9']);
    // a value printed once more in the name is the name's; its number is no score
    expect(cellsOf('验收一次通过一次通过7工期2周2周2周6')).toEqual(['验收', '一次通过', '一次通过', '7', '工期2周', '2周', '2周', '6']);
    // a short level-2 label opening a row is a cell of its own
    expect(cellsOf('修缮校舍全部完成全部完成5时效完工3个月3个月5')).toEqual(['修缮校舍', '全部完成', '全部完成', '5', '时效', '完工', '3个月', '3个月', '5']);
    // prose is left whole
    expect(cellsOf('全年共举办培训班12期,参训人员达到300人次')).toEqual(['全年共举办培训班12期,参训人员达到300人次']);
  });

  it('joins a level name an OCR wrap broke with a space, and no other space', () => {
    expect(cellsOf('合计得分满意度 指标服务对象满意度指标')).toEqual(['合计得分', '满意度指标', '服务对象满意度指标']);
    expect(cellsOf('建设村级 道路两条')).toEqual(['建设村级 道路两条']);
  });

  it('reads a self-evaluation whose indicator rows an OCR\'d document ran into one line', async () => {
    const dump = [
      '2023年度某县项目支出绩效自评表',
      '项目名称乡村学校修缮补助主管部门某县教育局项目实施单位某县第二中学一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分产 出指标数量指标'
      + '成本核算不超预算不超预算10培训教师40人40人10质量指标校舍安全达标全部达标全部达标10成本每生补助800元800元800元10时效完工时间3个月3个月10'
      + '效益指 标社会效益在校学生就读条件改善,覆盖学生达到1200人1200人1260人10可持续性校舍使用年限延',
    ].join('\n');
    const doc = await processDocument('fused.txt', text(dump), { ocr: false });
    const form = doc.records[0]!;
    expect(form.indicators.map((i) => [i.level1, i.level2, i.name, i.target?.raw, i.actual?.raw, i.score])).toEqual([
      // a row right after its level-2 label keeps the name that begins with a short level word
      ['产出指标', '数量指标', '成本核算', '不超预算', '不超预算', 10],
      ['产出指标', '数量指标', '培训教师', '40人', '40人', 10],
      ['产出指标', '质量指标', '校舍安全达标', '全部达标', '全部达标', 10],
      ['产出指标', '成本指标', '每生补助800元', '800元', '800元', 10],
      ['产出指标', '时效指标', '完工时间', '3个月', '3个月', 10],
      ['效益指标', '社会效益指标', '在校学生就读条件改善,覆盖学生达到1200人', '1200人', '1260人', 10],
    ]);
    // rows read from the order of the cells: never trusted without review
    expect(form.needs_review).toBe(true);
    expect(form.indicators.every((i) => i.confidence < 0.9)).toBe(true);
  });
});

describe('a spreadsheet dump that printed several rows\' names before their values', () => {
  it('puts k names and k groups of values back row by row when the counts line up, else leaves them', async () => {
    const dump = ['农村饮水安全项目支出绩效自评表 项目名称 农村饮水安全 主管部门 某县水利局 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分',
      '产出指标 数量指标 指标1:新建水窖 40口 41口 5 5 指标2:维修管网 指标3:水质检测 次数 18公里 17公里 5 4.5 6次 6次 5 5',
      '质量指标 指标4:供水保证率 95% 96% 5 5'].join(' ');
    const doc = await processDocument('names-first.txt', text(dump), { ocr: false });
    const form = doc.records[0]!;
    expect(form.indicators.map((i) => [i.name, i.target?.raw, i.actual?.raw, i.weight, i.score])).toEqual([
      ['新建水窖', '40口', '41口', 5, 5],
      ['维修管网', '18公里', '17公里', 5, 4.5],
      ['水质检测次数', '6次', '6次', 5, 5],
      ['供水保证率', '95%', '96%', 5, 5],
    ]);
    expect(form.needs_review).toBe(true);
    // counts that do not line up (two names, three groups) are left as printed
    const uneven = ['农村饮水安全项目支出绩效自评表 项目名称 农村饮水安全 主管部门 某县水利局 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分',
      '产出指标 数量指标 指标1:新建水窖 指标2:维修管网 40口 41口 5 5 18公里 17公里 5 4.5 6次 6次 5 5',
      '质量指标 指标4:供水保证率 95% 96% 5 5'].join(' ');
    const unevenForm = (await processDocument('names-first.txt', text(uneven), { ocr: false })).records[0]!;
    expect(unevenForm.indicators.map((i) => i.name)).not.toContain('维修管网');
    expect(unevenForm.needs_review).toBe(true);
  });
});

describe('a number and its unit a spreadsheet dump split with a space', () => {
  it('joins the unit to a number after a comparison in words', () => {
    expect(cellsOf('产出指标 数量指标 指标1:培训场次 不少于8 场 9场 5 5 指标2:发放手册 不低于500 册 520册 5 5')).toEqual([
      '产出指标', '数量指标', '指标1:培训场次', '不少于8场', '9场', '5', '5', '指标2:发放手册', '不低于500册', '520册', '5', '5',
    ]);
  });
});

describe('prose that repeats a phrase', () => {
  it('is no run of rows: a sentence is left whole', () => {
    expect(tokensOf(['本所按期办结按期办结4件来信，全年无积案。'])).toEqual(['本所按期办结按期办结4件来信，全年无积案。']);
  });
});
