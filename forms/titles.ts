/**
 * Form titles: the family of titles a county gives its forms (绩效自评表, 绩效目标表 and their kin),
 * the title text the contract keys, and the cells that open a form. Shared by the extractors (a PDF
 * page that opens a new form) and the segment stage.
 */
import type { FormSegment } from '../schemas/document.js';
import { labelKey } from './text.js';
import { FIELD_LABELS, HEADER_BLOCK_FIELDS, matchLabel } from './vocabulary.js';

export interface FormTitle { kind: FormSegment['kind']; title: string }

/** Strip markdown heading marks, bold marks and list numbering ("3、", "1.", "(二)") from a line. */
export function bareLine(text: string): string {
  return text.replace(/^#+\s*/, '').replace(/\*\*/g, '').replace(/^\s*[(（]?[0-9一二三四五六七八九十]+[)）]?\s*[、.．]\s*/, '').trim();
}

export const YEAR_SUFFIX = /\s*[(（]\s*\d{4}\s*年度?\s*[)）]\s*$/;

/**
 * The family of form titles, whatever a county calls its form: a 表 whose name says it records
 * performance targets or a self-evaluation — 绩效自评表, 绩效目标表 and their kin 申报表, 批复表,
 * 填报表, 评价表, 目标自评表, 区域/部门整体 forms — or a 汇总表 of them.
 */
const FORM_FAMILY = /绩效|自评|目标(申报|批复|填报|审核)?表$/;

/** A document's number: a year, then its serial, then 号 ("〔2023〕45号", "202345号" with the brackets lost). */
export const DOCUMENT_NUMBER = /[〔[(（]?\d{4}[〕\])）]?\d{1,4}号/;

/** "1、", "附件2：", "附表：" before a title, and a leading "2020年度" or "XX局2020年" (the key keeps the form's own name). */
export function titleText(line: string): string {
  const bare = ownNumberedTitle(line.replace(/^(附件|附表)\s*\d*\s*[:：.、]?\s*/, '').replace(/^\d{1,2}\s*[.、．]\s*/, ''));
  const afterYear = /^([^\s]{0,30}?)(?:19|20)\d{2}\s*年度?\s*(.{4,})$/.exec(bare);
  // "某财社2023045号提前下达2024年…": what precedes the year is a document number, not an issuer
  const issuer = afterYear && !DOCUMENT_NUMBER.test(afterYear[1]!);
  return withoutIssuer((issuer ? afterYear[2]! : bare).trim());
}

/**
 * A document's heading run onto the line of its numbered form ("2024年预算项目绩效目标 1、某局…绩效目标表",
 * a mirror that joined the lines): the form's own title is the numbered one after the space.
 */
function ownNumberedTitle(text: string): string {
  const numbered = /\s\d{1,2}\s*[、．.]\s*(\S.*)$/.exec(text);
  return numbered && parseTitle(numbered[1]!) !== null ? numbered[1]! : text;
}

/**
 * The issuing place printed before a template's own title: 某市 | 财政项目支出绩效目标批复表,
 * 某省某市 | 市级预算部门…申报表. Only where the template's words follow (项目, 财政, 部门, 转移支付, 市级 …),
 * so a project named after a district (老旧小区改造项目…) keeps its name.
 */
function withoutIssuer(title: string): string {
  const beforeTemplate = title.replace(/^(?:[\u4e00-\u9fff]{2,6}?(?:省|自治区|市|县|区|旗|盟|州))+(?=项目|财政|部门|预算|本级|中央|专项|转移支付|(?:省|市|县|区)级)/, '');
  if (beforeTemplate !== title) return beforeTemplate;
  // a county printed before the project's own name (某某县 | 农村饮水安全项目绩效评价指标表): a name of two
  // to four characters and 县 is a county's, where …区 may be a project's (老旧小区) and …市 a word (农贸市场);
  // 县城, 县道, 县级 … go on with the word, not a new one; and a word that ends in 县 names a kind of
  // county, not one (产粮大县奖励资金, 贫困县涉农资金, 示范县创建, 试点县奖补): it is the project's name
  const county = /^(?:[\u4e00-\u9fff]{2,6}?(?:省|自治区|市))*([\u4e00-\u9fff]{2,4}?)县(?![级城域委乡镇区道直属内外际])(?=.{4,})/.exec(title);
  return county && !KIND_OF_COUNTY.test(county[1]!) ? title.slice(county[0].length) : title;
}

/** What a word before 县 ends with where it names a kind of county: 产粮大县, 贫困县, 示范县, 试点县, 百强县. */
const KIND_OF_COUNTY = /(?:大|贫困|示范|试点|重点|强|先进|达标|样板|脱贫|山区|边境|民族|革命老区|老区|郊|全|各|本|该|区|市|州|旗|郡)$/;

/** The bracket after 表 that names a fund or a project: 绩效目标表(政府性基金). */
const TITLE_REMARK = /(?<=表)\s*[(（]([^()（）]{1,24})[)）]\s*$/;

/**
 * Do two titles name one form (a page heading over the form's own title)? One ends with the other
 * ("某局雾炮车…项目支出绩效目标申报表" over "项目支出绩效目标申报表"), and they name no two different funds
 * (an attachment list: 1.绩效目标表(本级资金) 2.绩效目标表(政府性基金)).
 */
export function sameForm(a: string, b: string): boolean {
  const remarkA = TITLE_REMARK.exec(a)?.[1];
  const remarkB = TITLE_REMARK.exec(b)?.[1];
  if (remarkA && remarkB && remarkA !== remarkB) return false;
  const core = (t: string) => titleText(t).replace(TITLE_REMARK, '').replace(/\s/g, '');
  return core(a).endsWith(core(b)) || core(b).endsWith(core(a));
}

/**
 * A line of a notice's attachment list (附件:1.…安排表 / 2.…绩效目标表): it names a form attached
 * further down, it does not head one. Given the line, the lines before it (nearest last) and what
 * follows it: a numbered title followed by its form (a table, a label of its header) heads that form.
 */
export function inAttachmentList(line: string, before: readonly string[], next: string | null): boolean {
  if (!/^\s*\d{1,2}\s*[.、．]/.test(line)) return false;
  if (next === null || opensFormCell(next) || /^[一二三四五六七八九十]+、?(项目)?基本(情况|信息)/.test(next)) return false;
  for (const previous of [...before].reverse()) {
    if (/^\s*附件\s*[:：]/.test(previous)) return true;
    if (!/^\s*\d{1,2}\s*[.、．]/.test(previous)) return false;
  }
  return false;
}

/** Labels of the lines printed above a form's table: who filed it, when, in what unit. */
const HEADER_LINE_LABELS = '序号|年度|填报单位|预算部门|金额单位|单位|填报人|联系电话|联系人';

/**
 * A line printed above a form's table with its value after a colon (单位:万元, 填报人:…), or the
 * year in brackets under the title. The flattened reader cuts every other label into cells itself.
 */
export const HEADER_LINE = new RegExp(String.raw`^(${HEADER_LINE_LABELS})\s*[:：]|^[(（]?\s*\d{4}\s*年度?\s*[)）]?$`);

/**
 * In a text document the form's own header fields are lines too (项目名称:…, 主管部门:…), and so is a
 * budget code before a unit's name (123001 某局); the year stands in brackets.
 */
export const TEXT_HEADER_LINE = new RegExp(String.raw`^(${HEADER_LINE_LABELS}|项目名称|项目编码|主管部门|实施单位)\s*[:：]|^[(（]\s*\d{4}\s*年度?\s*[)）]$|^\d{6}\s+\S`);

/** Recognise a form title line: any title of the family, with its kind. */
export function parseTitle(text: string): FormTitle | null {
  // every title ends in 表, and the steps below only take characters away: most cells have none
  if (!text.includes('表')) return null;
  const line = bareLine(text).replace(YEAR_SUFFIX, '');
  if (line.length > 80) return null;
  // a bracket after 表 names the fund or the project: 绩效目标表(本级资金)
  const compact = line.replace(/\s/g, '').replace(/(?<=表)[(（][^()（）]{1,24}[)）]$/, '');
  if (!/表$/.test(compact) || !FORM_FAMILY.test(compact) || /[。；;]/.test(compact)) return null;
  const title = line;
  if (/汇总表$/.test(compact)) return { kind: 'summary', title };
  // the word nearest the end names the form: 绩效目标自评表 evaluates, 绩效评价指标表 sets targets
  const last = [...compact.matchAll(/自评|评价|得分|目标|指标/g)].pop()?.[0];
  if (last === undefined) return null;
  return { kind: /自评|评价|得分/.test(last) ? 'self_evaluation' : 'performance_target', title };
}

/**
 * A budget platform's export prints its form's heading as the table's own first row and leaves out
 * the 表 (部门整体绩效目标, 项目支出绩效目标): read as a title only there, where no goal label can stand
 * alone; in running text the same words head a goal, not a form.
 */
export function tableHeadingTitle(text: string): FormTitle | null {
  const line = bareLine(text).replace(YEAR_SUFFIX, '').replace(/\s/g, '');
  return /^[\u4e00-\u9fff()（）]{0,30}(部门整体|整体支出|项目支出)(支出)?绩效目标$/.test(line) ? { kind: 'performance_target', title: bareLine(text).replace(YEAR_SUFFIX, '') } : null;
}

/** Labels of a form's header block: a table row holding one begins a form, never continues one. */

/** A cell that opens a form: a title of the family, or a label of the header block (项目名称, 主管部门 …). */
export function opensFormCell(text: string): boolean {
  if (parseTitle(text) !== null) return true;
  const key = labelKey(text);
  return key.length >= 2 && key.length <= 10 && HEADER_BLOCK_FIELDS.has(matchLabel(text, FIELD_LABELS)?.canonical ?? '');
}

