// Control documents (rules, monitors, alerts, dataset versions) beside the calls: the same
// contract in memory and in the DuckDB file (and on ClickHouse, in trace-clickhouse.test.ts),
// where they survive a reopen.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryControlStore, openDuckDbTraceStore } from "../../src/store/node.ts";
import { controlStoreContract } from "./control-contract.ts";

const root = mkdtempSync(join(tmpdir(), "weft-control-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

controlStoreContract("memory", async () => memoryControlStore());
controlStoreContract("duckdb", () => openDuckDbTraceStore(join(root, `s${n++}`, "traces.duckdb")));

describe("control documents in the DuckDB file", () => {
  it("survive a reopen", async () => {
    const path = join(root, "reopen", "traces.duckdb");
    const a = await openDuckDbTraceStore(path);
    await a.changeDocs([{ kind: "monitor", id: "m1", value: { enabled: true } }], 5);
    await a.close();
    const b = await openDuckDbTraceStore(path);
    expect(await b.doc("monitor", "m1")).toEqual({ kind: "monitor", id: "m1", value: { enabled: true }, updatedAt: 5 });
    await b.close();
  });
});
