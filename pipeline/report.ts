/**
 * The review report: one self-contained HTML page (inline CSS, JS and SVG; no network) with an
 * overview and one section per form that needs review (or carries a reviewer's correction), listing each doubtful field with its
 * printed text (the page crop for PDFs and scans; for a cell of a workbook, Word or web-page table,
 * the cells around it), the value read, the repairs, the confidence and its source. Every document
 * string is escaped; the page only ever shows it as text.
 */
import { existsSync } from 'node:fs';
import { columnLetters, parseCellAddress } from '../extractors/office/sheetBlocks.js';
import { PageFrame } from '../schemas/document.js';
import { FormRecord } from '../schemas/record.js';
import { cellWindow, type CellWindow } from './cellWindow.js';
import { fieldText } from './corrections.js';
import { PageCropper } from './pageImages.js';
import type { Db } from './sinks/sqlite.js';
import { REVIEW_THRESHOLD } from './checks/review.js';

export interface ReportOptions {
  /** served by `ziping review`: rows get a Save button that posts with this session token */
  server?: { token: string };
  /** render page crops for PDF fields @default true */
  images?: boolean;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value: nothing in a document is ever markup. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** JSON inside a <script> element: `<` escaped so no document text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface DocumentRow { sha256: string; file: string; path: string; kind: string; status: string; forms: number }
export interface FormRow { id: string; document_sha256: string; record_json: string; needs_review: number; confidence: number }
export interface ProvenanceRow {
  form_id: string; field: string; raw: string | null; page: number | null; line: number | null; table_index: number | null; row_index: number | null;
  col_index: number | null; bbox_json: string | null; repairs_json: string; confidence: number; corrected: number;
  /** a workbook cell's sheet and address (`Sheet1!C7`); null for other inputs */
  sheet: string | null; address: string | null;
}
/** One row of the `findings` table: every finding of every stage, the only place the report reads them from. */
export interface IssueRow {
  form_id: string; rule: string; field: string; kind: string; severity: string; expected: string | null; found: string | null; detail: string; stage: string;
}

function histogram(values: readonly number[]): string {
  const bins = new Array<number>(10).fill(0);
  for (const v of values) bins[Math.min(9, Math.floor(v * 10))]!++;
  const max = Math.max(1, ...bins);
  const bars = bins.map((n, i) => {
    const h = Math.round((n / max) * 90);
    const low = i / 10 < REVIEW_THRESHOLD;
    return `<g><rect x="${i * 34 + 30}" y="${110 - h}" width="28" height="${h}" class="${low ? 'bar low' : 'bar'}"><title>${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}: ${n} fields</title></rect>`
      + `<text x="${i * 34 + 44}" y="126" text-anchor="middle">${(i / 10).toFixed(1)}</text><text x="${i * 34 + 44}" y="${106 - h}" text-anchor="middle">${n}</text></g>`;
  });
  return `<svg class="chart" viewBox="0 0 380 135" role="img" aria-label="field confidence histogram">${bars.join('')}</svg>`;
}

function fileBars(docs: readonly DocumentRow[], review: ReadonlyMap<string, number>): string {
  const max = Math.max(1, ...docs.map((d) => d.forms));
  const rows = docs.map((d, i) => {
    const w = Math.round((d.forms / max) * 240);
    const r = Math.round(((review.get(d.sha256) ?? 0) / max) * 240);
    return `<g transform="translate(0 ${i * 22})"><text x="0" y="15" class="file">${esc(d.file.slice(0, 40))}</text>`
      + `<rect x="260" y="3" width="${w}" height="14" class="bar"><title>${d.forms} forms</title></rect>`
      + `<rect x="260" y="3" width="${r}" height="14" class="bar low"><title>${review.get(d.sha256) ?? 0} need review</title></rect>`
      + `<text x="${266 + w}" y="15">${d.forms} / ${review.get(d.sha256) ?? 0} · ${esc(d.status)}</text></g>`;
  });
  return `<svg class="chart" viewBox="0 0 640 ${docs.length * 22 + 4}" role="img" aria-label="forms per file">${rows.join('')}</svg>`;
}

function repairsText(json: string): string {
  const repairs = JSON.parse(json) as Array<{ rule: string; before: string; after: string; confidence: number }>;
  if (repairs.length === 0) return '<span class="muted">none</span>';
  return repairs.map((r) => `<div><b>${esc(r.rule)}</b> <span class="muted">(${r.confidence})</span><br><del>${esc(r.before)}</del> → <ins>${esc(r.after)}</ins></div>`).join('');
}

function sourceText(p: ProvenanceRow): string {
  const parts = [p.address, p.page !== null ? `page ${p.page}` : null, p.line !== null ? `line ${p.line}` : null,
    p.table_index !== null ? `table ${p.table_index}, row ${p.row_index ?? '?'}, col ${p.col_index ?? '?'}` : null];
  return esc(parts.filter(Boolean).join(' · ') || '—');
}

/** Fields a reviewer should look at: low confidence, or named by a finding; and those already corrected, to see what was saved. */
function doubtful(provenance: readonly ProvenanceRow[], issues: readonly IssueRow[]): ProvenanceRow[] {
  const flagged = new Set(issues.map((i) => i.field));
  return provenance.filter((p) => p.confidence < REVIEW_THRESHOLD || flagged.has(p.field) || p.corrected === 1);
}

/** One finding as a line: field, rule, where it was made (unless while reading), what it says. */
function findingLine(i: IssueRow): string {
  return `<div class="issue ${esc(i.severity)}" data-rule="${esc(i.rule)}" data-stage="${esc(i.stage)}"><code>${esc(i.field)}</code> ${esc(i.rule)}${i.stage === 'build' ? '' : ` <span class="muted">(${esc(i.stage)})</span>`}: ${esc(i.detail)}</div>`;
}

/** A stored table's cells by document and table index, each read once (a field's neighbourhood comes from them). */
export type TableCells = (sha256: string, tableIndex: number) => string[][] | null;

/** The recorded frame of a document's page (how it was read), or null when none was stored. */
export type PageFrames = (sha256: string, page: number) => PageFrame | null;

/** Stored `pages` rows as frames by page number (a row's document column dropped). */
export function framesByPage(rows: readonly unknown[]): Map<number, PageFrame> {
  return new Map(rows.map((row) => PageFrame.parse(row)).map((frame) => [frame.page, frame]));
}

function frameReader(db: Db): PageFrames {
  const select = db.prepare(REPORT_QUERIES.pages);
  const cache = new Map<string, Map<number, PageFrame>>();
  return (sha256, page) => {
    let frames = cache.get(sha256);
    if (!frames) cache.set(sha256, (frames = framesByPage(select.all(sha256))));
    return frames.get(page) ?? null;
  };
}

function tableReader(db: Db): TableCells {
  const select = db.prepare(REPORT_QUERIES.table).pluck();
  const cache = new Map<string, string[][] | null>();
  return (sha256, tableIndex) => {
    const key = `${sha256}#${tableIndex}`;
    if (!cache.has(key)) {
      const json = select.get(sha256, tableIndex) as string | undefined;
      cache.set(key, json === undefined ? null : (JSON.parse(json) as string[][]));
    }
    return cache.get(key)!;
  };
}

/** What a workbook table's rows and columns are called on its sheet (`7`, `C`). */
interface GridLabels { rows: Map<number, string>; cols: Map<number, string> }

/**
 * Given every field's provenance and each form's document, return each workbook table's sheet row
 * numbers and column letters, as far as its fields' stored addresses tell them (a table skips hidden
 * rows and columns, so they are read off the addresses, never counted from one cell).
 */
function sheetLabels(provenance: readonly ProvenanceRow[], documentOf: ReadonlyMap<string, string>): Map<string, GridLabels> {
  const labels = new Map<string, GridLabels>();
  for (const p of provenance) {
    if (p.address === null || p.table_index === null || p.row_index === null || p.col_index === null) continue;
    const cell = parseCellAddress(p.address);
    const sha = documentOf.get(p.form_id);
    if (!cell || !sha) continue;
    const key = `${sha}#${p.table_index}`;
    const table = labels.get(key) ?? { rows: new Map(), cols: new Map() };
    if (!table.rows.has(p.row_index)) table.rows.set(p.row_index, String(cell.row));
    if (!table.cols.has(p.col_index)) table.cols.set(p.col_index, columnLetters(cell.col));
    labels.set(key, table);
  }
  return labels;
}

/** Characters of a neighbouring cell shown; the whole text is its tooltip. */
const NEIGHBOUR_CHARS = 40;

/** A window of a stored table as a small HTML table, the field's cell marked; text only, all escaped. */
function neighbourhoodTable(window: CellWindow, labels: GridLabels | undefined, caption: string): string {
  const colHead = (c: number): string => (labels ? labels.cols.get(c) ?? '' : String(c));
  const rowHead = (r: number): string => (labels ? labels.rows.get(r) ?? '' : String(r));
  const cell = (text: string, r: number, c: number): string => {
    if (r === window.row && c === window.col) return `<td class="target">${esc(text)}</td>`;
    const short = text.length > NEIGHBOUR_CHARS ? `${text.slice(0, NEIGHBOUR_CHARS)}…` : text;
    return `<td${short === text ? '' : ` title="${esc(text)}"`}>${esc(short)}</td>`;
  };
  const head = `<tr><th></th>${window.cols.map((c) => `<th>${esc(colHead(c))}</th>`).join('')}</tr>`;
  const body = window.rows.map((r, i) => `<tr><th>${esc(rowHead(r))}</th>${window.cells[i]!.map((text, j) => cell(text, r, window.cols[j]!)).join('')}</tr>`);
  return `<table class="grid"><caption>${esc(caption)}</caption><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/** The cells around a field's table cell, for a field with no page to crop; '' when it has no table cell. */
function neighbourhood(p: ProvenanceRow, doc: DocumentRow, tables: TableCells, labels: ReadonlyMap<string, GridLabels>): string {
  if (p.table_index === null || p.row_index === null || p.col_index === null) return '';
  const cells = tables(doc.sha256, p.table_index);
  const window = cells && cellWindow(cells, p.row_index, p.col_index);
  if (!window) return '';
  const caption = p.address ?? `table ${p.table_index}, row ${p.row_index}, col ${p.col_index}`;
  return neighbourhoodTable(window, p.address !== null ? labels.get(`${doc.sha256}#${p.table_index}`) : undefined, caption);
}

/** How a field's printed text is shown beside its value: a page crop, else the cells around its table cell. */
interface Printed { cropper: PageCropper | null; tables: TableCells; frames: PageFrames; labels: ReadonlyMap<string, GridLabels> }

/** Said in place of a crop when the page's frame is unknown: the page cannot be drawn as its boxes see it. */
const NO_FRAME = 'No page crop: this database holds no frame for the page (it was ingested before ziping recorded how each page was read); ingest the file again to see it.';

/** The crop of a field's printed cell, null when there is none to draw, or why it cannot be drawn. */
async function pageCrop(p: ProvenanceRow, doc: DocumentRow, printed: Printed): Promise<{ image: string } | { why: string } | null> {
  const bbox = p.bbox_json ? (JSON.parse(p.bbox_json) as number[]) : null;
  const pictured = doc.kind === 'pdf' || doc.kind === 'image';
  if (!printed.cropper || !pictured || p.page === null || !bbox || !existsSync(doc.path)) return null;
  const frame = printed.frames(doc.sha256, p.page);
  if (!frame) return { why: NO_FRAME };
  const image = await printed.cropper.crop(doc.path, frame, bbox, doc.kind === 'image' ? 'image' : 'pdf');
  return image === null ? null : { image };
}

async function fieldRow(p: ProvenanceRow, record: FormRecord, doc: DocumentRow, issues: readonly IssueRow[], printed: Printed): Promise<string> {
  let value: string | null = null;
  try { value = fieldText(record, p.field); } catch { value = null; }
  const crop = await pageCrop(p, doc, printed);
  const image = crop && 'image' in crop ? crop.image : null;
  const unframed = crop && 'why' in crop ? `<div class="muted no-crop">${esc(crop.why)}</div>` : '';
  // no page to show (a workbook, Word or web-page cell, OCR text, a PDF that moved): the cells around it
  const around = image ? '' : unframed + neighbourhood(p, doc, printed.tables, printed.labels);
  const fieldIssues = issues.filter((i) => i.field === p.field);
  return `<tr class="field${fieldIssues.length ? ' inconsistent' : ''}" data-form="${esc(record.id)}" data-field="${esc(p.field)}" data-old="${esc(value ?? '')}" data-null="${value === null ? '1' : '0'}">
<td><code>${esc(p.field)}</code>${p.corrected ? ' <span class="tag">corrected</span>' : ''}${fieldIssues.map((i) => `<div class="issue ${esc(i.severity)}">${esc(i.detail)}</div>`).join('')}</td>
<td class="printed">${image ? `<img alt="printed cell" src="${image}"><br>` : around}<span class="raw">${esc(p.raw ?? '')}</span></td>
<td><input class="value" type="text" value="${esc(value ?? '')}" aria-label="corrected value of ${esc(p.field)}"><span class="status"></span></td>
<td>${repairsText(p.repairs_json)}</td>
<td class="${p.confidence < REVIEW_THRESHOLD ? 'low' : ''}">${p.confidence.toFixed(3)}</td>
<td>${sourceText(p)}</td></tr>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,'Noto Sans CJK SC',sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:22px} h2{font-size:17px;margin-top:32px;border-top:2px solid #ccc;padding-top:12px}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f4f4f4} .muted{color:#888} .low{color:#b00;font-weight:600} .tag{background:#2a7;color:#fff;border-radius:3px;padding:0 4px;font-size:12px}
.issue{margin:2px 0;padding:2px 6px;border-left:4px solid #e90;background:#fff6e0} .issue.error{border-color:#d33;background:#fde8e8}
tr.inconsistent td:first-child{border-left:4px solid #d33} .printed img{max-width:360px;border:1px solid #ccc}
table.grid{width:auto;font-size:12px;margin-bottom:4px} table.grid caption{text-align:left;color:#888;font-size:11px}
table.grid td{white-space:pre-line;max-width:14em;color:#666} table.grid th{font-weight:400;color:#888;padding:1px 4px}
table.grid td.target{outline:2px solid #d33;outline-offset:-2px;background:#fde8e8;color:#222}
.chart{width:100%;max-width:640px;font-size:10px} .chart .bar{fill:#4a7fc1} .chart .bar.low{fill:#d9534f} .chart .file{font-size:10px}
input.value{width:100%;box-sizing:border-box;font:inherit} input.value.changed{background:#fffbd0}
.toolbar{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #ccc;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.status{display:block;font-size:12px} .status.ok{color:#2a7} .status.bad{color:#b00}`;

/** The page's behaviour: edits become corrections, downloaded as JSON or (served) saved one by one. */
const SCRIPT = `
(() => {
  const config = JSON.parse(document.getElementById('review-config').textContent);
  const reviewer = document.getElementById('reviewer');
  const count = document.getElementById('edit-count');
  const rows = () => [...document.querySelectorAll('tr.field')];
  const oldValue = (row) => row.dataset.null === '1' ? null : row.dataset.old;
  const edited = () => rows().filter((row) => row.querySelector('input.value').value !== row.dataset.old);
  const correction = (row) => ({ form_id: row.dataset.form, field: row.dataset.field, old_value: oldValue(row),
    new_value: row.querySelector('input.value').value === '' ? null : row.querySelector('input.value').value, reviewer: reviewer.value.trim(), comment: null });
  const refresh = () => { const n = edited().length; count.textContent = String(n);
    rows().forEach((row) => row.querySelector('input.value').classList.toggle('changed', row.querySelector('input.value').value !== row.dataset.old)); };
  document.addEventListener('input', refresh);
  document.getElementById('download').addEventListener('click', () => {
    if (!reviewer.value.trim()) { alert('Enter your name first.'); reviewer.focus(); return; }
    const blob = new Blob([JSON.stringify({ version: 1, corrections: edited().map(correction) }, null, 2)], { type: 'application/json' });
    const a = document.createElement('a'); a.href = URL.createObjectURL(blob); a.download = 'corrections.json'; a.click(); URL.revokeObjectURL(a.href);
  });
  if (!config.server) return;
  for (const row of rows()) {
    const button = document.createElement('button'); button.type = 'button'; button.textContent = 'Save'; button.className = 'save';
    row.querySelector('input.value').after(button);
    button.addEventListener('click', async () => {
      const status = row.querySelector('.status');
      if (!reviewer.value.trim()) { status.textContent = 'enter your name first'; status.className = 'status bad'; return; }
      const response = await fetch('/api/corrections', { method: 'POST', headers: { 'content-type': 'application/json', 'x-ziping-token': config.server.token }, body: JSON.stringify(correction(row)) });
      const result = await response.json();
      if (result.status === 'applied') {
        row.dataset.old = row.querySelector('input.value').value; row.dataset.null = row.dataset.old === '' ? '1' : '0';
        status.textContent = 'saved'; status.className = 'status ok';
      } else { status.textContent = result.status === 'conflict' ? 'conflict: the form now holds "' + (result.current ?? '') + '"' : (result.reason || 'not saved'); status.className = 'status bad'; }
      refresh();
    });
  }
})();`;

/** The columns of a stored page frame (`pages`), as PageFrame names them. */
export const PAGE_FRAME_COLUMNS = 'page, width, height, rotation, turns, skew, dpi, read';

/** The queries the report reads a database with (SQL both stores understand). */
export const REPORT_QUERIES = {
  docs: 'SELECT sha256, file, path, kind, status, forms FROM documents ORDER BY file',
  forms: 'SELECT f.id, f.document_sha256, f.record_json, f.needs_review, f.confidence FROM forms f JOIN documents d ON d.sha256 = f.document_sha256 ORDER BY d.file, f.form_index',
  provenance: 'SELECT * FROM field_provenance ORDER BY rowid',
  issues: 'SELECT form_id, rule, field, kind, severity, expected, found, detail, stage FROM findings ORDER BY rowid',
  table: 'SELECT cells_json FROM tables WHERE document_sha256 = ? AND table_index = ?',
  pages: `SELECT ${PAGE_FRAME_COLUMNS} FROM pages WHERE document_sha256 = ?`,
} as const;

/** Everything the report shows, read from one database. */
export interface ReportInputs { docs: DocumentRow[]; forms: FormRow[]; provenance: ProvenanceRow[]; issues: IssueRow[]; tables: TableCells; frames: PageFrames }

/** A form is shown when it needs review or a reviewer corrected it (it stays, so a reviewer sees what was saved). */
export function shownForms(forms: readonly FormRow[], provenance: readonly ProvenanceRow[]): FormRow[] {
  const corrected = new Set(provenance.filter((p) => p.corrected === 1).map((p) => p.form_id));
  return forms.filter((f) => f.needs_review === 1 || corrected.has(f.id));
}

/** What the report shows, from an SQLite database. */
export function loadReportInputs(db: Db): ReportInputs {
  return {
    docs: db.prepare(REPORT_QUERIES.docs).all() as DocumentRow[],
    forms: db.prepare(REPORT_QUERIES.forms).all() as FormRow[],
    provenance: db.prepare(REPORT_QUERIES.provenance).all() as ProvenanceRow[],
    issues: db.prepare(REPORT_QUERIES.issues).all() as IssueRow[],
    tables: tableReader(db),
    frames: frameReader(db),
  };
}

export async function buildReport(db: Db, options: ReportOptions = {}): Promise<string> {
  return renderReport(loadReportInputs(db), options);
}

/** The report's HTML from what a database holds. */
export async function renderReport(inputs: ReportInputs, options: ReportOptions = {}): Promise<string> {
  const { docs, forms, provenance, issues } = inputs;
  const byForm = <T extends { form_id: string }>(rows: readonly T[]): Map<string, T[]> => {
    const map = new Map<string, T[]>();
    for (const row of rows) map.set(row.form_id, [...(map.get(row.form_id) ?? []), row]);
    return map;
  };
  const provenanceOf = byForm(provenance);
  const issuesOf = byForm(issues);
  const docBySha = new Map(docs.map((d) => [d.sha256, d]));
  const reviewPerDoc = new Map<string, number>();
  for (const f of forms) if (f.needs_review) reviewPerDoc.set(f.document_sha256, (reviewPerDoc.get(f.document_sha256) ?? 0) + 1);
  const kinds = new Map<string, number>();
  for (const i of issues) kinds.set(i.rule, (kinds.get(i.rule) ?? 0) + 1);
  const printed: Printed = {
    cropper: options.images === false ? null : new PageCropper(),
    tables: inputs.tables,
    frames: inputs.frames,
    labels: sheetLabels(provenance, new Map(forms.map((f) => [f.id, f.document_sha256]))),
  };

  const sections: string[] = [];
  let doubtfulFields = 0;
  // a corrected form stays in the report after its findings are resolved, so a reviewer sees what was saved
  const shownIds = new Set(shownForms(forms, provenance).map((f) => f.id));
  const shown = (f: FormRow): boolean => shownIds.has(f.id);
  for (const form of forms.filter(shown)) {
    const record = FormRecord.parse(JSON.parse(form.record_json));
    const doc = docBySha.get(form.document_sha256)!;
    const formIssues = issuesOf.get(form.id) ?? [];
    const fields = doubtful(provenanceOf.get(form.id) ?? [], formIssues);
    doubtfulFields += fields.length;
    const rows = [];
    for (const p of fields) rows.push(await fieldRow(p, record, doc, formIssues, printed));
    sections.push(`<section class="form" id="form-${esc(form.id.replace(/[^a-z0-9]/gi, '-'))}">
<h2>${esc(record.project_name ?? record.title ?? '(untitled form)')}</h2>
<p class="muted">${esc(doc.file)} · form ${record.source.form_index + 1}${record.source.page !== null ? ` · page ${record.source.page}` : ''} · ${esc(record.form_type)} · confidence ${form.confidence}</p>
${formIssues.length ? `<div class="issues">${formIssues.map(findingLine).join('')}</div>` : ''}
${rows.length ? `<table><thead><tr><th>field</th><th>printed</th><th>value</th><th>repairs</th><th>confidence</th><th>source</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p class="muted">No single field is doubtful; see the issues above.</p>'}
</section>`);
  }

  // Forms that need no review may still carry information-only findings: listed, so every finding shows.
  const quiet = forms.filter((f) => !shown(f) && issuesOf.has(f.id)).map((f) => {
    const record = JSON.parse(f.record_json) as FormRecord;
    return `<tr><td>${esc(docBySha.get(f.document_sha256)?.file ?? '')} · form ${record.source.form_index + 1}</td><td>${esc(record.project_name ?? record.title ?? '')}</td><td>${issuesOf.get(f.id)!.map(findingLine).join('')}</td></tr>`;
  });
  if (quiet.length) sections.push(`<section class="quiet"><h2>Findings on forms that need no review</h2><table><thead><tr><th>form</th><th>project</th><th>findings</th></tr></thead><tbody>${quiet.join('')}</tbody></table></section>`);

  const reviewForms = forms.filter((f) => f.needs_review).length;
  const overview = `<table class="overview"><tbody>
<tr><th>documents</th><td>${docs.length} (${['success', 'partial', 'failed'].map((s) => `${docs.filter((d) => d.status === s).length} ${s}`).join(', ')})</td></tr>
<tr><th>forms</th><td>${forms.length}</td></tr><tr><th>forms needing review</th><td>${reviewForms}</td></tr>
<tr><th>fields needing review</th><td>${doubtfulFields}</td></tr></tbody></table>
<h3>Findings by rule</h3><table><thead><tr><th>rule</th><th>count</th></tr></thead><tbody>${[...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`).join('')}</tbody></table>
<h3>Field confidence</h3>${histogram(provenance.map((p) => p.confidence))}
<h3>Forms per file (red: need review)</h3>${fileBars(docs, reviewPerDoc)}`;

  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'">
<title>ziping review report</title><style>${STYLE}</style></head><body>
<h1>ziping review report</h1>
<div class="toolbar"><label>Reviewer <input id="reviewer" autocomplete="name"></label>
<button id="download" type="button">Download corrections (<span id="edit-count">0</span>)</button>
<span class="muted">${options.server ? 'Edit a value and press Save; it is stored at once.' : 'Edit values, then download the corrections and run <code>ziping corrections apply corrections.json --db …</code>.'}</span></div>
<h2>Overview</h2>${overview}
${sections.join('\n')}
<script type="application/json" id="review-config">${scriptJson({ server: options.server ?? null })}</script>
<script>${SCRIPT}</script>
</body></html>`;
}
