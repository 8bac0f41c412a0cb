import { describe } from "./vectors.ts";

/**
 * The adjusted Rand index of two labelings of the same items (Hubert & Arabie, 1985): 1 when
 * they partition the items identically (whatever the label names), about 0 for chance
 * agreement, negative below chance. Written here because no maintained npm package provides
 * it; it is a closed formula over the contingency table, not an algorithm.
 * When both labelings are trivial in the same way (one cluster each, or all singletons), 1.
 */
export function adjustedRandIndex(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  const fn = "adjustedRandIndex";
  if (!Array.isArray(a) || !Array.isArray(b)) throw new TypeError(`${fn}: a and b must be arrays of labels, got ${describe(a)} and ${describe(b)}`);
  if (a.length !== b.length) throw new RangeError(`${fn}: a has ${a.length} labels, b has ${b.length}`);
  if (a.length === 0) throw new RangeError(`${fn}: a and b must not be empty`);
  const pairs = (n: number) => (n * (n - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<number | string, number>();
  const cols = new Map<number | string, number>();
  for (let i = 0; i < a.length; i++) {
    const key = JSON.stringify([a[i], b[i]]);
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  let index = 0;
  for (const n of cells.values()) index += pairs(n);
  let sumRows = 0;
  for (const n of rows.values()) sumRows += pairs(n);
  let sumCols = 0;
  for (const n of cols.values()) sumCols += pairs(n);
  const expected = (sumRows * sumCols) / pairs(a.length);
  const max = (sumRows + sumCols) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
