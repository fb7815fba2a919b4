/**
 * pdf.js, loaded on first use. The legacy build (the one that runs on Node 20) bundles core-js
 * polyfills that replace built-ins Node 20 already has with JavaScript versions, several times
 * slower for every caller in the process (SQLite rows, exports and the table readers included):
 * JSON.stringify and JSON.parse (for JSON.rawJSON and parse-with-source, which Node 20 lacks and
 * pdf.js does not need) and Array.prototype.push (core-js distrusts V8's push past 2^32 - 1
 * elements, a length no array here reaches). The native functions are put back after loading and
 * after each document opens (pdf.js's in-process worker loads its own copy of the polyfills).
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

export function loadPdfjs(): Promise<Pdfjs> {
  loaded ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((module) => {
    restoreNativeBuiltins();
    return module;
  });
  return loaded;
}
