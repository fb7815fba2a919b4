/**
 * Every option a user can set for processing documents, with its default, named once. The CLI
 * validates what a user typed against this schema at its edge (one parse); the stages, the batch,
 * the worker pool and the distributed workers read the parsed values, and fall back to the same
 * defaults when a program calls them directly.
 */
import { z } from 'zod';

export const OCR_ENGINES = ['tesseract', 'paddle'] as const;
export type OcrEngineName = (typeof OCR_ENGINES)[number];

export const ProcessingOptions = z.object({
  /** the password of encrypted PDFs */
  password: z.string().optional(),
  /** OCR scans and pages without a usable text layer */
  ocr: z.boolean().default(true),
  /** resolution PDF pages are rendered at for OCR */
  dpi: z.number().int().positive().default(300),
  /** the OCR engine: PaddleOCR is the more accurate on the noisy samples (README, bench) */
  ocrEngine: z.enum(OCR_ENGINES).default('paddle'),
  /** documents processed at once */
  concurrency: z.number().int().positive().default(2),
  /** worker threads; 0 processes in the calling thread (no time limit); unset: min(cores, concurrency) */
  workers: z.number().int().nonnegative().optional(),
  /** per-document time limit, enforced in workers */
  timeoutSeconds: z.number().int().positive().default(120),
  /** heap limit per worker thread */
  memoryMb: z.number().int().positive().default(1536),
  /** re-process files whose sha256 is already stored */
  force: z.boolean().default(false),
});
export type ProcessingOptions = z.infer<typeof ProcessingOptions>;

/** The defaults, as the schema gives them. */
export const DEFAULTS: Readonly<ProcessingOptions> = Object.freeze(ProcessingOptions.parse({}));

/** Validate options a user gave (the CLI's edge): every value typed and in range, every default filled in. */
export function processingOptions(given: Record<string, unknown>): ProcessingOptions {
  return ProcessingOptions.parse(given);
}
