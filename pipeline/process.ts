/**
 * One document through the stages. The stage list is literal and ordered; each stage fills one
 * slot of the document model, and a failing stage leaves a structured issue, not a crash.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { chooseExtractor, InputError } from '../extractors/index.js';
import type { Extraction, Extractor, PageRange, PagesRead } from '../extractors/types.js';
import { DOCUMENT_MODEL_VERSION, type ZipingDocument } from '../schemas/document.js';
import { buildRecords } from './buildForm.js';
import { type BuiltForm, withoutReprints } from './build/reprints.js';
import { firstLineOf, inheritFromDocument } from './inherit.js';
import { segmentForms } from './segment.js';
import { checkRecords } from './checks/index.js';
import type { ProcessingOptions } from '../schemas/options.js';

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a caller may tell the stages (schemas/options.ts, defaults there): the password of encrypted PDFs, whether and how to OCR. */
export type ProcessOptions = Partial<Pick<ProcessingOptions, 'password' | 'ocr' | 'dpi' | 'ocrEngine'>>;

function emptyDocument(path: string, bytes: Uint8Array): ZipingDocument {
  return {
    version: DOCUMENT_MODEL_VERSION,
    source: { file: basename(path), path, sha256: sha256Of(bytes), bytes: bytes.byteLength, kind: 'ocr_text', encoding: null },
    blocks: [], pages: [], segments: [], otherTables: [], records: [], provenance: [], scores: [], issues: [], status: 'pending',
  };
}

/**
 * A range of a document's pages read apart from the rest (in a worker of its own), or why reading
 * it failed, worded as a failed document's first issue.
 */
export type PartRead = { read: PagesRead } | { failure: string };

/**
 * Fewer pages than this in a part cost more (the document opened again, its fonts parsed again, a
 * second copy of pdf.js in memory) than reading them alongside saves: with 2 workers on the bench's
 * PDF, 40 and 80 pages read as fast whole as split (3.4–3.7 s, 4.3–4.5 s), 200 pages 30 pages/s split
 * (measured while workers loaded through tsx; not measured again since they start from a bundle).
 */
const MIN_PAGES_PER_PART = 48;

/** The ranges of pages to read a document in, at most one per worker, or null when it is read whole. */
export function pageRanges(pageCount: number, workers: number): PageRange[] | null {
  const parts = Math.min(workers, Math.floor(pageCount / MIN_PAGES_PER_PART));
  if (parts < 2) return null;
  return Array.from({ length: parts }, (_, i) => ({
    first: Math.floor((i * pageCount) / parts) + 1,
    last: Math.floor(((i + 1) * pageCount) / parts),
  }));
}

/** Whether a document's input is read page by page (PDFs, scanned PDFs), so that it could be read in parts. */
export async function readByPages(path: string, bytes: Uint8Array): Promise<boolean> {
  try {
    return (await chooseExtractor(path, bytes)).pages !== undefined;
  } catch {
    return false;
  }
}

/** The ranges to read a document in when it may be read in parts (enough pages, an input read page by page), else null. */
export async function partsOf(path: string, bytes: Uint8Array, workers: number, options: ProcessOptions = {}): Promise<PageRange[] | null> {
  try {
    const { pages } = await chooseExtractor(path, bytes);
    return pages ? pageRanges(await pages.pageCount(bytes, path, options), workers) : null;
  } catch {
    return null; // read whole, which reports why it cannot be read
  }
}

/** Read one range of a document's pages; `processDocument` joins the parts. */
export async function readPart(path: string, bytes: Uint8Array, range: PageRange, options: ProcessOptions = {}): Promise<PartRead> {
  try {
    const { pages } = await chooseExtractor(path, bytes);
    if (!pages) throw new Error('the input cannot be read in parts');
    return { read: await pages.read(bytes, path, range, options) };
  } catch (error) {
    return { failure: failureReason(error) };
  }
}

/** The extraction of a document read in parts: the first part that failed fails it as reading it whole would have. */
function joinParts(extractor: Extractor, parts: readonly PartRead[], path: string): Extraction {
  const read: PagesRead[] = [];
  for (const part of parts) {
    // the reason is already worded; InputError carries it as the document's issue unchanged
    if ('failure' in part) throw new InputError(path, part.failure);
    read.push(part.read);
  }
  if (!extractor.pages) throw new Error(`a ${extractor.kind} input cannot be read in parts`);
  return extractor.pages.join(read, path);
}

/** Stage 1 — extract: sniff the input, read it (or join the parts it was read in) and detect its tables. */
async function extract(doc: ZipingDocument, bytes: Uint8Array, options: ProcessOptions, parts?: readonly PartRead[]): Promise<void> {
  const extractor = await chooseExtractor(doc.source.path, bytes);
  doc.source.kind = extractor.kind;
  const extraction = parts ? joinParts(extractor, parts, doc.source.path) : await extractor.extract(bytes, doc.source.path, options);
  doc.source.encoding = extraction.encoding;
  doc.blocks = extraction.blocks;
  doc.pages = extraction.pages ?? [];
  for (const warning of extraction.warnings) doc.issues.push({ stage: 'extract', message: warning, severity: 'warn' });
  for (const error of extraction.errors ?? []) doc.issues.push({ stage: 'extract', message: error, severity: 'error' });
}

/** Stage 2 — segment: forms (title, header lines, tables) apart from other tables. */
function segment(doc: ZipingDocument): void {
  const { segments, otherTables } = segmentForms(doc.blocks);
  doc.segments = segments;
  doc.otherTables = otherTables;
}

/** Stage 3 — build: map headers, repair cells, parse values; issues are only what reading observed. */
function build(doc: ZipingDocument): void {
  const forms: BuiltForm[] = [];
  const documentHeadEnd = Math.min(...doc.segments.map(firstLineOf));
  for (const seg of doc.segments) {
    try {
      const built = buildRecords(seg, { file: doc.source.file, sha256: doc.source.sha256, formIndex: forms.length });
      for (const { record, provenance } of built) {
        forms.push({ record, provenance: [...provenance, ...inheritFromDocument(doc.blocks, seg, record, documentHeadEnd)] });
      }
    } catch (error) {
      doc.issues.push({ stage: 'build', message: `form "${seg.title ?? '(untitled)'}" at line ${seg.titleLine ?? seg.tables[0]?.firstLine ?? '?'}: ${(error as Error).message}`, severity: 'error' });
    }
  }
  for (const { record, provenance } of withoutReprints(forms, doc.source.sha256)) {
    doc.records.push(record);
    doc.provenance.push(...provenance);
  }
}

/** Stage 4 — check: recompute rates, scores and totals; every rule's finding joins its form's issues. */
function check(doc: ZipingDocument): void {
  const { records, scores, failures } = checkRecords(doc.records, doc.provenance);
  doc.records = records;
  doc.scores = scores;
  for (const { record, message } of failures) doc.issues.push({ stage: 'check', message: `form "${record.title ?? '(untitled)'}": ${message}`, severity: 'error' });
}

/**
 * success: every form read; partial: some forms (or pages) could not be read, or a form lacks its
 * indicator rows; failed: nothing usable — each with the reason as the first error.
 */
function settleStatus(doc: ZipingDocument): void {
  doc.records.forEach((record, i) => {
    for (const issue of record.issues.filter((x) => x.severity === 'error')) {
      doc.issues.push({ stage: 'check', message: `form ${i + 1} "${record.project_name ?? record.title ?? '(untitled)'}": ${issue.detail}`, severity: 'error' });
    }
  });
  if (doc.records.length === 0 && !doc.issues.some((i) => i.severity === 'error')) {
    const others = doc.otherTables.length;
    doc.issues.push({
      stage: 'segment', severity: 'error',
      message: `no budget performance form found (${others > 0 ? `${others} table${others > 1 ? 's' : ''}, none of them a form` : 'no table'}): is this a 绩效自评表/绩效目标表?`,
    });
  }
  const errors = doc.issues.filter((i) => i.severity === 'error').length;
  doc.status = errors > 0 ? (doc.records.length > 0 ? 'partial' : 'failed') : 'success';
}

/** A document that could not be processed at all (timeout, worker crash), with the reason. */
export function failedDocument(path: string, bytes: Uint8Array, reason: string): ZipingDocument {
  const doc = emptyDocument(path, bytes);
  doc.issues.push({ stage: 'extract', message: reason, severity: 'error' });
  doc.status = 'failed';
  return doc;
}

function failureReason(error: unknown): string {
  return error instanceof InputError ? error.reason : `internal error: ${(error as Error).message}`;
}

/**
 * Run every stage on one file's bytes; given `parts` (its pages read in ranges by `readPart`, in
 * page order), extraction joins them instead of reading the file, and the document is the same.
 * Bad input ends as a failed document with a reason.
 */
export async function processDocument(path: string, bytes: Uint8Array, options: ProcessOptions = {}, parts?: readonly PartRead[]): Promise<ZipingDocument> {
  const doc = emptyDocument(path, bytes);
  try {
    await extract(doc, bytes, options, parts);
    segment(doc);
    build(doc);
    check(doc);
    settleStatus(doc);
  } catch (error) {
    doc.issues.push({ stage: 'extract', message: failureReason(error), severity: 'error' });
    doc.status = 'failed';
  }
  return doc;
}
