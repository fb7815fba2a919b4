/**
 * Page images for OCR: a PDF page rendered by pdf.js, or an image file decoded by @napi-rs/canvas,
 * as a greyscale pixel buffer — deskewed (the angle of the table's long lines) and binarised.
 */
import { type Canvas, createCanvas, loadImage } from '@napi-rs/canvas';
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import UTIF from 'utif2';

export interface Gray { width: number; height: number; data: Uint8Array; dpi: number }

/** A PDF page on white at `dpi`, turned by `rotation` degrees (the page's own /Rotate when omitted). */
export async function renderPdfPage(page: PDFPageProxy, dpi: number, rotation?: number): Promise<Canvas> {
  const viewport = page.getViewport({ scale: dpi / 72, ...(rotation === undefined ? {} : { rotation }) });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvasContext: context as never, canvas: canvas as never, viewport }).promise;
  return canvas;
}

export async function decodeImage(bytes: Uint8Array): Promise<Canvas> {
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0);
  return canvas;
}

/** One page of a scanned image file, with the resolution its file records (null when it records none). */
export interface ImagePage { canvas: Canvas; dpi: number | null }

/** A tag's first number: UTIF gives rationals as numbers and everything else as arrays. */
function tagNumber(value: unknown): number | null {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (Array.isArray(first)) return typeof first[0] === 'number' && typeof first[1] === 'number' && first[1] !== 0 ? first[0] / first[1] : null;
  return typeof first === 'number' ? first : null;
}

/**
 * The pages of a TIFF (archives keep multi-page scans, often CCITT G4 bilevel, as TIFF), decoded
 * by utif2. A page's resolution comes from its XResolution tag, in inches or centimetres.
 */
export function decodeTiff(bytes: Uint8Array): ImagePage[] {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const pages = UTIF.decode(buffer).filter((ifd) => ifd['t256'] !== undefined && ifd['t257'] !== undefined);
  return pages.map((ifd) => {
    UTIF.decodeImage(buffer, ifd);
    const { width, height } = ifd;
    if (!width || !height) throw new Error('a page has no image data');
    const canvas = createCanvas(width, height);
    const context = canvas.getContext('2d');
    const image = context.createImageData(width, height);
    image.data.set(UTIF.toRGBA8(ifd));
    context.putImageData(image, 0, 0);
    // transparent pixels (some bilevel encodings) are paper
    context.globalCompositeOperation = 'destination-over';
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    const resolution = tagNumber(ifd['t282']);
    const perCm = tagNumber(ifd['t296']) === 3;
    const dpi = resolution === null ? null : Math.round(perCm ? resolution * 2.54 : resolution);
    return { canvas, dpi };
  });
}

export function toGray(canvas: Canvas, dpi: number): Gray {
  const { width, height } = canvas;
  const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height);
  for (let i = 0, j = 0; j < data.length; i += 4, j++) data[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  return { width, height, data, dpi };
}

/** Otsu's threshold: the grey level that best separates ink from paper. */
export function otsu(gray: Gray): number {
  const histogram = new Array<number>(256).fill(0);
  for (const v of gray.data) histogram[v]!++;
  const total = gray.data.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * histogram[i]!;
  let sumB = 0, weightB = 0, best = 0, threshold = 128;
  for (let t = 0; t < 256; t++) {
    weightB += histogram[t]!;
    if (weightB === 0) continue;
    const weightF = total - weightB;
    if (weightF === 0) break;
    sumB += t * histogram[t]!;
    const between = weightB * weightF * ((sumB / weightB) - ((sum - sumB) / weightF)) ** 2;
    if (between > best) { best = between; threshold = t; }
  }
  return threshold;
}

/** Ink mask (1 = ink) at the Otsu threshold, with isolated specks removed. */
export function binarise(gray: Gray): Uint8Array {
  const threshold = otsu(gray);
  const { width, height, data } = gray;
  const ink = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) ink[i] = data[i]! < threshold ? 1 : 0;
  // a speck: an ink pixel with no ink among its 8 neighbours
  const clean = ink.slice();
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      if (!ink[i]) continue;
      const n = ink[i - 1]! + ink[i + 1]! + ink[i - width]! + ink[i + width]! + ink[i - width - 1]! + ink[i - width + 1]! + ink[i + width - 1]! + ink[i + width + 1]!;
      if (n === 0) clean[i] = 0;
    }
  }
  return clean;
}

/**
 * The skew of a page in degrees, from its long horizontal lines: the angle whose row projection of
 * (subsampled) ink is sharpest. Table rulings make this robust on forms.
 */
export function skewAngle(gray: Gray, ink: Uint8Array, maxDegrees = 3, step = 0.1): number {
  const { width, height } = gray;
  const points: Array<[number, number]> = [];
  for (let y = 0; y < height; y += 2) for (let x = 0; x < width; x += 2) if (ink[y * width + x]) points.push([x, y]);
  if (points.length === 0) return 0;
  let best = 0;
  let bestScore = -1;
  for (let a = -maxDegrees; a <= maxDegrees + 1e-9; a += step) {
    const t = Math.tan((a * Math.PI) / 180);
    const bins = new Map<number, number>();
    for (const [x, y] of points) {
      // bins as tall as the sampling step: with 1-pixel bins, points sampled on every other row
      // fill only even bins at 0°, which doubles the score there and hides a real skew
      const row = Math.round((y - x * t) / 2);
      bins.set(row, (bins.get(row) ?? 0) + 1);
    }
    let score = 0;
    for (const n of bins.values()) score += n * n;
    if (score > bestScore) { bestScore = score; best = a; }
  }
  return Math.round(best * 100) / 100;
}

/** The canvas turned clockwise by `turns` quarter turns. */
export function turnCanvas(canvas: Canvas, turns: number): Canvas {
  const k = ((turns % 4) + 4) % 4;
  if (k === 0) return canvas;
  const out = k === 2 ? createCanvas(canvas.width, canvas.height) : createCanvas(canvas.height, canvas.width);
  const context = out.getContext('2d');
  context.translate(out.width / 2, out.height / 2);
  context.rotate((k * Math.PI) / 2);
  context.drawImage(canvas, -canvas.width / 2, -canvas.height / 2);
  return out;
}

/** The canvas turned by -angle degrees about its centre, on white. */
export function rotate(canvas: Canvas, degrees: number): Canvas {
  if (Math.abs(degrees) < 0.05) return canvas;
  const out = createCanvas(canvas.width, canvas.height);
  const context = out.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, out.width, out.height);
  context.translate(out.width / 2, out.height / 2);
  context.rotate((-degrees * Math.PI) / 180);
  context.drawImage(canvas, -canvas.width / 2, -canvas.height / 2);
  return out;
}
