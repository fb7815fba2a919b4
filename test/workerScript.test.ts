/**
 * The workers' bundled script (pipeline/workerScript.ts): built from the TypeScript sources, used
 * while they are unchanged, built again as soon as one changes, none when it cannot be written, and
 * a worker started from it reads a document as the worker loaded through tsx does.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkerReply, WorkerRequest } from '../pipeline/worker.js';
import { DocumentPool } from '../pipeline/workerPool.js';
import { bundledScript, TSX_WORKER, workerScript } from '../pipeline/workerScript.js';

const dir = mkdtempSync(join(tmpdir(), 'ziping-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = join(dir, 'src', 'entry.ts');
const dependency = join(dir, 'src', 'lib', 'value.ts');
const cacheDir = join(dir, 'cache');
const answerOf = async (script: string): Promise<number> => ((await import(pathToFileURL(script).href)) as { answer: number }).answer;

/** The bundle the cache's record names (null when none is recorded). */
function recorded(): string | null {
  const manifest = readdirSync(cacheDir).find((name) => /^entry-[0-9a-f]+\.json$/.test(name));
  return manifest ? join(cacheDir, (JSON.parse(readFileSync(join(cacheDir, manifest), 'utf8')) as { script: string }).script) : null;
}

/** Write a source as edited `secondsAgo` ago (in the future when negative). */
function edit(path: string, text: string, secondsAgo: number): void {
  writeFileSync(path, text);
  const at = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, at, at);
}

describe('a bundled script', () => {
  it('is built from the sources and recorded, then reused while they are unchanged', async () => {
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    edit(dependency, 'export const value: number = 21;\n', 20);
    edit(entry, "import { value } from './lib/value.js';\nexport const answer: number = value * 2;\n", 20);
    const first = bundledScript(entry, cacheDir);
    expect(first).not.toBeNull();
    expect(await answerOf(first!)).toBe(42);
    expect(recorded()).toBe(first);
    expect(bundledScript(entry, cacheDir)).toBe(first);
  });

  it('is built again when a source it was built from changes, even to the same size', async () => {
    const before = bundledScript(entry, cacheDir)!;
    edit(dependency, 'export const value: number = 50;\n', 10);
    const after = bundledScript(entry, cacheDir)!;
    expect(after).not.toBe(before);
    expect(await answerOf(after)).toBe(100);
    expect(recorded()).toBe(after);
  });

  it('is not recorded as built when a source was edited just before or while it was built', async () => {
    const before = recorded();
    edit(dependency, 'export const value: number = 77;\n', -60);
    const script = bundledScript(entry, cacheDir)!;
    expect(await answerOf(script)).toBe(154);
    expect(recorded()).toBe(before);
  });

  it('keeps a module imported on demand in a chunk of its own, loaded only then', async () => {
    edit(join(dir, 'src', 'lib', 'late.ts'), "export const late: string = 'loaded on demand';\n", 20);
    edit(entry, "export const answer: number = 1;\nexport const later = async (): Promise<string> => (await import('./lib/late.js')).late;\n", 20);
    const script = bundledScript(entry, cacheDir)!;
    expect(readFileSync(script, 'utf8')).not.toContain('loaded on demand');
    expect(readdirSync(dirname(script)).filter((name) => name.endsWith('.mjs')).length).toBe(2);
    expect(await ((await import(pathToFileURL(script).href)) as { later: () => Promise<string> }).later()).toBe('loaded on demand');
  });

  it('is none when the cache cannot be written (the caller falls back to tsx)', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(bundledScript(entry, join(file, 'cache'))).toBeNull();
  });
});

describe('the document workers', () => {
  /** One document read by a worker started from `script`, its statements with the read time taken out. */
  async function readBy(script: string, path: string): Promise<string> {
    const worker = new Worker(script);
    try {
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        const request: WorkerRequest = { id: 1, task: 'document', answer: 'statements', workers: 1, path, bytes: readFileSync(path), options: {} };
        worker.postMessage(request);
      });
      return JSON.stringify(reply.result).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'READ-AT');
    } finally {
      await worker.terminate();
    }
  }

  it('start from the bundle, which reads a document as the worker loaded through tsx does', async () => {
    const script = workerScript();
    expect(script).toMatch(/node_modules\/\.cache\/ziping\/worker-[0-9a-f]{16}\/worker\.mjs$/);
    const sample = join(import.meta.dirname, '..', 'samples', '003_16052ebbc3505be3.txt');
    const [bundled, throughTsx] = [await readBy(script, sample), await readBy(TSX_WORKER, sample)];
    expect(bundled).toContain('INSERT INTO forms');
    expect(bundled).toBe(throughTsx);
  }, 60000);

  it('fall back to tsx when their script fails to load, and the batch goes on', async () => {
    // (an idle worker's error with no listener would have ended the process: a bundle removed by another run)
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, "throw new Error('a bundle that cannot load');\n");
    const pool = new DocumentPool({ size: 1, script: broken });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sample = join(import.meta.dirname, '..', 'samples', '003_16052ebbc3505be3.txt');
      const read = await pool.process(sample, readFileSync(sample));
      expect(read.summary.status).toBe('success');
      expect(read.summary.forms).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  }, 60000);
});
