// Control documents (rules, monitors, alerts, dataset versions) beside the calls: the same
// contract in memory and in the DuckDB file, where they survive a reopen.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryControlStore, openDuckDbTraceStore, type ControlStore } from "../../src/store/node.ts";

const root = mkdtempSync(join(tmpdir(), "weft-control-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function contract(name: string, open: () => Promise<ControlStore & { close?(): Promise<void> }>) {
  describe(`control documents: ${name}`, () => {
    it("puts, replaces, lists by kind in id order, and deletes", async () => {
      const s = await open();
      await s.changeDocs([{ kind: "rule", id: "b", value: { n: 1 } }, { kind: "rule", id: "a", value: { n: 2 } }, { kind: "alert", id: "a", value: [1, 2] }], 10);
      await s.changeDocs([{ kind: "rule", id: "b", value: { n: 3 } }], 20);
      expect((await s.docs("rule")).map((d) => [d.id, d.value, d.updatedAt])).toEqual([["a", { n: 2 }, 10], ["b", { n: 3 }, 20]]);
      expect((await s.doc("alert", "a"))?.value).toEqual([1, 2]);
      expect(await s.doc("alert", "zz")).toBeUndefined();
      await s.changeDocs([{ kind: "rule", id: "a", value: undefined }], 30);
      expect((await s.docs("rule")).map((d) => d.id)).toEqual(["b"]);
      await s.close?.();
    });

    it("applies the last change of an id in a batch", async () => {
      const s = await open();
      await s.changeDocs([{ kind: "k", id: "x", value: 1 }, { kind: "k", id: "x", value: 2 }, { kind: "k", id: "y", value: 1 }, { kind: "k", id: "y", value: undefined }], 1);
      expect((await s.docs("k")).map((d) => [d.id, d.value])).toEqual([["x", 2]]);
      await s.close?.();
    });
  });
}

contract("memory", async () => memoryControlStore());
contract("duckdb", () => openDuckDbTraceStore(join(root, `s${n++}`, "traces.duckdb")));

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
