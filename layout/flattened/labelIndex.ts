/**
 * Labels grouped by their first character. The tokeniser asks "which label starts here?" at every
 * position of a long run-together dump; of some two hundred labels only the few that share the
 * character there can, so each position tries those alone — in the order of the original list, so
 * the first label found (longest first) is the one a scan of the whole list finds.
 */
export type LabelIndex = ReadonlyMap<string, readonly string[]>;

const NONE: readonly string[] = [];

export function indexByFirstChar(labels: readonly string[]): LabelIndex {
  const index = new Map<string, string[]>();
  for (const label of labels) {
    // an empty label would start everywhere: no list of the form holds one
    if (label === '') throw new Error('indexByFirstChar: an empty label');
    const first = label.charAt(0);
    const group = index.get(first);
    if (group) group.push(label);
    else index.set(first, [label]);
  }
  return index;
}

/** The labels that may start at `at` in `text` (those whose first character is the one there), in list order. */
export function labelsFrom(index: LabelIndex, text: string, at = 0): readonly string[] {
  return index.get(text.charAt(at)) ?? NONE;
}
