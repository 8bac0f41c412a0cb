// notebooks/production-demo.md end to end: `weft demo traffic` (a real app: the openai SDK
// traced by OpenTelemetry, LLM = the local stub) sends to a collector; the notebook then runs
// headless over the stored calls with no errors, and its evaluate scores the sample. With an
// empty store it still runs, and says how to fill it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import { runNode } from "../fixtures/run-node.ts";
import { openMemoryStore, type TraceStore } from "../../src/store/index.ts";

let dir: string;
let store: TraceStore;
let server: CollectServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-prod-demo-"));
  store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  server = await startCollectServer({ store, port: 0, prices: DEFAULT_PRICES });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the production demo", () => {
  it("runs with no errors on an empty store and says how to fill it", async () => {
    const report = await runNotebook("notebooks/production-demo.md", { calls: store });
    expect(report.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    expect(report.cells.find((c) => c.names.includes("total"))?.value).toEqual({ total: 0 });
    expect(report.cells.some((c) => /None yet: run the two commands above/.test(c.summary))).toBe(true);
  }, 60_000);

  it("charts demo traffic and scores a seeded sample of it with evaluate", async () => {
    // Not spawnSync: the collector answers from this process's event loop.
    const sent = await run(["bin/weft.js", "demo", "traffic", "--url", server.url, "--rate", "40", "--duration", "4", "--seed", "3"]);
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/local OpenAI-protocol stub/);
    const requests = Number(/sent (\d+) requests/.exec(sent.stdout)?.[1]);
    expect(requests).toBe(160);
    // Every request is a handler span, a retrieval span and one or two LLM spans.
    await expect.poll(() => store.count({ op: "POST /tickets" }), { timeout: 15_000 }).toBe(requests);
    const cache = await openMemoryStore();
    const report = await runNotebook("notebooks/production-demo.md", { calls: store, store: cache });
    expect(report.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    const total = report.cells.find((c) => c.names.includes("total"))?.value as { total: number };
    expect(total.total).toBeGreaterThanOrEqual(requests * 3);
    const scored = report.cells.find((c) => c.vary?.name === "scored")?.vary;
    expect(scored?.leaves).toBe(100);
    expect(scored?.errors).toBe(0);
    expect(scored?.computed).toBe(100);
    expect(report.ok).toBe(true);
    // A second run scores nothing again: the call cache keys on the sampled calls.
    const again = await runNotebook("notebooks/production-demo.md", { calls: store, store: cache });
    expect(again.cells.find((c) => c.vary?.name === "scored")?.vary).toMatchObject({ leaves: 100, computed: 0, cached: 100, scorerCalls: 0 });
  }, 120_000);
});

/** Runs a command to completion (bounded), without blocking this process's event loop. */
const run = (args: string[]) => runNode(args);
