/**
 * Corrections: applied at once to the record, its rows and scores; stale ones reported as
 * conflicts; kept and re-applied when the file is ingested again; visible in the export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldText, withField } from '../pipeline/corrections.js';
import { processDocument } from '../pipeline/process.js';
import { listCorrections } from '../pipeline/sinks/corrections.js';
import { saveCorrection, storeDocument } from '../pipeline/store.js';
import { loadProvenance, loadRecords, openDatabase } from '../pipeline/sinks/sqlite.js';

const SAMPLE = join(import.meta.dirname, '..', 'samples', '000_3121bed7dfbd76d2.txt');

async function database() {
  const db = openDatabase(':memory:');
  const doc = await processDocument('000.txt', readFileSync(SAMPLE));
  storeDocument(db, doc);
  return { db, doc };
}

describe('field paths', () => {
  it('reads and writes fields as text, re-parsing targets and numbers', async () => {
    const { doc } = await database();
    const record = doc.records[0]!;
    expect(fieldText(record, 'indicators[0].target')).toBe('≥80万页');
    const changed = withField(record, 'indicators[0].target', '≥85万页');
    expect(changed.indicators[0]!.target).toEqual({ raw: '≥85万页', op: '>=', value: 85, unit: '万页' });
    expect(withField(record, 'total_score', '95').total_score).toBe(95);
    expect(withField(record, 'project_name', '').project_name).toBeNull();
    expect(() => withField(record, 'total_score', 'ninety')).toThrow(/not a number/);
    expect(() => withField(record, 'indicators[0].level1', '随便指标')).toThrow(/not allowed/);
    expect(() => fieldText(record, 'indicators[99].name')).toThrow(/no such field/);
  });
});

describe('saving corrections', () => {
  it('applies a correction to the record, the indicator rows and the scores at once', async () => {
    const { db, doc } = await database();
    const form = doc.records.find((r) => r.project_name?.includes('视频勘验平台'))!;
    const audits = () => (db.prepare("SELECT COUNT(*) AS n FROM audits WHERE form_id = ? AND rule = 'total_score'").get(form.id) as { n: number }).n;
    expect(audits()).toBe(1);
    const outcome = saveCorrection(db, { form_id: form.id, field: 'total_score', old_value: '10', new_value: '100', reviewer: '李审核', comment: '原表笔误' });
    expect(outcome.status).toBe('applied');
    expect(loadRecords(db).find((r) => r.id === form.id)!.total_score).toBe(100);
    expect(audits()).toBe(0);
    expect(listCorrections(db)).toMatchObject([{ form_id: form.id, field: 'total_score', old_value: '10', new_value: '100', reviewer: '李审核', comment: '原表笔误' }]);
    const provenance = loadProvenance(db).get(form.id)!.find((p) => p.field === 'total_score')!;
    expect(provenance.corrected).toBe(true);
  });

  it('reports a stale correction as a conflict and changes nothing', async () => {
    const { db, doc } = await database();
    const form = doc.records[0]!;
    const outcome = saveCorrection(db, { form_id: form.id, field: 'indicators[0].score', old_value: '7', new_value: '8', reviewer: 'x' });
    expect(outcome).toEqual({ status: 'conflict', current: '10' });
    expect(listCorrections(db)).toEqual([]);
    expect(loadRecords(db)[0]!.indicators[0]!.score).toBe(10);
  });

  it('rejects a correction of a form that does not exist or a value that does not fit', async () => {
    const { db, doc } = await database();
    expect(saveCorrection(db, { form_id: 'nope:0', field: 'title', old_value: null, new_value: 'x', reviewer: 'x' }).status).toBe('rejected');
    expect(saveCorrection(db, { form_id: doc.records[0]!.id, field: 'total_score', old_value: fieldText(doc.records[0]!, 'total_score'), new_value: 'abc', reviewer: 'x' }))
      .toMatchObject({ status: 'rejected', reason: expect.stringMatching(/not a number/) });
  });

  it('keeps corrections across a re-ingest of the same file', async () => {
    const { db, doc } = await database();
    const form = doc.records[1]!;
    const old = fieldText(form, 'indicators[0].name');
    expect(saveCorrection(db, { form_id: form.id, field: 'indicators[0].name', old_value: old, new_value: '评估项目数量（个）', reviewer: 'r' }).status).toBe('applied');
    storeDocument(db, await processDocument('000.txt', readFileSync(SAMPLE)));
    const again = loadRecords(db).find((r) => r.id === form.id)!;
    expect(again.indicators[0]!.name).toBe('评估项目数量（个）');
    expect(loadProvenance(db).get(form.id)!.find((p) => p.field === 'indicators[0].name')!.corrected).toBe(true);
    expect(listCorrections(db)).toHaveLength(1);
  });
});
