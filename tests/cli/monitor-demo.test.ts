// notebooks/monitor-demo.md end to end: the notebook enables its two monitors (a topic op and
// an LLM judge on the local stub) in a real collector; `weft demo traffic` (the openai SDK
// traced by OpenTelemetry) sends calls; the collector classifies and grades them as they
// arrive; the notebook's backfill waits for approval; a second run plots the graded calls.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { httpCallsBackend } from "../../src/prod/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { productionServices } from "../../src/server/services.ts";
import { startLoopbackServer, type LoopbackServer } from "../../src/server/stub-llm.ts";
import { runNode } from "../fixtures/run-node.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";

let dir: string;
let server: CollectServer;
let stub: LoopbackServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-monitor-demo-"));
  stub = await startLoopbackServer({ models: ["stub-mini", "stub-large"] });
  const store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  const services = productionServices(store, { providers: [{ name: "stub", baseURL: stub.baseURL, apiKey: "stub", models: ["stub-mini", "stub-large"] }], log: () => {} });
  server = await startCollectServer({ store, services, port: 0, prices: DEFAULT_PRICES });
});

afterAll(async () => {
  await server.close();
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

type Monitor = { name: string; op: { version: string }; status: Record<string, number> };
const monitors = async (): Promise<Monitor[]> => ((await (await fetch(`${server.url}/api/monitors`)).json()) as { monitors: Monitor[] }).monitors;

describe("the monitor demo", () => {
  it("enables its monitors, which classify and grade new traffic in the collector; a re-run plots the scores", async () => {
    const calls = httpCallsBackend(fetch, server.url);
    const first = await runNotebook("notebooks/monitor-demo.md", { calls });
    expect(first.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    expect((await monitors()).map((m) => m.name).sort()).toEqual(["helpful", "topic"]);
    expect(first.cells.some((c) => /None yet: send traffic/.test(c.text.join("\n") + c.summary))).toBe(true);
    // The backfill waits: nothing is approved by a headless run.
    expect(first.cells.some((c) => /Status:\s+(\*\*)?awaiting-approval[^]*Status:\s+(\*\*)?awaiting-approval/.test(c.text.join("\n") + c.summary))).toBe(true);

    const judged = stub.stats.requests;
    const sent = await run(["bin/weft.js", "demo", "traffic", "--url", server.url, "--rate", "40", "--duration", "3", "--seed", "5"]);
    expect(sent.status, sent.stderr).toBe(0);
    // Every request drafts a reply (one gpt-4.1-mini call) unless its classification failed; wait for the monitors to finish them.
    let ms: Monitor[] = [];
    await expect
      .poll(async () => {
        ms = await monitors();
        const t = ms.find((m) => m.name === "topic")!.status;
        const h = ms.find((m) => m.name === "helpful")!.status;
        return t.ran > 50 && t.queued === 0 && h.queued === 0 && h.running === 0 && h.ran + h.errors + h.unsampled === t.ran + t.errors;
      }, { timeout: 30_000, interval: 200 })
      .toBe(true);
    const t = ms.find((m) => m.name === "topic")!.status;
    const h = ms.find((m) => m.name === "helpful")!.status;
    expect(t.errors).toBe(0);
    expect(h.errors).toBe(0);
    // The judge ran on the stub once per sampled call, and the sample took about half.
    expect(stub.stats.requests - judged).toBe(h.ran);
    expect(h.ran / t.ran).toBeGreaterThan(0.3);
    expect(h.ran / t.ran).toBeLessThan(0.7);

    // Running the notebook again enables the same monitors (nothing changes) and plots the graded calls.
    const second = await runNotebook("notebooks/monitor-demo.md", { calls });
    expect(second.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    const after = await monitors();
    expect(after.map((m) => m.op.version).sort()).toEqual(ms.map((m) => m.op.version).sort());
    const graded = second.cells.find((c) => c.names.includes("byTopic"));
    const rows = (graded?.value as { byTopic: { topic: string; score: number }[] }).byTopic;
    expect(rows).toHaveLength(h.ran);
    // Every graded reply has its topic (the topic monitor ran on every call) and a score in [0, 1].
    expect(new Set(rows.map((r) => r.topic)).size).toBeGreaterThan(1);
    for (const r of rows) {
      expect(["billing", "bug", "account", "other"]).toContain(r.topic);
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    expect(second.cells.some((c) => c.text.join(" ").includes(`${h.ran} graded replies`))).toBe(true);
    // The chart's data: mean scores per topic and bucket, over every graded reply.
    const means = (second.cells.find((c) => c.names.includes("meanScores"))?.value as { meanScores: { topic: string; mean: number; n: number }[] }).meanScores;
    expect(means.reduce((a, d) => a + d.n, 0)).toBe(h.ran);
    expect(second.cells.find((c) => /Plot\.plot/.test(c.summary) || c.text.some((t) => /svg|figure/.test(t)))?.status ?? "fulfilled").not.toBe("error");
    expect(stub.stats.requests - judged).toBe(h.ran);
  }, 120_000);
});

/** Runs a command to completion (bounded), without blocking this process's event loop. */
const run = (args: string[]) => runNode(args);
