import * as Plot from "@observablehq/plot";
import { groupRows } from "../../trace/index.ts";
import { brush } from "./brush.ts";
import { clickable } from "./clickable.ts";
import { chartRows, needColumn, refsOf, type ChartOptions, type Figure } from "./data.ts";
import type { DrillDetail } from "./drill.ts";

/** Options of `charts.scatter`: the two metrics `x` and `y`, and the variant column `by` (default "op"). */
export interface ScatterOptions extends ChartOptions {
  readonly x: string;
  readonly y: string;
  readonly by?: string;
}

/** One example of one variant: the means of its two metrics over trials, their ranges, and its calls. */
interface ExamplePoint {
  readonly by: string;
  readonly row: unknown;
  readonly x: number;
  readonly y: number;
  readonly x1: number;
  readonly x2: number;
  readonly y1: number;
  readonly y2: number;
  readonly refs: string[];
}

/**
 * One dot per example: the mean of two scores over its trials, with error bars from the
 * lowest to the highest trial; clicking a dot opens that example's calls, and dragging a
 * rectangle opens every call inside it.
 */
export function scatter(figure: Figure, data: unknown, options: ScatterOptions) {
  const { rows, source } = chartRows(data);
  const by = options.by ?? "op";
  for (const [c, o] of [[options.x, "x"], [options.y, "y"], [by, "by"]] as const) needColumn(rows, c, o);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / (v.length || 1);
  const points: ExamplePoint[] = groupRows(rows, [by, "row"]).map((g) => {
    const xs = g.rows.map((r) => Number(r[options.x])).filter(Number.isFinite);
    const ys = g.rows.map((r) => Number(r[options.y])).filter(Number.isFinite);
    const ranges = { x1: Math.min(...xs), x2: Math.max(...xs), y1: Math.min(...ys), y2: Math.max(...ys) };
    return { by: String(g.key[0]), row: g.key[1], x: mean(xs), y: mean(ys), ...ranges, refs: refsOf(g.rows) };
  });
  const drill = (i: number): DrillDetail => ({ title: `${by} = ${points[i]!.by}, row ${points[i]!.row}`, refs: points[i]!.refs, source });
  const title = (d: ExamplePoint) => `${d.by}, row ${d.row}: ${options.x} ${d.x.toFixed(3)}, ${options.y} ${d.y.toFixed(3)}`;
  const trialRange = { stroke: "by", strokeOpacity: 0.5, className: "weft-trial-range" };
  const chart = figure(
    {
      width: options.width ?? 640,
      height: options.height ?? 360,
      grid: true,
      x: { label: options.x },
      y: { label: options.y },
      color: { legend: points.length > 0 },
      marks: [
        Plot.ruleY(points, { y: "y", x1: "x1", x2: "x2", ...trialRange }),
        Plot.ruleX(points, { x: "x", y1: "y1", y2: "y2", ...trialRange }),
        Plot.dot(points, { x: "x", y: "y", fill: "by", r: 4, tip: true, title, render: clickable(drill) }),
      ],
    },
    options.title,
  );
  brush(chart, points, (inside) => ({ title: `${inside.length} examples in the selection`, refs: inside.flatMap((p) => p.refs), source }));
  return chart;
}
