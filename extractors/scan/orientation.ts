/**
 * Which way up a scanned page is. Archives hold landscape forms scanned sideways and pages fed
 * upside down; deskewing only straightens a few degrees. PaddleOCR's detector finds the text runs
 * on a small copy of the page: runs of several characters are wide when the page is upright or
 * upside down and tall when it lies sideways. Between the two turns left, the recogniser decides:
 * upside-down text reads with far lower confidence. Used whatever engine reads the cells.
 */
import { detectRuns, recogniseRun, resize } from './paddle.js';
import type { Gray } from './raster.js';

/** Orientation is judged on a copy at this resolution: runs of text stay several pixels high. */
const JUDGE_DPI = 100;
/** A run counts as a line of several characters when its long side is this many times its short one. */
const ELONGATED = 2.5;
/** Runs read both ways to tell a turn from its opposite. */
const SAMPLE_RUNS = 4;

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
  const runs = (await detectRuns(small)).filter((r) => {
    const [w, h] = [r.x1 - r.x0, r.y1 - r.y0];
    return Math.max(w, h) >= ELONGATED * Math.min(w, h);
  });
  if (runs.length === 0) return 0;
  const tall = runs.filter((r) => r.y1 - r.y0 > r.x1 - r.x0);
  const sideways = tall.length > runs.length / 2;
  // the longest runs read most reliably either way
  const sample = (sideways ? tall : runs.filter((r) => r.x1 - r.x0 > r.y1 - r.y0))
    .sort((a, b) => Math.max(b.x1 - b.x0, b.y1 - b.y0) - Math.max(a.x1 - a.x0, a.y1 - a.y0)).slice(0, SAMPLE_RUNS);
  const [one, other] = sideways ? [1, 3] : [0, 2];
  return (await confidenceTurned(small, sample, other)) > (await confidenceTurned(small, sample, one)) ? other : one;
}
