/**
 * Building records: given one form segment, return its contract record(s) and the provenance of
 * every field. Rows are read in order by a small state machine (header → funds → goals →
 * indicators → closing rows); each kind of row has its reader in pipeline/build/, and the
 * indicator block is aligned by content (indicators.ts).
 */
import type { FormSegment, Repair } from '../schemas/document.js';
import { DOCUMENT_NUMBER } from '../forms/titles.js';
import { matchLevel1, matchLevel2, SITE_CHROME } from '../forms/vocabulary.js';
import { prepareRow } from './cells.js';
import { type BuildContext, type Built, FormDraft, finish, titleOrigin } from './build/draft.js';
import { readHeaderLines } from './build/header.js';
import { finishIndicators, indicatorHeaderOf, isClosingRow, readIndicatorRow, withGradeSubHeader } from './build/indicatorRows.js';
import { readClosingRow, readFundsCaptionWeight, readLabelRow } from './build/labelRows.js';
import { buildSummaries } from './build/summaries.js';

export type { BuildContext, Built };

/** Repairs of the flattened reader that cut cells out of a run of numbers (layout/flattened/digitRuns.ts). */
const NUMBERS_CUT: ReadonlySet<string> = new Set(['digit_run_cut_by_arithmetic', 'target_cut_from_name']);

/** Whether any cell of the segment's tables was read by a repair the rule names (how the extractor read it). */
function anyCellRepaired(segment: FormSegment, isRule: (rule: string) => boolean): boolean {
  return segment.tables.some((t) => t.rows.some((r) => r.some((c) => c.repairs?.some((p) => isRule(p.rule)))));
}

/** Given one form segment, return its record(s): one for a form, one per row for a summary table. */
export function buildRecords(segment: FormSegment, ctx: BuildContext): Built[] {
  if (segment.kind === 'summary') return buildSummaries(segment, ctx);
  const draft = new FormDraft(segment, ctx);
  readHeaderLines(draft, segment);
  // never silent: a table rebuilt from the order of its cells (flattened text) is a guess at every row
  if (anyCellRepaired(segment, (rule) => rule === 'cell_order_rebuilt')) {
    draft.issue('indicators', 'rows_rebuilt', 'the table structure was lost: rows and columns were rebuilt from the order of the cells');
  }
  // a rubric found by its shape: neither a title nor a header said what it is or which number is whose
  if (anyCellRepaired(segment, (rule) => rule === 'rubric_read_by_shape')) {
    draft.issue('indicators', 'rubric_read_by_shape', 'the form was read without a title or column header: it was recognised as a scoring rubric by its group captions and numbers, and which number belongs to which row was inferred from the order the text printed them');
  }
  // never silent: numbers a dump printed together were cut where the arithmetic holds, not read apart
  if (anyCellRepaired(segment, (rule) => NUMBERS_CUT.has(rule))) {
    draft.issue('indicators', 'numbers_cut_by_arithmetic', 'numbers printed together with no separator were cut into the header\'s columns where the form\'s arithmetic holds; the cut is inferred, not read');
  }
  let state: 'form' | 'indicators' | 'closing' | 'page' = 'form';
  for (const table of segment.tables) {
    // a row the input ended inside is not read, but a level name it opens with ends the block above it
    const opening = table.unreadTail?.slice(0, 2).map((t) => matchLevel2(t)).find((l) => l !== null);
    if (opening) draft.levelAfterRows = opening.canonical;
    for (const row of table.rows) {
      const { cells, placeholders } = prepareRow(row);
      if (cells.length === 0 && placeholders.length === 0) continue;
      // a copied web page's footer: the form ended above it (rows after it that hold a level name or a
      // rate are no footer: never dropped silently)
      if (state === 'page' || SITE_CHROME.test(cells[0]?.text.trim() ?? '')) {
        state = 'page';
        if (cells.some((c) => matchLevel1(c.text) !== null || matchLevel2(c.text) !== null || /\d%$/.test(c.text.trim()))) {
          draft.issue('indicators', 'rows_after_page_footer', `a row after the page footer was not read: "${cells.map((c) => c.text).join(' | ').slice(0, 60)}"`);
        }
        continue;
      }
      // (inside the indicator rows, a header row is the header repeated after a page break, or the
      // next part's own columns: read the rows after it under it)
      {
        const header = indicatorHeaderOf(cells);
        if (header) {
          const unknownBefore = new Set(draft.indicatorHeader.map((h) => h.unknown));
          draft.indicatorHeader = header;
          for (const h of header.filter((x) => x.unknown !== undefined && !unknownBefore.has(x.unknown))) draft.issue('indicators', 'unmapped_column', `the indicator table's column "${h.unknown}" maps to no known column; its cells were not stored`);
          state = 'indicators';
          continue;
        }
      }
      // a graded table's sub-header (优 | 良 | 中 | 差) under its caption: one column per grade
      const graded = state === 'indicators' ? withGradeSubHeader(draft.indicatorHeader, cells) : null;
      if (graded) { draft.indicatorHeader = graded; continue; }
      if (state === 'indicators' && isClosingRow(cells)) state = 'closing';
      if (state === 'indicators') readIndicatorRow(draft, cells, placeholders);
      else if (state === 'closing') readClosingRow(draft, cells);
      else readLabelRow(draft, cells);
    }
  }
  // Only when no 项目名称 cell was printed: "3、保障房易地建设评估费绩效目标表" names the project.
  // (a title that names a document, "某财社〔2023〕45号提前下达…", names an allocation of funds, no project)
  if (draft.record.project_name === null && segment.title && !DOCUMENT_NUMBER.test(segment.title)) {
    const fromTitle = segment.title.replace(/\s/g, '').replace(/(项目支出绩效自评表|项目绩效自评表|绩效自评表|项目绩效目标表|绩效目标表|自评表)$/, '');
    if (fromTitle && fromTitle !== segment.title.replace(/\s/g, '')) draft.setText('project_name', fromTitle, titleOrigin(segment), [...(segment.titleRepairs ?? []), { rule: 'project_name_from_title', before: segment.title, after: fromTitle, confidence: 0.9 }]);
  }
  const amount = draft.projectAmount;
  if (draft.record.funds.adjusted_budget === null && amount?.value && amount.text !== null) {
    const repair: Repair = { rule: 'project_amount_as_budget', before: amount.label.text, after: 'funds.adjusted_budget', confidence: 0.9 };
    draft.setMoney('adjusted_budget', false, amount.value, amount.text, [...amount.repairs, repair]);
  }
  readFundsCaptionWeight(draft);
  finishIndicators(draft);
  return [finish(draft)];
}
