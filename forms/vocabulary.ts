/**
 * Label vocabularies and the fuzzy matcher that maps printed labels onto canonical names.
 * Matching is by edit distance on a normalised key, tolerant of OCR splits and truncation;
 * every match returns its evidence {raw, canonical, distance}.
 */
import levenshtein from 'fast-levenshtein';
import { LEVEL1, LEVEL2 } from '../schemas/record.js';
import { labelKey, halfWidthAlnum } from './text.js';
import { splitLabelWeight } from './values.js';
import { BoundedCache } from './memo.js';

export interface LabelMatch<C extends string> { raw: string; canonical: C; distance: number }

/** Indicator-table columns of the contract and the labels counties print for them. */
export const INDICATOR_COLUMNS = {
  // Hebei's 绩效评价指标表 heads its levels 评价指标 | 评价内容 and explains each row in 指标说明
  // Hebei's transfer-payment target table classifies its indicators in 绩效指标分类 (产出指标, 效果指标)
  level1: ['一级指标', '一级', '评价指标', '绩效指标分类'],
  level2: ['二级指标', '二级', '评价内容'],
  // Fujian's 项目年度绩效目标(定量目标) table: 评价内容 | 绩效内容 | 绩效目标值 | 实际完成值 | 累计完成率
  name: ['三级指标', '指标名称', '指标内容', '三级', '绩效内容'],
  target: [
    '年度指标值', '预期指标值', '指标值', '年度目标值', '目标值', '指标值及单位', '指标值(包含数字及文字描述)', '年初目标值',
    '年初目标值(A)', '年度指标值(A)', '计划目标值', '年度数值',
  ],
  actual: [
    '实际完成值', '全年实际值', '完成值', '全年完成值', '实际完成值(B)', '全年实际值(B)', '指标实际完成值', '实际值',
    '实施进度',
  ],
  weight: ['分值', '权重', '指标分值权重', '指标权重'],
  score: ['得分', '自评得分', '指标得分'],
  deviation_note: [
    '偏差原因分析及改进措施', '未完成原因分析', '未完成原因', '未完成原因及改进措施', '未完成原因及拟采取的改进措施',
    '偏差原因分析', '偏差原因及改进措施',
  ],
  description: ['绩效指标描述', '指标解释', '指标描述', '指标说明'],
  basis: ['指标值确定依据', '指标值设定依据', '指标值设置依据', '绩效标准', '指标值说明', '评价标准', '评(价)标准', '评价标准确定依据'],
  // Sichuan/Chongqing/Jiangxi templates print a target as three cells: sign | number | unit
  target_op: ['指标性质', '计算符号', '指标方向'],
  target_unit: ['度量单位', '计量单位'],
  // columns every reader recognises and the contract keeps no field for
  note: ['备注', '得分计算方法', '指标赋分规则', '佐证资料', '上年完成值', '上年实际值', '完成率', '累计完成率', '指标说明及评分标准', '指标方向性', '评分标准'],
  // rubric templates (一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分): a 分值 column right after a
  // level's column is that level's weight; indicatorHeaderOf assigns these by position, never by label
  level1_weight: [],
  level2_weight: [],
  // graded target tables (绩效指标评价标准 over 优 | 良 | 中 | 差): one threshold per grade instead of one
  // target; the columns under the caption are assigned by the grade sub-header (EXACT_COLUMN_LABELS)
  grades: [],
} as const;
export type IndicatorColumn = keyof typeof INDICATOR_COLUMNS;

/**
 * Column labels read only as printed: one slip away from a field's label, a near miss of them is
 * that field (绩效目标 is the form's goal; Fujian's 绩效目标值 heads the target column).
 */
export const EXACT_COLUMN_LABELS: Readonly<Record<string, IndicatorColumn>> = { 绩效目标值: 'target', 绩效指标评价标准: 'grades', 指标评价标准: 'grades' };

/**
 * The grades a graded target table sets a threshold for, best first, as the sub-header under its
 * 绩效指标评价标准 caption prints them (Hebei and other provinces' transfer-payment target tables).
 */
const GRADE_SCALES: ReadonlyArray<readonly string[]> = [
  ['优', '良', '中', '差'], ['优秀', '良好', '合格', '不合格'], ['优秀', '良好', '中等', '差'], ['优', '良', '合格', '不合格'], ['优秀', '良好', '一般', '较差'],
];

/** The grade names of a sub-header, as cells (优 | 良 | 中 | 差) or run together (优良中差); null when the cells are no grade scale. */
export function gradeScale(cells: readonly string[]): readonly string[] | null {
  const keys = cells.map((c) => labelKey(c)).filter(Boolean);
  return GRADE_SCALES.find((scale) => keys.join('|') === scale.join('|') || (keys.length === 1 && keys[0] === scale.join(''))) ?? null;
}

/**
 * Hebei's target table heads its level column 绩效指标分类 and its indicator column 绩效指标: right after a
 * label naming the classification of the indicators, the caption (elsewhere a merged cell over the
 * level columns, never a column) names the indicators themselves.
 */
export function namesIndicatorsAfter(previous: string, raw: string): boolean {
  const key = labelKey(raw);
  return CAPTIONS.has(key) && labelKey(previous) === `${key}分类`;
}

/** Labels of the form's header and funds blocks (left: canonical key, right: printed variants). */
export const FIELD_LABELS = {
  // 专项名称: transfer-payment and region forms name the 专项 where others print 项目名称
  // the national transfer-payment template names its subject 转移支付(项目)名称 (a region form: buildForm)
  project_name: ['项目名称', '项目支出名称', '专项名称', '转移支付(项目)名称', '转移支付名称', '转移支付项目名称'],
  project_code: ['项目编码', '项目代码'],
  // the transfer template prints the ministry (中央主管部门) beside the province's department (地方主管部门)
  department: [
    '主管部门', '主管单位', '项目主管部门', '主管部门及代码', '主管部门及编码', '地方主管部门',
    // 区域 and transfer templates: the department named with its budget code, or by its level of government
    '主管部门(单位)名称', '主管部门(单位)名称及部门预算编码', '省级主管部门', '市级主管部门', '县级主管部门', '区级主管部门',
    // 部门整体 and 专项 templates name the department the form is about (部门编码 | 316 | 部门名称 | …)
    '部门名称',
  ],
  // the area a 区域 form's money goes to: recognised, no field of the contract
  subsidy_area: ['补助项目/区域', '补助区域'],
  central_department: ['中央主管部门'],
  implementing_unit: ['实施单位', '具体实施单位', '项目实施单位', '项目执行单位', '执行单位', '实施(主管)单位', '资金使用单位(科室)名称', '资金使用单位'],
  filing_unit: ['填报单位', '预算部门', '预算部门(盖章)', '编制部门', '预算单位', '填报单位(盖章)', '部门(单位)名称', '单位名称', '项目单位'],
  // when the project runs (项目起止时间 2024.3—2024.11): recognised, no field of the contract
  project_period: ['项目起止时间', '项目实施期', '项目支出实施期', '项目实施期限', '实施期限', '项目期限'],
  // (计划投资额 may plan several years: like 项目金额 it is the year's budget only where no funds row gives one)
  project_amount: ['项目金额', '项目资金总额', '中期资金总额', '资金总额(合计)', '资金额度', '计划投资额'],
  // funds columns
  initial_budget: ['年初预算数'],
  // the evaluation templates' money row: 计划投资额 (project_amount) | 实际到位资金 | 实际使用情况
  adjusted_budget: ['全年预算数', '预算数', '预算安排情况(调整后)', '调整后预算数', '年度预算资金总额', '年度预算金额'],
  received: ['到位数', '资金到位情况', '实际到位资金'],
  // (Sichuan's 510000 self-evaluation template, every county's: 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 |
  // 权重 | 得分 over the rows 总额 / 其中:财政资金 — 预算执行数 is one slip from 预算执行率 and must be exact here)
  executed: ['全年执行数', '执行数', '资金执行情况', '实际使用情况', '预算执行数'],
  execution_rate: ['执行率', '预算执行进度', '预算执行率'],
  // Chongqing's 部门整体 form weighs and scores the execution rate itself: 执行率权重 | 执行率得分
  // (the 510000 template weighs its funds block 权重, as its indicator rows)
  funds_weight: ['分值', '执行率权重', '权重'],
  funds_score: ['得分', '执行率得分'],
  funds_total_row: ['年度资金总额', '项目资金', '资金总额', '年度资金申请总额', '年度总金额', '年度财政资金总额',
    // the 510000 template's total row (总额 | 年初 | 调整后 | 执行 …)
    '总额'],
  // Sichuan's 项目支出绩效目标申报表 prints its funds as an outline of subtotals, (一)财政拨款小计 / 1、一般公共预算 …
  // (二)自有资金小计: the 财政拨款 subtotal is the fiscal row (the outline's numbering is stripped with the label's)
  fiscal_row: ['其中:财政资金', '其中:当年财政拨款', '其中:财政拨款', '财政资金', '当年财政拨款', '财政拨款', '财政拨款小计'],
  carryover_row: ['上年结转资金'],
  other_row: ['其他资金', '其他'],
  // the total split by the level of government that pays (transfer template: 中央财政资金 / 地方资金):
  // rows of the block with no field of the contract (财政拨款 is a split by kind of money, not by payer)
  source_row: ['中央财政资金', '其中:中央财政资金', '地方资金', '其中:地方资金'],
  // goals
  goal_expected: ['年度预期目标', '预期目标', '绩效目标', '年度绩效目标', '年度总体目标', '年度目标', '年初绩效目标', '全年绩效目标', '本年度绩效目标', '项目年度目标'],
  // the multi-year goal beside the annual one: recognised, not a field of the contract
  goal_long_term: ['项目总目标', '中期目标', '中期滚动目标', '长期目标', '实施期绩效目标', '实施期目标', '长期绩效目标', '总目标'],
  project_category: ['项目类别', '项目类型', '项目属性'],
  // 完成情况 alone heads the actual goal's column beside 年度目标 (年度目标 | 完成情况)
  goal_actual: [
    '具体完成情况', '实际完成情况', '年度总体目标完成情况', '完成情况', '全年目标实际完成情况', '年度目标完成情况', '目标完成情况', '全年实际完成情况',
    '年度总体目标完成情况综述', '完成情况综述',
  ],
  completion_rate: ['总体完成率'],
  // closing rows
  total_score: ['总分', '合计得分', '自评总分', '自评总分(分)', '项目总得分'],
  grade: ['自评等级', '等级'],
  problems: ['存在问题、原因及下一步整改措施', '存在问题及改进措施', '五、存在问题、原因及下一步整改措施'],
  filler: ['填报人', '联系人', '填表人', '项目负责人', '部门联系人'],
  phone: ['联系电话', '电话'],
  contact: ['联系人及电话'],
  seq: ['序号'],
  year: ['年度'],
  amount_unit: ['金额单位', '单位'],
} as const;
export type FieldLabel = keyof typeof FIELD_LABELS;

/** Labels of a form's header block: they open a form, and inside an indicator table mean another form was read into it. */
export const HEADER_BLOCK_FIELDS: ReadonlySet<string> = new Set<FieldLabel>(['project_name', 'project_code', 'department', 'central_department', 'implementing_unit', 'filing_unit']);

/**
 * The words a scoring rubric's group captions end in: 项目立项, 绩效目标, 资金投入, 资金管理, 组织实施,
 * 产出数量 … 项目效益, 满意度 (the national 共性指标 framework and the older 项目决策/项目管理/项目绩效
 * rubric). Where a PDF's text runs a caption into its first row's name (资金管理资金使用), the
 * shortest run that ends in one of them is the caption.
 */
export const RUBRIC_CAPTION_ENDINGS: readonly string[] = [
  '决策', '立项', '目标', '投入', '管理', '实施', '执行', '过程', '完成', '产出', '数量', '质量', '时效', '成本', '效益', '效果', '绩效', '满意度',
];

/** Older level names → current canonical names (the printed label stays in provenance). */
const LEVEL1_ALIASES: Record<string, (typeof LEVEL1)[number]> = {
  效果指标: '效益指标', 项目完成指标: '产出指标', 项目效益指标: '效益指标',
  // Guangdong's 批复表 heads its output block with what is expected of it
  预期产出指标: '产出指标', 预期产出: '产出指标', 预期效果指标: '效益指标',
  // the 部门整体 scoring rubric's groups (contract: 决策, 过程/管理; 产出 and 效益 as usual)
  决策: '决策指标', 项目决策: '决策指标', 部门决策: '决策指标', 过程: '过程指标', 项目过程: '过程指标', 项目管理: '过程指标', 部门管理: '过程指标',
  产出: '产出指标', 项目产出: '产出指标', 部门产出: '产出指标', 效益: '效益指标', 项目效益: '效益指标', 部门效益: '效益指标',
  // rubrics that name the stages by what is done in them: 规划 (planning, the decision), 执行, 效果
  规划: '决策指标', 执行: '过程指标', 效果: '效益指标', 综合管理: '过程指标',
  // the older project rubric splits its 项目绩效 group into what was completed and what it brought
  // (项目完成 | 项目效益), the first printed without the 指标 of 项目完成指标
  项目完成: '产出指标',
};
const LEVEL2_ALIASES: Record<string, (typeof LEVEL2)[number]> = {
  环境效益指标: '生态效益指标', 环境效益: '生态效益指标', 生态效益: '生态效益指标',
  经济效益: '经济效益指标', 社会效益: '社会效益指标', 可持续影响: '可持续影响指标',
  // the older national template's satisfaction group, under 效益指标
  社会公众或服务对象满意度指标: '服务对象满意度指标', 社会公众或服务对象满意度: '服务对象满意度指标',
  // 服务对象满意度 is deliberately absent: it is the commonest third-level *name* in these forms
};

/** How far a printed label may be from a vocabulary term: one slip per four characters. */
function allowedDistance(term: string): number {
  return term.length >= 8 ? 2 : term.length >= 4 ? 1 : 0;
}

/** Per-vocabulary caches: the same printed labels recur on every form of a batch. */
const labelCache = new WeakMap<object, BoundedCache<LabelMatch<string> | null>>();

/** Best fuzzy match of a printed label against a vocabulary; truncations of ≥ 60% count. */
export function matchLabel<C extends string>(raw: string, vocabulary: Record<C, readonly string[]>): LabelMatch<C> | null {
  let cache = labelCache.get(vocabulary);
  if (!cache) { cache = new BoundedCache(); labelCache.set(vocabulary, cache); }
  // "全年预算数(A)", "执行率(B/A)", "指标值(或计划水平)": the label before a bracketed remark
  const match = cache.get(raw, (own) => {
    const whole = computeLabelMatch(own, vocabulary);
    const bare = withoutRemark(own);
    if (bare === own || (whole && whole.distance === 0)) return whole;
    // 实施单位(盖章) is 实施单位 exactly, not 填报单位(盖章) with one slip: an exact label before its remark wins
    const beforeRemark = computeLabelMatch(bare, vocabulary);
    return beforeRemark && (!whole || beforeRemark.distance === 0) ? beforeRemark : whole;
  });
  return match ? { ...match, raw } as LabelMatch<C> : null;
}

/** "单位：万元" printed anywhere above the table, or a money label carrying its unit: "年度预算数(万元)". */
export const MONEY_UNIT_DECLARED = [
  /(?:^|[^\u4e00-\u9fff]|金额)单位\s*[:：]\s*(万元|元)(?![\u4e00-\u9fff])/,
  /(?:资金|预算|金额|执行|拨款|投入|支出|到位|申请|结转|总额|预算数|执行数)[^()（）\n]{0,8}[(（]\s*(万元|元)\s*[)）]/,
  // a caption wrapped under its label into a cell or line of its own: 项目资金 | (万元)
  /^[(（]\s*(万元|元)\s*[)）]$/,
];

/** Captions of a form's funds block (预算执行情况(万元)(20分) over 预算数 | 执行数 | 执行率 | 得分). */
export const FUNDS_CAPTIONS: readonly string[] = ['预算执行情况', '项目资金', '资金情况', '项目资金申请', '项目预算资金', '资金投入情况'];

/** Captions of a form's blocks: they name a section, never hold a value. */
export const SECTION_CAPTIONS: readonly string[] = [
  '基本情况', '预算执行情况', '目标完成情况', '年度绩效指标完成情况', '绩效指标', '年度绩效指标', '项目资金',
  '预算规模及资金用途', '资金支出计划', '年度总体目标', '其他说明', '项目资金申请', '资金情况', '项目总体情况', '项目预算资金', '总体目标',
  '资金投入情况',
];

/**
 * A government web page's footer and tools, which a copied page keeps after the form: who runs
 * the site, its registration numbers, its mailbox and print buttons. Never a cell of a form.
 */
export const SITE_CHROME = /^(主办|承办|协办)单位[:：]|^\S+主办\s+\S+承办$|ICP备\d|公网安备\s*\d|网站标识码|版权所有|Copyright|©|^(技术支持[:：]|网站地图$|联系我们$|公务邮箱$|内容保障$|扫一扫在手机打开|\[打印\]|\[关闭\])/;

/** A template's row number before an indicator's name: "指标1:", "指标 12：" (followed by the name). */
export const ROW_NUMBER = /^指标\s*\d{1,2}\s*(?:[:：]\s*(?=\S)|(?=[\u4e00-\u9fff(（★*]))/;

/** The rows under a form's tables: who filled it in, who signed, the finance bureau's opinion, a closing note. */
export const SIGNATURE_BLOCK = /^(填报人|填表人|联系人|联系电话|单位负责人(签字)?|财政部门审核意见|审核意见|其他需要说明的问题|其他需要说明事项|其他需要说明|其他说明事项)\s*([:：]|$)/;

/** A header label printed with its colon inside another field's value. */
export const RUN_ON_LABEL = /(填报日期|填报人|填表人|联系电话|联系人|金额单位)\s*[:：]/;
/** Column and caption words a reader may leave where a name belongs. */
export const NOT_A_NAME = /^(金额|名称|情况|综述|内容|单位|合计|小计|\/|—|-)$/;

/** Captions over a block of the form: one slip from 绩效标准, never a column or field label. */
const CAPTIONS: ReadonlySet<string> = new Set(['绩效指标', '年度绩效指标', '本年度绩效指标', '长期绩效指标', '项目绩效指标']);

/** Is this cell the caption over an indicator block (绩效指标), as printed? */
export const isBlockCaption = (text: string): boolean => CAPTIONS.has(labelKey(text));

/** A vocabulary term as matching needs it: its key and how far a printed label may be from it. */
interface TermKey<C extends string> { canonical: C; key: string; allowed: number }

/**
 * A vocabulary's terms keyed once, grouped by the length of the label keys that can reach them —
 * within the term's allowance in length, or a truncation of it — each group in the vocabulary's
 * order. A label is compared with its group alone; a key longer than every group reaches none.
 */
const termsByKeyLength = new WeakMap<object, ReadonlyArray<ReadonlyArray<TermKey<string>>>>();

function termsReachableFrom<C extends string>(vocabulary: Record<C, readonly string[]>, keyLength: number): ReadonlyArray<TermKey<C>> {
  let groups = termsByKeyLength.get(vocabulary) as ReadonlyArray<ReadonlyArray<TermKey<C>>> | undefined;
  if (!groups) {
    const terms = (Object.keys(vocabulary) as C[]).flatMap((canonical) => vocabulary[canonical].map((term) => {
      const key = labelKey(term);
      return { canonical, key, allowed: allowedDistance(key) };
    }));
    const longest = Math.max(0, ...terms.map((t) => t.key.length + t.allowed));
    groups = Array.from({ length: longest + 1 }, (_, length) => terms.filter((t) => reachable(length, t)));
    termsByKeyLength.set(vocabulary, groups);
  }
  return groups[keyLength] ?? [];
}

/** Can a label key of this length be within a term's allowance: near its length, or a truncation of it (as distanceWithin reads one)? */
function reachable(keyLength: number, term: TermKey<string>): boolean {
  const truncation = keyLength <= term.key.length && keyLength >= Math.max(3, Math.ceil(term.key.length * 0.6));
  return truncation || Math.abs(keyLength - term.key.length) <= term.allowed;
}

/** How far a label's key is from a term's, or null when further than the term allows. */
function distanceWithin(key: string, term: TermKey<string>): number | null {
  // a truncation of ≥ 60% of the term counts as one slip at most (its edit distance is the letters cut)
  const truncated = term.key.startsWith(key) && key.length >= Math.max(3, Math.ceil(term.key.length * 0.6));
  // an edit distance is at least the difference in length: most terms are ruled out without computing it
  if (!truncated && Math.abs(key.length - term.key.length) > term.allowed) return null;
  const distance = truncated ? Math.min(term.key.length - key.length, 1) : levenshtein.get(key, term.key);
  return distance <= term.allowed ? distance : null;
}

function computeLabelMatch<C extends string>(raw: string, vocabulary: Record<C, readonly string[]>): LabelMatch<C> | null {
  const key = labelKey(raw);
  if (key === '' || CAPTIONS.has(key)) return null;
  let best: LabelMatch<C> | null = null;
  for (const term of termsReachableFrom(vocabulary, key.length)) {
    const distance = distanceWithin(key, term);
    // the first of equally near terms wins; none is nearer than an exact one
    if (distance !== null && (!best || distance < best.distance)) best = { raw, canonical: term.canonical, distance };
    if (best?.distance === 0) break;
  }
  return best;
}

/**
 * An indicator-table column label. Templates with parallel 长期/中期 and 年度 column groups print
 * "二级指标(长期)" beside "二级指标(年度)": the annual group is the record's, the long-term group is
 * recognised and not stored (note).
 */
export function matchIndicatorColumn(raw: string): LabelMatch<IndicatorColumn> | null {
  // (every cell of a header or list row is asked: one lookup instead of the keys and regexes below)
  const match = columnCache.get(raw, (own) => {
    const exact = EXACT_COLUMN_LABELS[labelKey(own)];
    return exact ? { raw: own, canonical: exact, distance: 0 } : columnMatch(own);
  });
  return match ? { ...match } : null;
}
const columnCache = new BoundedCache<LabelMatch<IndicatorColumn> | null>();

function columnMatch(raw: string): LabelMatch<IndicatorColumn> | null {
  const period = /[(（]\s*(长期|中期|年度|当年)\s*[)）]\s*$/.exec(raw);
  if (!period) return matchLabel(raw, INDICATOR_COLUMNS) ?? (withoutRemark(raw) !== raw ? matchLabel(withoutRemark(raw), INDICATOR_COLUMNS) : null);
  const base = matchLabel(raw.slice(0, period.index), INDICATOR_COLUMNS);
  if (!base) return null;
  return /长期|中期/.test(period[1]!) ? { raw, canonical: 'note', distance: base.distance } : { ...base, raw };
}

export interface LevelLabel<L extends string> { canonical: L; printed: string; weight: number | null; distance: number }

/**
 * A label with a remark in brackets: "数量指标(或建筑规模指标)", "指标值(或计划水平)",
 * "时效指标(工期指标、形象进度指标)" — the remark names alternatives, the label is before it. A
 * bracketed weight ("(40分)") or money unit ("(万元)", which names the block's unit) is not a remark.
 */
export function withoutRemark(raw: string): string {
  return raw.replace(/[(（](?![\d.\s]*分\s*[)）])(?!\s*(万元|元|%)\s*[)）])[^()（）]{1,24}[)）]/g, '').trim();
}

function matchLevel<L extends string>(raw: string, names: readonly L[], aliases: Record<string, L>): LevelLabel<L> | null {
  const { label, weight } = splitLabelWeight(withoutRemark(halfWidthAlnum(raw).replace(/\s/g, '')));
  const key = labelKey(label);
  if (key.length < 2) return null;
  const alias = aliases[key];
  if (alias) return { canonical: alias, printed: raw, weight, distance: 0 };
  // 产出值, 数量值: a county's 值 for 指标; 产出目标, 数量目标: Fujian's evaluation reports' 目标 for 指标
  const asIndicator = key.replace(/(值|目标)$/, '指标');
  if (asIndicator !== key && (names as readonly string[]).includes(asIndicator)) return { canonical: asIndicator as L, printed: raw, weight, distance: 1 };
  // short labels some templates print: 数量, 产出数量, 效益满意度 for 数量指标, 满意度指标
  // (a bare 满意度 or 项目成本 is a name or a description as often as a level: only 产出数量-style
  // labels, whose prefix says they are a level, are read as one)
  const short = key.replace(/^(产出|效益)(?=.{2})/, '');
  if (short !== key) {
    const full = short.endsWith('指标') ? short : `${short}指标`;
    // 服务对象满意度 is the commonest third-level *name*: only its full label is a level
    if (full === '服务对象满意度指标') return null;
    if ((names as readonly string[]).includes(full)) return { canonical: full as L, printed: raw, weight, distance: 1 };
    const viaAlias = aliases[full] ?? aliases[short];
    if (viaAlias) return { canonical: viaAlias, printed: raw, weight, distance: 1 };
  }
  let best: LevelLabel<L> | null = null;
  for (const name of names) {
    // (a name further in length than the one slip allowed cannot be within it)
    if (Math.abs(key.length - name.length) > 1) continue;
    const d = levenshtein.get(key, name);
    if (d <= (name.length >= 4 ? 1 : 0) && (!best || d < best.distance)) best = { canonical: name, printed: raw, weight, distance: d };
  }
  return best;
}

const level1Cache = new BoundedCache<LevelLabel<(typeof LEVEL1)[number]> | null>();
const level2Cache = new BoundedCache<LevelLabel<(typeof LEVEL2)[number]> | null>();

export function matchLevel1(raw: string): LevelLabel<(typeof LEVEL1)[number]> | null {
  return level1Cache.get(raw, (own) => matchLevel(own, LEVEL1, LEVEL1_ALIASES));
}
export function matchLevel2(raw: string): LevelLabel<(typeof LEVEL2)[number]> | null {
  return level2Cache.get(raw, (own) => matchLevel(own, LEVEL2, LEVEL2_ALIASES));
}

/**
 * A level-2 label printed without its 指标 (服务对象满意度 for 服务对象满意度指标). The same words are
 * the commonest third-level *name*, so this reading is only for a cell in the level-2 place of a
 * row that prints its name after it; the row aligner decides that by the cells around it.
 */
export function matchShortLevel2(text: string): LevelLabel<Level2> | null {
  // (asked of every cell against every level-2 column of a row: one lookup)
  const match = shortLevel2Cache.get(text, (own) => {
    const t = own.replace(/\s/g, '');
    if (t.endsWith('指标') || matchLevel2(t)) return null;
    const full = matchLevel2(`${t}指标`);
    return full && full.distance === 0 ? { ...full, printed: own, distance: 1 } : null;
  });
  return match ? { ...match } : null;
}
const shortLevel2Cache = new BoundedCache<LevelLabel<Level2> | null>();

/** Every level name (canonical or an older wording of four characters or more) printed inside a text, each once. */
const LEVEL_NAMES: readonly string[] = [...new Set([...LEVEL1, ...LEVEL2, ...Object.keys(LEVEL1_ALIASES), ...Object.keys(LEVEL2_ALIASES)])]
  .filter((name) => name.length >= 4).sort((a, b) => b.length - a.length);

export function levelNamesIn(text: string): string[] {
  const found: string[] = [];
  let rest = text.replace(/\s/g, '');
  for (const name of LEVEL_NAMES) {
    if (rest.includes(name)) { found.push(name); rest = rest.split(name).join('|'); }
  }
  return found;
}

/**
 * A level label in a county's own words (预算(或投资规模)控制指标, 社会、经济、生态效益指标): it ends in
 * 指标 as level labels do and names do not, so it is a merged level cell, not a row's name.
 */
export function isOwnLevelLabel(text: string): boolean {
  const t = text.replace(/\s/g, '');
  return t.length <= 16 && t.endsWith('指标') && matchLevel1(t) === null && matchLevel2(t) === null;
}

export type Level1 = (typeof LEVEL1)[number];
export type Level2 = (typeof LEVEL2)[number];

/** Which first-level group a second-level name belongs to; several where templates differ. */
const PARENTS: Record<Level2, readonly Level1[]> = {
  数量指标: ['产出指标'], 质量指标: ['产出指标'], 时效指标: ['产出指标'], 成本指标: ['产出指标', '成本指标'],
  经济效益指标: ['效益指标'], 社会效益指标: ['效益指标'], 生态效益指标: ['效益指标'], 可持续影响指标: ['效益指标'],
  // older national templates put satisfaction under 效益指标 (社会公众或服务对象满意度指标)
  服务对象满意度指标: ['满意度指标', '效益指标'], 满意度指标: ['满意度指标'], 预算执行率: ['预算执行率指标'],
  // newer templates put them under a first-level 成本指标; Sichuan's 510000 template under 产出指标
  经济成本指标: ['成本指标', '产出指标'], 社会成本指标: ['成本指标', '产出指标'], 生态环境成本指标: ['成本指标', '产出指标'],
};

/** Where a second-level name has several parents, the one implied when none is printed. */
const USUAL_PARENT: Partial<Record<Level2, Level1>> = { 经济成本指标: '成本指标', 社会成本指标: '成本指标', 生态环境成本指标: '成本指标' };

export function isCompatible(level1: Level1 | null, level2: Level2 | null): boolean {
  return level1 === null || level2 === null || PARENTS[level2].includes(level1);
}

/** The first-level group a second-level name implies, when it implies exactly one. */
export function impliedLevel1(level2: Level2): Level1 | null {
  const parents = PARENTS[level2];
  return parents.length === 1 ? parents[0]! : USUAL_PARENT[level2] ?? null;
}

/** The 部门整体 scoring rubric's own first-level groups (决策, 过程/管理): their level-2 groups have no canonical names. */
export function isRubricLevel1(level1: Level1 | null | undefined): boolean {
  return level1 === '决策指标' || level1 === '过程指标';
}

/** The second-level name a first-level group implies, when it has only one child in every template. */
export function impliedLevel2(level1: Level1): Level2 | null {
  return level1 === '预算执行率指标' ? '预算执行率' : null;
}
