/**
 * The OCR engine: tesseract.js (WebAssembly) with Simplified Chinese data from the npm package
 * @tesseract.js-data/chi_sim — nothing is downloaded at run time. One engine per thread, started
 * on first use and stopped when idle, so a process never stays alive for it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';

const LANG_PATH = join(dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/chi_sim/package.json')), '4.0.0_best_int');
const IDLE_MS = 3000;

export interface OcrText { text: string; confidence: number }

let engine: Promise<Worker> | null = null;
let idle: NodeJS.Timeout | null = null;
let mode: PSM | null = null;

function start(): Promise<Worker> {
  // Without an errorHandler, tesseract.js throws a failed job's error from its message listener,
  // which no caller can catch and which ends the process; with one, the job's promise rejects.
  engine ??= createWorker('chi_sim', OEM.LSTM_ONLY, { langPath: LANG_PATH, gzip: true, cacheMethod: 'none', logger: () => {}, errorHandler: () => {} });
  return engine;
}

function stopWhenIdle(): void {
  if (idle) clearTimeout(idle);
  idle = setTimeout(() => {
    const stopping = engine;
    engine = null;
    mode = null;
    void stopping?.then((w) => w.terminate());
  }, IDLE_MS);
  idle.unref();
}

/** Stop the engine now (tests and short-lived callers; long runs stop it when idle). */
export async function stopOcr(): Promise<void> {
  if (idle) clearTimeout(idle);
  const stopping = engine;
  engine = null;
  mode = null;
  await (await stopping)?.terminate();
}

/** Recognise one image (a cell or a text block); `line` for a single line of text. */
export async function recognise(png: Buffer, shape: 'line' | 'block'): Promise<OcrText> {
  if (idle) clearTimeout(idle);
  const worker = await start();
  const wanted = shape === 'line' ? PSM.SINGLE_LINE : PSM.SINGLE_BLOCK;
  if (mode !== wanted) {
    await worker.setParameters({ tessedit_pageseg_mode: wanted, preserve_interword_spaces: '1' });
    mode = wanted;
  }
  try {
    const { data } = await worker.recognize(png);
    return { text: data.text.trim(), confidence: data.confidence / 100 };
  } catch {
    // a crop the engine cannot read is an empty cell with no confidence, not a failed document
    return { text: '', confidence: 0 };
  } finally {
    stopWhenIdle();
  }
}
