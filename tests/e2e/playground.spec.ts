import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { cell, collectErrors, createNotebook, openFirstCall, settled } from "./helpers.ts";

test("a call of the LLM demo opens in the playground: edited, run twice on two models side by side with a diff, kept in its cell, and run over the dataset", async ({ page, request }) => {
  const errors = collectErrors(page);
  const nb = `e2e-playground-${Date.now()}.md`;
  await createNotebook(request, nb, await readFile(path.resolve("notebooks/llm-eval.md"), "utf8"));
  await page.goto(`/?nb=${nb}`);
  const vary = page.getByTestId("vary");
  await expect(vary).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await settled(page);

  // The result tree: op → model → row → trial → call; the call's button opens its LLM request.
  const node = await openFirstCall(vary);
  await node.getByRole("button", { name: "Open in playground" }).first().click();
  const playground = page.getByTestId("playground");
  await expect(playground).toBeVisible({ timeout: 15_000 });
  await expect(playground.getByLabel("message 1", { exact: true })).toHaveValue("Answer in one short sentence.");
  await expect(playground.getByLabel("message 2", { exact: true })).toHaveValue("What is the capital of Australia?");
  await expect(playground.locator(".playground-original")).toContainText("says");

  // Edit the system message, choose both models, two runs each: four answers, streamed, each diffed against the original.
  await playground.getByLabel("message 1", { exact: true }).fill("Answer in one word.");
  await playground.getByRole("checkbox", { name: "test-large" }).check();
  await playground.getByLabel("runs per model").fill("2");
  await playground.getByLabel("runs per model").press("Tab");
  await expect(playground.locator(".playground-go")).toContainText("Run 4 calls");
  await playground.locator(".playground-go").click();
  await expect(playground.locator('[data-testid="playground-answer"][data-done="true"]')).toHaveCount(4, { timeout: 20_000 });
  await expect(playground.locator('.playground-model[data-model="test-small"]')).toContainText("2 answers");
  await expect(playground.locator('.playground-model[data-model="test-large"] .diff').first()).toBeVisible();
  await expect(playground.locator(".diff ins").first()).toBeVisible();
  await playground.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/playground.png" });

  // Keep the edits: the cell's source is the edited draft, and it runs again as such.
  const pgCell = page.locator("weft-cell").filter({ has: page.getByTestId("playground") });
  await playground.getByRole("button", { name: "Keep edits in the cell" }).click();
  await expect(pgCell.locator(".cm-content")).toContainText("Answer in one word.");
  await expect(pgCell.locator(".cm-content")).toContainText("test-large");

  // Run on a dataset: the user message becomes the row's question (Mustache), and an evaluation cell is added and runs.
  const again = page.getByTestId("playground");
  await again.getByLabel("message 2", { exact: true }).fill("{{question}}");
  await again.getByLabel("dataset name").fill("questions");
  await again.getByLabel("scorers").fill("{mentions}");
  await again.getByRole("button", { name: "Add evaluation cell" }).click();
  const evalCell = cell(page, "const draftEval = evaluate(");
  await expect(evalCell).toBeVisible();
  await expect(evalCell.getByTestId("vary")).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(evalCell.getByTestId("vary-counts")).toContainText("12/12 done");

  // Save the draft as a prompt version; production points at it (set through the collector's API, as an app team would).
  const name = `capital-qa-${Date.now()}`;
  await again.getByLabel("prompt name").fill(name);
  await again.getByRole("button", { name: "Save as prompt version" }).click();
  await expect(again.getByTestId("prompt-saved")).toContainText(`${name}:v1`);
  const labelled = await request.post(`/api/prompts/${name}/labels`, { data: { label: "production", version: 1, author: "e2e" } });
  expect(labelled.ok(), await labelled.text()).toBe(true);
  // A second version: the history shows the label and what changed.
  await again.getByLabel("message 1", { exact: true }).fill("Answer with the name only.");
  await again.getByRole("button", { name: "Save as prompt version" }).click();
  await expect(again.getByTestId("prompt-saved")).toContainText(`${name}:v2`);
  await expect(again.getByTestId("prompt-history")).toContainText("2 versions · production → v1");
  await expect(again.getByTestId("prompt-history").locator("ins").first()).toBeVisible();

  // Promote: an evaluation of v2 against production's v1, the compare view, and only then the button that moves the label.
  await again.getByRole("button", { name: "Promote…" }).click();
  // The comparison is final once the evaluation is done (before that it re-renders with each snapshot).
  await expect(cell(page, "const promotion = evaluate(").getByTestId("vary")).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  const compareView = page.getByTestId("compare").last();
  await expect(compareView).toContainText("current vs candidate", { timeout: 30_000 });
  await compareView.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/playground-promote.png" });
  expect((await (await request.get(`/api/prompts/${name}?label=production`)).json()).prompt.version).toBe(1);
  await page.getByRole("button", { name: `Move production to ${name}:v2` }).click();
  await expect(page.locator("weft-cell").filter({ hasText: `production → ${name}:v2` })).toBeVisible();
  expect((await (await request.get(`/api/prompts/${name}?label=production`)).json()).prompt.version).toBe(2);
  expect(errors).toEqual([]);
});
