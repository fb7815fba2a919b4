/**
 * Ruling lines in a page image: long runs of ink along rows (horizontal) and columns (vertical),
 * with short breaks bridged (noise, JPEG), merged over the line's thickness and returned as
 * rules in PDF points, so the lattice reader of the PDF path builds the grid and its merged cells.
 */
import type { Rule } from '../../layout/page/geometry.js';
import type { Gray } from './raster.js';

/** A ruling is at least this long (inches): longer than any stroke of a character. */
const MIN_LINE_INCHES = 0.3;
/**
 * A shorter vertical run still counts when both its ends meet horizontal rulings: the separator
 * of a single low row (a funds row at 200 dpi is under 0.3 in). A character's stroke rarely
 * spans exactly from one ruling to the next.
 */
const MIN_SEPARATOR_INCHES = 0.12;
/** Breaks in a line up to this many pixels are bridged. */
const MAX_GAP = 3;

interface Run { at: number; from: number; to: number }

function runsAlong(ink: Uint8Array, gray: Gray, horizontal: boolean, minInches: number): Run[] {
  const { width, height } = gray;
  const [outer, inner] = horizontal ? [height, width] : [width, height];
  const minLength = minInches * gray.dpi;
  const runs: Run[] = [];
  for (let a = 0; a < outer; a++) {
    let start = -1;
    let last = -1;
    for (let b = 0; b <= inner; b++) {
      const on = b < inner && ink[horizontal ? a * width + b : b * width + a] === 1;
      if (on) {
        if (start < 0) start = b;
        last = b;
      } else if (start >= 0 && b - last > MAX_GAP) {
        if (last - start + 1 >= minLength) runs.push({ at: a, from: start, to: last });
        start = -1;
      }
    }
  }
  return runs;
}

/** Runs on neighbouring rows (columns) that overlap are one line of some thickness. */
function mergeRuns(runs: readonly Run[]): Run[] {
  const lines: Array<Run & { last: number; sum: number; count: number }> = [];
  for (const run of [...runs].sort((a, b) => a.at - b.at)) {
    const line = lines.find((l) => run.at - l.last <= 2 && run.from <= l.to && run.to >= l.from);
    if (line) {
      line.last = run.at;
      line.from = Math.min(line.from, run.from);
      line.to = Math.max(line.to, run.to);
      line.sum += run.at;
      line.count++;
    } else lines.push({ ...run, last: run.at, sum: run.at, count: 1 });
  }
  // a thick block of ink (a filled area, a stamp) is not a ruling
  return lines.filter((l) => l.last - Math.round(l.sum / l.count) <= 8).map((l) => ({ at: l.sum / l.count, from: l.from, to: l.to }));
}

/** Whether a vertical line's two ends each meet a horizontal ruling that crosses its column. */
function spansRulings(line: Run, horizontals: readonly Run[], tolerance: number): boolean {
  const meets = (y: number): boolean => horizontals.some((h) => Math.abs(h.at - y) <= tolerance && h.from - tolerance <= line.at && h.to + tolerance >= line.at);
  return meets(line.from) && meets(line.to);
}

export function rulingLines(gray: Gray, ink: Uint8Array): Rule[] {
  const toPoints = 72 / gray.dpi;
  const rule = (horizontal: boolean) => (r: Run): Rule => ({ horizontal, at: r.at * toPoints, from: r.from * toPoints, to: r.to * toPoints });
  const horizontals = mergeRuns(runsAlong(ink, gray, true, MIN_LINE_INCHES));
  const tolerance = Math.max(4, 0.02 * gray.dpi);
  const verticals = mergeRuns(runsAlong(ink, gray, false, MIN_SEPARATOR_INCHES))
    .filter((v) => v.to - v.from + 1 >= MIN_LINE_INCHES * gray.dpi || spansRulings(v, horizontals, tolerance));
  return [...horizontals.map(rule(true)), ...verticals.map(rule(false))];
}
