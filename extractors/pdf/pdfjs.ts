/**
 * pdf.js, loaded on first use. The legacy build (the one that runs on Node 20) bundles core-js
 * polyfills that replace built-ins Node 20 already has with JavaScript versions, several times
 * slower for every caller in the process (SQLite rows, exports and the table readers included):
 * JSON.stringify and JSON.parse (for JSON.rawJSON and parse-with-source, which Node 20 lacks and
 * pdf.js does not need) and Array.prototype.push (core-js distrusts V8's push past 2^32 - 1
 * elements, a length no array here reaches). The native functions are put back after loading and
 * after each document opens (pdf.js's in-process worker loads its own copy of the polyfills).
 *
 * pdf.js also inflates every Flate stream it reads asynchronously (page contents, fonts: each page's
 * content twice, once for its text and once for its operators) through the global
 * DecompressionStream when there is one, falling back to its own synchronous inflate when that
 * fails. In a browser the native stream is the faster; in Node each one is a web stream over a zlib
 * stream, whose setup costs more than inflating a page's few kilobytes: 100 pages of the bench PDF
 * in one thread took 4.0 s through it and 1.75 s through pdf.js's own inflate. So the zlib format
 * pdf.js asks for ('deflate', and 'brotli') is refused, which is pdf.js's own fallback; the raw and
 * gzip formats other libraries here use (file-type, @tokenizer/inflate) are unchanged.
 */
type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

const nativeStringify = JSON.stringify;
const nativeParse = JSON.parse;
const nativePush = Array.prototype.push;
let loaded: Promise<Pdfjs> | null = null;

export function restoreNativeBuiltins(): void {
  if (JSON.stringify !== nativeStringify) JSON.stringify = nativeStringify;
  if (JSON.parse !== nativeParse) JSON.parse = nativeParse;
  if (Array.prototype.push !== nativePush) Array.prototype.push = nativePush;
}

/** The formats pdf.js decompresses through DecompressionStream (see above), left to its own inflate. */
const PDFJS_FORMATS = new Set(['deflate', 'brotli']);

function leaveFlateToPdfjs(): void {
  const Native = globalThis.DecompressionStream as typeof DecompressionStream | undefined;
  if (!Native || (Native as { leavesFlateToPdfjs?: true }).leavesFlateToPdfjs) return;
  class DecompressionStreamWithoutPdfjsFormats extends Native {
    static readonly leavesFlateToPdfjs = true;
    constructor(format: CompressionFormat) {
      if (PDFJS_FORMATS.has(format)) throw new TypeError(`DecompressionStream('${format}') is left to pdf.js's own inflate in ziping`);
      super(format);
    }
  }
  globalThis.DecompressionStream = DecompressionStreamWithoutPdfjsFormats;
}

export function loadPdfjs(): Promise<Pdfjs> {
  loaded ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((module) => {
    leaveFlateToPdfjs();
    restoreNativeBuiltins();
    return module;
  });
  return loaded;
}
