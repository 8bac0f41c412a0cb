// Monitors in a real collector on a real DuckDB file, with the judge on the local
// OpenAI-protocol stub: 1,000 incoming calls run exactly 1,000 scorer calls, a restart runs 0,
// a throwing op is recorded as feedback and the collector goes on, a backfill waits for
// approval, and bad monitors are refused naming the field.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { createScorers } from "../../src/eval/index.ts";
import { createLlm } from "../../src/llm/index.ts";
import { monitorOpOf } from "../../src/prod/index.ts";
import { asyncCarrier } from "../../src/server/async-carrier.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { productionServices } from "../../src/server/services.ts";
import { startLoopbackServer, type LoopbackServer } from "../../src/server/stub-llm.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { Feedback } from "../../src/store/index.ts";
import { runNode } from "../fixtures/run-node.ts";
import { createOp } from "../../src/trace/index.ts";

let dir: string;
let stub: LoopbackServer;
// gpt-4o-mini is served by the stub too, so that runs have a price (the stub's own models are $0).
const providers = () => [{ name: "stub", baseURL: stub.baseURL, apiKey: "stub", models: ["stub-mini", "gpt-4o-mini"] }];

// The notebook's side: ops made as a notebook makes them.
const context = asyncCarrier();
const op = createOp({ now: Date.now, newId: () => crypto.randomUUID(), context, sink: { ended() {} } });
const scorers = () => createScorers({ op, llm: createLlm({ providers: providers(), op, context }) });

async function open(name = "traces.duckdb"): Promise<CollectServer> {
  const store = await openDuckDbTraceStore(join(dir, name), { prices: DEFAULT_PRICES });
  const services = productionServices(store, { providers: providers(), log: () => {} });
  return startCollectServer({ store, services, port: 0, prices: DEFAULT_PRICES });
}

async function api(server: CollectServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

function chats(from: number, n: number, t0 = Date.now() - 60_000) {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { id: `c${i}`, traceId: `t${i}`, parentId: null, op: "openai.chat", startedAt: t0 + i, endedAt: t0 + i + 300, inputs: { messages: [{ role: "user", content: `question ${i}` }] }, output: { role: "assistant", content: i % 4 ? `answer ${i}` : "" }, error: null, attributes: {} };
  });
}

async function send(server: CollectServer, calls: unknown[]): Promise<void> {
  for (let i = 0; i < calls.length; i += 250) {
    const r = await api(server, "POST", "/api/calls/batch", { calls: calls.slice(i, i + 250) });
    expect(r.status).toBe(200);
  }
}

/** Waits (bounded) until the monitor's status satisfies `done`. */
async function until(server: CollectServer, name: string, done: (s: Record<string, number>) => boolean, ms = 20_000): Promise<Record<string, number>> {
  const deadline = Date.now() + ms;
  let status: Record<string, number> = {};
  while (Date.now() < deadline) {
    const r = await api(server, "GET", "/api/monitors");
    status = r.body.monitors.find((m: { name: string }) => m.name === name)?.status ?? {};
    if (done(status)) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`monitor ${name} did not get there in ${ms} ms: ${JSON.stringify(status)}`);
}

const judgeRequests = () => stub.stats.requests;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-monitors-"));
  stub = await startLoopbackServer({ models: ["stub-mini", "gpt-4o-mini"] });
});

afterAll(async () => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("monitors", () => {
  it("scores 1,000 incoming calls with exactly 1,000 judge calls, and 0 after a restart or a resent batch", async () => {
    const judge = scorers().judge({ model: "stub-mini", rubric: "Is the answer helpful?", labels: ["good", "bad"], columns: ["question"] });
    let server = await open();
    const monitor = { name: "helpful", filter: { op: "openai.chat" }, columns: { question: "inputs.messages[-1].content", output: "output.content" }, op: monitorOpOf(judge), concurrency: 8 };
    const saved = await api(server, "POST", "/api/monitors", monitor);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const before = judgeRequests();
    await send(server, chats(0, 1000));
    const status = await until(server, "helpful", (s) => s.ran + s.errors === 1000 && s.queued === 0);
    expect(status.errors).toBe(0);
    expect(judgeRequests() - before).toBe(1000);
    // Each call has one feedback row named after the monitor, by the judge's version.
    const fb = (await api(server, "GET", "/api/feedback?call=c7")).body.feedback as Feedback[];
    expect(fb).toHaveLength(1);
    expect(fb[0]).toMatchObject({ name: "helpful", kind: "annotation", authorKind: "llm", author: "monitor:helpful", source: judge.ref });
    expect(["good", "bad"]).toContain((fb[0]!.value as { label: string }).label);

    // A retried batch (the same calls again) runs nothing.
    await send(server, chats(0, 1000));
    await until(server, "helpful", (s) => s.cached >= 1000 && s.queued === 0);
    expect(judgeRequests() - before).toBe(1000);

    // A restart catches up on what it may have missed, and runs nothing twice.
    await server.close();
    server = await open();
    await until(server, "helpful", (s) => s.cached >= 2000 && s.queued === 0);
    expect(judgeRequests() - before).toBe(1000);
    // And new calls are scored as they arrive.
    await send(server, chats(1000, 10));
    await until(server, "helpful", (s) => s.ran === 1010);
    expect(judgeRequests() - before).toBe(1010);
    await server.close();
  }, 60_000);

  it("records a throwing op's error as feedback and keeps collecting; samples deterministically", async () => {
    const server = await open("throws.duckdb");
    const picky = op("picky", (input: Record<string, unknown>) => {
      const text = String((input.output as { content?: string } | null)?.content ?? "");
      if (!text) throw new Error("no answer to grade");
      return text.length;
    });
    expect((await api(server, "POST", "/api/monitors", { name: "length", op: monitorOpOf(picky), sample: 0.5 })).status).toBe(200);
    await send(server, chats(0, 200));
    const s = await until(server, "length", (s) => s.ran + s.errors + s.unsampled === 200);
    expect(s.errors).toBeGreaterThan(0);
    expect(s.ran).toBeGreaterThan(0);
    expect(s.unsampled).toBeGreaterThan(40);
    expect(s.lastError).toMatch(/no answer to grade/);
    const all = (await api(server, "GET", `/api/feedback?${Array.from({ length: 200 }, (_, i) => `call=c${i}`).join("&")}`)).body.feedback as Feedback[];
    expect(all.find((f) => f.callId === "c0" || f.callId === "c4")?.value ?? { error: "no answer to grade" }).toEqual({ error: "no answer to grade" });
    expect(all.filter((f) => typeof f.value === "number")).toHaveLength(s.ran);
    // The collector is alive and still ingests.
    await send(server, chats(200, 5));
    expect((await api(server, "POST", "/api/calls/count", { filter: {} })).body.count).toBe(205);
    await server.close();
  }, 30_000);

  it("plans a backfill and runs it only once approved", async () => {
    const server = await open("backfill.duckdb");
    await send(server, chats(0, 300, Date.now() - 3 * 86_400_000));
    const judge = scorers().judge({ model: "stub-mini", rubric: "Is the answer helpful?" });
    const spec = { name: "late", filter: { op: "openai.chat" }, op: monitorOpOf(judge), columns: { output: "output.content" } };
    const day = await api(server, "POST", "/api/monitors/plan", spec);
    expect(day.status, JSON.stringify(day.body)).toBe(200);
    expect(day.body.plan.matching).toBe(0);
    expect((await api(server, "POST", "/api/monitors", spec)).status).toBe(200);
    const before = judgeRequests();
    const planned = await api(server, "POST", "/api/monitors/late/backfill", { since: "-7d" });
    expect(planned.status).toBe(200);
    expect(planned.body.backfill).toMatchObject({ status: "awaiting-approval", plan: { matching: 300, sampled: 300 } });
    expect(planned.body.backfill.plan.tokens).toBeGreaterThan(300 * 50);
    // Nothing runs while it waits.
    await new Promise((r) => setTimeout(r, 300));
    expect(judgeRequests()).toBe(before);
    expect((await api(server, "POST", "/api/monitors/late/backfill/approve", { id: "not-it" })).status).toBe(409);
    const approved = await api(server, "POST", "/api/monitors/late/backfill/approve", { id: planned.body.backfill.id });
    expect(approved.status).toBe(200);
    await until(server, "late", (s) => s.ran + s.errors === 300);
    expect(judgeRequests() - before).toBe(300);
    expect((await api(server, "GET", "/api/monitors/late/backfill")).body.backfill.status).toBe("done");
    await server.close();
  }, 30_000);

  it("holds calls back once the day's budget is spent, and says so before enabling", async () => {
    const server = await open("budget.duckdb");
    await send(server, chats(0, 30));
    const judge = scorers().judge({ model: "gpt-4o-mini", rubric: "Is the answer helpful?" });
    const spec = { name: "priced", filter: { op: "openai.chat" }, op: monitorOpOf(judge), columns: { output: "output.content" }, concurrency: 1, budgetPerDay: 0.0002 };
    const plan = (await api(server, "POST", "/api/monitors/plan", spec)).body.plan;
    expect(plan).toMatchObject({ matching: 30, sampled: 30, budgetPerDay: 0.0002, overBudget: true });
    expect(plan.cost).toBeGreaterThan(0.0002);
    expect((await api(server, "POST", "/api/monitors", spec)).status).toBe(200);
    const before = judgeRequests();
    await send(server, chats(100, 30));
    const s = await until(server, "priced", (s) => s.queued === 0 && s.running === 0 && s.ran + s.errors + s.overBudget === 30);
    expect(s.overBudget, JSON.stringify(s)).toBeGreaterThan(0);
    expect(s.ran).toBeGreaterThan(0);
    expect(s.spent).toBeGreaterThanOrEqual(0.0002);
    // At concurrency 1 the budget is passed by at most the one run that crossed it.
    expect(s.spent).toBeLessThan(0.0002 + s.spent / s.ran + 1e-9);
    expect(judgeRequests() - before).toBe(s.ran);
    await server.close();
  });

  it("refuses bad monitors naming the field, and an op whose source does not give its version", async () => {
    const server = await open("bad.duckdb");
    const good = monitorOpOf(op("n", () => 1));
    const cases: [unknown, RegExp][] = [
      [{ name: "x y", op: good }, /monitor\.name: expected a name/],
      [{ name: "m", op: good, sample: 2 }, /monitor\.sample: expected a share of calls in \(0, 1\], got 2/],
      [{ name: "m", op: good, concurrency: 0 }, /monitor\.concurrency/],
      [{ name: "m", op: good, columns: { q: "secrets.x" } }, /monitor\.columns\.q: invalid path secrets\.x/],
      [{ name: "m", op: { ...good, version: "1234" } }, /monitor\.op\.version/],
      [{ name: "m", op: { ...good, source: "() => 2" } }, /rebuilt here it is version .* not the saved/],
      [{ name: "m", op: { ...good, source: "() => {" } }, /does not compile/],
      [{ name: "m", op: good, filter: { status: "weird" } }, /monitor\.filter: status/],
    ];
    for (const [body, message] of cases) {
      const r = await api(server, "POST", "/api/monitors", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error).toMatch(message);
    }
    expect((await api(server, "POST", "/api/monitors/nope/pause", {})).status).toBe(404);
    await server.close();
  });

  it("runs a notebook function with llm and nothing of the host", async () => {
    const server = await open("sandbox.duckdb");
    const probe = op("probe", async () => ({ process: typeof process, require: typeof require, fetch: typeof fetch, llm: typeof llm }));
    expect((await api(server, "POST", "/api/monitors", { name: "probe", op: monitorOpOf(probe) })).status).toBe(200);
    await send(server, chats(0, 1));
    await until(server, "probe", (s) => s.ran === 1);
    const fb = (await api(server, "GET", "/api/feedback?call=c0")).body.feedback as Feedback[];
    expect(fb[0]!.value).toEqual({ process: "undefined", require: "undefined", fetch: "undefined", llm: "object" });
    await server.close();
  });
});

describe("weft monitors", () => {
  it("lists, pauses and plans a backfill from the command line", async () => {
    const server = await open("cli.duckdb");
    await send(server, chats(0, 20));
    expect((await api(server, "POST", "/api/monitors", { name: "len", op: monitorOpOf(op("len", ({ output }: { output: { content: string } }) => output.content.length)) })).status).toBe(200);
    const listed = await weft(["monitors", "--url", server.url]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^name\s+op\s+state/m);
    expect(listed.stdout).toMatch(/len\s+len:[0-9a-f]{8}\s+running/);
    const paused = await weft(["monitors", "pause", "len", "--url", server.url]);
    expect(paused.stdout).toMatch(/monitor len: paused/);
    expect((await api(server, "GET", "/api/monitors")).body.monitors[0].enabled).toBe(false);
    const plan = await weft(["monitors", "backfill", "len", "--since", "-1d", "--url", server.url]);
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/backfill .*: 20 calls, 20 sampled, .* awaiting-approval/);
    expect(plan.stdout).toMatch(/nothing runs until you approve: weft monitors backfill len --approve [0-9a-f-]{36}/);
    const missing = await weft(["monitors", "pause", "nope", "--url", server.url]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/no monitor named "nope"/);
    await server.close();
  }, 60_000);
});

/** Runs the weft CLI to completion (bounded), without blocking this process's event loop. */
const weft = (args: string[]) => runNode(["bin/weft.js", ...args], 30_000);

declare const llm: unknown;
