// Alerts in the real editor: errored calls reach the collector that `weft serve` mounts, an
// error-rate rule fires on its own (the service's timer), the app shows a banner, and "View
// alerts" opens the list with the rule and the alert's calls. Deleting the rule resolves it.
import { expect, test } from "@playwright/test";
import { collectErrors } from "./helpers.ts";

test("a firing alert shows as a banner, and the list shows the rule and the calls behind it", async ({ page, request }) => {
  const errors = collectErrors(page);
  const op = `e2e-alerts-${Date.now()}`;
  const now = Date.now();
  const calls = Array.from({ length: 4 }, (_, i) => ({ id: `${op}-${i}`, traceId: `${op}-${i}`, parentId: null, op, inputs: { q: i }, output: i < 3 ? null : { a: "ok" }, error: i < 3 ? { message: `upstream timeout ${i}` } : null, startedAt: now - 5_000, endedAt: now - 4_000 + i, attributes: {}, usage: {}, cost: null }));
  expect((await request.post("/api/calls/batch", { data: { calls } })).status()).toBe(200);
  const rule = await request.post("/api/alerts/rules", { data: { id: "e2e-errors", name: "Checkout errors", filter: { op }, metric: "error_rate", threshold: 0.5, window: "1h", every: "1h" } });
  expect(rule.status(), await rule.text()).toBe(200);

  try {
    await page.goto("/");
    const banner = page.getByTestId("alerts-banner");
    await expect(banner).toContainText("1 alert firing");
    await expect(banner).toContainText("Checkout errors");
    await page.screenshot({ path: test.info().outputPath("alerts-banner.png") });

    await banner.getByRole("button", { name: "View alerts" }).click();
    await expect(page).toHaveURL(/view=alerts/);
    const view = page.getByTestId("alerts-view");
    await expect(view.getByTestId("alert-rules").locator('tr[data-rule="e2e-errors"]')).toContainText("firing");
    const alert = view.getByTestId("alerts-list").locator("li.alert.firing").filter({ hasText: "Checkout errors" });
    await expect(alert).toContainText("value 0.75");
    await expect(alert.getByTestId("alert-calls").locator("tbody tr")).toHaveCount(3);
    await expect(alert.getByTestId("alert-calls")).toContainText("upstream timeout 0");
    await page.screenshot({ path: test.info().outputPath("alerts-list.png"), fullPage: true });
  } finally {
    expect((await request.delete("/api/alerts/rules/e2e-errors")).status()).toBe(200);
  }
  await page.reload();
  await expect(page.getByTestId("alerts-view").getByTestId("alerts-list").locator("li.alert").filter({ hasText: "Checkout errors" }).first()).toContainText("rule deleted");
  await expect(page.getByTestId("alerts-banner")).toHaveCount(0);
  expect(errors).toEqual([]);
});
