import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { cell, collectErrors, createNotebook, demoText, editAndRun, notebooksDir, runs, settled } from "./helpers.ts";

test("the demo opens, every cell runs, and nothing is logged as an error", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/?nb=demo.md");
  await settled(page);
  await expect(page.locator('weft-cell[data-status="error"]')).toHaveCount(0);
  await expect(page.locator("weft-cell svg").first()).toBeVisible();
  await expect(page.locator(".weft-md").getByText("samples and noise")).toBeVisible();
  await page.screenshot({ path: "test-results/editor-demo.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("editing a cell re-runs exactly it and its dependents", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-edit.md", demoText);
  await page.goto("/?nb=e2e-edit.md");
  await settled(page);
  const names = ["const points", "const summary", "Plot.barY", "Plot.dot", "const overall", "function seeded"];
  const before = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await runs(cell(page, n))] as const)));
  await editAndRun(page, cell(page, "const summary"), 'const summary = aq.from(points)\n  .groupby("half")\n  .rollup({count: aq.op.count(), mean: aq.op.median("y")})\n  .orderby("half")');
  await settled(page);
  const after = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await runs(cell(page, n))] as const)));
  const delta = Object.fromEntries(names.map((n) => [n, after[n]! - before[n]!]));
  expect(delta).toEqual({ "const points": 0, "const summary": 1, "Plot.barY": 1, "Plot.dot": 0, "const overall": 0, "function seeded": 0 });
  expect(errors).toEqual([]);
});

test("a syntax error stays in its cell and the other cells still render", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-error.md", demoText);
  await page.goto("/?nb=e2e-error.md");
  await settled(page);
  const broken = cell(page, "const summary");
  await editAndRun(page, broken, "const summary = aq.from(points).groupby(");
  await settled(page);
  await expect(broken).toHaveAttribute("data-status", "error");
  // The error's line in the notebook file: the cell's source begins on line 47 of demo.md.
  await expect(broken.getByRole("alert")).toContainText(/Unexpected token \(47:\d+\)/);
  await expect(cell(page, "Plot.dot")).toHaveAttribute("data-status", "fulfilled");
  await expect(cell(page, "Plot.dot").locator("svg").first()).toBeVisible();
  await expect(cell(page, "const overall")).toHaveAttribute("data-status", "fulfilled");
  await page.screenshot({ path: "test-results/editor-error.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("after a reload, unchanged cells restore from the cell cache without running", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-cache.md", demoText);
  await page.goto("/?nb=e2e-cache.md");
  await settled(page);
  await expect(cell(page, "const points")).toHaveAttribute("data-status", "fulfilled");
  await page.reload();
  await settled(page);
  for (const name of ["const points", "const summary", "const overall"]) {
    await expect(cell(page, name)).toHaveAttribute("data-status", "cached");
    expect(await runs(cell(page, name))).toBe(0);
  }
  // Cells whose values are DOM nodes or inputs are not cached and simply run again.
  await expect(cell(page, "Plot.dot")).toHaveAttribute("data-status", "fulfilled");
  await expect(cell(page, "Plot.dot").locator("svg").first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("edits are autosaved to the notebook file", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-save.md", demoText);
  await page.goto("/?nb=e2e-save.md");
  await settled(page);
  await editAndRun(page, cell(page, "const overall"), "const overall = 42");
  await expect(page.getByTestId("save-state")).toHaveText("Saved");
  const onDisk = await readFile(path.join(notebooksDir, "e2e-save.md"), "utf8");
  expect(onDisk).toBe(demoText.replace('const overall = aq.from(points).rollup({mean: aq.op.mean("y")}).object().mean', "const overall = 42"));
  expect(errors).toEqual([]);
});

test("a change on disk during unsaved edits is shown as a conflict and never overwritten", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-conflict.md", demoText);
  await page.goto("/?nb=e2e-conflict.md");
  await settled(page);
  const file = path.join(notebooksDir, "e2e-conflict.md");
  const external = demoText.replace("# Weft demo", "# Edited elsewhere");
  // Make an edit, then change the file on disk before the autosave fires.
  await cell(page, "const overall").locator(".cm-content").click();
  await page.keyboard.press("End");
  await page.keyboard.insertText(" * 2");
  await writeFile(file, external);
  await expect(page.getByTestId("conflict")).toBeVisible();
  await page.waitForTimeout(1000);
  expect(await readFile(file, "utf8")).toBe(external);
  await page.screenshot({ path: "test-results/editor-conflict.png" });
  await page.getByRole("button", { name: "Load the file on disk" }).click();
  await expect(page.getByTestId("conflict")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Edited elsewhere" })).toBeVisible();
  // The refused write is the server's 409 answer, which Chromium logs for any 4xx; nothing else may be logged.
  expect(errors.filter((e) => !/status of 409 \(Conflict\)/.test(e))).toEqual([]);
});
