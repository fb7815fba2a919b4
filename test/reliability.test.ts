/**
 * Reliability: every file of the bad-input corpus ends as a document row with a reason a user can
 * act on, a batch goes on past each of them, a run killed with SIGKILL loses nothing when re-run,
 * and two runs on one database at once both finish.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { processDocument } from '../pipeline/process.js';
import { makeLargeBadInputs } from '../scripts/make-bad-inputs.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'ziping.js');
const BAD = join(ROOT, 'test', 'fixtures', 'bad');
const run = (args: string[]) => spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });

/** What each bad input must end as: status and the reason's wording. */
const EXPECTED: Record<string, [string, RegExp]> = {
  'empty.txt': ['failed', /empty file \(0 bytes\)/],
  'not_a_form.txt': ['failed', /no budget performance form found/],
  'binary_junk.txt': ['failed', /not a text file: it holds binary data/],
  'png_named.pdf': ['failed', /no text or table \(an image file named \.pdf\)/],
  'truncated.pdf': ['failed', /not a readable PDF .*damaged or truncated/],
  // pdf.js rebuilds a broken cross-reference table by scanning the file: the forms are read
  'broken_xref.pdf': ['success', /^$/],
  'encrypted_user_password.pdf': ['failed', /encrypted PDF: supply --password/],
  'encrypted_owner_only.pdf': ['success', /^$/],
  'zero_pages.pdf': ['failed', /the PDF has no content/],
  'truncated.png': ['failed', /the image is truncated \(no IEND chunk/],
  'truncated.jpg': ['failed', /the image is truncated \(no end-of-image marker/],
  'header_only.txt': ['partial', /no indicator rows found/],
  'script_and_quotes.txt': ['success', /^$/],
};

describe('bad-input corpus', () => {
  it('covers every file of test/fixtures/bad', () => {
    expect(readdirSync(BAD).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s ends %s with a clear reason', async (name, [status, reason]) => {
    const doc = await processDocument(name, readFileSync(join(BAD, name)));
    expect(doc.status).toBe(status);
    expect(doc.issues.find((i) => i.severity === 'error')?.message ?? '').toMatch(reason);
  });

  it('reads an encrypted PDF when given its password, and says so when the password is wrong', async () => {
    const bytes = readFileSync(join(BAD, 'encrypted_user_password.pdf'));
    expect((await processDocument('e.pdf', bytes, { password: 'ziping' })).records).toHaveLength(2);
    const wrong = await processDocument('e.pdf', bytes, { password: 'nope' });
    expect(wrong.issues[0]!.message).toMatch(/the password given is wrong/);
  });

  it('keeps markup and SQL quotes in cells as text', async () => {
    const doc = await processDocument('s.txt', readFileSync(join(BAD, 'script_and_quotes.txt')));
    expect(doc.records[0]!.project_name).toBe("<script>alert('x')</script>项目'); DROP TABLE forms; --");
    expect(doc.records[0]!.indicators[0]!.name).toBe('"><img src=x onerror=alert(1)>');
  });

  it('a batch of all of them goes on: one stderr line per failure, a documents row per file, the good file stored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziping-bad-'));
    const db = join(dir, 'db.sqlite');
    const good = join(ROOT, 'samples', '003_16052ebbc3505be3.txt');
    const result = run(['ingest', BAD, good, '--db', db]);
    expect(result.status).toBe(1);
    const failures = Object.entries(EXPECTED).filter(([, [status]]) => status === 'failed').map(([name]) => name);
    const lines = result.stderr.trim().split('\n').filter((l) => l.startsWith('ziping: '));
    expect(lines).toHaveLength(failures.length);
    for (const name of failures) expect(lines.some((l) => l.includes(`${name}: `))).toBe(true);
    const rows = new Database(db, { readonly: true }).prepare('SELECT file, status FROM documents').all() as Array<{ file: string; status: string }>;
    expect(Object.fromEntries(rows.map((r) => [r.file, r.status]))).toEqual({
      ...Object.fromEntries(Object.entries(EXPECTED).map(([name, [status]]) => [name, status])),
      '003_16052ebbc3505be3.txt': 'success',
    });
  });
});

describe('large inputs', () => {
  it('a 500-page PDF and a 50 MB single-line file fail with a reason, and a time limit stops a long document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziping-large-'));
    const [pages, line, long] = await makeLargeBadInputs(dir);
    const db = join(dir, 'db.sqlite');
    const result = run(['ingest', pages!, line!, '--db', db, '--quiet']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/five_hundred_pages\.pdf: no budget performance form found/);
    expect(result.stderr).toMatch(/fifty_mb_one_line\.txt: no budget performance form found/);
    // (one worker reads it whole: 6.4 s here, so the 1 s limit holds on a machine several times faster)
    const timed = run(['ingest', long!, '--db', join(dir, 'timeout.sqlite'), '--timeout', '1', '--workers', '1', '--quiet']);
    expect(timed.status).toBe(1);
    expect(timed.stderr).toMatch(/two_thousand_log_pages\.pdf: processing took longer than 1 s and was stopped/);
    const row = new Database(join(dir, 'timeout.sqlite'), { readonly: true }).prepare('SELECT status FROM documents').get() as { status: string };
    expect(row.status).toBe('failed');
  }, 120000);
});

/** Twenty distinct form files (the samples with a varying comment, so each has its own sha256). */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-corpus-'));
  const samples = readdirSync(join(ROOT, 'samples')).filter((f) => f.endsWith('.txt'));
  for (let i = 0; i < 20; i++) {
    const name = samples[i % samples.length]!;
    writeFileSync(join(dir, `${String(i).padStart(2, '0')}_${name}`), readFileSync(join(ROOT, 'samples', name), 'utf8') + `\n<!-- copy ${i} -->\n`);
  }
  return dir;
}

function checkDatabase(path: string, files: number): void {
  const db = new Database(path, { readonly: true });
  const one = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(one('SELECT COUNT(*) AS n FROM documents')).toBe(files);
  expect(one("SELECT COUNT(*) AS n FROM documents WHERE status <> 'success'")).toBe(0);
  expect(one('SELECT COUNT(*) AS n FROM documents d WHERE forms <> (SELECT COUNT(*) FROM forms f WHERE f.document_sha256 = d.sha256)')).toBe(0);
  expect(one('SELECT COUNT(*) AS n FROM indicators WHERE form_id NOT IN (SELECT id FROM forms)')).toBe(0);
  expect(one('SELECT COUNT(*) AS n FROM field_provenance WHERE form_id NOT IN (SELECT id FROM forms)')).toBe(0);
  expect(one('SELECT COUNT(*) AS n FROM (SELECT file FROM documents GROUP BY file HAVING COUNT(*) > 1)')).toBe(0);
  db.close();
}

/** Start an ingest, wait until it has stored a few documents, kill it with SIGKILL; how many were stored. */
async function killMidRun(dir: string, db: string): Promise<number> {
  const child = spawn('node', [BIN, 'ingest', dir, '--db', db, '--quiet'], { cwd: ROOT, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stored = (): number => {
    try {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try { return (reader.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n; } finally { reader.close(); }
    } catch { return 0; }
  };
  while (child.exitCode === null && stored() < 3) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await exited;
  return stored();
}

describe('crashes and concurrent runs', () => {
  it('a run killed with SIGKILL and run again stores every document exactly once (ten times)', async () => {
    const dir = corpus();
    for (let round = 0; round < 10; round++) {
      const db = join(mkdtempSync(join(tmpdir(), 'ziping-crash-')), 'db.sqlite');
      expect(await killMidRun(dir, db)).toBeLessThan(20); // killed mid-run, not after the end
      const again = run(['ingest', dir, '--db', db, '--quiet']);
      expect(again.status, again.stderr).toBe(0);
      checkDatabase(db, 20);
    }
  }, 300000);

  it('two ingests on one database at once both finish, every document stored once', async () => {
    const dir = corpus();
    const db = join(mkdtempSync(join(tmpdir(), 'ziping-concurrent-')), 'db.sqlite');
    const files = readdirSync(dir).map((f) => join(dir, f));
    // overlapping halves: files 0–13 and 6–19
    const runs = [files.slice(0, 14), files.slice(6)].map((part) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('node', [BIN, 'ingest', ...part, '--db', db, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('exit', (code) => resolve({ code, stderr }));
    }));
    const results = await Promise.all(runs);
    expect(results.map((r) => r.code), results.map((r) => r.stderr).join('\n')).toEqual([0, 0]);
    checkDatabase(db, 20);
    const stored = new Database(db, { readonly: true }).prepare('SELECT file FROM documents ORDER BY file').all() as Array<{ file: string }>;
    expect(stored.map((r) => r.file)).toEqual(files.map((f) => basename(f)).sort());
  }, 120000);
});
