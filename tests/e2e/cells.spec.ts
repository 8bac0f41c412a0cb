import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { cell, collectErrors, createNotebook, notebooksDir, settled } from "./helpers.ts";

const small = "# Cells\n\n```js\nconst a = 2\n```\n\n```js\na * 10\n```\n";

test("cells can be added, retyped, moved, deleted and brought back, all saved to disk", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-cells.md", small);
  await page.goto("/?nb=e2e-cells.md");
  await settled(page);
  await expect(page.locator("weft-cell")).toHaveCount(3);

  // Add a cell below the first js cell, type into it, run it.
  await cell(page, "const a = 2").getByRole("button", { name: "add cell below" }).click();
  await expect(page.locator("weft-cell")).toHaveCount(4);
  await page.keyboard.insertText("const b = a + 1");
  await page.keyboard.press("Control+Enter");
  await expect(cell(page, "const b = a + 1").getByTestId("output")).toContainText("b = 3");

  // Change the new cell's kind to ts and give it a type annotation.
  await cell(page, "const b = a + 1").getByRole("combobox", { name: "cell kind" }).selectOption("ts");
  await cell(page, "const b = a + 1").locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText("const b: number = a + 1");
  await page.keyboard.press("Control+Enter");
  await expect(cell(page, "const b: number").getByTestId("output")).toContainText("b = 3");

  // Move it up above the cell defining a, then delete it and undo.
  await cell(page, "const b: number").getByRole("button", { name: "move cell up" }).click();
  await expect(page.locator("weft-cell .cm-content").nth(1)).toContainText("const b: number");
  await cell(page, "const b: number").getByRole("button", { name: "delete cell" }).click();
  await expect(page.locator("weft-cell")).toHaveCount(3);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.locator("weft-cell")).toHaveCount(4);
  await expect(cell(page, "const b: number").getByTestId("output")).toContainText("b = 3");

  await expect(page.getByTestId("save-state")).toHaveText("Saved");
  expect(await readFile(path.join(notebooksDir, "e2e-cells.md"), "utf8")).toBe("# Cells\n\n```ts\nconst b: number = a + 1\n```\n\n```js\nconst a = 2\n```\n\n```js\na * 10\n```\n");
  expect(errors).toEqual([]);
});

test("keyboard: Shift+Enter runs and moves on, Ctrl+Shift+arrows move between cells", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-keys.md", small);
  await page.goto("/?nb=e2e-keys.md");
  await settled(page);
  await cell(page, "const a = 2").locator(".cm-content").click();
  await page.keyboard.press("End");
  await page.keyboard.insertText("1");
  await expect(cell(page, "const a = 21")).toHaveAttribute("data-status", "stale");
  await page.keyboard.press("Shift+Enter");
  await expect(cell(page, "a * 10").getByTestId("output")).toContainText("210");
  // Focus moved to the next cell; going back up lands in the first js cell.
  await expect(cell(page, "a * 10").locator(".cm-editor")).toHaveClass(/cm-focused/);
  await page.keyboard.press("Control+Shift+ArrowUp");
  await expect(cell(page, "const a = 21").locator(".cm-editor")).toHaveClass(/cm-focused/);
  expect(errors).toEqual([]);
});

test("a long-running cell can be stopped", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-stop.md", "```js\nconst slow = await new Promise((resolve) => { const t = setTimeout(resolve, 60000); signal.addEventListener('abort', () => clearTimeout(t)) })\n```\n\n```js\nconst quick = 1\n```\n");
  await page.goto("/?nb=e2e-stop.md");
  const slow = cell(page, "const slow");
  await expect(slow).toHaveAttribute("data-status", "running");
  await expect(cell(page, "const quick")).toHaveAttribute("data-status", "fulfilled");
  await slow.getByRole("button", { name: "stop cell" }).click();
  await expect(slow).toHaveAttribute("data-status", "error");
  await expect(slow.getByRole("alert")).toHaveText("cancelled");
  expect(errors).toEqual([]);
});

test("a new notebook can be created from the sidebar", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/?nb=demo.md");
  await settled(page);
  page.once("dialog", (d) => d.accept("fresh-notebook"));
  await page.getByRole("button", { name: "New notebook" }).click();
  await expect(page.getByRole("link", { name: "fresh-notebook.md" })).toBeVisible();
  await expect(page.locator(".notebook-name")).toHaveText("fresh-notebook.md");
  expect(await readFile(path.join(notebooksDir, "fresh-notebook.md"), "utf8")).toBe("# fresh-notebook\n");
  expect(errors).toEqual([]);
});

test("the status stays visible while the tools show on hover; wide outputs scroll inside their cell; a dependent of a cell in error links to it", async ({ page, request }) => {
  const errors = collectErrors(page);
  const text = [
    "# Reading",
    "```js\nconst wide = Array.from({length: 200}, (_, i) => ({index: i, label: `label number ${i} of a long list`}))\n```",
    "```js\naq.table(Object.fromEntries(Array.from({length: 14}, (_, i) => [`score.metric_number_${i}.mean`, [0.123456, 0.654321]])))\n```",
    "```js\nconst points = pointz.map((d) => d)\n```",
    "```js\nconst total = points.length\n```",
  ].join("\n\n") + "\n";
  await createNotebook(request, "e2e-reading.md", text);
  // A laptop-sized window: the notebook column is narrower than its widest output.
  await page.setViewportSize({ width: 960, height: 900 });
  await page.goto("/?nb=e2e-reading.md");
  await settled(page);

  // The toolbar: status always visible, tools only on hover (or focus).
  const wide = cell(page, "const wide");
  await page.mouse.move(5, 890);
  await expect(wide.getByTestId("status")).toBeVisible();
  await expect(wide.locator(".cell-tools")).toHaveCSS("opacity", "0");
  await wide.getByTestId("status").hover();
  await expect(wide.locator(".cell-tools")).toHaveCSS("opacity", "1");

  // A wide table scrolls inside its cell; the page itself does not scroll sideways.
  const output = cell(page, "aq.table(").getByTestId("output");
  const sizes = await output.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  expect(sizes.scroll).toBeGreaterThan(sizes.client);
  expect(sizes.page).toBeLessThanOrEqual(sizes.viewport);

  // The cell in error names its cause; its dependent names the input and links to its cell.
  await expect(cell(page, "const points").getByRole("alert")).toHaveText("pointz is not defined");
  const dependent = cell(page, "const total").getByRole("alert");
  await expect(dependent).toHaveText("input points is in error");
  await dependent.getByRole("link", { name: "points" }).click();
  await expect(cell(page, "const points").locator(".cm-editor")).toHaveClass(/cm-focused/);
  expect(errors).toEqual([]);
});

test("a vary waiting for its Run click says so, with no streaming badge and nothing to stop; Run runs it", async ({ page, request }) => {
  const errors = collectErrors(page);
  const text = [
    "# Waiting",
    "```js\nconst pricey = op(\"pricey\", ({q}) => q, {estimate: () => ({cost: 0.01})})\n```",
    "```js\nconst results = vary({data: [{q: \"a\"}, {q: \"b\"}], ops: {pricey}, budget: 0.001})\n```",
  ].join("\n\n") + "\n";
  await createNotebook(request, "e2e-waiting.md", text);
  await page.goto("/?nb=e2e-waiting.md");
  const waiting = cell(page, "const results = vary(");
  await expect(waiting.getByTestId("waiting")).toHaveText("waiting for Run");
  await expect(waiting.getByTestId("streaming")).toHaveCount(0);
  await expect(waiting.getByRole("button", { name: "stop cell" })).toHaveCount(0);
  await waiting.getByRole("button", { name: /^Run \(/ }).click();
  await expect(waiting.getByTestId("vary")).toHaveAttribute("data-phase", "done");
  await expect(waiting.getByTestId("waiting")).toHaveCount(0);
  expect(errors).toEqual([]);
});
