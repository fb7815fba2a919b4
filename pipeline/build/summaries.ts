/** 汇总表: one record per row of a summary table of a department's projects. */
import { finish } from './draft.js';


import { matchLabel } from '../../forms/vocabulary.js';
import { type BuildContext, type Built, FormDraft } from './draft.js';
import { readHeaderLines } from './header.js';
import { prepareRow } from '../cells.js';
import { FormSegment } from '../../schemas/document.js';
const SUMMARY_COLUMNS = {
  seq: ['序号'],
  implementing_unit: ['资金使用单位(科室)名称', '资金使用单位', '单位名称', '预算单位'],
  project_name: ['项目名称'],
  funds: ['资金', '项目资金', '预算金额', '资金总额', '全年预算数'],
  score: ['自评得分', '得分'],
  grade: ['自评等级', '等级'],
  contact: ['联系人及电话', '联系人'],
} as const;
type SummaryColumn = keyof typeof SUMMARY_COLUMNS;

export function buildSummaries(segment: FormSegment, ctx: BuildContext): Built[] {
  const out: Built[] = [];
  let header: Array<{ column: SummaryColumn; col: number }> = [];
  const rows = segment.tables.flatMap((t) => t.rows);
  for (const row of rows) {
    const { cells } = prepareRow(row);
    const matched = cells.map((c) => ({ c, m: matchLabel(c.text, SUMMARY_COLUMNS) })).filter((x) => x.m);
    if (matched.length >= 3) { header = matched.map((x) => ({ column: x.m!.canonical, col: x.c.col })); continue; }
    if (header.length === 0) continue;
    const at = (column: SummaryColumn) => {
      const h = header.find((x) => x.column === column);
      return h ? cells.find((c) => c.col === h.col) : undefined;
    };
    const name = at('project_name');
    if (!name) continue;
    const draft = new FormDraft(segment, { ...ctx, formIndex: ctx.formIndex + out.length });
    readHeaderLines(draft, segment);
    draft.record.amount_unit = draft.amountUnit;
    draft.setText('project_name', name.text, name.origin, name.repairs);
    const unit = at('implementing_unit');
    if (unit) draft.setText('implementing_unit', unit.text, unit.origin, unit.repairs);
    const funds = at('funds');
    if (funds) draft.setMoney('adjusted_budget', false, funds, funds.text, funds.repairs);
    const score = at('score');
    if (score) draft.setNumber('total_score', score, score.text, score.repairs);
    const grade = at('grade');
    if (grade) { draft.record.grade = grade.text; draft.log.add('grade', grade.text, grade.origin, grade.repairs); }
    const contact = at('contact');
    if (contact) {
      const m = /^(.*?)[\s,，]*([\d-]{5,})$/.exec(contact.text.replace(/\n/g, ' '));
      draft.record.contact = { filler: (m ? m[1]! : contact.text).trim() || null, phone: m ? m[2]! : null };
      draft.log.add('contact', contact.text, contact.origin, contact.repairs);
    }
    out.push(finish(draft));
  }
  return out;
}

