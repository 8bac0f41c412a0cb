import { describe, expect, test, vi } from "vitest";
import { openMemoryStore } from "../../src/store/index.ts";
import { sha256Hex, toCanonical } from "../../src/base/index.ts";
import { CallCache as CallCacheImpl } from "../../src/trace/index.ts";
import { ScoreKeys } from "../../src/trace/score-keys.ts";
import { Vary, type CallCache, type Op, type VaryResult } from "../../src/trace/index.ts";
import { callCache, tracing } from "./harness.ts";

type Rows = Record<string, any>[];

const rows = [
  { text: "refund my order", label: "billing" },
  { text: "app crashes on start", label: "bug" },
  { text: "how do I export", label: "question" },
];

/** Ops that count their executions, so tests can assert exactly what ran. */
function setup() {
  const { op } = tracing();
  const counts = new Map<string, number>();
  // The wrapper's own source is the same for every op, so the wrapped function's source is a capture.
  const counted = <A extends unknown[], R>(name: string, fn: (...a: A) => R) =>
    op(
      name,
      (...a: A) => {
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return fn(...a);
      },
      { captures: fn.toString() },
    );
  const count = (name: string) => counts.get(name) ?? 0;
  return { op, counted, count, reset: () => counts.clear() };
}

async function run(spec: ConstructorParameters<typeof Vary>[0], cache: CallCache) {
  return new Vary(spec, { cache, sleep: async () => {} }).execute();
}

describe("vary", () => {
  test("the plan counts cached and missing leaves per op before anything runs", async () => {
    const { counted, count } = setup();
    const cache = await callCache();
    const a = counted("a", ({ text }: { text: string }) => text.length);
    const b = counted("b", ({ text }: { text: string }) => text.split(" ").length);
    await run({ data: rows.slice(0, 2), ops: [a, b], trials: 2 }, cache);
    const plan = await new Vary({ data: rows, ops: [a, b], trials: 2 }, { cache }).plan();
    expect(plan.groups.map((g) => [g.label, g.role, g.total, g.cached, g.missing])).toEqual([
      ["a", "op", 6, 4, 2],
      ["b", "op", 6, 4, 2],
    ]);
    expect([plan.leaves, plan.cached, plan.missing]).toEqual([12, 8, 4]);
    expect(count("a") + count("b")).toBe(8);
  });

  test("the plan sums the estimates of missing calls and asks for approval above the budget", async () => {
    const { op } = tracing();
    const cache = await callCache();
    const priced = op("priced", ({ text }: { text: string }) => text, { estimate: ({ text }) => ({ inputTokens: text.length, outputTokens: 10, cost: 0.5 }) });
    const plan = await new Vary({ data: rows, ops: priced, budget: 1 }, { cache }).plan();
    expect(plan.groups[0]).toMatchObject({ missing: 3, inputTokens: 15 + 20 + 15, outputTokens: 30, cost: 1.5 });
    expect([plan.estimatedCost, plan.needsApproval]).toEqual([1.5, true]);
  });

  test("different models on the same input: one leaf per parameter combination, each cached separately", async () => {
    const { counted, count } = setup();
    const cache = await callCache();
    const answer = counted("answer", ({ text }: { text: string }, { model }: { model: string }) => `${model}:${text}`);
    const r = await run({ data: rows, ops: answer, params: { model: ["m1", "m2"] } }, cache);
    expect(count("answer")).toBe(6);
    expect((r.table().objects() as Rows).map((o) => o.output)).toEqual(["m1:refund my order", "m1:app crashes on start", "m1:how do I export", "m2:refund my order", "m2:app crashes on start", "m2:how do I export"]);
    await run({ data: rows, ops: answer, params: { model: ["m1", "m2", "m3"] } }, cache);
    expect(count("answer")).toBe(9);
  });

  test("the table's columns: dimensions, row fields (a reserved name as row.*), run facts, scores in first-seen order with object scores spread (a failed score is undefined), call", async () => {
    const { op } = tracing();
    const answer = op("answer", ({ text }: { text: string }, { model }: { model: string }) => `${model}:${text}`);
    const graded = op("graded", ({ output }: { output: string }) => (output.includes("refund") ? { relevance: 1, note: "text is dropped", ok: true } : { relevance: 0, ok: false }));
    const never = op("never", () => {
      throw new Error("no score");
    });
    const data = [{ text: "refund my order", status: "open" }, { text: "app crashes", status: "closed" }];
    const r = await run({ data, ops: answer, params: { model: ["m1"] }, scorers: { graded, never } }, await callCache());
    const table = r.table();
    expect(table.columnNames()).toEqual(["op", "model", "text", "row.status", "row", "trial", "status", "output", "error", "latency_ms", "tokens", "cost", "score.graded.ok", "score.graded.relevance", "score.never", "call"]);
    expect((table.objects() as Rows).map((o) => [o["row.status"], o["score.graded.relevance"], o["score.graded.ok"], o["score.never"]])).toEqual([["open", 1, true, undefined], ["closed", 0, false, undefined]]);
  });

  test("raising trials from 3 to 5 runs exactly 2 new trials per row", async () => {
    const { counted, count, reset } = setup();
    const cache = await callCache();
    const sample = counted("sample", ({ text }: { text: string }) => text.length);
    await run({ data: rows, ops: sample, trials: 3 }, cache);
    expect(count("sample")).toBe(9);
    reset();
    const r = await run({ data: rows, ops: sample, trials: 5 }, cache);
    expect(count("sample")).toBe(6);
    expect(r.progress).toMatchObject({ total: 15, cached: 9, opCalls: 6 });
    expect(r.leaves.filter((l) => l.status === "done").map((l) => [l.spec.rowIndex, l.spec.trial])).toEqual([[0, 3], [0, 4], [1, 3], [1, 4], [2, 3], [2, 4]]);
  });

  test("new rows in a batch compute only the new outputs", async () => {
    const { counted, count, reset } = setup();
    const cache = await callCache();
    const f = counted("f", ({ text }: { text: string }) => text.length);
    await run({ data: rows.slice(0, 2), ops: f }, cache);
    reset();
    await run({ data: rows, ops: f }, cache);
    expect(count("f")).toBe(1);
  });

  test("editing one of two op variants re-runs only that variant's leaves", async () => {
    const { counted, count, reset } = setup();
    const cache = await callCache();
    const v1 = counted("v1", ({ text }: { text: string }) => text.length);
    const v2 = counted("v2", ({ text }: { text: string }) => text.length * 2);
    await run({ data: rows, ops: { v1, v2 }, trials: 2 }, cache);
    reset();
    const v2edited = counted("v2", ({ text }: { text: string }) => text.length * 3);
    const r = await run({ data: rows, ops: { v1, v2: v2edited }, trials: 2 }, cache);
    expect([count("v1"), count("v2")]).toEqual([0, 6]);
    expect((r.rollup(["op"], ["output"]).objects() as Rows).map((o) => [o.op, o.n])).toEqual([["v1", 6], ["v2", 6]]);
  });

  test("changing a scorer re-runs only scorer calls, and no op call", async () => {
    const { counted, count, reset } = setup();
    const cache = await callCache();
    const classify = counted("classify", ({ text }: { text: string }) => (text.includes("refund") ? "billing" : "bug"));
    const exact = counted("exact", ({ output, label }: { output: string; label: string }) => output === label);
    const first = await run({ data: rows, ops: classify, scorers: [exact], trials: 2 }, cache);
    expect([count("classify"), count("exact")]).toEqual([6, 6]);
    reset();
    const lenient = counted("exact", ({ output, label }: { output: string; label: string }) => output === label || label === "question");
    const second = await run({ data: rows, ops: classify, scorers: [lenient], trials: 2 }, cache);
    expect([count("classify"), count("exact")]).toEqual([0, 6]);
    expect(second.progress).toMatchObject({ opCalls: 0, scorerCalls: 6, cached: 6 });
    expect((first.rollup(["op"]).objects() as Rows)[0]!["score.exact.mean"]).toBeCloseTo(4 / 6);
    expect((second.rollup(["op"]).objects() as Rows)[0]!["score.exact.mean"]).toBe(1);
    reset();
    // Summarizing differently (another grouping, another statistic) runs nothing at all.
    const third = await run({ data: rows, ops: classify, scorers: [lenient], trials: 2 }, cache);
    expect([count("classify"), count("exact"), third.progress.opCalls, third.progress.scorerCalls]).toEqual([0, 0, 0, 0]);
    expect((third.rollup(["trial"]).objects() as Rows).map((o) => o.n)).toEqual([3, 3]);
  });

  test("restoring scores takes each key from the scorer call recorded on the scored call, and computes keys only where there is none", async () => {
    const { counted, count, reset } = setup();
    const store = await openMemoryStore();
    const classify = counted("classify", ({ text }: { text: string }) => (text.includes("refund") ? "billing" : "bug"));
    const exact = counted("exact", ({ output, label }: { output: string; label: string }) => output === label);
    const first = await run({ data: rows, ops: classify, scorers: [exact], trials: 2 }, new CallCacheImpl(store));
    expect(count("exact")).toBe(6);
    reset();
    const computed = vi.spyOn(ScoreKeys.prototype, "key");
    try {
      const again = await run({ data: rows, ops: classify, scorers: [exact], trials: 2 }, new CallCacheImpl(store));
      expect([count("classify"), count("exact"), again.progress.scorerCached]).toEqual([0, 0, 6]);
      expect(computed).toHaveBeenCalledTimes(0);
      const scores = (r: VaryResult) => (r.table().objects() as Rows).map((o) => [o.row, o.trial, o.output, o["score.exact"]]);
      expect(scores(again)).toEqual(scores(first));
      // A scorer with nothing recorded on these calls: its keys are computed (and miss), and it runs.
      const lenient = counted("lenient", ({ output, label }: { output: string; label: string }) => output === label || label === "question");
      const more = await run({ data: rows, ops: classify, scorers: [exact, lenient], trials: 2 }, new CallCacheImpl(store));
      expect([count("exact"), count("lenient"), more.progress.scorerCached]).toEqual([0, 6, 6]);
      expect(computed.mock.calls.filter(([, s]) => s === lenient).length).toBeGreaterThanOrEqual(6);
      expect(computed.mock.calls.filter(([, s]) => s === exact)).toHaveLength(0);
    } finally {
      computed.mockRestore();
    }
  });

  test("a leaf's call records its row and params in canonical form, the row encoded once for all its trials", async () => {
    const { op } = tracing();
    const echo = op("echo", (row: Record<string, unknown>) => String(row.text));
    const data = [{ text: "a", when: new Date(0), tags: new Set(["x"]) }, { text: "b", $: "dollar" }];
    const result = await run({ data, ops: echo, params: { t: [0.5] }, trials: 2 }, await callCache());
    for (const leaf of result.leaves) expect(leaf.call!.inputs).toEqual(toCanonical([leaf.spec.row, leaf.spec.params]));
  });

  test("retryable failures are retried with backoff; a leaf that keeps failing records its error and the rest go on", async () => {
    const { op } = tracing();
    const cache = await callCache();
    const attempts = new Map<string, number>();
    const flaky = op("flaky", ({ text }: { text: string }) => {
      const n = (attempts.get(text) ?? 0) + 1;
      attempts.set(text, n);
      if (text.startsWith("app")) throw Object.assign(new Error("HTTP 500 from provider"), { status: 500 });
      if (text.startsWith("refund") && n < 3) throw Object.assign(new Error("rate limited"), { status: 429 });
      if (text.startsWith("how")) throw Object.assign(new Error("bad request"), { status: 400 });
      return "ok";
    });
    const delays: number[] = [];
    const r = await new Vary({ data: rows, ops: flaky, retries: 2, concurrency: 1 }, { cache, sleep: async (ms) => void delays.push(ms), random: () => 1 }).execute();
    expect(Object.fromEntries(attempts)).toEqual({ "refund my order": 3, "app crashes on start": 3, "how do I export": 1 });
    expect((r.table().objects() as Rows).map((o) => [o.status, o.error])).toEqual([
      ["done", null],
      ["error", "HTTP 500 from provider"],
      ["error", "bad request"],
    ]);
    expect(delays).toEqual([250, 500, 250, 500]);
    // Errors are not cached: the failed leaves run again next time, the good one does not.
    const again = await new Vary({ data: rows, ops: flaky, retries: 0 }, { cache }).plan();
    expect([again.cached, again.missing]).toEqual([1, 2]);
  });

  test("leaves whose op and scorers return values run eagerly, with no microtask between them; async ones give the same table", async () => {
    const { op } = tracing();
    let calls = 0;
    let seenByMicrotask = -1;
    const syncOp = op("len", ({ text }: { text: string }) => {
      if (calls++ === 0) queueMicrotask(() => (seenByMicrotask = calls));
      return text.length;
    });
    const syncScorer = op("long", ({ output }: { output: number }) => output > 14);
    const data = Array.from({ length: 10 }, (_, i) => ({ text: `${"x".repeat(i * 3)}` }));
    const eager = await new Vary({ data, ops: { len: syncOp }, scorers: { long: syncScorer }, trials: 3 }, { cache: null }).execute();
    // Every one of the 30 leaves ran before the first microtask queued during the first of them.
    expect(seenByMicrotask).toBe(30);
    const asyncOp = op("len", async ({ text }: { text: string }) => text.length);
    const asyncScorer = op("long", async ({ output }: { output: number }) => output > 14);
    const later = await new Vary({ data, ops: { len: asyncOp }, scorers: { long: asyncScorer }, trials: 3 }, { cache: null }).execute();
    const view = (r: VaryResult) => (r.table().objects() as Rows).map((o) => [o.op, o.row, o.trial, o.status, o.output, o["score.long"]]);
    expect(view(eager)).toEqual(view(later));
    expect(view(eager).filter((v) => v[5] === true)).toHaveLength(15);
    expect(eager.progress).toMatchObject({ done: 30, opCalls: 30, scorerCalls: 30, errors: 0, scorerErrors: 0 });
  });

  test("cancelling keeps every finished leaf in the cache", async () => {
    const { op } = tracing();
    const cache = await callCache();
    const controller = new AbortController();
    let started = 0;
    const slow = op("slow", async ({ text }: { text: string }) => {
      if (++started === 3) controller.abort(new Error("cell invalidated"));
      await new Promise((r) => setTimeout(r, 5));
      return text.length;
    });
    const data = Array.from({ length: 10 }, (_, i) => ({ text: "x".repeat(i) }));
    const r = await new Vary({ data, ops: slow, concurrency: 1 }, { cache }).execute({ signal: controller.signal });
    expect(r.progress.done).toBe(3);
    const plan = await new Vary({ data, ops: slow }, { cache }).plan();
    expect([plan.cached, plan.missing]).toEqual([3, 7]);
  });

  test("at most `concurrency` leaves run at once, and that many do; a cancelled run takes no new leaf", async () => {
    const { op } = tracing();
    let running = 0;
    let most = 0;
    let started = 0;
    const controller = new AbortController();
    const slow = op("slow", async ({ i }: { i: number }) => {
      started++;
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return i;
    });
    const data = Array.from({ length: 40 }, (_, i) => ({ i }));
    const r = await new Vary({ data, ops: slow, concurrency: 3 }, { cache: await callCache() }).execute();
    expect([most, r.progress.done, r.progress.opCalls]).toEqual([3, 40, 40]);
    // Cancelled after its 5th leaf started: the three running finish, nothing new starts.
    started = 0;
    const cancelling = op("cancelling", async ({ i }: { i: number }) => {
      if (++started === 5) controller.abort(new Error("cell invalidated"));
      await new Promise((r) => setTimeout(r, 2));
      return i;
    });
    const cancelled = await new Vary({ data, ops: cancelling, concurrency: 3 }, { cache: await callCache() }).execute({ signal: controller.signal });
    expect(started).toBe(5);
    expect(cancelled.progress.done).toBeLessThanOrEqual(5);
  });

  test("beforeCommit is awaited once every leaf has settled and before the calls are committed; execute resolves after the commit", async () => {
    const { op } = tracing();
    const cache = await callCache();
    const f = op("f", ({ i }: { i: number }) => i);
    const seen: [number, number][] = [];
    const vary = new Vary({ data: Array.from({ length: 20 }, (_, i) => ({ i })), ops: f }, {
      cache,
      beforeCommit: async () => {
        seen.push([vary.result().progress.done, cache.pending()]);
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    const r = await vary.execute();
    expect(seen).toEqual([[20, 20]]);
    expect([r.progress.done, cache.pending()]).toEqual([20, 0]);
  });

  test("a 10,000-leaf vary looks up its cache in at most two batched reads", async () => {
    const { op } = tracing();
    const cache = await callCache();
    const f = op("f", ({ i }: { i: number }) => i * 2);
    const data = Array.from({ length: 2500 }, (_, i) => ({ i }));
    await run({ data, ops: f, trials: 4 }, cache);
    const fresh = new (cache.constructor as new (store: unknown) => CallCache)((cache as unknown as { store: unknown }).store);
    const r = await new Vary({ data, ops: f, trials: 4 }, { cache: fresh }).execute();
    expect([r.progress.cached, r.progress.opCalls, fresh.reads]).toEqual([10_000, 0, 2]);
  });

  test("a snapshot taken mid-run is a value: its leaves, progress and table stay as they were when the run finishes", async () => {
    const { op } = tracing();
    const classify = op("classify", ({ text }: { text: string }) => (text.includes("refund") ? "billing" : "bug"));
    const exact = op("exact", ({ output, label }: { output: string; label: string }) => output === label);
    const vary = new Vary({ data: rows, ops: classify, scorers: [exact], trials: 2, concurrency: 1 }, { cache: await callCache() });
    const seen = (r: VaryResult) => ({
      leaves: r.leaves.map((l) => [l.status, l.call?.id ?? null, Object.keys(l.scores)]),
      progress: JSON.stringify(r.progress),
      table: JSON.stringify(r.table().objects()),
    });
    let mid: { result: VaryResult; then: ReturnType<typeof seen> } | null = null;
    const final = await vary.execute({
      onUpdate: (current) => {
        if (mid) return;
        const r = current();
        mid = { result: r, then: seen(r) };
      },
    });
    expect(mid!.then.leaves.filter(([status]) => status === "pending").length).toBe(5);
    expect(seen(final).leaves.filter(([status]) => status === "pending").length).toBe(0);
    expect(seen(mid!.result)).toEqual(mid!.then);
    expect(Object.isFrozen(mid!.result.leaves[0]) && Object.isFrozen(mid!.result.progress)).toBe(true);
  });

  test("inputs that are not data give each leaf a clear error", async () => {
    const { op } = tracing();
    const f = op("f", () => 1) as Op;
    const r = await new Vary({ data: [{ fn: () => 1 }], ops: f }, { cache: await callCache() }).execute();
    expect(r.leaves[0]!.error).toBe("inputs are not data: cannot digest a function at data[0].fn");
  });
});

describe("review fixes", () => {
  test("a plan that would spend an unknown amount (no price) needs approval", async () => {
    const { op } = tracing();
    const unpriced = op("u", ({ text }: { text: string }) => text, { estimate: () => ({ inputTokens: 10, unpriced: true }) });
    const plan = await new Vary({ data: rows, ops: unpriced, budget: 100 }, { cache: await callCache() }).plan();
    expect([plan.estimatedCost, plan.needsApproval]).toEqual([null, true]);
  });

  test("a failed cache write keeps the results and says so; the calls stay queued", async () => {
    const { op } = tracing();
    const cache = await callCache();
    cache.flush = async () => {
      throw new Error("storage quota exceeded while writing 2 records to 'callcache'");
    };
    const r = await new Vary({ data: rows, ops: op("f", ({ text }: { text: string }) => text.length) }, { cache }).execute();
    expect(r.progress).toMatchObject({ done: 3, opCalls: 3, persistError: "finished calls were not saved to the call cache: storage quota exceeded while writing 2 records to 'callcache'" });
    expect(cache.pending()).toBe(3);
  });

  test("a result's content digest changes with its summary function, so cells reading it do not restore a stale summary", async () => {
    const { op } = tracing();
    const cache = await callCache();
    const f = op("f", ({ text }: { text: string }) => text.length);
    const digestOf = async (summary?: (t: unknown) => unknown) => {
      const r = await new Vary({ data: rows, ops: f, ...(summary ? { summary } : {}) }, { cache }).execute();
      return (r as unknown as Record<symbol, () => string>)[Symbol.for("weft.contentDigest")]!();
    };
    const plain = await digestOf();
    expect(await digestOf()).toBe(plain);
    expect(await digestOf((t) => t)).not.toBe(plain);
  });
});

describe("results that tell the truth", () => {
  const digestOf = (r: VaryResult) => (r as unknown as Record<symbol, () => string>)[Symbol.for("weft.contentDigest")]!();

  test("a result's content digest is the same whether its calls ran now or came from the cache, also when leaves share one cached scorer call", async () => {
    const { op } = tracing();
    const store = await openMemoryStore();
    // Both variants answer the same, so their scorer inputs (row + output) are equal: one cached scorer call serves both.
    const v1 = op("v1", ({ label }: { label: string }) => label);
    const v2 = op("v2", ({ label }: { label: string }) => label);
    const correct = op("correct", ({ output, label }: { output: string; label: string }) => output === label);
    const spec = { data: rows, ops: { v1, v2 }, scorers: { correct } };
    const cold = await run(spec, new CallCacheImpl(store));
    // A restore takes each score from the scorer call recorded on that very leaf call, also
    // where two leaves share a key: no score key is computed, and each score names its own leaf.
    const keyed = vi.spyOn(ScoreKeys.prototype, "key");
    const warm = await run(spec, new CallCacheImpl(store));
    expect(keyed).not.toHaveBeenCalled();
    keyed.mockRestore();
    expect([warm.progress.cached, warm.progress.scorerCalls]).toEqual([6, 0]);
    for (const leaf of warm.leaves) expect(leaf.scores.correct!.call!.parentId).toBe(leaf.call!.id);
    expect(digestOf(warm)).toBe(digestOf(cold));
  });

  test("a result's content digest is its leaves' keys, calls and scores by value, as cells keyed by it have stored them; a snapshot's unchanged leaves are not written again", async () => {
    const { op } = tracing();
    const v1 = op("v1", ({ label }: { label: string }) => (label === "bug" ? "feature" : label));
    const correct = op("correct", ({ output, label }: { output: string; label: string }) => output === label);
    const boom = op("boom", ({ label }: { label: string }) => {
      if (label === "billing") throw new Error("no");
      return { score: 1, note: "ok" };
    });
    const result = await run({ data: rows, ops: { v1 }, scorers: { correct, boom }, allowErrors: true }, await callCache());
    // The formula cells keyed by a result have always used (its text must not change, or every such cell misses once).
    const lines = [""]; // the summary function: none
    for (const l of result.leaves) lines.push(`${l.spec.key}|${l.call?.id ?? l.error ?? ""}|${Object.entries(l.scores).map(([k, s]) => `${k}=${s.error === undefined ? JSON.stringify(s.call?.output ?? null) : `!${s.error}`}`).join(",")}`);
    expect(result.leaves.some((l) => Object.values(l.scores).some((s) => s.error !== undefined))).toBe(true);
    expect(digestOf(result)).toBe(sha256Hex(lines.join("\n")));
    // Another snapshot of the same leaves (another phase) gives the same digest.
    expect(digestOf(result.withPhase("running"))).toBe(digestOf(result));
  });

  test("a plan whose op calls a provider that is not configured is blocked up front: nothing to approve, nothing runs", async () => {
    const { op } = tracing();
    const calls: unknown[] = [];
    const llmOp = op("ask", (row: unknown) => calls.push(row), { estimate: () => ({ inputTokens: 12, outputTokens: 40, cost: 0.001, unavailable: "no LLM provider is configured" }) });
    const plan = await new Vary({ data: rows, ops: { ask: llmOp }, budget: 0 }, { cache: await callCache() }).plan();
    expect([plan.blocked, plan.needsApproval, plan.groups[0]!.unavailable]).toEqual(["ask: no LLM provider is configured", false, "no LLM provider is configured"]);
    expect(calls).toEqual([]);
  });

  test("a plan told that nothing gates on it computes no estimate, and still blocks an op whose provider is not configured", async () => {
    const { op } = tracing();
    let estimated = 0;
    const estimate = () => (estimated++, { inputTokens: 12, outputTokens: 40, cost: 0.001 });
    const served = op("served", (row: unknown) => row, { estimate, unavailable: () => null });
    const plan = await new Vary({ data: rows, ops: { served }, budget: 0 }, { cache: null, estimates: false }).plan();
    expect([estimated, plan.blocked, plan.estimatedCost, plan.groups[0]!.inputTokens, plan.needsApproval]).toEqual([0, null, null, 0, false]);
    const gone = op("gone", (row: unknown) => row, { estimate, unavailable: () => "no LLM provider is configured" });
    const blocked = await new Vary({ data: rows, ops: { gone } }, { cache: null, estimates: false }).plan();
    expect([estimated, blocked.blocked]).toEqual([0, "gone: no LLM provider is configured"]);
    // By default (the editor, or a run that may stop over budget) every missing call is estimated.
    const asked = await new Vary({ data: rows, ops: { served }, budget: 0 }, { cache: null }).plan();
    expect([estimated, asked.needsApproval]).toEqual([3, true]);
  });

  test("errorGroups lists each distinct error once with its count, most frequent first, and context names scores as the notebook does", async () => {
    const { op } = tracing();
    const flaky = op("flaky", ({ text }: { text: string }) => {
      if (text.startsWith("app")) throw new Error("bad gateway");
      if (text.startsWith("how")) throw new Error("no LLM provider is configured");
      return text.toUpperCase();
    }) as Op;
    const exact = op("exact_match", ({ output }: { output: string }) => output.length > 3);
    const r = await new Vary({ data: [...rows, { text: "app again", label: "bug" }], ops: { flaky }, scorers: { correct: exact }, retries: 0 }, { cache: await callCache() }).execute();
    expect(r.errorGroups()).toEqual([
      { message: "bad gateway", count: 2, role: "op" },
      { message: "no LLM provider is configured", count: 1, role: "op" },
    ]);
    const ok = r.leaves.find((l) => l.status === "done")!;
    expect(r.context(ok.call!.id)).toMatchObject({ variant: "flaky", rowIndex: 0, trial: 0, row: rows[0], scores: { correct: { value: true, error: null } } });
    expect(r.allowErrors).toBe(false);
  });
});
