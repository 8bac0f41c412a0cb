import { describe, expect, it } from "vitest";
import type { Call } from "../../src/base/index.ts";
import type { PriceTable } from "../../src/base/index.ts";
import { FilterError, type CallFilter, type CallPatch, type TraceStore } from "../../src/store/index.ts";

/** The prices every store under the contract must be opened with. */
export const CONTRACT_PRICES: PriceTable = { "gpt-4o-mini": { input: 0.15, output: 0.6 }, "gpt-4o": { input: 2.5, output: 10 } };

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const H = 3_600_000;
const cost = (model: keyof typeof CONTRACT_PRICES & string, i: number, o: number) => (i * CONTRACT_PRICES[model]!.input + o * CONTRACT_PRICES[model]!.output) / 1e6;

interface TraceSpec {
  readonly n: number;
  readonly start: number;
  readonly chatMs: number;
  readonly model: string;
  readonly tokens: readonly [number, number];
  readonly question: string;
  readonly answer: string | null;
  readonly failed?: boolean;
  readonly running?: boolean;
}

/** A production trace: a `predict` root calling `openai.chat` once. */
function trace(s: TraceSpec): CallPatch[] {
  const root: CallPatch = {
    id: `p${s.n}`, traceId: `t${s.n}`, parentId: null, op: "predict:v1", startedAt: s.start, ...(s.running ? {} : { endedAt: s.start + s.chatMs + 20 }),
    inputs: { question: s.question }, output: s.failed || s.running ? null : { answer: s.answer }, error: s.failed ? { message: "the model call failed" } : null,
    attributes: { "service.name": "support-bot", env: { region: "eu" } },
  };
  const chat: CallPatch = {
    id: `c${s.n}`, traceId: `t${s.n}`, parentId: `p${s.n}`, op: "openai.chat", startedAt: s.start + 10, endedAt: s.start + 10 + s.chatMs,
    inputs: { model: s.model, temperature: s.n / 10, stream: s.n % 2 === 0, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: s.question }] },
    output: s.failed ? null : s.answer, error: s.failed ? { message: "429 Too Many Requests", status: 429 } : null,
    attributes: { "gen_ai.request.model": s.model }, usage: { [s.model]: { requests: 1, inputTokens: s.tokens[0], outputTokens: s.tokens[1] } },
  };
  return [root, chat];
}

/** Three traces: an answered one, a failed one, one still running. */
const TRACES: readonly TraceSpec[] = [
  { n: 1, start: T0, chatMs: 300, model: "gpt-4o-mini", tokens: [100, 20], question: "How do I reset my PASSWORD?", answer: "Open Settings." },
  { n: 2, start: T0 + H, chatMs: 800, model: "gpt-4o", tokens: [200, 50], question: "What is the refund policy?", answer: null, failed: true },
  { n: 3, start: T0 + 2 * H, chatMs: 500, model: "gpt-4o-mini", tokens: [150, 30], question: "Where is order #42?", answer: "It ships today." },
];
const ALL = TRACES.flatMap((t) => trace(t.n === 3 ? { ...t, running: true } : t));

/** Hostile text: SQL, quotes, backslashes, NUL, unicode, placeholders and LIKE wildcards. */
export const HOSTILE = ["'; DROP TABLE calls; --", "it's \"quoted\"", "back\\slash\\\\", "nul\u0000byte", "ünï©ødé 🦆 ✓", "$1 ? :name %_*"];

/** `p` quantile of sorted values, interpolated linearly between closest ranks (what `quantile_cont` computes). */
export function quantile(sorted: readonly number[], p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

/** The behaviours every TraceStore guarantees; `open()` gives a new, empty store priced with CONTRACT_PRICES. */
export function traceStoreContract(name: string, open: () => Promise<TraceStore>): void {
  const withStore = async (patches: readonly CallPatch[], f: (store: TraceStore) => Promise<void>) => {
    const store = await open();
    try {
      if (patches.length) await store.write(patches);
      await f(store);
    } finally {
      await store.close();
    }
  };
  const ids = async (store: TraceStore, filter: CallFilter) => (await store.query({ filter, orderBy: [{ field: "id" }] })).map((c) => c.id);

  describe(`${name} trace store: writes`, () => {
    it("merges a start and an end in either order into the same call, in the shape of Call", async () => {
      const [root, chat] = trace(TRACES[0]!);
      const { endedAt, output, usage, ...start } = chat!;
      const end: CallPatch = { id: chat!.id, endedAt, output, usage };
      const expected: Call = {
        id: "c1", traceId: "t1", parentId: "p1", op: "openai.chat", inputs: chat!.inputs!, output: "Open Settings.", error: null, startedAt: T0 + 10, endedAt: T0 + 310,
        attributes: { "gen_ai.request.model": "gpt-4o-mini" }, usage: { "gpt-4o-mini": { requests: 1, inputTokens: 100, outputTokens: 20 } }, cost: cost("gpt-4o-mini", 100, 20),
      };
      for (const order of [[start, end], [end, start]]) {
        await withStore([root!], async (store) => {
          expect(await store.write([order[0]!])).toEqual({ patches: 1, inserted: 1, merged: 0 });
          expect(await store.count({ status: order[0] === start ? "running" : "ok" })).toBe(order[0] === start ? 1 : 2);
          expect(await store.write([order[1]!])).toEqual({ patches: 1, inserted: 0, merged: 1 });
          const [call] = await store.query({ filter: { ids: ["c1"] } });
          expect(call).toEqual(expected);
          expect(Object.keys(call!).sort()).toEqual(["attributes", "cost", "endedAt", "error", "id", "inputs", "op", "output", "parentId", "startedAt", "traceId", "usage"]);
        });
      }
    });

    it("merges log-record messages into the inputs whether they come before or after the span", async () => {
      const [, chat] = trace(TRACES[0]!);
      const messages: CallPatch = { id: "c1", inputs: { messages: [{ role: "user", content: "from the log" }] } };
      const span: CallPatch = { ...chat!, inputs: { model: "gpt-4o-mini", temperature: 0 } };
      for (const batches of [[[messages], [span]], [[span], [messages]], [[messages, span]]]) {
        await withStore([], async (store) => {
          for (const b of batches) await store.write(b);
          const [call] = await store.query({ filter: { ids: ["c1"] } });
          expect(call!.inputs).toEqual({ model: "gpt-4o-mini", temperature: 0, messages: [{ role: "user", content: "from the log" }] });
          expect(call!.op).toBe("openai.chat");
          expect(await store.count({ text: "from the log" })).toBe(1);
        });
      }
    });

    it("merges duplicates within a batch in order, and a retried batch changes nothing", async () => {
      await withStore([], async (store) => {
        const batch: CallPatch[] = [
          { id: "x", traceId: "t", op: "predict:v1", startedAt: T0, attributes: { a: 1 }, usage: { "gpt-4o": { requests: 1, inputTokens: 10, outputTokens: 1 } } },
          { id: "x", endedAt: T0 + 50, attributes: { b: 2 }, usage: { "gpt-4o-mini": { requests: 1, inputTokens: 20, outputTokens: 2 } } },
          ...ALL,
        ];
        expect(await store.write(batch)).toEqual({ patches: 8, inserted: 7, merged: 0 });
        const before = await store.query({ orderBy: [{ field: "id" }] });
        const x = before.find((c) => c.id === "x")!;
        expect([x.attributes, Object.keys(x.usage), x.cost, x.endedAt]).toEqual([{ a: 1, b: 2 }, ["gpt-4o", "gpt-4o-mini"], cost("gpt-4o", 10, 1) + cost("gpt-4o-mini", 20, 2), T0 + 50]);
        expect(await store.write(batch)).toEqual({ patches: 8, inserted: 0, merged: 7 });
        expect(await store.query({ orderBy: [{ field: "id" }] })).toEqual(before);
      });
    });

    it("replaces present scalars, keeps absent ones, takes an explicit cost and a null parent", async () => {
      await withStore([{ id: "y", traceId: "t", parentId: "p", op: "a:1", startedAt: T0, inputs: "just text", cost: 0.5 }], async (store) => {
        await store.write([{ id: "y", parentId: null, op: "b:2", inputs: { now: "an object" }, error: { message: "boom" } }]);
        const [y] = await store.query({ filter: { ids: ["y"] } });
        expect(y).toMatchObject({ traceId: "t", parentId: null, op: "b:2", inputs: { now: "an object" }, error: { message: "boom" }, cost: 0.5, endedAt: null });
        expect(await store.count({ status: "error" })).toBe(1);
        await store.write([{ id: "y", usage: { "unpriced-model": { requests: 1, inputTokens: 5, outputTokens: 5 } } }]);
        expect((await store.query({ filter: { ids: ["y"] } }))[0]!.cost).toBeNull();
      });
    });

    it("rejects a malformed batch whole", async () => {
      await withStore([], async (store) => {
        await expect(store.write([ALL[0]!, { id: 5 } as unknown as CallPatch])).rejects.toThrow('call patch 1: id: expected a non-empty string');
        await expect(store.write([{ id: "z", startedAt: Number.NaN }])).rejects.toThrow('call patch 0 (id "z"): startedAt: expected epoch ms');
        expect(await store.count()).toBe(0);
      });
    });
  });

  describe(`${name} trace store: filters`, () => {
    it("narrows by each field of CallFilter", async () => {
      await withStore(ALL, async (store) => {
        const cases: [CallFilter, string[]][] = [
          [{}, ["c1", "c2", "c3", "p1", "p2", "p3"]],
          [{ op: "predict" }, ["p1", "p2", "p3"]],
          [{ op: ["predict:v1", "openai.chat"] }, ["c1", "c2", "c3", "p1", "p2", "p3"]],
          [{ op: "predict:v2" }, []],
          [{ op: [] }, []],
          [{ since: T0 + H }, ["c2", "c3", "p2", "p3"]],
          [{ since: new Date(T0 + H).toISOString(), until: T0 + 2 * H }, ["c2", "p2"]],
          [{ ids: ["p1", "c3", "nope"] }, ["c3", "p1"]],
          [{ traceId: "t2" }, ["c2", "p2"]],
          [{ parentId: null }, ["p1", "p2", "p3"]],
          [{ parentId: ["p1", "p3"] }, ["c1", "c3"]],
          [{ status: "error" }, ["c2", "p2"]],
          [{ status: ["running", "ok"] }, ["c1", "c3", "p1", "p3"]],
          [{ model: "gpt-4o-mini" }, ["c1", "c3"]],
          [{ text: "password" }, ["c1", "p1"]],
          [{ text: "SHIPS" }, ["c3"]],
          [{ text: "question" }, []],
          [{ parent: { status: "error" } }, ["c2"]],
          [{ parent: { op: "predict" }, model: "gpt-4o" }, ["c2"]],
          [{ op: "openai.chat", since: T0, until: T0 + 3 * H, status: "ok", model: ["gpt-4o-mini"], text: "order" }, ["c3"]],
        ];
        for (const [filter, expected] of cases) {
          expect([filter, await ids(store, filter)]).toEqual([filter, expected]);
          expect(await store.count(filter)).toBe(expected.length);
        }
      });
    });

    it("takes relative times against now", async () => {
      const now = Date.now();
      await withStore([{ id: "old", startedAt: now - 2 * H }, { id: "new", startedAt: now - 10 * 60_000 }], async (store) => {
        expect(await ids(store, { since: "-1h" })).toEqual(["new"]);
        expect(await ids(store, { until: "-30m" })).toEqual(["old"]);
        expect(await ids(store, { where: { $gt: [{ $getField: "started_at" }, "-3h"] } })).toEqual(["new", "old"]);
      });
    });

    it("evaluates each $expr operator over columns and JSON paths", async () => {
      await withStore(ALL, async (store) => {
        const f = (path: string) => ({ $getField: path });
        const cases: [unknown, string[]][] = [
          [{ $eq: [f("op_name"), "predict"] }, ["p1", "p2", "p3"]],
          [{ $expr: { $eq: [f("opName"), { $literal: "openai.chat" }] } }, ["c1", "c2", "c3"]],
          [{ $gt: [f("latency_ms"), 320] }, ["c2", "c3", "p2"]],
          [{ $gte: [f("latency_ms"), 320] }, ["c2", "c3", "p1", "p2"]],
          [{ $gte: [f("tokens"), 180] }, ["c3", "c2"].sort()],
          [{ $gt: [f("cost"), 0.0005] }, ["c2"]],
          [{ $in: [f("model"), ["gpt-4o", "nope"]] }, ["c2"]],
          [{ $in: [f("inputs.temperature"), [0.1, 0.3]] }, ["c1", "c3"]],
          [{ $contains: { input: f("inputs.question"), substr: "refund" } }, ["p2"]],
          [{ $contains: { input: f("inputs.question"), substr: "REFUND" } }, []],
          [{ $contains: { input: f("inputs.question"), substr: "REFUND", case_insensitive: true } }, ["p2"]],
          [{ $not: [{ $eq: [f("status"), "ok"] }] }, ["c2", "p2", "p3"]],
          [{ $not: { $eq: [f("output.answer"), "Open Settings."] } }, ["c1", "c2", "c3", "p2", "p3"]],
          [{ $and: [{ $eq: [f("status"), "ok"] }, { $eq: [f("op_name"), "openai.chat"] }] }, ["c1", "c3"]],
          [{ $or: [{ $eq: [f("id"), "p1"] }, { $eq: [f("trace_id"), "t3"] }] }, ["c3", "p1", "p3"]],
          [{ $and: [] }, ["c1", "c2", "c3", "p1", "p2", "p3"]],
          [{ $or: [] }, []],
          [{ $eq: [f("output"), "It ships today."] }, ["c3"]],
          [{ $eq: [f("output"), null] }, ["c2", "p2", "p3"]],
          [{ $eq: [f("ended_at"), null] }, ["p3"]],
          [{ $eq: [f("inputs.messages.0.role"), "system"] }, ["c1", "c2", "c3"]],
          [{ $eq: [f("inputs.messages.-1.content"), "Where is order #42?"] }, ["c3"]],
          [{ $gt: [f("inputs.temperature"), 0.15] }, ["c2", "c3"]],
          [{ $eq: [f("inputs.stream"), true] }, ["c2"]],
          [{ $eq: [f("attributes.service.name"), "support-bot"] }, ["p1", "p2", "p3"]],
          [{ $eq: [f("attributes.env.region"), "eu"] }, ["p1", "p2", "p3"]],
          [{ $eq: [f("attributes.gen_ai.request.model"), "gpt-4o"] }, ["c2"]],
          [{ $gte: [f("usage.gpt-4o-mini.inputTokens"), 150] }, ["c3"]],
          [{ $eq: [f("error.status"), 429] }, ["c2"]],
          [{ $eq: [f("inputs.missing.deep"), "x"] }, []],
          [{ $gt: [f("started_at"), new Date(T0 + H).toISOString()] }, ["c2", "c3", "p3"]],
        ];
        for (const [where, expected] of cases) expect([where, await ids(store, { where } as CallFilter)]).toEqual([where, expected]);
      });
    });

    it("orders and pages, newest first by default", async () => {
      await withStore(ALL, async (store) => {
        expect((await store.query({})).map((c) => c.id)).toEqual(["c3", "p3", "c2", "p2", "c1", "p1"]);
        expect((await store.query({ orderBy: [{ field: "latency_ms", direction: "desc" }] })).map((c) => c.id)).toEqual(["p2", "c2", "c3", "p1", "c1", "p3"]);
        expect((await store.query({ orderBy: [{ field: "inputs.temperature" }, { field: "id", direction: "desc" }] })).map((c) => c.id)).toEqual(["c1", "c2", "c3", "p3", "p2", "p1"]);
        const pages = [];
        for (let offset = 0; offset < 8; offset += 4) pages.push(...(await store.query({ orderBy: [{ field: "op" }], limit: 4, offset })).map((c) => c.id));
        expect(pages).toEqual(["c1", "c2", "c3", "p1", "p2", "p3"]);
        expect(await store.query({ limit: 0 })).toEqual([]);
      });
    });

    it("samples deterministically for a seed, within the filter", async () => {
      const many: CallPatch[] = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, traceId: "t", op: i % 2 ? "odd" : "even", startedAt: T0 + i }));
      await withStore(many, async (store) => {
        const sample = async (seed: number, filter?: CallFilter) => (await store.query({ filter, sample: { n: 10, seed } })).map((c) => c.id);
        const a = await sample(1);
        expect(a).toHaveLength(10);
        expect(await sample(1)).toEqual(a);
        expect(await sample(2)).not.toEqual(a);
        const odd = await sample(3, { op: "odd" });
        expect(odd.every((id) => Number(id.slice(1)) % 2 === 1)).toBe(true);
        expect(await store.query({ filter: { ids: ["s1", "s2"] }, sample: { n: 50 } })).toHaveLength(2);
      });
    });
  });

  describe(`${name} trace store: stats`, () => {
    // Ten chat calls: two hours, two models, latencies 100…1000 ms, one error per hour.
    const chats: CallPatch[] = Array.from({ length: 10 }, (_, i) => ({
      id: `k${i}`, traceId: `t${i}`, parentId: null, op: i < 7 ? "openai.chat" : "embed:v1", startedAt: T0 + (i < 5 ? 0 : H) + i * 60_000, endedAt: T0 + (i < 5 ? 0 : H) + i * 60_000 + (i + 1) * 100,
      error: i === 2 || i === 8 ? { message: "failed" } : null, usage: { [i % 2 ? "gpt-4o" : "gpt-4o-mini"]: { requests: 1, inputTokens: 10 * (i + 1), outputTokens: i } },
    }));
    const lat = (is: number[]) => is.map((i) => (i + 1) * 100).sort((a, b) => a - b);

    it("aggregates one bucket without buckets, with the default metrics", async () => {
      await withStore(chats, async (store) => {
        const rows = await store.stats(undefined, {});
        const all = lat([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        const tokens = chats.reduce((n, c) => n + Object.values(c.usage!)[0]!.inputTokens + Object.values(c.usage!)[0]!.outputTokens, 0);
        const costs = chats.reduce((n, _c, i) => n + cost(i % 2 ? "gpt-4o" : "gpt-4o-mini", 10 * (i + 1), i), 0);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toEqual({ bucket: 0, count: 10, errors: 2, "latency_ms.avg": 550, "latency_ms.p50": expect.closeTo(quantile(all, 0.5), 9), "latency_ms.p95": expect.closeTo(quantile(all, 0.95), 9), "latency_ms.p99": expect.closeTo(quantile(all, 0.99), 9), "tokens.sum": tokens, "cost.sum": expect.closeTo(costs, 12) });
      });
    });

    it("buckets by time and groups by op and model, ordered by bucket then keys", async () => {
      await withStore(chats, async (store) => {
        const rows = await store.stats({ op: ["openai.chat", "embed"] }, { bucket: "1h", by: ["op", "model"], metrics: { latency_ms: ["p50", "p95", "min", "max"], input_tokens: ["sum"], cost: ["avg"] } });
        const group = (hour: number, op: string, model: string) => chats.map((c, i) => ({ c, i })).filter(({ c, i }) => Math.floor((c.startedAt! - T0) / H) === hour && (i < 7 ? "openai.chat" : "embed") === op && (i % 2 ? "gpt-4o" : "gpt-4o-mini") === model).map(({ i }) => i);
        const expected = [];
        for (const hour of [0, 1]) {
          for (const op of ["embed", "openai.chat"]) {
            for (const model of ["gpt-4o", "gpt-4o-mini"]) {
              const is = group(hour, op, model);
              if (!is.length) continue;
              const l = lat(is);
              expected.push({
                bucket: T0 + hour * H, op, model, count: is.length, errors: is.filter((i) => i === 2 || i === 8).length,
                "latency_ms.p50": expect.closeTo(quantile(l, 0.5), 9), "latency_ms.p95": expect.closeTo(quantile(l, 0.95), 9), "latency_ms.min": l[0], "latency_ms.max": l[l.length - 1],
                "input_tokens.sum": is.reduce((n, i) => n + 10 * (i + 1), 0), "cost.avg": expect.closeTo(is.reduce((n, i) => n + cost(model as "gpt-4o", 10 * (i + 1), i), 0) / is.length, 12),
              });
            }
          }
        }
        expect(rows).toEqual(expected);
      });
    });

    it("chooses an auto bucket from the filter's range, else from the data's", async () => {
      await withStore(chats, async (store) => {
        const day = await store.stats({ since: T0, until: T0 + 24 * H }, { bucket: "auto", metrics: {} });
        expect(day.map((r) => r.bucket)).toEqual([T0, T0 + H]);
        expect(day.map((r) => r.count)).toEqual([5, 5]);
        const data = await store.stats(undefined, { bucket: "auto", by: ["status"], metrics: { tokens: ["max"] } });
        expect(data.every((r) => r.bucket % 60_000 === 0)).toBe(true);
        expect(data.map((r) => [r.status, r.count])).toEqual(chats.map((c) => [c.error ? "error" : "ok", 1]));
        expect(await store.stats({ op: "nothing" }, { bucket: "auto" })).toEqual([]);
      });
    });
  });

  describe(`${name} trace store: hostile input`, () => {
    it("stores and matches hostile strings literally", async () => {
      const patches: CallPatch[] = HOSTILE.map((s, i) => ({ id: `${s}#${i}`, traceId: s, parentId: null, op: `${s}:v${i}`, startedAt: T0 + i, endedAt: T0 + i + 1, inputs: { [`k${i}`]: s, q: s }, output: s, attributes: { note: s } }));
      await withStore([...patches, ...ALL], async (store) => {
        for (const [i, s] of HOSTILE.entries()) {
          const id = `${s}#${i}`;
          expect(await ids(store, { ids: [id] })).toEqual([id]);
          expect(await ids(store, { traceId: s })).toEqual([id]);
          expect(await ids(store, { op: s })).toEqual([id]);
          expect(await ids(store, { op: `${s}:v${i}` })).toEqual([id]);
          expect(await ids(store, { where: { $eq: [{ $getField: "inputs.q" }, s] } })).toEqual([id]);
          expect(await ids(store, { where: { $eq: [{ $getField: "attributes.note" }, s] } })).toEqual([id]);
          expect(await ids(store, { where: { $contains: { input: { $getField: "output" }, substr: s, case_insensitive: true } } })).toEqual([id]);
          expect(await ids(store, { text: s.toUpperCase() })).toEqual([id]);
          const [call] = await store.query({ filter: { ids: [id] } });
          expect(call).toMatchObject({ id, traceId: s, op: `${s}:v${i}`, inputs: { q: s }, output: s });
        }
        expect(await store.count()).toBe(HOSTILE.length + ALL.length);
        expect((await store.stats({ op: HOSTILE }, { by: ["op"], metrics: {} })).map((r) => r.op)).toEqual([...HOSTILE].sort());
      });
    });

    it("refuses bad filters with a FilterError naming the part, never a SQL error", async () => {
      await withStore(ALL, async (store) => {
        const bad: [() => Promise<unknown>, string][] = [
          [() => store.query({ filter: { where: { $eq: [{ $getField: "foo" }, 1] } } }), 'filter.where.$eq[0].$getField: unknown field "foo"'],
          [() => store.count({ where: { $lt: [1, 2] } } as unknown as CallFilter), 'where: unknown operator "$lt"'],
          [() => store.count({ since: "yesterday" }), 'since: invalid time "yesterday" (use epoch ms, an ISO date or -1h)'],
          [() => store.stats({ until: "soon" }, {}), 'until: invalid time "soon"'],
          [() => store.stats(undefined, { by: ["user" as "op"] }), 'by[0]: unknown group key "user"'],
          [() => store.query({ orderBy: [{ field: "inputs.'x" }] }), "orderBy[0].field: invalid path"],
        ];
        for (const [f, message] of bad) {
          const error = await f().then(() => null, (e: unknown) => e);
          expect(error).toBeInstanceOf(FilterError);
          expect((error as Error).message).toContain(message);
        }
        expect(await store.count()).toBe(ALL.length);
      });
    });
  });
}
