/**
 * Project lists: a department's targets printed as ONE table whose header puts project columns
 * before the indicator columns — 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | … —
 * and whose rows start a new project wherever the project cells are filled. Each project is a
 * form of its own; this module cuts such a list into per-project label/value rows followed by the
 * indicator header and that project's indicator rows, so the ordinary form reader applies.
 * Cells merged over several projects (the 单位名称 of a unit with several projects) are inherited.
 */
import { parseMoney } from './values.js';
import { type FieldLabel, FIELD_LABELS, matchIndicatorColumn, matchLabel, matchLevel1, matchLevel2 } from './vocabulary.js';

/** Fields a project column of a list may hold. */
const PROJECT_FIELDS: ReadonlySet<FieldLabel> = new Set([
  'project_name', 'project_code', 'department', 'implementing_unit', 'filing_unit', 'adjusted_budget', 'goal_expected', 'project_category',
]);

interface Texted { text: string }

export interface ListHeader<C extends Texted = Texted> {
  /** the project columns' printed labels and fields, in order */
  projectLabels: C[];
  projectFields: FieldLabel[];
  /** the indicator part of the header, as printed */
  indicatorLabels: C[];
}

const isIndicatorLabel = (text: string): boolean => matchIndicatorColumn(text) !== null;
const isLevelName = (text: string): boolean => matchLevel1(text) !== null || matchLevel2(text) !== null;
/** An amount as a budget column prints it: "3,309,840.00", "1030700", "24.00" — not a year or a code. */
const isAmount = (text: string): boolean => /^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d{2}$|^\d{4,}$/.test(text.trim()) && parseMoney(text, null) !== null;

/**
 * A header row (its non-empty cells) that is a project list: project labels, 项目名称 among them,
 * then three or more indicator column labels.
 */
export function listHeaderOf<C extends Texted>(cells: readonly C[]): ListHeader<C> | null {
  // (every row of every form is asked: most are answered by their first cell, which must be a project label)
  const lead = cells[0] ? matchLabel(cells[0].text, FIELD_LABELS)?.canonical : undefined;
  if (lead === undefined || !PROJECT_FIELDS.has(lead)) return null;
  // 年度目标 is a field (the project's goal) though it is also a truncated 年度目标值
  const exactField = (text: string) => matchLabel(text, FIELD_LABELS)?.distance === 0;
  const first = cells.findIndex((c) => isIndicatorLabel(c.text) && !exactField(c.text));
  if (first < 1) return null;
  const projectLabels = cells.slice(0, first);
  const fields = projectLabels.map((c) => matchLabel(c.text, FIELD_LABELS)?.canonical ?? null);
  if (!fields.includes('project_name') || fields.some((f) => f === null || !PROJECT_FIELDS.has(f))) return null;
  const indicatorLabels = cells.slice(first);
  if (indicatorLabels.filter((c) => isIndicatorLabel(c.text)).length < 3) return null;
  return { projectLabels: [...projectLabels], projectFields: fields as FieldLabel[], indicatorLabels: [...indicatorLabels] };
}

/**
 * The project cells at the front of a row (before its first level name), placed in the list's
 * project columns by content: the amount goes under 预算数, the cells before it end at the column
 * before 预算数 (a merged leading cell is missing), the cells after it follow 预算数.
 */
export function projectPrefix<C extends Texted>(cells: readonly C[], header: ListHeader<C>): { values: Array<C | null>; rest: C[] } | null {
  const firstLevel = cells.findIndex((c) => isLevelName(c.text));
  const prefix = firstLevel < 0 ? [...cells] : cells.slice(0, firstLevel);
  const rest = firstLevel < 0 ? [] : cells.slice(firstLevel);
  const budgetCol = header.projectFields.indexOf('adjusted_budget');
  const amountAt = prefix.findIndex((c) => isAmount(c.text));
  if (prefix.length === 0 || budgetCol < 0 || amountAt < 0) return null;
  const values: Array<C | null> = header.projectFields.map(() => null);
  const before = prefix.slice(0, amountAt);
  if (before.length > budgetCol) return null;
  before.forEach((text, i) => { values[budgetCol - before.length + i] = text; });
  values[budgetCol] = prefix[amountAt]!;
  prefix.slice(amountAt + 1).forEach((text, i) => { if (budgetCol + 1 + i < values.length) values[budgetCol + 1 + i] = text; });
  return { values, rest };
}

export interface ListProject<C extends Texted = Texted> {
  /** label/value rows: [label, value] */
  fields: Array<[C, C]>;
  /** the indicator rows, as cells */
  rows: C[][];
}

/**
 * Cut a list's rows (each its non-empty cells, after the header) into projects. A row with an
 * amount in front and no indicator cells is a subtotal of the department and starts none.
 */
export function splitProjects<C extends Texted>(rows: readonly C[][], header: ListHeader<C>): Array<ListProject<C>> {
  const projects: Array<ListProject<C>> = [];
  let inherited: Array<C | null> = header.projectFields.map(() => null);
  for (const cells of rows) {
    const prefix = projectPrefix(cells, header);
    if (prefix && prefix.rest.length === 0) continue;
    if (prefix && prefix.values[header.projectFields.indexOf('project_name')] !== null) {
      const values = prefix.values.map((v, i) => v ?? inherited[i] ?? null);
      inherited = values;
      projects.push({
        fields: header.projectLabels.flatMap((label, i): Array<[C, C]> => (values[i] ? [[label, values[i]!]] : [])),
        rows: [prefix.rest],
      });
      continue;
    }
    projects[projects.length - 1]?.rows.push([...cells]);
  }
  return projects;
}
