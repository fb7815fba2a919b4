/**
 * The page frame: how each PDF or scanned page was read is recorded in the document model, stored
 * in the `pages` table, and the review report's crops are drawn from it without detecting the
 * page's orientation or skew again. (The frames OCR records are checked in scan.test.ts, where the
 * OCR tests run one at a time.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { binarise, decodeImage, rotate, skewAngle, toGray, turnCanvas } from '../extractors/scan/raster.js';
import { PageCropper } from '../pipeline/pageImages.js';
import { processDocument } from '../pipeline/process.js';
import { buildReport } from '../pipeline/report.js';
import { openDatabase, saveDocument } from '../pipeline/sinks/sqlite.js';
import type { PageFrame } from '../schemas/document.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');

/** A crop's pixels as their lightest channel: ink is dark, paper and the red box outline are not. */
async function grayOf(dataUri: string): Promise<{ width: number; height: number; data: number[] }> {
  const image = await loadImage(Buffer.from(dataUri.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext('2d').drawImage(image, 0, 0);
  const rgba = canvas.getContext('2d').getImageData(0, 0, image.width, image.height).data;
  const data: number[] = [];
  for (let i = 0; i < rgba.length; i += 4) data.push(Math.max(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!));
  return { width: image.width, height: image.height, data };
}

/** Mean difference of two crops' levels (255 when their sizes differ). */
function difference(a: { width: number; height: number; data: number[] }, b: { width: number; height: number; data: number[] }): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  return a.data.reduce((sum, v, i) => sum + Math.abs(v - b.data[i]!), 0) / a.data.length;
}

/** The largest share of dark pixels in one row of a crop's middle (a level rule fills a row). */
function darkestRow(crop: { width: number; height: number; data: number[] }): number {
  const [from, to] = [Math.round(crop.width * 0.1), Math.round(crop.width * 0.9)];
  let best = 0;
  for (let y = 0; y < crop.height; y++) {
    let dark = 0;
    for (let x = from; x < to; x++) if (crop.data[y * crop.width + x]! < 128) dark++;
    best = Math.max(best, dark / (to - from));
  }
  return best;
}

describe('page frame', () => {
  it('records a text-layer page\'s frame (rotation, no dpi) and stores one row per page, replaced on a re-run', async () => {
    const name = 'target_rotated.pdf';
    const doc = await processDocument(name, readFileSync(join(SAMPLES, 'pdf', name)));
    expect(doc.pages).toEqual([{ page: 1, width: expect.closeTo(841.92, 1), height: expect.closeTo(594.96, 1), rotation: 90, turns: 0, skew: 0, dpi: null, read: 'text_layer' }]);
    const db = openDatabase(':memory:');
    saveDocument(db, doc);
    saveDocument(db, doc);
    const rows = db.prepare('SELECT page, width, height, rotation, turns, skew, dpi, read FROM pages WHERE document_sha256 = ?').all(doc.source.sha256);
    expect(rows).toEqual(doc.pages);
  });

  it('records no frame for inputs without pages', async () => {
    const doc = await processDocument('form.txt', readFileSync(join(SAMPLES, '002_65a510f48b791a11.txt')));
    expect(doc.pages).toEqual([]);
  });

  it('crops a scan from the frame\'s turns and skew, not from detecting them again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziping-frame-'));
    const upright = join(SAMPLES, 'scanned', 'target_landscape_scan.png');
    // the same scan a quarter turn clockwise off upright: OCR turns it back three quarter turns
    const turned = join(dir, 'turned.png');
    writeFileSync(turned, await turnCanvas(await decodeImage(readFileSync(upright)), 1).encode('png'));
    const frame: PageFrame = { page: 1, width: 842, height: 595, rotation: 0, turns: 0, skew: -0.5, dpi: 200, read: 'ocr' };
    const box = [60, 40, 420, 120];
    const cropper = new PageCropper();
    const expected = await grayOf((await cropper.crop(upright, frame, box, 'image'))!);
    const asRecorded = await grayOf((await cropper.crop(turned, { ...frame, turns: 3 }, box, 'image'))!);
    const turnedWrongWay = await grayOf((await cropper.crop(turned, { ...frame, turns: 1 }, box, 'image'))!);
    const notTurned = await cropper.crop(turned, frame, box, 'image');
    expect(difference(asRecorded, expected)).toBeLessThan(1);
    // a cropper that ignored the frame (or turned the other way) would show another part of the page
    expect(difference(turnedWrongWay, expected)).toBeGreaterThan(10);
    expect(difference(await grayOf(notTurned!), expected)).toBeGreaterThan(10);
  });

  it('deskews by the recorded skew in the sense OCR measured it: a skewed page\'s ruling comes out level', async () => {
    // a ruled line at 150 dpi, then the page skewed (rotate() turns by -angle: this page is skewed +1.2°)
    const page = createCanvas(900, 600);
    const context = page.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 900, 600);
    context.fillStyle = '#000';
    context.fillRect(100, 100, 700, 3);
    context.fillRect(100, 400, 700, 3);
    const skewed = rotate(page, -1.2);
    const gray = toGray(skewed, 150);
    const skew = skewAngle(gray, binarise(gray));
    const file = join(mkdtempSync(join(tmpdir(), 'ziping-frame-')), 'skewed.png');
    writeFileSync(file, await skewed.encode('png'));
    const frame: PageFrame = { page: 1, width: 432, height: 288, rotation: 0, turns: 0, skew, dpi: 150, read: 'ocr' };
    // the upper rule is at 48 pt from 48 to 384 pt: its box, a little inside its ends
    const box = [60, 44, 372, 52];
    const levelness = async (f: PageFrame): Promise<number> => darkestRow(await grayOf((await new PageCropper().crop(file, f, box, 'image'))!));
    expect(await levelness(frame)).toBeGreaterThan(0.95);
    expect(await levelness({ ...frame, skew: -skew })).toBeLessThan(0.5);
    expect(await levelness({ ...frame, skew: 0 })).toBeLessThan(0.5);
  });

  it('shows a page crop when the frame is stored, and says why there is none when it is not', async () => {
    const name = 'project_self_eval_breaks.pdf';
    const db = openDatabase(':memory:');
    saveDocument(db, await processDocument(join(SAMPLES, 'pdf', name), readFileSync(join(SAMPLES, 'pdf', name))));
    const framed = await buildReport(db);
    expect(framed).toMatch(/<img alt="printed cell" src="data:image\/png;base64,/);
    expect(framed).not.toContain('No page crop');
    // a database written before frames were stored
    db.exec('DELETE FROM pages');
    const unframed = await buildReport(db);
    expect(unframed).not.toMatch(/<img alt="printed cell"/);
    expect(unframed).toContain('No page crop: this database holds no frame for the page');
  });
});
