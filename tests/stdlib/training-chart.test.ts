// charts.training draws both curves and marks the overfitting step when there is one.
import { beforeAll, expect, it } from "vitest";
import { installServerDom } from "../../src/cli/server-dom.ts";
import { createCharts } from "../../src/stdlib/charts/index.ts";

let charts: ReturnType<typeof createCharts>;
beforeAll(() => {
  charts = createCharts(installServerDom());
});

const run = (turn: number | null) => Array.from({ length: 60 }, (_, i) => ({ step: i + 1, train_loss: 2 * Math.exp(-i / 12) + 0.1, valid_loss: turn === null || i < turn ? 2.2 * Math.exp(-i / 12) + 0.3 : 2.2 * Math.exp(-turn / 12) + 0.3 + 0.02 * (i - turn) }));

it("draws training and validation loss, and marks where validation loss turns up", () => {
  const chart = charts.training(run(30), { title: "LoRA run" }) as HTMLElement;
  expect(chart.querySelectorAll("path").length).toBeGreaterThanOrEqual(2);
  expect(chart.querySelector(".weft-overfit")).not.toBeNull();
  expect(chart.textContent).toMatch(/overfitting from step 3\d/);
});

it("marks nothing on a healthy run; accuracy draws without a marker", () => {
  expect((charts.training(run(null)) as HTMLElement).querySelector(".weft-overfit")).toBeNull();
  expect((charts.training(run(null), { metric: "accuracy" }) as HTMLElement).textContent).toContain("accuracy");
});
