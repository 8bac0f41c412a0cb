// weft/sdk's batcher against a collector that misbehaves: retries on 503/429, gives up on a
// 400 with a warning, keeps memory bounded (drops and counts), and flushes everything.
import { describe, expect, it } from "vitest";
import type { Call } from "../../src/base/index.ts";
import { CallBatcher } from "../../src/sdk/batcher.ts";

const call = (i: number): Call => ({ id: `c${i}`, traceId: `c${i}`, parentId: null, op: "f:1", inputs: [i], output: i, error: null, startedAt: i, endedAt: i + 1, attributes: {}, usage: {}, cost: null });

/** A fake collector: answers with the statuses given, in order (then 200), and records the batches. */
function collector(statuses: number[]) {
  const batches: Call[][] = [];
  const fetchImpl: typeof fetch = async (_url, init) => {
    const status = statuses.shift() ?? 200;
    if (status === 200) batches.push((JSON.parse(String(init?.body)) as { calls: Call[] }).calls);
    return new Response(JSON.stringify(status === 200 ? { accepted: 1 } : { error: "nope" }), { status });
  };
  return { batches, fetchImpl };
}

const fast = { retries: 3, baseMs: 1, maxMs: 2 };

describe("weft/sdk batching", () => {
  it("sends full batches, then the rest on flush, in order", async () => {
    const c = collector([]);
    const b = new CallBatcher({ url: "http://x", fetch: c.fetchImpl, batchSize: 10, flushIntervalMs: 60_000, retry: fast });
    for (let i = 0; i < 25; i++) b.add(call(i));
    await b.flush();
    expect(c.batches.map((x) => x.length)).toEqual([10, 10, 5]);
    expect(c.batches.flat().map((x) => x.id)).toEqual(Array.from({ length: 25 }, (_, i) => `c${i}`));
    expect(b.stats).toMatchObject({ sent: 25, dropped: 0 });
  });

  it("retries 503, 429 and network errors with backoff, then delivers", async () => {
    const c = collector([503, 429, 502]);
    const b = new CallBatcher({ url: "http://x", fetch: c.fetchImpl, batchSize: 5, retry: fast });
    for (let i = 0; i < 5; i++) b.add(call(i));
    await b.flush();
    expect(b.stats).toMatchObject({ sent: 5, retries: 3, dropped: 0, failedBatches: 0 });
  });

  it("drops a batch the collector refuses (400) with one warning, and after too many retries", async () => {
    const warnings: string[] = [];
    const c = collector([400, 503, 503, 503, 503]);
    const b = new CallBatcher({ url: "http://x", fetch: c.fetchImpl, batchSize: 2, retry: fast, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 4; i++) b.add(call(i));
    await b.flush();
    expect(b.stats).toMatchObject({ sent: 0, dropped: 4, failedBatches: 2 });
    expect(warnings.some((w) => /400/.test(w))).toBe(true);
    expect(warnings.some((w) => /503/.test(w))).toBe(true);
  });

  it("keeps memory bounded: past the buffer, calls are dropped and counted", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fetchImpl: typeof fetch = async () => {
      await gate;
      return new Response("{}", { status: 200 });
    };
    const b = new CallBatcher({ url: "http://x", fetch: fetchImpl, batchSize: 100, maxBuffer: 100, warn: () => {} });
    for (let i = 0; i < 1_000; i++) b.add(call(i));
    expect(b.stats.dropped).toBeGreaterThanOrEqual(800);
    release();
    await b.flush();
    expect(b.stats.sent + b.stats.dropped).toBe(1_000);
  });
});
