/**
 * Which way up a scanned page is. Archives hold landscape forms scanned sideways and pages fed
 * upside down; deskewing only straightens a few degrees. PaddleOCR's detector finds the text runs
 * on a small copy of the page. Upright text reads confidently; otherwise the shapes of the runs
 * say which axis the text runs along, and the recogniser decides between a turn and its opposite.
 * Used whatever engine reads the cells.
 */
import { detectRuns, recogniseRun, resize } from './paddle.js';
import type { Gray } from './raster.js';

/** Orientation is judged on a copy at this resolution: runs of text stay several pixels high. */
const JUDGE_DPI = 100;
/** A run lies across when its width is at least this share of its height (a single character is square). */
const ACROSS = 0.8;
/** A run holds several characters when its long side is this many times its short one. */
const ELONGATED = 2.5;
/** Runs read in each candidate turn, and the characters (run heights) read of each. */
const SAMPLE_RUNS = 5;
const JUDGE_CHARS = 6;
/** Upright text reads at least this confidently; text the wrong way up far less. */
const UPRIGHT_ENOUGH = 0.9;
/** A turn replaces its opposite only when it reads this much more confidently. */
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
  const across = (sideways: boolean): Run[] => runs
    .filter((r) => (sideways ? r.y1 - r.y0 >= ACROSS * (r.x1 - r.x0) : r.x1 - r.x0 >= ACROSS * (r.y1 - r.y0)))
    .sort((a, b) => length(b) - length(a)).slice(0, SAMPLE_RUNS)
    // the first few characters of a run are enough to judge, and cost far less to read
    .map((r) => (sideways ? { ...r, y1: Math.min(r.y1, r.y0 + JUDGE_CHARS * (r.x1 - r.x0)) } : { ...r, x1: Math.min(r.x1, r.x0 + JUDGE_CHARS * (r.y1 - r.y0)) }));
  const judged = async (turns: number): Promise<number> => {
    const sample = across(turns % 2 === 1);
    return sample.length === 0 ? 0 : (await confidenceTurned(small, sample, turns)) / sample.length;
  };
  // An upright page's longest runs, single characters included, read confidently: done. (Shapes
  // alone mislead here: a narrow column stacks one character per line into a tall run.)
  const upright = await judged(0);
  if (upright >= UPRIGHT_ENOUGH) return 0;
  // Otherwise the runs of several characters say which axis the text runs along, and reading
  // decides between a turn and its opposite: text upside down reads with far lower confidence.
  // (Only between opposites: the recogniser reads characters lying on their side confidently.)
  const elongated = runs.filter((r) => length(r) >= ELONGATED * Math.min(r.x1 - r.x0, r.y1 - r.y0));
  const tall = elongated.filter((r) => r.y1 - r.y0 > r.x1 - r.x0).length;
  const [one, other] = tall > elongated.length / 2 ? [1, 3] : [0, 2];
  const [first, second] = [one === 0 ? upright : await judged(one), await judged(other)];
  return second > first + TURN_MARGIN ? other : one;
}
