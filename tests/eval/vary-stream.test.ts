import { describe, expect, test, vi } from "vitest";
import { varySnapshots, waitForApproval } from "../../src/eval/vary-stream.ts";
import { createTracing, Vary, type VaryResult } from "../../src/trace/index.ts";

describe("waiting for approval", () => {
  test("approval resolves the wait and removes its abort listener; a later abort changes nothing", async () => {
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, "removeEventListener");
    const { approve, approved } = waitForApproval(controller.signal);
    approve();
    await expect(approved).resolves.toBeUndefined();
    expect(removed.mock.calls.map(([type]) => type)).toEqual(["abort"]);
    controller.abort(new Error("cell re-run"));
    await expect(approved).resolves.toBeUndefined();
  });

  test("an abort before approval rejects the wait with the signal's reason, also when the signal was aborted already", async () => {
    const controller = new AbortController();
    const { approved } = waitForApproval(controller.signal);
    controller.abort(new Error("cell re-run"));
    await expect(approved).rejects.toThrow("cell re-run");
    await expect(waitForApproval(controller.signal).approved).rejects.toThrow("cell re-run");
  });
});

describe("the snapshots of a run", () => {
  const token = (r: VaryResult) => (r as unknown as Record<symbol, () => object | null>)[Symbol.for("weft.runToken")]!();
  const rows = [{ q: "a" }, { q: "b" }, { q: "c" }];

  test("every snapshot of one run carries the same run token, and another run another", async () => {
    const { op } = createTracing({});
    const slow = op("slow", async ({ q }: { q: string }) => (await new Promise((r) => setTimeout(r, 5)), q));
    const first: VaryResult[] = [];
    for await (const s of varySnapshots(new Vary({ data: rows, ops: slow }, { cache: null }), { signal: new AbortController().signal, everyMs: 1 })) first.push(s);
    expect(first.map((s) => s.phase).at(-1)).toBe("done");
    expect(new Set(first.map(token)).size).toBe(1);
    const second: VaryResult[] = [];
    for await (const s of varySnapshots(new Vary({ data: rows, ops: slow }, { cache: null }), { signal: new AbortController().signal })) second.push(s);
    expect(token(second[0]!)).not.toBe(token(first[0]!));
  });

  test("the end of a run yields the final snapshot once, not a running snapshot of the same results first; a long interval yields only it", async () => {
    const { op } = createTracing({});
    const slow = op("slow", async ({ q }: { q: string }) => (await new Promise((r) => setTimeout(r, 15)), q));
    const data = Array.from({ length: 12 }, (_, i) => ({ q: `q${i}` }));
    const streamed: VaryResult[] = [];
    for await (const s of varySnapshots(new Vary({ data, ops: slow, concurrency: 2 }, { cache: null }), { signal: new AbortController().signal, everyMs: 20 })) streamed.push(s);
    expect(streamed.length).toBeGreaterThan(2);
    expect(streamed.at(-1)!.phase).toBe("done");
    // No running snapshot repeats the finished results.
    expect(streamed.filter((s) => s.phase === "running" && s.progress.done === 12)).toEqual([]);
    const started = Date.now();
    const headless: VaryResult[] = [];
    for await (const s of varySnapshots(new Vary({ data, ops: slow, concurrency: 2 }, { cache: null }), { signal: new AbortController().signal, everyMs: 3_600_000 })) headless.push(s);
    expect(headless.map((s) => [s.phase, s.progress.done])).toEqual([["done", 12]]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("a plan whose calls cannot be made yields one 'blocked' snapshot, offers no approval and runs nothing", async () => {
    const { op } = createTracing({});
    const ran: string[] = [];
    const ask = op("ask", ({ q }: { q: string }) => ran.push(q), { estimate: () => ({ cost: 0.01, unavailable: "no LLM provider is configured" }) });
    const snapshots: VaryResult[] = [];
    for await (const s of varySnapshots(new Vary({ data: rows, ops: { ask }, budget: 0 }, { cache: null }), { signal: new AbortController().signal })) snapshots.push(s);
    expect(snapshots.map((s) => [s.phase, s.approve, s.plan?.blocked])).toEqual([["blocked", undefined, "ask: no LLM provider is configured"]]);
    expect(ran).toEqual([]);
  });
});
