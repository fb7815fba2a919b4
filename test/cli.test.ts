import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../pipeline/sinks/sqlite.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'ziping.js');
const run = (args: string[]) => spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });

describe('ziping CLI', () => {
  it('ingests, reports bad files by name and reason, keeps going, exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziping-cli-'));
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'broken.pdf'), '%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    const db = join(dir, 'db.sqlite');
    const result = run(['ingest', join(ROOT, 'samples', '003_16052ebbc3505be3.txt'), dir, '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/empty\.txt: empty file/);
    expect(result.stderr).toMatch(/broken\.pdf: .*PDF/);
    expect(result.stdout).toMatch(/003_16052ebbc3505be3\.txt: 7 forms/);
    const jsonl = execFileSync('node', [BIN, 'export', '--db', db, '--format', 'jsonl'], { encoding: 'utf8' });
    expect(jsonl.trim().split('\n')).toHaveLength(7);
    const csv = execFileSync('node', [BIN, 'export', '--db', db, '--format', 'csv'], { encoding: 'utf8' });
    expect(csv.split('\n')[0]).toContain('project_name');
    const stats = JSON.parse(execFileSync('node', [BIN, 'stats', '--db', db], { encoding: 'utf8' })) as { documents: Array<{ status: string; n: number }> };
    expect(stats.documents).toEqual(expect.arrayContaining([{ status: 'failed', n: 2 }, { status: 'success', n: 1 }]));
  });

  it('exits 0 when every file was read, and skips unchanged files on a re-run', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ziping-cli-')), 'db.sqlite');
    const sample = join(ROOT, 'samples', '004_0d0307f2808b27a4.txt');
    expect(run(['ingest', sample, '--db', db]).status).toBe(0);
    const again = run(['ingest', sample, '--db', db]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/1 unchanged/);
  });

  it('--json: each line carries the batch progress (files, forms and pages per second, ETA) and the pages read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziping-cli-'));
    const inputs = [join(ROOT, 'samples', '003_16052ebbc3505be3.txt'), join(ROOT, 'samples', 'pdf', 'performance_target.pdf')];
    const result = run(['ingest', ...inputs, '--db', join(dir, 'db.sqlite'), '--json']);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; forms: number; pages: number; progress: Record<string, unknown> });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      for (const field of ['files_per_s', 'forms_per_s', 'pages_per_s', 'elapsed_s', 'done', 'total', 'forms', 'pages', 'failed']) {
        expect(line.progress[field], field).toEqual(expect.any(Number));
      }
      expect(line.progress.total).toBe(2);
    }
    const last = lines.at(-1)!.progress;
    expect(last).toMatchObject({ done: 2, eta_s: 0, failed: 0, forms: lines[0]!.forms + lines[1]!.forms, pages: lines[0]!.pages + lines[1]!.pages });
    expect(lines.find((l) => l.file.endsWith('.txt'))!.pages).toBe(0);
    expect(lines.find((l) => l.file.endsWith('.pdf'))!.pages).toBeGreaterThan(0);
  });

  it('rejects a bad option with a message', () => {
    const result = run(['ingest', 'x', '--concurrency', '0']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/expected an integer ≥ 1, got "0"/);
  });
});

describe('collecting inputs from folders', () => {
  it('keeps markdown OCR dumps and skips only ziping outputs and hidden files', async () => {
    const { collectInputs } = await import('../pipeline/batch.js');
    const dir = mkdtempSync(join(tmpdir(), 'ziping-inputs-'));
    for (const name of ['form.md', 'form.txt', 'form.expected.jsonl', 'db.sqlite', '.hidden.txt']) writeFileSync(join(dir, name), 'x');
    expect((await collectInputs([dir])).map((p) => p.slice(dir.length + 1))).toEqual(['form.md', 'form.txt']);
  });
});

describe('opening a database', () => {
  const reading = [['export'], ['report', '--out', join(tmpdir(), 'ziping-report-unused')], ['review'], ['score'], ['stats'], ['corrections', 'list']];
  const tmp = () => mkdtempSync(join(tmpdir(), 'ziping-db-'));
  const ingested = () => {
    const db = join(tmp(), 'db.sqlite');
    expect(run(['ingest', join(ROOT, 'samples', '004_0d0307f2808b27a4.txt'), '--db', db]).status).toBe(0);
    return db;
  };

  it('every command that reads refuses a path that holds no database, names it, exits 2 and creates nothing', () => {
    const db = join(tmp(), 'none.sqlite');
    const corrections = join(tmp(), 'corrections.json');
    writeFileSync(corrections, JSON.stringify({ version: 1, corrections: [] }));
    for (const command of [...reading, ['corrections', 'apply', corrections]]) {
      const result = spawnSync('node', [BIN, ...command, '--db', db], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(result.status, command.join(' ')).toBe(2);
      expect(result.stderr).toBe(`ziping: ${db} is not a ziping database (no such file)\n`);
      expect(result.stdout).toBe('');
      expect(existsSync(db)).toBe(false);
    }
  });

  it('refuses a file that is not SQLite, an empty file and another program\'s SQLite database, leaving them unchanged', () => {
    const dir = tmp();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database\n');
    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    const other = join(dir, 'other.sqlite');
    const o = new Database(other);
    o.exec('CREATE TABLE things (x)');
    o.close();
    const otherBytes = readFileSync(other);
    for (const [db, reason] of [[text, 'not an SQLite file'], [empty, 'an empty file'], [other, 'an SQLite database without documents and forms tables; it holds things'], [dir, 'a directory']] as const) {
      const result = run(['stats', '--db', db]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`ziping: ${db} is not a ziping database (${reason})\n`);
    }
    // ingest creates a missing database, but never writes into a file that holds something else
    for (const db of [text, other]) {
      const result = run(['ingest', join(ROOT, 'samples', '004_0d0307f2808b27a4.txt'), '--db', db]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/is not a ziping database/);
    }
    expect(readFileSync(text, 'utf8')).toBe('not a database\n');
    expect(readFileSync(other)).toEqual(otherBytes);
  });

  it('records its schema version, migrates an older database and refuses one it cannot read', () => {
    const db = ingested();
    const version = (path: string) => new Database(path, { readonly: true }).pragma('user_version', { simple: true });
    expect(version(db)).toBe(SCHEMA_VERSION);

    // written before schema versions and the provenance `corrected` column: migrated in place
    const old = new Database(db);
    old.exec('ALTER TABLE field_provenance DROP COLUMN corrected; PRAGMA user_version = 0');
    old.close();
    const exported = run(['export', '--db', db, '--provenance']);
    expect(exported.status).toBe(0);
    expect(exported.stdout.trim().split('\n')).toHaveLength(12);
    expect(version(db)).toBe(SCHEMA_VERSION);

    // an older database missing a column that cannot be filled in
    const older = ingested();
    const o = new Database(older);
    o.exec('DROP VIEW v_units; DROP VIEW v_forms; ALTER TABLE forms DROP COLUMN grade; PRAGMA user_version = 0');
    o.close();
    const refused = run(['export', '--db', older]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`ziping: ${older} was written by an older ziping (schema version 0) and cannot be migrated: table forms lacks grade; ingest the files into a new database\n`);

    // a newer ziping's database
    const newer = ingested();
    const n = new Database(newer);
    n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    n.close();
    for (const args of [['stats'], ['ingest', join(ROOT, 'samples', '004_0d0307f2808b27a4.txt'), '--force']]) {
      const result = run([...args, '--db', newer]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`ziping: ${newer} was written by a newer ziping (schema version ${SCHEMA_VERSION + 1}; this ziping reads versions up to ${SCHEMA_VERSION})\n`);
    }
  });
});
