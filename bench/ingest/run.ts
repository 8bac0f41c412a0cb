// Ingest of production traces, end to end, and queries over a stored month. Prints its figures.
//
//   npx tsx bench/ingest/run.ts --quick    # under 2 minutes: 4 connections, 10 s windows, no floor + map, 1M stored calls
//   npx tsx bench/ingest/run.ts            # full: 4 and 8 connections, 40 s windows, 10M stored calls
//   options: --seconds N  --connections 4,8  --calls N (stored data set)  --no-ingest  --no-queries
//            --clickhouse (also `weft collect --store clickhouse://…` on the same OTLP load, against
//            Debian's server started from tests/fixtures/clickhouse/ or WEFT_TEST_CLICKHOUSE_URL;
//            the 10M-call queries on ClickHouse are bench/clickhouse's)
//
// 1. OTLP/HTTP protobuf over HTTP, spans/s. The bodies are real: the OpenTelemetry SDK's own
//    spans serialized by @opentelemetry/otlp-transformer's ProtobufTraceSerializer (what
//    @opentelemetry/exporter-trace-otlp-proto sends), 1,000 spans per request (a `POST /chat`
//    handler and its `chat <model>` GenAI span per trace), fresh ids in every request
//    (otlp-bodies.ts). Several keep-alive connections send one request at a time each
//    (load.ts). Three servers, each in its own process, take the same load in turn:
//    - the raw floor: a plain Node HTTP server that decodes each body with Weft's decoder
//      (`decodeTraces`) and discards it (floor-server.ts);
//    - the floor plus mapping to call patches (`spansToPatches`), the collector short of the store
//      (full mode only);
//    - `weft collect --store FILE` (bin/weft.js), answering each request once it is durable.
//    After the Weft run, the stored count must equal the spans it acknowledged (exactly once).
// 2. Weft's own JSON (`POST /api/calls/batch`), calls/s, 1,000 calls per request.
// 3. Queries over N stored calls spread over 30 days (10M full, 1M quick), written through the
//    store's `write` in batches of 50,000 into bench/.work/ingest/ (kept and reused by later
//    runs; the generation time is printed and kept beside the file): an hourly stats of p95
//    latency and cost per op, a filtered first page, a count with a JSON-path filter, and the
//    file size per million calls.
// Every phase prints the 1-minute load average before and after it: the machine is shared.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { openDuckDbTraceStore, type CallPatch } from "../../src/store/node.ts";
import { DAYS, END, jsonBodyWithPrefix, jsonTemplate, rng, traceCalls } from "./calls.ts";
import { drive, type LoadResult, type Payload } from "./load.ts";
import { bodyWithPrefix, otlpTemplate } from "./otlp-bodies.ts";
import { benchArgs } from "./args.ts";
import { freePort, stopChild } from "./processes.ts";
import { procCpu, type ProcCpu } from "./proc-cpu.ts";
import { startClickHouse, type TestClickHouse } from "../../tests/fixtures/clickhouse.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WORK = join(ROOT, "bench", ".work", "ingest");
const { arg, flag } = benchArgs();
const QUICK = flag("quick");
const SECONDS = Number(arg("seconds") ?? (QUICK ? 10 : 40));
const WARMUP = QUICK ? 2 : 5;
const CONNECTIONS = (arg("connections") ?? (QUICK ? "4" : "4,8")).split(",").map(Number);
const STORED = Number(arg("calls") ?? (QUICK ? 1_000_000 : 10_000_000));
const GOAL_SPANS = 50_000;
const GOAL_STATS_MS = 300;
const GOAL_PAGE_MS = 50;

const load = () => loadavg()[0]!.toFixed(2);
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const met = (ok: boolean) => (ok ? "met" : "MISSED");

/** A server under test, in its own process. */
interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () => stopChild(child, 60_000);
}

/** The floor server (floor-server.ts), decoding only or decoding and mapping. */
async function startFloor(map: boolean): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "ingest", "floor-server.ts"), ...(map ? ["--map"] : [])], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /listening on (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`the floor server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, stop: stopper(child) };
}

/** `weft collect` on a fresh store file, or on a store URL (a fresh ClickHouse database). */
async function startCollector(store: string): Promise<Server> {
  if (!store.startsWith("clickhouse://")) for (const f of [store, `${store}.wal`]) rmSync(f, { force: true });
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "bin", "weft.js"), "collect", "--port", String(port), "--store", store], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`weft collect exited with ${child.exitCode}`);
    if (await fetch(`${url}/weave/health`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false)) return { url, child, stop: stopper(child) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("weft collect did not start");
}

/** What a load phase measured, with the server's CPU over the measured window. */
interface Phase extends LoadResult {
  readonly loadBefore: string;
  readonly loadAfter: string;
  /** CPU ms per 1,000 items of the server process over the window: its JS thread and all its threads. */
  readonly cpuMain: number | null;
  readonly cpuTotal: number | null;
}

async function phase(server: Server, path: string, contentType: string, connections: number, next: (n: number) => Payload): Promise<Phase> {
  const loadBefore = load();
  let from: ProcCpu | null = null;
  const mark = setTimeout(() => (from = procCpu(server.child.pid!)), WARMUP * 1000);
  let to: ProcCpu | null = null;
  const end = setTimeout(() => (to = procCpu(server.child.pid!)), (WARMUP + SECONDS) * 1000);
  const r = await drive({ url: `${server.url}${path}`, contentType, connections, warmupSeconds: WARMUP, seconds: SECONDS, next });
  clearTimeout(mark);
  clearTimeout(end);
  to ??= procCpu(server.child.pid!);
  const a = from as ProcCpu | null;
  const b = to as ProcCpu | null;
  const per = (x: number) => (r.items ? (x * 1000) / (r.items / 1000) : null);
  return { ...r, loadBefore, loadAfter: load(), cpuMain: a && b ? per(b.main - a.main) : null, cpuTotal: a && b ? per(b.total - a.total) : null };
}

function describe(label: string, p: Phase, unit: string): string {
  const cpu = p.cpuTotal === null ? "" : `; server CPU per 1,000: ${p.cpuMain!.toFixed(1)} ms JS thread, ${p.cpuTotal.toFixed(1)} ms all threads`;
  const failed = p.failed ? `; ${p.failed} failed (${p.firstError})` : "";
  return `${label.padEnd(44)} ${int(p.perSecond).padStart(8)} ${unit}/s   p50 ${p.p50.toFixed(0)} ms, p99 ${p.p99.toFixed(0)} ms${cpu}${failed}; load ${p.loadBefore} → ${p.loadAfter}`;
}

async function count(url: string): Promise<number> {
  const res = await fetch(`${url}/api/calls/count`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  return ((await res.json()) as { count: number }).count;
}

const summary: string[] = [];

async function otlpIngest(): Promise<void> {
  console.log(`\n## OTLP/HTTP protobuf, 1,000 spans per request, ${SECONDS} s measured after ${WARMUP} s warm-up`);
  const t0 = performance.now();
  const template = await otlpTemplate(1000);
  console.log(`template: ${int(template.body.length)} bytes per request (${(template.body.length / template.spans).toFixed(0)} per span), made by the OTel SDK in ${(performance.now() - t0).toFixed(0)} ms`);
  let salt = (Date.now() & 0x7f) << 24;
  for (const connections of CONNECTIONS) {
    console.log(`\n${connections} connections:`);
    const next = () => {
      const base = salt;
      salt = (salt + (1 << 24)) >>> 0;
      return (n: number): Payload => ({ body: bodyWithPrefix(template, base + n), items: template.spans });
    };
    const results: Record<string, Phase> = {};
    const floors = [["floor", "raw floor: HTTP + decodeTraces, discarded", () => startFloor(false)]] as [string, string, () => Promise<Server>][];
    // The collector's work short of the store; left out of the quick mode to keep it short.
    if (!QUICK) floors.push(["map", "floor + spansToPatches (no store)", () => startFloor(true)]);
    for (const [key, label, start] of floors) {
      const server = await start();
      try {
        results[key] = await phase(server, "/v1/traces", "application/x-protobuf", connections, next());
      } finally {
        await server.stop();
      }
      console.log(describe(label, results[key]!, "spans"));
    }
    const store = join(WORK, `otlp-${connections}.duckdb`);
    const weft = await startCollector(store);
    let stored = -1;
    try {
      results.weft = await phase(weft, "/v1/traces", "application/x-protobuf", connections, next());
      stored = await count(weft.url);
    } finally {
      await weft.stop();
    }
    const w = results.weft!;
    console.log(describe("weft collect (durable before each answer)", w, "spans"));
    const fraction = w.perSecond / results.floor!.perSecond;
    const exactly = (stored: number, acknowledged: number) => (stored === acknowledged ? "exactly once: stored = acknowledged" : `MISMATCH: stored ${stored}, acknowledged ${acknowledged}`);
    const once = exactly(stored, w.acknowledged);
    const map = results.map ? { share: `, ${((w.perSecond / results.map.perSecond) * 100).toFixed(0)}% of floor + map`, rate: `; floor + map ${int(results.map.perSecond)}` } : { share: "", rate: "" };
    console.log(`weft = ${(fraction * 100).toFixed(0)}% of the raw floor${map.share}; ${int(w.acknowledged)} spans acknowledged, ${int(stored)} stored (${once})`);
    summary.push(`OTLP protobuf, ${connections} connections: Weft ${int(w.perSecond)} spans/s (load ${w.loadBefore} → ${w.loadAfter}) = ${(fraction * 100).toFixed(0)}% of the raw floor ${int(results.floor!.perSecond)} spans/s (load ${results.floor!.loadBefore} → ${results.floor!.loadAfter})${map.rate}; goal ≥ ${int(GOAL_SPANS)}: ${met(w.perSecond >= GOAL_SPANS)}; ${once}`);
    rmSync(store, { force: true });
    rmSync(`${store}.wal`, { force: true });
    if (clickhouse) {
      const ch = await startCollector(clickhouse.url(`weft_bench_otlp_${connections}_${Date.now()}`));
      let chStored = -1;
      let c: Phase;
      try {
        c = await phase(ch, "/v1/traces", "application/x-protobuf", connections, next());
        chStored = await count(ch.url);
      } finally {
        await ch.stop();
      }
      console.log(describe("weft collect --store clickhouse://", c, "spans"));
      console.log(`clickhouse = ${((c.perSecond / results.floor!.perSecond) * 100).toFixed(0)}% of the raw floor, ${((c.perSecond / w.perSecond) * 100).toFixed(0)}% of the embedded store; ${int(c.acknowledged)} spans acknowledged, ${int(chStored)} stored (${exactly(chStored, c.acknowledged)})`);
      summary.push(`OTLP protobuf, ${connections} connections, ClickHouse store: Weft ${int(c.perSecond)} spans/s (load ${c.loadBefore} → ${c.loadAfter}), beside ${int(w.perSecond)} on the embedded store; ${exactly(chStored, c.acknowledged)}`);
    }
  }
}

async function jsonIngest(): Promise<void> {
  const connections = CONNECTIONS[0]!;
  console.log(`\n## Weft JSON (POST /api/calls/batch), 1,000 calls per request, ${connections} connections`);
  const template = jsonTemplate(1000);
  console.log(`template: ${int(template.body.length)} bytes per request`);
  const store = join(WORK, "json.duckdb");
  const weft = await startCollector(store);
  let p: Phase;
  let stored = -1;
  const base = ((Date.now() & 0x7f) << 24) >>> 0;
  try {
    p = await phase(weft, "/api/calls/batch", "application/json", connections, (n) => ({ body: jsonBodyWithPrefix(template, base + n), items: template.calls }));
    stored = await count(weft.url);
  } finally {
    await weft.stop();
  }
  console.log(describe("weft collect, Weft JSON", p, "calls"));
  const once = stored === p.acknowledged ? "stored = acknowledged" : `MISMATCH: stored ${stored}, acknowledged ${p.acknowledged}`;
  console.log(`${int(p.acknowledged)} calls acknowledged, ${int(stored)} stored (${once})`);
  summary.push(`Weft JSON, ${connections} connections: ${int(p.perSecond)} calls/s (load ${p.loadBefore} → ${p.loadAfter}); ${once}`);
  rmSync(store, { force: true });
  rmSync(`${store}.wal`, { force: true });
}

/** The stored data set of `n` calls: made once through `write` (in batches of 50,000), then reused. */
async function dataSet(n: number): Promise<{ file: string; generated: { seconds: number; load: string; date: string } }> {
  const file = join(WORK, `queries-${n}.duckdb`);
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, "utf8")) as { calls: number; seconds: number; load: string; date: string };
    if (m.calls === n) {
      console.log(`data set: reusing ${file} (${int(n)} calls, generated ${m.date} in ${m.seconds.toFixed(0)} s at load ${m.load})`);
      return { file, generated: m };
    }
  }
  for (const f of [file, `${file}.wal`, meta]) rmSync(f, { force: true });
  console.log(`data set: generating ${int(n)} calls over ${DAYS} days into ${file} …`);
  const loadBefore = load();
  const store = await openDuckDbTraceStore(file, { prices: DEFAULT_PRICES });
  const r = rng(42);
  const traces = n / 2;
  const BATCH = 50_000;
  const t0 = performance.now();
  let next = performance.now() + 30_000;
  const hex = (k: number) => k.toString(16).padStart(16, "0");
  for (let t = 0; t < traces; ) {
    const batch: CallPatch[] = [];
    for (; t < traces && batch.length < BATCH; t++) batch.push(...traceCalls(t, traces, r, hex));
    await store.write(batch);
    if (performance.now() > next) {
      next += 30_000;
      console.log(`  ${int(2 * t)} calls, ${int((2 * t) / ((performance.now() - t0) / 1000))} calls/s, load ${load()}`);
    }
  }
  const written = (performance.now() - t0) / 1000;
  await store.close();
  const seconds = (performance.now() - t0) / 1000;
  const generated = { calls: n, seconds, load: `${loadBefore} → ${load()}`, date: new Date().toISOString().slice(0, 10) };
  writeFileSync(meta, JSON.stringify(generated));
  console.log(`data set: ${int(n)} calls written in ${written.toFixed(0)} s (${int(n / written)} calls/s), closed (checkpointed) after ${seconds.toFixed(0)} s; load ${generated.load}`);
  return { file, generated };
}

async function timed(label: string, goalMs: number | null, f: () => Promise<unknown>): Promise<void> {
  const loadBefore = load();
  let t = performance.now();
  const result = await f();
  const cold = performance.now() - t;
  const runs: number[] = [];
  for (let k = 0; k < 5; k++) {
    t = performance.now();
    await f();
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  const size = Array.isArray(result) ? `${result.length} rows` : String(result);
  const goal = goalMs === null ? "" : `; goal ≤ ${goalMs} ms: ${met(median <= goalMs)}`;
  const line = `${label}: median ${median.toFixed(0)} ms of 5 (best ${runs[0]!.toFixed(0)}, first after opening ${cold.toFixed(0)}; ${size})${goal}; load ${loadBefore} → ${load()}`;
  console.log(line);
  summary.push(`${int(STORED)} stored calls, ${line}`);
}

async function queries(): Promise<void> {
  console.log(`\n## Queries over ${int(STORED)} stored calls (${DAYS} days)`);
  const { file } = await dataSet(STORED);
  const store = await openDuckDbTraceStore(file, { prices: DEFAULT_PRICES });
  try {
    const month = { since: END - DAYS * 86_400_000, until: END };
    await timed("hourly stats of p95 latency and cost per op, 30 days", GOAL_STATS_MS, () => store.stats(month, { bucket: "1h", by: ["op"], metrics: { latency_ms: ["p95"], cost: ["sum"] } }));
    await timed("first page (50, newest first) of openai.chat errors on gpt-4o", GOAL_PAGE_MS, () => store.query({ filter: { op: "openai.chat", status: "error", model: "gpt-4o" }, limit: 50 }));
    await timed("count where attributes.gen_ai.request.model = gpt-4o (JSON path)", null, () => store.count({ where: { $eq: [{ $getField: "attributes.gen_ai.request.model" }, "gpt-4o"] } }));
  } finally {
    await store.close();
  }
  const mib = statSync(file).size / 2 ** 20;
  const line = `store size: ${mib.toFixed(0)} MiB for ${int(STORED)} calls = ${(mib / (STORED / 1e6)).toFixed(0)} MiB per million calls`;
  console.log(line);
  summary.push(line);
}

const PEERS = `
## Published peers (not run here: no Python package registry is reachable from this machine, so Phoenix and Langfuse cannot be installed)
- Arize Phoenix: issue #3027 "[persistence] throughput numbers for sqlite / postgres"
  (https://github.com/Arize-ai/phoenix/issues/3027), closed by a maintainer's comment of 2024-05-13:
  "80 spans / second after testing". The thread gives no backend, hardware, span size or client count.
- Langfuse: no published ingest rate found. Its self-hosting scaling guide
  (https://langfuse.com/self-hosting/scaling) lists minimum sizes (web and worker containers at
  2 CPU / 4 GiB each, plus PostgreSQL, Redis, ClickHouse and blob storage) and says to add worker
  containers when one passes 50% CPU or its ingestion queue grows, but gives no events/s figure.`;

mkdirSync(WORK, { recursive: true });
const started = performance.now();
console.log(`# Ingest (production traces): ${QUICK ? "quick" : "full"} mode, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`);
console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; 1-min load average at start ${load()}`);
const clickhouse: TestClickHouse | null = flag("clickhouse") ? await startClickHouse() : null;
if (clickhouse) console.log(`ClickHouse: ${(await clickhouse.sql("default", "SELECT version()")).trim()} (${clickhouse.local ? "started from tests/fixtures/clickhouse/" : "WEFT_TEST_CLICKHOUSE_URL"})`);
try {
  if (!flag("no-ingest")) {
    await otlpIngest();
    await jsonIngest();
  }
} finally {
  await clickhouse?.dispose();
}
if (!flag("no-queries")) await queries();
console.log(PEERS);
console.log(`\n## Summary (${((performance.now() - started) / 1000).toFixed(0)} s)`);
for (const line of summary) console.log(`- ${line}`);
