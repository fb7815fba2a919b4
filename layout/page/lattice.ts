/**
 * Ruled tables: snap a page's ruling lines into grids, derive merged cells from the separators
 * that are missing, and place each text run in the cell that contains its centre.
 */
import type { Repair } from '../../schemas/document.js';
import { type Box, centerX, centerY, cellText, clusterValues, type PlacedText, type Rule } from './geometry.js';

/** One cell of a grid: its box and the grid rows/columns it spans. */
export interface GridCell extends Box { row: number; col: number; rows: number; cols: number; text: string; repairs?: Repair[] }

export interface GridTable extends Box {
  /** column boundaries (x) and row boundaries (y) */
  xs: number[];
  ys: number[];
  /** row-major, one entry per grid slot; a spanned slot points at the cell that covers it */
  cells: GridCell[];
  slots: Array<Array<GridCell>>;
  /** the table runs off the page's bottom (top): its last (first) row has no closing rule */
  openBottom: boolean;
  openTop: boolean;
}

/** Positions closer than this (points) are the same line: border thickness plus rounding. */
const SNAP = 2;

/** Merge collinear overlapping or touching rules into longer ones. */
export function mergeRules(rules: readonly Rule[]): Rule[] {
  const out: Rule[] = [];
  for (const horizontal of [true, false]) {
    const group = rules.filter((r) => r.horizontal === horizontal).sort((a, b) => a.at - b.at || a.from - b.from);
    const lines = clusterValues(group.map((r) => r.at), SNAP);
    for (const at of lines) {
      const onLine = group.filter((r) => Math.abs(r.at - at) <= SNAP).sort((a, b) => a.from - b.from);
      let current: Rule | null = null;
      for (const r of onLine) {
        if (current && r.from <= current.to + SNAP) current.to = Math.max(current.to, r.to);
        else {
          if (current) out.push(current);
          current = { horizontal, at, from: r.from, to: r.to };
        }
      }
      if (current) out.push(current);
    }
  }
  return out;
}

function crosses(h: Rule, v: Rule): boolean {
  return v.at >= h.from - SNAP && v.at <= h.to + SNAP && h.at >= v.from - SNAP && h.at <= v.to + SNAP;
}

/** Connected groups of crossing rules: each group with at least 2×2 lines is one table. */
function ruleGroups(rules: readonly Rule[]): Rule[][] {
  const parent = rules.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const a = rules[i]!;
      const b = rules[j]!;
      if (a.horizontal !== b.horizontal && crosses(a.horizontal ? a : b, a.horizontal ? b : a)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, Rule[]>();
  rules.forEach((r, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  });
  return [...groups.values()].filter((g) => g.filter((r) => r.horizontal).length >= 2 && g.filter((r) => !r.horizontal).length >= 2);
}

/** Is the segment from..to on the line `at` drawn (by any rule of the group)? Checked at its middle. */
function drawn(rules: readonly Rule[], horizontal: boolean, at: number, from: number, to: number): boolean {
  const mid = (from + to) / 2;
  return rules.some((r) => r.horizontal === horizontal && Math.abs(r.at - at) <= SNAP && r.from <= mid && r.to >= mid);
}

function buildGrid(ruleGroup: readonly Rule[]): GridTable | null {
  let group = ruleGroup;
  const ys = clusterValues(group.filter((r) => r.horizontal).map((r) => r.at), SNAP);
  const xs = clusterValues(group.filter((r) => !r.horizontal).map((r) => r.at), SNAP);
  if (ys.length < 2 || xs.length < 2) return null;
  // A row split by a page break has its side rules but no closing rule: close it virtually.
  const verticals = group.filter((r) => !r.horizontal);
  const lowest = Math.max(...verticals.map((r) => r.to));
  const highest = Math.min(...verticals.map((r) => r.from));
  const openBottom = lowest > ys[ys.length - 1]! + 2 * SNAP;
  const openTop = highest < ys[0]! - 2 * SNAP;
  if (openBottom) ys.push(lowest);
  if (openTop) ys.unshift(highest);
  const virtual: Rule[] = [
    ...(openBottom ? [{ horizontal: true, at: lowest, from: xs[0]!, to: xs[xs.length - 1]! }] : []),
    ...(openTop ? [{ horizontal: true, at: highest, from: xs[0]!, to: xs[xs.length - 1]! }] : []),
  ];
  group = [...group, ...virtual];
  const rows = ys.length - 1;
  const cols = xs.length - 1;
  const slots: GridCell[][] = Array.from({ length: rows }, () => []);
  const cells: GridCell[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (slots[r]![c]) continue;
      // Grow right while the separator to the right is missing, then down while the one below is.
      let cs = 1;
      while (c + cs < cols && !drawn(group, false, xs[c + cs]!, ys[r]!, ys[r + 1]!) && !slots[r]![c + cs]) cs++;
      let rs = 1;
      while (r + rs < rows && !drawn(group, true, ys[r + rs]!, xs[c]!, xs[c + cs]!)) rs++;
      const cell: GridCell = { row: r, col: c, rows: rs, cols: cs, x0: xs[c]!, x1: xs[c + cs]!, y0: ys[r]!, y1: ys[r + rs]!, text: '' };
      cells.push(cell);
      for (let dr = 0; dr < rs; dr++) for (let dc = 0; dc < cs; dc++) slots[r + dr]![c + dc] ??= cell;
    }
  }
  return { xs, ys, cells, slots, openBottom, openTop, x0: xs[0]!, x1: xs[cols]!, y0: ys[0]!, y1: ys[rows]! };
}

/** Index of the interval of `bounds` holding v, or -1. */
function intervalOf(bounds: readonly number[], v: number): number {
  for (let i = 0; i + 1 < bounds.length; i++) if (v >= bounds[i]! && v < bounds[i + 1]!) return i;
  return -1;
}

/** Estimated advance of a character in ems: ideographs and full-width forms 1, Latin, digits and signs about half. */
function emWidth(ch: string): number {
  return /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uff60\u2605\u2606]/u.test(ch) ? 1 : ch === ' ' ? 0.3 : 0.55;
}

const textWidth = (text: string, size: number): number => [...text].reduce((s, ch) => s + emWidth(ch), 0) * size;

/** How far (in ems) an estimated text edge may stand past the separator it is split at. */
const SPLIT_TOLERANCE = 0.6;

/**
 * Given a text run and the x of the cell separators on its row, return the run cut at every
 * separator it crosses where a space stands there. pdf.js joins the texts of neighbouring cells
 * into one run, with a space, when they nearly touch — as office suites print them: a
 * right-aligned score against the next cell's left-aligned note, a full cell against the next —
 * so "★★★困难群众基本生活救助人数(按月平均) >=3620人" spans the 三级指标 and 年度指标值 cells. A run
 * with no space at a separator (text overflowing into an empty neighbour) stays whole. The
 * parts' boxes are estimated from character widths, measured from the run's two ends.
 */
export function splitAtSeparators(run: PlacedText, separators: readonly number[]): PlacedText[] {
  const tolerance = SPLIT_TOLERANCE * run.size;
  const crossed = separators.filter((x) => x > run.x0 + tolerance && x < run.x1 - tolerance);
  for (const x of crossed) {
    let best: { at: number; miss: number } | null = null;
    for (let i = run.text.indexOf(' '); i > 0; i = run.text.indexOf(' ', i + 1)) {
      const left = run.text.slice(0, i).trimEnd();
      const right = run.text.slice(i + 1).trimStart();
      if (left === '' || right === '') continue;
      const leftEnd = run.x0 + textWidth(left, run.size);
      const rightStart = run.x1 - textWidth(right, run.size);
      const miss = Math.max(0, leftEnd - x) + Math.max(0, x - rightStart);
      if (miss <= tolerance && (!best || miss < best.miss)) best = { at: i, miss };
    }
    if (!best) continue;
    const left = run.text.slice(0, best.at).trimEnd();
    const right = run.text.slice(best.at + 1).trimStart();
    const first: PlacedText = { ...run, text: left, x1: Math.min(x, run.x0 + textWidth(left, run.size)) };
    const rest: PlacedText = { ...run, text: right, x0: Math.max(x, run.x1 - textWidth(right, run.size)) };
    return [first, ...splitAtSeparators(rest, separators)];
  }
  return [run];
}

/** The x of every drawn separator between two cells on the grid row at y (merged cells have none inside). */
function separatorsAt(table: GridTable, y: number): number[] {
  const row = table.slots[intervalOf(table.ys, y)];
  if (!row) return [];
  return [...new Set(row.map((cell) => cell.x1))].filter((x) => x < table.x1);
}

/**
 * The ruled tables of a page with their text filled in, and the text runs outside every table.
 * Grids of a single cell (a box drawn around a title or a stamp) are not tables.
 */
export function latticeTables(rules: readonly Rule[], texts: readonly PlacedText[]): { tables: GridTable[]; rest: PlacedText[] } {
  const tables = ruleGroups(mergeRules(rules)).map(buildGrid).filter((t): t is GridTable => t !== null && t.cells.length >= 2);
  const runsByCell = new Map<GridCell, PlacedText[]>();
  const rest: PlacedText[] = [];
  const runs = texts.flatMap((run) => {
    const table = tables.find((t) => run.x0 < t.x1 && run.x1 > t.x0 && centerY(run) >= t.y0 && centerY(run) <= t.y1);
    return table ? splitAtSeparators(run, separatorsAt(table, centerY(run))) : [run];
  });
  for (const run of runs) {
    const x = centerX(run);
    const y = centerY(run);
    const table = tables.find((t) => x >= t.x0 && x <= t.x1 && y >= t.y0 && y <= t.y1);
    const cell = table ? table.slots[intervalOf(table.ys, y)]?.[intervalOf(table.xs, x)] : undefined;
    if (cell) runsByCell.set(cell, [...(runsByCell.get(cell) ?? []), run]);
    else rest.push(run);
  }
  for (const [cell, runs] of runsByCell) {
    cell.text = cellText(runs, cell);
    const repairs = runs.flatMap((r) => r.repairs ?? []);
    if (repairs.length > 0) cell.repairs = repairs;
  }
  return { tables: tables.sort((a, b) => a.y0 - b.y0), rest };
}
