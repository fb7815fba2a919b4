/**
 * The OCR engines behind one interface: each reads one crop (a table cell or a band of text
 * outside the tables) given as raw grey pixels. Engines load lazily, on first use.
 *   tesseract — tesseract.js, chi_sim best_int (extractors/scan/tesseract.ts)
 *   paddle    — PaddleOCR PP-OCRv4 on onnxruntime-node (extractors/scan/paddle.ts)
 */
import { DEFAULTS, type OcrEngineName } from '../../schemas/options.js';
import type { Gray } from './raster.js';

export interface OcrText { text: string; confidence: number }
/** A run of text placed in the crop (pixels): a detected line segment or a word. */
export interface OcrBox extends OcrText { x0: number; y0: number; x1: number; y1: number }
export type OcrShape = 'line' | 'block';

export interface OcrEngine {
  readonly name: OcrEngineName;
  /** The text of one crop, lines separated by newlines, and a confidence in [0, 1]. */
  read(gray: Gray, shape: OcrShape): Promise<OcrText>;
  /** The runs of text in a region with their boxes: text outside ruled tables, unruled tables. */
  readBoxes(gray: Gray): Promise<OcrBox[]>;
  stop(): Promise<void>;
}

const started = new Map<OcrEngineName, Promise<OcrEngine>>();

export function ocrEngine(name: OcrEngineName = DEFAULTS.ocrEngine): Promise<OcrEngine> {
  let engine = started.get(name);
  if (!engine) {
    engine = name === 'paddle'
      ? import('./paddle.js').then((m) => m.paddleEngine)
      : import('./tesseract.js').then((m) => m.tesseractEngine);
    started.set(name, engine);
  }
  return engine;
}

/** Stop every engine this thread started (tests and short-lived callers). */
export async function stopOcr(): Promise<void> {
  const engines = [...started.values()];
  started.clear();
  await Promise.all(engines.map(async (e) => (await e).stop()));
}
