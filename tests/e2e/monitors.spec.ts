// Monitors in the real editor: the monitor demo shows each monitor with the plan of a day and
// its live counters from the collector `weft serve` mounts; a paused monitor offers its
// button again, one click makes it permanent, and a call that arrives is scored in the
// collector and counted in the cell's output.
import { expect, test } from "@playwright/test";
import { collectErrors } from "./helpers.ts";

test("a monitor shows its plan and live counters, and one click enables it", async ({ page, request }) => {
  const errors = collectErrors(page);
  await page.goto("/?nb=monitor-demo.md");
  const topic = page.getByTestId("monitor").filter({ hasText: "monitor topic" });
  await expect(topic.getByTestId("monitor-plan")).toContainText("a day at the last 24 hours' rate:");
  // The notebook's own `enable()` cell made both permanent.
  await expect(topic.getByTestId("monitor-status")).toContainText("running in the collector");

  expect((await request.post("/api/monitors/topic/pause", { data: {} })).status()).toBe(200);
  const button = topic.getByRole("button", { name: /Resume monitor/ });
  await expect(button).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("monitor-paused.png") });
  await button.click();
  await expect(topic.getByTestId("monitor-status")).toContainText("running in the collector");
  const listed = (await (await request.get("/api/monitors")).json()) as { monitors: { name: string; enabled: boolean }[] };
  expect(listed.monitors.find((m) => m.name === "topic")?.enabled).toBe(true);

  // A drafted reply arrives; 2 s after its last part the collector classifies it.
  const id = `e2e-monitor-${Date.now()}`;
  const now = Date.now();
  const call = { id, traceId: id, parentId: null, op: "chat gpt-4.1-mini", inputs: { messages: [{ role: "user", content: "My invoice shows a double charge" }] }, output: { role: "assistant", content: "Sorry, we will refund it." }, error: null, startedAt: now - 900, endedAt: now - 100, attributes: {}, usage: { "gpt-4.1-mini": { requests: 1, inputTokens: 12, outputTokens: 8 } }, cost: null };
  expect((await request.post("/api/calls/batch", { data: { calls: [call] } })).status()).toBe(200);
  await expect(topic.getByTestId("monitor-status")).toContainText(/[1-9]\d* scored/, { timeout: 20_000 });
  const feedback = (await (await request.get(`/api/feedback?call=${id}`)).json()) as { feedback: { name: string; value: unknown }[] };
  expect(feedback.feedback.find((f) => f.name === "topic")?.value).toBe("billing");
  await page.screenshot({ path: test.info().outputPath("monitor-running.png") });
  expect(errors).toEqual([]);
});
