import * as Plot from "@observablehq/plot";
import { groupRows } from "../../trace/index.ts";
import { clickable } from "./clickable.ts";
import { chartRows, refsOf, type ChartOptions, type Figure, type Row } from "./data.ts";
import type { DrillDetail } from "./drill.ts";

/** Options of `charts.distribution`: the metric `x`, the class column `by` (default "op"), a histogram (`bins`, default 10) or a box plot. */
export interface DistributionOptions extends ChartOptions {
  readonly x: string;
  readonly by?: string;
  readonly type?: "histogram" | "box";
  readonly bins?: number;
}

/** The distribution of a score per class: a histogram (binned counts) or a box plot; clicking a bin or box opens its calls. */
export function distribution(figure: Figure, data: unknown, options: DistributionOptions) {
  const by = options.by ?? "op";
  const { rows, source } = chartRows(data, { x: options.x, by });
  return options.type === "box" ? box(figure, rows, by, options, source) : histogram(figure, rows, by, options, source);
}

function box(figure: Figure, rows: readonly Row[], by: string, options: DistributionOptions, source: DrillDetail["source"]) {
  const groups = groupRows(rows, [by]).map((g) => ({ by: String(g.key[0]), rows: g.rows }));
  const flat = groups.flatMap((g) => g.rows.map((r) => ({ by: g.by, v: Number(r[options.x]) })));
  const drill = (i: number): DrillDetail => {
    const group = groups.find((g) => g.by === flat[i]!.by)!;
    return { title: `${by} = ${group.by} · ${options.x}`, refs: refsOf(group.rows), source };
  };
  return figure(
    {
      width: options.width ?? 640,
      height: options.height ?? 260,
      marginLeft: 90,
      x: { label: options.x, grid: true },
      y: { label: by },
      marks: [Plot.boxX(flat, { x: "v", y: "by", render: clickable(drill) })],
    },
    options.title,
  );
}

function histogram(figure: Figure, rows: readonly Row[], by: string, options: DistributionOptions, source: DrillDetail["source"]) {
  const values = rows.map((r) => Number(r[options.x])).filter(Number.isFinite);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const n = options.bins ?? 10;
  const width = hi > lo ? (hi - lo) / n : 1;
  const bins = groupRows(rows, [by]).flatMap((g) => {
    const bin = (k: number) => ({ by: String(g.key[0]), x1: lo + k * width, x2: lo + (k + 1) * width, count: 0, refs: [] as string[] });
    const out = Array.from({ length: n }, (_, k) => bin(k));
    for (const r of g.rows) {
      const v = Number(r[options.x]);
      if (!Number.isFinite(v)) continue;
      const k = Math.min(n - 1, Math.floor((v - lo) / width));
      out[k]!.count++;
      if (typeof r.call === "string") out[k]!.refs.push(r.call);
    }
    return out;
  });
  const drill = (i: number): DrillDetail => {
    const b = bins[i]!;
    return { title: `${by} = ${b.by}, ${options.x} in [${b.x1.toFixed(2)}, ${b.x2.toFixed(2)})`, refs: b.refs, source };
  };
  const bars = Plot.rectY(bins, {
    x1: "x1", x2: "x2", y: "count", fill: "by", fillOpacity: 0.7, mixBlendMode: "multiply", tip: true, render: clickable(drill),
  });
  return figure(
    {
      width: options.width ?? 640,
      height: options.height ?? 260,
      x: { label: options.x },
      y: { label: "count", grid: true },
      color: { legend: true },
      marks: [bars, Plot.ruleY([0])],
    },
    options.title,
  );
}
