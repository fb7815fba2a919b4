/**
 * Property-based tests (fast-check) on the parsers that see arbitrary OCR text: the table
 * detector, the value parser and the header mapper never throw, and their readings do not change
 * with stray whitespace or full-width characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectBlocks } from '../layout/detectTables.js';
import { rebuildFlattened } from '../layout/flattened.js';
import { parseValue } from '../forms/values.js';
import { INDICATOR_COLUMNS, matchLabel } from '../forms/vocabulary.js';

/** Half-width ASCII letters, digits and % to their full-width forms (Ｆ１００％). */
const toFullWidth = (s: string): string => s.replace(/[0-9A-Za-z%]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

const cellText = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom(...'≥≤<>=%.0123456789万元个次天年月日数量指标满意度|\t<>/ \n'.split('')) }),
);
const value = fc.tuple(fc.constantFrom('', '≥', '≤', '>', '<', '='), fc.integer({ min: 0, max: 100000 }), fc.constantFrom('', '%', '个', '万元', '次', '天'))
  .map(([op, n, unit]) => `${op}${n}${unit}`);
const LABELS = Object.values(INDICATOR_COLUMNS).flat() as string[];

describe('properties', () => {
  it('the table detector never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.array(cellText, { maxLength: 30 }), (lines) => {
      expect(() => detectBlocks(lines)).not.toThrow();
    }));
  });

  it('the flattened-text reader never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.array(cellText, { maxLength: 30 }), (lines) => {
      expect(() => rebuildFlattened(lines)).not.toThrow();
    }));
  });

  it('the value parser never throws and keeps the raw text', () => {
    fc.assert(fc.property(cellText, (text) => {
      expect(parseValue(text).value.raw).toBe(text.trim());
    }));
  });

  it('a value reads the same with stray spaces or in full-width characters', () => {
    fc.assert(fc.property(value, fc.nat({ max: 5 }), (text, at) => {
      const plain = parseValue(text).value;
      const spaced = parseValue(`${text.slice(0, at)} ${text.slice(at)}`).value;
      const wide = parseValue(toFullWidth(text)).value;
      for (const other of [spaced, wide]) expect([other.op, other.value, other.unit]).toEqual([plain.op, plain.value, plain.unit]);
    }));
  });

  it('the header mapper never throws, and a label split by spaces maps to the same column', () => {
    fc.assert(fc.property(cellText, (text) => {
      expect(() => matchLabel(text, INDICATOR_COLUMNS)).not.toThrow();
    }));
    fc.assert(fc.property(fc.constantFrom(...LABELS), fc.nat({ max: 6 }), (label, at) => {
      const split = `${label.slice(0, at)} ${label.slice(at)}`;
      expect(matchLabel(split, INDICATOR_COLUMNS)?.canonical).toBe(matchLabel(label, INDICATOR_COLUMNS)?.canonical);
    }));
  });
});
