// `weft rules` as a real process: on the store file (--store) and through a running collector
// (--url): add, list, backfill (twice: nothing twice), pause, resume, delete; bad input names
// the field and exits 2 (as every failed command).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { productionServices } from "../../src/server/services.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import { keepsControl, type TraceStore } from "../../src/store/index.ts";
import { datasetVersions } from "../../src/prod/index.ts";

let dir: string;
const now = Date.now();

function calls(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, traceId: `t-${prefix}-${i}`, parentId: null, op: "ticket:v1", startedAt: now - 60_000 + i, endedAt: now - 59_000 + i, inputs: { messages: [{ role: "user", content: `q${i}` }] }, output: { content: `a${i}` }, error: null, attributes: {} }));
}

function weft(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/weft.js", ...args], { timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-rules-cli-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft rules", () => {
  it("--store: add, list, backfill twice, pause, resume, delete", async () => {
    const file = join(dir, "store.duckdb");
    const seed = await openDuckDbTraceStore(file, { prices: DEFAULT_PRICES });
    await seed.write(calls("s", 6));
    await seed.close();
    const add = await weft(["rules", "add", "tickets", "--store", file, "--dataset", "ticket-set", "--op", "ticket", "--column", "question=inputs.messages[-1].content", "--column", "answer=output.content"]);
    expect(add.out).toMatch(/^added rule tickets: calls matching \{"op":\["ticket"\]\}/);
    expect(add.code).toBe(0);
    const first = await weft(["rules", "backfill", "tickets", "--store", file, "--since", "-1d"]);
    expect(first.out).toMatch(/rule tickets: 6 calls read, 6 in the sample, 0 could not be mapped; version 1 of ticket-set: \+6 rows/);
    const second = await weft(["rules", "backfill", "tickets", "--store", file, "--since", "-1d"]);
    expect(second.out).toMatch(/nothing new: all 6 rows are already in ticket-set/);
    expect((await weft(["rules", "pause", "tickets", "--store", file])).out).toMatch(/paused rule tickets/);
    const list = await weft(["rules", "list", "--store", file, "--json"]);
    expect(JSON.parse(list.out.trim())).toMatchObject({ name: "tickets", paused: true, added: 6, dataset: "ticket-set" });
    expect((await weft(["rules", "resume", "tickets", "--store", file])).out).toMatch(/resumed rule tickets/);
    const table = await weft(["rules", "list", "--store", file]);
    expect(table.out).toMatch(/tickets\s+active\s+ticket-set/);
    expect((await weft(["rules", "delete", "tickets", "--store", file])).out).toMatch(/deleted rule tickets/);
    expect((await weft(["rules", "list", "--store", file])).out).toMatch(/no curation rules/);
    const store = await openDuckDbTraceStore(file, { prices: DEFAULT_PRICES });
    expect(keepsControl(store)).toBe(true);
    const versions = await datasetVersions(store as TraceStore & Parameters<typeof datasetVersions>[0]).versions("ticket-set");
    await store.close();
    expect(versions.map((v) => [v.n, v.count, v.message, v.author])).toEqual([[1, 6, "rule tickets: backfill +6 calls", "rule tickets"]]);
  }, 120_000);

  it("--url: through a running collector; bad input names the field and exits 2", async () => {
    const store = await openDuckDbTraceStore(join(dir, "url.duckdb"), { prices: DEFAULT_PRICES });
    await store.write(calls("u", 3));
    const server: CollectServer = await startCollectServer({ store, services: productionServices(store, { log: () => {} }), port: 0 });
    try {
      const bad = await weft(["rules", "add", "r", "--url", server.url, "--dataset", "d", "--column", "q=inputs.messages[-1].content", "--sample", "3"]);
      expect(bad.code).toBe(2);
      expect(bad.out).toMatch(/sample: expected a rate in \(0, 1\]/);
      const noColumns = await weft(["rules", "add", "r", "--url", server.url, "--dataset", "d"]);
      expect(noColumns.out).toMatch(/columns: map at least one column/);
      expect((await weft(["rules", "add", "r", "--url", server.url, "--dataset", "d", "--op", "ticket", "--column", "q=inputs.messages[-1].content"])).code).toBe(0);
      const backfill = await weft(["rules", "backfill", "r", "--url", server.url, "--since", "-1h", "--json"]);
      expect(JSON.parse(backfill.out.trim())).toMatchObject({ scanned: 3, added: 3, version: { n: 1, count: 3 } });
      const list = await weft(["rules", "list", "--url", server.url, "--json"]);
      expect(JSON.parse(list.out.trim())).toMatchObject({ name: "r", added: 3 });
      const missing = await weft(["rules", "pause", "nope", "--url", server.url]);
      expect(missing.code).toBe(2);
      expect(missing.out).toMatch(/name: no rule named "nope"/);
    } finally {
      await server.close();
    }
  }, 120_000);
});
