// Alerts on a real collector and a real DuckDB file: an error-rate rule that fires when errors
// arrive and resolves (with hysteresis) after they clear, with the webhook answering 500 first
// and taking the retry; guardrails firing on a single monitor score (through the services'
// writeFeedback and through POST /api/feedback); bad rules refused naming the field; a webhook
// that never answers does not slow ingest; a store error is logged and retried.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import type { AlertState, WebhookPayload } from "../../src/prod/index.ts";
import { alertsService } from "../../src/server/alerts-service.ts";
import type { AlertView } from "../../src/server/alerts-api.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { createProductionServices, type ServiceContext } from "../../src/server/prod-services.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { TraceStore } from "../../src/store/index.ts";

const T0 = Date.UTC(2026, 11, 2, 10);
let clock = T0;
let dir: string;
let server: CollectServer;
let ctx: ServiceContext;
const logs: string[] = [];

/** A local webhook receiver: records bodies; answers with the next scripted status (200 when the script is empty), or never when "hang". */
interface Receiver {
  url: string;
  bodies: WebhookPayload[];
  script: (number | "hang")[];
  server: Server;
}
async function receiver(): Promise<Receiver> {
  const r: Receiver = { url: "", bodies: [], script: [], server: null as unknown as Server };
  r.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      r.bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookPayload);
      const next = r.script.shift() ?? 200;
      if (next === "hang") return;
      res.writeHead(next).end();
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(r.server.address() as { port: number }).port}/hook`;
  return r;
}

let hook: Receiver;
let hanging: Receiver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-alerts-"));
  const store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES, now: () => clock });
  hook = await receiver();
  hanging = await receiver();
  const services = createProductionServices(store, { now: () => clock, log: (m) => logs.push(m) }, [
    (c) => {
      ctx = c;
      return alertsService(c, { outbox: { retry: { baseMs: 100, maxMs: 400 }, timeoutMs: 2_000, attempts: 4 } });
    },
  ]);
  server = await startCollectServer({ store, services, port: 0, now: () => clock });
});

afterAll(async () => {
  const started = Date.now();
  await server.close(1_000);
  // Closing is bounded even with a delivery hanging.
  expect(Date.now() - started).toBeLessThan(5_000);
  hook.server.closeAllConnections();
  hanging.server.closeAllConnections();
  await Promise.all([new Promise((r) => hook.server.close(r)), new Promise((r) => hanging.server.close(r))]);
  rmSync(dir, { recursive: true, force: true });
});

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(`${server.url}${path}`, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
  return { status: r.status, body: (await r.json()) as T };
}

let n = 0;
/** Ingests `count` calls of `op` that started `ago` ms before the clock, errored or not; returns their ids. */
async function ingest(op: string, count: number, errored: boolean, ago = 5_000): Promise<string[]> {
  const calls = Array.from({ length: count }, () => {
    const id = `c${++n}`;
    const startedAt = clock - ago;
    return { id, traceId: id, parentId: null, op, inputs: { q: id }, output: errored ? null : { a: "ok" }, error: errored ? { message: "upstream 503" } : null, startedAt, endedAt: startedAt + 100 + n, attributes: {}, usage: {}, cost: null };
  });
  const r = await api<{ accepted: number }>("POST", "/api/calls/batch", { calls });
  expect(r.status).toBe(200);
  return calls.map((c) => c.id);
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alerts = async () => (await api<{ firing: number; alerts: AlertView[] }>("GET", "/api/alerts")).body;
const ruleState = async (id: string) => (await api<{ state: AlertState; error: string | null }>("GET", `/api/alerts/rules/${id}`)).body;
const evaluate = async (id: string) => (await api<{ state: AlertState; transition: string | null }>("POST", `/api/alerts/rules/${id}/evaluate`)).body;

describe("alerts", () => {
  it("an error-rate alert fires when errors arrive, posts to the webhook (retrying after a 500), and resolves after they clear", async () => {
    await ingest("chat", 10, false);
    hook.script = [500];
    const created = await api<{ rule: { id: string } }>("POST", "/api/alerts/rules", { name: "Chat errors", filter: { op: "chat" }, metric: "error_rate", threshold: 0.2, window: "1m", every: "1h", minCount: 5, resolveAfter: 2, webhook: hook.url });
    expect(created.status).toBe(200);
    expect(created.body.rule.id).toBe("chat-errors");
    // The timer evaluates a new rule at once: 10 calls, no errors.
    await until(async () => (await ruleState("chat-errors")).state.evaluatedAt === clock);
    expect((await ruleState("chat-errors")).state).toMatchObject({ status: "ok", value: 0, count: 10 });

    const errored = await ingest("chat", 5, true);
    await ingest("other", 20, true); // another op: not in the rule's filter
    clock += 1_000;
    expect((await evaluate("chat-errors")).transition).toBe("fired");
    const firing = await alerts();
    expect(firing.firing).toBe(1);
    const alert = firing.alerts[0]!;
    expect(alert).toMatchObject({ ruleId: "chat-errors", status: "firing", value: 5 / 15, count: 15, window: { since: clock - 60_000, until: clock } });
    expect([...alert.calls].sort()).toEqual([...errored].sort());
    expect(alert.callDetails.map((c) => [c.status, c.error])).toEqual(errored.map(() => ["error", "upstream 503"]));

    // The webhook answered 500, then took the retry.
    await until(() => hook.bodies.length >= 2);
    expect(hook.bodies.map((b) => b.type)).toEqual(["alert.fired", "alert.fired"]);
    expect(hook.bodies[1]!.alert).toMatchObject({ id: alert.id, status: "firing", rule: { id: "chat-errors", name: "Chat errors" }, count: 15 });
    expect(hook.bodies[1]!.text).toMatch(/^\[weft\] FIRING Chat errors: error_rate > 0\.2 over 1m/);
    await until(async () => (await alerts()).alerts[0]!.deliveries[0]?.status === "delivered");
    expect((await alerts()).alerts[0]!.deliveries[0]).toMatchObject({ type: "fired", url: hook.url, status: "delivered", attempts: 2, error: null });

    // Later: the window holds no calls (no data counts as clear), then only good calls. Two clear evaluations in a row resolve it.
    clock += 120_000;
    expect(await evaluate("chat-errors")).toMatchObject({ transition: null, state: { status: "firing", clears: 1, value: null } });
    await ingest("chat", 10, false);
    clock += 1_000;
    expect(await evaluate("chat-errors")).toMatchObject({ transition: "resolved", state: { status: "ok" } });
    const after = await alerts();
    expect(after.firing).toBe(0);
    expect(after.alerts[0]).toMatchObject({ id: alert.id, status: "resolved", resolvedAt: clock, reason: "cleared", lastValue: 0 });
    await until(() => hook.bodies.some((b) => b.type === "alert.resolved"));
    expect(hook.bodies.find((b) => b.type === "alert.resolved")!.alert).toMatchObject({ id: alert.id, status: "resolved", reason: "cleared" });
  });

  it("does not flap: values in the dead band keep it firing", async () => {
    await api("POST", "/api/alerts/rules", { name: "slow", filter: { op: "slow" }, metric: "latency_p95", threshold: 1_000, resolveThreshold: 500, window: "1m", every: "1h", resolveAfter: 1 });
    await until(async () => (await ruleState("slow")).state.evaluatedAt !== null);
    const batch = async (latency: number) => {
      clock += 61_000;
      const id = `slow${++n}`;
      await api("POST", "/api/calls/batch", { calls: [{ id, traceId: id, parentId: null, op: "slow", inputs: {}, output: "x", error: null, startedAt: clock - 2_000, endedAt: clock - 2_000 + latency, attributes: {}, usage: {}, cost: null }] });
      return (await evaluate("slow")).transition;
    };
    const transitions = [];
    for (const ms of [1_500, 800, 1_200, 700, 1_100, 600]) transitions.push(await batch(ms));
    expect(transitions).toEqual(["fired", null, null, null, null, null]);
    expect(await batch(300)).toBe("resolved");
  });

  it("a guardrail fires on a single monitor score, gathers the next crossing calls, and resolves after its quiet period", async () => {
    const r = await api("POST", "/api/alerts/rules", { name: "toxic", kind: "guardrail", monitor: "toxicity", field: "score", comparison: ">=", value: 0.8, quiet: "5m", webhook: hook.url });
    expect(r.status).toBe(200);
    const [a, b, c] = await ingest("chat", 3, false);
    const score = (callId: string, value: unknown) => ({ id: `${callId}:annotation:toxicity:monitor:toxicity`, callId, kind: "annotation" as const, name: "toxicity", value: value as never, author: "monitor:toxicity", authorKind: "llm" as const, createdAt: clock, updatedAt: clock, source: "toxicity:abcdef12" });
    await ctx.writeFeedback([score(a!, { score: 0.2, label: "safe" }), score(b!, { error: "judge timed out" })]);
    await new Promise((r) => setTimeout(r, 100));
    expect((await ruleState("toxic")).state.status).toBe("ok");
    const before = hook.bodies.length;
    await ctx.writeFeedback([score(c!, { score: 0.93, label: "toxic" })]);
    await until(async () => (await ruleState("toxic")).state.status === "firing");
    const alert = (await alerts()).alerts.find((e) => e.ruleId === "toxic")!;
    expect(alert).toMatchObject({ kind: "guardrail", status: "firing", value: 0.93, count: 1, calls: [c], window: null });
    expect(alert.callDetails[0]!.id).toBe(c);
    await until(() => hook.bodies.length > before);
    expect(hook.bodies.at(-1)).toMatchObject({ type: "alert.fired", alert: { rule: { id: "toxic" }, value: 0.93, calls: [c] } });

    const [d] = await ingest("chat", 1, false);
    await ctx.writeFeedback([score(d!, { score: 0.99 })]);
    await until(async () => (await alerts()).alerts.find((e) => e.ruleId === "toxic")!.count === 2);
    expect((await alerts()).alerts.find((e) => e.ruleId === "toxic")!.calls).toEqual([c, d]);
    expect(hook.bodies.filter((x) => x.alert.rule.id === "toxic" && x.type === "alert.fired")).toHaveLength(1);

    clock += 5 * 60_000;
    await until(async () => (await ruleState("toxic")).state.status === "ok");
    expect((await alerts()).alerts.find((e) => e.ruleId === "toxic")).toMatchObject({ status: "resolved", reason: "no call crossed for 300s" });
  });

  it("a guardrail hears feedback given over HTTP", async () => {
    expect((await api("POST", "/api/feedback/schemas", { name: "rating", type: "number", min: 0, max: 5 })).status).toBe(200);
    await api("POST", "/api/alerts/rules", { name: "bad rating", monitor: "rating", comparison: "<=", value: 1 });
    const [call] = await ingest("chat", 1, false);
    expect((await api("POST", "/api/feedback", { call, name: "rating", value: 1, author: "ana" })).status).toBe(200);
    await until(async () => (await ruleState("bad-rating")).state.status === "firing");
    expect((await alerts()).alerts.find((e) => e.ruleId === "bad-rating")).toMatchObject({ value: 1, calls: [call] });
  });

  it("refuses bad rules with a 400 naming the field, and answers 404 for unknown rules", async () => {
    const bad = async (body: unknown) => (await api<{ error: string }>("POST", "/api/alerts/rules", body)).body.error;
    expect(await bad({ name: "x", metric: "error_rate" })).toBe("rule.threshold: expected a number, got undefined");
    expect(await bad({ name: "x", metric: "error_rate", threshold: 1, webhook: "ftp://example.com" })).toBe("rule.webhook: only http and https webhooks are sent, got ftp:");
    expect(await bad({ name: "x", metric: "error_rate", threshold: 1, filter: { where: { $gt: [1] } } })).toMatch(/^rule\.filter\.where\.\$gt: /);
    const r = await api<{ error: string }>("POST", "/api/alerts/rules", { name: "x", metric: { kind: "feedback_mean" }, threshold: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^rule\.metric\.name: /);
    expect((await api("DELETE", "/api/alerts/rules/nope")).status).toBe(404);
    expect((await api("POST", "/api/alerts/rules/nope/pause")).status).toBe(404);
    expect((await api("GET", "/api/alerts?limit=0")).status).toBe(400);
  });

  it("pausing or deleting a firing rule resolves its alert; a paused rule is not evaluated", async () => {
    await api("POST", "/api/alerts/rules", { name: "any traffic", filter: { op: "burst" }, metric: "calls", comparison: ">", threshold: 0, window: "1m", every: "1h", resolveAfter: 1 });
    await until(async () => (await ruleState("any-traffic")).state.evaluatedAt !== null);
    await ingest("burst", 2, false);
    clock += 1_000;
    expect((await evaluate("any-traffic")).transition).toBe("fired");
    expect((await api<{ rule: { paused: boolean } }>("POST", "/api/alerts/rules/any-traffic/pause")).body.rule.paused).toBe(true);
    expect((await alerts()).alerts.find((e) => e.ruleId === "any-traffic")).toMatchObject({ status: "resolved", reason: "rule paused" });
    expect((await api("POST", "/api/alerts/rules/any-traffic/evaluate")).status).toBe(409);
    await api("POST", "/api/alerts/rules/any-traffic/resume");
    clock += 1_000;
    expect((await evaluate("any-traffic")).transition).toBe("fired");
    expect((await api("DELETE", "/api/alerts/rules/any-traffic")).status).toBe(200);
    const ev = (await alerts()).alerts.filter((e) => e.ruleId === "any-traffic");
    expect(ev.map((e) => [e.status, e.reason])).toEqual([["resolved", "rule deleted"], ["resolved", "rule paused"]]);
  });

  it("a webhook that never answers does not slow ingest, and a test webhook reports how it went", async () => {
    await api("POST", "/api/alerts/rules", { name: "hang", monitor: "hangscore", comparison: ">", value: 0, webhook: hanging.url, quiet: "100ms" });
    hanging.script = Array(50).fill("hang");
    // Fire and resolve many times: each firing queues a POST that hangs.
    for (let i = 0; i < 10; i++) {
      const [id] = await ingest("chat", 1, false);
      await ctx.writeFeedback([{ id: `${id}:h`, callId: id!, kind: "annotation", name: "hangscore", value: 1, author: "monitor:hangscore", authorKind: "code", createdAt: clock, updatedAt: clock }]);
      clock += 1_000;
    }
    await until(() => hanging.bodies.length >= 1);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await ingest("chat", 20, false);
      times.push(performance.now() - t);
    }
    times.sort((x, y) => x - y);
    expect(times[5]!).toBeLessThan(200);
    const test = await api<{ status: string; error: string; url: string }>("POST", "/api/alerts/rules/chat-errors/test");
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ status: "delivered", url: hook.url });
    expect(hook.bodies.at(-1)!.type).toBe("alert.test");
    const noHook = await api<{ error: string }>("POST", "/api/alerts/rules/slow/test");
    expect(noHook.status).toBe(502);
    expect(noHook.body.error).toMatch(/no webhook/);
  });
});

describe("alerts across a restart", () => {
  it("rules, their state and the firing alert survive closing and reopening the collector", async () => {
    const d = mkdtempSync(join(tmpdir(), "weft-alerts-restart-"));
    const open = async () => {
      const store = await openDuckDbTraceStore(join(d, "t.duckdb"));
      return startCollectServer({ store, services: createProductionServices(store, {}, [(c) => alertsService(c)]), port: 0 });
    };
    try {
      let s = await open();
      const post = (path: string, body: unknown) => fetch(`${s.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const t = Date.now();
      await post("/api/calls/batch", { calls: [{ id: "r1", traceId: "r1", parentId: null, op: "x", inputs: {}, output: null, error: { message: "no" }, startedAt: t - 1_000, endedAt: t - 900, attributes: {}, usage: {}, cost: null }] });
      expect((await post("/api/alerts/rules", { name: "restart", metric: "error_rate", threshold: 0.5, window: "1h", every: "1h" })).status).toBe(200);
      await until(async () => ((await (await fetch(`${s.url}/api/alerts`)).json()) as { firing: number }).firing === 1);
      await s.close(500);
      s = await open();
      const after = (await (await fetch(`${s.url}/api/alerts`)).json()) as { firing: number; alerts: AlertView[]; rules: { rule: { id: string; windowMs: number }; state: AlertState }[] };
      expect(after.rules.map((r) => [r.rule.id, r.rule.windowMs, r.state.status])).toEqual([["restart", 3_600_000, "firing"]]);
      expect(after.firing).toBe(1);
      expect(after.alerts[0]).toMatchObject({ ruleId: "restart", calls: ["r1"] });
      await s.close(500);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("alerts on a failing store", () => {
  it("logs a store error and evaluates again on the next tick, without crashing", async () => {
    const d = mkdtempSync(join(tmpdir(), "weft-alerts-fail-"));
    const real = await openDuckDbTraceStore(join(d, "t.duckdb"));
    let failures = 1;
    const flaky: TraceStore = Object.assign(Object.create(null), real, {
      stats: (f: unknown, s: unknown) => (failures-- > 0 ? Promise.reject(new Error("disk on fire")) : real.stats(f as never, s as never)),
    });
    const messages: string[] = [];
    const services = createProductionServices(flaky, { log: (m) => messages.push(m) }, [(c) => alertsService(c, { tickMs: 50 })]);
    const s = await startCollectServer({ store: flaky, services, port: 0 });
    try {
      const r = await fetch(`${s.url}/api/alerts/rules`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "e", metric: "error_rate", threshold: 0.5, every: "1h" }) });
      expect(r.status).toBe(200);
      await until(async () => {
        const view = (await (await fetch(`${s.url}/api/alerts/rules/e`)).json()) as { state: AlertState };
        return view.state.evaluatedAt !== null;
      });
      expect(messages.some((m) => m.includes('"e": disk on fire (retried on the next tick)'))).toBe(true);
    } finally {
      await s.close(500);
      rmSync(d, { recursive: true, force: true });
    }
  });
});
