// The fine-tuning demo in the real editor, offline: demo traffic into the editor's collector,
// then the notebook gives 👍, makes a dataset and a training set, trains on the stub's
// fine-tuning API through weft serve's LLM proxy, draws the curves, and its gate passes.
import { expect, test } from "@playwright/test";
import { collectErrors, demoTraffic } from "./helpers.ts";

test("the fine-tuning demo trains on the stub, draws its curves, and passes its gate", async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await demoTraffic(5, 40, 9);
  await page.goto("/?nb=finetune-demo.md");
  await expect(page.getByTestId("fine-tune-status")).toHaveText("succeeded", { timeout: 120_000 });
  await expect(page.getByTestId("tuned-model")).toContainText("ft:stub-mini:weft-stub:tickets:");
  await expect(page.locator("weft-fine-tune-view .weft-chart svg").first()).toBeVisible();
  await expect(page.getByText(/Pass: ft:stub-mini:weft-stub:tickets:\S+ is at least as good as stub-mini/)).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("fine-tune").scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("finetune.png"), fullPage: false });
  expect(errors).toEqual([]);
});
