// The drift detector as a monitor in a real collector on a real DuckDB file:
// - `weft demo traffic` (the openai SDK traced by OpenTelemetry, LLM = the local stub) sends a
//   reference window; a drift monitor with q = 99 and a guardrail on `drifted == true` are
//   saved; a second run drifts half way (voice transcripts). Calls before the drift are flagged
//   at most at the expected rate, calls after it are flagged, and the guardrail fires, to a
//   webhook on 127.0.0.1, only on drifted calls.
// - A reference of fewer than 2 calls is refused (400) when saved, and breaks a saved monitor
//   (its status says why) without stopping the collector.
// - A dataset reference, read through the monitor's columns, and a provider model's embeddings.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES, type Call } from "../../src/base/index.ts";
import { Calls, driftDetector, driftText, httpCallsBackend, monitorOpOf, type DriftResult, type WebhookPayload } from "../../src/prod/index.ts";
import { asyncCarrier } from "../../src/server/async-carrier.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { newCounters } from "../../src/server/monitor-worker.ts";
import { productionServices } from "../../src/server/services.ts";
import { startLoopbackServer, type LoopbackServer } from "../../src/server/stub-llm.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { Json } from "../../src/base/index.ts";
import type { TraceStore } from "../../src/store/index.ts";
import { createOp } from "../../src/trace/index.ts";
import { runNode } from "../fixtures/run-node.ts";

// The notebook's side: the op made as the `driftDetector` builtin makes it.
const op = createOp({ now: Date.now, newId: () => crypto.randomUUID(), context: asyncCarrier(), sink: { ended() {} } });

type Store = Awaited<ReturnType<typeof openDuckDbTraceStore>>;
let dir: string;
let stub: LoopbackServer;
let hook: { url: string; bodies: WebhookPayload[]; server: Server };

async function open(name: string): Promise<{ server: CollectServer; store: Store; logs: string[] }> {
  const store = await openDuckDbTraceStore(join(dir, name), { prices: DEFAULT_PRICES });
  const logs: string[] = [];
  const services = productionServices(store, { providers: [{ name: "stub", baseURL: stub.baseURL, apiKey: "stub", models: ["stub-embed"] }], log: (m) => logs.push(m) });
  return { server: await startCollectServer({ store, services, port: 0, prices: DEFAULT_PRICES }), store, logs };
}

async function api(server: CollectServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

/** Waits (bounded) until the monitor's status satisfies `done`. */
async function until(server: CollectServer, name: string, done: (s: Record<string, any>) => boolean, ms = 60_000): Promise<Record<string, any>> {
  const deadline = Date.now() + ms;
  let status: Record<string, any> = {};
  while (Date.now() < deadline) {
    status = (await api(server, "GET", "/api/monitors")).body.monitors.find((m: { name: string }) => m.name === name)?.status ?? {};
    if (done(status)) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`monitor ${name} did not get there in ${ms} ms: ${JSON.stringify(status)}`);
}

/** The drift results stored for calls, by call id. */
async function results(store: TraceStore & { feedback(ids: readonly string[]): Promise<{ callId: string; name: string; value: Json }[]> }, ids: readonly string[]): Promise<Map<string, DriftResult | { error: string }>> {
  const rows = (await store.feedback(ids)).filter((f) => f.name === "drift");
  return new Map(rows.map((f) => [f.callId, f.value as unknown as DriftResult]));
}

function chats(texts: readonly string[], from: number, t0: number) {
  return texts.map((text, k) => {
    const i = from + k;
    return { id: `c${i}`, traceId: `t${i}`, parentId: null, op: "chat", startedAt: t0 + i, endedAt: t0 + i + 100, inputs: { messages: [{ role: "system", content: "Answer the customer." }, { role: "user", content: text }] }, output: { role: "assistant", content: "ok" }, error: null, attributes: {} };
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-drift-"));
  stub = await startLoopbackServer({ models: ["stub-embed"] });
  const bodies: WebhookPayload[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookPayload);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hook = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, bodies, server };
});

afterAll(async () => {
  await stub.close();
  hook.server.closeAllConnections();
  await new Promise((r) => hook.server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("the drift monitor on demo traffic", () => {
  it("flags the calls after the drift, at most the expected share before it, and fires its guardrail only on drifted calls", async () => {
    const { server, store } = await open("traffic.duckdb");
    try {
      // The reference: 2,000 requests of seeded support tickets (the collector acks once stored).
      // The demo draws them from 127 distinct texts: with fewer requests some texts are seen
      // once or not at all, and the lexical embedding puts a voice transcript of a ticket
      // (0.18 to 0.36 from it) as near as two different tickets are.
      const t0 = new Date().toISOString();
      const reference = await runNode(["bin/weft.js", "demo", "traffic", "--url", server.url, "--rate", "200", "--duration", "10", "--seed", "3"], 120_000);
      expect(reference.status, reference.stderr).toBe(0);
      const t1 = new Date().toISOString();
      const filter = { op: "chat gpt-4o-mini" };
      const referenceCalls = await store.count({ ...filter, status: "ok", since: t0, until: t1 });
      expect(referenceCalls, reference.stdout).toBeGreaterThan(1_800);

      // The notebook's one-liner, and the guardrail's.
      const detector = driftDetector(op, { reference: { since: t0, until: t1 }, text: "inputs", q: 99 });
      const saved = await api(server, "POST", "/api/monitors", { name: "drift", filter, op: monitorOpOf(detector) });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.monitor.status.broken).toBeNull();
      expect(saved.body.monitor.status.note).toMatch(new RegExp(`^reference: ${referenceCalls.toLocaleString("en-US")} calls matching .*; the offline hashing embedding; threshold [0-9.e+-]+: the 99th percentile of the leave-one-out cosine distances of a seeded sample of 1,000 of the [0-9,]+ reference texts$`));
      const rule = await api(server, "POST", "/api/alerts/rules", { name: "drift", kind: "guardrail", monitor: "drift", field: "drifted", comparison: "==", value: true, webhook: hook.url });
      expect(rule.status, JSON.stringify(rule.body)).toBe(200);

      // New traffic: voice transcripts from 4 s on.
      const sent = await runNode(["bin/weft.js", "demo", "traffic", "--url", server.url, "--rate", "100", "--duration", "4", "--seed", "2", "--drift-at", "2"], 90_000);
      expect(sent.status, sent.stderr).toBe(0);
      const calls = await store.query({ filter: { ...filter, status: "ok", since: t1 }, limit: 10_000 });
      expect(calls.length).toBeGreaterThan(350);
      await until(server, "drift", (s) => s.ran + s.errors >= calls.length && s.queued === 0 && s.running === 0);

      const scored = await results(store, calls.map((c) => c.id));
      const isDrifted = (c: Call) => driftText(c.inputs).startsWith("[voice transcript]");
      const before = calls.filter((c) => !isDrifted(c));
      const after = calls.filter(isDrifted);
      expect(before.length).toBeGreaterThan(150);
      expect(after.length).toBeGreaterThan(150);
      for (const c of calls) expect(scored.get(c.id), c.id).toMatchObject({ drifted: expect.any(Boolean), distance: expect.any(Number) });
      const flagged = (cs: Call[]) => cs.filter((c) => (scored.get(c.id) as DriftResult).drifted);
      // q = 99: about 1% of calls like the reference's are flagged; bounded at 2%.
      expect(flagged(before).length).toBeLessThanOrEqual(Math.floor(before.length * 0.02));
      expect(flagged(after).length).toBeGreaterThanOrEqual(Math.ceil(after.length * 0.9));
      // The nearest reference call is named.
      const nearest = (scored.get(after[0]!.id) as DriftResult).nearest!;
      expect((await store.query({ filter: { ids: [nearest] } }))[0]!.startedAt).toBeLessThanOrEqual(Date.parse(t1));

      // The guardrail fired once, on a drifted call, and gathered the drifted calls after it.
      await expect.poll(() => hook.bodies.filter((b) => b.type === "alert.fired").length, { timeout: 10_000 }).toBe(1);
      const fired = hook.bodies.find((b) => b.type === "alert.fired")!;
      const byId = new Map(calls.map((c) => [c.id, c]));
      expect(fired.alert.rule.id).toBe("drift");
      expect(fired.alert.calls.length).toBeGreaterThan(0);
      for (const id of fired.alert.calls) expect(isDrifted(byId.get(id)!), id).toBe(true);
      const firstDrift = Math.min(...after.map((c) => c.startedAt));
      expect(Date.parse(fired.alert.firedAt!)).toBeGreaterThanOrEqual(firstDrift);
      const driftAlert = async () => (await api(server, "GET", "/api/alerts")).body.alerts.find((a: { ruleId: string }) => a.ruleId === "drift");
      expect(await driftAlert()).toMatchObject({ status: "firing", kind: "guardrail", value: true });
      // The guardrail counts crossings as the alert system takes them in, which can trail the last scores by a moment.
      await expect.poll(async () => (await driftAlert()).count, { timeout: 10_000 }).toBe(flagged(calls).length);
      // The quieter alarm the README suggests: the flagged share over a window (booleans count 1/0).
      expect((await api(server, "POST", "/api/alerts/rules", { name: "drifting", metric: { kind: "feedback_mean", name: "drift", field: "drifted" }, threshold: 0.05, window: "15m", minCount: 50 })).status).toBe(200);
      expect((await api(server, "POST", "/api/alerts/rules/drifting/evaluate")).body).toMatchObject({ transition: "fired", state: { value: flagged(calls).length / calls.length } });
    } finally {
      await server.close();
    }
  }, 240_000);
});

describe("drift references", () => {
  const T0 = Date.UTC(2026, 11, 1);
  const UNTIL = new Date(T0 + 60_000).toISOString();

  it("refuses a reference of fewer than 2 calls when saved, and a saved one that no longer loads breaks the monitor, not the collector", async () => {
    let { server, store } = await open("small.duckdb");
    expect((await api(server, "POST", "/api/calls/batch", { calls: chats(["My invoice is wrong"], 0, T0) })).status).toBe(200);
    const detector = driftDetector(op, { reference: { until: UNTIL }, text: "inputs" });
    const refused = await api(server, "POST", "/api/monitors", { name: "drift", filter: { op: "chat" }, op: monitorOpOf(detector) });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^monitor op drift:[0-9a-f]{8}: the drift reference has 1 text to compare, and needs at least 2: 1 call matching \{"status":"ok","op":"chat","until":"2026-12-01T00:01:00.000Z"\}$/);
    const bad = await api(server, "POST", "/api/monitors", { name: "drift", op: { ...monitorOpOf(detector), captures: { detector: "drift", options: { reference: { until: "-1d" }, text: "inputs" } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/the drift detector refused its saved options: options\.reference\.until: "-1d" is relative to now/);

    // A monitor saved when its reference loaded (here: written as the service writes it), then a restart.
    await server.close();
    ({ server, store } = await open("small.duckdb"));
    await store.changeDocs([{ kind: "monitor", id: "drift", value: { spec: { name: "drift", filter: { op: "chat" }, sample: 1, op: monitorOpOf(detector), columns: null, concurrency: 4, budgetPerDay: null, enabled: true, createdAt: T0 }, counters: newCounters(Date.now()) } as unknown as Json }], Date.now());
    await server.close();
    ({ server, store } = await open("small.duckdb"));
    const status = await until(server, "drift", (s) => !!s.broken, 10_000);
    expect(status.broken).toMatch(/needs at least 2: 1 call matching/);
    // The collector still ingests, and the broken monitor runs nothing.
    expect((await api(server, "POST", "/api/calls/batch", { calls: chats(["Where is my parcel?"], 1, Date.now()) })).status).toBe(200);
    expect((await api(server, "POST", "/api/calls/count", { filter: {} })).body.count).toBe(2);
    expect((await api(server, "POST", "/api/monitors/drift/backfill", { since: "-1d" })).status).toBe(409);
    await server.close();
  }, 60_000);

  it("is saved from the command line, with relative reference times fixed when saved", async () => {
    const { server } = await open("cli.duckdb");
    try {
      expect((await api(server, "POST", "/api/calls/batch", { calls: chats(["Where is my parcel?", "My invoice is wrong", "Reset my password"], 0, Date.now() - 3_600_000) })).status).toBe(200);
      const r = await runNode(["bin/weft.js", "monitors", "drift", "tickets", "--op", "chat", "--since", "-1d", "--q", "100", "--url", server.url], 60_000);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^weft: monitor tickets: drift detector drift:[0-9a-f]{8} on \{"op":"chat"\}: reference: 3 calls matching \{"status":"ok","op":"chat","since":"\d{4}-.*Z","until":"\d{4}-.*Z"\}; the offline hashing embedding; threshold/m);
      expect(r.stdout).toContain(`weft alerts add '{"name": "tickets drift", "kind": "guardrail", "monitor": "tickets", "field": "drifted", "comparison": "==", "value": true}'`);
      const [m] = (await api(server, "GET", "/api/monitors")).body.monitors;
      expect(m).toMatchObject({ name: "tickets", filter: { op: "chat" }, op: { name: "drift", captures: { options: { q: 100, text: "inputs" } } }, status: { broken: null } });
    } finally {
      await server.close();
    }
  }, 60_000);

  it("reads a dataset reference through the monitor's columns, and embeds with a provider's model", async () => {
    const { server, store } = await open("dataset.duckdb");
    try {
      const questions = ["Where is my parcel?", "My parcel has not arrived yet", "When will my order be delivered?", "Track my delivery please", "The parcel tracking page is blank", "My order is late"];
      expect((await api(server, "POST", "/api/datasets/shipping", { rows: questions.map((question) => ({ question })), message: "reference" })).status).toBe(200);
      const columns = { question: "inputs.messages[-1].content" };
      // As a notebook saves it: calls(filter).monitor(name, driftDetector({…}), {columns}), planned, then enabled.
      const draft = new Calls(httpCallsBackend(fetch, server.url), { op: "chat" }).monitor("lexical", driftDetector(op, { reference: { dataset: "shipping", version: 1 }, text: "question", q: 100 }), { columns });
      expect(await draft.plan()).toMatchObject({ matching: 0, cost: 0 });
      const lexical = await draft.enable();
      expect(lexical.status.note).toMatch(/^reference: 6 rows of dataset shipping version 1; the offline hashing embedding; /);
      const saved = await api(server, "POST", "/api/monitors", { name: "semantic", filter: { op: "chat" }, columns, op: monitorOpOf(driftDetector(op, { reference: { dataset: "shipping" }, text: "question", q: 100, model: "stub-embed" })) });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.monitor.status.note).toMatch(/^reference: 6 rows of dataset shipping version 1; embeddings of stub-embed; /);
      const t = Date.now();
      const sent = chats(["Where is my parcel?", "Je voudrais changer mon mot de passe, s'il vous plaît"], 0, t);
      expect((await api(server, "POST", "/api/calls/batch", { calls: sent })).status).toBe(200);
      await until(server, "lexical", (s) => s.ran === 2);
      await until(server, "semantic", (s) => s.ran === 2);
      const rows = await store.feedback(["c0", "c1"]);
      const value = (name: string, call: string) => rows.find((f) => f.name === name && f.callId === call)!.value as unknown as DriftResult;
      // A text of the reference is at 0 from it; one that shares no word with it is drifted (the stub's embeddings are a hash of the text: no meaning, so only its distance is checked).
      for (const name of ["lexical", "semantic"]) {
        expect(value(name, "c0")).toMatchObject({ drifted: false });
        expect(value(name, "c0").distance).toBeLessThan(1e-6);
      }
      expect(value("lexical", "c1")).toMatchObject({ distance: 1, drifted: true });
      expect(value("semantic", "c1").distance).toBeGreaterThan(0.1);
      // Embedding with a provider's model is an LLM's work; the offline one is code's.
      expect(rows.find((f) => f.name === "semantic")!.authorKind).toBe("llm");
      expect(rows.find((f) => f.name === "lexical")!.authorKind).toBe("code");
    } finally {
      await server.close();
    }
  }, 60_000);
});
