/**
 * The workers' bundled script (pipeline/workerScript.ts): built from the TypeScript sources, used
 * while they are unchanged, built again as soon as one changes, and none when it cannot be written.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledScript, TSX_WORKER, workerScript } from '../pipeline/workerScript.js';

const dir = mkdtempSync(join(tmpdir(), 'ziping-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = join(dir, 'src', 'entry.ts');
const dependency = join(dir, 'src', 'lib', 'value.ts');
const cacheDir = join(dir, 'cache');
const answerOf = async (script: string): Promise<number> => ((await import(pathToFileURL(script).href)) as { answer: number }).answer;

describe('a bundled script', () => {
  it('is built from the sources, then reused while they are unchanged', async () => {
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    writeFileSync(dependency, 'export const value: number = 21;\n');
    writeFileSync(entry, "import { value } from './lib/value.js';\nexport const answer: number = value * 2;\n");
    const first = bundledScript(entry, cacheDir);
    expect(first).not.toBeNull();
    expect(await answerOf(first!)).toBe(42);
    expect(bundledScript(entry, cacheDir)).toBe(first);
  });

  it('is built again when a source it was built from changes, even to the same size', async () => {
    const before = bundledScript(entry, cacheDir)!;
    writeFileSync(dependency, 'export const value: number = 50;\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(dependency, later, later);
    const after = bundledScript(entry, cacheDir);
    expect(after).not.toBe(before);
    expect(await answerOf(after!)).toBe(100);
  });

  it('is none when the cache cannot be written (the caller falls back to tsx)', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(bundledScript(entry, join(file, 'cache'))).toBeNull();
  });

  it('is what the document workers start, or the tsx entry', () => {
    const script = workerScript();
    expect(script === TSX_WORKER || /node_modules\/\.cache\/ziping\/worker-[0-9a-f]{16}\.mjs$/.test(script)).toBe(true);
  });
});
