import * as aq from "arquero";
import { groupRows, rollup } from "./rollup.ts";

/** One row of a table, as arquero gives it. */
type Row = Record<string, unknown>;

/** Score columns of a result table: every `score.*` column whose values are booleans or numbers. */
export function scoreColumns(rows: readonly Row[]): string[] {
  const cols = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (k.startsWith("score.")) cols.add(k);
  return [...cols];
}

/**
 * The default summary of an evaluation: per variant (the `by` columns), for each score the
 * mean (the true fraction for booleans) with its sem and 95% CI over rows × trials, n, and
 * the errors. Pure: it reads the table and runs nothing.
 */
export function defaultSummary(rows: readonly Row[], by: readonly string[]): aq.ColumnTable {
  return rollup(rows, by, scoreColumns(rows), { counts: { errors: (g) => g.filter((r) => r.status === "error").length } });
}

/**
 * Per variant and row: how many trials, each score's mean, min and max over trials, and
 * `flaky` when a boolean score passed in some trials and failed in others.
 */
export function perRow(rows: readonly Row[], by: readonly string[]): aq.ColumnTable {
  const metrics = scoreColumns(rows);
  const out: Record<string, unknown[]> = Object.fromEntries([...by, "row", "trials", "flaky"].map((c) => [c, []]));
  for (const m of metrics) for (const s of ["mean", "min", "max"]) out[`${m}.${s}`] = [];
  for (const g of groupRows(rows, [...by, "row"])) {
    by.forEach((b, i) => out[b]!.push(g.key[i]));
    out.row!.push(g.key[by.length]);
    out.trials!.push(g.rows.length);
    let flaky = false;
    for (const m of metrics) {
      const values = g.rows.map((r) => r[m]);
      const nums = values.map((v) => (typeof v === "boolean" ? Number(v) : typeof v === "number" ? v : NaN)).filter((v) => !Number.isNaN(v));
      if (values.some((v) => v === true) && values.some((v) => v === false)) flaky = true;
      out[`${m}.mean`]!.push(nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null);
      out[`${m}.min`]!.push(nums.length ? Math.min(...nums) : null);
      out[`${m}.max`]!.push(nums.length ? Math.max(...nums) : null);
    }
    out.flaky!.push(flaky);
  }
  return aq.table(out);
}
