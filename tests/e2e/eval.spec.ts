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

  const chart = cell(page, "chart: bars").locator(".weft-chart");
  await expect(chart.locator("[data-drill]")).toHaveCount(2);
  // The error bars: one rule per group, in the CI rule mark.
  await expect(chart.locator('g.weft-ci line')).toHaveCount(2);
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/eval-plot.png" });

  // Click the v2 bar: the panel lists exactly the v2 group's calls (320 tickets × 3 trials).
  await chart.locator("[data-drill]").nth(1).click();
  const drill = page.getByTestId("drill");
  await expect(drill).toContainText("op = v2");
  await expect(drill.getByTestId("drill-count")).toHaveText("960 calls");
  const refs = await drill.locator("li[data-call] > details > summary > code").allTextContents();
  expect(refs.length).toBe(200);
  expect(new Set(refs).size).toBe(1);
  await page.screenshot({ path: "test-results/eval-drill.png" });
  await drill.getByRole("button", { name: "close" }).click();

  // The compare view and the leaderboard, and a leaderboard row opening a compare.
  const compareView = cell(page, "compare(classification").getByTestId("compare");
  await expect(compareView).toContainText("v1 vs v2 · 320 shared rows");
  await expect(compareView.locator(".compare-metrics tbody tr")).toHaveCount(1);
  await compareView.getByRole("button", { name: "regressions" }).click();
  await expect(compareView.getByTestId("compare-count")).toContainText("examples");
  const board = cell(page, "leaderboard(classification").getByTestId("leaderboard");
  await expect(board.locator("tbody tr")).toHaveCount(2);
  await expect(board.locator("tbody tr").first()).toContainText("v2");
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
