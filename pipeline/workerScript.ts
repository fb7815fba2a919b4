/**
 * The script a document worker starts: the worker's TypeScript modules bundled into JavaScript by
 * esbuild (the compiler tsx itself uses), kept in `node_modules/.cache/ziping/` until one of its
 * sources changes. Loading the TypeScript through tsx instead made each worker register tsx's
 * loader hooks (a loader thread of their own) and pass every module through them: the 200-page PDF
 * bench took 6.5 s and 1.35 GB with 2 workers, 4.9 s and 0.83 GB with the bundle. Packages stay
 * outside the bundle (resolved from node_modules as before), and a module the worker imports only
 * when needed (an OCR engine) stays a chunk of its own loaded only then, as under tsx.
 *
 * A bundle is used only while every source it was built from (and the project's tsconfig.json and
 * package.json) has the size and modification time it had then; otherwise it is built again. When
 * it cannot be built or written (a read-only install), the worker loads the TypeScript through tsx.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync, version as esbuildVersion } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The worker loading its TypeScript through tsx: the fallback. */
export const TSX_WORKER = join(ROOT, 'bin', 'worker.js');

/** How a bundle is built: ES modules for Node, packages left to node_modules, what is imported on demand in chunks of its own. */
const BUILD: BuildOptions = {
  bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, metafile: true,
  logLevel: 'silent', entryNames: '[name]', chunkNames: 'chunk-[hash]', outExtension: { '.js': '.mjs' },
};

/** What a bundle was built from: esbuild's version and options, and each input's size and modification time. */
interface Manifest { esbuild: string; options: string; script: string; inputs: Record<string, [size: number, mtimeMs: number]> }

const buildKey = (): { esbuild: string; options: string } => ({ esbuild: esbuildVersion, options: JSON.stringify(BUILD) });

const fingerprint = (path: string): [number, number] => {
  const stat = statSync(path);
  return [stat.size, stat.mtimeMs];
};

/**
 * A source edited less than this before a build is not recorded as built (the next start builds
 * again): on file systems that keep whole seconds, an edit in the same second as the build would
 * otherwise leave the same modification time.
 */
const SETTLED_MS = 2000;

/** The manifest, or null when there is none or it cannot be read (a bundle is then built). */
function readManifest(manifestPath: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** The bundle the manifest names, if every input is as it was when the bundle was built. */
function freshBundle(cacheDir: string, manifestPath: string, baseDir: string): string | null {
  const manifest = readManifest(manifestPath);
  const key = buildKey();
  if (!manifest || manifest.esbuild !== key.esbuild || manifest.options !== key.options) return null;
  for (const [input, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const path = resolve(baseDir, input);
    if (!existsSync(path)) return null;
    const [nowSize, nowMtime] = fingerprint(path);
    if (nowSize !== size || nowMtime !== mtimeMs) return null;
  }
  const script = join(cacheDir, manifest.script);
  if (!existsSync(script)) return null;
  // (its folder's time is its last use: old bundles are removed by that, never one a run just took)
  const now = new Date();
  utimesSync(dirname(script), now, now);
  return script;
}

/**
 * Bundle `entry` into a folder of `cacheDir` named by the content's hash, and record its inputs. The
 * folder is written under a temporary name and renamed, the manifest likewise, so two processes
 * building at once never read a half-written bundle and a manifest always names a complete one.
 */
function buildBundle(entry: string, cacheDir: string, manifestPath: string, baseDir: string, alsoInputs: readonly string[]): string {
  const started = Date.now();
  const temporary = join(cacheDir, `.${randomUUID()}`);
  const built = buildSync({ ...BUILD, entryPoints: [entry], absWorkingDir: baseDir, outdir: temporary });
  const hash = createHash('sha256');
  for (const file of built.outputFiles!) hash.update(relative(temporary, file.path)).update(file.contents);
  const folder = `${basename(entry, '.ts')}-${hash.digest('hex').slice(0, 16)}`;
  const script = join(cacheDir, folder, `${basename(entry, '.ts')}.mjs`);
  if (existsSync(script)) {
    const now = new Date();
    utimesSync(join(cacheDir, folder), now, now);
  } else {
    mkdirSync(temporary, { recursive: true });
    for (const file of built.outputFiles!) writeFileSync(file.path, file.contents);
    try {
      renameSync(temporary, join(cacheDir, folder));
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      if (!existsSync(script)) throw error; // (another process renamed the same bundle into place first)
    }
  }
  const inputs = Object.fromEntries([...Object.keys(built.metafile!.inputs), ...alsoInputs.map((p) => relative(baseDir, p))]
    .map((input) => [input, fingerprint(resolve(baseDir, input))]));
  if (Object.values(inputs).every(([, mtimeMs]) => mtimeMs < started - SETTLED_MS)) {
    const manifest = `${manifestPath}.${randomUUID()}`;
    writeFileSync(manifest, JSON.stringify({ ...buildKey(), script: relative(cacheDir, script), inputs } satisfies Manifest));
    renameSync(manifest, manifestPath);
  }
  removeOldBundles(cacheDir, folder);
  return script;
}

/**
 * A pool keeps starting workers from the bundle it took (a worker replaced after a time limit): a
 * bundle no run has taken for a day is removed, and leftovers of an interrupted build with it.
 */
const UNUSED_MS = 24 * 60 * 60 * 1000;

function removeOldBundles(cacheDir: string, current: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    try {
      if (name !== current && !name.endsWith('.json') && Date.now() - statSync(path).mtimeMs > UNUSED_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // (another run removed it meanwhile)
    }
  }
}

/**
 * A JavaScript bundle of the TypeScript module `entry`, built once per version of its sources (and
 * of `alsoInputs`, files that change how it is built) and kept in `cacheDir`; null when it cannot be
 * built or written there. Each checkout sharing the cache keeps its own record.
 */
export function bundledScript(entry: string, cacheDir: string, alsoInputs: readonly string[] = []): string | null {
  const baseDir = dirname(entry);
  const checkout = createHash('sha256').update(resolve(entry)).digest('hex').slice(0, 12);
  const manifestPath = join(cacheDir, `${basename(entry, '.ts')}-${checkout}.json`);
  try {
    mkdirSync(cacheDir, { recursive: true });
    return freshBundle(cacheDir, manifestPath, baseDir) ?? buildBundle(entry, cacheDir, manifestPath, baseDir, alsoInputs);
  } catch {
    return null;
  }
}

/** The script document workers start: the worker's bundle, or the tsx entry when there is none. */
export function workerScript(): string {
  const alsoInputs = ['tsconfig.json', 'package.json'].map((file) => join(ROOT, file));
  return bundledScript(join(ROOT, 'pipeline', 'worker.ts'), join(ROOT, 'node_modules', '.cache', 'ziping'), alsoInputs) ?? TSX_WORKER;
}
