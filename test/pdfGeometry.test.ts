/** The PDF table readers on small hand-made pages: rulings to grids, spans, wrapped cells, rotation. */
import { describe, expect, it } from 'vitest';
import { cellText, type PlacedText, type Rule, uprightTurn } from '../layout/page/geometry.js';
import { latticeTables, mergeRules, splitAtSeparators } from '../layout/page/lattice.js';
import { unusableReason } from '../extractors/pdf/pageContent.js';
import { restoreRadicals } from '../extractors/pdf/radicals.js';
import { streamTable } from '../layout/page/stream.js';

const h = (at: number, from: number, to: number): Rule => ({ horizontal: true, at, from, to });
const v = (at: number, from: number, to: number): Rule => ({ horizontal: false, at, from, to });
/** a run of text at (x, baseline y), 10pt, 10pt per character */
const run = (text: string, x: number, y: number): PlacedText => ({ text, size: 10, x0: x, x1: x + 10 * text.length, y0: y - 8.8, y1: y + 1.2 });

describe('lattice tables', () => {
  // A 3×3 grid; the first column's cell spans all three rows (no rules cross column 0 inside),
  // and row 0's second cell spans columns 1–2 (no rule between them in row 0).
  const rules: Rule[] = [
    h(0, 0, 300), h(20, 100, 300), h(40, 100, 300), h(60, 0, 300),
    v(0, 0, 60), v(100, 0, 60), v(200, 20, 60), v(300, 0, 60),
  ];

  it('derives merged cells from missing separators and keeps text in the top-left slot', () => {
    const texts = [run('产出指标', 10, 15), run('项目名称', 110, 15), run('数量指标', 110, 35), run('≥95%', 210, 35), run('质量指标', 110, 55)];
    const { tables, rest } = latticeTables(rules, texts);
    expect(rest).toEqual([]);
    expect(tables).toHaveLength(1);
    const rows = tables[0]!.slots.map((slots, r) => slots.map((cell, c) => (cell.row === r && cell.col === c ? cell.text : '·')));
    expect(rows).toEqual([
      ['产出指标', '项目名称', '·'],
      ['·', '数量指标', '≥95%'],
      ['·', '质量指标', ''],
    ]);
  });

  it('joins border pieces drawn per cell into one ruling line', () => {
    const merged = mergeRules([h(10, 0, 50), h(10.4, 50.5, 120), h(10, 200, 220)]);
    expect(merged.map((r) => [r.from, r.to])).toEqual([[0, 120], [200, 220]]);
    expect(merged.every((r) => r.horizontal && Math.abs(r.at - 10.13) < 0.01)).toBe(true);
  });

  it('closes a row cut by the page bottom instead of dropping its text', () => {
    const open = [h(0, 0, 200), h(20, 0, 200), v(0, 0, 45), v(100, 0, 45), v(200, 0, 45)];
    const { tables, rest } = latticeTables(open, [run('效益指标', 10, 15), run('档案利用率', 110, 38)]);
    expect(rest).toEqual([]);
    expect(tables[0]!.openBottom).toBe(true);
    expect(tables[0]!.slots[1]![1]!.text).toBe('档案利用率');
  });
});

describe('cell text', () => {
  const cell = { x0: 0, y0: 0, x1: 80, y1: 60 };
  it('joins wrapped lines and keeps the writer\'s line breaks before list items', () => {
    expect(cellText([run('1.提高服务水', 2, 10), run('平', 2, 24), run('2.优化营商环', 2, 38), run('境', 2, 52)], cell)).toBe('1.提高服务水平\n2.优化营商环境');
  });
  it('joins a line broken before a number that did not fit', () => {
    expect(cellText([run('总体费用共', 2, 10), run('22.33万元', 2, 24)], cell)).toBe('总体费用共22.33万元');
  });
  it('keeps a short line as its own line', () => {
    expect(cellText([run('无', 2, 10), run('备注', 2, 24)], cell)).toBe('无\n备注');
  });
});

describe('unruled tables', () => {
  it('finds columns from white space and rows from text lines', () => {
    const texts = [
      run('标题行', 0, 10),
      run('一级指标', 0, 40), run('二级指标', 100, 40), run('指标值', 200, 40),
      run('产出指标', 0, 60), run('数量指标', 100, 60), run('≥95%', 200, 60),
      run('质量指标', 100, 80), run('100%', 200, 80),
    ];
    const found = streamTable(texts)!;
    expect(found.rest.map((r) => r.text)).toEqual(['标题行']);
    expect(found.table.rows.map((row) => row.map((c) => c.text))).toEqual([
      ['一级指标', '二级指标', '指标值'],
      ['产出指标', '数量指标', '≥95%'],
      ['', '质量指标', '100%'],
    ]);
  });
  it('finds no table in prose', () => {
    expect(streamTable([run('这是一段说明文字', 0, 10), run('第二行说明文字', 0, 24)])).toBeNull();
  });
});

describe('page text layer', () => {
  it('turns pages so text reads left to right', () => {
    expect(uprightTurn([[1, 0], [1, 0]])).toBe(0);
    expect(uprightTurn([[0, 1], [0, 1], [1, 0]])).toBe(3);
    expect(uprightTurn([[0, -1]])).toBe(1);
  });
  it('restores CJK radicals PDF producers emit for ideographs, in simplified form', () => {
    expect(restoreRadicals('项⽬⻔户⼾')).toBe('项目门户户');
  });
  it('flags a garbled or missing text layer', () => {
    expect(unusableReason('')).toMatch(/no text layer/);
    expect(unusableReason('\ue001\ue002\ue003\ue004 ab')).toMatch(/garbled/);
    expect(unusableReason('项目支出绩效自评表')).toBeNull();
    // glyph ids read as code points: rare ideographs and symbols (from a PDF without ToUnicode)
    expect(unusableReason('Ⱳ⪙☪十筺┞䄑迚顅⟌ꄫ箄䷊汘別輤䬉끿䄑✅☪十䏃霈ⱴ')).toMatch(/only \d+% of characters are common/);
    expect(unusableReason('2021年度项目支出绩效自评表 填报单位：石家庄高新技术产业开发区行政服务局 ≥95% 100%')).toBeNull();
  });
});

describe('runs joined across a cell separator', () => {
  const run = (text: string, x0: number, x1: number): PlacedText => ({ text, x0, x1, y0: 100, y1: 109, size: 8.8 });
  it('cuts a run pdf.js joined across a rule where a space stands at it (office-suite PDFs)', () => {
    // a right-aligned score against the next cell's left-aligned note: "5" ends 0.8 pt before the rule at 676.4
    const parts = splitAtSeparators(run('5 救助对象实行动态管理', 670.7, 765.4), [627.2, 676.4]);
    expect(parts.map((p) => p.text)).toEqual(['5', '救助对象实行动态管理']);
    expect(parts[0]!.x1).toBeLessThanOrEqual(676.4);
    expect(parts[1]!.x0).toBeGreaterThanOrEqual(676.4);
    expect(splitAtSeparators(run('★★★困难群众救助人数(按月平均) >=3620人', 246.2, 444.7), [245.3, 405.4, 491.7]).map((p) => p.text))
      .toEqual(['★★★困难群众救助人数(按月平均)', '>=3620人']);
  });
  it('keeps a run whole when no space stands at the rule (text overflowing into an empty neighbour)', () => {
    expect(splitAtSeparators(run('服务周期内市民满意度调查', 100, 205.6), [150]).map((p) => p.text)).toEqual(['服务周期内市民满意度调查']);
    expect(splitAtSeparators(run('2023.07 - 2024.01', 100, 170), [160]).map((p) => p.text)).toEqual(['2023.07 - 2024.01']);
  });
});
