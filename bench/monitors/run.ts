// Monitors (online scoring in the collector): what two monitors cost ingest, how far behind
// they fall under full load and how fast they catch up, and how long a call waits for its
// scores at a low rate. Prints its figures.
//
//   npx tsx bench/monitors/run.ts --quick   # a few minutes: 10 s windows, 1 round, 20 s of latency calls
//   npx tsx bench/monitors/run.ts           # full: 40 s windows, 2 rounds, 60 s of latency calls
//   options: --seconds N  --rounds N  --rate N (latency calls/s)  --latency-seconds N  --drain-seconds N
//
// The server is `node bin/weft.js collect --stub-llm --store FILE` in its own process, on a
// fresh store under bench/.work/monitors/ for every phase; `--stub-llm` starts the local
// OpenAI-protocol stub (~150 ms + up to 250 ms of jitter per answer) inside that process as
// provider "stub", so the judge runs offline and its HTTP server shares the collector's CPU.
// The two monitors, saved over HTTP (`POST /api/monitors`) on the GenAI chat spans
// (`op: ["chat gpt-4o-mini", "chat gpt-4o", "chat gpt-4.1-mini"]`; failed calls are left out by
// the monitors' default status filter):
//   - `output_length`: a code op (the length of the answer's text), sample 1, concurrency 4;
//   - `judge`: `scorers.judge({model: "stub-mini", …})` on the question and the answer,
//     sample 0.1, concurrency 8.
// 1. Ingest: the same load as bench/ingest (its load.ts and otlp-bodies.ts: real OTLP/HTTP
//    protobuf bodies made by the OpenTelemetry SDK, 1,000 spans per request = 500 traces of a
//    `POST /chat` handler and its `chat <model>` span, fresh ids in each, 4 keep-alive
//    connections, one request at a time each), first with no monitor, then with the two, then
//    with none again (a round; the two "off" windows bracket the "on" one, as the machine is
//    shared). At the end of a window with monitors: each monitor's backlog (queued, dropped,
//    running), then the drain: how long until nothing is queued or running (bounded), and
//    scorer runs/s in the window and in the drain.
// 2. Latency to feedback: a fresh collector with the two monitors; one trace (2 spans) per
//    request at a steady rate; for each call, the time from its request's answer (the calls
//    are durable then) until `GET /api/feedback?call=…` shows each monitor's row. One poller
//    asks for every waiting call at once every POLL_MS. The ids are chosen so that the
//    judge's sample draws every chat call (the draw is a hash of the call id), so both
//    monitors have a figure per call. The 2 s settle delay (a call is scored 2 s after its
//    last part arrived) is part of it by design, and printed apart.
// Every phase prints the 1-minute load average before and after it: the machine is shared.

import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createScorers } from "../../src/eval/index.ts";
import { createLlm } from "../../src/llm/index.ts";
import { monitorFeedbackId, monitorOpOf, sampledBy, type MonitorOp } from "../../src/prod/index.ts";
import { asyncCarrier } from "../../src/server/async-carrier.ts";
import { CALL_SETTLE_MS as SETTLE_MS } from "../../src/server/prod-services.ts";
import { createOp } from "../../src/trace/index.ts";
import { drive, type LoadResult, type Payload } from "../ingest/load.ts";
import { bodyWithPrefix, otlpTemplate, type OtlpTemplate } from "../ingest/otlp-bodies.ts";
import { benchArgs } from "../ingest/args.ts";
import { freePort, stopChild } from "../ingest/processes.ts";
import { procCpu, type ProcCpu } from "../ingest/proc-cpu.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WORK = join(ROOT, "bench", ".work", "monitors");
const { arg, flag } = benchArgs();
const QUICK = flag("quick");
const SECONDS = Number(arg("seconds") ?? (QUICK ? 10 : 40));
const WARMUP = QUICK ? 2 : 5;
const CONNECTIONS = 4;
const ROUNDS = Number(arg("rounds") ?? (QUICK ? 1 : 2));
const RATE = Number(arg("rate") ?? 5);
const LATENCY_SECONDS = Number(arg("latency-seconds") ?? (QUICK ? 20 : 60));
/** Longest wait for the monitors' backlog to drain after a load window. */
const DRAIN_SECONDS = Number(arg("drain-seconds") ?? 120);
/** Longest wait for a latency call's feedback after its request was answered. */
const FEEDBACK_TIMEOUT_MS = 60_000;
const POLL_MS = 50;
/** Ingest with monitors must stay within this share of ingest without. */
const GOAL_RATIO = 0.9;

const CHAT_OPS = ["chat gpt-4o-mini", "chat gpt-4o", "chat gpt-4.1-mini"];
const FILTER = { op: CHAT_OPS };

const load = () => loadavg()[0]!.toFixed(2);
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => `${int(n)} ms`;
const met = (ok: boolean) => (ok ? "met" : "MISSED");
const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, t));
const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

// ---------------------------------------------------------------------------------------------
// The collector, in its own process; every child is killed when this process ends, however.

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    killAll();
    process.exit(130);
  });

// A last bound on the whole run (load.ts's requests have no timeout of their own): kill everything and fail.
const WATCHDOG_MS = (QUICK ? 20 : 60) * 60_000;
setTimeout(() => {
  console.error(`\nthe benchmark ran longer than ${WATCHDOG_MS / 60_000} minutes: stopping`);
  killAll();
  process.exit(1);
}, WATCHDOG_MS).unref();

interface Collector {
  readonly url: string;
  readonly child: ChildProcess;
  /** What the collector wrote to stderr (monitor errors are logged there), last 200 lines. */
  readonly stderr: string[];
  stop(): Promise<void>;
}

/** `weft collect --stub-llm` on a fresh store file. */
async function startCollector(name: string): Promise<Collector> {
  const store = join(WORK, `${name}.duckdb`);
  for (const f of [store, `${store}.wal`]) rmSync(f, { force: true });
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "bin", "weft.js"), "collect", "--stub-llm", "--port", String(port), "--store", store], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  const stderr: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr.push(...d.split("\n").filter(Boolean));
    if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
  });
  // `weft collect` exits within 8 s of SIGTERM by itself; 15 s is the bound if it does not.
  const stop = () =>
    stopChild(child, 15_000).then(() => {
      children.delete(child);
      for (const f of [store, `${store}.wal`]) rmSync(f, { force: true });
    });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`weft collect exited with ${child.exitCode}: ${stderr.join("\n")}`);
    if (await fetch(`${url}/weave/health`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false)) return { url, child, stderr, stop };
    await sleep(100);
  }
  await stop();
  throw new Error("weft collect did not start within 30 s");
}

async function api<T = Record<string, unknown>>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

// ---------------------------------------------------------------------------------------------
// The two monitors, made as a notebook makes its ops.

const context = asyncCarrier();
const op = createOp({ now: Date.now, newId: randomUUID, context, sink: { ended() {} } });
// The collector rebuilds the judge with its own providers; here the provider only has to exist.
const llm = createLlm({ providers: [{ name: "stub", baseURL: "http://127.0.0.1:9/v1", apiKey: "stub", models: ["stub-mini"] }], op, context });
const scorers = createScorers({ op, llm });
const outputLength = op("output_length", ({ output }: { output: unknown }) => (typeof output === "string" ? output.length : 0));
const judge = scorers.judge({ model: "stub-mini", rubric: "Does the answer address the customer's question? Answer good or bad.", labels: ["good", "bad"], columns: ["question", "output"] });

interface MonitorDef {
  readonly name: string;
  readonly sample: number;
  readonly concurrency: number;
  readonly op: MonitorOp;
  /** What `POST /api/monitors` is sent. */
  readonly body: Record<string, unknown>;
}
const monitor = (name: string, sample: number, concurrency: number, op: MonitorOp, columns: Record<string, string>, budgetPerDay: number | null): MonitorDef => ({
  name,
  sample,
  concurrency,
  op,
  body: { name, filter: FILTER, sample, columns, concurrency, budgetPerDay, op },
});
const MONITORS: MonitorDef[] = [
  monitor("output_length", 1, 4, monitorOpOf(outputLength), { output: "output.content" }, null),
  // A budget of $5 a day: the stub's models are priced at $0, so it never holds calls back.
  monitor("judge", 0.1, 8, monitorOpOf(judge), { question: "inputs.messages[-1].content", output: "output.content" }, 5),
];

async function addMonitors(c: Collector): Promise<void> {
  for (const m of MONITORS) await api(c.url, "POST", "/api/monitors", m.body);
}

interface Status {
  ran: number;
  errors: number;
  cached: number;
  unsampled: number;
  dropped: number;
  queued: number;
  running: number;
  overBudget: number;
  spent: number;
  lastError: string | null;
  broken: string | null;
}

async function statuses(c: Collector): Promise<Record<string, Status>> {
  const r = await api<{ monitors: { name: string; status: Status }[] }>(c.url, "GET", "/api/monitors");
  return Object.fromEntries(r.monitors.map((m) => [m.name, m.status]));
}

const idle = (s: Status) => s.queued === 0 && s.running === 0 && s.overBudget === 0;

// ---------------------------------------------------------------------------------------------
// 1. Ingest with and without monitors.

interface IngestPhase extends LoadResult {
  readonly label: string;
  readonly loadBefore: string;
  readonly loadAfter: string;
  /** Collector CPU ms per 1,000 spans over the window (JS thread / all threads; the stub LLM runs in it too). */
  readonly cpuMain: number | null;
  readonly cpuTotal: number | null;
  readonly stored: number;
  /** With monitors: their status at the start and the end of the window, after the drain, and the drain. */
  readonly monitors?: {
    readonly atStart: Record<string, Status>;
    readonly atEnd: Record<string, Status>;
    readonly after: Record<string, Status>;
    /** Seconds from the end of the window until each monitor was idle, or null when it was not within DRAIN_SECONDS. */
    readonly drainSeconds: Record<string, number | null>;
    readonly drainWaited: number;
    readonly okChatCalls: number;
    readonly loadAfterDrain: string;
    /** Of a page of scored-looking calls, how many have each monitor's feedback. */
    readonly spotCheck: string;
  };
}

let salt = ((Date.now() & 0x3f) << 24) >>> 0;
function nextPrefixes(): (n: number) => number {
  const base = salt;
  salt = (salt + (1 << 24)) >>> 0;
  return (n) => base + n;
}

async function ingestPhase(template: OtlpTemplate, label: string, withMonitors: boolean, index: number): Promise<IngestPhase> {
  const c = await startCollector(`ingest-${index}-${withMonitors ? "on" : "off"}`);
  try {
    if (withMonitors) await addMonitors(c);
    const prefix = nextPrefixes();
    const loadBefore = load();
    const pid = c.child.pid!;
    let from: ProcCpu | null = null;
    let to: ProcCpu | null = null;
    let atStart: Promise<Record<string, Status>> | null = null;
    const mark = setTimeout(() => {
      from = procCpu(pid);
      if (withMonitors) atStart = statuses(c);
    }, WARMUP * 1000);
    const end = setTimeout(() => (to = procCpu(pid)), (WARMUP + SECONDS) * 1000);
    const r = await drive({ url: `${c.url}/v1/traces`, contentType: "application/x-protobuf", connections: CONNECTIONS, warmupSeconds: WARMUP, seconds: SECONDS, next: (n): Payload => ({ body: bodyWithPrefix(template, prefix(n)), items: template.spans }) });
    const windowEnded = performance.now();
    clearTimeout(mark);
    clearTimeout(end);
    to ??= procCpu(pid);
    const a = from as ProcCpu | null;
    const b = to as ProcCpu | null;
    const per = (x: number) => (r.items ? (x * 1000) / (r.items / 1000) : null);
    const loadAfter = load();
    let monitors: IngestPhase["monitors"];
    if (withMonitors) {
      const atEnd = await statuses(c);
      const drainSeconds: Record<string, number | null> = Object.fromEntries(MONITORS.map((m) => [m.name, idle(atEnd[m.name]!) ? 0 : null]));
      let after = atEnd;
      const deadline = windowEnded + DRAIN_SECONDS * 1000;
      while (Object.values(drainSeconds).some((s) => s === null) && performance.now() < deadline) {
        await sleep(250);
        after = await statuses(c);
        for (const m of MONITORS) if (drainSeconds[m.name] === null && idle(after[m.name]!)) drainSeconds[m.name] = (performance.now() - windowEnded) / 1000;
      }
      const drainWaited = (performance.now() - windowEnded) / 1000;
      after = await statuses(c);
      const okChatCalls = (await api<{ count: number }>(c.url, "POST", "/api/calls/count", { filter: { ...FILTER, status: "ok" } })).count;
      monitors = { atStart: (await (atStart as Promise<Record<string, Status>> | null)) ?? atEnd, atEnd, after, drainSeconds, drainWaited, okChatCalls, loadAfterDrain: load(), spotCheck: await spotCheck(c) };
    }
    const stored = (await api<{ count: number }>(c.url, "POST", "/api/calls/count", {})).count;
    return { ...r, label, loadBefore, loadAfter, cpuMain: a && b ? per(b.main - a.main) : null, cpuTotal: a && b ? per(b.total - a.total) : null, stored, ...(monitors ? { monitors } : {}) };
  } finally {
    if (c.stderr.length) console.log(`  (collector stderr, last of ${c.stderr.length} lines: ${c.stderr.slice(-3).join(" | ").slice(0, 400)})`);
    await c.stop();
  }
}

/** A seeded sample of 200 ok chat calls: how many carry each monitor's feedback (the share of calls scored, not dropped; times the judge's sample). */
async function spotCheck(c: Collector): Promise<string> {
  const { calls } = await api<{ calls: { id: string }[] }>(c.url, "POST", "/api/calls/query", { filter: { ...FILTER, status: "ok" }, sample: { n: 200, seed: 1 } });
  if (!calls.length) return "no calls";
  const q = calls.map((x) => `call=${encodeURIComponent(x.id)}`).join("&");
  const { feedback } = await api<{ feedback: { name: string; value: unknown }[] }>(c.url, "GET", `/api/feedback?${q}`);
  return MONITORS.map((m) => `${m.name} ${feedback.filter((f) => f.name === m.name).length}/${calls.length}`).join(", ");
}

function describeIngest(p: IngestPhase): string {
  const cpu = p.cpuTotal === null ? "" : `; collector CPU per 1,000 spans ${p.cpuMain!.toFixed(1)} ms JS thread, ${p.cpuTotal.toFixed(1)} ms all threads`;
  const failed = p.failed ? `; ${p.failed} failed (${p.firstError})` : "";
  const once = p.stored === p.acknowledged ? "stored = acknowledged" : `MISMATCH: stored ${int(p.stored)}, acknowledged ${int(p.acknowledged)}`;
  return `${p.label.padEnd(22)} ${int(p.perSecond).padStart(7)} spans/s   p50 ${p.p50.toFixed(0)} ms, p99 ${p.p99.toFixed(0)} ms${cpu}${failed}; ${once} (${int(p.stored)}); load ${p.loadBefore} → ${p.loadAfter}`;
}

function describeMonitors(p: IngestPhase): string[] {
  const m = p.monitors!;
  const lines: string[] = [];
  const window = SECONDS;
  lines.push(`  ok chat calls stored: ${int(m.okChatCalls)}; monitors' queues take every call id a batch touched (handlers too), the filter is applied when a batch runs`);
  for (const def of MONITORS) {
    const s0 = m.atStart[def.name]!;
    const s1 = m.atEnd[def.name]!;
    const s2 = m.after[def.name]!;
    const runs = (s: Status) => s.ran + s.errors;
    const inWindow = (runs(s1) - runs(s0)) / window;
    const drained = m.drainSeconds[def.name];
    const drainTime = drained ?? m.drainWaited;
    const inDrain = drainTime > 0 ? (runs(s2) - runs(s1)) / drainTime : 0;
    // Of the ok chat calls stored, the share the monitor saw (scored, or left out by its sample); the rest were dropped or still wait.
    const seen = (s2.ran + s2.errors + s2.unsampled) / m.okChatCalls;
    const broken = s2.broken ? `; BROKEN: ${s2.broken}` : "";
    const err = s2.errors ? `; last error: ${String(s2.lastError).slice(0, 160)}` : "";
    lines.push(
      `  ${def.name.padEnd(14)} end of window: queued ${int(s1.queued)}, running ${s1.running}, dropped ${int(s1.dropped)}, ran ${int(s1.ran)}, errors ${int(s1.errors)}; ` +
        `scorer runs/s ${inWindow.toFixed(1)} in the window, ${inDrain.toFixed(1)} in the drain; ` +
        (drained !== null ? `drained in ${drained.toFixed(1)} s` : `NOT drained after ${m.drainWaited.toFixed(0)} s: queued ${int(s2.queued)}, running ${s2.running}, over budget ${int(s2.overBudget)}`) +
        `; at the end: ran ${int(s2.ran)}, errors ${int(s2.errors)}, unsampled ${int(s2.unsampled)}, cached ${int(s2.cached)}, dropped ${int(s2.dropped)} ids, spent $${s2.spent.toFixed(4)}; saw ${(seen * 100).toFixed(0)}% of the ok chat calls${err}${broken}`,
    );
  }
  lines.push(`  feedback spot check (a seeded sample of 200 ok chat calls): ${m.spotCheck}; load after the drain ${m.loadAfterDrain}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// 2. Latency to feedback.

interface LatencyResult {
  readonly sent: number;
  readonly failed: number;
  readonly ackMs: number[];
  /** Per monitor: ms from the answer to the feedback being readable, per call that got it. */
  readonly latency: Record<string, number[]>;
  readonly missing: Record<string, number>;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly polls: number;
  readonly errors: Record<string, number>;
}

/** Prefixes whose chat call (span 2 of the 2-span template) the judge's sample draws, `n` of them. */
function judgedPrefixes(n: number, start: number): number[] {
  const judgeDef = MONITORS.find((m) => m.name === "judge")!;
  const found: number[] = [];
  for (let p = start; found.length < n && p < start + n * 1000; p++) if (sampledBy({ name: judgeDef.name, sample: judgeDef.sample }, chatId(p))) found.push(p >>> 0);
  if (found.length < n) throw new Error(`found only ${found.length} of ${n} judged ids`);
  return found;
}
/** The chat call's id in a 2-span body: the template's 2nd span id with the request's prefix. */
const chatId = (prefix: number) => `${hex8(prefix)}00000002`;

async function latencyPhase(): Promise<LatencyResult> {
  const template = await otlpTemplate(2);
  const c = await startCollector("latency");
  try {
    await addMonitors(c);
    const n = Math.round(RATE * LATENCY_SECONDS);
    const prefixes = judgedPrefixes(n + 1, (((Date.now() & 0x3f) | 0x40) << 24) >>> 0);
    const post = async (prefix: number): Promise<{ ok: boolean; ackedAt: number; ms: number }> => {
      const t = performance.now();
      try {
        const r = await fetch(`${c.url}/v1/traces`, { method: "POST", headers: { "content-type": "application/x-protobuf" }, body: new Uint8Array(bodyWithPrefix(template, prefix)), signal: AbortSignal.timeout(30_000) });
        await r.arrayBuffer();
        return { ok: r.ok, ackedAt: performance.now(), ms: performance.now() - t };
      } catch {
        return { ok: false, ackedAt: performance.now(), ms: performance.now() - t };
      }
    };
    // One call first, to check the id mapping (and warm the path); it is not measured.
    const probe = await post(prefixes[0]!);
    if (!probe.ok) throw new Error("the probe request failed");
    const found = await api<{ calls: { id: string; op: string }[] }>(c.url, "POST", "/api/calls/query", { filter: { ids: [chatId(prefixes[0]!)] } });
    if (found.calls[0]?.op === undefined || !CHAT_OPS.includes(found.calls[0].op)) throw new Error(`the chat call of the probe is not ${chatId(prefixes[0]!)}: ${JSON.stringify(found.calls)}`);
    // Let the probe's scoring pass (bounded), so it does not overlap the measured calls.
    for (let i = 0; i < 100; i++) {
      const s = await statuses(c);
      if (MONITORS.every((m) => s[m.name]!.ran + s[m.name]!.errors >= 1 && idle(s[m.name]!))) break;
      await sleep(100);
    }

    const loadBefore = load();
    const waiting = new Map<string, { ackedAt: number; left: Set<string> }>();
    const latency: Record<string, number[]> = Object.fromEntries(MONITORS.map((m) => [m.name, []]));
    const errors: Record<string, number> = Object.fromEntries(MONITORS.map((m) => [m.name, 0]));
    const missing: Record<string, number> = Object.fromEntries(MONITORS.map((m) => [m.name, 0]));
    const ackMs: number[] = [];
    let failed = 0;
    let sending = true;
    let polls = 0;
    const feedbackIds = (call: string) => new Map(MONITORS.map((m) => [monitorFeedbackId(m, call), m.name]));
    // One poller for all waiting calls: each round asks for them at once (in chunks of 100).
    const poller = (async () => {
      for (;;) {
        const now = performance.now();
        for (const [call, w] of waiting)
          if (now - w.ackedAt > FEEDBACK_TIMEOUT_MS) {
            for (const name of w.left) missing[name]! += 1;
            waiting.delete(call);
          }
        if (!sending && !waiting.size) return;
        const ids = [...waiting.keys()];
        for (let i = 0; i < ids.length; i += 100) {
          const chunk = ids.slice(i, i + 100);
          let rows: { id: string; callId: string; value: unknown }[] = [];
          try {
            rows = (await api<{ feedback: { id: string; callId: string; value: unknown }[] }>(c.url, "GET", `/api/feedback?${chunk.map((id) => `call=${encodeURIComponent(id)}`).join("&")}`)).feedback;
          } catch {
            continue; // counted as not yet there; the timeout bounds it
          }
          polls++;
          const seen = performance.now();
          for (const f of rows) {
            const w = waiting.get(f.callId);
            if (!w) continue;
            const name = feedbackIds(f.callId).get(f.id);
            if (!name || !w.left.has(name)) continue;
            w.left.delete(name);
            latency[name]!.push(seen - w.ackedAt);
            if (f.value && typeof f.value === "object" && "error" in f.value) errors[name]! += 1;
            if (!w.left.size) waiting.delete(f.callId);
          }
        }
        await sleep(POLL_MS);
      }
    })();
    // Open loop: request k starts at k / RATE seconds, whatever the answers take.
    const t0 = performance.now();
    const sends: Promise<void>[] = [];
    for (let k = 0; k < n; k++) {
      const at = t0 + (k * 1000) / RATE;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      const prefix = prefixes[k + 1]!;
      sends.push(
        post(prefix).then((r) => {
          if (!r.ok) {
            failed++;
            return;
          }
          ackMs.push(r.ms);
          waiting.set(chatId(prefix), { ackedAt: r.ackedAt, left: new Set(MONITORS.map((m) => m.name)) });
        }),
      );
    }
    await Promise.all(sends);
    sending = false;
    await poller;
    return { sent: n, failed, ackMs, latency, missing, loadBefore, loadAfter: load(), polls, errors };
  } finally {
    if (c.stderr.length) console.log(`  (collector stderr, last of ${c.stderr.length} lines: ${c.stderr.slice(-3).join(" | ").slice(0, 400)})`);
    await c.stop();
  }
}

function pct(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

// ---------------------------------------------------------------------------------------------

mkdirSync(WORK, { recursive: true });
const started = performance.now();
const summary: string[] = [];
console.log(`# Monitors (online scoring): ${QUICK ? "quick" : "full"} mode, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`);
console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; 1-min load average at start ${load()}`);
console.log(`monitors: ${MONITORS.map((m) => `${m.name} (sample ${m.sample}, concurrency ${m.concurrency})`).join(", ")} on ${CHAT_OPS.join(" / ")}; settle delay ${SETTLE_MS} ms`);

try {
  console.log(`\n## 1. OTLP/HTTP protobuf ingest, 1,000 spans per request, ${CONNECTIONS} connections, ${SECONDS} s measured after ${WARMUP} s warm-up; ${ROUNDS} round(s) of off / on / off`);
  const template = await otlpTemplate(1000);
  console.log(`template: ${int(template.body.length)} bytes per request (500 traces: a handler span and a chat span each)`);
  const ratios: number[] = [];
  let lastOff: IngestPhase | null = null;
  const cpuRatios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`\nround ${round + 1}:`);
    const before = round === 0 ? await ingestPhase(template, "no monitor", false, 2 * round) : null;
    if (before) console.log(describeIngest(before));
    const on = await ingestPhase(template, "2 monitors", true, 2 * round + 1);
    console.log(describeIngest(on));
    for (const line of describeMonitors(on)) console.log(line);
    const afterOff = await ingestPhase(template, "no monitor (again)", false, 2 * round + 2);
    console.log(describeIngest(afterOff));
    const offs = [before ?? lastOff!, afterOff];
    lastOff = afterOff;
    const offRate = (offs[0]!.perSecond + offs[1]!.perSecond) / 2;
    const ratio = on.perSecond / offRate;
    ratios.push(ratio);
    const offCpu = offs.every((p) => p.cpuTotal !== null) ? (offs[0]!.cpuTotal! + offs[1]!.cpuTotal!) / 2 : null;
    if (offCpu !== null && on.cpuTotal !== null) cpuRatios.push(on.cpuTotal / offCpu);
    const m = on.monitors!;
    const backlog = MONITORS.map((d) => {
      const s1 = m.atEnd[d.name]!;
      const s0 = m.atStart[d.name]!;
      const drained = m.drainSeconds[d.name];
      const drainTime = drained ?? m.drainWaited;
      const s2 = m.after[d.name]!;
      return `${d.name}: ${((s1.ran + s1.errors - s0.ran - s0.errors) / SECONDS).toFixed(1)} runs/s in the window, ${drainTime > 0 ? ((s2.ran + s2.errors - s1.ran - s1.errors) / drainTime).toFixed(1) : "0"} in the drain, queued ${int(s1.queued)} / dropped ${int(s1.dropped)} at the window's end, ${drained !== null ? `drained in ${drained.toFixed(1)} s` : `NOT drained in ${m.drainWaited.toFixed(0)} s (queued ${int(s2.queued)} left)`}`;
    }).join("; ");
    const line = `round ${round + 1}: with 2 monitors ${int(on.perSecond)} spans/s (load ${on.loadBefore} → ${on.loadAfter}) vs ${int(offRate)} without (mean of ${int(offs[0]!.perSecond)} at load ${offs[0]!.loadBefore} → ${offs[0]!.loadAfter} and ${int(offs[1]!.perSecond)} at load ${offs[1]!.loadBefore} → ${offs[1]!.loadAfter}) = ${(ratio * 100).toFixed(0)}%${offCpu !== null && on.cpuTotal !== null ? `; collector CPU per 1,000 spans ${on.cpuTotal.toFixed(1)} vs ${offCpu.toFixed(1)} ms` : ""}; ${backlog}`;
    console.log(line);
    summary.push(line);
  }
  const meanRatio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  summary.push(`ingest with 2 monitors = ${(meanRatio * 100).toFixed(0)}% of without (${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(", ")}); goal ≥ ${GOAL_RATIO * 100}%: ${met(meanRatio >= GOAL_RATIO)}${cpuRatios.length ? `; collector CPU per span with monitors = ${cpuRatios.map((r) => `${(r * 100).toFixed(0)}%`).join(", ")} of without` : ""}`);

  console.log(`\n## 2. Latency to feedback: one trace (2 spans) per request, ${RATE}/s for ${LATENCY_SECONDS} s, polled every ${POLL_MS} ms (bounded at ${FEEDBACK_TIMEOUT_MS / 1000} s per call)`);
  const lat = await latencyPhase();
  console.log(`sent ${lat.sent} requests (${lat.failed} failed), answered p50 ${pct(lat.ackMs, 0.5).toFixed(0)} ms, max ${Math.max(...lat.ackMs).toFixed(0)} ms; ${lat.polls} feedback polls; load ${lat.loadBefore} → ${lat.loadAfter}`);
  const settle = SETTLE_MS;
  for (const m of MONITORS) {
    const xs = lat.latency[m.name]!;
    const fig = (q: number) => pct(xs, q);
    const line = `latency to feedback, ${m.name}: ${xs.length} calls, p50 ${ms(fig(0.5))}, p95 ${ms(fig(0.95))}, max ${ms(Math.max(...xs))}; beyond the ${settle} ms settle delay: p50 ${ms(fig(0.5) - settle)}, p95 ${ms(fig(0.95) - settle)}, max ${ms(Math.max(...xs) - settle)}${lat.missing[m.name] ? `; ${lat.missing[m.name]} MISSING after ${FEEDBACK_TIMEOUT_MS / 1000} s` : ""}${lat.errors[m.name] ? `; ${lat.errors[m.name]} were errors` : ""} (load ${lat.loadBefore} → ${lat.loadAfter})`;
    console.log(line);
    summary.push(line);
  }
  const reported = MONITORS.every((m) => lat.latency[m.name]!.length > 0 && !lat.missing[m.name]);
  summary.push(`latency to feedback reported for both monitors: ${met(reported)}`);
} finally {
  killAll();
}

console.log(`\n## Summary (${((performance.now() - started) / 1000).toFixed(0)} s; load at the end ${load()})`);
for (const line of summary) console.log(`- ${line}`);
