/**
 * pdf.js, loaded on first use. The legacy build (the one that runs on Node 20) bundles core-js
 * polyfills that replace the global JSON.stringify with a JavaScript version (for JSON.rawJSON,
 * which Node 20 lacks and pdf.js does not need) — several times slower for every caller in the
 * process, SQLite rows and exports included. The native function is put back after loading and
 * after each document opens (pdf.js's in-process worker loads its own copy of the polyfills).
 */
type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

const nativeStringify = JSON.stringify;
let loaded: Promise<Pdfjs> | null = null;

export function restoreNativeJson(): void {
  if (JSON.stringify !== nativeStringify) JSON.stringify = nativeStringify;
}

export function loadPdfjs(): Promise<Pdfjs> {
  loaded ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((module) => {
    restoreNativeJson();
    return module;
  });
  return loaded;
}
