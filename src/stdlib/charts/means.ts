import * as Plot from "@observablehq/plot";
import { groupRows, summarize } from "../../trace/index.ts";
import { clickable } from "./clickable.ts";
import { chartRows, refsOf, type ChartOptions, type Figure } from "./data.ts";
import type { DrillDetail } from "./drill.ts";

/** Options of `charts.means`: the group column `x` (default "op"), the metric `y`, an optional `color` column, bars or dots. */
export interface MeansOptions extends ChartOptions {
  readonly x?: string;
  readonly y: string;
  readonly color?: string;
  readonly mark?: "bar" | "dot";
}

/** One group's mean with its 95% CI, and the calls behind it. */
interface MeanBar {
  readonly x: string;
  readonly color: string;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly refs: string[];
}

/**
 * Group means with 95% CI error bars: one bar (or dot) per value of `x` (and `color`),
 * from a vary result or table; clicking a bar opens the calls of that group.
 */
export function means(figure: Figure, data: unknown, options: MeansOptions) {
  const x = options.x ?? "op";
  const { rows, source } = chartRows(data, { x, y: options.y, color: options.color });
  const keys = options.color && options.color !== x ? [x, options.color] : [x];
  const groups: MeanBar[] = groupRows(rows, keys).map((g) => {
    const s = summarize(g.rows.map((r) => r[options.y]));
    return { x: String(g.key[0]), color: String(g.key[keys.length - 1]), mean: s.mean, lo: s.ciLow, hi: s.ciHigh, n: s.n, refs: refsOf(g.rows) };
  });
  const drill = (i: number): DrillDetail => {
    const g = groups[i]!;
    const where = keys.map((k, j) => `${k} = ${g.x === undefined ? "" : j === 0 ? g.x : g.color}`).join(", ");
    return { title: `${where} · ${options.y}`, refs: g.refs, source };
  };
  const fx = keys.length > 1 ? { fx: "x", x: "color" } : { x: "x" };
  const title = (d: MeanBar) => `mean ${d.mean.toFixed(3)} (95% CI ${d.lo.toFixed(3)}–${d.hi.toFixed(3)}), n = ${d.n}`;
  const main = options.mark === "dot"
    ? Plot.dot(groups, { ...fx, y: "mean", fill: "color", r: 5, tip: true, title, render: clickable(drill) })
    : Plot.barY(groups, { ...fx, y: "mean", fill: "color", tip: true, title, render: clickable(drill) });
  const errorBars = Plot.ruleX(groups, { ...fx, y1: "lo", y2: "hi", stroke: "#222", strokeWidth: 1.5, className: "weft-ci" });
  return figure(
    {
      width: options.width ?? 640,
      height: options.height ?? 280,
      y: { grid: true, label: `${options.y} (mean, 95% CI)` },
      x: { label: keys.length > 1 ? options.color! : x },
      ...(keys.length > 1 ? { fx: { label: x } } : {}),
      color: { legend: keys.length > 1 },
      marks: [main, errorBars, Plot.ruleY([0])],
    },
    options.title,
  );
}
