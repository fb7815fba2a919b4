/**
 * Which way up a scanned page is. Archives hold landscape forms scanned sideways and pages fed
 * upside down; deskewing only straightens a few degrees. PaddleOCR's detector finds the text runs
 * on a small copy of the page; for each quarter turn the recogniser reads the longest runs that
 * would lie across after it, and text the wrong way up reads with far lower confidence.
 * Used whatever engine reads the cells.
 */
import { detectRuns, recogniseRun, resize } from './paddle.js';
import type { Gray } from './raster.js';

/** Orientation is judged on a copy at this resolution: runs of text stay several pixels high. */
const JUDGE_DPI = 100;
/** A run lies across when its width is at least this share of its height (a single character is square). */
const ACROSS = 0.8;
/** Runs read in each candidate turn. */
const SAMPLE_RUNS = 5;
/** A turn replaces upright (or a turn found before) only when it reads this much more confidently. */
const TURN_MARGIN = 0.1;

/** The image turned clockwise by `turns` quarter turns. */
export function turnGray(gray: Gray, turns: number): Gray {
  const k = ((turns % 4) + 4) % 4;
  if (k === 0) return gray;
  const { width, height, data } = gray;
  const [w, h] = k === 2 ? [width, height] : [height, width];
  const out = new Uint8Array(w * h);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // (x, y) → its place after k clockwise quarter turns
      const [nx, ny] = k === 1 ? [height - 1 - y, x] : k === 2 ? [width - 1 - x, height - 1 - y] : [y, width - 1 - x];
      out[ny * w + nx] = data[y * width + x]!;
    }
  }
  return { width: w, height: h, data: out, dpi: gray.dpi };
}

interface Run { x0: number; y0: number; x1: number; y1: number }

/** The box of `run` in the image turned by `turns` quarter turns clockwise. */
function turnBox(run: Run, gray: Gray, turns: number): Run {
  const { width, height } = gray;
  switch (((turns % 4) + 4) % 4) {
    case 1: return { x0: height - run.y1, y0: run.x0, x1: height - run.y0, y1: run.x1 };
    case 2: return { x0: width - run.x1, y0: height - run.y1, x1: width - run.x0, y1: height - run.y0 };
    case 3: return { x0: run.y0, y0: width - run.x1, x1: run.y1, y1: width - run.x0 };
    default: return run;
  }
}

async function confidenceTurned(small: Gray, runs: readonly Run[], turns: number): Promise<number> {
  const turned = turnGray(small, turns);
  let sum = 0;
  for (const run of runs) sum += (await recogniseRun(turned, turnBox(run, small, turns))).confidence;
  return sum;
}

/** The clockwise quarter turns (0–3) that make the page upright; 0 when the page holds too little text to tell. */
export async function uprightTurns(gray: Gray): Promise<number> {
  const scale = Math.min(1, JUDGE_DPI / gray.dpi);
  const small = scale < 1 ? { ...resize(gray, Math.round(gray.width * scale), Math.round(gray.height * scale)), dpi: JUDGE_DPI } : gray;
  const runs = await detectRuns(small);
  const length = (r: Run): number => Math.max(r.x1 - r.x0, r.y1 - r.y0);
  // Each turn is judged on the longest runs that would lie across after it, single characters
  // included: shapes alone mislead (a narrow column stacks one character per line into a tall run
  // on an upright page, and the recogniser reads such a stack turned sideways quite well), but the
  // page's short words and numbers read well only the right way up.
  const across = (sideways: boolean) => runs
    .filter((r) => (sideways ? r.y1 - r.y0 >= ACROSS * (r.x1 - r.x0) : r.x1 - r.x0 >= ACROSS * (r.y1 - r.y0)))
    .sort((a, b) => length(b) - length(a)).slice(0, SAMPLE_RUNS);
  let best = { turns: 0, confidence: -1 };
  for (const turns of [0, 2, 1, 3]) {
    const sample = across(turns % 2 === 1);
    const confidence = sample.length === 0 ? 0 : (await confidenceTurned(small, sample, turns)) / sample.length;
    if (best.confidence < 0 || confidence > best.confidence + TURN_MARGIN) best = { turns, confidence };
  }
  return best.turns;
}
