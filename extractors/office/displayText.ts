/**
 * A cell's value → the text the sheet displays. A cell showing `100%` stores 1, one showing
 * `4,100,000.00` stores 4100000, a date stores a day count: the pipeline reads printed forms, so it
 * is given the displayed text, rendered by SheetJS's number-format engine (ssf). Formula cells give
 * their cached result (never recomputed).
 */
import SSF from 'ssf';

/** Days between Excel's 1900 epoch (serial 0 = 1899-12-30 with the leap-year bug) and 1970-01-01. */
const EPOCH_1900 = 25569;
/** The 1904 date system starts 1462 days later. */
const EPOCH_1904_OFFSET = 1462;
const MS_PER_DAY = 86_400_000;

/** A date (exceljs reads date cells as UTC dates) → Excel serial day number. */
export function dateSerial(date: Date, date1904 = false): number {
  return date.getTime() / MS_PER_DAY + EPOCH_1900 - (date1904 ? EPOCH_1904_OFFSET : 0);
}

/** Format a number by an Excel number format; an unreadable format falls back to General. */
export function formatNumber(value: number, numFmt: string | undefined): string {
  const format = numFmt && numFmt !== '' ? numFmt : 'General';
  try {
    return SSF.format(format, value).trim();
  } catch {
    return SSF.format('General', value).trim();
  }
}

/** Format a date by its format, or as yyyy-mm-dd when the cell has no date format. */
export function formatDate(date: Date, numFmt: string | undefined, date1904 = false): string {
  const serial = dateSerial(date, date1904);
  const format = numFmt && SSF.is_date(numFmt) ? numFmt : 'yyyy-mm-dd';
  try {
    return SSF.format(format, serial, { date1904 }).trim();
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

type Scalar = number | string | boolean | Date | { error: string } | null | undefined;

/** Whatever a cell's value is (number, date, rich text, hyperlink, formula, error) → displayed text. */
export function displayText(value: unknown, numFmt: string | undefined, date1904 = false): { text: string; formulaWithoutResult?: boolean } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'object' && !(value instanceof Date)) {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return { text: (v.richText as Array<{ text: string }>).map((run) => run.text).join('') };
    if ('formula' in v || 'sharedFormula' in v) {
      if (v.result === undefined) return { text: '', formulaWithoutResult: true };
      return displayText(v.result, numFmt, date1904);
    }
    if ('hyperlink' in v) return displayText(v.text, numFmt, date1904);
    if ('error' in v) return { text: String(v.error) };
    if ('text' in v) return { text: String(v.text) };
    return { text: '' };
  }
  const scalar = value as Scalar;
  if (typeof scalar === 'number') return { text: formatNumber(scalar, numFmt) };
  if (scalar instanceof Date) return { text: formatDate(scalar, numFmt, date1904) };
  if (typeof scalar === 'boolean') return { text: scalar ? 'TRUE' : 'FALSE' };
  return { text: String(scalar) };
}
