// The production services on ClickHouse, end to end: a collector on a real ClickHouse server
// (tests/fixtures/clickhouse.ts) runs a monitor (a code op) that scores calls as they arrive,
// takes feedback over HTTP, filters calls() on it, versions a dataset and keeps its monitors
// across a restart; `weft collect --no-services` ingests and takes feedback but leaves the
// services to another collector.
import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { Calls, httpCallsBackend, monitorOpOf } from "../../src/prod/index.ts";
import { asyncCarrier } from "../../src/server/async-carrier.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { productionServices } from "../../src/server/services.ts";
import { openClickHouseTraceStore } from "../../src/store/node.ts";
import type { Feedback } from "../../src/store/index.ts";
import { createOp } from "../../src/trace/index.ts";
import { sharedClickHouse, startWeftCollect } from "../fixtures/clickhouse.ts";

// A real server on a shared machine: a test's queries may wait for the CPU.
vi.setConfig({ testTimeout: 60_000 });

const clickhouse = sharedClickHouse("weft_services");
const url = () => clickhouse.server().url(clickhouse.database());

const op = createOp({ now: Date.now, newId: () => crypto.randomUUID(), context: asyncCarrier(), sink: { ended() {} } });

async function open(url: string): Promise<CollectServer> {
  const store = await openClickHouseTraceStore(url, { prices: DEFAULT_PRICES });
  try {
    const services = productionServices(store, { log: () => {} });
    return await startCollectServer({ store, services, port: 0, prices: DEFAULT_PRICES });
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> {
  const r = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000) });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

function chats(from: number, count: number, t0 = Date.now() - 60_000) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { id: `c${i}`, traceId: `t${i}`, parentId: null, op: "openai.chat", startedAt: t0 + i, endedAt: t0 + i + 300, inputs: { messages: [{ role: "user", content: `question ${i}` }] }, output: { role: "assistant", content: "x".repeat(i) }, error: null, attributes: {} };
  });
}

/** Waits (bounded) until the monitor's status satisfies `done`. */
async function until(base: string, name: string, done: (s: Record<string, number>) => boolean, ms = 30_000): Promise<Record<string, number>> {
  const deadline = Date.now() + ms;
  let status: Record<string, number> = {};
  while (Date.now() < deadline) {
    const r = await api(base, "GET", "/api/monitors");
    status = r.body.monitors?.find((m: { name: string }) => m.name === name)?.status ?? {};
    if (done(status)) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`monitor ${name} did not get there in ${ms} ms: ${JSON.stringify(status)}`);
}

/** Waits (bounded) until `value()` gives what `done` accepts: a monitor writes its scores shortly after it counts the runs. */
async function eventually<T>(value: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await value();
  while (!done(v)) {
    if (Date.now() > deadline) throw new Error(`not there in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
    v = await value();
  }
  return v;
}

const scores = (base: string, ids: number) => async () => ((await api(base, "GET", `/api/feedback?${Array.from({ length: ids }, (_, i) => `call=c${i}`).join("&")}`)).body.feedback as Feedback[]).filter((f) => f.name === "length");

describe("production services on ClickHouse", () => {
  it("a monitor scores arriving calls, feedback goes in and out over HTTP, calls() filters on it, datasets version, and a restart keeps it all", async () => {
    const store = url();
    let collector = await open(store);
    try {
      const length = op("answer_length", (input: { output: { content: string } }) => input.output.content.length);
      const saved = await api(collector.url, "POST", "/api/monitors", { name: "length", filter: { op: "openai.chat" }, op: monitorOpOf(length) });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect((await api(collector.url, "POST", "/api/calls/batch", { calls: chats(0, 20) })).status).toBe(200);
      const status = await until(collector.url, "length", (s) => s.ran === 20 && s.queued === 0);
      expect(status.errors).toBe(0);
      await eventually(scores(collector.url, 20), (rows) => rows.length === 20);
      const scored = (await api(collector.url, "GET", "/api/feedback?call=c7")).body.feedback as Feedback[];
      expect(scored).toHaveLength(1);
      expect(scored[0]).toMatchObject({ callId: "c7", kind: "annotation", name: "length", value: 7, author: "monitor:length", authorKind: "code", source: length.ref });

      // People's feedback over HTTP, beside the monitor's.
      expect((await api(collector.url, "POST", "/api/feedback/schemas", { name: "topic", type: "label", labels: ["billing", "bug"] })).status).toBe(200);
      expect((await api(collector.url, "POST", "/api/feedback", { feedback: [{ call: "c3", emoji: "👎", author: "ana" }, { call: "c3", name: "topic", value: "bug", author: "ana" }, { call: "c4", emoji: "👎", author: "bo" }] })).status).toBe(200);
      expect((await api(collector.url, "POST", "/api/feedback", { call: "c3", name: "topic", value: "billing", author: "ana" })).status).toBe(200);
      const bad = await api(collector.url, "POST", "/api/feedback", { call: "c3", name: "topic", value: "spam" });
      expect([bad.status, bad.body.error]).toEqual([400, 'feedback.value: "topic" takes one of "billing", "bug", got "spam"']);
      // Oldest first; given at once, by id. The topic given again keeps its first time.
      const c3 = (await api(collector.url, "GET", "/api/feedback?call=c3")).body.feedback as Feedback[];
      expect(c3.map((f) => [f.kind, f.name, f.value, f.author])).toEqual([["annotation", "length", 3, "monitor:length"], ["annotation", "topic", "billing", "ana"], ["reaction", "👎", "👎", "ana"]]);

      // calls() as the editor and notebooks run it, through the collector.
      const calls = (filter: object) => new Calls(httpCallsBackend(fetch, collector.url), filter);
      expect(await calls({ feedback: { kind: "reaction", name: "👎" } }).count()).toBe(2);
      expect(await calls({ feedback: { name: "topic", value: "bug" } }).count()).toBe(0);
      expect(await calls({ feedback: { name: "length", author: "monitor:length" } }).count()).toBe(20);
      const table = await calls({ feedback: { name: "topic" } }).table({ feedback: true });
      expect((table.objects() as Record<string, unknown>[]).map((r) => [r.call, r["feedback.topic"], r["feedback.length"]])).toEqual([["c3", "billing", 3]]);

      // Control documents hold the datasets' versions.
      const ds = await api(collector.url, "POST", "/api/datasets/disliked", { calls: { filter: { feedback: { name: "👎" } } }, columns: { question: "inputs.messages[-1].content" }, message: "thumbs down" });
      expect(ds.status, JSON.stringify(ds.body)).toBe(200);
      expect(ds.body).toMatchObject({ added: 2, version: { n: 1, count: 2, message: "thumbs down" } });

      // Another process on the same database: the monitor is there, and nothing runs twice.
      await collector.close();
      collector = await open(store);
      await until(collector.url, "length", (s) => s.cached >= 20 && s.queued === 0);
      expect((await api(collector.url, "GET", "/api/datasets/disliked/rows?version=1")).body.rows.map((r: { question: string }) => r.question).sort()).toEqual(["question 3", "question 4"]);
      expect((await api(collector.url, "POST", "/api/calls/batch", { calls: chats(20, 2) })).status).toBe(200);
      // The counters are kept too (control documents).
      await until(collector.url, "length", (s) => s.ran === 22 && s.queued === 0);
      const all = await eventually(scores(collector.url, 22), (rows) => rows.length === 22);
      expect(all.find((f) => f.callId === "c21")?.value).toBe(21);
    } finally {
      await collector.close();
    }
  });
});

describe("weft collect --no-services", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  });

  it("ingests and takes feedback, and answers the services' routes with a 501 saying where they run", async () => {
    const { base, child, output } = await startWeftCollect(["--no-services", "--store", url()], children);
    expect(output()).toContain("ingest only");
    expect((await api(base, "POST", "/api/calls/batch", { calls: chats(0, 3) })).status).toBe(200);
    expect((await api(base, "POST", "/api/feedback", { call: "c1", emoji: "👍" })).status).toBe(200);
    expect((await api(base, "POST", "/api/calls/count", { filter: { feedback: { name: "👍" } } })).body.count).toBe(1);
    for (const path of ["/api/monitors", "/api/rules", "/api/datasets", "/api/alerts"]) {
      const r = await api(base, "GET", path);
      expect(r.status, path).toBe(501);
      expect(r.body.error).toMatch(/runs without the production services \(weft collect --no-services\)/);
    }
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  });
});
