import * as Plot from "@observablehq/plot";
import { isClusterResult } from "../analysis/cluster-result.ts";
import { brush } from "./brush.ts";
import { clickable } from "./clickable.ts";
import { chartRows, needColumn, type ChartOptions, type Figure, type Row } from "./data.ts";
import type { DrillDetail } from "./drill.ts";

/** Options of `charts.embedding`: what colors the points (`cluster` by default, `label`, `time`, or any column such as a score). */
export interface EmbeddingOptions extends ChartOptions {
  readonly color?: string;
  /** The time column for `color: "time"` (default `started_at`). */
  readonly time?: string;
}

/** One drawn point: its position, its color value, its call and a hover text. */
interface EmbeddingPoint {
  readonly x: number;
  readonly y: number;
  readonly color: unknown;
  readonly ref: string | null;
  readonly title: string;
}

/**
 * The 2-D picture of a clustering (`cluster(...)`'s result, or any rows with `x` and `y`), one
 * dot per row colored by cluster, label, time or a score; clicking a dot opens its call, and
 * dragging a rectangle opens every call inside it. `canDrawRamps`: whether the document has a
 * 2-D canvas for a continuous color legend.
 */
export function embedding(figure: Figure, data: unknown, options: EmbeddingOptions = {}, canDrawRamps = true) {
  const { rows, source } = isClusterResult(data) ? { rows: data.table().objects() as Row[], source: data.source } : chartRows(data);
  needColumn(rows, "x", "x (the projection; pass cluster(...)'s result)");
  needColumn(rows, "y", "y");
  const by = options.color ?? ("label" in (rows[0] ?? {}) ? "label" : "cluster");
  const column = by === "time" ? (options.time ?? "started_at") : by;
  needColumn(rows, column, "color");
  const continuous = by === "time" || rows.some((r) => typeof r[column] === "number" && column !== "cluster");
  const points: EmbeddingPoint[] = rows.map((r) => {
    const value = r[column];
    const text = typeof r.text === "string" ? r.text.slice(0, 160) : "";
    return {
      x: Number(r.x),
      y: Number(r.y),
      color: by === "time" && !(value instanceof Date) && value !== null ? new Date(value as string) : column === "cluster" ? String(value) : value,
      ref: typeof r.call === "string" ? r.call : null,
      title: `${column}: ${value instanceof Date ? value.toISOString() : String(value)}${text ? `\n${text}` : ""}`,
    };
  });
  const drill = (i: number): DrillDetail | null => (points[i]!.ref ? { title: points[i]!.title.split("\n")[0]!, refs: [points[i]!.ref!], source } : null);
  const chart = figure(
    {
      width: options.width ?? 640,
      height: options.height ?? 440,
      x: { axis: null },
      y: { axis: null },
      // A continuous legend is a ramp drawn on a canvas: only where the document can draw one (not the server DOM of `weft run`).
      color: continuous ? { legend: canDrawRamps, label: column, type: by === "time" ? "utc" : "linear" } : { legend: points.length > 0, label: column, type: "categorical" },
      marks: [Plot.frame({ stroke: "#ddd" }), Plot.dot(points, { x: "x", y: "y", fill: "color", r: points.length > 2000 ? 2 : 3, fillOpacity: 0.8, title: "title", render: clickable(drill) })],
    },
    options.title,
  );
  brush(chart, points, (inside) => ({ title: `${inside.length} points in the selection`, refs: inside.flatMap((p) => (p.ref ? [p.ref] : [])), source }));
  return chart;
}
