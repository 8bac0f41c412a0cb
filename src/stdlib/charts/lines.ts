import * as Plot from "@observablehq/plot";
import { groupRows, summarize } from "../../trace/index.ts";
import { clickable } from "./clickable.ts";
import { chartRows, needColumn, refsOf, type ChartOptions, type Figure, type Row } from "./data.ts";
import type { DrillDetail } from "./drill.ts";

/** Options of `charts.lines`: the time column `x`, the metric `y` (default: row counts), the class `color`, the bucket `interval` (default hour). */
export interface LinesOptions extends ChartOptions {
  readonly x: string;
  readonly y?: string;
  readonly color?: string;
  readonly interval?: "minute" | "hour" | "day" | "week";
}

const INTERVAL_MS = { minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 } as const;

/** Time-bucketed lines of a score's mean (or the count of rows) per class; clicking a point opens that bucket's calls. */
export function lines(figure: Figure, data: unknown, options: LinesOptions) {
  const { rows, source } = chartRows(data);
  needColumn(rows, options.x, "x");
  const ms = INTERVAL_MS[options.interval ?? "hour"];
  const color = options.color;
  const bucketed: Row[] = rows.map((r) => ({ ...r, __bucket: Math.floor(new Date(r[options.x] as string | number).getTime() / ms) * ms }));
  const buckets = groupRows(bucketed, ["__bucket", ...(color ? [color] : [])]).map((g) => ({
    t: new Date(g.key[0] as number),
    color: color ? String(g.key[1]) : "all",
    value: options.y ? summarize(g.rows.map((r) => r[options.y!])).mean : g.rows.length,
    refs: refsOf(g.rows),
  }));
  buckets.sort((a, b) => a.t.getTime() - b.t.getTime());
  const drill = (i: number): DrillDetail => {
    const b = buckets[i]!;
    return { title: `${b.t.toISOString()}${color ? `, ${color} = ${b.color}` : ""}`, refs: b.refs, source };
  };
  return figure(
    {
      width: options.width ?? 640,
      height: options.height ?? 260,
      y: { grid: true, label: options.y ? `${options.y} (mean)` : "count" },
      color: { legend: !!color },
      marks: [
        Plot.line(buckets, { x: "t", y: "value", stroke: "color" }),
        Plot.dot(buckets, { x: "t", y: "value", fill: "color", r: 3, tip: true, render: clickable(drill) }),
      ],
    },
    options.title,
  );
}
