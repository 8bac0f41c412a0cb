// "Add to dataset" in the Traces view of the real editor: calls sent as a real app would (Weft
// JSON to the collector `weft serve` mounts) are ticked, mapped to columns with a live preview
// that shows errors per path, saved as a dataset version with its mapping and message, and saved
// as a curation rule that then adds arriving calls by itself; the rule is paused and deleted
// from the rules panel.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { collectErrors } from "./helpers.ts";

const OP = "ds-chat";

function chat(id: string, question: string, answer: string) {
  const t = Date.now();
  return { id, traceId: `trace-${id}`, parentId: null, op: OP, inputs: { messages: [{ role: "system", content: "Classify the ticket" }, { role: "user", content: question }] }, output: { role: "assistant", content: answer }, error: null, startedAt: t, endedAt: t + 200, attributes: {}, usage: {}, cost: null };
}

async function send(request: APIRequestContext, calls: unknown[]): Promise<void> {
  const res = await request.post("/api/calls/batch", { data: { calls } });
  expect(res.status(), await res.text()).toBe(200);
}

test("selected calls become a dataset version with their mapping, and a rule keeps adding", async ({ page, request }) => {
  const errors = collectErrors(page);
  await send(request, [chat("ds-1", "where is my refund?", "billing"), chat("ds-2", "the app crashes", "bug"), chat("ds-3", "love it", "other")]);
  await page.goto("/?view=traces");
  await page.getByLabel("op").selectOption(OP);
  const list = page.getByTestId("traces-list");
  await expect(list.locator("tbody tr")).toHaveCount(3);
  for (const id of ["ds-1", "ds-2", "ds-3"]) await page.getByLabel(`pick call ${id}`).check();
  await page.getByRole("button", { name: "Add to dataset (3)" }).click();

  const dialog = page.getByRole("dialog", { name: "Add to dataset" });
  await dialog.getByLabel("dataset name").fill("e2e-golden");
  // The suggested mapping reads the chat: the last message and the reply.
  await expect(dialog.getByLabel("column 1 path")).toHaveValue("inputs.messages[-1].content");
  await expect(dialog.getByLabel("column 2 path")).toHaveValue("output.content");
  const preview = dialog.getByTestId("dataset-preview");
  await expect(preview).toContainText("where is my refund?");
  await expect(preview).toContainText("billing");

  // Errors per path: a path that is not there on a call, and one that does not parse.
  await dialog.getByLabel("column 2 path").fill("output.label");
  await expect(preview.locator("td.error").first()).toContainText("output.label does not exist on call");
  await dialog.getByLabel("column 2 path").fill("output..label");
  await expect(dialog.locator(".path-error")).toContainText("invalid path output..label");
  await expect(dialog.getByRole("button", { name: "Save version" })).toBeDisabled();
  await dialog.getByLabel("column 2 path").fill("output.content");
  await dialog.getByLabel("column 2 name").fill("label");
  await dialog.getByLabel("commit message").fill("first triage examples");
  await dialog.getByLabel("save as a rule").check();
  await dialog.getByLabel("rule name").fill("e2e-triage");
  await page.screenshot({ path: "test-results/add-to-dataset.png" });

  await dialog.getByRole("button", { name: "Save version" }).click();
  await expect(dialog.getByTestId("dataset-saved")).toContainText("version 1 of e2e-golden: +3 rows");
  await expect(dialog.getByTestId("dataset-saved")).toContainText("rule e2e-triage adds matching calls as they arrive");

  const versions = (await (await request.get("/api/datasets/e2e-golden")).json()) as { versions: { n: number; count: number; message: string; columns: Record<string, string> }[] };
  expect(versions.versions.map((v) => [v.n, v.count, v.message])).toEqual([[1, 3, "first triage examples"]]);
  expect(versions.versions[0]!.columns).toEqual({ question: "inputs.messages[-1].content", label: "output.content" });
  const rows = (await (await request.get("/api/datasets/e2e-golden/rows")).json()) as { rows: Record<string, unknown>[] };
  expect(rows.rows.map((r) => r.label).sort()).toEqual(["billing", "bug", "other"]);

  // Saving the same calls again adds nothing.
  await dialog.getByLabel("save as a rule").uncheck();
  await dialog.getByRole("button", { name: "Save version" }).click();
  await expect(dialog.getByTestId("dataset-saved")).toContainText("nothing new: all 3 rows are already in e2e-golden");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toHaveCount(0);

  // The rule adds a call that arrives, in a version of its own.
  await send(request, [chat("ds-4", "refund again", "billing")]);
  await expect.poll(async () => ((await (await request.get("/api/datasets/e2e-golden")).json()) as { versions: { message: string }[] }).versions.map((v) => v.message), { timeout: 15_000 }).toEqual(["first triage examples", "rule e2e-triage: +1 call"]);

  // The rules panel: pause, then delete.
  await page.getByText("Curation rules").click();
  const rule = page.getByTestId("rules-list").locator('tr[data-rule="e2e-triage"]');
  await expect(rule).toContainText("active");
  await expect(rule).toContainText("e2e-golden");
  await rule.getByRole("button", { name: "Pause" }).click();
  await expect(rule).toContainText("paused");
  await rule.getByRole("button", { name: "delete rule e2e-triage" }).click();
  await expect(rule).toHaveCount(0);
  expect(((await (await request.get("/api/rules")).json()) as { rules: unknown[] }).rules).toEqual([]);
  expect(errors).toEqual([]);
});
