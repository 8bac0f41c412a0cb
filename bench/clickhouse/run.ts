// The ClickHouse trace store beside the embedded DuckDB store, on the same generated calls
// (bench/ingest/calls.ts: a predict root and its openai.chat child per trace over 30 days):
// ingest calls/s through `write` as a collector drives it (concurrent batches), the hourly
// stats query, the filtered first page and a few more reads (best of 3 after a warm run),
// with both ways ClickHouse reads each call's newest version (FINAL and argMax), and storage
// per million calls. Prints its figures.
//
//   npx tsx bench/clickhouse/run.ts                 # quick: 1M calls
//   npx tsx bench/clickhouse/run.ts --calls 10000000  # the full run (slow on 2 cores)
//   options: --batch 500 --concurrency 8 --url clickhouse://user:pass@host:8123/db (else a
//   server started from tests/fixtures/clickhouse/) --no-duckdb --no-argmax (skip the argMax
//   reads, which take minutes per read at 10M)
//
// ClickHouse is Debian's 18.16 unless --url names another server.

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { openClickHouseTraceStore, openDuckDbTraceStore, type CallPatch, type StatsRow, type TraceStore } from "../../src/store/node.ts";
import { startClickHouse, type TestClickHouse } from "../../tests/fixtures/clickhouse.ts";
import { DAYS, END, rng, traceCalls } from "../ingest/calls.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const CALLS = Number(arg("calls", "1000000"));
const BATCH = Number(arg("batch", "500"));
const CONCURRENCY = Number(arg("concurrency", "8"));
const DAY = 86_400_000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Writes the generated calls through `write` from `CONCURRENCY` writers, as concurrent collector requests do; returns calls/s and CPU µs per call. */
async function ingest(store: TraceStore): Promise<{ perSecond: number; cpuUsPerCall: number; seconds: number }> {
  const r = rng(42);
  const traces = CALLS / 2;
  const hex = (n: number) => n.toString(16).padStart(16, "0");
  let next = 0;
  const batch = (): CallPatch[] | null => {
    if (next >= traces) return null;
    const out: CallPatch[] = [];
    for (; out.length < BATCH && next < traces; next++) out.push(...traceCalls(next, traces, r, hex));
    return out;
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  let shown = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let b = batch(); b; b = batch()) {
        await store.write(b);
        done += b.length;
        if (done - shown >= CALLS / 10) {
          shown = done;
          process.stderr.write(`  ${store.kind}: ${fmt(done)} calls, ${fmt((done / (performance.now() - t0)) * 1000)}/s\n`);
        }
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (CALLS / ms) * 1000, cpuUsPerCall: (cpu.user + cpu.system) / CALLS, seconds: ms / 1000 };
}

/** The reads every store answers, by name. */
const READS: readonly (readonly [string, (s: TraceStore) => Promise<unknown>])[] = [
  ["hourly stats, 30 days, by op and model (p50/p95/p99 latency, tokens, cost)", (s) => s.stats(undefined, { bucket: "1h", by: ["op", "model"], metrics: { latency_ms: ["p50", "p95", "p99"], tokens: ["sum"], cost: ["sum"] } })],
  ["hourly stats, last 24 h (default metrics)", (s) => s.stats({ since: END - DAY, until: END }, { bucket: "1h" })],
  ["stats, no buckets, by op (p50/p95/p99 latency over all calls)", (s) => s.stats(undefined, { by: ["op"], metrics: { latency_ms: ["p50", "p95", "p99"] } })],
  ["filtered first page: openai.chat errors, last 7 days, newest 100", (s) => s.query({ filter: { op: "openai.chat", status: "error", since: END - 7 * DAY, until: END }, limit: 100 })],
  ["first page, no filter, newest 100", (s) => s.query({ limit: 100 })],
  ["JSON path: attributes.gen_ai.request.model = gpt-4o, first 100", (s) => s.query({ filter: { where: { $eq: [{ $getField: "attributes.gen_ai.request.model" }, "gpt-4o"] } }, limit: 100 })],
  ["count, text search", (s) => s.count({ text: "account 12345" })],
  ["count all", (s) => s.count()],
];

/** Best of 3 after a warm run, in ms, and the last answer; a read whose warm run took over 5 s is timed by that run alone. */
async function time(f: () => Promise<unknown>): Promise<{ ms: number; result: unknown }> {
  const t0 = performance.now();
  let result: unknown = await f();
  const warm = performance.now() - t0;
  if (warm > 5_000) return { ms: warm, result };
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    result = await f();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, result };
}

const size = (v: unknown) => (Array.isArray(v) ? `${v.length} rows` : String(v));

/** The largest relative difference of a column between two stats answers with the same rows. */
function maxRelDiff(a: readonly StatsRow[], b: readonly StatsRow[], column: string): number {
  let worst = 0;
  a.forEach((row, i) => {
    const x = Number(row[column]);
    const y = Number(b[i]?.[column]);
    if (x !== 0) worst = Math.max(worst, Math.abs(x - y) / Math.abs(x));
  });
  return worst;
}

console.log(`bench/clickhouse: ${fmt(CALLS)} calls over ${DAYS} days, batches of ${BATCH}, ${CONCURRENCY} concurrent writers; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const table: string[][] = [];
const answers = new Map<string, unknown>();

if (!process.argv.includes("--no-duckdb")) {
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-ch-duckdb-"));
  const file = join(dir, "traces.duckdb");
  const duck = await openDuckDbTraceStore(file, { prices: DEFAULT_PRICES });
  const w = await ingest(duck);
  console.log(`duckdb ingest: ${fmt(w.perSecond)} calls/s (${w.seconds.toFixed(1)} s; process CPU ${w.cpuUsPerCall.toFixed(1)} µs per call)`);
  for (const [name, read] of READS) {
    const { ms, result } = await time(() => read(duck));
    answers.set(`duckdb ${name}`, result);
    table.push([name, "duckdb", ms.toFixed(0), size(result)]);
  }
  await duck.close();
  console.log(`duckdb storage: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, ${(statSync(file).size / 2 ** 20 / (CALLS / 1e6)).toFixed(0)} MiB per million calls`);
  rmSync(dir, { recursive: true, force: true });
}

const given = arg("url", "");
const server: TestClickHouse | null = given ? null : await startClickHouse();
const url = given || server!.url(`weft_bench_${process.pid}`);
try {
  const ch = await openClickHouseTraceStore(url, { prices: DEFAULT_PRICES });
  console.log(`clickhouse ${ch.server.version} (query parameters: ${ch.server.queryParams ? "yes" : "no, escaped literals"})`);
  const w = await ingest(ch);
  console.log(`clickhouse ingest: ${fmt(w.perSecond)} calls/s (${w.seconds.toFixed(1)} s; Weft's process CPU ${w.cpuUsPerCall.toFixed(1)} µs per call, the server's not counted)`);
  const argmax = process.argv.includes("--no-argmax") ? null : await openClickHouseTraceStore(url, { prices: DEFAULT_PRICES, dedupe: "argmax" });
  const readers = argmax ? ([["clickhouse FINAL", ch], ["clickhouse argMax", argmax]] as const) : ([["clickhouse FINAL", ch]] as const);
  for (const [label, store] of readers) {
    for (const [name, read] of READS) {
      const timed = await time(() => read(store)).catch((e: Error) => e);
      if (timed instanceof Error) {
        table.push([name, label, "-", timed.message.replace(/^ClickHouse at \S+ /, "").slice(0, 60)]);
        continue;
      }
      answers.set(`${label} ${name}`, timed.result);
      table.push([name, label, timed.ms.toFixed(0), size(timed.result)]);
    }
  }
  const bytes = async (optimize: boolean) => {
    if (optimize) for (const t of ["calls", "call_keys"]) await chSql(`OPTIMIZE TABLE ${t} FINAL`);
    const text = await chSql("SELECT table, sum(bytes_on_disk), sum(rows), count() FROM system.parts WHERE database = currentDatabase() AND active GROUP BY table ORDER BY table");
    return text.trim().split("\n").map((l) => l.split("\t"));
  };
  const chSql = async (sql: string) => {
    if (!server) throw new Error("storage figures need the local server (no --url)");
    return server.sql(`weft_bench_${process.pid}`, sql);
  };
  if (server) {
    for (const optimize of [false, true]) {
      const parts = await bytes(optimize);
      const total = parts.reduce((n, p) => n + Number(p[1]), 0);
      console.log(`clickhouse storage${optimize ? " after OPTIMIZE FINAL" : ", as ingested"}: ${(total / 2 ** 20).toFixed(0)} MiB, ${(total / 2 ** 20 / (CALLS / 1e6)).toFixed(0)} MiB per million calls (${parts.map((p) => `${p[0]}: ${(Number(p[1]) / 2 ** 20).toFixed(0)} MiB, ${fmt(Number(p[2]))} rows in ${p[3]} parts`).join("; ")})`);
    }
  }
  await Promise.all([ch.close(), argmax?.close()]);
} finally {
  await server?.dispose();
}

const widths = [0, 1, 2, 3].map((c) => Math.max(...table.map((r) => r[c]!.length), ["read", "store", "ms", "answer"][c]!.length));
const line = (r: readonly string[]) => r.map((v, c) => (c === 2 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join("  ");
console.log(`\n${line(["read", "store", "ms", "answer"])}`);
for (const r of table) console.log(line(r));
for (const read of [READS[0]![0], READS[2]![0]]) {
  const duckStats = answers.get(`duckdb ${read}`) as StatsRow[] | undefined;
  const chStats = answers.get(`clickhouse FINAL ${read}`) as StatsRow[] | undefined;
  if (!duckStats || !chStats) continue;
  const counts = duckStats.length === chStats.length && duckStats.every((r, i) => r.count === chStats[i]!.count && r.errors === chStats[i]!.errors);
  const diffs = ["latency_ms.p50", "latency_ms.p95", "latency_ms.p99", "cost.sum"].filter((c) => c in duckStats[0]!).map((c) => `${c} ${maxRelDiff(duckStats, chStats, c).toExponential(2)}`);
  console.log(`\n${read}, DuckDB vs ClickHouse: ${duckStats.length} vs ${chStats.length} rows, counts and errors ${counts ? "identical" : "DIFFERENT"}; largest relative difference of ${diffs.join(", ")}`);
}
