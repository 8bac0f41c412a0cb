import * as aq from "arquero";
import { summarize } from "./stats.ts";

/** One row of a result table, as arquero gives it. */
type Row = Readonly<Record<string, unknown>>;

/** Items that share a key: the key's values (in key order) and the items, in first-seen order. */
export interface Group<T> {
  readonly key: readonly unknown[];
  readonly rows: T[];
}

/**
 * The one grouping routine of results, tables and charts: items grouped by the values `keyOf`
 * gives, compared as JSON (so `undefined` and `null` fall together), groups in first-seen
 * order. The map's keys are those JSON ids, for pairing groups of two tables.
 */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => readonly unknown[]): Map<string, Group<T>> {
  const groups = new Map<string, Group<T>>();
  for (const item of items) {
    const key = keyOf(item);
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, rows: [] }));
    g.rows.push(item);
  }
  return groups;
}

/** Rows grouped by the values of columns: `groupBy` over a table's row objects. */
export function groupRows<R extends Row>(rows: Iterable<R>, columns: readonly string[]): Group<R>[] {
  return [...groupBy(rows, (r) => columns.map((c) => r[c])).values()];
}

/** What `rollup` computes per group, besides the `by` values, `n` and the statistics of each metric. */
export interface RollupOptions {
  /** Columns right after `n`, each computed from the group's rows (the default summary's `errors`). */
  readonly counts?: Readonly<Record<string, (rows: readonly Row[]) => unknown>>;
  /** Columns after the statistics, each computed from the group's rows (a result's `calls`). */
  readonly after?: Readonly<Record<string, (rows: readonly Row[]) => unknown>>;
}

/**
 * Mean, sem and 95% CI (`METRIC.mean`, `.sem`, `.ci_low`, `.ci_high`) of each metric per group
 * of the `by` columns, with `n`, the rows in the group: `VaryResult.rollup` and an evaluation's
 * default summary are this one computation. A group without values has null statistics.
 */
export function rollup(rows: readonly Row[], by: readonly string[], metrics: readonly string[], options: RollupOptions = {}): aq.ColumnTable {
  const counts = Object.entries(options.counts ?? {});
  const after = Object.entries(options.after ?? {});
  const out: Record<string, unknown[]> = {};
  for (const c of [...by, "n", ...counts.map(([c]) => c)]) out[c] = [];
  for (const m of metrics) for (const s of ["mean", "sem", "ci_low", "ci_high"]) out[`${m}.${s}`] = [];
  for (const [c] of after) out[c] = [];
  for (const g of groupRows(rows, by)) {
    by.forEach((b, i) => out[b]!.push(g.key[i]));
    out.n!.push(g.rows.length);
    for (const [c, f] of counts) out[c]!.push(f(g.rows));
    for (const m of metrics) {
      // No values (every leaf of the group failed): no statistics, null rather than NaN.
      const s = summarize(g.rows.map((r) => r[m]));
      const stat = (x: number) => (Number.isNaN(x) ? null : x);
      out[`${m}.mean`]!.push(stat(s.mean));
      out[`${m}.sem`]!.push(stat(s.sem));
      out[`${m}.ci_low`]!.push(stat(s.ciLow));
      out[`${m}.ci_high`]!.push(stat(s.ciHigh));
    }
    for (const [c, f] of after) out[c]!.push(f(g.rows));
  }
  return aq.table(out);
}
