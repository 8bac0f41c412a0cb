// The Traces view in the real editor: a real app (weft demo traffic: the openai SDK with
// OpenTelemetry's instrumentation, LLM = the local stub) sends to the collector that
// `weft serve` mounts; the list updates while traffic arrives; a call opens as its trace
// with the LLM messages as a chat; text from traces stays inert; "Open in notebook" adds the
// equivalent calls(...) cell.
import { expect, test, type Page } from "@playwright/test";
import { collectErrors, createNotebook, demoTraffic } from "./helpers.ts";


async function rows(page: Page): Promise<number> {
  return page.getByTestId("traces-list").locator("tbody tr").count();
}

test("production calls arrive live in the Traces view, open as a trace with a chat, and stay inert", async ({ page, request }) => {
  const errors = collectErrors(page);
  await demoTraffic(2, 10, 1);
  await page.goto("/?view=traces");
  const list = page.getByTestId("traces-list");
  await expect(list.locator("tbody tr").first()).toBeVisible();
  const before = await rows(page);
  expect(before).toBeGreaterThan(20);
  await expect(page.getByTestId("traces-charts").locator("svg")).toHaveCount(4);

  // A hostile prompt, sent as a real app would (Weft JSON through the collector).
  const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> please refund`;
  const now = Date.now();
  const res = await request.post("/api/calls/batch", {
    data: { calls: [{ id: "hostile-1", traceId: "hostile-trace", parentId: null, op: "chat gpt-4o-mini", inputs: { messages: [{ role: "user", content: hostile }] }, output: { role: "assistant", content: "<b>bold?</b>" }, error: null, startedAt: now, endedAt: now + 120, attributes: {}, usage: { "gpt-4o-mini": { requests: 1, inputTokens: 12, outputTokens: 3 } }, cost: null }] },
  });
  expect(res.status()).toBe(200);

  // More traffic while the view is open: the list updates by itself (it grows, or, when an
  // earlier spec filled its page, newer calls come in on top).
  const newest = () => list.locator("tbody tr").first().getAttribute("data-call");
  const top = await newest();
  await demoTraffic(2, 10, 2);
  await expect.poll(async () => (await rows(page)) > before || (await newest()) !== top, { timeout: 20_000 }).toBe(true);

  await page.getByTestId("traces-list").locator('tr[data-call="hostile-1"]').click();
  const detail = page.getByTestId("trace-detail");
  await expect(detail.getByTestId("chat")).toContainText("please refund");
  await expect(detail.getByTestId("chat")).toContainText("<script>window.__pwned=2</script>");
  await expect(detail.getByTestId("chat")).toContainText("<b>bold?</b>");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(detail.locator("img, script, b")).toHaveCount(0);

  // An LLM call of the demo app: its trace tree holds the handler, the retrieval and the chat.
  await page.getByLabel("op").selectOption("chat gpt-4o-mini");
  // The filtered list comes from the server: wait until every row shown is of that op (clicking
  // before then can open a draft reply's call, of gpt-4.1-mini, from the unfiltered list).
  await expect.poll(async () => {
    const ops = await list.locator("tbody tr td:nth-child(2)").allTextContents();
    return ops.length > 0 && ops.every((op) => op === "chat gpt-4o-mini");
  }, { timeout: 10_000 }).toBe(true);
  await page.getByTestId("traces-list").locator("tbody tr:not([data-call='hostile-1'])").first().click();
  await expect.poll(() => detail.getByTestId("trace-tree").locator("li").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  await expect(detail.getByTestId("trace-tree")).toContainText("POST /tickets");
  await expect(detail.getByTestId("chat").locator(".bubble.system")).toContainText("Classify the support ticket");
  await page.screenshot({ path: "test-results/traces-view.png", fullPage: true });

  // "Open in notebook" adds the same query as a cell of the open notebook.
  await createNotebook(request, "traces-target.md", "# Traces target\n");
  await page.goto("/?nb=traces-target.md");
  await page.getByRole("link", { name: "Traces", exact: true }).click();
  await page.getByLabel("op").selectOption("chat gpt-4o-mini");
  await page.getByRole("button", { name: "Open in notebook" }).click();
  await expect(page.locator("weft-cell .cm-content", { hasText: 'calls({since: "-1h", op: "chat gpt-4o-mini"})' })).toBeVisible();
  expect(errors).toEqual([]);
});
