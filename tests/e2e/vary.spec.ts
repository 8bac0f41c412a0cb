import { expect, test } from "@playwright/test";
import { cell, collectErrors, createNotebook, editAndRun, settled } from "./helpers.ts";

// 500 rows x 2 variants x 2 trials = 2,000 leaves.
const notebook = (bSource: string) => `# 2,000 leaves

\`\`\`js
const rows = Array.from({length: 500}, (_, i) => ({i, text: "row " + i}))
\`\`\`

\`\`\`js
const a = op("a", ({i}) => i * 2)
\`\`\`

\`\`\`js
${bSource}
\`\`\`

\`\`\`vary
name: results
data: rows
ops: [a, b]
trials: 2
\`\`\`
`;

test("a 2,000-leaf vary computes once, restores from IndexedDB after a reload, and an edited variant recomputes only its leaves", async ({ page, request }) => {
  const errors = collectErrors(page);
  await createNotebook(request, "e2e-vary.md", notebook('const b = op("b", ({i}) => i + 1)'));
  await page.goto("/?nb=e2e-vary.md");
  const counts = page.getByTestId("vary-counts");
  await expect(page.getByTestId("vary")).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(counts).toContainText("2000/2000 done · 0 cache hits · 2000 op calls");

  await page.reload();
  await expect(page.getByTestId("vary")).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(counts).toContainText("2000/2000 done · 2000 cache hits · 0 op calls");

  await editAndRun(page, cell(page, 'const b = op("b"'), 'const b = op("b", ({i}) => i + 2)');
  await settled(page);
  await expect(page.getByTestId("vary")).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(counts).toContainText("2000/2000 done · 1000 cache hits · 1000 op calls");
  await page.getByTestId("vary").screenshot({ path: "test-results/vary.png" });
  expect(errors).toEqual([]);
});
