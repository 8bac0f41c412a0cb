// The DuckDB trace store under load: writes generated production calls (a `predict` root
// with an `openai.chat` child per trace, usage by model, some errors, spread over 30 days)
// in batches through `write`, then times queries and stats over them. Prints its figures.
//
//   npx tsx bench/trace-store/run.ts [--calls 100000] [--batch 1000] [--split] [--recent 20000] [--file path]
//
// `--split` writes every call as two patches (a start, then an end in a later batch), so half
// the patches merge into stored rows, as Weave's call_start / call_end do.

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { openDuckDbTraceStore, type CallPatch } from "../../src/store/node.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const CALLS = Number(arg("calls", "100000"));
const BATCH = Number(arg("batch", "1000"));
const SPLIT = process.argv.includes("--split");
const DAYS = 30;
const END = Date.UTC(2026, 10, 1);
const MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"];

/** A small deterministic PRNG, so every run writes the same calls. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** Calls `i` and `i + 1`: a predict root and its openai.chat child. */
function trace(i: number, r: () => number): CallPatch[] {
  const hex = (n: number) => n.toString(16).padStart(16, "0");
  const start = END - DAYS * 86_400_000 + Math.floor((i / CALLS) * DAYS * 86_400_000);
  const chatMs = 200 + Math.floor(r() * r() * 4000);
  const model = MODELS[Math.floor(r() * MODELS.length)]!;
  const failed = r() < 0.04;
  const question = `How do I reset the password of account ${Math.floor(r() * 1e6)}?`;
  const traceId = `${hex(i)}${hex(i * 7919)}`;
  const usage = { [model]: { requests: 1, inputTokens: 300 + Math.floor(r() * 900), outputTokens: failed ? 0 : 20 + Math.floor(r() * 400) } };
  const child: CallPatch = {
    id: hex(i + 1), traceId, parentId: hex(i), op: "openai.chat", startedAt: start + 5, endedAt: start + 5 + chatMs,
    inputs: { model, messages: [{ role: "system", content: "You are a helpful support agent." }, { role: "user", content: question }], temperature: 0.2 },
    output: failed ? null : { role: "assistant", content: "Open Settings, then Security, then Reset password." },
    error: failed ? { message: "429 Too Many Requests", status: 429 } : null,
    attributes: { "gen_ai.system": "openai", "gen_ai.request.model": model, "service.name": "support-bot" }, usage,
  };
  const root: CallPatch = {
    id: hex(i), traceId, parentId: null, op: "predict:3f9a2c", startedAt: start, endedAt: start + chatMs + 12,
    inputs: { question }, output: failed ? null : { answer: "Open Settings, then Security, then Reset password." },
    error: failed ? { message: "the model call failed" } : null, attributes: { "service.name": "support-bot" },
  };
  return [root, child];
}

/** A patch split into its start (no end, output or usage) and its end. */
function split(p: CallPatch): [CallPatch, CallPatch] {
  const { endedAt, output, error, usage, ...start } = p;
  return [start, { id: p.id, endedAt: endedAt ?? null, output: output ?? null, error: error ?? null, ...(usage ? { usage } : {}) }];
}

const given = process.argv.includes("--file");
const dir = given ? null : mkdtempSync(join(tmpdir(), "weft-bench-traces-"));
const file = dir ? join(dir, "traces.duckdb") : arg("file", "");
const store = await openDuckDbTraceStore(file, { prices: DEFAULT_PRICES, ...(process.argv.includes("--recent") ? { recentRows: Number(arg("recent", "20000")) } : {}) });
const r = rng(42);
let patches = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let pendingEnds: CallPatch[] = [];
for (let i = 0; i < CALLS; i += BATCH) {
  const batch: CallPatch[] = [];
  for (let j = i; j < Math.min(CALLS, i + BATCH); j += 2) batch.push(...trace(j, r));
  if (!SPLIT) {
    await store.write(batch);
    patches += batch.length;
    continue;
  }
  // Starts of this batch with the ends of the previous one: half the batch merges.
  const parts = batch.map(split);
  const out = [...parts.map((p) => p[0]), ...pendingEnds];
  pendingEnds = parts.map((p) => p[1]);
  await store.write(out);
  patches += out.length;
}
if (pendingEnds.length) {
  await store.write(pendingEnds);
  patches += pendingEnds.length;
}
const writeMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(`write: ${CALLS.toLocaleString("en-US")} calls as ${patches.toLocaleString("en-US")} patches in batches of ${BATCH}${SPLIT ? " (starts, then ends)" : ""}: ${(writeMs / 1000).toFixed(2)} s, ${Math.round((CALLS / writeMs) * 1000).toLocaleString("en-US")} calls/s, ${Math.round((patches / writeMs) * 1000).toLocaleString("en-US")} patches/s; process CPU ${(cpuMs / 1000).toFixed(2)} s (${((cpuMs / CALLS) * 1000).toFixed(1)} µs per call, all threads)`);

async function time(label: string, f: () => Promise<unknown>): Promise<void> {
  await f(); // warm
  const runs: number[] = [];
  let result: unknown;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    result = await f();
    runs.push(performance.now() - t);
  }
  const size = Array.isArray(result) ? `${result.length} rows` : String(result);
  console.log(`${label}: ${Math.min(...runs).toFixed(0)} ms (best of 3; ${size})`);
}

await time("count all", () => store.count());
await time("stats auto buckets over 30 days (default metrics)", () => store.stats(undefined, { bucket: "auto" }));
await time("stats 1h buckets by op and model, latency p50/p95/p99, tokens, cost", () => store.stats(undefined, { bucket: "1h", by: ["op", "model"], metrics: { latency_ms: ["p50", "p95", "p99"], tokens: ["sum"], cost: ["sum"] } }));
await time("stats last 7 days, 1d buckets, by model", () => store.stats({ since: END - 7 * 86_400_000, until: END }, { bucket: "1d", by: ["model"] }));
await time("query newest page of errors", () => store.query({ filter: { status: "error" }, limit: 100 }));
await time("query JSON path predicate", () => store.query({ filter: { where: { $eq: [{ $getField: "attributes.gen_ai.request.model" }, "gpt-4o"] } }, limit: 100 }));
await time("count text search", () => store.count({ text: "account 12345" }));
await time("sample 100 (seeded)", () => store.query({ sample: { n: 100, seed: 7 } }));
await store.close();
console.log(`file: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
if (dir) rmSync(dir, { recursive: true, force: true });
