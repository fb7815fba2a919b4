/**
 * The pure parts of the PaddleOCR engine: CTC decoding, text regions from the detector's
 * probability map, and reading order of runs. The models themselves are exercised by the scan tests.
 */
import { describe, expect, it } from 'vitest';
import { ctcDecode, readingLines, resize, textBoxes } from '../extractors/scan/paddle.js';

describe('ctcDecode', () => {
  it('merges repeated classes, drops blanks, and keeps a letter repeated across a blank', () => {
    const keys = ['', '1', '0', '%'];
    // time steps' best classes: 1 1 _ 0 _ 0 % %  →  "100%"
    const best = [1, 1, 0, 2, 0, 2, 3, 3];
    const probabilities = new Float32Array(best.length * keys.length);
    best.forEach((k, t) => { probabilities[t * keys.length + k] = 0.9; });
    const { text, scores } = ctcDecode(probabilities, best.length, keys.length, keys);
    expect(text).toBe('100%');
    expect(scores).toHaveLength(4);
  });
});

describe('textBoxes', () => {
  it('finds each confident region, grown back by the unclip ratio, and drops faint ones', () => {
    const [width, height] = [40, 20];
    const map = new Float32Array(width * height);
    const fill = (x0: number, y0: number, x1: number, y1: number, p: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * width + x] = p;
    };
    fill(2, 4, 12, 8, 0.9); // a confident run
    fill(20, 4, 36, 8, 0.4); // above the pixel threshold, below the box threshold
    const boxes = textBoxes(map, width, height);
    expect(boxes).toHaveLength(1);
    const [box] = boxes;
    expect(box!.x0).toBeLessThan(2);
    expect(box!.x1).toBeGreaterThan(12);
    expect(box!.y0).toBeLessThan(4);
    expect(box!.y1).toBeGreaterThan(8);
  });
});

describe('readingLines', () => {
  it('groups runs that overlap vertically into lines, each read left to right', () => {
    const runs = [
      { x0: 50, y0: 0, x1: 90, y1: 10 }, { x0: 0, y0: 1, x1: 40, y1: 11 }, { x0: 0, y0: 20, x1: 30, y1: 30 },
    ];
    expect(readingLines(runs).map((line) => line.map((r) => r.x0))).toEqual([[0, 50], [0]]);
  });
});

describe('resize', () => {
  it('keeps a flat image flat and interpolates a ramp', () => {
    const ramp = { width: 4, height: 1, data: new Uint8Array([0, 100, 200, 255]), dpi: 100 };
    const out = resize(ramp, 2, 1);
    expect(out.width).toBe(2);
    expect(out.data[0]).toBeLessThan(out.data[1]!);
  });
});
