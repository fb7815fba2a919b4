/**
 * Benchmark of the OCR-text path, end to end including SQLite writes. Builds its corpus
 * deterministically from the bundled samples (project names and amounts varied per copy), then
 * prints one table and writes bench/results.json. Usage: npm run bench [-- --forms 10000]
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { runBatch } from '../pipeline/batch.js';
import { processDocument } from '../pipeline/process.js';
import { openDatabase } from '../pipeline/sinks/sqlite.js';

const ROOT = join(import.meta.dirname, '..');
const argForms = process.argv.indexOf('--forms');
const TARGET_FORMS = argForms > 0 ? Number(process.argv[argForms + 1]) : 10000;

/** A small deterministic PRNG so every run builds the same corpus. */
function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vary a sample: rename every project and perturb decimal amounts, keeping the layout. */
function variant(text: string, copy: number, random: () => number): string {
  return text
    .replace(/(项目名称[^\n|\t]*?[|\t]\s*)([^|\t\n]+)/g, (_m, label: string, name: string) => `${label}${name.trim()}（第${copy}批）`)
    .replace(/(?<![\d.])(\d{1,4})\.(\d{2})(?!\d)/g, (_m, a: string) => `${Math.max(1, Math.round(Number(a) * (0.8 + random() * 0.4)))}.${String(Math.floor(random() * 100)).padStart(2, '0')}`);
}

async function main(): Promise<void> {
  const samples = readdirSync(join(ROOT, 'samples')).filter((f) => f.endsWith('.txt')).sort();
  const texts = samples.map((f) => readFileSync(join(ROOT, 'samples', f), 'utf8'));
  const formsPerRound = (await Promise.all(samples.map(async (f, i) => (await processDocument(f, Buffer.from(texts[i]!))).records.length))).reduce((a, b) => a + b, 0);
  const rounds = Math.ceil(TARGET_FORMS / formsPerRound);
  const dir = mkdtempSync(join(tmpdir(), 'ziping-bench-'));
  const random = mulberry32(42);
  const files: string[] = [];
  for (let copy = 0; copy < rounds; copy++) {
    texts.forEach((text, i) => {
      const path = join(dir, `${copy}_${samples[i]}`);
      writeFileSync(path, variant(text, copy, random));
      files.push(path);
    });
  }
  const db = openDatabase(join(dir, 'bench.sqlite'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
  const started = performance.now();
  const results = await runBatch(db, files, { concurrency: 2 });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const forms = results.reduce((n, r) => n + r.forms, 0);
  const indicators = results.reduce((n, r) => n + r.indicators, 0);
  const provenance = (db.prepare('SELECT COUNT(*) AS n FROM field_provenance').get() as { n: number }).n;
  db.close();
  rmSync(dir, { recursive: true, force: true });

  const row = {
    path: 'ocr_text', files: files.length, forms, indicators, provenance_rows: provenance, wall_s: round(seconds),
    forms_per_s: round(forms / seconds), files_per_s: round(files.length / seconds), sqlite_rows_per_s: round((forms + indicators + provenance) / seconds),
    peak_rss_mb: Math.round(peakRss / 2 ** 20), target_forms_per_s: 2000, ratio_to_target: round(forms / seconds / 2000),
  };
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
  console.table([row]);
  console.log(`machine: ${machine.cpus} × ${machine.cpu}, ${machine.memory_gb} GiB, Node ${machine.node}`);
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine, results: [row] }, null, 2) + '\n');
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

await main();
