import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
