// The ClickHouse trace store against a real server (tests/fixtures/clickhouse.ts starts
// Debian's clickhouse-server, or uses WEFT_TEST_CLICKHOUSE_URL): the contract every store
// passes, with both ways of reading each call's newest version, and the feedback and control
// documents contracts; what ClickHouse adds
// (versions and keys, several writers, passwords kept out of messages); a server killed
// mid-ingest behind a real collector; and `weft collect` / `weft calls` on a clickhouse:// store.

import { spawnSync, type ChildProcess } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startCollectServer } from "../../src/server/collect-server.ts";
import { CLICKHOUSE_TRACE_SCHEMA_VERSION, keepsControl, keepsFeedback, openClickHouseTraceStore, type CallPatch } from "../../src/store/node.ts";
import { CLICKHOUSE_TRACE_MIGRATIONS, migrateClickHouseTraceStore } from "../../src/store/clickhouse-trace-schema.ts";
import { controlStoreContract } from "./control-contract.ts";
import { feedbackStoreContract } from "./feedback-contract.ts";
import { freePort, PASSWORD_USER, sharedClickHouse, startWeftCollect, type TestClickHouse } from "../fixtures/clickhouse.ts";
import { CONTRACT_PRICES, traceStoreContract } from "./trace-contract.ts";

// A real server on a shared 2-core machine: a test's queries may wait for the CPU.
vi.setConfig({ testTimeout: 30_000 });

const clickhouse = sharedClickHouse("weft_test");
const { database } = clickhouse;
const fresh = () => clickhouse.server().url(database());
let server: TestClickHouse;
beforeAll(() => void (server = clickhouse.server()));

traceStoreContract("clickhouse", () => openClickHouseTraceStore(fresh(), { prices: CONTRACT_PRICES }));
// The other way to read each call's newest version: a GROUP BY with argMax (bench/clickhouse measures both).
traceStoreContract("clickhouse (argMax)", () => openClickHouseTraceStore(fresh(), { prices: CONTRACT_PRICES, dedupe: "argmax" }));
// Feedback and control documents: the contracts the embedded store passes, with the same answers.
feedbackStoreContract("clickhouse", () => openClickHouseTraceStore(fresh()));
feedbackStoreContract("clickhouse (argMax)", () => openClickHouseTraceStore(fresh(), { dedupe: "argmax" }));
controlStoreContract("clickhouse", () => openClickHouseTraceStore(fresh()));

const T0 = Date.UTC(2026, 0, 5, 10);
const call = (i: number, extra: Partial<CallPatch> = {}): CallPatch => ({ id: `id-${i}`, traceId: `t-${i % 10}`, parentId: null, op: "predict:v1", startedAt: T0 + i, endedAt: T0 + i + 100, inputs: { i }, output: { ok: true }, ...extra });
const rows = async (db: string, sql: string) => (await server.sql(db, sql)).replace(/\n$/, "");

describe("clickhouse trace store", () => {
  it("keeps data and schema version across a reopen, and refuses a newer schema", async () => {
    const db = database();
    const a = await openClickHouseTraceStore(server.url(db));
    expect(a.kind).toBe("clickhouse");
    expect(a.server.version).toMatch(/^\d+\.\d+/);
    await a.write([call(1), call(2)]);
    await a.close();
    await expect(a.count()).rejects.toThrow(`the trace store ${a.location} is closed`);
    const b = await openClickHouseTraceStore(server.url(db));
    expect((await b.query({ orderBy: [{ field: "id" }] })).map((c) => c.id)).toEqual(["id-1", "id-2"]);
    await b.close();
    expect(await rows(db, "SELECT max(version) FROM weft_trace_schema")).toBe(String(CLICKHOUSE_TRACE_SCHEMA_VERSION));
    await server.sql(db, "INSERT INTO weft_trace_schema (version) VALUES (99)");
    await expect(openClickHouseTraceStore(server.url(db))).rejects.toThrow(`has schema version 99, newer than version ${CLICKHOUSE_TRACE_SCHEMA_VERSION} that this weft supports`);
  });

  it("never shows the password: not in its location, not in errors", async () => {
    const db = database();
    const store = await openClickHouseTraceStore(server.url(db, PASSWORD_USER));
    expect(store.location).toBe(server.url(db).replace("default@", `${PASSWORD_USER.name}@`));
    await store.write([call(1)]);
    expect(await store.count()).toBe(1);
    await store.close();
    const wrong = server.url(db, { name: PASSWORD_USER.name, password: "not the s3cret" });
    const error = (await openClickHouseTraceStore(wrong).then(() => null, (e: unknown) => e)) as Error;
    expect(error.message).toContain(`ClickHouse at clickhouse://weft@`);
    expect(error.message).not.toContain("not the s3cret");
    expect(error.message).not.toContain("not%20the%20s3cret");
    const refused = (await openClickHouseTraceStore(`clickhouse://weft:${encodeURIComponent(PASSWORD_USER.password)}@127.0.0.1:${await freePort()}/x`).then(() => null, (e: unknown) => e)) as Error;
    expect(refused.message).toMatch(/ECONNREFUSED/);
    expect(refused.message).not.toContain("s3cret");
  });

  it("stores one row per call and version: a retried batch adds a version, never a second call", async () => {
    const db = database();
    const store = await openClickHouseTraceStore(server.url(db));
    const batch = Array.from({ length: 50 }, (_, i) => call(i));
    expect(await store.write(batch)).toEqual({ patches: 50, inserted: 50, merged: 0 });
    expect(await store.write(batch)).toEqual({ patches: 50, inserted: 0, merged: 50 });
    expect(await store.count()).toBe(50);
    expect(await store.stats(undefined, { metrics: {} })).toEqual([{ bucket: 0, count: 50, errors: 0 }]);
    // An older version that matched a JSON or text filter does not make the call match.
    await server.sql(db, "SYSTEM STOP MERGES calls");
    await store.write([call(7, { inputs: { q: "old words" } })]);
    await store.write([call(7, { inputs: { q: "new words" } })]);
    expect(Number(await rows(db, "SELECT count() FROM calls WHERE id = 'id-7'"))).toBeGreaterThan(1);
    for (const [filter, expected] of [[{ where: { $eq: [{ $getField: "inputs.q" }, "old words"] } }, []], [{ text: "old" }, []], [{ where: { $eq: [{ $getField: "inputs.q" }, "new words"] } }, ["id-7"]], [{ text: "new", status: "ok" }, ["id-7"]]] as const) {
      expect((await store.query({ filter })).map((c) => c.id)).toEqual(expected);
      expect(await store.count(filter)).toBe(expected.length);
    }
    await server.sql(db, "SYSTEM START MERGES calls");
    await server.sql(db, "OPTIMIZE TABLE calls FINAL");
    expect(await rows(db, "SELECT count() FROM calls")).toBe("50");
    await store.close();
  });

  it("moves a call whose op or start arrives later, leaving a superseded copy that reads never see", async () => {
    const db = database();
    const store = await openClickHouseTraceStore(server.url(db));
    // Messages from a log record first (no op, no start), then the span.
    await store.write([{ id: "c", inputs: { messages: [{ role: "user", content: "hi" }] } }]);
    expect(await rows(db, "SELECT key_op, key_time FROM calls")).toBe("\t0");
    await store.write([{ id: "c", traceId: "t", op: "openai.chat", startedAt: T0, endedAt: T0 + 5, output: "hello" }]);
    await store.write([{ id: "c", op: "openai.chat:v2" }]);
    expect(await store.count()).toBe(1);
    expect(await store.count({ since: T0, op: "openai.chat" })).toBe(1);
    expect(await store.count({ until: T0 })).toBe(0);
    const [c] = await store.query({ filter: { op: "openai.chat:v2" } });
    expect(c).toMatchObject({ id: "c", op: "openai.chat:v2", startedAt: T0, output: "hello", inputs: { messages: [{ role: "user", content: "hi" }] } });
    expect((await store.stats({ since: T0 - 1000 }, { bucket: "1h", metrics: {} })).map((r) => r.count)).toEqual([1]);
    await server.sql(db, "OPTIMIZE TABLE calls FINAL");
    expect(await rows(db, "SELECT key_op, key_time, superseded FROM calls ORDER BY key_time, superseded")).toBe(`\t0\t1\nopenai.chat\t${T0}\t0`);
    await store.close();
  });

  it("migrates a database of schema version 1: its calls stay, feedback and control documents come", async () => {
    const db = database();
    await server.sql("default", `CREATE DATABASE ${db}`);
    const conn = { command: async (sql: string) => void (await server.sql(db, sql)), column: async (sql: string) => (await rows(db, sql)).split("\n") };
    expect(await migrateClickHouseTraceStore(conn, db, CLICKHOUSE_TRACE_MIGRATIONS.slice(0, 1))).toBe(1);
    await server.sql(db, `INSERT INTO calls (key_op, key_time, id, version, superseded, status, inputs, attributes, usage, search, json_paths, json_values, json_arrays, json_lengths, op, op_name, started_at) VALUES ('predict', ${T0}, 'old', 1, 0, 'running', '{}', '{}', '{}', '', [], [], [], [], 'predict', 'predict', ${T0})`);
    const store = await openClickHouseTraceStore(server.url(db));
    expect(await rows(db, "SELECT max(version) FROM weft_trace_schema")).toBe("2");
    expect(CLICKHOUSE_TRACE_SCHEMA_VERSION).toBe(2);
    expect(await store.count({ op: "predict" })).toBe(1);
    await store.writeFeedback([{ id: "old:note:1", callId: "old", kind: "note", name: "note", value: "kept", author: "ana", authorKind: "human", createdAt: T0, updatedAt: T0 }]);
    await store.changeDocs([{ kind: "rule", id: "r", value: { on: true } }], T0);
    expect(await store.count({ feedback: { kind: "note" } })).toBe(1);
    await store.close();
    // Opening again (another collector) changes nothing.
    const again = await openClickHouseTraceStore(server.url(db));
    expect((await again.feedback(["old"])).map((f) => f.value)).toEqual(["kept"]);
    expect(await again.doc("rule", "r")).toEqual({ kind: "rule", id: "r", value: { on: true }, updatedAt: T0 });
    await again.close();
  });

  it("keeps feedback and control documents that every collector on the database sees; the newest write wins", async () => {
    const url = fresh();
    const [a, b] = await Promise.all([openClickHouseTraceStore(url), openClickHouseTraceStore(url)]);
    expect([keepsFeedback(a), keepsControl(a)]).toEqual([true, true]);
    await a.write([call(1)]);
    const label = { id: "id-1:annotation:topic:ana", callId: "id-1", kind: "annotation", name: "topic", value: "bug", author: "ana", authorKind: "human", createdAt: T0, updatedAt: T0 } as const;
    await a.writeFeedback([label]);
    await b.writeFeedback([{ ...label, value: "billing", createdAt: T0 + 5, updatedAt: T0 + 5 }]);
    await a.writeFeedback([{ ...label, value: "other", createdAt: T0 + 9, updatedAt: T0 + 9 }]);
    for (const s of [a, b]) expect(await s.feedback(["id-1"])).toEqual([{ ...label, value: "other", updatedAt: T0 + 9 }]);
    await b.declareAnnotation({ name: "topic", type: "label", labels: ["bug", "billing", "other"] });
    expect(await a.annotationSchemas()).toEqual([{ name: "topic", type: "label", labels: ["bug", "billing", "other"] }]);
    await a.changeDocs([{ kind: "monitor", id: "m", value: { n: 1 } }], 1);
    await b.changeDocs([{ kind: "monitor", id: "m", value: undefined }], 2);
    expect(await a.doc("monitor", "m")).toBeUndefined();
    await a.changeDocs([{ kind: "monitor", id: "m", value: { n: 3 } }], 3);
    expect(await b.docs("monitor")).toEqual([{ kind: "monitor", id: "m", value: { n: 3 }, updatedAt: 3 }]);
    await Promise.all([a.close(), b.close()]);
    await expect(a.feedback(["id-1"])).rejects.toThrow("is closed");
    await expect(a.writeFeedback([label])).rejects.toThrow("is closed");
    await expect(a.docs("monitor")).rejects.toThrow("is closed");
  });

  it("groups concurrent feedback writes into few inserts", async () => {
    const db = database();
    const store = await openClickHouseTraceStore(server.url(db));
    await Promise.all(Array.from({ length: 40 }, (_, k) => store.writeFeedback([{ id: `c${k}:note:1`, callId: `c${k}`, kind: "note", name: "note", value: `n${k}`, author: "ana", authorKind: "human", createdAt: T0, updatedAt: T0 }])));
    expect(await store.count({ feedback: {} })).toBe(0);
    expect(await store.feedback(Array.from({ length: 40 }, (_, k) => `c${k}`))).toHaveLength(40);
    const parts = Number(await rows(db, "SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'feedback' AND active"));
    expect(parts).toBeLessThan(20);
    await store.close();
  });

  it("merges patches written through two stores (two collectors) on one database", async () => {
    const url = fresh();
    const [a, b] = await Promise.all([openClickHouseTraceStore(url), openClickHouseTraceStore(url)]);
    await a.write([{ id: "x", traceId: "t", op: "predict:v1", startedAt: T0, inputs: { q: 1 } }]);
    await b.write([{ id: "x", endedAt: T0 + 10, output: "done" }]);
    // `a` kept its row of the running call, but `b` wrote since: `a` must read the newer one.
    await a.write([{ id: "x", attributes: { reviewed: true } }]);
    for (const s of [a, b]) {
      const [x] = await s.query({ filter: { ids: ["x"] } });
      expect(x).toMatchObject({ inputs: { q: 1 }, output: "done", endedAt: T0 + 10, attributes: { reviewed: true } });
      expect(await s.count({ status: "ok" })).toBe(1);
    }
    await Promise.all([a.close(), b.close()]);
  });

  it("groups concurrent small writes into few inserts, each caller answered with its own result", async () => {
    const db = database();
    const store = await openClickHouseTraceStore(server.url(db));
    const results = await Promise.all(Array.from({ length: 40 }, (_, k) => store.write([call(k), call(1000 + k)])));
    expect(results.every((r) => r.inserted === 2 && r.merged === 0)).toBe(true);
    expect(await store.count()).toBe(80);
    const parts = Number(await rows(db, "SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'calls' AND active"));
    expect(parts).toBeLessThan(20);
    await store.close();
  });
});

describe("clickhouse stopped mid-ingest behind a collector", () => {
  it.skipIf(!!process.env.WEFT_TEST_CLICKHOUSE_URL)("answers 503 while the server is down, loses nothing acknowledged, doubles nothing retried, and resumes", async () => {
    const db = database();
    const store = await openClickHouseTraceStore(server.url(db), { requestTimeoutMs: 5_000 });
    const collector = await startCollectServer({ store, port: 0 });
    const acked = new Set<string>();
    const statuses: number[] = [];
    const body = (k: number) => ({ calls: Array.from({ length: 100 }, (_, i) => ({ id: `b${k}-${i}`, traceId: `t${k}`, parentId: null, op: "predict:1", inputs: { k, i }, output: { ok: true }, error: null, startedAt: T0 + k * 1000 + i, endedAt: T0 + k * 1000 + i + 50, attributes: {}, usage: {}, cost: null })) });
    const post = (k: number) =>
      fetch(`${collector.url}/api/calls/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body(k)), signal: AbortSignal.timeout(15_000) }).then(
        async (r) => ({ status: r.status, text: await r.text() }),
        () => ({ status: 0, text: "" }),
      );
    let killed = false;
    let restarted: Promise<void> | null = null;
    try {
      const deadline = Date.now() + 90_000;
      for (let k = 0; k < 30 && Date.now() < deadline; ) {
        if (k === 8 && !killed) {
          killed = true;
          // Killed while a batch is in flight.
          const inFlight = post(k);
          await server.kill();
          const r = await inFlight;
          statuses.push(r.status);
          if (r.status === 200) {
            for (let i = 0; i < 100; i++) acked.add(`b${k}-${i}`);
            k++;
          }
          continue;
        }
        const r = await post(k);
        statuses.push(r.status);
        if (r.status === 200) {
          for (let i = 0; i < 100; i++) acked.add(`b${k}-${i}`);
          k++;
          continue;
        }
        // As an OTLP exporter or weft/sdk does: retry the same batch later.
        expect(r.status).toBe(503);
        expect(r.text).toContain("retry later");
        if (statuses.filter((s) => s === 503).length >= 3) restarted ??= server.start();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await restarted;
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(3);
      expect(acked.size).toBe(3000);
      expect(await store.count()).toBe(3000);
      const ids = (await store.query({ orderBy: [{ field: "id" }], limit: 10_000 })).map((c) => c.id);
      expect(new Set(ids)).toEqual(acked);
      expect(ids).toHaveLength(3000);
    } finally {
      await restarted?.catch(() => undefined);
      await collector.close();
    }
  }, 180_000);
});

describe("weft collect and weft calls on clickhouse://", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  });

  it("collects into ClickHouse and reads it back, never printing the password", async () => {
    const db = database();
    const url = server.url(db, PASSWORD_USER);
    const { base, child, output } = await startWeftCollect(["--store", url], children);
    const calls = Array.from({ length: 5 }, (_, i) => ({ id: `cli-${i}`, traceId: "t", parentId: null, op: "predict:1", inputs: { question: `q${i}` }, output: `a${i}`, error: null, startedAt: T0 + i * 1000, endedAt: T0 + i * 1000 + 20 * (i + 1), attributes: {}, usage: {}, cost: null }));
    const posted = await fetch(`${base}/api/calls/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ calls }) });
    expect(posted.status).toBe(200);
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(output()).toContain(`into clickhouse://weft@127.0.0.1:`);
    expect(output()).not.toContain("s3cret");

    const list = spawnSync(process.execPath, ["bin/weft.js", "calls", "--store", url, "--json", "--limit", "3"], { encoding: "utf8", timeout: 60_000 });
    expect(list.stderr).toBe("");
    expect(list.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(["cli-4", "cli-3", "cli-2"]);
    const stats = spawnSync(process.execPath, ["bin/weft.js", "calls", "stats", "--store", url, "--bucket", "1h", "--json"], { encoding: "utf8", timeout: 60_000 });
    expect(JSON.parse(stats.stdout.trim())).toMatchObject({ bucket: T0, count: 5, errors: 0, "latency_ms.avg": 60 });

    const wrong = spawnSync(process.execPath, ["bin/weft.js", "calls", "--store", server.url(db, { name: "weft", password: "wrong s3cret" })], { encoding: "utf8", timeout: 60_000 });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain("ClickHouse at clickhouse://weft@");
    expect(wrong.stderr + wrong.stdout).not.toContain("s3cret");
  }, 120_000);
});
