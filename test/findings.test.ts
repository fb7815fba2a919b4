/**
 * One owner for every check (issue 15): the check stage is the only producer of findings, every
 * finding reaches its form's issues, the `findings` table, the review report and the export, and
 * each rule id belongs to exactly one module.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CROSS_FORM_RULES, FORM_RULES } from '../pipeline/checks/index.js';
import { toJsonl } from '../pipeline/export.js';
import { processDocument } from '../pipeline/process.js';
import { buildReport, esc } from '../pipeline/report.js';
import { loadRecords, openDatabase, saveDocument, type Db, viewRows } from '../pipeline/sinks/sqlite.js';
import { rescoreDatabase, storeDocument } from '../pipeline/store.js';
import { asFinding, type FormRecord } from '../schemas/record.js';

const ROOT = join(import.meta.dirname, '..');
const SAMPLES = join(ROOT, 'samples');
const TEXT_SAMPLES = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt'));
const load = async (name: string) => processDocument(name, readFileSync(join(SAMPLES, name)));

interface FindingRow { form_id: string; rule: string; field: string; kind: string; severity: string; expected: string | null; found: string | null; detail: string; stage: string }
const findingRows = (db: Db): FindingRow[] => db.prepare('SELECT * FROM findings ORDER BY rowid').all() as FindingRow[];
const asRows = (records: readonly FormRecord[]): FindingRow[] => records.flatMap((r) => r.issues.map(asFinding).map((f) => ({ form_id: r.id, ...f })));
const sortRows = (rows: readonly FindingRow[]): string[] => rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('sample 002: weight sums the old audit merge dropped', () => {
  it('puts every weight_sum finding in the form\'s issues, the findings table and the review report', async () => {
    const doc = await load('002_65a510f48b791a11.txt');
    const forms = doc.records.filter((r) => r.issues.some((i) => i.rule === 'weight_sum'));
    // the three forms whose indicators also carry a placeholder_dropped observation
    const shadowed = forms.filter((r) => r.issues.some((i) => i.kind === 'placeholder_dropped'));
    expect(shadowed.map((r) => [r.project_name, r.issues.find((i) => i.rule === 'weight_sum')!.found])).toEqual([
      ['企业服务中心工作经费', '120'],
      ['2021年“满意承德”城市综合服务平台驻场服务项目', '610'],
      ['2021年承德市网上配件硬件设备购买及设备购置', '610'],
    ]);
    for (const r of shadowed) {
      expect(r.issues).toContainEqual(expect.objectContaining({ rule: 'weight_sum', field: 'indicators', kind: 'inconsistent', severity: 'warn', stage: 'check', expected: '100' }));
      expect(r.needs_review).toBe(true);
    }
    const db = openDatabase(':memory:');
    storeDocument(db, doc);
    rescoreDatabase(db);
    const rows = db.prepare("SELECT form_id, detail FROM findings WHERE rule = 'weight_sum'").all() as Array<{ form_id: string; detail: string }>;
    expect(new Set(rows.map((r) => r.form_id))).toEqual(new Set(forms.map((r) => r.id)));
    expect(db.prepare("SELECT COUNT(*) AS n FROM audits WHERE rule = 'weight_sum'").get()).toEqual({ n: rows.length });
    expect(db.prepare("SELECT COUNT(*) AS n FROM form_issues WHERE kind = 'inconsistent' AND field = 'indicators'").get()).toEqual({ n: rows.length });
    const html = await buildReport(db, { images: false });
    for (const r of shadowed) {
      const section = html.slice(html.indexOf(`id="form-${r.id.replace(/[^a-z0-9]/gi, '-')}"`));
      expect(section.slice(0, section.indexOf('</section>'))).toContain(`weights add up to ${r.issues.find((i) => i.rule === 'weight_sum')!.found}, not 100`);
    }
  });
});

describe('every finding reaches every reader', () => {
  it('the findings table, the records\' issues, the export and the review report hold the same findings', async () => {
    const db = openDatabase(':memory:');
    for (const name of TEXT_SAMPLES) storeDocument(db, await load(name));
    rescoreDatabase(db);
    const records = loadRecords(db);
    const rows = findingRows(db);
    expect(rows.length).toBeGreaterThan(50);
    expect(sortRows(rows)).toEqual(sortRows(asRows(records)));
    const exported = toJsonl(records).trim().split('\n').map((l) => JSON.parse(l) as FormRecord);
    expect(sortRows(asRows(exported))).toEqual(sortRows(rows));
    expect(viewRows(db, 'v_findings')).toHaveLength(rows.length);
    const html = await buildReport(db, { images: false });
    for (const row of rows) expect(html, `${row.rule} on ${row.form_id}`).toContain(esc(row.detail));
    // needs_review follows from the findings (and confidence) alone
    for (const r of records) if (r.issues.some((i) => i.severity !== 'info')) expect(r.needs_review).toBe(true);
  });

  it('finds a summary row against a form stored from another file, and shows it everywhere', async () => {
    const doc = await load('002_65a510f48b791a11.txt');
    const strip = (r: FormRecord): FormRecord => ({ ...r, issues: r.issues.filter((i) => i.stage !== 'cross_form') });
    const part = (sha: string, keep: (r: FormRecord) => boolean) => ({ ...doc, source: { ...doc.source, sha256: sha, file: `${sha}.txt` }, records: doc.records.filter(keep).map(strip), scores: doc.scores.filter((s) => doc.records.some((r) => r.id === s.form_id && keep(r))) });
    const db = openDatabase(':memory:');
    saveDocument(db, part('summaries', (r) => r.form_type === 'summary'));
    saveDocument(db, part('forms', (r) => r.form_type !== 'summary'));
    expect(db.prepare("SELECT COUNT(*) AS n FROM findings WHERE rule = 'summary_vs_form'").get()).toEqual({ n: 0 });
    rescoreDatabase(db);
    const stored = loadRecords(db).flatMap((r) => r.issues.filter((i) => i.rule === 'summary_vs_form'));
    expect(stored).toHaveLength(4);
    expect(db.prepare("SELECT COUNT(*) AS n FROM findings WHERE rule = 'summary_vs_form' AND stage = 'cross_form'").get()).toEqual({ n: 4 });
    const html = await buildReport(db, { images: false });
    for (const f of stored) expect(html).toContain(esc(f.detail));
    // a second run finds the same and duplicates nothing
    rescoreDatabase(db);
    expect(db.prepare("SELECT COUNT(*) AS n FROM findings WHERE rule = 'summary_vs_form'").get()).toEqual({ n: 4 });
  });

  it('turns an older database\'s form_issues and audits tables into views over findings; `ziping score` re-makes its findings', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ziping-')), 'old.sqlite');
    let db = openDatabase(path);
    storeDocument(db, await load('000_3121bed7dfbd76d2.txt'));
    const before = sortRows(findingRows(db));
    // records as an older version stored them: issues without rule or stage, audit findings as `audit:<rule>`
    for (const r of loadRecords(db)) {
      const legacy = r.issues.map(({ field, kind, detail, severity, rule, stage }) => ({ field, kind: stage === 'check' && kind !== 'missing' ? `audit:${rule}` : kind, detail, severity }));
      db.prepare('UPDATE forms SET record_json = ? WHERE id = ?').run(JSON.stringify({ ...r, issues: legacy }), r.id);
    }
    db.exec(`DROP VIEW form_issues; DROP VIEW audits; DELETE FROM findings;
      CREATE TABLE form_issues (form_id TEXT NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, severity TEXT NOT NULL);
      CREATE TABLE audits (form_id TEXT NOT NULL, rule TEXT NOT NULL, field TEXT NOT NULL, expected TEXT, found TEXT, severity TEXT NOT NULL, detail TEXT NOT NULL);`);
    db.close();
    db = openDatabase(path);
    expect(db.prepare("SELECT type FROM sqlite_master WHERE name IN ('form_issues', 'audits')").all()).toEqual([{ type: 'view' }, { type: 'view' }]);
    expect(findingRows(db).filter((f) => f.stage === 'check')).toEqual([]);
    rescoreDatabase(db, { forms: true });
    expect(sortRows(findingRows(db))).toEqual(before);
    db.close();
  });
});

describe('one owner per rule', () => {
  const formIds = Object.keys(FORM_RULES);
  const crossIds = Object.keys(CROSS_FORM_RULES);

  it('declares each rule id once, in one module, with a severity and a reason', () => {
    expect(formIds.filter((id) => crossIds.includes(id))).toEqual([]);
    const files = [...sourceFiles(join(ROOT, 'pipeline')), ...sourceFiles(join(ROOT, 'cli')), ...sourceFiles(join(ROOT, 'extractors'))];
    for (const id of [...formIds, ...crossIds]) {
      const declaring = files.filter((f) => new RegExp(`^\\s+${id}: \\{$`, 'm').test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
      expect(declaring, id).toEqual([formIds.includes(id) ? 'pipeline/checks/rules.ts' : 'pipeline/checks/crossForm.ts']);
    }
    for (const rule of [...Object.values(FORM_RULES), ...Object.values(CROSS_FORM_RULES)]) expect(rule.why.length).toBeGreaterThan(20);
  });

  it('makes findings only in the check stage; sinks never check or score', () => {
    for (const file of [...sourceFiles(join(ROOT, 'pipeline')), ...sourceFiles(join(ROOT, 'cli'))]) {
      const text = readFileSync(file, 'utf8');
      const where = relative(ROOT, file);
      if (!where.startsWith('pipeline/checks/')) expect(text, where).not.toMatch(/toFinding\(|FORM_RULES|CROSS_FORM_RULES|stage: '(check|cross_form)'.*\bfield:|\bfield:.*stage: '(check|cross_form)'/);
      if (where.startsWith('pipeline/sinks/')) expect(text, where).not.toMatch(/from '\.\.\/checks|recompute\(|checkForm\(/);
    }
  });

  it('on every text sample, each rule id comes from one stage only', async () => {
    const stagesOf = new Map<string, Set<string>>();
    for (const name of TEXT_SAMPLES) {
      for (const r of (await load(name)).records) {
        for (const i of r.issues) {
          expect(i.stage, `${name}: ${i.kind}`).toBeDefined();
          stagesOf.set(i.rule!, new Set([...(stagesOf.get(i.rule!) ?? []), i.stage!]));
        }
      }
    }
    for (const [rule, stages] of stagesOf) {
      expect([...stages], rule).toHaveLength(1);
      const stage = [...stages][0];
      if (stage === 'check') expect(formIds).toContain(rule);
      else if (stage === 'cross_form') expect(crossIds).toContain(rule);
      else expect([...formIds, ...crossIds], `build observation ${rule}`).not.toContain(rule);
    }
    expect([...stagesOf.keys()]).toEqual(expect.arrayContaining(['weight_sum', 'total_score', 'summary_vs_form', 'execution_rate']));
  });
});
