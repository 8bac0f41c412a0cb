import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { CellKind, Compiled } from "../src/notebook/index.ts";

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
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  ("await break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if implements import in instanceof interface let new null package private protected public return static " +
    "super switch this throw true try typeof var void while with yield arguments eval undefined NaN Infinity").split(" "),
);

/** A plot cell after validation: identifiers checked, every option a plain string or number. */
interface PlotCell {
  data: string;
  chart: Chart;
  name?: string;
  options: Partial<Record<"x" | "y" | "color" | "by" | "interval" | "title", string> & Record<"bins" | "width" | "height", number>>;
}

/** A mistake in the cell's source at an offset; thrown inside this file only and turned into a located CompileError. */
class CellError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`plot: ${message}`);
  }
}

/** Plot cells: a YAML chart spec over a notebook value, compiled to a call of the `charts` builtin. */
export const plot: CellKind = {
  kind: "plot",
  language: "text",
  compile(cell) {
    const lines = new LineCounter();
    const doc = parseDocument(cell.source, { lineCounter: lines, prettyErrors: false });
    const locate = (message: string, offset: number): Compiled => {
      const { line, col } = lines.linePos(offset);
      return { type: "error", error: { message, line: Math.max(line, 1), column: Math.max(col - 1, 0) } };
    };
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) return locate(`plot: ${problem.message.charAt(0).toLowerCase()}${problem.message.slice(1)}`, problem.pos[0]);
    try {
      const spec = read(doc);
      const inputs = [BUILTIN, spec.data];
      const definition = { body: body(spec, inputs), inputs, outputs: spec.name ? [spec.name] : [], autodisplay: !spec.name };
      return { type: "definition", definition };
    } catch (error) {
      if (error instanceof CellError) return locate(error.message, error.offset);
      throw error;
    }
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
        cell[key] = identifier(value, key, valueAt);
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

/** "(did you mean 'color'?)" for a near miss, else the list of keys. */
function suggest(key: string, keys: readonly string[]): string {
  const [near] = keys.map((k) => [k, distance(k, key.toLowerCase())] as const)
    .filter(([, d]) => d <= 2)
    .sort((a, b) => a[1] - b[1])
    .map(([k]) => k);
  return near ? `(did you mean '${near}'?)` : `(expected one of ${keys.join(", ")})`;
}

/** Levenshtein edit distance. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function offsetOf(node: unknown, fallback: number): number {
  return isNode(node) && node.range ? node.range[0] : fallback;
}

/** How a node reads in a message: a scalar's text in quotes, or what sort of node it is. */
function shown(node: unknown): string {
  if (isScalar(node)) {
    const text = typeof node.value === "string" ? node.value : node.source || (node.value === null ? "" : String(node.value));
    return text === "" ? "nothing" : `'${text}'`;
  }
  return isSeq(node) ? "a list" : isMap(node) ? "a mapping" : "nothing";
}

/** A notebook identifier: a JS name that is not a reserved word nor the `charts` builtin itself. */
function identifier(node: unknown, what: string, at: number): string {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== "string" || !IDENTIFIER.test(value) || RESERVED.has(value)) {
    const reserved = typeof value === "string" && RESERVED.has(value) ? " (a reserved word)" : "";
    throw new CellError(`${what} must be an identifier, got ${shown(node)}${reserved}`, at);
  }
  if (value === BUILTIN) throw new CellError(`${what} cannot be '${BUILTIN}', the builtin this cell calls`, at);
  return value;
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
