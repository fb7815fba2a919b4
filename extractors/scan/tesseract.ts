/**
 * tesseract.js (WebAssembly) with Simplified Chinese data from the npm package
 * @tesseract.js-data/chi_sim — nothing is downloaded at run time. One engine per thread, started
 * on first use and stopped when idle, so a process never stays alive for it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import type { OcrBox, OcrEngine, OcrShape, OcrText } from './ocr.js';
import type { Gray } from './raster.js';

const LANG_PATH = join(dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/chi_sim/package.json')), '4.0.0_best_int');
const IDLE_MS = 3000;

let engine: Promise<Worker> | null = null;
let idle: NodeJS.Timeout | null = null;
let mode: PSM | null = null;

function start(): Promise<Worker> {
  // Without an errorHandler, tesseract.js throws a failed job's error from its message listener,
  // which no caller can catch and which ends the process; with one, the job's promise rejects.
  engine ??= createWorker('chi_sim', OEM.LSTM_ONLY, { langPath: LANG_PATH, gzip: true, cacheMethod: 'none', logger: () => {}, errorHandler: () => {} });
  return engine;
}

async function stop(): Promise<void> {
  if (idle) clearTimeout(idle);
  const stopping = engine;
  engine = null;
  mode = null;
  await (await stopping)?.terminate();
}

function stopWhenIdle(): void {
  if (idle) clearTimeout(idle);
  idle = setTimeout(() => void stop(), IDLE_MS);
  idle.unref();
}

/** tesseract.js reads image files, not pixel buffers: the crop as a PNG. */
function png(gray: Gray): Promise<Buffer> {
  const canvas = createCanvas(gray.width, gray.height);
  const context = canvas.getContext('2d');
  const image = context.createImageData(gray.width, gray.height);
  for (let i = 0; i < gray.data.length; i++) {
    const v = gray.data[i]!;
    image.data[4 * i] = v; image.data[4 * i + 1] = v; image.data[4 * i + 2] = v; image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return canvas.encode('png');
}

async function workerIn(wanted: PSM): Promise<Worker> {
  if (idle) clearTimeout(idle);
  const worker = await start();
  if (mode !== wanted) {
    await worker.setParameters({ tessedit_pageseg_mode: wanted, preserve_interword_spaces: '1' });
    mode = wanted;
  }
  return worker;
}

export const tesseractEngine: OcrEngine = {
  name: 'tesseract',
  async read(gray: Gray, shape: OcrShape): Promise<OcrText> {
    try {
      const worker = await workerIn(shape === 'line' ? PSM.SINGLE_LINE : PSM.SINGLE_BLOCK);
      const { data } = await worker.recognize(await png(gray));
      return { text: data.text.trim(), confidence: data.confidence / 100 };
    } catch {
      // a crop the engine cannot read is an empty cell with no confidence, not a failed document
      return { text: '', confidence: 0 };
    } finally {
      stopWhenIdle();
    }
  },
  async readBoxes(gray: Gray): Promise<OcrBox[]> {
    try {
      const worker = await workerIn(PSM.AUTO);
      const { data } = await worker.recognize(await png(gray), {}, { blocks: true });
      const words = (data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
      return words.filter((w) => w.text.trim() !== '').map((w) => ({ text: w.text.trim(), confidence: w.confidence / 100, ...w.bbox }));
    } catch {
      return [];
    } finally {
      stopWhenIdle();
    }
  },
  stop,
};
