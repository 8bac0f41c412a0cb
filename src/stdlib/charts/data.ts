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

/** The rows a chart reads from a vary result (its table, and the result for drill-down), an arquero table or an array of objects. */
export function chartRows(data: unknown): { rows: Row[]; source: CallSource | null } {
  if (isVaryResult(data)) return { rows: data.table().objects() as Row[], source: data };
  if (isTable(data)) return { rows: data.objects() as Row[], source: callSourceOf(data) };
  if (Array.isArray(data)) return { rows: data as Row[], source: null };
  throw new Error("chart: data must be a vary result, an arquero table or an array of objects");
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
