/**
 * The reviewer's loop end to end: the static report (escaping, page crops), the review server's
 * guards, and a real browser (Debian's chromium driven by playwright-core) saving a correction,
 * downloading corrections from the static report and applying them with the CLI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../pipeline/report.js';
import { openDatabase } from '../pipeline/sinks/sqlite.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'ziping.js');
const CHROMIUM = '/usr/bin/chromium';
/** kept for a person to look at after the run (git-ignored) */
const ARTIFACTS = join(ROOT, 'test-results');

/** A form whose text attacks the page: markup in names, quotes, and a total that does not add up (so it is reviewed). */
const HOSTILE = `## 项目支出绩效自评表
(2021年度)
| 项目名称 | <script>alert('pwned')</script>"><img src=x onerror=alert(2)> | | | | | |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
| 产出指标 | 数量指标 | <img src=x onerror=alert(3)>完成数 | ≥200次 | 77次 | 50 | 50 |
| 满意度指标 | 服务对象满意度指标 | O'Brien "满意" 度 | ≥90% | 95% | 50 | 50 |
| 总分 | | | | | 100 | 90 |
`;

function ingestFixtures(): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-review-'));
  writeFileSync(join(dir, 'hostile.txt'), HOSTILE);
  const db = join(dir, 'db.sqlite');
  const result = spawnSync('node', [BIN, 'ingest', join(dir, 'hostile.txt'), join(ROOT, 'samples', 'pdf', 'project_self_eval_breaks.pdf'), '--db', db, '--quiet'], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return { dir, db };
}

const record = (db: string, project: RegExp) => {
  const rows = new Database(db, { readonly: true }).prepare('SELECT record_json FROM forms').all() as Array<{ record_json: string }>;
  return rows.map((r) => JSON.parse(r.record_json)).find((r) => project.test(r.project_name ?? ''));
};

describe('static report', () => {
  it('escapes document text everywhere and embeds crops of PDF cells', async () => {
    const { db } = ingestFixtures();
    const html = await buildReport(openDatabase(db));
    expect(html).not.toMatch(/<script>alert|<img src=x/);
    expect(html).toContain('&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html.match(/<script[\s>]/g)).toHaveLength(2); // the config and the page's own script
    expect(html).toMatch(/<img alt="printed cell" src="data:image\/png;base64,/);
    expect(html).toMatch(/forms needing review<\/th><td>\d+/);
  });
});

describe('in a browser', () => {
  let browser: Browser;
  let server: ChildProcess | null = null;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    server?.kill();
    await browser?.close();
  });

  async function startServer(db: string): Promise<string> {
    server = spawn('node', [BIN, 'review', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let out = '';
      server!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /review: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server!.on('exit', (code) => reject(new Error(`review server exited with ${code}: ${out}`)));
    });
  }

  it('a reviewer fixes three fields and saves; the fixes are stored at once and survive a re-ingest into the export', async () => {
    const { dir, db } = ingestFixtures();
    const url = await startServer(db);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(url);
    await expect.poll(() => page.locator('h2', { hasText: "<script>alert('pwned')</script>" }).count()).toBe(1);
    await page.fill('#reviewer', '王审核');
    const hostile = page.locator('tr.field[data-field="total_score"]').first();
    const formId = (await hostile.getAttribute('data-form'))!;
    // three fixes: the hostile form's 总分 and two fields of other forms
    const rows = [hostile, ...(await page.locator(`tr.field:not([data-form="${formId}"])`).all()).slice(0, 2)];
    const fixes: Array<{ form: string; field: string; value: string }> = [];
    for (const [i, row] of rows.entries()) {
      const field = (await row.getAttribute('data-field'))!;
      // a value that fits the field: a number, a level name from the vocabulary, or text
      const value = i === 0 ? '100' : /score|weight|budget|executed/.test(field) ? '1' : /level2$/.test(field) ? '质量指标' : /level1$/.test(field) ? '效益指标'
        : `${(await row.locator('input.value').inputValue()) || '值'}（已核）`;
      await row.locator('input.value').fill(value);
      await row.locator('button.save').click();
      await expect.poll(() => row.locator('.status').textContent()).toBe('saved');
      fixes.push({ form: (await row.getAttribute('data-form'))!, field: (await row.getAttribute('data-field'))!, value });
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'review-report.png'), fullPage: false });
    expect(dialogs).toEqual([]);
    const stored = new Database(db, { readonly: true }).prepare('SELECT form_id, field, new_value, reviewer FROM corrections ORDER BY id').all();
    expect(stored).toEqual(fixes.map((f) => ({ form_id: f.form, field: f.field, new_value: f.value, reviewer: '王审核' })));
    expect(record(db, /pwned/).total_score).toBe(100);
    await page.reload();
    expect(await page.locator(`tr.field[data-form="${formId}"][data-field="total_score"] input.value`).inputValue()).toBe('100');
    await page.close();
    server?.kill();
    // re-ingest the same files and export: the three fixes are still there, marked corrected
    const files = [join(dir, 'hostile.txt'), join(ROOT, 'samples', 'pdf', 'project_self_eval_breaks.pdf')];
    expect(spawnSync('node', [BIN, 'ingest', ...files, '--db', db, '--force', '--quiet']).status).toBe(0);
    const exported = spawnSync('node', [BIN, 'export', '--db', db, '--provenance'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const fix of fixes) {
      const r = exported.find((x) => x.id === fix.form);
      const p = r.provenance.find((x: { field: string }) => x.field === fix.field);
      expect(p.corrected, fix.field).toBe(true);
      const value = fix.field.split(/\.|\[|\]\.?/).filter(Boolean).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], r);
      expect(String(typeof value === 'object' && value !== null ? (value as { raw: unknown }).raw : value)).toBe(fix.value);
    }
  }, 90000);

  it('the server refuses writes without the session token, from another origin, or for another host', async () => {
    const { db } = ingestFixtures();
    const url = await startServer(db);
    const html = await (await fetch(url)).text();
    const token = /"token":"([0-9a-f]+)"/.exec(html)![1]!;
    const origin = url.replace(/\/$/, '');
    const body = JSON.stringify({ form_id: 'x:0', field: 'title', old_value: null, new_value: 'y', reviewer: 'r' });
    const post = (headers: Record<string, string>) => fetch(`${url}api/corrections`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    expect((await post({ origin })).status).toBe(403);
    expect((await post({ origin, 'x-ziping-token': 'wrong' })).status).toBe(403);
    expect((await post({ origin: 'http://evil.example', 'x-ziping-token': token })).status).toBe(403);
    const accepted = await post({ origin, 'x-ziping-token': token });
    expect(accepted.status).toBe(409); // past the guards; the form does not exist
    expect(await accepted.json()).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/no form x:0/) });
    // a DNS-rebinding page reaches the port under another host name
    const port = Number(new URL(url).port);
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).end();
    });
    expect(status).toBe(403);
  }, 60000);

  it('an offline reviewer downloads corrections from the static report; apply stores them, a second apply conflicts', async () => {
    const { dir, db } = ingestFixtures();
    const out = join(dir, 'report');
    expect(spawnSync('node', [BIN, 'report', '--db', db, '--out', out]).status).toBe(0);
    const page = await browser.newPage();
    await page.goto(`file://${join(out, 'index.html')}`);
    await page.fill('#reviewer', '离线审核');
    const row = page.locator('tr.field[data-field="total_score"]').first();
    await row.locator('input.value').fill('100');
    expect(await page.locator('#edit-count').textContent()).toBe('1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(dir, 'corrections.json');
    await download.saveAs(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, corrections: [{ field: 'total_score', old_value: '90', new_value: '100', reviewer: '离线审核' }] });
    const first = spawnSync('node', [BIN, 'corrections', 'apply', file, '--db', db], { encoding: 'utf8' });
    expect(first.stdout).toMatch(/1 applied, 0 conflicts/);
    const second = spawnSync('node', [BIN, 'corrections', 'apply', file, '--db', db], { encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/conflict: .* total_score: the form now holds "100", not "90"/);
    const trail = spawnSync('node', [BIN, 'corrections', 'list', '--db', db], { encoding: 'utf8' });
    expect(trail.stdout).toMatch(/离线审核: .* total_score: "90" → "100"/);
    await page.close();
  }, 60000);
});
