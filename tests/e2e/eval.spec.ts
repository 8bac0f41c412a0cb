import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { cell, collectErrors, createNotebook, editAndRun, settled } from "./helpers.ts";

// The e2e server has a (loopback) provider; these tests pin the demo to its offline variants.
const demo = async () => (await readFile(path.resolve("notebooks/eval-demo.md"), "utf8")).replace("const providers = llm.providers()", "const providers = []");

test("the eval demo: a plot with error bars, drill-down to exactly a bar's calls, compare and leaderboard", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-eval.md", await demo());
  await page.goto("/?nb=e2e-eval.md");
  const classification = page.getByTestId("vary").first();
  await expect(classification).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await settled(page);

  // A cold load: every cell computed its body once (partial results of the running vary included), none was restored.
  await expect(page.locator('weft-cell[data-status="cached"]')).toHaveCount(0);
  const counts = await page.locator("weft-cell").getByTestId("runs").allTextContents();
  expect(new Set(counts)).toEqual(new Set(["runs 1"]));

  // The plan of rule-based ops has no token or cost estimate to show: no such columns.
  await expect(classification.locator(".vary-plan th")).toHaveText(["op", "role", "calls", "cached", "missing"]);
  await expect(classification.getByTestId("vary-phase")).toHaveText("done");

  const chart = cell(page, "chart: bars").locator(".weft-chart");
  await expect(chart.locator("[data-drill]")).toHaveCount(2);
  // The error bars: one rule per group, in the CI rule mark.
  await expect(chart.locator('g.weft-ci line')).toHaveCount(2);
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/eval-plot.png" });

  // Click the v2 bar: the panel is a table of exactly the v2 group's calls (320 tickets × 3 trials).
  await chart.locator("[data-drill]").nth(1).click();
  const drill = page.getByTestId("drill");
  await expect(drill).toContainText("op = v2");
  await expect(drill.getByTestId("drill-count")).toHaveText("960 calls");
  // Columns: the row's fields, the trial, the output, the score by the notebook's name, latency, cost.
  const headers = await drill.getByRole("columnheader").allTextContents();
  expect(headers.map((h) => h.trim())).toEqual(["op", "id", "text", "label", "order_id", "trial", "output", "correct", "latency"]);
  // Trials of one row are one line (320 of them), and the list is virtualized: only what is on screen is in the page.
  const groups = drill.getByTestId("drill-group");
  await expect(groups.first()).toContainText("3 trials");
  expect(await groups.count()).toBeLessThan(80);
  await expect(drill.getByRole("table")).toHaveAttribute("aria-rowcount", "320");
  // Search and sorting.
  await drill.getByRole("searchbox", { name: "search calls" }).fill("refund");
  await expect(drill.getByTestId("drill-count")).toHaveText(/^\d+ of 960 calls$/);
  await drill.getByRole("button", { name: "correct" }).click();
  await expect(drill.getByRole("columnheader", { name: "correct" })).toHaveAttribute("aria-sort", "ascending");
  await page.screenshot({ path: "test-results/eval-drill.png" });
  // A row opens to its trials, a trial to its detail: inputs as named fields, output, the score with its name, the trace.
  await groups.first().click();
  await drill.locator(".drill-row.nested").first().click();
  const detail = drill.getByTestId("drill-detail");
  await expect(detail.getByTestId("drill-inputs").locator("dt")).toHaveText(["id", "text", "label", "order_id"]);
  await expect(detail.getByTestId("drill-scores").locator("dt")).toHaveText(["correct"]);
  await expect(detail.getByTestId("trace-tree").locator("li")).toHaveCount(2);
  await expect(detail).toContainText("trial 0");
  await page.screenshot({ path: "test-results/eval-drill-detail.png" });
  await detail.getByRole("button", { name: /all 960 calls/ }).click();
  await expect(drill.getByTestId("drill-count")).toHaveText(/of 960 calls$/);
  await drill.getByRole("button", { name: "close" }).click();

  // The compare view and the leaderboard, and a leaderboard row opening a compare.
  const compareView = cell(page, "compare(classification").getByTestId("compare");
  await expect(compareView).toContainText("v1 vs v2 · 320 shared rows");
  await expect(compareView.locator(".compare-metrics tbody tr")).toHaveCount(1);
  await expect(compareView.locator(".compare-metrics tbody tr")).toHaveAttribute("data-verdict", "improved");
  await compareView.getByRole("button", { name: "regressions" }).click();
  await expect(compareView.getByTestId("compare-count")).toContainText("examples");
  const board = cell(page, "leaderboard(classification").getByTestId("leaderboard");
  await expect(board.locator("tbody tr")).toHaveCount(2);
  await expect(board.locator("tbody tr").first()).toContainText("v2");
  // v2 is best on accuracy; their sub-millisecond latencies are a tie, so no latency mark that could flip between loads.
  await expect(board.locator("td.best")).toHaveCount(1);
  await board.locator("tbody tr").nth(1).click();
  await expect(board.getByTestId("compare")).toContainText("v2 vs v1");
  await board.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/eval-leaderboard.png" });
  expect(errors).toEqual([]);
});

test("editing a scorer re-runs only scorer calls; editing the summary runs nothing", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-eval-edit.md", await demo());
  await page.goto("/?nb=e2e-eval-edit.md");
  const counts = page.getByTestId("vary-counts").first();
  await expect(page.getByTestId("vary").first()).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(counts).toContainText("1920 op calls · 1920 scorer calls");

  await editAndRun(page, cell(page, "const correct = scorers"), 'const correct = scorers.exactMatch({expected: "label", caseSensitive: true})');
  await expect(page.getByTestId("vary").first()).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(counts).toContainText("1920/1920 done · 1920 cache hits · 0 op calls · 1920 scorer calls (0 cached)");

  const evaluateCell = cell(page, "const classification = evaluate(");
  const source = (await evaluateCell.locator(".cm-content").innerText()).replace("budget: 0.5", 'budget: 0.5,\n  summary: (t) => t.groupby("op").rollup({n: aq.op.count()})');
  await editAndRun(page, evaluateCell, source);
  await expect(page.getByTestId("vary").first()).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(counts).toContainText("1920/1920 done · 1920 cache hits · 0 op calls · 0 scorer calls (1920 cached)");
  await settled(page);
  await expect(cell(page, "const accuracy = classification.summary()").getByTestId("output")).toContainText("2 rows × 2 columns");
  expect(errors).toEqual([]);
});
