// The browser reaches production calls through the collector's HTTP API; `weft run` reads the
// store directly. Both must give the same answers: the same calls, counts and stats for the
// same filters, and the same values in a notebook that uses calls().
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { httpCallsBackend, type CallsBackend } from "../../src/prod/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { CallFilter, CallPatch, StatsSpec, TraceStore } from "../../src/store/index.ts";

let dir: string;
let store: TraceStore;
let server: CollectServer;
let http: CallsBackend;
const T0 = Date.UTC(2026, 10, 20, 9);

/** A day of a small app's calls: predict roots with a chat child each, some slow, some failing. */
function seed(): CallPatch[] {
  const out: CallPatch[] = [];
  for (let i = 0; i < 240; i++) {
    const t = T0 + i * 6 * 60_000;
    const model = i % 3 ? "gpt-4o-mini" : "gpt-4.1-mini";
    const failed = i % 17 === 0;
    out.push({ id: `p${i}`, traceId: `t${i}`, parentId: null, op: "predict:v1", startedAt: t, endedAt: t + 900 + (i % 11) * 70, inputs: { question: `question ${i} ${i % 5 ? "refund" : "crash"}` }, output: failed ? null : { label: i % 5 ? "billing" : "bug" }, error: failed ? { message: "upstream 500" } : null, attributes: { "service.name": i % 2 ? "bot-a" : "bot-b" } });
    out.push({ id: `c${i}`, traceId: `t${i}`, parentId: `p${i}`, op: "openai.chat", startedAt: t + 10, endedAt: t + 400 + (i % 7) * 90, inputs: { messages: [{ role: "user", content: `question ${i}` }] }, output: { role: "assistant", content: i % 5 ? "billing" : "bug" }, error: null, attributes: {}, usage: { [model]: { requests: 1, inputTokens: 40 + (i % 9), outputTokens: 2 + (i % 4) } } });
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-api-"));
  store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  await store.write(seed());
  server = await startCollectServer({ store, port: 0 });
  http = httpCallsBackend(fetch, server.url);
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const filters: CallFilter[] = [
  {},
  { op: "openai.chat" },
  { op: "predict", status: "error" },
  { model: "gpt-4.1-mini", since: T0 + 3_600_000, until: T0 + 10 * 3_600_000 },
  { text: "refund", parentId: null },
  { where: { $and: [{ $gt: [{ $getField: "latency_ms" }, 600] }, { $eq: [{ $getField: "attributes.service.name" }, "bot-a"] }] } },
  { parent: { op: "predict", where: { $contains: { input: { $getField: "inputs.question" }, substr: "crash" } } } },
];

describe("the HTTP query API answers as the store does", () => {
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))("query and count: %s", async (_, filter) => {
    for (const query of [{ filter, limit: 50 }, { filter, limit: 20, offset: 10, orderBy: [{ field: "latency_ms", direction: "desc" as const }, { field: "id" }] }, { filter, sample: { n: 15, seed: 3 } }]) {
      expect(await http.query(query)).toEqual(await store.query(query));
    }
    expect(await http.count(filter)).toBe(await store.count(filter));
  });

  it.each<StatsSpec>([{ bucket: "1h", by: ["op"] }, { bucket: "auto", by: ["model"], metrics: { latency_ms: ["p50", "p95", "p99"], cost: ["sum", "avg"] } }, {}])("stats: %j", async (spec) => {
    for (const filter of filters.slice(0, 4)) expect(await http.stats(filter, spec)).toEqual(await store.stats(filter, spec));
  });

  it("a notebook using calls() gives the same values through the collector as on the store", async () => {
    const file = join(dir, "prod.md");
    writeFileSync(file, ["# prod", "", "```js", 'const c = calls({op: "openai.chat", since: ' + T0 + "})", "```", "", "```js", "const n = await c.count()", "```", "", "```js", 'const slow = (await c.table({limit: 5, orderBy: "latency_ms desc"})).objects().map((r) => [r.call, r.latency_ms, r.model])', "```", "", "```js", 'const perHour = (await c.stats({bucket: "1h", by: ["model"]})).objects().length', "```", ""].join("\n"));
    const direct = await runNotebook(file, { calls: store });
    const viaHttp = await runNotebook(file, { calls: http });
    expect(direct.ok).toBe(true);
    const values = (r: typeof direct) => r.cells.map((c) => c.value);
    expect(values(viaHttp)).toEqual(values(direct));
    expect(values(direct)).toContainEqual({ n: 240 });
  });
});
