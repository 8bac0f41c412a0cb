import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { openMemoryStore, type Json, type KvStore } from "../../src/store/index.ts";
import { openLmdbStore } from "../../src/store/node.ts";
import { type Call } from "../../src/base/index.ts";
import { CallCache } from "../../src/trace/index.ts";
import { tracing } from "./harness.ts";

const V = "v".repeat(64);
const OP = `answer:${V.slice(0, 8)}`;

let n = 0;
/** A finished root call with default fields; `over` changes any of them. */
function call(over: Partial<Call> = {}): Call {
  const id = `id-${++n}`;
  return {
    id,
    traceId: id,
    parentId: null,
    op: OP,
    inputs: [{ id: n, question: `q${n}` }, {}],
    startedAt: 1_700_000_000_000 + n,
    key: `key-${n}`,
    output: `out ${n}`,
    error: null,
    endedAt: 1_700_000_000_010 + n,
    attributes: { trial: 0, attempt: 1 },
    usage: {},
    cost: null,
    ...over,
  };
}

/** Deterministic chunk ids. */
function ids() {
  let i = 0;
  return () => `c${++i}`;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const backends: [string, () => Promise<KvStore>][] = [
  ["memory", () => openMemoryStore()],
  [
    "lmdb",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "weft-call-cache-"));
      dirs.push(dir);
      return openLmdbStore(dir);
    },
  ],
];

/** Every call of `calls` read back by a fresh cache, in two store reads. */
async function reload(store: KvStore, calls: readonly Call[], version = V): Promise<CallCache> {
  const fresh = new CallCache(store);
  await fresh.load([version]);
  expect(fresh.reads).toBeLessThanOrEqual(2);
  for (const c of calls) expect(fresh.get(version, c.key!)).toStrictEqual(c);
  return fresh;
}

async function chunksOf(store: KvStore, version = V): Promise<Json[]> {
  const manifest = (await store.get("callcache", `m/${version}`)) as { chunks: string[] };
  return Promise.all(manifest.chunks.map(async (c) => (await store.get("callcache", `k/${version}/${c}`))!));
}

describe.each(backends)("call cache on a %s store", (_name, open) => {
  test("round trip: errors, usage, cost, parents, shared and distinct inputs, attributes, feedback", async () => {
    const store = await open();
    const shared = { id: 7, question: "shared?", nested: { b: 1, a: [1, 2] } };
    const root = call({ usage: { "gpt-x": { requests: 1, inputTokens: 10, outputTokens: 5, cost: 0.002 } }, cost: 0.002 });
    const calls: Call[] = [
      root,
      call({ parentId: root.id, traceId: root.traceId }),
      call({ parentId: root.id, traceId: root.traceId, usage: { m: { requests: 2, inputTokens: 1, outputTokens: 1 } }, cost: null }),
      call({ error: { message: "boom", stack: "Error: boom\n  at x", status: 429 }, output: null }),
      call({ error: { message: "plain" }, output: null, cost: 0 }),
      call({ inputs: [shared, {}], attributes: { trial: 0, attempt: 1 } }),
      call({ inputs: [structuredClone(shared), {}], attributes: { trial: 1, attempt: 2 } }),
      // Same content, other key order: the same canonical text.
      call({ inputs: [{ nested: { a: [1, 2], b: 1 }, question: "shared?", id: 7 }, {}], attributes: { trial: 2, attempt: 1 } }),
      call({ inputs: [shared, { temperature: 0.5 }], attributes: {} }),
      call({ inputs: null, output: { text: "x", score: [1, null, true] }, attributes: { tags: ["a", "b"], nested: { deep: null } } }),
      call({ endedAt: null, output: null }),
      // Float clock readings, where start + (end − start) may not give end back exactly.
      call({ startedAt: 1_700_000_000_000.1, endedAt: 1_700_000_000_000.3 }),
      // Here start + (end − start) !== end, so endedAt itself is written.
      call({ startedAt: 36151.18675751978, endedAt: -2.9375789183302638e-8 }),
      call({ feedback: [{ rating: 1 }, "good"] }),
      call({ feedback: [] }),
      call({ op: "other:12345678" }),
    ];
    // A grandchild: its trace is not its parent's id, so it is written.
    calls.push(call({ parentId: calls[1]!.id, traceId: root.traceId }));
    const cache = new CallCache(store, ids());
    await cache.load([V]);
    for (const c of calls) cache.add(V, c);
    expect(cache.pending()).toBe(calls.length);
    await cache.flush();
    expect(cache.pending()).toBe(0);
    expect(cache.writes).toBe(1);

    const fresh = await reload(store, calls);
    expect(fresh.reads).toBe(2);
    expect(fresh.get(V, "no-such-key")).toBeUndefined();

    const [chunk] = (await chunksOf(store)) as Record<string, unknown>[];
    expect(chunk).toMatchObject({ v: 3, op: OP });
    expect(chunk!.calls).toBeUndefined();
    // Three calls share one inputs value; the others have their own.
    expect((chunk!.inputs as Json[]).length).toBe(calls.length - 2);
    expect(new Set(chunk!.input as number[]).size).toBe(calls.length - 2);
    // Each distinct attributes value once.
    expect(chunk!.attributes).toEqual([{ trial: 0, attempt: 1 }, { trial: 1, attempt: 2 }, { trial: 2, attempt: 1 }, {}, { tags: ["a", "b"], nested: { deep: null } }]);
    expect((chunk!.attr as number[]).length).toBe(calls.length);
    // Defaults are not written: a trace that is the parent's id (or the call's own, for a root) is not.
    expect(Object.keys(chunk!.traceId as object)).toEqual(["16"]);
    expect(Object.keys(chunk!.parentId as object)).toEqual(["1", "2", "16"]);
    expect(Object.keys(chunk!.error as object)).toEqual(["3", "4"]);
    expect(Object.keys(chunk!.usage as object)).toEqual(["0", "2"]);
    expect(Object.keys(chunk!.cost as object)).toEqual(["0", "4"]);
    expect(Object.keys(chunk!.feedback as object)).toEqual(["13", "14"]);
    expect(Object.keys(chunk!.end as object)).toEqual(["12"]);
    await store.close();
  });

  test("a chunk of root calls without errors or usage writes no sparse fields", async () => {
    const store = await open();
    const calls = [call(), call(), call()];
    const cache = new CallCache(store, ids());
    for (const c of calls) cache.add(V, c);
    await cache.flush();
    const [chunk] = (await chunksOf(store)) as Record<string, unknown>[];
    expect(Object.keys(chunk!).sort()).toEqual(["attr", "attributes", "dur", "id", "input", "inputs", "key", "op", "output", "start", "v"]);
    expect(chunk!.dur).toEqual([10, 10, 10]);
    await reload(store, calls);
    await store.close();
  });

  test("calls recorded by real ops round-trip, over two op versions in two reads", async () => {
    const store = await open();
    const { op } = tracing();
    const a = op("a", (row: { q: string }) => `A ${row.q}`);
    const b = op("b", (row: { q: string }) => ({ text: `B ${row.q}` }));
    const cache = new CallCache(store, ids());
    await cache.load([a.version, b.version]);
    const made = new Map<string, Call[]>([[a.version, []], [b.version, []]]);
    for (const o of [a, b] as const)
      for (let i = 0; i < 4; i++)
        for (let trial = 0; trial < 3; trial++) {
          const { call: c } = await o.invoke([{ q: `question ${i}` }], { key: `${o.version}-${i}-${trial}`, parent: null, attributes: { trial, attempt: 1 } });
          cache.add(o.version, c);
          made.get(o.version)!.push(c);
        }
    await cache.flush();
    const fresh = new CallCache(store);
    await fresh.load([a.version, b.version]);
    expect(fresh.reads).toBe(2);
    for (const [v, calls] of made) for (const c of calls) expect(fresh.get(v, c.key!)).toStrictEqual(c);
    // Trials of one row share their inputs.
    const [chunk] = (await chunksOf(store, a.version)) as { inputs: Json[] }[];
    expect(chunk!.inputs.length).toBe(4);
    await store.close();
  });

  test("reads version 2 chunks: one attributes value per call, a missing traceId meaning the call's own id", async () => {
    const store = await open();
    const child = { ...call({ parentId: "p-1", traceId: "id-self" }), key: "k-2" };
    child.traceId = child.id;
    const calls = [{ ...call(), key: "k-1" }, child];
    const [a, b] = calls as [Call, Call];
    const v2 = {
      v: 2,
      op: OP,
      key: ["k-1", "k-2"],
      id: [a.id, b.id],
      input: [0, 1],
      inputs: [a.inputs, b.inputs],
      output: [a.output, b.output],
      start: [a.startedAt, b.startedAt],
      dur: [10, 10],
      attributes: [a.attributes, b.attributes],
      parentId: { "1": "p-1" },
    };
    await store.putMany("callcache", [
      [`m/${V}`, { chunks: ["v2-1"] }],
      [`k/${V}/v2-1`, v2 as unknown as Json],
    ]);
    await reload(store, calls);
    await store.close();
  });

  test("refuses a chunk of a newer version, saying so", async () => {
    const store = await open();
    await store.putMany("callcache", [
      [`m/${V}`, { chunks: ["v9-1"] }],
      [`k/${V}/v9-1`, { v: 9, key: [] }],
    ]);
    await expect(new CallCache(store).load([V])).rejects.toThrow("call cache: chunk version 9 is newer than this weft reads");
    await store.close();
  });

  test("reads chunks written before the columnar form ({calls}), and adds to them", async () => {
    const store = await open();
    const old = [call(), call({ error: { message: "old" }, output: null }), call({ parentId: "p", traceId: "t", usage: { m: { requests: 1, inputTokens: 2, outputTokens: 3 } }, cost: 0.5 })];
    await store.putMany("callcache", [
      [`m/${V}`, { chunks: ["old-1"] }],
      [`k/${V}/old-1`, { calls: old } as unknown as Json],
    ]);
    const cache = await reload(store, old);
    expect(cache.reads).toBe(2);
    const added = [call(), call()];
    for (const c of added) cache.add(V, c);
    await cache.flush();
    const chunks = (await chunksOf(store)) as Record<string, unknown>[];
    expect(chunks.length).toBe(2);
    expect(chunks[0]!.calls).toBeDefined();
    expect(chunks[1]!.v).toBe(3);
    await reload(store, [...old, ...added]);
    await store.close();
  });

  test("compaction after 16 chunks keeps every call, writes the columnar form and deletes the replaced chunks", async () => {
    const store = await open();
    const old = [call(), call()];
    await store.putMany("callcache", [
      [`m/${V}`, { chunks: ["old-1"] }],
      [`k/${V}/old-1`, { calls: old } as unknown as Json],
    ]);
    const cache = new CallCache(store, ids());
    await cache.load([V]);
    const all = [...old];
    for (let f = 0; f < 15; f++) {
      const c = call({ parentId: f % 2 ? "parent" : null, cost: f % 3 ? null : f });
      cache.add(V, c);
      all.push(c);
      await cache.flush();
    }
    expect(((await store.get("callcache", `m/${V}`)) as { chunks: string[] }).chunks.length).toBe(16);
    expect((await store.keys("callcache")).length).toBe(17);
    // The 17th write finds 16 chunks and compacts.
    const last = [call(), call({ error: { message: "late" }, output: null })];
    for (const c of last) cache.add(V, c);
    all.push(...last);
    await cache.flush();
    const manifest = (await store.get("callcache", `m/${V}`)) as { chunks: string[] };
    expect(manifest.chunks.length).toBe(1);
    expect(await store.keys("callcache")).toEqual([`k/${V}/${manifest.chunks[0]}`, `m/${V}`]);
    const [chunk] = (await chunksOf(store)) as { v: number; key: string[] }[];
    expect(chunk!.v).toBe(3);
    expect(chunk!.key.length).toBe(all.length);
    await reload(store, all);
    // More flushes after compaction append again.
    for (let f = 0; f < 20; f++) {
      const c = call();
      cache.add(V, c);
      all.push(c);
      await cache.flush();
    }
    await reload(store, all);
    expect((await store.keys("callcache")).length).toBe(((await store.get("callcache", `m/${V}`)) as { chunks: string[] }).chunks.length + 1);
    await store.close();
  });

  test("a failed putMany keeps the calls queued; the next flush writes them", async () => {
    const inner = await open();
    let failures = 1;
    const store: KvStore = {
      version: inner.version,
      get: (s, k) => inner.get(s, k),
      getMany: (s, k) => inner.getMany(s, k),
      put: (s, k, v) => inner.put(s, k, v),
      putMany: async (s, e) => {
        if (failures-- > 0) throw new Error("disk full");
        return inner.putMany(s, e);
      },
      delete: (s, k) => inner.delete(s, k),
      keys: (s) => inner.keys(s),
      close: () => inner.close(),
    };
    const cache = new CallCache(store, ids());
    await cache.load([V]);
    const first = [call(), call({ error: { message: "e" }, output: null })];
    for (const c of first) cache.add(V, c);
    await expect(cache.flush()).rejects.toThrow("disk full");
    expect(cache.pending()).toBe(2);
    expect(await inner.keys("callcache")).toEqual([]);
    // Still answered from memory meanwhile.
    expect(cache.get(V, first[0]!.key!)).toBe(first[0]);
    const later = call();
    cache.add(V, later);
    expect(cache.pending()).toBe(3);
    await cache.flush();
    expect(cache.pending()).toBe(0);
    await reload(inner, [...first, later]);
    expect(((await inner.get("callcache", `m/${V}`)) as { chunks: string[] }).chunks.length).toBe(1);
    await inner.close();
  });
});

describe("concurrent flushes", () => {
  test("two overlapping flushes both land: neither manifest write drops the other's chunk", async () => {
    const store = await openMemoryStore();
    const putMany = store.putMany.bind(store);
    let first = true;
    store.putMany = async (...args) => {
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 30));
      }
      return putMany(...args);
    };
    const cache = new CallCache(store);
    const call = (key: string) => ({ id: key, traceId: key, parentId: null, op: "f:1", inputs: [key], output: key, error: null, startedAt: 1, endedAt: 2, attributes: {}, usage: {}, cost: null, key });
    cache.add("v", call("a"));
    const one = cache.flush();
    cache.add("v", call("b"));
    const two = cache.flush();
    await Promise.all([one, two]);
    const fresh = new CallCache(store);
    await fresh.load(["v"]);
    expect([fresh.get("v", "a")?.output, fresh.get("v", "b")?.output]).toEqual(["a", "b"]);
  });
});
