/** Collects a field's provenance while a record is built: raw text, origin, repairs, confidence. */
import type { FieldProvenance, Origin, Repair } from '../schemas/document.js';

/** Base confidence of a cell read from OCR text with no repair. */
export const OCR_TEXT_CONFIDENCE = 0.97;

export class ProvenanceLog {
  readonly entries: FieldProvenance[] = [];
  constructor(private readonly formIndex: number) {}

  /** Record a field; its confidence is the base times the confidence of every repair applied. */
  add(field: string, raw: string | null, origin: Origin | null, repairs: readonly Repair[], base = OCR_TEXT_CONFIDENCE): number {
    const product = repairs.reduce((c, r) => c * r.confidence, base);
    const confidence = Math.round(product * 1000) / 1000;
    this.entries.push({ form_index: this.formIndex, field, raw, origin, repairs: [...repairs], confidence });
    return confidence;
  }
}
