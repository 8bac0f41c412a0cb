// In Chromium: cluster(...) fits in a real Web Worker (the same fit as inline, and a cancel stops
// it), and brushing charts.embedding opens exactly the calls whose dots are inside the rectangle.
import { expect, it } from "vitest";
import { createEmbed, hashingEmbedding } from "../../src/eval/index.ts";
import { DRILL_EVENT, type ClusterResult, type DrillDetail } from "../../src/stdlib/index.ts";
import { createCharts } from "../../src/stdlib/charts/index.ts";
import { runCluster } from "../../src/stdlib/analysis/cluster.ts";
import { inlineRunner } from "../../src/stdlib/analysis/inline-runner.ts";
import { workerRunner } from "../../src/ui/worker-runner.ts";

const TOPICS = ["refund money back charge", "password reset login locked", "parcel delivery tracking late", "invoice vat billing receipt"];
const rows = Array.from({ length: 160 }, (_, i) => ({ call: `call-${i}`, text: `${TOPICS[i % 4]} please help ${i}` }));
const fitInput = { vectors: rows.map((r) => Float32Array.from(hashingEmbedding(r.text))), texts: rows.map((r) => r.text), k: 4, seed: 2 };

async function clusters(): Promise<ClusterResult> {
  const deps = {
    embed: createEmbed({ cache: null, embed: async () => [], newId: () => "x", now: () => 0 }),
    cache: null,
    runner: workerRunner,
    vary: () => {
      throw new Error("no labels here");
    },
    makeOp: (() => {
      throw new Error("no ops here");
    }) as never,
    llm: null as never,
    newId: () => "x",
    now: () => 0,
  };
  let last: ClusterResult | undefined;
  for await (const v of runCluster(deps, rows, { text: "text", k: 4, seed: 2 })) last = v;
  return last!;
}

it("a fit in the Web Worker gives exactly the inline fit", async () => {
  const progress: string[] = [];
  const inWorker = await workerRunner({ kind: "fit", input: fitInput }, { signal: new AbortController().signal, onProgress: (stage) => progress.push(stage) });
  const inline = await inlineRunner({ kind: "fit", input: fitInput }, { signal: new AbortController().signal, onProgress: () => {} });
  expect(inWorker).toEqual(inline);
  expect(progress).toContain("projecting");
});

it("a cancel terminates the worker at once", async () => {
  const controller = new AbortController();
  const started = performance.now();
  const run = workerRunner({ kind: "fit", input: fitInput }, { signal: controller.signal, onProgress: () => controller.abort() });
  await expect(run).rejects.toThrow("cluster: cancelled");
  expect(performance.now() - started).toBeLessThan(5_000);
});

it("brushing the embedding chart opens exactly the calls whose dots are inside the rectangle, also when the chart is drawn narrower than its width", async () => {
  const result = await clusters();
  expect(result.status).toBe("done");
  const chart = createCharts(document).embedding(result, { width: 500, height: 400 }) as SVGSVGElement;
  // A 340 px column: the 500-unit chart is scaled down, so screen pixels are not chart units.
  const column = document.createElement("div");
  column.style.width = "340px";
  column.append(chart);
  document.body.replaceChildren(column);
  // The figure holds the legend's swatches and the plot, its own svg child.
  const svg = (chart.tagName.toLowerCase() === "svg" ? chart : chart.querySelector(":scope > svg")!) as SVGSVGElement;
  const dots = [...svg.querySelectorAll("circle[data-drill]")] as SVGCircleElement[];
  expect(dots).toHaveLength(160);
  const box = svg.getBoundingClientRect();
  // A rectangle over the left half and the top 60% of the plot.
  const x0 = box.left + box.width * 0.05;
  const x1 = box.left + box.width * 0.5;
  const y0 = box.top + box.height * 0.05;
  const y1 = box.top + box.height * 0.6;
  const inside = dots
    .filter((d) => {
      const r = d.getBoundingClientRect();
      const cx = r.left + r.width / 2;
      const cy = r.top + r.height / 2;
      return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1;
    })
    .map((d) => result.points[Number(d.getAttribute("data-drill"))]!.id);
  expect(inside.length).toBeGreaterThan(0);
  expect(inside.length).toBeLessThan(160);
  const drills: DrillDetail[] = [];
  document.addEventListener(DRILL_EVENT, (e) => drills.push((e as CustomEvent<DrillDetail>).detail));
  // Start on empty space (a press on a dot opens that dot instead).
  const start = { clientX: x0, clientY: y0 };
  const target = document.elementFromPoint(x0, y0) ?? svg;
  expect(target.hasAttribute("data-drill")).toBe(false);
  svg.dispatchEvent(new PointerEvent("pointerdown", { ...start, bubbles: true }));
  svg.dispatchEvent(new PointerEvent("pointermove", { clientX: x1, clientY: y1, bubbles: true }));
  svg.dispatchEvent(new PointerEvent("pointerup", { clientX: x1, clientY: y1, bubbles: true }));
  expect(drills).toHaveLength(1);
  expect([...drills[0]!.refs].sort()).toEqual([...inside].sort());
  expect(drills[0]!.title).toBe(`${inside.length} points in the selection`);
  // A click on one dot opens its call alone.
  dots[7]!.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  expect(drills[1]!.refs).toEqual([result.points[7]!.id]);
});
