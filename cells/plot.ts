import { isAlias, isMap, isScalar, type Document } from "yaml";
import type { CellKind } from "../src/notebook/index.ts";
import { CellError, compileSpec, identifier, offsetOf, shown, suggest } from "./yaml-spec.ts";

const KEYS = ["data", "chart", "x", "y", "color", "by", "interval", "bins", "title", "width", "height", "name"] as const;
type Key = (typeof KEYS)[number];
const CHARTS = ["bars", "dots", "scatter", "histogram", "box", "lines"] as const;
type Chart = (typeof CHARTS)[number];
const INTERVALS = ["minute", "hour", "day", "week"] as const;
type Option = "x" | "y" | "color" | "by" | "interval" | "bins";
/** Per chart: the options it takes, and those it needs. */
const SHAPE: Record<Chart, { takes: readonly Option[]; needs: readonly Option[] }> = {
  bars: { takes: ["x", "y", "color"], needs: ["y"] },
  dots: { takes: ["x", "y", "color"], needs: ["y"] },
  scatter: { takes: ["x", "y", "by"], needs: ["x", "y"] },
  histogram: { takes: ["x", "by", "bins"], needs: ["x"] },
  box: { takes: ["x", "by"], needs: ["x"] },
  lines: { takes: ["x", "y", "color", "interval"], needs: ["x"] },
};
const BUILTIN = "charts";

/** A plot cell after validation: identifiers checked, every option a plain string or number. */
interface PlotCell {
  data: string;
  chart: Chart;
  name?: string;
  options: Partial<Record<"x" | "y" | "color" | "by" | "interval" | "title", string> & Record<"bins" | "width" | "height", number>>;
}

/** Plot cells: a YAML chart spec over a notebook value, compiled to a call of the `charts` builtin. */
export const plot: CellKind = {
  kind: "plot",
  language: "text",
  compile(cell) {
    return compileSpec("plot", cell.source, (doc) => {
      const spec = read(doc);
      const inputs = [BUILTIN, spec.data];
      const definition = { body: body(spec, inputs), inputs, outputs: spec.name ? [spec.name] : [], autodisplay: !spec.name };
      return { type: "definition", definition };
    });
  },
};

/** Validates the parsed document into a PlotCell; throws a CellError at the first mistake: each key in document order, then the checks across keys. */
function read(doc: Document): PlotCell {
  const root = doc.contents;
  if (!isMap(root)) throw new CellError("expected a mapping with data and chart", offsetOf(root, 0));
  const start = offsetOf(root, 0);
  const at: Partial<Record<Key, number>> = {};
  const cell: Partial<PlotCell> = {};
  const options: PlotCell["options"] = {};
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const keyAt = offsetOf(pair.key, start);
    if (typeof key !== "string") throw new CellError(`keys must be names, got ${shown(pair.key)}`, keyAt);
    if (!isKey(key)) throw new CellError(`unknown key '${key}' ${suggest(key, KEYS)}`, keyAt);
    at[key] = keyAt;
    const value = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
    const valueAt = offsetOf(value, keyAt);
    switch (key) {
      case "data":
      case "name":
        cell[key] = identifier(value, key, valueAt, BUILTIN);
        break;
      case "chart":
        cell.chart = chart(value, valueAt);
        break;
      case "x":
      case "y":
      case "color":
      case "by":
        options[key] = text(value, key, valueAt, "a column name");
        break;
      case "title":
        options.title = text(value, key, valueAt, "text");
        break;
      case "interval": {
        const v = isScalar(value) ? value.value : undefined;
        if (typeof v !== "string" || !(INTERVALS as readonly string[]).includes(v)) {
          throw new CellError(`interval must be minute, hour, day or week, got ${shown(value)}`, valueAt);
        }
        options.interval = v;
        break;
      }
      case "bins":
      case "width":
      case "height": {
        const v = isScalar(value) ? value.value : undefined;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new CellError(`${key} must be a positive integer, got ${shown(value)}`, valueAt);
        options[key] = v;
        break;
      }
    }
  }
  if (cell.data === undefined) throw new CellError("missing 'data'", start);
  if (cell.chart === undefined) throw new CellError("missing 'chart'", start);
  const { data, chart: kind, name } = cell;
  const shape = SHAPE[kind];
  for (const key of ["x", "y", "color", "by", "interval", "bins"] as const) {
    if (options[key] !== undefined && !shape.takes.includes(key)) {
      throw new CellError(`${kind} does not take '${key}' (it takes ${[...shape.takes, "title", "width", "height"].join(", ")})`, at[key]!);
    }
  }
  for (const key of shape.needs) if (options[key] === undefined) throw new CellError(`${kind} needs '${key}'`, at.chart!);
  if (name === data) throw new CellError(`name '${name}' is also the cell's data`, at.name!);
  return { data, chart: kind, options, ...(name ? { name } : {}) };
}

function isKey(key: string): key is Key {
  return (KEYS as readonly string[]).includes(key);
}

/** The chart type: one of CHARTS. */
function chart(node: unknown, at: number): Chart {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value === "string" && (CHARTS as readonly string[]).includes(value)) return value as Chart;
  const list = "bars, dots, scatter, histogram, box or lines";
  throw new CellError(typeof value === "string" || typeof value === "number" ? `unknown chart ${shown(node)}; use ${list}` : `chart must be one of ${list}, got ${shown(node)}`, at);
}

/** A column name or title: non-empty text; a bare number keeps its source text (`x: 2024` names column "2024"). */
function text(node: unknown, what: string, at: number, expected: string): string {
  const value = isScalar(node) ? node.value : undefined;
  const out = typeof value === "string" ? value : typeof value === "number" && isScalar(node) ? node.source ?? String(value) : undefined;
  if (out === undefined || out === "") throw new CellError(`${what} must be ${expected}, got ${shown(node)}`, at);
  return out;
}

/** The definition's source: identifiers are validated names, the options one JSON literal. */
function body(cell: PlotCell, inputs: readonly string[]): string {
  const { x, y, color, by, interval, bins, title, width, height } = cell.options;
  const common = { title, width, height };
  const [method, options] = ((): [string, Record<string, unknown>] => {
    switch (cell.chart) {
      case "bars":
      case "dots":
        return ["means", { mark: cell.chart === "bars" ? "bar" : "dot", x, y, color, ...common }];
      case "scatter":
        return ["scatter", { x, y, by, ...common }];
      case "histogram":
        return ["distribution", { x, by, type: "histogram", bins, ...common }];
      case "box":
        return ["distribution", { x, by, type: "box", ...common }];
      case "lines":
        return ["lines", { x, y, color, interval, ...common }];
    }
  })();
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const call = `${BUILTIN}.${method}(${cell.data}, ${JSON.stringify(given)})`;
  return `(${inputs.join(", ")}) => {\nreturn ${cell.name ? `{${cell.name}: ${call}}` : call};\n}`;
}
