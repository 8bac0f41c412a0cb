// bench/vs-promptfoo: Weft and promptfoo, each run as shipped, on the same matrix against the
// same loopback OpenAI-protocol server (100 ms per request): 200 prompts × 2 models × 3 trials
// = 1,200 chat calls, at concurrency 4 and 32. Weft is `weft run <notebook> --json` (the
// prebuilt CLI, `node bin/weft.js`) over a generated Markdown notebook (notebook.ts);
// promptfoo is `promptfoo eval` from its npm install. For each tool and concurrency, runs,
// each a fresh process:
//   startup  Weft only: `weft run` of a one-cell notebook, its fixed cost (start-up, worker,
//            opening the cache, exit);
//   cold     empty cache: every call goes to the server;
//   cached   the same matrix again: everything from the tool's cache;
//   edited   the large model's prompt changed: only its 600 calls should reach the server;
//   nocache  promptfoo only: cold again with --no-cache, its throughput without the disk cache
//            (keyv-file's `await set()` waits its 100 ms write delay inside each call's slot);
//   writes1, writes  promptfoo only: the cached run again, writing its results database and
//            `-o results.json` as its defaults do (writes1 also creates the database).
// The same work: promptfoo's main runs pass --no-write and no -o, so it writes only its disk
// cache of responses; Weft writes its call cache and its cell cache (which holds the answers
// table) in the LMDB store at --cache-dir, and prints its report (with the table) on stdout.
// The bytes each leaves on disk are reported per run.
// Figures: process wall time, the server-side span of the calls and calls/s over it, each
// against the limit concurrency / latency; calls the server received; the peak RSS of the
// tool's process. The server also checks that both tools sent the same requests, and a probe
// preloaded into both records every socket they open.
//
// promptfoo is installed from npm into bench/vs-promptfoo/node_modules (not a Weft
// dependency). Its config dir, cache and HOME live in bench/.work/vs-promptfoo; telemetry,
// update checks, sharing and remote generation are disabled, and HTTP(S)_PROXY points at a
// local sink that refuses and records anything it still tries to reach outside 127.0.0.1.
// Weft reads its provider (the loopback server, at concurrency N) from a providers file
// (WEFT_PROVIDERS_FILE); no OPENAI_* or WEFT_* variable of the caller reaches it.
//
// Run: npm run bench:promptfoo   (not a timed test). Env: CONCURRENCY=4,32 ROWS=200 TRIALS=3
// LATENCY_MS=100 ONLY=weft|promptfoo.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer as createTcpServer, type Socket } from "node:net";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { promptfooEnv, sinkEnv } from "../promptfoo-env.ts";
import { stringify } from "yaml";
import { defaultReply, startLoopbackServer, type ChatRequest } from "../../tests/fixtures/openai-server.ts";
import { MODELS, PROMPTFOO_PROMPTS, questions } from "./matrix.ts";
import { notebookSource, providersFile } from "./notebook.ts";

const root = path.resolve(import.meta.dirname, "../..");
const here = path.join(root, "bench/vs-promptfoo");

const weftBin = path.join(root, "bin/weft.js");

/**
 * The prebuilt CLI is brought up to date before each timed `weft run` (untimed): bin/weft.js
 * rebuilds it at start when src/ changed, and other work on this checkout may change src/
 * between runs. Returns the current build's folder (build/cli.json's `dir`), to tell whether a
 * timed run rebuilt it anyway.
 */
function freshCli(): string {
  const r = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--cli"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs --cli failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return cliBuildDir();
}

/** The folder build/cli.json names (it is rewritten, with the same folder, when a fresh check re-hashed touched files). */
function cliBuildDir(): string {
  return (JSON.parse(readFileSync(path.join(root, "build/cli.json"), "utf8")) as { dir: string }).dir;
}

/** Bytes of the files under `dir` (0 when it does not exist). */
function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
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
type Phase = "startup" | "cold" | "cached" | "edited" | "nocache" | "writes1" | "writes";
const totalCalls = rows * MODELS.length * trials;

/** One run's figures. */
interface Run {
  tool: Tool;
  phase: Phase;
  concurrency: number;
  wallMs: number;
  /** promptfoo's own timer: the "Duration" it prints (whole seconds), or evaluationDurationMs of its -o JSON (writes runs). Weft reports none. */
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
  /** Bytes the tool's store holds after the run: Weft's --cache-dir; promptfoo's config dir (cache, database) and -o file. */
  storeBytes: number;
  /** Weft: the prebuilt CLI was rebuilt during the timed run (src/ changed under it). */
  rebuilt?: boolean;
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
  let storeBytes: number;
  let rebuilt: boolean | undefined;
  if (tool === "weft") {
    // The notebook file is written in place, as a user edits it; its provider is the loopback server.
    const file = phase === "startup" ? "startup.md" : "bench.md";
    const cacheDir = path.join(dir, phase === "startup" ? ".weft-startup" : ".weft");
    await writeFile(
      path.join(dir, file),
      phase === "startup" ? "# startup\n\n```js\n1 + 1\n```\n" : notebookSource({ rows, trials, concurrency, variant: phase === "edited" ? "edited" : "base" }),
    );
    await writeFile(path.join(dir, "providers.json"), providersFile(server.baseURL, MODELS, concurrency));
    for (const k of Object.keys(env)) if (k.startsWith("OPENAI_") || k.startsWith("WEFT_")) delete env[k];
    env.WEFT_PROVIDERS_FILE = path.join(dir, "providers.json");
    const cliBefore = freshCli();
    const args = [weftBin, "run", file, "--json", "-y", "--cache-dir", cacheDir];
    const r = await exec(process.execPath, args, { cwd: dir, env, log: path.join(dir, `${phase}.log`) });
    rebuilt = cliBuildDir() !== cliBefore;
    if (r.code !== 0) throw new Error(`weft run ${phase} (c=${concurrency}) exited ${r.code}:\n${r.stderr.slice(-2000)}\n${r.stdout.slice(0, 2000)}`);
    const report = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { ok: boolean; cells: { names: string[]; value: unknown; vary?: { leaves: number; errors: number } }[] };
    if (phase !== "startup") {
      const vary = report.cells.find((c) => c.vary)?.vary;
      if (!vary) throw new Error(`weft run ${phase} (c=${concurrency}): no vary in the report`);
      const table = report.cells.find((c) => c.names.includes("answers"))?.value as { answers?: { v?: { op?: unknown[] } } } | undefined;
      const rowsInTable = table?.answers?.v?.op?.length;
      if (rowsInTable !== undefined && rowsInTable !== vary.leaves) throw new Error(`weft run ${phase}: the answers table has ${rowsInTable} rows, the vary ${vary.leaves} leaves`);
      results = vary.leaves;
      errors = vary.errors;
    }
    wallMs = r.wallMs;
    storeBytes = dirBytes(cacheDir);
  } else {
    const home = path.join(dir, "home");
    await mkdir(home, { recursive: true });
    Object.assign(env, promptfooEnv(dir));
    const config = await promptfooConfig(dir, phase);
    // Its main runs write only its disk cache (--no-write, no -o), as Weft writes only its caches;
    // the writes runs keep its defaults: the results database, plus the -o JSON the old bench wrote.
    const writes = phase === "writes1" || phase === "writes";
    const output = path.join(dir, `results-${phase}.json`);
    const args = [promptfooMain, "eval", "-c", config, "-j", String(concurrency), "--repeat", String(trials), "--no-progress-bar", "--no-table", "--no-share", ...(writes ? ["-o", output] : ["--no-write"]), ...(phase === "nocache" ? ["--no-cache"] : [])];
    const r = await exec(process.execPath, args, { cwd: dir, env, log: path.join(dir, `${phase}.log`) });
    const text = r.stdout + r.stderr;
    if (writes) {
      if (r.code !== 0 && !existsSync(output)) throw new Error(`promptfoo ${phase} (c=${concurrency}) exited ${r.code}:\n${text.slice(-2000)}`);
      const stats = JSON.parse(readFileSync(output, "utf8")).results.stats as { successes: number; failures: number; errors: number; durationMs?: number; evaluationDurationMs?: number };
      inProcessMs = stats.evaluationDurationMs ?? stats.durationMs ?? null;
      results = stats.successes + stats.failures + stats.errors;
      errors = stats.errors;
    } else {
      // Its summary: "✓ 1,200 passed (100%)", "0 failed (0%)", "0 errors (0%)", "Duration: 1m 8s (concurrency: 4)".
      const count = (label: string) => {
        const m = new RegExp(`^\\s*(?:[✓✗] )?([\\d,]+) ${label} \\(`, "m").exec(text);
        if (!m) throw new Error(`promptfoo ${phase} (c=${concurrency}) exited ${r.code} without a "${label}" count:\n${text.slice(-2000)}`);
        return Number(m[1]!.replace(/,/g, ""));
      };
      errors = count("errors?");
      results = count("passed") + count("failed") + errors;
      const d = /Duration: (?:(\d+)h )?(?:(\d+)m )?(\d+)s/.exec(text);
      inProcessMs = d ? ((Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)) * 60 + Number(d[3])) * 1000 : null;
    }
    wallMs = r.wallMs;
    storeBytes = dirBytes(path.join(dir, "promptfoo")) + (existsSync(output) ? statSync(output).size : 0);
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
  return { tool, phase, concurrency, wallMs, inProcessMs, calls: chats.length, spanMs, peakInFlight: server.stats.peakInFlight, rssKb: rss.length ? Math.max(...rss) : null, results, errors, requests, sockets, storeBytes, ...(rebuilt !== undefined ? { rebuilt } : {}) };
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
    for (const phase of tool === "promptfoo" ? (["cold", "cached", "edited", "nocache", "writes1", "writes"] as const) : (["startup", "cold", "cached", "edited"] as const)) {
      console.error(`… ${tool} c=${concurrency} ${phase}`);
      const run = await runOnce(tool, phase, concurrency);
      console.error(`  ${(run.wallMs / 1000).toFixed(2)} s, ${run.calls} calls, peak ${run.peakInFlight} in flight, ${run.rssKb ? Math.round(run.rssKb / 1024) : "?"} MB, ${run.results} results (${run.errors} errors)${run.rebuilt ? ", REBUILT the CLI during the run" : ""}`);
      runs.push(run);
    }
  }
}
await server.close();
await new Promise((r) => sink.close(r));

const get = (tool: Tool, phase: Phase, c: number) => runs.find((r) => r.tool === tool && r.phase === phase && r.concurrency === c);
const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? "—" : (ms / 1000).toFixed(2));
const pct = (x: number) => `${Math.round(x * 100)}%`;
const mb = (bytes: number | undefined) => (bytes === undefined ? "—" : (bytes / 2 ** 20).toFixed(1));
const lines: string[] = [];
const out = (l = "") => lines.push(l);
out(`bench/vs-promptfoo: ${rows} prompts × ${MODELS.length} models × ${trials} trials = ${totalCalls} calls, loopback server at ${latencyMs} ms per call`);
out(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; promptfoo ${promptfooVersion || "not run"}; ${new Date().toISOString()}`);
out(`weft: node bin/weft.js run bench.md --json -y --cache-dir .weft (prebuilt CLI); promptfoo: eval -j N --repeat ${trials} --no-write (no -o), except the "with its results database" row`);
for (const c of concurrencies) {
  const limit = c / (latencyMs / 1000);
  const idealMs = (totalCalls / limit) * 1000;
  out();
  out(`concurrency ${c}: limit ${limit} calls/s (${c} / ${latencyMs / 1000} s); ${totalCalls} calls take at least ${s(idealMs)} s`);
  const col = (label: string, f: (t: Tool) => string) => out(`  ${label.padEnd(44)}${tools.map((t) => f(t).padStart(22)).join("")}`);
  const has = (t: Tool, p: Phase) => get(t, p, c) !== undefined;
  const cell = (t: Tool, p: Phase, f: (r: Run) => string) => (has(t, p) ? f(get(t, p, c)!) : "—");
  col("", (t) => t);
  col("cold wall s (% of limit)", (t) => cell(t, "cold", (r) => `${s(r.wallMs)} (${pct(idealMs / r.wallMs)})`));
  col("cold calls/s over the span (% lim)", (t) => cell(t, "cold", (r) => `${(r.calls / (r.spanMs / 1000)).toFixed(1)} (${pct(r.calls / (r.spanMs / 1000) / limit)})`));
  col("cold calls/s over wall (% lim)", (t) => cell(t, "cold", (r) => `${(r.calls / (r.wallMs / 1000)).toFixed(1)} (${pct(r.calls / (r.wallMs / 1000) / limit)})`));
  col("cold calls at server, peak in flight", (t) => cell(t, "cold", (r) => `${r.calls}, ${r.peakInFlight}`));
  col("cached re-run wall s", (t) => cell(t, "cached", (r) => s(r.wallMs)));
  col("cached re-run calls at server", (t) => cell(t, "cached", (r) => String(r.calls)));
  col("edited re-run wall s", (t) => cell(t, "edited", (r) => s(r.wallMs)));
  col("edited re-run calls at server", (t) => cell(t, "edited", (r) => String(r.calls)));
  col("one-cell notebook wall s (fixed cost)", (t) => cell(t, "startup", (r) => s(r.wallMs)));
  col("printed Duration cold/cached/edited s", (t) => (t === "promptfoo" ? ["cold", "cached", "edited"].map((p) => cell(t, p as Phase, (r) => (r.inProcessMs === null ? "?" : String(r.inProcessMs / 1000)))).join(" / ") : "—"));
  col("cached, with its results DB + -o JSON: s", (t) => cell(t, "writes", (r) => `${s(r.wallMs)} (eval ${s(r.inProcessMs)})`));
  col("  the same, first (creates the DB): s", (t) => cell(t, "writes1", (r) => `${s(r.wallMs)} (eval ${s(r.inProcessMs)})`));
  col("peak RSS MB (cold / cached / edit)", (t) => ["cold", "cached", "edited"].map((p) => cell(t, p as Phase, (r) => String(Math.round((r.rssKb ?? 0) / 1024)))).join(" / "));
  col("results (errors), cold", (t) => cell(t, "cold", (r) => `${r.results} (${r.errors})`));
  col("store MB after cold / cached / edited", (t) => ["cold", "cached", "edited"].map((p) => mb(get(t, p as Phase, c)?.storeBytes)).join(" / "));
  col("  after the results-DB runs", (t) => cell(t, "writes", (r) => mb(r.storeBytes)));
  col("cold, no disk cache: wall s, calls/s", (t) => cell(t, "nocache", (r) => `${s(r.wallMs)}, ${(r.calls / (r.spanMs / 1000)).toFixed(1)} (${pct(r.calls / (r.spanMs / 1000) / limit)})`));
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
  for (const p of ["cached", "writes1", "writes"] as const) {
    const r = get("promptfoo", p, c);
    if (r && r.calls !== 0) out(`  c=${c}: promptfoo ${p} made ${r.calls} calls (expected 0)`);
  }
  const rebuilt = runs.filter((r) => r.concurrency === c && r.rebuilt).map((r) => r.phase);
  if (rebuilt.length) out(`  c=${c}: WARNING: the CLI was rebuilt during the timed weft runs ${rebuilt.join(", ")} (src/ changed while the bench ran)`);
}
const sockets = runs.reduce((a, r) => ({ loopback: a.loopback + r.sockets.loopback, pipes: a.pipes + r.sockets.pipes, other: [...a.other, ...r.sockets.other] }), { loopback: 0, pipes: 0, other: [] as string[] });
const weftLoopback = runs.filter((r) => r.tool === "weft").reduce((a, r) => a + r.sockets.loopback, 0);
out(`  sockets opened by the tools: ${sockets.loopback} to 127.0.0.1 (${weftLoopback} by weft), ${sockets.pipes} local pipes, ${sockets.other.length} elsewhere${sockets.other.length ? `: ${[...new Set(sockets.other)].join(", ")}` : ""}`);
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
    const goal = c >= 32 ? 0.95 : 0.9;
    out(`  c=${c}: Weft cold throughput ≥ ${pct(goal)} of the limit by process wall time: ${wall >= goal ? "met" : "MISSED"} (${pct(wall)}); over the call span ${pct(span)}`);
  }
  const wc = get("weft", "cached", c);
  const pc = get("promptfoo", "cached", c);
  const pw = get("promptfoo", "writes", c);
  if (wc && pc) {
    const wall = pc.wallMs / wc.wallMs;
    out(`  c=${c}: cached re-run ≥ 10× faster than promptfoo's by process wall time: ${wall >= 10 ? "met" : "MISSED"} (${wall.toFixed(1)}× against --no-write${pw ? `; ${(pw.wallMs / wc.wallMs).toFixed(1)}× against promptfoo writing its results DB and JSON` : ""})`);
  }
}
console.log(lines.join("\n"));
await mkdir(work, { recursive: true });
await writeFile(path.join(work, "runs.json"), JSON.stringify({ runs, outsideAttempts, promptfooVersion }, null, 2));
