/**
 * A form from a county the pipeline was not built on: HTML table with row/col spans, GBK with CRLF,
 * other label variants (指标名称, 目标值, 完成值, 权重, 效果指标), full-width digits.
 * Every expected value below was read off test/fixtures/unseen/county_b_self_evaluation_gbk.txt by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { stopOcr } from '../extractors/scan/ocr.js';
import { processDocument } from '../pipeline/process.js';

const DIR = join(import.meta.dirname, 'fixtures', 'unseen');

afterAll(stopOcr);

// The PDF, the flattened text (one long line) and the scan (a JPEG at 150 dpi, turned 1.5°,
// speckled and blurred) are the same form, made by scripts/make-sample-pdfs.ts,
// scripts/make-flattened-samples.ts and scripts/make-scanned-samples.ts: layouts and shapes no
// sample has. The scan is held to the same hand-read values, exactly.
it.each(['county_b_self_evaluation_gbk.txt', 'county_b_self_evaluation.pdf', 'county_b_flattened.txt', 'county_b_scan.jpg'])('reads an unseen county layout without code written for it (%s)', async (name) => {
  const file = join(DIR, name);
  const doc = await processDocument(file, readFileSync(file));
  expect(doc.source.encoding).toBe(name.endsWith('_gbk.txt') ? 'GB18030' : name.endsWith('.txt') ? 'UTF-8' : null);
  expect(doc.records).toHaveLength(1);
  const r = doc.records[0]!;
  expect(r).toMatchObject({
    form_type: 'self_evaluation', year: 2022, project_name: '高标准农田建设项目', department: '县农业农村局',
    implementing_unit: '县农田建设服务中心', filing_unit: '某县农业农村局', amount_unit: '万元', total_score: 97,
    goal_expected: '建成高标准农田2000亩，配套灌溉设施12处', goal_actual: '建成高标准农田1900亩，灌溉设施12处',
    contact: { filler: '王明', phone: '0311-1234567' },
  });
  expect(r.funds).toEqual({
    initial_budget: 1200000, adjusted_budget: 1500000, received: null, executed: 1350000, execution_rate: 0.9, weight: 10, score: 9,
    fiscal: { initial_budget: 1200000, adjusted_budget: 1500000, executed: 1350000 },
  });
  expect(r.indicators.map((i) => [i.level1, i.level1_weight, i.level2, i.name, i.target?.op, i.target?.value, i.target?.unit, i.actual?.value, i.weight, i.score])).toEqual([
    ['产出指标', 50, '数量指标', '建设面积', '>=', 2000, '亩', 1900, 20, 19],
    ['产出指标', 50, '数量指标', '灌溉设施数量', '>=', 12, '处', 12, 10, 10],
    ['产出指标', 50, '时效指标', '完工及时率', null, 100, '%', 95, 20, 19],
    ['效益指标', 30, '经济效益指标', '亩均增产', '>=', 50, '公斤', 60, 30, 30],
    ['满意度指标', 10, '服务对象满意度指标', '农户满意度', '>=', 90, '%', 93, 10, 10],
  ]);
  expect(r.issues.filter((i) => i.kind === 'inconsistent')).toEqual([]);
}, 120000);
