import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { openDuckDbTraceStore, TRACE_SCHEMA_VERSION, type CallPatch } from "../../src/store/node.ts";
import { CONTRACT_PRICES, traceStoreContract } from "./trace-contract.ts";

const root = mkdtempSync(join(tmpdir(), "weft-traces-"));
let n = 0;
const fresh = () => join(root, `store-${n++}`, "traces.duckdb");
afterAll(() => rmSync(root, { recursive: true, force: true }));

traceStoreContract("duckdb", () => openDuckDbTraceStore(fresh(), { prices: CONTRACT_PRICES }));
// Without the in-memory recent rows every merge reads the stored rows back from the file.
traceStoreContract("duckdb without recent rows", () => openDuckDbTraceStore(fresh(), { prices: CONTRACT_PRICES, recentRows: 0 }));

const call = (i: number): CallPatch => ({ id: `id-${i}`, traceId: `t-${i % 100}`, parentId: null, op: "predict:v1", startedAt: 1_700_000_000_000 + i, endedAt: 1_700_000_000_100 + i, inputs: { i, text: "x".repeat(200) }, output: { ok: true } });

async function schemaVersion(path: string): Promise<number> {
  const db = await DuckDBInstance.create(path);
  const conn = await db.connect();
  const v = Number((await conn.runAndReadAll("SELECT version FROM weft_trace_schema")).getRows()[0]![0]);
  conn.closeSync();
  db.closeSync();
  return v;
}

describe("duckdb trace store", () => {
  it("keeps data and schema version across a reopen", async () => {
    const path = fresh();
    const a = await openDuckDbTraceStore(path);
    await a.write([call(1), call(2)]);
    await a.close();
    await expect(a.count()).rejects.toThrow(`the trace store ${path} is closed`);
    expect(await schemaVersion(path)).toBe(TRACE_SCHEMA_VERSION);
    const b = await openDuckDbTraceStore(path);
    expect(b.kind).toBe("duckdb");
    expect(b.location).toBe(path);
    expect((await b.query({ orderBy: [{ field: "id" }] })).map((c) => c.id)).toEqual(["id-1", "id-2"]);
    await b.close();
    expect(await schemaVersion(path)).toBe(TRACE_SCHEMA_VERSION);
  });

  it("merges into rows written before a reopen, few (by index) or many (by scan)", async () => {
    const path = fresh();
    const a = await openDuckDbTraceStore(path);
    await a.write(Array.from({ length: 600 }, (_, i) => ({ ...call(i), endedAt: undefined, output: undefined })));
    await a.close();
    const b = await openDuckDbTraceStore(path);
    for (const [from, to] of [[0, 10], [10, 600]]) {
      const ends: CallPatch[] = Array.from({ length: to - from }, (_, i) => ({ id: `id-${from + i}`, endedAt: 1_700_000_001_000 + from + i, output: `done ${from + i}` }));
      expect(await b.write([...ends, call(1000 + from)])).toEqual({ patches: to - from + 1, inserted: 1, merged: to - from });
    }
    expect(await b.count({ status: "ok" })).toBe(602);
    const [c] = await b.query({ filter: { ids: ["id-599"] } });
    expect(c).toMatchObject({ inputs: { i: 599 }, output: "done 599", endedAt: 1_700_000_001_599, startedAt: 1_700_000_000_599 });
    await b.close();
  });

  it("refuses a file of a newer schema version, leaving it as it was", async () => {
    const path = fresh();
    await (await openDuckDbTraceStore(path)).close();
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    await conn.run("UPDATE weft_trace_schema SET version = 99");
    conn.closeSync();
    db.closeSync();
    await expect(openDuckDbTraceStore(path)).rejects.toThrow(`trace store ${path} has schema version 99, newer than version ${TRACE_SCHEMA_VERSION} that this weft supports; open it with a newer weft, or delete it to start over`);
    expect(await schemaVersion(path)).toBe(99);
  });

  it("refuses a second open in the same process", async () => {
    const path = fresh();
    const a = await openDuckDbTraceStore(path);
    await expect(openDuckDbTraceStore(path)).rejects.toThrow(`the trace store ${path} is already open in this process`);
    await a.close();
    await (await openDuckDbTraceStore(path)).close();
  });

  it("tells a second process that the file is in use", async () => {
    const path = fresh();
    await (await openDuckDbTraceStore(path)).close();
    const holder = spawn(process.execPath, ["--import", "tsx", "-e", `const { DuckDBInstance } = await import("@duckdb/node-api"); const db = await DuckDBInstance.create(${JSON.stringify(path)}); await db.connect(); console.log("holding"); setTimeout(() => {}, 60000);`], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on("data", (d: Buffer) => d.toString().includes("holding") && resolve());
        holder.on("exit", (code) => reject(new Error(`holder exited with ${code}`)));
      });
      await expect(openDuckDbTraceStore(path)).rejects.toThrow(`the trace store ${path} is in use by another process (a running collector?); ask it instead with --url http://127.0.0.1:4318`);
    } finally {
      holder.kill();
    }
  }, 30_000);

  it("answers reads while a large write is in flight", async () => {
    const store = await openDuckDbTraceStore(fresh());
    await store.write(Array.from({ length: 1000 }, (_, i) => call(i)));
    let written = false;
    const writing = store.write(Array.from({ length: 40_000 }, (_, i) => call(1000 + i))).finally(() => (written = true));
    const reads = await Promise.all([store.count(), store.query({ limit: 5 }), store.stats(undefined, { bucket: "1m" })]);
    expect(written).toBe(false);
    expect(reads[0]).toBe(1000);
    expect(reads[1]).toHaveLength(5);
    expect(await writing).toEqual({ patches: 40_000, inserted: 40_000, merged: 0 });
    expect(await store.count()).toBe(41_000);
    await store.close();
  }, 60_000);

  it("bounds the write queue and finishes queued writes on close", async () => {
    const store = await openDuckDbTraceStore(fresh(), { maxPendingWrites: 3 });
    const writes = [0, 1, 2].map((k) => store.write(Array.from({ length: 200 }, (_, i) => call(k * 200 + i))));
    await expect(store.write([call(9999)])).rejects.toThrow(`the trace store ${store.location} has 3 write batches pending (at most 3); retry later`);
    const closing = store.close();
    expect((await Promise.all(writes)).map((r) => r.inserted)).toEqual([200, 200, 200]);
    await closing;
    const again = await openDuckDbTraceStore(store.location);
    expect(await again.count()).toBe(600);
    await again.close();
  });

  it("group-commits the batches that queue: each resolves with its own result, folded in arrival order", async () => {
    const store = await openDuckDbTraceStore(fresh());
    await store.write([call(0)]);
    // A large write in flight; the three after it queue and share the next transaction.
    const first = store.write(Array.from({ length: 5000 }, (_, i) => call(100 + i)));
    await new Promise((resolve) => setImmediate(resolve));
    const queued = [
      store.write([call(1), { ...call(2), endedAt: undefined, output: undefined }]),
      store.write([{ id: "id-2", output: "second" }, call(3), { id: "id-0", output: "zero" }]),
      store.write([{ id: "id-2", output: "third", endedAt: 1_700_000_000_900 }, { id: "id-3", endedAt: null }, { id: "id-1", output: "one" }]),
    ];
    expect(await first).toEqual({ patches: 5000, inserted: 5000, merged: 0 });
    expect(await Promise.all(queued)).toEqual([
      { patches: 2, inserted: 2, merged: 0 },
      { patches: 3, inserted: 1, merged: 2 },
      { patches: 3, inserted: 0, merged: 3 },
    ]);
    const rows = await store.query({ filter: { ids: ["id-0", "id-1", "id-2", "id-3"] }, orderBy: [{ field: "id" }] });
    expect(rows.map((c) => [c.id, c.output, c.endedAt])).toEqual([
      ["id-0", "zero", 1_700_000_000_100],
      ["id-1", "one", 1_700_000_000_101],
      ["id-2", "third", 1_700_000_000_900],
      ["id-3", { ok: true }, null],
    ]);
    expect(await store.count()).toBe(5004);
    await store.close();
  }, 60_000);

  it("a bad batch among queued ones fails alone; the others commit", async () => {
    const store = await openDuckDbTraceStore(fresh());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const first = store.write(Array.from({ length: 2000 }, (_, i) => call(100 + i)));
    await new Promise((resolve) => setImmediate(resolve));
    const results = await Promise.allSettled([
      store.write([call(1)]),
      store.write([call(2), { id: "bad", inputs: cyclic as never }]),
      store.write([call(3), { ...call(1), output: "again" }]),
    ]);
    await first;
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[2]).toEqual({ status: "fulfilled", value: { patches: 2, inserted: 1, merged: 1 } });
    expect((await store.query({ filter: { ids: ["id-1", "id-2", "id-3", "bad"] }, orderBy: [{ field: "id" }] })).map((c) => [c.id, c.output])).toEqual([["id-1", "again"], ["id-3", { ok: true }]]);
    expect(await store.count()).toBe(2002);
    await store.close();
  }, 60_000);

  it("a failed write leaves nothing behind and the next write works", async () => {
    const store = await openDuckDbTraceStore(fresh());
    await store.write([call(1)]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.write([call(2), { id: "bad", inputs: cyclic as never }])).rejects.toThrow();
    await expect(store.write([call(1), { id: "bad2", output: cyclic as never }])).rejects.toThrow();
    expect(await store.write([call(3), { ...call(1), output: "changed" }])).toEqual({ patches: 2, inserted: 1, merged: 1 });
    expect((await store.query({ orderBy: [{ field: "id" }] })).map((c) => [c.id, c.output])).toEqual([["id-1", "changed"], ["id-3", { ok: true }]]);
    await store.close();
  });
});
