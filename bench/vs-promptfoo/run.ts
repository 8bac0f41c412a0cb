// bench/vs-promptfoo: Weft and promptfoo run the same matrix against the same loopback
// OpenAI-protocol server (100 ms per request): 200 prompts × 2 models × 3 trials = 1,200
// chat calls, at concurrency 4 and 32. For each tool and concurrency, three runs, each a
// fresh process:
//   cold    empty cache: every call goes to the server;
//   cached  the same matrix again: everything from the tool's cache;
//   edited  the large model's prompt changed: only its 600 calls should reach the server;
//   nocache promptfoo only: cold again with --no-cache, its throughput without the disk cache
//           (keyv-file's `await set()` waits its 100 ms write delay inside each call's slot).
// Figures: process wall time, the server-side span of the calls and calls/s over it, each
// against the limit concurrency / latency; the in-process time; calls the server received;
// the peak RSS of the tool's process. The server also checks that both tools sent the same
// requests, and a probe preloaded into both records every socket they open.
//
// promptfoo is installed from npm into bench/vs-promptfoo/node_modules (not a Weft
// dependency). Its config dir, cache and HOME live in bench/.work/vs-promptfoo; telemetry,
// update checks, sharing and remote generation are disabled, and HTTP(S)_PROXY points at a
// local sink that refuses and records anything it still tries to reach outside 127.0.0.1.
//
// Run: npm run bench:promptfoo   (not a timed test). Env: CONCURRENCY=4,32 ROWS=200 TRIALS=3
// LATENCY_MS=100 ONLY=weft|promptfoo.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer as createTcpServer, type Socket } from "node:net";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { promptfooEnv, sinkEnv } from "../promptfoo-env.ts";
import { stringify } from "yaml";
import { defaultReply, startLoopbackServer, type ChatRequest } from "../../tests/fixtures/openai-server.ts";
import { MODELS, PROMPTFOO_PROMPTS, questions } from "./matrix.ts";

const root = path.resolve(import.meta.dirname, "../..");
const here = path.join(root, "bench/vs-promptfoo");

// Weft runs as compiled JavaScript, as promptfoo does (a release ships a bundle, not tsx):
// weft-run.ts is bundled once with esbuild, its npm packages left external.
let bundled: Promise<string> | null = null;
function weftBundle(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import("esbuild");
    const outfile = path.join(root, "bench/.work/weft-bundle/weft-run.mjs");
    await build({ entryPoints: [path.join(here, "weft-run.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "warning" });
    return outfile;
  })();
  return bundled;
}
const work = path.join(root, "bench/.work/vs-promptfoo");
const promptfooMain = path.join(here, "node_modules/promptfoo/dist/src/entrypoint.js");
const concurrencies = (process.env.CONCURRENCY ?? "4,32").split(",").map(Number);
const rows = Number(process.env.ROWS ?? 200);
const trials = Number(process.env.TRIALS ?? 3);
const latencyMs = Number(process.env.LATENCY_MS ?? 100);
const only = process.env.ONLY;
const tools = (["weft", "promptfoo"] as const).filter((t) => !only || t === only);
type Tool = (typeof tools)[number];
type Phase = "cold" | "cached" | "edited" | "nocache";
const totalCalls = rows * MODELS.length * trials;

/** One run's figures. */
interface Run {
  tool: Tool;
  phase: Phase;
  concurrency: number;
  wallMs: number;
  /** Time inside the tool, without process start-up and imports: Weft's own timer; promptfoo's reported evaluation duration. */
  inProcessMs: number | null;
  calls: number;
  /** First call's arrival to the last call's answer, at the server. */
  spanMs: number;
  peakInFlight: number;
  rssKb: number | null;
  /** Results the tool reported, and how many were errors. */
  results: number;
  errors: number;
  /** Digest of the (model, prompt) multiset the server received, to compare the tools. */
  requests: string;
  sockets: { loopback: number; pipes: number; other: string[] };
}

// ---------------------------------------------------------------------------------------
// The loopback server, with a reply hook that timestamps each answer.

let replyTimes: number[] = [];
const server = await startLoopbackServer({
  latencyMs,
  models: [...MODELS],
  reply: (request: ChatRequest) => {
    replyTimes.push(performance.now());
    return defaultReply(request);
  },
});

// A sink for anything a tool tries to reach beyond 127.0.0.1: both children get it as their
// HTTP(S) proxy (NO_PROXY exempts the loopback server). It records the CONNECT target or the
// request line, answers 403 and closes, so nothing ever leaves the machine.
const outsideAttempts: string[] = [];
const sink = createTcpServer((socket: Socket) => {
  socket.once("data", (data) => {
    outsideAttempts.push(data.toString("latin1").split("\r\n")[0]!.replace(/^(CONNECT|GET|POST|PUT) /, "").replace(/ HTTP\/1\.[01]$/, ""));
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  });
  socket.on("error", () => undefined);
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;

// ---------------------------------------------------------------------------------------
// Running one tool once.

function ensurePromptfoo(): string {
  if (!existsSync(promptfooMain)) {
    console.error("… installing promptfoo into bench/vs-promptfoo (npm ci)");
    const r = spawnSync("npm", ["ci", "--prefix", here, "--no-audit", "--no-fund"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("npm ci in bench/vs-promptfoo failed; promptfoo cannot run");
  }
  return JSON.parse(readFileSync(path.join(here, "node_modules/promptfoo/package.json"), "utf8")).version as string;
}

async function promptfooConfig(dir: string, phase: Phase): Promise<string> {
  const provider = (model: string, prompt: string) => ({ id: `openai:chat:${model}`, label: model, prompts: [prompt], config: { apiBaseUrl: server.baseURL, apiKey: "sk-bench" } });
  const config = {
    description: "bench/vs-promptfoo",
    prompts: [
      { id: "small", label: "small", raw: PROMPTFOO_PROMPTS.small },
      { id: "large", label: "large", raw: phase === "edited" ? PROMPTFOO_PROMPTS.largeEdited : PROMPTFOO_PROMPTS.large },
    ],
    providers: [provider("test-small", "small"), provider("test-large", "large")],
    tests: questions(rows).map((vars) => ({ vars })),
  };
  const file = path.join(dir, `promptfooconfig-${phase === "edited" ? "edited" : "base"}.yaml`);
  await writeFile(file, stringify(config));
  return file;
}

function exec(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; log: string }): Promise<{ code: number; stdout: string; stderr: string; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", async (code) => {
      const wallMs = performance.now() - started;
      await writeFile(options.log, `$ ${command} ${args.join(" ")}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
      resolve({ code: code ?? 1, stdout, stderr, wallMs });
    });
  });
}

async function runOnce(tool: Tool, phase: Phase, concurrency: number): Promise<Run> {
  const dir = path.join(work, `${tool}-c${concurrency}`);
  const probeFile = path.join(dir, `probe-${phase}.jsonl`);
  await rm(probeFile, { force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: `--require ${path.join(here, "probe.cjs")}`,
    PROBE_FILE: probeFile,
    ...sinkEnv(sinkUrl),
  };
  const chatsBefore = server.stats.chats.length;
  server.stats.peakInFlight = 0;
  replyTimes = [];
  let inProcessMs: number | null = null;
  let results = 0;
  let errors = 0;
  let wallMs: number;
  if (tool === "weft") {
    const args = [await weftBundle(), "--base-url", server.baseURL, "--store", path.join(dir, "lmdb"), "--concurrency", String(concurrency), "--rows", String(rows), "--trials", String(trials), "--variant", phase === "edited" ? "edited" : "base"];
    const r = await exec(process.execPath, args, { cwd: root, env, log: path.join(dir, `${phase}.log`) });
    if (r.code !== 0) throw new Error(`weft ${phase} (c=${concurrency}) exited ${r.code}:\n${r.stderr.slice(-2000)}`);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { runMs: number; leaves: number; errors: number };
    inProcessMs = out.runMs;
    results = out.leaves;
    errors = out.errors;
    wallMs = r.wallMs;
  } else {
    const home = path.join(dir, "home");
    await mkdir(home, { recursive: true });
    Object.assign(env, promptfooEnv(dir));
    const config = await promptfooConfig(dir, phase);
    const output = path.join(dir, `results-${phase}.json`);
    const args = [promptfooMain, "eval", "-c", config, "-j", String(concurrency), "--repeat", String(trials), "--no-progress-bar", "--no-table", "--no-share", "-o", output, ...(phase === "nocache" ? ["--no-cache"] : [])];
    const r = await exec(process.execPath, args, { cwd: dir, env, log: path.join(dir, `${phase}.log`) });
    if (r.code !== 0 && !existsSync(output)) throw new Error(`promptfoo ${phase} (c=${concurrency}) exited ${r.code}:\n${(r.stdout + r.stderr).slice(-2000)}`);
    const stats = JSON.parse(readFileSync(output, "utf8")).results.stats as { successes: number; failures: number; errors: number; durationMs?: number; evaluationDurationMs?: number };
    inProcessMs = stats.evaluationDurationMs ?? stats.durationMs ?? null;
    results = stats.successes + stats.failures + stats.errors;
    errors = stats.errors;
    wallMs = r.wallMs;
  }
  const chats = server.stats.chats.slice(chatsBefore);
  const requests = createHash("sha256")
    .update(chats.map((c) => `${c.model}\n${c.messages.map((m) => `${m.role}: ${m.content}`).join("\n")}`).sort().join("\n\n"))
    .digest("hex")
    .slice(0, 12);
  const probe = existsSync(probeFile) ? readFileSync(probeFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
  const sockets = { loopback: 0, pipes: 0, other: [] as string[] };
  for (const p of probe) {
    if (!p.connect) continue;
    if (p.connect.path) sockets.pipes++;
    else if (["127.0.0.1", "localhost", "::1"].includes(p.connect.host)) sockets.loopback++;
    else sockets.other.push(`${p.connect.host}:${p.connect.port}`);
  }
  const rss = probe.filter((p) => p.exit).map((p) => p.maxRssKb as number);
  const spanMs = replyTimes.length ? Math.max(...replyTimes) - Math.min(...replyTimes) + latencyMs : 0;
  return { tool, phase, concurrency, wallMs, inProcessMs, calls: chats.length, spanMs, peakInFlight: server.stats.peakInFlight, rssKb: rss.length ? Math.max(...rss) : null, results, errors, requests, sockets };
}

// ---------------------------------------------------------------------------------------
// The runs, then the report.

let promptfooVersion = "";
if (tools.includes("promptfoo")) promptfooVersion = ensurePromptfoo();
const runs: Run[] = [];
for (const concurrency of concurrencies) {
  for (const tool of tools) {
    await rm(path.join(work, `${tool}-c${concurrency}`), { recursive: true, force: true });
    await mkdir(path.join(work, `${tool}-c${concurrency}`), { recursive: true });
    for (const phase of tool === "promptfoo" ? (["cold", "cached", "edited", "nocache"] as const) : (["cold", "cached", "edited"] as const)) {
      console.error(`… ${tool} c=${concurrency} ${phase}`);
      const run = await runOnce(tool, phase, concurrency);
      console.error(`  ${(run.wallMs / 1000).toFixed(2)} s, ${run.calls} calls, peak ${run.peakInFlight} in flight, ${run.rssKb ? Math.round(run.rssKb / 1024) : "?"} MB`);
      runs.push(run);
    }
  }
}
await server.close();
await new Promise((r) => sink.close(r));

const get = (tool: Tool, phase: Phase, c: number) => runs.find((r) => r.tool === tool && r.phase === phase && r.concurrency === c);
const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? "—" : (ms / 1000).toFixed(2));
const pct = (x: number) => `${Math.round(x * 100)}%`;
const lines: string[] = [];
const out = (l = "") => lines.push(l);
out(`bench/vs-promptfoo: ${rows} prompts × ${MODELS.length} models × ${trials} trials = ${totalCalls} calls, loopback server at ${latencyMs} ms per call`);
out(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; promptfoo ${promptfooVersion || "not run"}; ${new Date().toISOString().slice(0, 10)}`);
for (const c of concurrencies) {
  const limit = c / (latencyMs / 1000);
  const idealMs = (totalCalls / limit) * 1000;
  out();
  out(`concurrency ${c}: limit ${limit} calls/s (${c} / ${latencyMs / 1000} s); ${totalCalls} calls take at least ${s(idealMs)} s`);
  const col = (label: string, f: (t: Tool) => string) => out(`  ${label.padEnd(34)}${tools.map((t) => f(t).padStart(22)).join("")}`);
  col("", (t) => t);
  col("cold wall s (% of limit)", (t) => {
    const r = get(t, "cold", c)!;
    return `${s(r.wallMs)} (${pct(idealMs / r.wallMs)})`;
  });
  col("cold calls/s over the span (% lim)", (t) => {
    const r = get(t, "cold", c)!;
    const rate = r.calls / (r.spanMs / 1000);
    return `${rate.toFixed(1)} (${pct(rate / limit)})`;
  });
  col("cold calls/s over wall (% lim)", (t) => {
    const r = get(t, "cold", c)!;
    const rate = r.calls / (r.wallMs / 1000);
    return `${rate.toFixed(1)} (${pct(rate / limit)})`;
  });
  col("cold calls at server, peak in flight", (t) => `${get(t, "cold", c)!.calls}, ${get(t, "cold", c)!.peakInFlight}`);
  col("cached re-run wall s (in-process)", (t) => `${s(get(t, "cached", c)!.wallMs)} (${s(get(t, "cached", c)!.inProcessMs)})`);
  col("cached re-run calls at server", (t) => String(get(t, "cached", c)!.calls));
  col("edited re-run wall s (in-process)", (t) => `${s(get(t, "edited", c)!.wallMs)} (${s(get(t, "edited", c)!.inProcessMs)})`);
  col("edited re-run calls at server", (t) => String(get(t, "edited", c)!.calls));
  col("peak RSS MB (cold / cached / edit)", (t) => ["cold", "cached", "edited"].map((p) => Math.round((get(t, p as Phase, c)!.rssKb ?? 0) / 1024)).join(" / "));
  col("results (errors), cold", (t) => `${get(t, "cold", c)!.results} (${get(t, "cold", c)!.errors})`);
  col("cold, no disk cache: wall s, calls/s", (t) => {
    const r = get(t, "nocache", c);
    return r ? `${s(r.wallMs)}, ${(r.calls / (r.spanMs / 1000)).toFixed(1)} (${pct(r.calls / (r.spanMs / 1000) / limit)})` : "—";
  });
}
out();
out("checks:");
for (const c of concurrencies) {
  for (const phase of ["cold", "edited"] as const) {
    const w = get("weft", phase, c);
    const p = get("promptfoo", phase, c);
    if (w && p) out(`  c=${c} ${phase}: same requests at the server from both tools: ${w.requests === p.requests ? "yes" : `NO (${w.requests} vs ${p.requests})`}`);
  }
  const we = get("weft", "edited", c);
  if (we) out(`  c=${c}: Weft re-ran ${we.calls} calls after the prompt edit (expected ${totalCalls / 2}: only the edited model's half)`);
}
const sockets = runs.reduce((a, r) => ({ loopback: a.loopback + r.sockets.loopback, pipes: a.pipes + r.sockets.pipes, other: [...a.other, ...r.sockets.other] }), { loopback: 0, pipes: 0, other: [] as string[] });
out(`  sockets opened by the tools: ${sockets.loopback} to 127.0.0.1, ${sockets.pipes} local pipes, ${sockets.other.length} elsewhere${sockets.other.length ? `: ${[...new Set(sockets.other)].join(", ")}` : ""}`);
const attempts = [...new Set(outsideAttempts)];
out(`  outside requests stopped at the local proxy sink: ${outsideAttempts.length}${attempts.length ? ` (${attempts.join(", ")})` : ""}`);
out();
out("targets:");
for (const c of concurrencies) {
  const limit = c / (latencyMs / 1000);
  const w = get("weft", "cold", c);
  if (w) {
    const span = w.calls / (w.spanMs / 1000) / limit;
    const wall = ((totalCalls / limit) * 1000) / w.wallMs;
    out(`  c=${c}: Weft cold throughput ≥ 90% of the limit: ${span >= 0.9 ? "met" : "MISSED"} over the call span (${pct(span)}); ${wall >= 0.9 ? "met" : "missed"} over the process wall time (${pct(wall)})`);
  }
  const wc = get("weft", "cached", c);
  const pc = get("promptfoo", "cached", c);
  if (wc && pc) {
    const wall = pc.wallMs / wc.wallMs;
    const inner = pc.inProcessMs && wc.inProcessMs ? pc.inProcessMs / wc.inProcessMs : null;
    out(`  c=${c}: cached re-run ≥ 10× faster than promptfoo's: ${wall >= 10 ? "met" : "MISSED"} by process wall time (${wall.toFixed(1)}×)${inner !== null ? `; ${inner >= 10 ? "met" : "missed"} in-process (${inner.toFixed(1)}×)` : ""}`);
  }
}
console.log(lines.join("\n"));
await mkdir(work, { recursive: true });
await writeFile(path.join(work, "runs.json"), JSON.stringify({ runs, outsideAttempts, promptfooVersion }, null, 2));
