import * as Plot from "@observablehq/plot";
import { isTable } from "../base/index.ts";
import { isVaryResult, type VaryResult } from "../trace/index.ts";
import { summarize } from "../trace/index.ts";

type Row = Record<string, unknown>;

/** What a click or brush on a chart asks the editor to open: a title and the refs of the calls behind it. */
export interface DrillDetail {
  readonly title: string;
  readonly refs: readonly string[];
  /** The vary result the refs come from, so the panel can show each call with its scorer calls. */
  readonly source: VaryResult | null;
}

/** The event a chart dispatches (bubbling) when a mark is clicked or a region brushed. */
export const DRILL_EVENT = "weft-drill";

/** Options common to every chart. */
export interface ChartOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

// A chart reads either a vary result (its table, and its calls for drill-down) or any table.
function rowsOf(data: unknown): { rows: Row[]; source: VaryResult | null } {
  if (isVaryResult(data)) return { rows: data.table().objects() as Row[], source: data };
  if (isTable(data)) return { rows: data.objects() as Row[], source: null };
  if (Array.isArray(data)) return { rows: data as Row[], source: null };
  throw new Error("chart: data must be a vary result, an arquero table or an array of objects");
}

function needColumn(rows: readonly Row[], column: string, option: string): void {
  if (rows.length && !(column in rows[0]!)) throw new Error(`chart: ${option} names column '${column}', which the data does not have (it has: ${Object.keys(rows[0]!).join(", ")})`);
}

function refsOf(rows: readonly Row[]): string[] {
  return rows.map((r) => r.call).filter((c): c is string => typeof c === "string");
}

function group(rows: readonly Row[], keys: readonly string[]): { key: unknown[]; rows: Row[] }[] {
  const m = new Map<string, { key: unknown[]; rows: Row[] }>();
  for (const r of rows) {
    const key = keys.map((k) => r[k]);
    const id = JSON.stringify(key);
    if (!m.has(id)) m.set(id, { key, rows: [] });
    m.get(id)!.rows.push(r);
  }
  return [...m.values()];
}

/** Makes marks clickable: a click on the element of datum i dispatches a drill event for `detail(i)`. */
function clickable(detail: (i: number) => DrillDetail | null): Plot.RenderFunction {
  return (index, scales, values, dimensions, context, next) => {
    const g = next!(index, scales, values, dimensions, context);
    if (!g) return g;
    const elements = g.querySelectorAll("rect, circle, path, line");
    elements.forEach((el, j) => {
      const i = index[j];
      if (i === undefined) return;
      (el as SVGElement).style.cursor = "pointer";
      el.setAttribute("data-drill", String(i));
      el.addEventListener("click", () => {
        const d = detail(i);
        if (d) el.dispatchEvent(new CustomEvent(DRILL_EVENT, { detail: d, bubbles: true, composed: true }));
      });
    });
    return g;
  };
}

/** The chart factories, bound to a document (the browser's, or a server-side one for `weft run` and golden tests). */
export function createCharts(document: Document) {
  const plot = (options: Plot.PlotOptions, title?: string) => {
    const figure = Plot.plot({ document, ...options, ...(title ? { title } : {}) });
    figure.classList?.add("weft-chart");
    return figure;
  };

  /**
   * Group means with 95% CI error bars: one bar (or dot) per value of `x` (and `color`),
   * from a vary result or table; clicking a bar opens the calls of that group.
   */
  function means(data: unknown, options: ChartOptions & { x?: string; y: string; color?: string; mark?: "bar" | "dot" }) {
    const { rows, source } = rowsOf(data);
    const x = options.x ?? "op";
    needColumn(rows, x, "x");
    needColumn(rows, options.y, "y");
    if (options.color) needColumn(rows, options.color, "color");
    const keys = options.color && options.color !== x ? [x, options.color] : [x];
    const groups = group(rows, keys).map((g) => {
      const s = summarize(g.rows.map((r) => r[options.y]));
      return { x: String(g.key[0]), color: String(g.key[keys.length - 1]), mean: s.mean, lo: s.ciLow, hi: s.ciHigh, n: s.n, refs: refsOf(g.rows) };
    });
    const drill = (i: number): DrillDetail => ({ title: `${keys.map((k, j) => `${k} = ${groups[i]!.x === undefined ? "" : j === 0 ? groups[i]!.x : groups[i]!.color}`).join(", ")} · ${options.y}`, refs: groups[i]!.refs, source });
    const fx = keys.length > 1 ? { fx: "x", x: "color" } : { x: "x" };
    const main = options.mark === "dot"
      ? Plot.dot(groups, { ...fx, y: "mean", fill: "color", r: 5, tip: true, title: (d: { mean: number; n: number; lo: number; hi: number }) => `mean ${d.mean.toFixed(3)} (95% CI ${d.lo.toFixed(3)}–${d.hi.toFixed(3)}), n = ${d.n}`, render: clickable(drill) })
      : Plot.barY(groups, { ...fx, y: "mean", fill: "color", tip: true, title: (d: { mean: number; n: number; lo: number; hi: number }) => `mean ${d.mean.toFixed(3)} (95% CI ${d.lo.toFixed(3)}–${d.hi.toFixed(3)}), n = ${d.n}`, render: clickable(drill) });
    return plot(
      {
        width: options.width ?? 640,
        height: options.height ?? 280,
        y: { grid: true, label: `${options.y} (mean, 95% CI)` },
        x: { label: keys.length > 1 ? options.color! : x },
        ...(keys.length > 1 ? { fx: { label: x } } : {}),
        color: { legend: keys.length > 1 },
        marks: [main, Plot.ruleX(groups, { ...fx, y1: "lo", y2: "hi", stroke: "#222", strokeWidth: 1.5, className: "weft-ci" }), Plot.ruleY([0])],
      },
      options.title,
    );
  }

  /**
   * One dot per example: the mean of two scores over its trials, with error bars from the
   * lowest to the highest trial; clicking a dot opens that example's calls, and dragging a
   * rectangle opens every call inside it.
   */
  function scatter(data: unknown, options: ChartOptions & { x: string; y: string; by?: string }) {
    const { rows, source } = rowsOf(data);
    const by = options.by ?? "op";
    for (const [c, o] of [[options.x, "x"], [options.y, "y"], [by, "by"]] as const) needColumn(rows, c, o);
    const points = group(rows, [by, "row"]).map((g) => {
      const xs = g.rows.map((r) => Number(r[options.x])).filter(Number.isFinite);
      const ys = g.rows.map((r) => Number(r[options.y])).filter(Number.isFinite);
      const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / (v.length || 1);
      return { by: String(g.key[0]), row: g.key[1], x: mean(xs), y: mean(ys), x1: Math.min(...xs), x2: Math.max(...xs), y1: Math.min(...ys), y2: Math.max(...ys), refs: refsOf(g.rows) };
    });
    const drill = (i: number): DrillDetail => ({ title: `${by} = ${points[i]!.by}, row ${points[i]!.row}`, refs: points[i]!.refs, source });
    const figure = plot(
      {
        width: options.width ?? 640,
        height: options.height ?? 360,
        grid: true,
        x: { label: options.x },
        y: { label: options.y },
        color: { legend: true },
        marks: [
          Plot.ruleY(points, { y: "y", x1: "x1", x2: "x2", stroke: "by", strokeOpacity: 0.5, className: "weft-trial-range" }),
          Plot.ruleX(points, { x: "x", y1: "y1", y2: "y2", stroke: "by", strokeOpacity: 0.5, className: "weft-trial-range" }),
          Plot.dot(points, { x: "x", y: "y", fill: "by", r: 4, tip: true, title: (d: { by: string; row: unknown; x: number; y: number }) => `${d.by}, row ${d.row}: ${options.x} ${d.x.toFixed(3)}, ${options.y} ${d.y.toFixed(3)}`, render: clickable(drill) }),
        ],
      },
      options.title,
    );
    brush(figure, points, (inside) => ({ title: `${inside.length} examples in the selection`, refs: inside.flatMap((p) => p.refs), source }));
    return figure;
  }

  /** The distribution of a score per class: a histogram (binned counts) or a box plot; clicking a bin or box opens its calls. */
  function distribution(data: unknown, options: ChartOptions & { x: string; by?: string; type?: "histogram" | "box"; bins?: number }) {
    const { rows, source } = rowsOf(data);
    const by = options.by ?? "op";
    needColumn(rows, options.x, "x");
    needColumn(rows, by, "by");
    const values = rows.map((r) => Number(r[options.x])).filter(Number.isFinite);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    if (options.type === "box") {
      const groups = group(rows, [by]).map((g) => ({ by: String(g.key[0]), rows: g.rows }));
      const flat = groups.flatMap((g) => g.rows.map((r) => ({ by: g.by, v: Number(r[options.x]) })));
      const drill = (i: number): DrillDetail => ({ title: `${by} = ${flat[i]!.by} · ${options.x}`, refs: refsOf(groups.find((g) => g.by === flat[i]!.by)!.rows), source });
      return plot({ width: options.width ?? 640, height: options.height ?? 260, marginLeft: 90, x: { label: options.x, grid: true }, y: { label: by }, marks: [Plot.boxX(flat, { x: "v", y: "by", render: clickable(drill) })] }, options.title);
    }
    const n = options.bins ?? 10;
    const width = hi > lo ? (hi - lo) / n : 1;
    const bins = group(rows, [by]).flatMap((g) => {
      const out = Array.from({ length: n }, (_, k) => ({ by: String(g.key[0]), x1: lo + k * width, x2: lo + (k + 1) * width, count: 0, refs: [] as string[] }));
      for (const r of g.rows) {
        const v = Number(r[options.x]);
        if (!Number.isFinite(v)) continue;
        const k = Math.min(n - 1, Math.floor((v - lo) / width));
        out[k]!.count++;
        if (typeof r.call === "string") out[k]!.refs.push(r.call);
      }
      return out;
    });
    const drill = (i: number): DrillDetail => ({ title: `${by} = ${bins[i]!.by}, ${options.x} in [${bins[i]!.x1.toFixed(2)}, ${bins[i]!.x2.toFixed(2)})`, refs: bins[i]!.refs, source });
    return plot(
      { width: options.width ?? 640, height: options.height ?? 260, x: { label: options.x }, y: { label: "count", grid: true }, color: { legend: true }, marks: [Plot.rectY(bins, { x1: "x1", x2: "x2", y: "count", fill: "by", fillOpacity: 0.7, mixBlendMode: "multiply", tip: true, render: clickable(drill) }), Plot.ruleY([0])] },
      options.title,
    );
  }

  /** Time-bucketed lines of a score's mean (or the count of rows) per class; clicking a point opens that bucket's calls. */
  function lines(data: unknown, options: ChartOptions & { x: string; y?: string; color?: string; interval?: "minute" | "hour" | "day" | "week" }) {
    const { rows, source } = rowsOf(data);
    needColumn(rows, options.x, "x");
    const ms = { minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 }[options.interval ?? "hour"];
    const color = options.color;
    const buckets = group(rows.map((r) => ({ ...r, __bucket: Math.floor(new Date(r[options.x] as string | number).getTime() / ms) * ms })), ["__bucket", ...(color ? [color] : [])]).map((g) => ({
      t: new Date(g.key[0] as number),
      color: color ? String(g.key[1]) : "all",
      value: options.y ? summarize(g.rows.map((r) => r[options.y!])).mean : g.rows.length,
      refs: refsOf(g.rows),
    }));
    buckets.sort((a, b) => a.t.getTime() - b.t.getTime());
    const drill = (i: number): DrillDetail => ({ title: `${buckets[i]!.t.toISOString()}${color ? `, ${color} = ${buckets[i]!.color}` : ""}`, refs: buckets[i]!.refs, source });
    return plot(
      { width: options.width ?? 640, height: options.height ?? 260, y: { grid: true, label: options.y ? `${options.y} (mean)` : "count" }, color: { legend: !!color }, marks: [Plot.line(buckets, { x: "t", y: "value", stroke: "color" }), Plot.dot(buckets, { x: "t", y: "value", fill: "color", r: 3, tip: true, render: clickable(drill) })] },
      options.title,
    );
  }

  return { means, scatter, distribution, lines };
}

/** Adds rectangle brushing to a scatter: dragging selects the points inside and dispatches one drill event for them. */
function brush<P extends { x: number; y: number }>(figure: Element, points: readonly P[], detail: (inside: P[]) => DrillDetail): void {
  const svg = figure.tagName.toLowerCase() === "svg" ? figure : figure.querySelector("svg");
  const scaled = figure as unknown as { scale?: (name: string) => { apply?: (v: number) => number } | undefined };
  const sx = scaled.scale?.("x")?.apply;
  const sy = scaled.scale?.("y")?.apply;
  if (!svg || !sx || !sy || typeof (svg as SVGSVGElement).createSVGPoint !== "function") return;
  const doc = svg.ownerDocument;
  let start: { x: number; y: number } | null = null;
  const box = doc.createElementNS("http://www.w3.org/2000/svg", "rect");
  box.setAttribute("fill", "rgba(79,70,229,0.12)");
  box.setAttribute("stroke", "#4f46e5");
  box.setAttribute("visibility", "hidden");
  svg.append(box);
  const local = (e: PointerEvent) => {
    const r = svg.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  svg.addEventListener("pointerdown", (e) => {
    if ((e.target as Element).hasAttribute("data-drill")) return;
    start = local(e as PointerEvent);
  });
  svg.addEventListener("pointermove", (e) => {
    if (!start) return;
    const p = local(e as PointerEvent);
    box.setAttribute("x", String(Math.min(start.x, p.x)));
    box.setAttribute("y", String(Math.min(start.y, p.y)));
    box.setAttribute("width", String(Math.abs(p.x - start.x)));
    box.setAttribute("height", String(Math.abs(p.y - start.y)));
    box.setAttribute("visibility", "visible");
  });
  svg.addEventListener("pointerup", (e) => {
    if (!start) return;
    const p = local(e as PointerEvent);
    const [x0, x1] = [Math.min(start.x, p.x), Math.max(start.x, p.x)];
    const [y0, y1] = [Math.min(start.y, p.y), Math.max(start.y, p.y)];
    start = null;
    box.setAttribute("visibility", "hidden");
    if (x1 - x0 < 3 && y1 - y0 < 3) return;
    const inside = points.filter((pt) => {
      const px = sx(pt.x);
      const py = sy(pt.y);
      return px >= x0 && px <= x1 && py >= y0 && py <= y1;
    });
    if (inside.length) svg.dispatchEvent(new CustomEvent(DRILL_EVENT, { detail: detail(inside), bubbles: true, composed: true }));
  });
}
