import type * as Plot from "@observablehq/plot";
import { callSourceOf, isTable, type CallSource } from "../../base/index.ts";
import { isVaryResult } from "../../trace/index.ts";

/** One row of the data a chart reads. */
export type Row = Record<string, unknown>;

/** Options common to every chart. */
export interface ChartOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Renders Plot options (with an optional title) into a figure on the charts' document. */
export type Figure = (options: Plot.PlotOptions, title?: string) => SVGSVGElement | HTMLElement;

/**
 * The rows a chart reads from a vary result (its table, and the result for drill-down), an
 * arquero table or an array of objects. With `need` (option → column, e.g. `{x: "op"}`), each
 * named column must be there (the error names the option and the columns there are), and a
 * table gives only those columns and `call`: a 20,000-row result is not turned into objects whole.
 */
export function chartRows(data: unknown, need?: Readonly<Record<string, string | undefined>>): { rows: Row[]; source: CallSource | null } {
  const table = isVaryResult(data) ? data.table() : isTable(data) ? data : null;
  if (table) {
    const columns = need && neededColumns(table.columnNames(), need);
    return { rows: table.objects(columns ? { columns } : {}) as Row[], source: isVaryResult(data) ? data : callSourceOf(table) };
  }
  if (Array.isArray(data)) {
    if (need && data.length) neededColumns(Object.keys(data[0] as object), need);
    return { rows: data as Row[], source: null };
  }
  throw new Error("chart: data must be a vary result, an arquero table or an array of objects");
}

/** The columns to keep for `need`, plus `call` when there is one; throws naming the option of a missing column. */
function neededColumns(names: readonly string[], need: Readonly<Record<string, string | undefined>>): string[] {
  const wanted = new Set<string>();
  for (const [option, column] of Object.entries(need)) {
    if (column === undefined) continue;
    if (!names.includes(column)) throw new Error(`chart: ${option} names column '${column}', which the data does not have (it has: ${names.join(", ")})`);
    wanted.add(column);
  }
  if (names.includes("call")) wanted.add("call");
  return [...wanted];
}

/** Throws naming the option and the columns there are when the rows lack `column`. */
export function needColumn(rows: readonly Row[], column: string, option: string): void {
  if (rows.length && !(column in rows[0]!)) {
    throw new Error(`chart: ${option} names column '${column}', which the data does not have (it has: ${Object.keys(rows[0]!).join(", ")})`);
  }
}

/** The call refs of rows (their `call` column). */
export function refsOf(rows: readonly Row[]): string[] {
  return rows.map((r) => r.call).filter((c): c is string => typeof c === "string");
}
