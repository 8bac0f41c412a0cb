import { beforeAll, describe, expect, it } from "vitest";
import { installServerDom } from "../../src/cli/server-dom.ts";
import { createCharts } from "../../src/stdlib/charts/index.ts";
import { golden } from "../notebook/golden.ts";
import { compile } from "./compile.ts";

/** A small fixed run: 3 ops × 4 rows × 2 trials, with a boolean and a numeric score, a class label, a time and a call ref. */
const rows = ["alpha", "beta", "gamma"].flatMap((op, o) =>
  [0, 1, 2, 3].flatMap((row) =>
    [0, 1].map((trial) => {
      const i = o * 8 + row * 2 + trial;
      return {
        op,
        row,
        trial,
        "score.a": (i * 7) % 3 !== 0,
        "score.b": Math.round(((i * 37) % 101) / 10.1) / 10,
        label: row % 2 ? "spam" : "ham",
        at: new Date(Date.UTC(2024, 0, 1, row, o * 15 + trial * 5)).toISOString(),
        call: `call-${op}-${row}-${trial}`,
      };
    }),
  ),
);

const sources: Record<string, string> = {
  bars: "chart: bars\nx: op\ny: score.a\ntitle: Accuracy by op",
  dots: "chart: dots\nx: op\ny: score.b\ncolor: label",
  scatter: "chart: scatter\nx: score.a\ny: score.b\nby: op",
  histogram: "chart: histogram\nx: score.b\nby: op\nbins: 5",
  box: "chart: box\nx: score.b\nby: label\nheight: 200",
  lines: "chart: lines\nx: at\ny: score.b\ncolor: op\ninterval: hour",
};

let charts: ReturnType<typeof createCharts>;
beforeAll(() => {
  charts = createCharts(installServerDom());
});

/** Compiles a plot cell over `results` and renders it with the real charts. */
function render(chart: string): Element {
  const compiled = compile("plot", `data: results\n${sources[chart]}`);
  if (compiled.type !== "definition") throw new Error(`expected a definition, got ${JSON.stringify(compiled)}`);
  const fn = (0, eval)(`(${compiled.definition.body})`) as (charts: unknown, results: unknown) => Element;
  return fn(charts, rows);
}

describe("plot cells render the real charts (golden)", () => {
  it.each(Object.keys(sources))("%s", (chart) => {
    const figure = render(chart);
    const html = figure.outerHTML;
    expect(render(chart).outerHTML).toBe(html);
    const ext = figure.tagName.toLowerCase() === "svg" ? "svg" : "html";
    expect(html).toBe(golden(`plot-${chart}.${ext}`, html));
  });

  it("bars: one clickable mark per group, each with its error-bar rule", () => {
    const figure = render("bars");
    const ops = [...new Set(rows.map((r) => r.op))];
    expect(figure.querySelectorAll("[data-drill]").length).toBe(ops.length);
    expect(figure.querySelectorAll('g[aria-label="bar"] rect[data-drill]').length).toBe(ops.length);
    expect(figure.querySelectorAll('g.weft-ci line').length).toBe(ops.length);
  });
});
