import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';
import { loadRecords, openDatabase, saveDocument } from '../pipeline/sinks/sqlite.js';

const SAMPLE = join(import.meta.dirname, '..', 'samples', '000_3121bed7dfbd76d2.txt');

describe('SQLite sink', () => {
  it('replaces a re-run file in place: no duplicate forms, indicators or provenance', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'ziping-')), 'db.sqlite'));
    const doc = await processDocument(SAMPLE, readFileSync(SAMPLE));
    saveDocument(db, doc);
    const count = () => db.prepare('SELECT (SELECT COUNT(*) FROM forms) f, (SELECT COUNT(*) FROM indicators) i, (SELECT COUNT(*) FROM field_provenance) p, (SELECT COUNT(*) FROM tables) t').get();
    const first = count();
    saveDocument(db, await processDocument(SAMPLE, readFileSync(SAMPLE)));
    expect(count()).toEqual(first);
    expect(first).toMatchObject({ f: 19, i: doc.records.reduce((n, r) => n + r.indicators.length, 0) });
    expect(loadRecords(db)).toEqual(doc.records);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('stores document text as data: quotes and markup survive unchanged', async () => {
    const db = openDatabase(':memory:');
    const text = ['## 区级部门预算项目绩效自评表', '| 一、基本情况 | 项目名称 | <script>alert(1)</script>\'); DROP TABLE forms;-- | | |',
      '| 四 | 一级指标 | 二级指标 | 三级指标 | 预期指标值 | 实际完成值 | 自评得分 |', '| | 产出指标 | 数量指标 | "><img onerror=x> | ≥1个 | 1个 | 10 |'].join('\n');
    const doc = await processDocument('evil.txt', Buffer.from(text));
    saveDocument(db, doc);
    const [record] = loadRecords(db);
    expect(record!.project_name).toBe("<script>alert(1)</script>'); DROP TABLE forms;--");
    expect(record!.indicators[0]!.name).toBe('"><img onerror=x>');
    expect(db.prepare('SELECT COUNT(*) n FROM forms').get()).toEqual({ n: 1 });
  });

  it('records provenance for every stored field, with the repairs applied', async () => {
    const db = openDatabase(':memory:');
    saveDocument(db, await processDocument(SAMPLE, readFileSync(SAMPLE)));
    const row = db.prepare("SELECT raw, line, repairs_json FROM field_provenance WHERE field = 'funds.adjusted_budget' AND raw = '198.71'").get() as { raw: string; line: number; repairs_json: string };
    expect(row.line).toBeGreaterThan(0);
    expect(JSON.parse(row.repairs_json)).toContainEqual(expect.objectContaining({ rule: 'stray_text_in_label_dropped' }));
  });
});
