// `cluster(...)` and `embed(...)` as a notebook runs them: seeded clustering that recovers known
// topics and explains them, a second run that recomputes nothing (0 texts embedded, the fit read
// back), new rows placed into the previous fit, provider embeddings and LLM labels through the
// local OpenAI-protocol stub with the call cache, a plan that waits before labelling, and a cancel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjustedRandIndex } from "../../src/analysis/index.ts";
import { createEmbed, notebookBuiltins } from "../../src/eval/index.ts";
import { createLlm } from "../../src/llm/index.ts";
import { startLoopbackServer, type LoopbackServer } from "../../src/server/stub-llm.ts";
import { runCluster, type ClusterOptions } from "../../src/stdlib/analysis/cluster.ts";
import { isClusterResult, type ClusterResult } from "../../src/stdlib/analysis/cluster-result.ts";
import type { AnalysisRunner } from "../../src/stdlib/analysis/analysis-runner.ts";
import { inlineRunner } from "../../src/stdlib/analysis/inline-runner.ts";
import { openMemoryStore, type KvStore } from "../../src/store/index.ts";
import { CallCache, createTracing, type VaryResult } from "../../src/trace/index.ts";
import { asyncCarrier } from "../trace/harness.ts";

const TOPICS: Record<string, string[]> = {
  refund: ["refund", "money", "back", "charge", "returned", "order"],
  password: ["password", "reset", "login", "locked", "account", "email"],
  shipping: ["shipping", "parcel", "delivery", "tracking", "courier", "late"],
  invoice: ["invoice", "vat", "billing", "receipt", "company", "address"],
};

/** `n` texts per topic, each a shuffle of that topic's words plus a filler word, seeded. */
function topicRows(n: number, offset = 0): { text: string; topic: string }[] {
  let s = 17 + offset;
  const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rows: { text: string; topic: string }[] = [];
  for (let i = 0; i < n; i++)
    for (const [topic, words] of Object.entries(TOPICS)) {
      const picked = words.filter(() => random() < 0.7);
      rows.push({ text: `${picked.join(" ")} ${words[0]} please help ${["today", "now", "asap"][i % 3]} #${offset + i}`, topic });
    }
  return rows;
}

let stub: LoopbackServer;
beforeAll(async () => {
  stub = await startLoopbackServer({ models: ["stub-small", "stub-embed"] });
});
afterAll(() => stub?.close());

async function host(store?: KvStore, runner: AnalysisRunner = inlineRunner, extra: { askBeforeCalls?: boolean } = {}) {
  const tracing = createTracing({ context: asyncCarrier() });
  const cache = new CallCache(store ?? (await openMemoryStore()));
  const llm = createLlm({ providers: [{ name: "stub", baseURL: stub.baseURL, apiKey: "stub", models: ["stub-small", "stub-embed"] }], op: tracing.op, context: tracing.platform.context });
  const trace = notebookBuiltins({ platform: tracing.platform, cache, streamEveryMs: 5, ...extra });
  const run = { key: "cell", signal: new AbortController().signal };
  const embedded: number[] = [];
  const embed = createEmbed({
    cache,
    embed: async (request) => {
      embedded.push(request.input.length);
      return llm.embed(request);
    },
    newId: tracing.platform.newId,
    now: tracing.platform.now,
  });
  const deps = { embed, cache, runner, vary: trace.builtins.vary(run), makeOp: tracing.op, llm, newId: tracing.platform.newId, now: tracing.platform.now };
  /** Runs cluster to the end, returning every value it yielded and the result. */
  const cluster = async (data: unknown, options: ClusterOptions, onValue: (v: unknown) => void = () => {}) => {
    const values: unknown[] = [];
    for await (const v of runCluster(deps, data, options)) {
      values.push(v);
      onValue(v);
    }
    const result = values.at(-1);
    expect(values.every(isClusterResult)).toBe(true);
    expect((result as ClusterResult).status).toBe("done");
    return { result: result as ClusterResult, values: values as ClusterResult[] };
  };
  return { cluster, embedded, embed, cache };
}

describe("cluster", () => {
  const rows = topicRows(30);
  const truth = rows.map((r) => Object.keys(TOPICS).indexOf(r.topic));

  it("recovers known topics with the offline embedder, and explains each cluster by its topic's words", async () => {
    const { cluster } = await host();
    const { result, values } = await cluster(rows, { text: "text", k: 4, seed: 3 });
    expect(values.some((v) => v.status === "running" && v.table().numRows() === 0)).toBe(true);
    const labels = result.table().objects().map((r) => (r as { cluster: number }).cluster);
    expect(adjustedRandIndex(truth, labels)).toBeGreaterThan(0.9);
    expect(result.info).toMatchObject({ embedder: "weft-hashing-512", k: 4, fitted: 120, assigned: 0, computed: true, method: "umap" });
    for (const c of result.clusters) {
      const members = result.points.filter((p) => p.cluster === c.cluster).map((p) => (p.row as { topic: string }).topic);
      const topic = members.sort((a, b) => members.filter((m) => m === b).length - members.filter((m) => m === a).length)[0]!;
      expect(TOPICS[topic]).toContain(c.keywords[0]);
      expect(c.representatives).toHaveLength(5);
      expect(new Set(c.representatives).size).toBe(5);
      expect(c.size).toBe(members.length);
    }
    expect(result.summary().numRows()).toBe(4);
  });

  it("the same rows again recompute nothing: the fit is read back, identical; new rows are placed into it; refit fits again", async () => {
    const store = await openMemoryStore();
    const first = await (await host(store)).cluster(rows, { text: "text", k: 4, seed: 3 });
    // A fresh host on the same store (a re-opened notebook).
    const again = await (await host(store)).cluster(rows, { text: "text", k: 4, seed: 3 });
    expect(again.result.info).toMatchObject({ computed: false, fitted: 120, assigned: 0, embedded: 0 });
    expect(again.result.points.map((p) => [p.x, p.y, p.cluster])).toEqual(first.result.points.map((p) => [p.x, p.y, p.cluster]));
    // Only reading and the result: no embedding or fitting stage ran.
    expect(again.values.flatMap((v) => (v.progress ? [v.progress.stage] : []))).toEqual(["reading"]);

    const more = [...rows, ...topicRows(3, 500)];
    const grown = await (await host(store)).cluster(more, { text: "text", k: 4, seed: 3 });
    expect(grown.result.info).toMatchObject({ computed: false, fitted: 120, assigned: 12 });
    const clusterOf = new Map(first.result.points.map((p) => [(p.row as { topic: string }).topic, p.cluster]));
    for (const p of grown.result.points.slice(120)) expect(p.cluster).toBe(clusterOf.get((p.row as { topic: string }).topic));
    // The rows fitted before keep their place.
    expect(grown.result.points.slice(0, 120).map((p) => [p.x, p.y])).toEqual(first.result.points.map((p) => [p.x, p.y]));

    const refit = await (await host(store)).cluster(more, { text: "text", k: 4, seed: 3, refit: true });
    expect(refit.result.info).toMatchObject({ computed: true, fitted: 132, assigned: 0 });
  });

  it("provider embeddings go through the call cache: a second run embeds 0 texts; a new text alone is sent", async () => {
    const store = await openMemoryStore();
    const a = await host(store);
    const texts = rows.slice(0, 20).map((r) => r.text);
    const first = await a.embed([...texts, texts[0]!], { model: "stub-embed" });
    expect(first).toMatchObject({ embedded: 20, cached: 0, model: "stub-embed", dims: 32 });
    expect(a.embedded).toEqual([20]);
    const b = await host(store);
    const second = await b.embed(texts, { model: "stub-embed" });
    expect(second).toMatchObject({ embedded: 0, cached: 20 });
    expect(b.embedded).toEqual([]);
    expect(second.vectors.map((v) => Array.from(v))).toEqual(first.vectors.slice(0, 20).map((v) => Array.from(v)));
    const third = await b.embed([...texts, "something new"], { model: "stub-embed" });
    expect(third).toMatchObject({ embedded: 1, cached: 20 });
    expect(b.embedded).toEqual([1]);
  });

  it("labels each cluster with the LLM as a cached op: the second run makes no chat request", async () => {
    const store = await openMemoryStore();
    const before = stub.stats.requests;
    const { result } = await (await host(store)).cluster(rows, { text: "text", k: 4, seed: 3, label: { model: "stub-small" } });
    expect(stub.stats.requests - before).toBe(4);
    for (const c of result.clusters) {
      expect(typeof c.label).toBe("string");
      expect(c.label!.length).toBeGreaterThan(0);
    }
    const chat = stub.stats.chats.at(-1)!;
    const prompt = chat.messages.map((m) => m.content).join("\n");
    expect(prompt).toContain("Samples from this cluster:");
    expect(prompt).toContain("Samples from other clusters (not this one):");
    const again = await (await host(store)).cluster(rows, { text: "text", k: 4, seed: 3, label: { model: "stub-small" } });
    expect(stub.stats.requests - before).toBe(4);
    expect(again.result.clusters.map((c) => c.label)).toEqual(result.clusters.map((c) => c.label));
  });

  it("labels wait for approval when the host asks before calls: the plan is yielded, nothing is spent until approved", async () => {
    const before = stub.stats.requests;
    const seen: VaryResult[] = [];
    const { result } = await (await host(undefined, inlineRunner, { askBeforeCalls: true })).cluster(rows, { text: "text", k: 4, seed: 3, label: { model: "stub-small" } }, (v) => {
      const run = (v as ClusterResult).labelling;
      if (run && run.phase === "awaiting-approval") {
        seen.push(run);
        // The clusters show while the labels wait.
        expect((v as ClusterResult).clusters).toHaveLength(4);
        expect(stub.stats.requests).toBe(before);
        expect(run.plan?.groups[0]?.missing).toBe(4);
        run.approve!();
      }
    });
    expect(seen).toHaveLength(1);
    expect(stub.stats.requests - before).toBe(4);
    expect(result.clusters.every((c) => c.label)).toBe(true);
  });

  it("representatives are distinct texts, also when production repeats the same request many times", async () => {
    const repeated = Object.keys(TOPICS).flatMap((topic) => [...Array.from({ length: 30 }, () => ({ text: `${TOPICS[topic]!.join(" ")} please` })), ...Array.from({ length: 6 }, (_, i) => ({ text: `${TOPICS[topic]!.slice(0, 4).join(" ")} variant ${i}` }))]);
    const { result } = await (await host()).cluster(repeated, { text: "text", k: 4, seed: 2, representatives: 3 });
    for (const c of result.clusters) expect(new Set(c.representatives).size).toBe(c.representatives.length);
    expect(result.clusters.every((c) => c.representatives.length === 3)).toBe(true);
  });

  it("labels that cannot be made leave the clusters standing, with the reason", async () => {
    const { result } = await (await host()).cluster(rows, { text: "text", k: 4, seed: 3, label: { model: "no-such-model" } });
    expect(result.clusters).toHaveLength(4);
    expect(result.clusters.every((c) => c.label === null && c.keywords.length > 0)).toBe(true);
    expect(result.labelError).toMatch(/^4 of 4 LLM labels failed: .*no-such-model/);
  });

  it("cancel stops the fit: the cell fails with 'cluster: cancelled'", async () => {
    const { cluster } = await host();
    await expect(
      cluster(topicRows(60), { text: "text", k: 4, seed: 1 }, (v) => {
        const p = (v as ClusterResult).progress;
        if (p?.stage === "projecting") p.cancel();
      }),
    ).rejects.toThrow("cluster: cancelled");
  });

  it("bad input gets a specific error", async () => {
    const { cluster } = await host();
    await expect(cluster([], {})).rejects.toThrow("cluster: there are no rows to analyse");
    await expect(cluster(rows, { text: 42 as never })).rejects.toThrow("cluster: text must be a column path");
    await expect(cluster([{ a: 1 }], {})).rejects.toThrow("cluster: say which column holds the text ({text: \"column\"}); the rows have none of inputs, input, text, question, output (they have: a)");
    await expect(cluster(rows, { text: "body" })).rejects.toThrow("cluster: text names column 'body', which the rows do not have (they have: text, topic)");
    await expect(cluster(rows.slice(0, 3), { text: "text", k: 4 })).rejects.toThrow("cluster: k is 4 but there are only 3 rows");
    await expect(cluster(rows, { text: "text", minClusterSize: 5 })).rejects.toThrow("cluster: minClusterSize (HDBSCAN) is not offered");
    await expect(cluster("nope", {})).rejects.toThrow("cluster: data must be calls(...), an arquero table, a dataset, a vary result or an array of objects, got string");
    await expect(cluster(rows, { text: "text", label: {} as never })).rejects.toThrow('cluster: label needs a model');
  });
});
