/**
 * What a form inherits from its document (the contract's "What a form inherits from its
 * document"): where a form prints no 年度 or no 填报单位/预算部门, the nearest heading or title
 * before it that states them gives `year` and `filing_unit` ("2020年行政服务局部门预算情况说明",
 * "某区统计局2024年项目支出绩效目标表"). A value the form prints always wins, and the field's
 * provenance says it came from the document.
 */
import type { Block, FieldProvenance, FormSegment, TextBlock } from '../schemas/document.js';
import type { FormRecord } from '../schemas/record.js';
import { OCR_TEXT_CONFIDENCE } from './provenance.js';

/** A year a heading states: "2020年", "2020 年度" — not a date ("2024年4月15日") or a time range. */
const STATED_YEAR = /((?:19|20)\d{2})\s*年(?:度)?(?!\s*\d{1,2}\s*月)/;
/** An organisation named before the year: "XX局2020年…", "XX中学 2022年度…". */
const ORG_SUFFIX = '局|委员会|委|办公室|办|院|中心|政府|所|站|馆|协会|联合会|厅|处|队|学校|小学|中学|幼儿园|医院|街道办事处';
const UNIT_BEFORE_YEAR = new RegExp(`^(?:\\d{6})?([\\u4e00-\\u9fff()（）]{2,30}?(?:${ORG_SUFFIX}))(?:19|20)\\d{2}年`);

/** "某县实验小学项目支出绩效目标表(2024年度)": a form's title with its unit in front and no year between. */
const UNIT_BEFORE_FORM = new RegExp(`^(?:\\d{6})?([\\u4e00-\\u9fff()（）]{2,30}?(?:${ORG_SUFFIX}))(?:项目支出|部门整体支出|整体支出)(?:绩效)?(?:目标|自评|评价)`);

/** "2020年行政服务局部门预算情况说明": the unit a 部门预算/决算 heading names after its year. */
const UNIT_AFTER_YEAR = new RegExp(`^(?:19|20)\\d{2}年度?(${'[\\u4e00-\\u9fff]{2,20}?'}(?:${ORG_SUFFIX}))(?:部门|单位)?(?:预算|决算|整体|绩效|项目)`);

/** Words that end the name of a budget unit. */
/** Characters that come before a name in a sentence, never begin one ("现将高新区…"). */
const NOT_NAME_START = /^[将现对由为是的在和与及按据经向]/;

/**
 * The unit as the document writes it in full elsewhere: "行政服务局" is "高新区行政服务局" where the
 * text says "现将高新区行政服务局 2020 年部门预算公开如下". The longest place-name prefix (ending
 * in 区/市/县/省/镇/乡/旗/州) printed right before the name wins.
 */
function fullName(blocks: readonly Block[], unit: string): string {
  let best = unit;
  for (const block of blocks) {
    if (block.kind !== 'text') continue;
    const text = block.text.replace(/\s/g, '');
    for (let at = text.indexOf(unit); at >= 0; at = text.indexOf(unit, at + 1)) {
      const before = text.slice(Math.max(0, at - 14), at);
      for (let k = 0; k < before.length; k++) {
        const prefix = before.slice(k);
        if (/[区市县省镇乡旗州]$/.test(prefix) && /^[\u4e00-\u9fff]+$/.test(prefix) && !NOT_NAME_START.test(prefix) && prefix.length + unit.length > best.length) {
          best = prefix + unit;
          break;
        }
      }
    }
  }
  return best;
}

/** Confidence in a value taken from the document rather than the form. */
const INHERITED_CONFIDENCE = 0.9;

function headingsBefore(blocks: readonly Block[], line: number): TextBlock[] {
  return blocks
    .filter((b): b is TextBlock => b.kind === 'text' && b.line <= line && b.text.replace(/\s/g, '').length <= 80)
    .reverse();
}

function inherited(formIndex: number, field: string, block: TextBlock, value: string): FieldProvenance {
  const repair = { rule: 'inherited_from_document', before: block.text, after: value, confidence: INHERITED_CONFIDENCE };
  return {
    form_index: formIndex, field, raw: block.text, repairs: [repair],
    origin: { table: null, row: null, col: null, line: block.line, page: block.page, bbox: block.bbox },
    confidence: Math.round(OCR_TEXT_CONFIDENCE * INHERITED_CONFIDENCE * 1000) / 1000,
  };
}

export function firstLineOf(segment: FormSegment): number {
  return segment.titleLine ?? segment.headerLines[0]?.line ?? segment.tables[0]?.firstLine ?? 0;
}

/**
 * Fill a built record's missing year and filing unit from its own header lines, then from the
 * document's headings before its first form (a heading between two forms belongs to the form
 * above it, not to the document).
 */
export function inheritFromDocument(blocks: readonly Block[], segment: FormSegment, record: FormRecord, documentHeadEnd: number): FieldProvenance[] {
  const added: FieldProvenance[] = [];
  const own = segment.headerLines.map((h) => ({ kind: 'text' as const, text: h.text, line: h.line, page: h.page, bbox: h.bbox }));
  const texts = [...own, ...headingsBefore(blocks, Math.min(firstLineOf(segment), documentHeadEnd) - 1)];
  for (const block of texts) {
    if (record.year === null) {
      const year = STATED_YEAR.exec(block.text);
      if (year) {
        record.year = Number(year[1]);
        added.push(inherited(record.source.form_index, 'year', block, year[1]!));
      }
    }
    if (record.filing_unit === null) {
      const compact = block.text.replace(/\s/g, '');
      // a heading names the unit; a sentence ("现将某局2021年部门预算公开如下。") only mentions it
      const heading = !/[。，,；;]/.test(compact);
      const unit = heading ? [UNIT_BEFORE_YEAR, UNIT_AFTER_YEAR, UNIT_BEFORE_FORM].map((p) => p.exec(compact)?.[1]).find(Boolean) : undefined;
      if (unit && !NOT_NAME_START.test(unit)) {
        const full = fullName(blocks, unit);
        record.filing_unit = full;
        added.push(inherited(record.source.form_index, 'filing_unit', block, full));
      }
    }
    if (record.year !== null && record.filing_unit !== null) break;
  }
  return added;
}
