/**
 * The workers' bundled script (pipeline/workerScript.ts): built from the TypeScript sources, used
 * while they are unchanged, built again as soon as one changes, and none when it cannot be written.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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
const builtAt = (script: string): number => statSync(script).mtimeMs;

/** Write a source as edited `secondsAgo` ago (in the future when negative). */
function edit(path: string, text: string, secondsAgo: number): void {
  writeFileSync(path, text);
  const at = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, at, at);
}

describe('a bundled script', () => {
  it('is built from the sources, then reused while they are unchanged', async () => {
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    edit(dependency, 'export const value: number = 21;\n', 20);
    edit(entry, "import { value } from './lib/value.js';\nexport const answer: number = value * 2;\n", 20);
    const first = bundledScript(entry, cacheDir);
    expect(first).not.toBeNull();
    expect(await answerOf(first!)).toBe(42);
    const built = builtAt(first!);
    expect(bundledScript(entry, cacheDir)).toBe(first);
    expect(builtAt(first!)).toBe(built);
  });

  it('is built again when a source it was built from changes, even to the same size', async () => {
    const before = bundledScript(entry, cacheDir)!;
    edit(dependency, 'export const value: number = 50;\n', 10);
    const after = bundledScript(entry, cacheDir)!;
    expect(after).not.toBe(before);
    expect(await answerOf(after)).toBe(100);
    const built = builtAt(after);
    expect(bundledScript(entry, cacheDir)).toBe(after);
    expect(builtAt(after)).toBe(built);
  });

  it('is not recorded as built when a source is newer than the build (edited while it ran)', async () => {
    edit(dependency, 'export const value: number = 77;\n', -60);
    const script = bundledScript(entry, cacheDir)!;
    expect(await answerOf(script)).toBe(154);
    const built = builtAt(script);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bundledScript(entry, cacheDir)).toBe(script);
    expect(builtAt(script)).toBeGreaterThan(built);
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
