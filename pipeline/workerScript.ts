/**
 * The script a document worker starts: the worker's TypeScript modules bundled into one JavaScript
 * file by esbuild (the compiler tsx itself uses), kept in `node_modules/.cache/ziping/` until one of
 * its sources changes. Loading the TypeScript through tsx instead made each worker register tsx's
 * loader hooks (a loader thread of their own) and pass every module through them: the 200-page PDF
 * bench took 6.5 s and 1.35 GB with 2 workers, 4.9 s and 0.83 GB with the bundle. Packages stay
 * outside the bundle (resolved from node_modules as before), so a bundle holds only this project's
 * code, read from the very sources the tsx path would read.
 *
 * A bundle is used only while every source it was built from has the size and modification time it
 * had then; otherwise it is built again. When it cannot be built or written (a read-only install),
 * the worker loads the TypeScript through tsx as before: slower, never different.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync, version as esbuildVersion } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The worker loading its TypeScript through tsx: the fallback. */
export const TSX_WORKER = join(ROOT, 'bin', 'worker.js');

/** How a bundle is built: one ES module for Node, packages left to node_modules. */
const BUILD: BuildOptions = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, metafile: true, logLevel: 'silent' };

/** What a bundle was built from: esbuild's version and options, and each input's size and modification time. */
interface Manifest { esbuild: string; options: string; script: string; inputs: Record<string, [size: number, mtimeMs: number]> }

const buildKey = (): { esbuild: string; options: string } => ({ esbuild: esbuildVersion, options: JSON.stringify(BUILD) });

const fingerprint = (path: string): [number, number] => {
  const stat = statSync(path);
  return [stat.size, stat.mtimeMs];
};

/** The bundle the manifest names, if every input is as it was when the bundle was built. */
function freshBundle(cacheDir: string, manifestPath: string, baseDir: string): string | null {
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const key = buildKey();
  if (manifest.esbuild !== key.esbuild || manifest.options !== key.options) return null;
  for (const [input, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const path = resolve(baseDir, input);
    if (!existsSync(path)) return null;
    const [nowSize, nowMtime] = fingerprint(path);
    if (nowSize !== size || nowMtime !== mtimeMs) return null;
  }
  const script = join(cacheDir, manifest.script);
  return existsSync(script) ? script : null;
}

/**
 * Bundle `entry` into `cacheDir` and record its inputs. Each file is written under a temporary name
 * and renamed, so two processes building at once never read a half-written file; the bundle's name
 * is its content's hash, so a manifest always names a complete bundle. A source changed while the
 * bundle was being built is not recorded as built: the next start builds again.
 */
function buildBundle(entry: string, cacheDir: string, manifestPath: string, baseDir: string): string {
  const started = Date.now();
  const built = buildSync({ ...BUILD, entryPoints: [entry], absWorkingDir: baseDir });
  const code = built.outputFiles![0]!.contents;
  const name = `${basename(entry, '.ts')}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  const temporary = `.${randomUUID()}`;
  const script = join(cacheDir, name);
  writeFileSync(script + temporary, code);
  renameSync(script + temporary, script);
  const inputs = Object.fromEntries(Object.keys(built.metafile!.inputs).map((input) => [input, fingerprint(resolve(baseDir, input))]));
  if (Object.values(inputs).every(([, mtimeMs]) => mtimeMs < started)) {
    writeFileSync(manifestPath + temporary, JSON.stringify({ ...buildKey(), script: name, inputs } satisfies Manifest));
    renameSync(manifestPath + temporary, manifestPath);
  }
  removeOldBundles(cacheDir, name);
  return script;
}

/** A pool started before a rebuild may still start workers from its bundle for a while (`workerPool.ts` falls back to tsx after). */
const OLD_BUNDLE_MS = 60 * 60 * 1000;

/** Bundles of the same entry an hour older than the one just built: each edit of a source builds another. */
function removeOldBundles(cacheDir: string, current: string): void {
  const prefix = current.replace(/-[0-9a-f]{16}\.mjs$/, '-');
  for (const file of readdirSync(cacheDir)) {
    const path = join(cacheDir, file);
    if (file !== current && file.startsWith(prefix) && file.endsWith('.mjs') && Date.now() - statSync(path).mtimeMs > OLD_BUNDLE_MS) rmSync(path, { force: true });
  }
}

/**
 * A JavaScript bundle of the TypeScript module `entry`, built once per version of its sources and
 * kept in `cacheDir`; null when it cannot be built or written there.
 */
export function bundledScript(entry: string, cacheDir: string): string | null {
  const baseDir = dirname(entry);
  const manifestPath = join(cacheDir, `${relative(baseDir, entry).replace(/[^\w.-]/g, '_')}.json`);
  try {
    mkdirSync(cacheDir, { recursive: true });
    return freshBundle(cacheDir, manifestPath, baseDir) ?? buildBundle(entry, cacheDir, manifestPath, baseDir);
  } catch {
    return null;
  }
}

/** The script document workers start: the worker's bundle, or the tsx entry when there is none. */
export function workerScript(): string {
  return bundledScript(join(ROOT, 'pipeline', 'worker.ts'), join(ROOT, 'node_modules', '.cache', 'ziping')) ?? TSX_WORKER;
}
