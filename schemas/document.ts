/**
 * The internal document model: one object per input file that every stage enriches.
 * extract fills `blocks` and, for PDFs and scans, `pages` (each page's frame: how it was read, so
 * the review report can draw it again exactly as its boxes see it); segment fills `segments`;
 * build fills `records` (with what it observed while reading) and `provenance`; check fills each
 * record's findings, confidence and review flag, and `scores`; `status` is settled last. Sinks
 * only read a finished document.
 */
import { z } from 'zod';
import { FormRecord } from './record.js';

export const DOCUMENT_MODEL_VERSION = 1;

/** Where a piece of text came from; page and bbox stay null for OCR text files. */
/** [x0, y0, x1, y1] in PDF points on the upright page, origin top-left. */
export const BBox = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const Origin = z.object({
  table: z.number().int().nullable(),
  row: z.number().int().nullable(),
  col: z.number().int().nullable(),
  line: z.number().int().nullable(),
  page: z.number().int().nullable(),
  bbox: BBox.nullable(),
  /** the worksheet a spreadsheet cell came from (office attachments) */
  sheet: z.string().optional(),
  /** the cell's address in its workbook, e.g. `Sheet1!C7` (`'My sheet'!C7` when the name needs quotes) */
  address: z.string().optional(),
});
export type Origin = z.infer<typeof Origin>;

/** One applied repair: the evidence the review report and tests explain a value by. */
export const Repair = z.object({ rule: z.string(), before: z.string(), after: z.string(), confidence: z.number() });
export type Repair = z.infer<typeof Repair>;

/** A table cell; `repairs` carries what the extractor already did to its text (OCR and its corrections). */
export const Cell = z.object({ text: z.string(), origin: Origin, repairs: z.array(Repair).optional() });
export type Cell = z.infer<typeof Cell>;

export const Table = z.object({
  index: z.number().int(),
  format: z.enum(['markdown', 'tsv', 'html', 'pdf', 'spreadsheet', 'word']),
  firstLine: z.number().int(),
  lastLine: z.number().int(),
  rows: z.array(z.array(Cell)),
  /**
   * The cells of a row the input ended inside (an excerpt cut mid-row): not read as a row, but the
   * level names it opens with say which block the rows above it belong to.
   */
  unreadTail: z.array(z.string()).optional(),
});
export type Table = z.infer<typeof Table>;

export const Block = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'), text: z.string(), line: z.number().int(), page: z.number().int().nullable(), bbox: BBox.nullable(), repairs: z.array(Repair).optional(),
    /** where a spreadsheet's text line was printed (office attachments), as in Origin */
    sheet: z.string().optional(), address: z.string().optional(),
  }),
  z.object({ kind: z.literal('table'), table: Table }),
]);
export type Block = z.infer<typeof Block>;
/** A block of prose: a line of text outside any table. */
export type TextBlock = Extract<Block, { kind: 'text' }>;

/**
 * How one page of a PDF or scan was read: the frame its boxes (BBox) are in. To see the page as
 * its boxes do, render it at `rotation` (a PDF page; an image is not rotated), turn it `turns`
 * quarter turns clockwise, then deskew it by `skew` degrees — the order the OCR path applies them.
 * A text-layer page has no turns, skew or dpi.
 */
export const PageFrame = z.object({
  page: z.number().int(),
  /** the upright page's size in PDF points, as its boxes measure it */
  width: z.number(),
  height: z.number(),
  /** degrees the page was rendered at: /Rotate plus the upright turn of a sideways text layer (PageContent.rotation); 0 for an image */
  rotation: z.number().int(),
  /** clockwise quarter turns applied after rendering to make a scan upright (OCR) */
  turns: z.number().int(),
  /** degrees the scan was deskewed by after turning (OCR; `rotate` in extractors/scan/raster.ts) */
  skew: z.number(),
  /** resolution the page was read at (OCR); null for a text layer */
  dpi: z.number().nullable(),
  read: z.enum(['text_layer', 'ocr']),
});
export type PageFrame = z.infer<typeof PageFrame>;

export const FieldProvenance = z.object({
  form_index: z.number().int(),
  field: z.string(),
  raw: z.string().nullable(),
  origin: Origin.nullable(),
  repairs: z.array(Repair),
  confidence: z.number(),
});
export type FieldProvenance = z.infer<typeof FieldProvenance>;

export const DocumentIssue = z.object({ stage: z.string(), message: z.string(), severity: z.enum(['info', 'warn', 'error']) });
export type DocumentIssue = z.infer<typeof DocumentIssue>;

/** A segmented form before it is built into a record: its title, header lines and tables. */
export const FormSegment = z.object({
  kind: z.enum(['self_evaluation', 'performance_target', 'summary']),
  title: z.string().nullable(),
  titleLine: z.number().int().nullable(),
  /** where the title was printed (PDFs); null for OCR text */
  titleBbox: BBox.nullable(),
  /** how the title line was read (OCR), when it was not plain text */
  titleRepairs: z.array(Repair).optional(),
  /** the page the form starts on (PDFs) */
  page: z.number().int().nullable(),
  headerLines: z.array(z.object({ text: z.string(), line: z.number().int(), page: z.number().int().nullable(), bbox: BBox.nullable(), repairs: z.array(Repair).optional() })),
  tables: z.array(Table),
});
export type FormSegment = z.infer<typeof FormSegment>;

export const SourceInfo = z.object({
  file: z.string(),
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  kind: z.enum(['ocr_text', 'pdf', 'image', 'spreadsheet', 'word', 'web_page']),
  encoding: z.string().nullable(),
});
export type SourceInfo = z.infer<typeof SourceInfo>;

export const IndicatorAssessment = z.object({
  position: z.number().int(),
  met: z.enum(['met', 'not_met', 'unknown']),
  /** weight × achievement, or null where no weight is printed */
  recomputed_score: z.number().nullable(),
  printed_score: z.number().nullable(),
});
export type IndicatorAssessment = z.infer<typeof IndicatorAssessment>;

/** What the check stage recomputed for one form (pipeline/checks/recompute.ts); its findings are on the record. */
export const FormScore = z.object({
  form_id: z.string(),
  recomputed_rate: z.number().nullable(),
  recomputed_funds_score: z.number().nullable(),
  indicator_score_sum: z.number().nullable(),
  recomputed_total: z.number().nullable(),
  printed_total: z.number().nullable(),
  weight_sum: z.number().nullable(),
  indicators: z.array(IndicatorAssessment),
});
export type FormScore = z.infer<typeof FormScore>;

export const ZipingDocument = z.object({
  version: z.literal(DOCUMENT_MODEL_VERSION),
  source: SourceInfo,
  blocks: z.array(Block),
  /** each PDF or scanned page read, in page order; empty for OCR text, office files and web pages (and documents from before frames were kept) */
  pages: z.array(PageFrame).default([]),
  segments: z.array(FormSegment),
  /** tables that belong to no form (procurement lists, asset tables, a table of contents) */
  otherTables: z.array(Table),
  records: z.array(FormRecord),
  provenance: z.array(FieldProvenance),
  scores: z.array(FormScore),
  issues: z.array(DocumentIssue),
  status: z.enum(['pending', 'success', 'partial', 'failed']),
});
export type ZipingDocument = z.infer<typeof ZipingDocument>;
