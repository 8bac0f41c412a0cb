// feedbackStats in the DuckDB store: the mean of a monitor's score (at a field, booleans as
// 1/0, errors left out), the share of a label, a time range on the feedback, a filter on the
// calls, and the calls behind (worst first).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { Feedback, FeedbackStore, TraceStore } from "../../src/store/index.ts";

let dir: string;
let store: TraceStore & FeedbackStore;
const T = Date.UTC(2026, 11, 2);

const row = (callId: string, name: string, value: unknown, at = T): Feedback => ({ id: `${callId}:${name}`, callId, kind: "annotation", name, value: value as never, author: `monitor:${name}`, authorKind: "code", createdAt: at, updatedAt: at });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-fbstats-"));
  store = await openDuckDbTraceStore(join(dir, "t.duckdb"));
  await store.write(["a", "b", "c", "d", "e"].map((id) => ({ id, traceId: id, parentId: null, op: id === "e" ? "other" : "chat", startedAt: T, endedAt: T + 1, inputs: {}, output: null, error: null, attributes: {} })));
  await store.writeFeedback([
    row("a", "judge", { score: 0.9, label: "good", pass: true }),
    row("b", "judge", { score: 0.2, label: "bad", pass: false }),
    row("c", "judge", { score: 0.4, label: "bad", pass: false }),
    row("d", "judge", { error: "timed out" }),
    row("e", "judge", { score: 0, label: "bad", pass: false }),
    row("a", "tone", "neutral"),
    row("b", "tone", "angry"),
    row("c", "tone", "angry", T - 3_600_000),
  ]);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("feedbackStats", () => {
  const range = { since: T - 60_000, until: T + 60_000 };

  it("means a score at a field over the calls a filter selects, leaving errors out", async () => {
    const s = await store.feedbackStats({ op: "chat" }, { name: "judge", field: "score", ...range, calls: { limit: 2, order: "asc" } });
    expect(s).toMatchObject({ rows: 4, scored: 3, labeled: 0, share: null, calls: ["b", "c"] });
    expect(s.mean).toBeCloseTo(0.5, 10);
    const all = await store.feedbackStats(undefined, { name: "judge", field: "score", ...range });
    expect(all.scored).toBe(4);
    expect(all.mean).toBeCloseTo(0.375, 10);
  });

  it("counts booleans as 1 or 0, and shares labels (of strings and booleans)", async () => {
    const pass = await store.feedbackStats({ op: "chat" }, { name: "judge", field: "pass", label: "false", ...range });
    expect(pass).toMatchObject({ scored: 3, labeled: 3, matching: 2 });
    expect(pass.mean).toBeCloseTo(1 / 3, 10);
    const bad = await store.feedbackStats({ op: "chat" }, { name: "judge", field: "label", label: "bad", ...range, calls: { limit: 10, order: "label" } });
    expect(bad).toMatchObject({ scored: 0, mean: null, labeled: 3, matching: 2 });
    expect([...bad.calls].sort()).toEqual(["b", "c"]);
  });

  it("reads whole values and keeps to the time range", async () => {
    const tone = await store.feedbackStats(undefined, { name: "tone", label: "angry", ...range });
    expect(tone).toMatchObject({ rows: 2, labeled: 2, matching: 1, share: 0.5 });
    const wider = await store.feedbackStats(undefined, { name: "tone", label: "angry", since: T - 7_200_000, until: T + 1 });
    expect(wider.share).toBeCloseTo(2 / 3, 10);
    expect(await store.feedbackStats(undefined, { name: "nothing", ...range })).toEqual({ rows: 0, scored: 0, mean: null, labeled: 0, matching: 0, share: null, calls: [] });
  });

  it("refuses a bad filter naming the part", async () => {
    await expect(store.feedbackStats({ status: "nope" } as never, { name: "judge", ...range })).rejects.toThrow(/status/);
  });
});
