/**
 * The processing options are named once, with their defaults (schemas/options.ts): the CLI parses
 * what a user typed against them, and the stages fall back to the same defaults.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, processingOptions } from '../schemas/options.js';

describe('processing options', () => {
  it('fills every default the README documents', () => {
    expect(DEFAULTS).toEqual({ ocr: true, dpi: 300, ocrEngine: 'paddle', concurrency: 2, timeoutSeconds: 120, memoryMb: 1536, force: false });
    expect(processingOptions({ dpi: 200, workers: 0 })).toMatchObject({ dpi: 200, workers: 0, concurrency: 2 });
  });

  it('refuses a value out of range or of the wrong kind, naming the option', () => {
    expect(() => processingOptions({ dpi: 0 })).toThrow(/dpi/);
    expect(() => processingOptions({ ocrEngine: 'easyocr' })).toThrow(/ocrEngine/);
    expect(() => processingOptions({ concurrency: 1.5 })).toThrow(/concurrency/);
  });
});
