// Curation rules in a real collector on a real DuckDB file: calls posted as Weft JSON batches
// are added to the rule's dataset as they arrive, one version per flush with its commit message;
// the same calls again add nothing; a backfill takes earlier calls and, run twice, adds nothing
// twice; pause stops adding, resume starts again; delete; a failing path is recorded on the rule
// naming the path and the call, and the rest goes on; bad rules are a 400 naming the field.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { sampledBy, type BackfillResult, type CurationRule, type RowsPage, type VersionInfo } from "../../src/prod/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { productionServices } from "../../src/server/services.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { TraceStore } from "../../src/store/index.ts";

let dir: string;
let store: TraceStore;
let server: CollectServer;
const now = Date.now();

function chat(id: string, op: string, question: string, extra: Record<string, unknown> = {}) {
  return { id, traceId: `t-${id}`, parentId: null, op, startedAt: now - 30_000, endedAt: now - 29_000, inputs: { messages: [{ role: "user", content: question }] }, output: { role: "assistant", content: `re: ${question}`, ...extra }, error: null, attributes: {}, usage: {}, cost: null };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-rules-"));
  store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  // Calls from before any rule: only a backfill takes them.
  await store.write(Array.from({ length: 5 }, (_, i) => ({ ...chat(`old-${i}`, "ticket:v1", `old ${i}`), startedAt: now - 3_600_000 + i, endedAt: now - 3_600_000 + i + 100 })));
  server = await startCollectServer({ store, services: productionServices(store, { log: () => {} }), port: 0 });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T & { error?: string } }> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, body: (await r.json()) as T & { error?: string } };
}

async function ingest(calls: unknown[]): Promise<void> {
  const r = await api<{ accepted: number }>("POST", "/api/calls/batch", { calls });
  expect(r.status, r.body.error).toBe(200);
}

async function versions(name: string): Promise<VersionInfo[]> {
  const r = await api<{ versions: VersionInfo[] }>("GET", `/api/datasets/${name}`);
  return r.status === 404 ? [] : r.body.versions;
}

async function rule(name: string): Promise<CurationRule> {
  return (await api<{ rule: CurationRule }>("GET", `/api/rules/${name}`)).body.rule;
}

/** Waits (bounded) until the rules have run on everything that arrived: nothing pending, and the rule ran after `since`. */
async function ranAfter(name: string, since: number): Promise<CurationRule> {
  for (let i = 0; i < 100; i++) {
    const r = await rule(name);
    if ((r.lastRunAt ?? 0) > since) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`rule ${name} did not run within 10 s`);
}

const columns = { question: "inputs.messages[-1].content", answer: "output.content" };

// Calls are taken 2 s after their last part arrived (CALL_SETTLE_MS), then at the next flush.
describe("curation rules", { timeout: 20_000 }, () => {
  it("refuses a bad rule with a 400 naming the field", async () => {
    const bad = async (body: unknown) => {
      const r = await api("POST", "/api/rules", body);
      expect(r.status).toBe(400);
      return r.body.error;
    };
    const good = { name: "r", dataset: "d", filter: { op: "ticket" }, columns };
    expect(await bad({ ...good, sample: 2 })).toMatch(/^sample: expected a rate in \(0, 1\]/);
    expect(await bad({ ...good, filter: { status: "meh" } })).toMatch(/^filter\.status: unknown status "meh"/);
    expect(await bad({ ...good, columns: { q: "secrets.x" } })).toMatch(/^columns\.q: invalid path secrets\.x: it must start with one of/);
    expect(await bad({ ...good, columns: {} })).toBe("columns: map at least one column");
    expect(await bad({ ...good, dataset: "no/slash" })).toMatch(/^dataset: a dataset name is/);
    expect(await bad({ ...good, dedupeKey: "answer_id" })).toMatch(/^dedupeKey: expected source_call or a mapped column \(question, answer\)/);
    expect(await bad({ ...good, name: "" })).toMatch(/^name: a rule name is/);
    expect(await bad({ ...good, every: "1m" })).toMatch(/^every: unknown field/);
    expect((await api("GET", "/api/rules")).body).toMatchObject({ rules: [] });
  });

  it("adds arriving calls, one version per flush with its message, and the same calls again add nothing", async () => {
    const made = await api<{ rule: CurationRule }>("POST", "/api/rules", { name: "tickets", dataset: "ticket-set", filter: { op: "ticket" }, columns });
    expect(made.status).toBe(201);
    expect((await api("POST", "/api/rules", { name: "tickets", dataset: "x", columns })).body.error).toMatch(/^name: a rule named tickets exists/);
    const batch = [...Array.from({ length: 12 }, (_, i) => chat(`live-${i}`, "ticket:v1", `question ${i}`)), chat("other-1", "chitchat:v1", "hi")];
    const t = Date.now();
    await ingest(batch);
    const r = await ranAfter("tickets", t);
    expect(r.added).toBe(12);
    const v = await versions("ticket-set");
    expect(v.map((x) => [x.n, x.count, x.message, x.author])).toEqual([[1, 12, "rule tickets: +12 calls", "rule tickets"]]);
    expect(v[0]!.columns).toEqual(columns);

    const t2 = Date.now();
    await ingest(batch);
    await ranAfter("tickets", t2);
    expect(await versions("ticket-set")).toHaveLength(1);
  });

  it("backfills earlier calls in one version; a second backfill adds nothing", async () => {
    const first = await api<BackfillResult>("POST", "/api/rules/tickets/backfill", { since: "-1d" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ scanned: 17, added: 5, version: { n: 2, count: 17, message: "rule tickets: backfill +5 calls" } });
    const second = await api<BackfillResult>("POST", "/api/rules/tickets/backfill", { since: "-1d" });
    expect(second.body).toMatchObject({ added: 0, version: null });
    expect(second.body.note).toMatch(/^nothing new/);
    const rows = await api<RowsPage>("GET", "/api/datasets/ticket-set/rows?limit=100");
    expect(new Set(rows.body.rows.map((r) => r.source_call)).size).toBe(17);
    expect((await api("POST", "/api/rules/tickets/backfill", { since: "yesterday-ish" })).body.error).toMatch(/^since: /);
    expect((await api("POST", "/api/rules/tickets/backfill", {})).body.error).toMatch(/^since: say where the backfill starts/);
  });

  it("pause stops adding, resume starts again", async () => {
    expect((await api<{ rule: CurationRule }>("POST", "/api/rules/tickets/pause", {})).body.rule.paused).toBe(true);
    await ingest([chat("paused-1", "ticket:v1", "while paused")]);
    // The flush after the batch: the rules service takes the ids and runs no paused rule.
    for (let i = 0; i < 100 && (await api<{ pending: number }>("GET", "/api/rules")).body.pending > 0; i++) await new Promise((res) => setTimeout(res, 100));
    await new Promise((res) => setTimeout(res, 300));
    expect(await versions("ticket-set")).toHaveLength(2);
    expect((await api<{ rule: CurationRule }>("POST", "/api/rules/tickets/resume", {})).body.rule.paused).toBe(false);
    const t = Date.now();
    await ingest([chat("resumed-1", "ticket:v1", "after resume")]);
    await ranAfter("tickets", t);
    const v = await versions("ticket-set");
    expect(v.map((x) => [x.n, x.added, x.message])).toEqual([[1, 12, "rule tickets: +12 calls"], [2, 5, "rule tickets: backfill +5 calls"], [3, 1, "rule tickets: +1 call"]]);
  });

  it("a failing path is recorded on the rule, naming the path and the call, and the other calls are added", async () => {
    expect((await api("POST", "/api/rules", { name: "labels", dataset: "label-set", filter: { op: "labelled" }, columns: { label: "output.label" }, dedupeKey: "source_call" })).status).toBe(201);
    const t = Date.now();
    await ingest([chat("lab-1", "labelled:v1", "a", { label: "billing" }), chat("lab-2", "labelled:v1", "b"), chat("lab-3", "labelled:v1", "c", { label: "bug" })]);
    const r = await ranAfter("labels", t);
    expect(r).toMatchObject({ added: 2, errors: 1, lastError: { callId: "lab-2", message: 'column "label": path output.label does not exist on call lab-2' } });
    expect((await versions("label-set")).map((v) => v.count)).toEqual([2]);
  });

  it("samples deterministically by call id and rule name", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `s-${i}`);
    await store.write(ids.map((id) => ({ ...chat(id, "sampled:v1", id), startedAt: now - 7_200_000, endedAt: now - 7_199_000 })));
    expect((await api("POST", "/api/rules", { name: "half", dataset: "half-set", filter: { op: "sampled" }, sample: 0.5, columns })).status).toBe(201);
    const r = await api<BackfillResult>("POST", "/api/rules/half/backfill", { since: "-1d" });
    const expected = ids.filter((id) => sampledBy({ name: "half", sample: 0.5 }, id)).length;
    expect(expected).toBeGreaterThan(5);
    expect(expected).toBeLessThan(35);
    expect(r.body).toMatchObject({ scanned: 40, sampled: expected, added: expected });
  });

  it("deletes a rule", async () => {
    expect((await api("DELETE", "/api/rules/half")).body).toEqual({ deleted: "half" });
    expect((await api<{ rules: CurationRule[] }>("GET", "/api/rules")).body.rules.map((r) => r.name)).toEqual(["labels", "tickets"]);
    const again = await api("DELETE", "/api/rules/half");
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('name: no rule named "half"');
  });
});
