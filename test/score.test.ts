/**
 * Recomputation and the check stage's rules on real rows of the seed forms, and the findings the samples must produce.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';
import { assessIndicator, crossFormFindings, formFindings, gradeFor, recompute } from '../pipeline/checks/index.js';
import { openDatabase, saveDocument, viewRows } from '../pipeline/sinks/sqlite.js';
import { rescoreDatabase } from '../pipeline/store.js';
import { parseValue } from '../forms/values.js';
import type { Indicator } from '../schemas/record.js';
import { recordsFrom } from './helpers.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');

function indicator(target: string, actual: string, extra: Partial<Indicator> = {}): Indicator {
  return {
    level1: '产出指标', level1_weight: null, level2: '数量指标', name: '指标', description: null,
    target: parseValue(target).value, actual: parseValue(actual).value, weight: 10, score: 10,
    deviation_note: null, basis: null, confidence: 1, ...extra,
  };
}

describe('indicator achievement', () => {
  it('judges quantitative targets by operator and unit (rows from the seeds)', () => {
    expect(assessIndicator(indicator('≥95%', '100%'))).toEqual({ met: 'met', achievement: 1 });
    expect(assessIndicator(indicator('≥200次', '77'))).toEqual({ met: 'not_met', achievement: 0.385 });
    expect(assessIndicator(indicator('≤35万元', '34.56万元', { level2: '成本指标' }))).toEqual({ met: 'met', achievement: 1 });
    expect(assessIndicator(indicator('≤35万元', '360000元', { level2: '成本指标' })).met).toBe('not_met');
    expect(assessIndicator(indicator('≥80万页', '87.5万页')).met).toBe('met');
  });
  it('reads a target printed without an operator as a floor, or a ceiling for costs', () => {
    expect(assessIndicator(indicator('100%', '95%')).met).toBe('not_met');
    expect(assessIndicator(indicator('2万元', '1.8万元', { level2: '成本指标', name: '项目成本' })).met).toBe('met');
  });
  it('matches qualitative targets against the actual text, unknown when undecidable', () => {
    expect(assessIndicator(indicator('及时', '及时')).met).toBe('met');
    expect(assessIndicator(indicator('政务服务有创新举措, 效果明显', '已完成')).met).toBe('met');
    expect(assessIndicator(indicator('及时', '未按期完成')).met).toBe('not_met');
    expect(assessIndicator(indicator('有效', '详见报告')).met).toBe('unknown');
    expect(assessIndicator(indicator('≥95%', '')).met).toBe('unknown');
  });
  it('does not compare values in units that do not convert', () => {
    expect(assessIndicator(indicator('≥12处', '12个')).met).toBe('unknown');
  });
});

describe('form audits', () => {
  it('gives proportional credit and flags full marks on a missed target', () => {
    const [form] = recordsFrom(`## 项目支出绩效自评表
| 项目名称 | 测试项目 | | | | | |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
| 产出指标 | 数量指标 | 评审数量 | ≥200次 | 77次 | 50 | 50 |
| 满意度指标 | 服务对象满意度指标 | 满意度 | ≥90% | 95% | 50 | 50 |
| 总分 | | | | | 100 | 100 |`);
    const score = recompute(form!);
    expect(score.indicators.map((i) => [i.met, i.recomputed_score])).toEqual([['not_met', 19.25], ['met', 50]]);
    expect(score.recomputed_total).toBe(69.25);
    expect(formFindings(form!, score).map((a) => a.rule)).toEqual(['full_marks_target_missed']);
    expect(form!.issues.filter((i) => i.stage === 'check').map((i) => i.rule)).toEqual(['full_marks_target_missed']);
  });

  it('checks grade bands', () => {
    expect([95, 90, 89.5, 60, 59].map(gradeFor)).toEqual(['优', '优', '良', '中', '差']);
  });
});

describe('findings on the samples', () => {
  const load = async (name: string) => processDocument(name, readFileSync(join(SAMPLES, name)));

  it('000: 视频勘验平台 prints 总分 10 against a sum of 100', async () => {
    const doc = await load('000_3121bed7dfbd76d2.txt');
    const form = doc.records.find((r) => r.project_name?.includes('视频勘验平台'))!;
    expect(form.issues).toContainEqual(expect.objectContaining({ rule: 'total_score', field: 'total_score', kind: 'inconsistent', expected: '100', found: '10', severity: 'warn', stage: 'check' }));
    expect(form.issues.filter((i) => i.field === 'total_score')).toHaveLength(1);
  });

  it('002: 网上配件硬件 prints 执行率 1.16% where 7.279 / 66.15 is 11.0%; its funds score does not follow', async () => {
    const doc = await load('002_65a510f48b791a11.txt');
    const form = doc.records.find((r) => r.project_name?.includes('网上配件硬件'))!;
    const score = doc.scores.find((s) => s.form_id === form.id)!;
    expect(score.recomputed_rate).toBeCloseTo(0.11, 3);
    expect(form.issues).toContainEqual(expect.objectContaining({ rule: 'execution_rate', expected: '11%', found: '1.16%' }));
    expect(form.issues).toContainEqual(expect.objectContaining({ rule: 'funds_score', expected: '1.1', found: '10' }));
    expect(form.issues.filter((i) => i.field === 'funds.execution_rate')).toHaveLength(1);
  });

  it('002: the summary table\'s self-scores differ from the forms\' totals for the same projects', async () => {
    const doc = await load('002_65a510f48b791a11.txt');
    const findings = [...crossFormFindings(doc.records).values()].flat();
    expect(doc.records.flatMap((r) => r.issues.filter((i) => i.stage === 'cross_form'))).toEqual(findings);
    expect(findings.map((f) => [f.expected, f.found, f.detail.match(/"([^"]+)"/)![1]])).toEqual([
      ['100', '90', '承德市网上硬件配件费'],
      ['100', '90', '“满意承德”城市综合服务平台及相关业务系统'],
      ['100', '90', '“满意承德”城市综合服务平台驻场服务项目'],
      ['100', '94', '企服中心工作经费'],
    ]);
  });
});

describe('findings table, its views and the analyst views', () => {
  it('answers "which projects of 2021 claimed full marks on an indicator that missed its target?" in one query', async () => {
    const db = openDatabase(':memory:');
    for (const name of ['000_3121bed7dfbd76d2.txt', '002_65a510f48b791a11.txt', '003_16052ebbc3505be3.txt']) {
      saveDocument(db, await processDocument(name, readFileSync(join(SAMPLES, name))));
    }
    expect(rescoreDatabase(db).findings).toBeGreaterThan(0);
    // the query printed in the README
    const rows = db.prepare(`SELECT DISTINCT project_name FROM v_indicators
      WHERE year = 2021 AND full_marks AND met = 'not_met' ORDER BY project_name`).all() as Array<{ project_name: string }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const { project_name } of rows) {
      const bad = db.prepare(`SELECT x.weight, x.score, s.met FROM indicators x JOIN forms f ON f.id = x.form_id
        JOIN indicator_scores s ON s.form_id = x.form_id AND s.position = x.position WHERE f.project_name = ? AND f.year = 2021`).all(project_name) as Array<{ weight: number; score: number; met: string }>;
      expect(bad.some((b) => b.met === 'not_met' && b.score >= b.weight)).toBe(true);
    }
    const forms = viewRows(db, 'v_forms');
    expect(forms.length).toBe((db.prepare('SELECT COUNT(*) AS n FROM forms').get() as { n: number }).n);
    expect(viewRows(db, 'v_units').every((u) => typeof u.projects === 'number')).toBe(true);
    const auditCount = (db.prepare('SELECT COUNT(*) AS n FROM audits').get() as { n: number }).n;
    expect(forms.reduce((n, f) => n + Number(f.audits), 0)).toBe(auditCount);
  });
});
