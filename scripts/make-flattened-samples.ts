/**
 * Flattened-text samples: seed forms whose table structure was lost, in the shapes archives hold
 * them — one long line, one cell per line, pipe cells with rows run together, adjacent numbers
 * run together, and noise around the form. Each sample's expected records are the seed's
 * hand-checked records for the same forms (only `source` and `id` change).
 *
 *   npx tsx scripts/make-flattened-samples.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../extractors/ocrText.js';
import { detectBlocks } from '../layout/detectTables.js';
import { segmentForms } from '../pipeline/segment.js';
import { sha256Of } from '../pipeline/process.js';
import { stripMarkup, unLatex } from '../forms/text.js';
import type { FormSegment } from '../schemas/document.js';
import { seedExpected, seedForms } from './seedForms.js';
import { writeRecords } from '../test/golden.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'samples', 'flattened');

type Shape = 'one_line' | 'cell_per_line' | 'pipes_run_together' | 'numbers_run_together' | 'noisy';

interface Spec { name: string; seed: string; forms: number[]; shape: Shape; note: string }

const SPECS: Spec[] = [
  { name: 'one_line', seed: '000_3121bed7dfbd76d2', forms: [0, 2], shape: 'one_line', note: 'every cell of two forms on one line, separated by single spaces' },
  { name: 'cell_per_line', seed: '003_16052ebbc3505be3', forms: [1], shape: 'cell_per_line', note: 'one cell per line, blank lines between some' },
  { name: 'pipes_run_together', seed: '001_d0072111a6d4e4f8', forms: [2, 3], shape: 'pipes_run_together', note: 'pipe-separated cells, three rows per line, no header separator' },
  { name: 'numbers_run_together', seed: '000_3121bed7dfbd76d2', forms: [4], shape: 'numbers_run_together', note: 'one line; adjacent numeric cells printed with no separator' },
  { name: 'noisy', seed: '003_16052ebbc3505be3', forms: [2], shape: 'noisy', note: 'one cell per line inside document properties, page furniture, a prose summary and a cut-off trailing row' },
];

/** A cell as a reader sees it: markup and LaTeX gone, inner line breaks as spaces. */
const printed = (raw: string): string => stripMarkup(unLatex(raw)).replace(/\s*\n\s*/g, ' ').trim();

/** The form as rows of printed cells (empty cells dropped, as flattening loses them), title first. */
function formRows(segment: FormSegment): string[][] {
  const rows: string[][] = [];
  if (segment.title) rows.push([segment.title]);
  for (const h of segment.headerLines) rows.push([printed(h.text.replace(/^#+\s*/, ''))]);
  for (const table of segment.tables) {
    for (const row of table.rows) {
      const cells = row.map((c) => printed(c.text)).filter((t) => t !== '');
      if (cells.length > 0) rows.push(cells);
    }
  }
  return rows;
}

const NUMERIC = /^[≥≤<>=]?\d[\d.,]*%?$/;

function render(rows: string[][], shape: Shape): string {
  switch (shape) {
    case 'one_line':
      return rows.flat().join(' ') + '\n';
    case 'cell_per_line':
      return rows.map((row, i) => row.join('\n') + (i % 3 === 2 ? '\n' : '')).join('\n') + '\n';
    case 'pipes_run_together': {
      const lines: string[] = [];
      for (let i = 0; i < rows.length; i += 3) lines.push(`| ${rows.slice(i, i + 3).flat().join(' | ')} |`);
      return lines.join('\n') + '\n';
    }
    case 'numbers_run_together':
      // adjacent numeric cells glued: "10 87.5万页 10" stays, "100% 10" becomes "100%10"
      return rows.map((row) => row.reduce((out, cell, i) => (i > 0 && NUMERIC.test(row[i - 1]!) && /^[≥≤<>=\d]/.test(cell) ? `${out}${cell}` : `${out}${i > 0 ? ' ' : ''}${cell}`), '')).join(' ') + '\n';
    case 'noisy': {
      const body = rows.map((row) => row.join('\n')).join('\n');
      return [
        '标题: 项目支出绩效自评表', '作者: 财政局', '创建时间: 2022-03-01 09:12', '页数: 3', '',
        '说明：本表请于3月31日前报送。本项目年度资金总额、执行数与执行率见下表，总分按指标得分合计。', '',
        body.split('\n').slice(0, 40).join('\n'), '第 1 页 共 2 页', body.split('\n').slice(40).join('\n'),
        // the next form starts but the file is cut off mid-row
        '项目支出绩效自评表', '项目名称', '（截断的项目）', '一级指标', '二级指标', '三级指标', '产出指标', '数量指标',
      ].join('\n') + '\n';
    }
  }
}

function make(spec: Spec): void {
  const forms = seedForms(spec.seed);
  const expected = seedExpected(spec.seed);
  const chosen = spec.forms.map((index) => {
    const form = forms.find((f) => f.records.length === 1 && f.records[0] === index);
    if (!form) throw new Error(`${spec.seed}: record ${index} is not a single-record form`);
    return { rows: formRows(form.segment), record: expected[index]! };
  });
  const text = chosen.map((c) => render(c.rows, spec.shape)).join(spec.shape === 'one_line' ? '' : '\n');
  const file = `${spec.name}.txt`;
  writeFileSync(join(OUT, file), text);
  const sha256 = sha256Of(Buffer.from(text));
  const records = chosen.map(({ record }, formIndex) => ({ ...record, id: `${sha256}:${formIndex}`, source: { file, sha256, page: null, form_index: formIndex } }));
  writeRecords(join(OUT, `${spec.name}.expected.jsonl`), records);
  console.log(`${file}: ${records.length} forms — ${spec.note}`);
}

/** The unseen county's form (test/unseen.test.ts holds its hand-read values), one long line. */
function makeUnseen(): void {
  const input = join(ROOT, 'test', 'fixtures', 'unseen', 'county_b_self_evaluation_gbk.txt');
  const { segments } = segmentForms(detectBlocks(decodeText(readFileSync(input)).text.split(/\r\n|\r|\n/)));
  writeFileSync(join(ROOT, 'test', 'fixtures', 'unseen', 'county_b_flattened.txt'), segments.map((s) => render(formRows(s), 'one_line')).join(''));
  console.log('test/fixtures/unseen/county_b_flattened.txt');
}

mkdirSync(OUT, { recursive: true });
for (const spec of SPECS) make(spec);
makeUnseen();
