import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectBlocks } from '../layout/detectTables.js';
import { decodeText } from '../extractors/ocrText.js';
import iconv from 'iconv-lite';

const tableOf = (lines: string[]) => detectBlocks(lines).filter((b) => b.kind === 'table').map((b) => (b.kind === 'table' ? b.table : null)!);

describe('table detection', () => {
  it('reads markdown pipe tables and skips the separator row', () => {
    const [t] = tableOf(['## 标题', '| a | b |', '|---|---|', '| 一级指标 | 二级指标 |']);
    expect(t!.format).toBe('markdown');
    expect(t!.rows.map((r) => r.map((c) => c.text.trim()))).toEqual([['a', 'b'], ['一级指标', '二级指标']]);
  });
  it('reads tab-separated blocks and keeps prose apart', () => {
    const blocks = detectBlocks(['6、档案扫描服务费绩效目标表', '一级指标\t二级指标\t三级指标', '产出指标\t质量指标\t数字化档案合格率']);
    expect(blocks.map((b) => b.kind)).toEqual(['text', 'table']);
  });
  it('continues a table whose header row is repeated after a page break', () => {
    const header = '一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据';
    const tables = tableOf([header, '产出指标\t数量指标\tx\ty\t≥10台/套\t年度计划', '', header, '满意度指标\t服务对象满意度指标\t群众满意度\tz\t≥90%\t行业标准']);
    expect(tables).toHaveLength(1);
    expect(tables[0]!.rows).toHaveLength(3);
  });
  it('parses HTML tables with unescaped text, colspan and rowspan', () => {
    const [t] = tableOf(['<table><tr><td rowspan="2">产出指标</td><td colspan="2">数量 < 5 & more</td></tr>', '<tr><td>a</td><td>b</td></tr></table>']);
    expect(t!.rows.map((r) => r.map((c) => c.text))).toEqual([['产出指标', '数量 < 5 & more', ''], ['', 'a', 'b']]);
  });
  it('decodes GBK text and UTF-8 with a BOM', () => {
    expect(decodeText(iconv.encode('项目支出绩效自评表', 'gbk')).text).toBe('项目支出绩效自评表');
    expect(decodeText(Buffer.from('\ufeff年度', 'utf8')).text).toBe('年度');
  });
  it('never throws on arbitrary lines', () => {
    fc.assert(fc.property(fc.array(fc.string()), (lines) => { detectBlocks(lines); }));
  });
});
