/** Numbers printed together, cut where the row then adds up. */
import { pointsOfRate } from '../../forms/values.js';
import { fieldLabel } from './words.js';
// ---------------------------------------------------------------- numbers run together

const NUMBER_PIECE = /^(0|[1-9]\d*)(\.\d{1,2})?$/;

/** Every way to cut a run of digits (optionally ending in a percentage) into `pieces` numbers. */
export function splitNumberRun(run: string, pieces: number): string[][] {
  const percent = run.endsWith('%');
  const digits = percent ? run.slice(0, -1) : run;
  if (!/^[\d.]+$/.test(digits) || pieces < 1 || pieces > 8 || digits.length > 24) return [];
  const out: string[][] = [];
  const walk = (from: number, left: number, acc: string[]): void => {
    if (left === 1) {
      const last = digits.slice(from);
      if (NUMBER_PIECE.test(last)) out.push([...acc, percent ? `${last}%` : last]);
      return;
    }
    for (let end = from + 1; end < digits.length; end++) {
      const piece = digits.slice(from, end);
      if (NUMBER_PIECE.test(piece)) walk(end, left - 1, [...acc, piece]);
    }
  };
  walk(0, pieces, []);
  return out;
}

export const FUNDS_COLUMNS: ReadonlySet<string> = new Set(['initial_budget', 'adjusted_budget', 'received', 'executed', 'execution_rate', 'funds_weight', 'funds_score']);

/** Does a funds row add up: 执行率 = 执行数 / 预算数, a score at most its weight, a weight at most 100? */
function fundsConsistent(columns: readonly string[], values: readonly string[]): boolean {
  const get = (key: string): number | null => {
    const i = columns.indexOf(key);
    const v = i >= 0 ? values[i] : undefined;
    return v === undefined ? null : Number(v.replace('%', '')) / (v.endsWith('%') ? 100 : 1);
  };
  const budget = get('adjusted_budget');
  const executed = get('executed');
  const rate = get('execution_rate');
  const weight = get('funds_weight');
  const score = get('funds_score');
  const printedRate = values[columns.indexOf('execution_rate')] ?? '';
  if (rate !== null && !printedRate.endsWith('%')) return false;
  // a rate printed with d decimals is within half a unit of its last digit, of the ratio of the
  // amounts before they were rounded for print (46 / 148 printed as 31.00%: 46.2 / 148.1 was 31.2%)
  const decimals = /\.(\d+)%$/.exec(printedRate)?.[1]?.length ?? 0;
  const amountStep = (key: string): number => 10 ** -(/\.(\d+)$/.exec(values[columns.indexOf(key)] ?? '')?.[1]?.length ?? 0);
  if (budget && executed !== null && rate !== null) {
    // only amounts of three or more significant digits: "1 | 48 | 4631%" is no rounding of anything
    const step = amountStep('adjusted_budget');
    const rounding = budget >= 100 * step ? (executed + amountStep('executed') / 2) / (budget - step / 2) - executed / budget : 0;
    if (Math.abs(executed / budget - rate) > 0.5 * 10 ** -decimals / 100 + rounding + 1e-9) return false;
  }
  if (weight !== null && (weight > 100 || (score !== null && score > weight))) return false;
  return true;
}

/**
 * A funds row whose numbers were printed together ("202010100.00%10" under 全年预算数 全年执行数
 * 分值 执行率 得分) is cut so that the row adds up (执行率 = 执行数 / 预算数 to the printed precision,
 * score ≤ weight); among several such cuts the one with fewest zero amounts wins, and with no
 * single winner the row stays as printed (and is flagged downstream as not adding up).
 */
export function expandFundsRow(header: readonly string[], values: readonly string[]): string[] {
  const columns = header.map((h) => fieldLabel(h)?.canonical ?? '').filter((c) => FUNDS_COLUMNS.has(c));
  if (columns.length < 3 || values.length >= columns.length) return [...values];
  const glued = values.map((v, i) => ({ v, i })).filter(({ v }) => /^[\d.]{3,}%?$/.test(v));
  if (glued.length !== 1) return [...values];
  const { v, i } = glued[0]!;
  const fits = splitNumberRun(v, columns.length - values.length + 1)
    .map((pieces) => [...values.slice(0, i), ...pieces, ...values.slice(i + 1)])
    .filter((candidate) => fundsConsistent(columns, candidate));
  if (fits.length === 0) return [...values];
  // several cuts add up ("20 20 10 100.00%" and "20201 0 10 0.00%"): a zero amount is the rarer reading
  const zeros = (candidate: readonly string[]): number => candidate.filter((x) => Number(x.replace('%', '')) === 0).length;
  const fewest = Math.min(...fits.map(zeros));
  const best = fits.filter((f) => zeros(f) === fewest);
  return best.length === 1 ? best[0]! : [...values];
}

/** The funds block's last three columns as the template prints them: 执行率 | 权重 | 得分, in any order. */
const FUNDS_TAIL: readonly string[] = ['execution_rate', 'funds_weight', 'funds_score'];

/** Does a rate, weight and score add up: score = rate × weight to the score's printed cents, score ≤ weight ≤ 100? */
function tailAddsUp(rate: number, weight: number, score: number): boolean {
  // (a cut is kept only where the arithmetic holds to the printed rounding: a looser match admits wrong cuts)
  return rate <= 100 && weight > 0 && weight <= 100 && score <= weight && Math.abs(pointsOfRate(rate, weight) - score) <= 0.005 + 1e-9;
}

/**
 * A funds row printed as one run whose amounts lost digits in the dump (".42.08.1" where the
 * thousands vanished) but whose last three cells, 执行率 | 权重 | 得分, still stand at its end
 * ("…83.16108.32": 83.16% of 10 is 8.32). Where the amounts cannot be cut (expandFundsRow found
 * no cut), the tail alone is cut when exactly one cut makes score = rate × weight; the amounts are
 * left unread. Returns the row's values under the header's funds columns, or null.
 */
export function expandFundsTail(header: readonly string[], values: readonly string[]): { values: string[]; before: string; after: string } | null {
  const columns: string[] = header.map((h) => fieldLabel(h)?.canonical ?? '').filter((c) => FUNDS_COLUMNS.has(c));
  const run = values[0] ?? '';
  if (values.length !== 1 || columns.length < 4 || !/^[\d.]{6,}$/.test(run)) return null;
  const tail = columns.slice(-3);
  if (!FUNDS_TAIL.every((c) => tail.includes(c))) return null;
  const fits: string[][] = [];
  for (let at = 1; at < run.length - 2; at++) {
    // only amounts that are no numbers any more (".42.08.1"): amounts that still parse are expandFundsRow's
    if (splitNumberRun(run.slice(0, at), columns.length - 3).length > 0) continue;
    for (const pieces of splitNumberRun(run.slice(at), 3)) {
      const get = (key: string): number => Number(pieces[tail.indexOf(key)]);
      if (tailAddsUp(get('execution_rate'), get('funds_weight'), get('funds_score'))) fits.push(pieces);
    }
  }
  if (fits.length !== 1) return null;
  const amounts = new Array<string>(columns.length - 3).fill('');
  return { values: [...amounts, ...fits[0]!], before: run, after: fits[0]!.join(' | ') };
}
