// Feedback from every surface into the real DuckDB store: HTTP, weft/sdk (a real app's
// thumbs-up), a notebook (weft run), and the filter that finds "thumbs-down in the last day".
// An annotation with the same identifier updates in place; bad feedback names its field.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { Calls, storeBackend } from "../../src/prod/index.ts";
import { init } from "../../src/sdk/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import { keepsFeedback, type Feedback, type TraceStore } from "../../src/store/index.ts";

let dir: string;
let store: TraceStore;
let server: CollectServer;
const now = Date.now();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-feedback-"));
  store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  await store.write(["a", "b", "c"].map((id, i) => ({ id, traceId: id, parentId: null, op: "answer:v1", startedAt: now - i * 3_600_000, endedAt: now - i * 3_600_000 + 500, inputs: { q: id }, output: { a: id }, error: null, attributes: {} })));
  server = await startCollectServer({ store, port: 0 });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown) {
  const r = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as { feedback?: Feedback[]; error?: string } };
}

async function feedbackOf(id: string): Promise<Feedback[]> {
  const r = await fetch(`${server.url}/api/feedback?call=${id}`);
  return ((await r.json()) as { feedback: Feedback[] }).feedback;
}

describe("feedback", () => {
  it("the DuckDB store keeps feedback", () => {
    expect(keepsFeedback(store)).toBe(true);
  });

  it("over HTTP: reactions, notes, and declared annotations that update in place", async () => {
    expect((await post("/api/feedback", { call: "a", emoji: "👎", author: "ana" })).status).toBe(200);
    expect((await post("/api/feedback", { call: "a", note: "the order number is wrong", author: "ana" })).status).toBe(200);
    expect((await post("/api/feedback/schemas", { name: "label", type: "label", labels: ["billing", "bug", "other"] })).status).toBe(200);
    expect((await post("/api/feedback", { call: "a", name: "label", value: "bug", author: "ana" })).status).toBe(200);
    expect((await post("/api/feedback", { call: "a", name: "label", value: "billing", author: "ana" })).status).toBe(200);
    const rows = await feedbackOf("a");
    expect(rows.map((f) => [f.kind, f.name, f.value, f.author])).toEqual([
      ["reaction", "👎", "👎", "ana"],
      ["note", "note", "the order number is wrong", "ana"],
      ["annotation", "label", "billing", "ana"],
    ]);
    const label = rows.find((f) => f.kind === "annotation")!;
    expect(label.updatedAt).toBeGreaterThanOrEqual(label.createdAt);
  });

  it("refuses bad feedback with the field at fault, storing nothing of the batch", async () => {
    const before = (await feedbackOf("b")).length;
    const r = await post("/api/feedback", { feedback: [{ call: "b", emoji: "👍" }, { call: "b", name: "label", value: "spam" }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('feedback[1].value: "label" takes one of "billing", "bug", "other", got "spam"');
    expect((await post("/api/feedback", { call: "b", name: "mood", value: 3 })).body.error).toMatch(/no annotation named "mood" is declared \(declared: label\)/);
    expect((await post("/api/feedback", { emoji: "👍" })).body.error).toMatch(/^feedback\.call:/);
    expect((await feedbackOf("b")).length).toBe(before);
  });

  it("from weft/sdk: an app sends a user's thumbs-up on the call it made", async () => {
    const weft = init({ url: server.url, flushIntervalMs: 50 });
    const answer = weft.op("sdk_answer", async (q: string) => `re: ${q}`);
    const { call } = await answer.invoke(["where is my order?"]);
    await weft.flush();
    await weft.feedback(call.id, { emoji: "👍", author: "user-17" });
    expect((await feedbackOf(call.id)).map((f) => [f.name, f.author])).toEqual([["👍", "user-17"]]);
    await expect(weft.feedback(call.id, { name: "nope", value: 1 })).rejects.toThrow(/no annotation named "nope"/);
  });

  it("from a notebook, and calls() filters on it: thumbs-down in the last day", async () => {
    const file = join(dir, "fb.md");
    writeFileSync(file, ["# fb", "", "```js", 'const given = await calls.feedback("c", {emoji: "👎"})', "```", "", "```js", 'const down = given && (await calls({feedback: {kind: "reaction", name: "👎", since: "-1d"}}).table()).objects().map((r) => r.call).sort()', "```", ""].join("\n"));
    const report = await runNotebook(file, { calls: storeBackend(store) });
    expect(report.cells.map((c) => c.error)).toEqual([null, null, null]);
    expect(report.cells.find((c) => c.names.includes("down"))?.value).toEqual({ down: ["a", "c"] });
    expect(await store.count({ feedback: { name: "label", value: "billing" } })).toBe(1);
    expect(await store.count({ feedback: { author: "nobody" } })).toBe(0);
  });

  it("table() brings feedback in as columns", async () => {
    const table = await new Calls(storeBackend(store), { ids: ["a"] }).table({ feedback: true });
    const row = table.objects()[0] as Record<string, unknown>;
    expect(row["feedback.label"]).toBe("billing");
    expect(row["feedback.👎"]).toBe(1);
    expect(row["feedback.note"]).toBe("the order number is wrong");
  });
});
