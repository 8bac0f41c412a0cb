import { describe, expect, it } from "vitest";
import { compile, summary } from "./compile.ts";

type Call = [method: string, data: unknown, options: unknown];

/** Compiles a plot cell and runs its body with a fake `charts` recording each call; the data input is bound to `<name>`. */
function run(source: string): { calls: Call[]; result: unknown } {
  const compiled = compile("plot", source);
  if (compiled.type !== "definition") throw new Error(`expected a definition, got ${JSON.stringify(compiled)}`);
  const { body, inputs } = compiled.definition;
  const calls: Call[] = [];
  const record = (method: string) => (data: unknown, options: unknown) => {
    calls.push([method, data, options]);
    return `<${method} chart>`;
  };
  const charts = { means: record("means"), scatter: record("scatter"), distribution: record("distribution"), lines: record("lines") };
  const fn = (0, eval)(`(${body})`) as (...args: unknown[]) => unknown;
  const result = fn(...inputs.map((name) => (name === "charts" ? charts : `<${name}>`)));
  return { calls, result };
}

const shown = { inputs: ["charts", "results"], outputs: [], autodisplay: true, async: false };
const named = (name: string) => ({ inputs: ["charts", "results"], outputs: [name], autodisplay: false, async: false });

describe("plot cells compile to a call of the charts builtin", () => {
  const cases: [string, string, ReturnType<typeof summary>][] = [
    ["unnamed: an expression cell that displays the chart", "data: results\nchart: bars\ny: score", shown],
    ["named: the cell defines the name", "data: results\nchart: bars\ny: score\nname: accuracyChart", named("accuracyChart")],
    ["comments and any key order", "# a chart\nname: c   # the name\ny: score\nchart: dots\ndata: results", named("c")],
  ];
  it.each(cases)("%s", (_name, source, expected) => {
    expect(summary(compile("plot", source))).toEqual(expected);
  });

  const common = "title: Accuracy by prompt\nwidth: 640\nheight: 300\n";
  const charts: [string, string, Call][] = [
    ["bars", "chart: bars\nx: op\ny: score.correct\ncolor: model\n", ["means", "<results>", { mark: "bar", x: "op", y: "score.correct", color: "model", title: "Accuracy by prompt", width: 640, height: 300 }]],
    ["dots", "chart: dots\nx: op\ny: score.correct\ncolor: model\n", ["means", "<results>", { mark: "dot", x: "op", y: "score.correct", color: "model", title: "Accuracy by prompt", width: 640, height: 300 }]],
    ["scatter", "chart: scatter\nx: score.a\ny: score.b\nby: label\n", ["scatter", "<results>", { x: "score.a", y: "score.b", by: "label", title: "Accuracy by prompt", width: 640, height: 300 }]],
    ["histogram", "chart: histogram\nx: score.b\nby: label\nbins: 20\n", ["distribution", "<results>", { x: "score.b", by: "label", type: "histogram", bins: 20, title: "Accuracy by prompt", width: 640, height: 300 }]],
    ["box", "chart: box\nx: score.b\nby: label\n", ["distribution", "<results>", { x: "score.b", by: "label", type: "box", title: "Accuracy by prompt", width: 640, height: 300 }]],
    ["lines", "chart: lines\nx: at\ny: score.b\ncolor: op\ninterval: day\n", ["lines", "<results>", { x: "at", y: "score.b", color: "op", interval: "day", title: "Accuracy by prompt", width: 640, height: 300 }]],
  ];
  it.each(charts)("%s with every option it takes", (_chart, source, call) => {
    expect(run(`data: results\n${source}${common}`)).toEqual({ calls: [call], result: "<" + call[0] + " chart>" });
    expect(run(`data: results\n${source}${common}name: chart1`)).toEqual({ calls: [call], result: { chart1: "<" + call[0] + " chart>" } });
  });

  const minimal: [string, string, Call][] = [
    ["bars", "chart: bars\ny: score", ["means", "<results>", { mark: "bar", y: "score" }]],
    ["dots", "chart: dots\ny: score", ["means", "<results>", { mark: "dot", y: "score" }]],
    ["scatter", "chart: scatter\nx: a\ny: b", ["scatter", "<results>", { x: "a", y: "b" }]],
    ["histogram", "chart: histogram\nx: a", ["distribution", "<results>", { x: "a", type: "histogram" }]],
    ["box", "chart: box\nx: a", ["distribution", "<results>", { x: "a", type: "box" }]],
    ["lines", "chart: lines\nx: at", ["lines", "<results>", { x: "at" }]],
  ];
  it.each(minimal)("%s with only what it needs passes no other keys", (_chart, source, call) => {
    expect(run(`data: results\n${source}`).calls).toEqual([call]);
  });

  it("a bare number as a column name or title keeps its source text", () => {
    expect(run("data: results\nchart: histogram\nx: 2024\ntitle: 1.50").calls).toEqual([["distribution", "<results>", { x: "2024", type: "histogram", title: "1.50" }]]);
  });

  it("text from the YAML stays data: quotes, code and __proto__ are never run", () => {
    const evil = ['"}); process.exit(1); ({"', "`${process.exit(1)}`", "</script>\u2028", "__proto__"];
    const source = [
      "data: results",
      "chart: lines",
      `x: '${evil[0]}'`,
      `y: "${evil[1]}"`,
      `color: "</script>\\u2028"`,
      `title: ${evil[3]}`,
    ].join("\n");
    const { calls } = run(source);
    expect(calls).toEqual([["lines", "<results>", { x: evil[0], y: evil[1], color: evil[2], title: evil[3] }]]);
    expect(Object.getPrototypeOf(calls[0]![2])).toBe(Object.prototype);
  });
});

describe("plot cell errors are located at line:column", () => {
  const cases: [string, string, string][] = [
    ["an empty cell", "", "plot: expected a mapping with data and chart at 1:0"],
    ["a list instead of a mapping", "- a\n- b", "plot: expected a mapping with data and chart at 1:0"],
    ["missing data", "# c\nchart: bars\ny: s", "plot: missing 'data' at 2:0"],
    ["missing chart", "data: results\ny: s", "plot: missing 'chart' at 1:0"],
    ["an unknown chart", "data: results\nchart: pie", "plot: unknown chart 'pie'; use bars, dots, scatter, histogram, box or lines at 2:7"],
    ["a chart that is a list", "data: results\nchart: [bars]", "plot: chart must be one of bars, dots, scatter, histogram, box or lines, got a list at 2:7"],
    ["bars without y", "data: results\nchart: bars\nx: op", "plot: bars needs 'y' at 2:0"],
    ["dots without y", "data: results\nchart: dots", "plot: dots needs 'y' at 2:0"],
    ["scatter without y", "data: results\nx: a\nchart: scatter", "plot: scatter needs 'y' at 3:0"],
    ["scatter without x", "data: results\nchart: scatter\ny: b", "plot: scatter needs 'x' at 2:0"],
    ["histogram without x", "data: results\nchart: histogram", "plot: histogram needs 'x' at 2:0"],
    ["box without x", "data: results\nchart: box\nby: label", "plot: box needs 'x' at 2:0"],
    ["lines without x", "data: results\nchart: lines\ny: s", "plot: lines needs 'x' at 2:0"],
    ["a misspelt key", "data: results\nchart: bars\ny: s\ncolour: model", "plot: unknown key 'colour' (did you mean 'color'?) at 4:0"],
    ["an unknown key", "data: results\nchart: bars\ny: s\nlegend: true", "plot: unknown key 'legend' (expected one of data, chart, x, y, color, by, interval, bins, title, width, height, name) at 4:0"],
    ["an option the chart does not take", "data: results\nchart: bars\ny: s\nbins: 5", "plot: bars does not take 'bins' (it takes x, y, color, title, width, height) at 4:0"],
    ["by on lines", "data: results\nchart: lines\nx: t\nby: op", "plot: lines does not take 'by' (it takes x, y, color, interval, title, width, height) at 4:0"],
    ["data that is not an identifier", "data: my-results\nchart: bars\ny: s", "plot: data must be an identifier, got 'my-results' at 1:6"],
    ["data that is a reserved word", "data: this\nchart: bars\ny: s", "plot: data must be an identifier, got 'this' (a reserved word) at 1:6"],
    ["data left empty", "data:\nchart: bars\ny: s", "plot: data must be an identifier, got nothing at 1:5"],
    ["data that is code", "data: 'x); process.exit(1'\nchart: bars\ny: s", "plot: data must be an identifier, got 'x); process.exit(1' at 1:6"],
    ["data that is the builtin", "data: charts\nchart: bars\ny: s", "plot: data cannot be 'charts', the builtin this cell calls at 1:6"],
    ["a name that is the builtin", "data: results\nchart: bars\ny: s\nname: charts", "plot: name cannot be 'charts', the builtin this cell calls at 4:6"],
    ["a name that is not an identifier", "data: results\nchart: bars\ny: s\nname: my chart", "plot: name must be an identifier, got 'my chart' at 4:6"],
    ["a name that is the data", "data: results\nchart: bars\ny: s\nname: results", "plot: name 'results' is also the cell's data at 4:0"],
    ["a column that is a list", "data: results\nchart: bars\ny: [a, b]", "plot: y must be a column name, got a list at 3:3"],
    ["a column that is a boolean", "data: results\nchart: bars\ny: true", "plot: y must be a column name, got 'true' at 3:3"],
    ["an empty column", "data: results\nchart: bars\ny: ''", "plot: y must be a column name, got nothing at 3:3"],
    ["a title that is a mapping", "data: results\nchart: bars\ny: s\ntitle: {a: 1}", "plot: title must be text, got a mapping at 4:7"],
    ["an unknown interval", "data: results\nchart: lines\nx: t\ninterval: month", "plot: interval must be minute, hour, day or week, got 'month' at 4:10"],
    ["zero bins", "data: results\nchart: histogram\nx: s\nbins: 0", "plot: bins must be a positive integer, got '0' at 4:6"],
    ["fractional bins", "data: results\nchart: histogram\nx: s\nbins: 2.5", "plot: bins must be a positive integer, got '2.5' at 4:6"],
    ["a width with units", "data: results\nchart: bars\ny: s\nwidth: 640px", "plot: width must be a positive integer, got '640px' at 4:7"],
    ["a negative height", "data: results\nchart: bars\ny: s\nheight: -1", "plot: height must be a positive integer, got '-1' at 4:8"],
    ["a key given twice", "data: results\nchart: bars\nchart: dots\ny: s", "plot: map keys must be unique at 3:0"],
    ["an unclosed list", "data: results\nchart: [bars\ny: s", "plot: flow sequence in block collection must be sufficiently indented and end with a ] at 3:0"],
    ["an unknown tag", "data: results\nchart: bars\ny: !fn s", "plot: unresolved tag: !fn at 3:3"],
  ];
  it.each(cases)("%s", (_name, source, error) => {
    expect(summary(compile("plot", source))).toEqual({ error });
  });
});
