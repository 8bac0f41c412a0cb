// bench/analysis/pipeline.ts: the issue-15 pipeline figures. For n ticket-like texts (seeded
// variations of notebooks/data/tickets.jsonl, texts.ts), what the notebook's `cluster(rows,
// {text, label})` (src/stdlib/analysis/cluster.ts `runCluster`) takes, stage by stage, in Node
// with the inline runner (as the Node host runs it):
//   embed      the offline embedder (`createEmbed` without a model: hashing, 512 dims)
//   k-means    ml-kmeans, k-means++ (k = √(n/2) clamped to 2…12: 12 here), to convergence
//   UMAP       umap-js through src/analysis/project.ts, split into the random-projection
//              forest, NN-descent (the k-NN graph), the fuzzy set and search graph, the layout's
//              initialization, and the epochs
//   keywords   c-TF-IDF keywords and representatives
//   labels     k LLM calls through the cell's vary, against the local OpenAI-protocol stub
//              (src/server/stub-llm.ts) with latency 0: Weft's own overhead, not a model's
//   other      the rest of the run: reading rows, ids (a digest per text), storing the fit
// then the same rows again (nothing should be recomputed), the same again with a fresh call
// cache on the same store (a re-opened notebook), and the rows plus 1% new ones (placed into
// the previous fit, not re-fitted). Drift (src/analysis/drift-steps.ts `driftSteps`): 1,000
// current rows against a reference of n: the threshold (leave-one-out distances of a sample of
// 2,000, all when fewer), the nearest distances (checks/s) and the reference's k-means.
//
// Each size runs in a child process with a time limit (UMAP's graph is built in one
// synchronous call, which only killing the process can stop); phases not reached in time are
// reported as "not finished within N s", with the phase that was running. A second child
// measures the stages that do not need UMAP on their own, so they exist for every size even
// when UMAP does not finish: k-means split into its k-means++ start and its Lloyd iterations
// (ml-kmeans' generator, the same options), keywords + representatives, and placing 1% new
// rows into a fit of n (`assignToFit`, with stand-in 2-D points).
//
// Run: node --import tsx bench/analysis/pipeline.ts [--sizes 1000,10000,100000] [--quick]
//   [--limit-scale 1] [--only cluster,parts,drift] [--samples 5000,10000,20000]
//   --samples: for each size above a sample size, UMAP on a seeded sample of that many rows and
//   the cost of placing the rest (`assignToFit`; umap-js `transform`). --quick: 1,000 and 10,000 only, with
//   half the time limits. Time limits (s) for a size's first cluster run / the runs after it
//   / drift / parts: up to 2,000 rows 120/60/60/60, up to 20,000 rows 900/300/300/300, above
//   900/600/600/600 (scaled by --limit-scale).
import { spawn } from "node:child_process";
import { readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import path from "node:path";
import { load, machine, peakRssMiB } from "./shared.ts";
import { parseTickets, seeded, ticketTexts } from "./texts.ts";

const here = import.meta.dirname;
const root = path.resolve(here, "../..");

type Event =
  | { event: "start"; phase: string; t: number }
  | { event: "done"; phase: string; ms: number; load: number; rss: number; extra?: Record<string, unknown> }
  | { event: "progress"; phase: string; done: number; total: number; ms: number; load: number }
  | { event: "note"; text: string };

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (option("--child")) await child(option("--child")!, Number(option("--size")));
else await parent();

// ---------------------------------------------------------------------------------------------
// The parent: runs each size's children with their time limits and prints the figures.

interface ChildReport {
  phases: Map<string, Extract<Event, { event: "done" }>>;
  progress: Map<string, Extract<Event, { event: "progress" }>>;
  started: Map<string, number>;
  outcome: string;
  wallMs: number;
}

async function parent(): Promise<void> {
  const quick = flag("--quick");
  const sizes = (option("--sizes") ?? (quick ? "1000,10000" : "1000,10000,100000")).split(",").map(Number);
  const scale = Number(option("--limit-scale") ?? 1) * (quick ? 0.5 : 1);
  const limits = (n: number) => (n <= 2_000 ? [120, 60, 60, 60] : n <= 20_000 ? [900, 300, 300, 300] : [900, 600, 600, 600]).map((s) => Math.round(s * scale)) as [number, number, number, number];
  const only = new Set((option("--only") ?? "cluster,parts,drift").split(","));
  const samples = option("--samples") ? option("--samples")!.split(",").map(Number) : [];
  const sampleRows: Array<{ n: number; m: number; report: ChildReport }> = [];
  console.log(`bench/analysis/pipeline: ${machine()}`);
  console.log(`texts: seeded variations of notebooks/data/tickets.jsonl; offline embedder (hashing, 512 dims); labels against the stub LLM with latency 0; times in ms; load = 1-minute load average`);
  const rows: Array<{ n: number; full: ChildReport; drift: ChildReport; parts: ChildReport | null }> = [];
  for (const n of sizes) {
    const [fullLimit, driftLimit, partsLimit, followUpLimit] = limits(n);
    const skipped = (): ChildReport => ({ phases: new Map(), progress: new Map(), started: new Map(), outcome: "not run", wallMs: 0 });
    const full = only.has("cluster") ? await runChild("cluster", n, fullLimit, followUpLimit) : skipped();
    const parts = only.has("parts") ? await runChild("parts", n, partsLimit) : null;
    const drift = only.has("drift") ? await runChild("drift", n, driftLimit) : skipped();
    rows.push({ n, full, drift, parts });
    for (const m of samples.filter((m) => m < n)) sampleRows.push({ n, m, report: await runChild("sample", n, fullLimit, 0, ["--sample", String(m)]) });
  }
  console.log("");
  const tables = markdown(rows);
  if (tables) console.log(tables);
  if (sampleRows.length) console.log(`\n${sampleTable(sampleRows)}`);
}

function runChild(kind: string, n: number, limitS: number, followUpS = 0, extraArgs: string[] = []): Promise<ChildReport> {
  const report: ChildReport = { phases: new Map(), progress: new Map(), started: new Map(), outcome: "finished", wallMs: 0 };
  const heap = n > 20_000 ? ["--max-old-space-size=12288"] : [];
  const started = performance.now();
  console.log(`n=${n} ${kind}${extraArgs.length ? ` ${extraArgs.join(" ")}` : ""}: starting (time limit ${limitS} s${followUpS ? `, then ${followUpS} s for the runs after the first` : ""}); ${load()}`);
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [...heap, "--import", "tsx", path.join(here, "pipeline.ts"), "--child", kind, "--size", String(n), ...extraArgs], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let buffer = "";
    let killed = false;
    let limitNow = limitS;
    const kill = () => {
      killed = true;
      proc.kill("SIGKILL");
    };
    let timer = setTimeout(kill, limitS * 1000);
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith("{")) {
          if (line.trim()) console.log(`  ${line}`);
          continue;
        }
        const e = JSON.parse(line) as Event;
        if (e.event === "start") report.started.set(e.phase, performance.now());
        else if (e.event === "done") {
          report.phases.set(e.phase, e);
          if (kind === "cluster" && e.phase === "total" && followUpS) {
            // The first run is done: the follow-ups (same rows again, fresh cache, + 1%) get their own time limit.
            clearTimeout(timer);
            limitNow = followUpS;
            timer = setTimeout(kill, followUpS * 1000);
          }
          report.started.delete(e.phase);
          const extra = e.extra ? ` ${JSON.stringify(e.extra)}` : "";
          console.log(`n=${n} ${kind} ${e.phase}: ${fmt(e.ms)} ms${extra}; load ${e.load.toFixed(2)}, RSS ${e.rss} MiB`);
        } else if (e.event === "progress") {
          report.progress.set(e.phase, e);
          console.log(`n=${n} ${kind} ${e.phase}: ${e.done}/${e.total} after ${fmt(e.ms)} ms; load ${e.load.toFixed(2)}`);
        } else console.log(`n=${n} ${kind}: ${e.text}`);
      }
    });
    proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      report.wallMs = performance.now() - started;
      const running = [...report.started].map(([phase, t]) => `${phase} (running for ${((performance.now() - t) / 1000).toFixed(0)} s)`);
      if (killed) report.outcome = `not finished within ${limitNow} s${running.length ? `: in ${running.join(", ")}` : ""}`;
      else if (code !== 0) report.outcome = `failed (exit ${code ?? signal})${running.length ? ` in ${running.join(", ")}` : ""}`;
      console.log(`n=${n} ${kind}: ${report.outcome} (${(report.wallMs / 1000).toFixed(0)} s); ${load()}`);
      resolve(report);
    });
  });
}

function fmt(ms: number): string {
  return ms >= 100 ? Math.round(ms).toLocaleString("en-US") : ms.toFixed(1);
}

/** A phase's time as a table cell: "1.2 s" or "340 ms", or what happened instead. */
function cell(report: ChildReport | null, phase: string, fallback?: ChildReport | null): string {
  const done = report?.phases.get(phase) ?? fallback?.phases.get(phase);
  if (done) return seconds(done.ms);
  const r = report?.started.has(phase) ? report : fallback?.started.has(phase) ? fallback : null;
  if (r) return `not finished (${r.outcome.replace(/:.*/, "")})`;
  return "—";
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function markdown(rows: Array<{ n: number; full: ChildReport; drift: ChildReport; parts: ChildReport | null }>): string {
  const umapPhases = ["umap.forest", "umap.nnDescent", "umap.fuzzySet", "umap.searchGraph", "umap.init", "umap.epochs"];
  const lines = [
    "| rows | embed | k-means (k-means++ start + iterations) | UMAP total | of which k-NN graph (forest + NN-descent) | of which epochs | keywords + reps | labels (LLM calls) | other | first run total | same rows again | fresh cache | + 1% rows (LLM calls) | peak RSS | load |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const { n, full, parts } of rows) {
    if (full.outcome === "not run" && !parts) continue;
    const p = full.phases;
    const ms = (phase: string) => p.get(phase)?.ms;
    const km = parts?.phases.get("kmeans")?.extra as { iterations: number; initMs: number; msPerIteration: number } | undefined;
    const kmeans = `${cell(full, "kmeans", parts)}${km ? ` (${seconds(km.initMs)} + ${km.iterations} × ${seconds(km.msPerIteration)})` : ""}`;
    const umapDone = umapPhases.every((ph) => p.has(ph));
    const umapTotal = umapDone ? seconds(umapPhases.reduce((sum, ph) => sum + ms(ph)!, 0)) : full.started.size ? `not finished (${full.outcome.replace(/:.*/, "")})` : "—";
    const knn = p.has("umap.forest") && p.has("umap.nnDescent") ? `${seconds(ms("umap.forest")! + ms("umap.nnDescent")!)} (${seconds(ms("umap.forest")!)} + ${seconds(ms("umap.nnDescent")!)})` : cell(full, full.started.has("umap.forest") ? "umap.forest" : "umap.nnDescent");
    const epochs = p.has("umap.epochs") ? `${seconds(ms("umap.epochs")!)} (${p.get("umap.epochs")!.extra?.epochs})` : cell(full, "umap.epochs");
    const measured = ["embed", "kmeans", ...umapPhases, "keywords", "labels"].map(ms);
    const other = p.has("total") && measured.every((x) => x !== undefined) ? seconds(ms("total")! - measured.reduce((x, y) => x! + y!, 0)!) : "—";
    const all = [...full.phases.values(), ...(parts?.phases.values() ?? [])];
    const loads = all.map((e) => e.load);
    const rss = Math.max(0, ...all.map((e) => e.rss));
    const incremental = p.get("incremental");
    const assign = parts?.phases.get("assign");
    lines.push(
      `| ${n.toLocaleString("en-US")} | ${cell(full, "embed", parts)} | ${kmeans} | ${umapTotal} | ${knn} | ${epochs} | ${cell(full, "keywords", parts)} | ${p.has("labels") ? `${seconds(ms("labels")!)} (${p.get("labels")!.extra?.calls})` : cell(full, "labels")} | ${other} | ${cell(full, "total")} | ${p.has("again") ? `${seconds(ms("again")!)} (${p.get("again")!.extra?.calls} calls)` : cell(full, "again")} | ${cell(full, "fresh")} | ${incremental ? `${seconds(incremental.ms)} (${incremental.extra?.calls})` : assign ? `${cell(full, "incremental")}; placing alone ${seconds(assign.ms)}` : cell(full, "incremental")} | ${rss} MiB | ${loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : "?"} |`,
    );
  }
  lines.push("", "| reference | threshold (leave-one-out) | 1,000 checks | checks/s | reference k-means (k 8) | load |", "|---:|---:|---:|---:|---:|---|");
  for (const { n, drift } of rows) {
    if (drift.outcome === "not run") continue;
    const d = drift.phases;
    const checks = d.get("drift.nearest");
    const loads = [...d.values()].map((e) => e.load);
    lines.push(
      `| ${n.toLocaleString("en-US")} | ${cell(drift, "drift.threshold")}${d.get("drift.threshold")?.extra?.sample ? ` (${d.get("drift.threshold")!.extra!.sample})` : ""} | ${cell(drift, "drift.nearest")} | ${checks ? Math.round(1000 / (checks.ms / 1000)).toLocaleString("en-US") : "—"} | ${cell(drift, "drift.clusters")} | ${loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : "?"} |`,
    );
  }
  // Only the tables with rows (a run with --only may leave one empty).
  return lines
    .join("\n")
    .split("\n\n")
    .filter((table) => table.split("\n").length > 2)
    .join("\n\n");
}

function sampleTable(rows: Array<{ n: number; m: number; report: ChildReport }>): string {
  const lines = [
    "| rows | UMAP sample | UMAP on the sample | of which k-NN graph | placing the rest with `assignToFit` (measured on 2,000, × rest) | placing the rest with umap-js `transform` (measured) | load |",
    "|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const { n, m, report } of rows) {
    const p = report.phases;
    const assign = p.get("sample.assign")?.extra as { perRowMs: number; rest: number } | undefined;
    const transform = p.get("sample.transform");
    const knn = (p.get("umap.forest")?.ms ?? NaN) + (p.get("umap.nnDescent")?.ms ?? NaN);
    const loads = [...p.values()].map((e) => e.load);
    lines.push(
      `| ${n.toLocaleString("en-US")} | ${m.toLocaleString("en-US")} | ${cell(report, "sample.umap")} | ${Number.isNaN(knn) ? "—" : seconds(knn)} | ${assign ? `${seconds(assign.perRowMs * assign.rest)} (${assign.perRowMs.toFixed(1)} ms a row)` : cell(report, "sample.assign")} | ${transform ? `${seconds(transform.ms)} for ${transform.extra?.rows} rows` : cell(report, "sample.transform")} | ${loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : "?"} |`,
    );
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// The children: one size each, reporting phases as JSON lines on stdout as they happen.

function emit(e: Event): void {
  writeSync(1, `${JSON.stringify(e)}\n`); // synchronous: seen even if the process is killed in a long synchronous call
}

function done(phase: string, ms: number, extra?: Record<string, unknown>): void {
  emit({ event: "done", phase, ms, load: loadavg()[0]!, rss: peakRssMiB(), ...(extra ? { extra } : {}) });
}

async function timedPhase<T>(phase: string, f: () => T | Promise<T>, extra?: (value: T) => Record<string, unknown>): Promise<T> {
  emit({ event: "start", phase, t: Date.now() });
  const t = performance.now();
  const value = await f();
  done(phase, performance.now() - t, extra?.(value));
  return value;
}

function texts(n: number, seed: number): string[] {
  return ticketTexts(parseTickets(readFileSync(path.join(root, "notebooks/data/tickets.jsonl"), "utf8")), n, seed);
}

/** Times UMAP's parts (umap-js 1.4: `initializeFit` builds the k-NN graph and the layout's start in one call) by wrapping its methods. */
function instrumentUmap(): { epochsStarted: () => number | null } {
  const require = createRequire(path.join(root, "src/analysis/project.ts"));
  const { UMAP } = require("umap-js") as { UMAP: { prototype: Record<string, (...a: unknown[]) => unknown> } };
  const tree = require("umap-js/dist/tree.js") as Record<string, (...a: unknown[]) => unknown>;
  let epochsStart: number | null = null;
  const wrap = (target: Record<string, (...a: unknown[]) => unknown>, method: string, phase: string, after?: () => void) => {
    const original = target[method]!;
    target[method] = function (this: unknown, ...a: unknown[]) {
      emit({ event: "start", phase, t: Date.now() });
      const t = performance.now();
      const value = original.apply(this, a);
      done(phase, performance.now() - t);
      after?.();
      return value;
    };
  };
  // nearestNeighbors = the forest (tree.makeForest) + NN-descent: time the whole and the forest, NN-descent is the difference.
  const nearest = UMAP.prototype.nearestNeighbors!;
  const makeForest = tree.makeForest!;
  let forestMs = 0;
  tree.makeForest = (...a: unknown[]) => {
    emit({ event: "start", phase: "umap.forest", t: Date.now() });
    const t = performance.now();
    const value = makeForest(...a);
    forestMs = performance.now() - t;
    done("umap.forest", forestMs);
    emit({ event: "start", phase: "umap.nnDescent", t: Date.now() });
    return value;
  };
  UMAP.prototype.nearestNeighbors = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    const value = nearest.apply(this, a);
    done("umap.nnDescent", performance.now() - t - forestMs);
    return value;
  };
  wrap(UMAP.prototype, "fuzzySimplicialSet", "umap.fuzzySet");
  wrap(UMAP.prototype, "makeSearchGraph", "umap.searchGraph");
  // The layout's start: the spectral-free random init of umap-js, epochs per sample, the optimizer's state.
  const init = UMAP.prototype.initializeSimplicialSetEmbedding!;
  const prepare = UMAP.prototype.prepareForOptimizationLoop!;
  let initStart = 0;
  UMAP.prototype.initializeSimplicialSetEmbedding = function (this: unknown, ...a: unknown[]) {
    emit({ event: "start", phase: "umap.init", t: Date.now() });
    initStart = performance.now();
    return init.apply(this, a);
  };
  UMAP.prototype.prepareForOptimizationLoop = function (this: unknown, ...a: unknown[]) {
    const value = prepare.apply(this, a);
    done("umap.init", performance.now() - initStart);
    epochsStart = performance.now();
    emit({ event: "start", phase: "umap.epochs", t: Date.now() });
    return value;
  };
  return { epochsStarted: () => epochsStart };
}

async function child(kind: string, n: number): Promise<void> {
  if (kind === "cluster") await clusterChild(n);
  else if (kind === "parts") await partsChild(n);
  else if (kind === "drift") await driftChild(n);
  else if (kind === "sample") await sampleChild(n, Number(option("--sample")));
  else throw new Error(`unknown child ${kind}`);
  process.exit(0);
}

async function clusterChild(n: number): Promise<void> {
  const { createEmbed, notebookBuiltins } = await import("../../src/eval/index.ts");
  const { createLlm } = await import("../../src/llm/index.ts");
  const { startLoopbackServer } = await import("../../src/server/stub-llm.ts");
  const { asyncCarrier } = await import("../../src/server/async-carrier.ts");
  const { runCluster, MAX_CLUSTER_ROWS } = await import("../../src/stdlib/analysis/cluster.ts");
  const { inlineRunner } = await import("../../src/stdlib/analysis/inline-runner.ts");
  const { openMemoryStore } = await import("../../src/store/index.ts");
  const { CallCache, createTracing } = await import("../../src/trace/index.ts");
  type Runner = typeof inlineRunner;
  const umap = instrumentUmap();

  const stub = await startLoopbackServer({ models: ["stub-small"], latencyMs: 0 });
  const store = await openMemoryStore();
  const tracing = createTracing({ context: asyncCarrier() });
  const llm = createLlm({ providers: [{ name: "stub", baseURL: stub.baseURL, apiKey: "stub", models: ["stub-small"] }], op: tracing.op, context: tracing.platform.context });
  const offline = createEmbed({ cache: null, embed: () => Promise.reject(new Error("no provider: the offline embedder only")), newId: tracing.platform.newId, now: tracing.platform.now });

  // The runner as the Node host has it (inline, in ~20 ms slices), timing the fit's stages from its steps.
  let stageStart = 0;
  let lastEpochReport = 0;
  const runner: Runner = (task, options) =>
    inlineRunner(task, {
      ...options,
      onProgress: (stage, doneCount, total) => {
        const now = performance.now();
        if (stage === "clustering" && doneCount === 0) {
          stageStart = now;
          emit({ event: "start", phase: "kmeans", t: Date.now() });
        } else if (stage === "clustering" && doneCount === 1) done("kmeans", now - stageStart);
        else if (stage === "projecting") {
          const epochsStart = umap.epochsStarted();
          if (epochsStart !== null && (doneCount === total || now - lastEpochReport > 30_000)) {
            lastEpochReport = now;
            if (doneCount === total) done("umap.epochs", now - epochsStart, { epochs: total, msPerEpoch: Number(((now - epochsStart) / total).toFixed(2)) });
            else emit({ event: "progress", phase: "umap.epochs", done: doneCount, total, ms: now - epochsStart, load: loadavg()[0]! });
          }
        } else if (stage === "keywords" && doneCount === 0) {
          stageStart = now;
          emit({ event: "start", phase: "keywords", t: Date.now() });
        } else if (stage === "keywords" && doneCount === 1) done("keywords", now - stageStart);
      },
    });

  /** A notebook session: its call cache (on the shared store), vary, and cluster deps; `embedMs` collects the embedder's time. */
  const session = (reportFirst = false) => {
    const cache = new CallCache(store);
    let report = reportFirst;
    const trace = notebookBuiltins({ platform: tracing.platform, cache, streamEveryMs: 50 });
    const times = { embed: 0, labels: 0 };
    const vary = trace.builtins.vary({ key: "cell", signal: new AbortController().signal });
    const deps = {
      embed: async (t: readonly string[], o?: Parameters<typeof offline>[1]) => {
        if (report) emit({ event: "start", phase: "embed", t: Date.now() });
        const start = performance.now();
        const value = await offline(t, o);
        times.embed += performance.now() - start;
        if (report) done("embed", performance.now() - start, { texts: t.length });
        return value;
      },
      cache,
      runner,
      vary: async function* (spec: Parameters<typeof vary>[0]) {
        if (report) emit({ event: "start", phase: "labels", t: Date.now() });
        const start = performance.now();
        const requests = stub.stats.requests;
        yield* vary(spec);
        times.labels += performance.now() - start;
        if (report) done("labels", performance.now() - start, { calls: stub.stats.requests - requests, rows: Array.isArray(spec.data) ? spec.data.length : null });
        report = false; // the first run's embedding and labels only
      },
      makeOp: tracing.op,
      llm,
      newId: tracing.platform.newId,
      now: tracing.platform.now,
    };
    return { deps, times };
  };
  const options = { text: "text", seed: 0, label: { model: "stub-small" } } as const;
  const run = async (deps: ReturnType<typeof session>["deps"], rows: Array<{ text: string }>) => {
    let last: Awaited<ReturnType<ReturnType<typeof runCluster>["next"]>>["value"] | undefined;
    for await (const value of runCluster(deps, rows, options)) last = value;
    if (!last || last.status !== "done") throw new Error(`cluster did not finish: ${String(last?.status)}`);
    if (last.labelError) throw new Error(last.labelError);
    return last;
  };

  const rows = await timedPhase("texts", () => texts(n, 1).map((text) => ({ text })), (r) => ({ distinct: new Set(r.map((x) => x.text)).size }));
  // 1. The first run: embed, fit (k-means, UMAP, keywords), store, label.
  const first = session(true);
  emit({ event: "start", phase: "total", t: Date.now() });
  const t0 = performance.now();
  const result = await run(first.deps, rows);
  done("total", performance.now() - t0, { k: result.info.k, method: result.info.method, computed: result.info.computed });
  // 2. The same rows again, same session: the fit and the labels come from the call cache.
  let requests = stub.stats.requests;
  const again = await timedPhase("again", () => run(first.deps, rows), (r) => ({ computed: r.info.computed, embedded: r.info.embedded, calls: stub.stats.requests - requests }));
  if (again.info.computed) emit({ event: "note", text: "the second run recomputed the fit" });
  // 3. The same rows with a fresh call cache on the same store (a re-opened notebook).
  requests = stub.stats.requests;
  await timedPhase("fresh", () => run(session().deps, rows), (r) => ({ computed: r.info.computed, calls: stub.stats.requests - requests }));
  // 4. The rows and 1% new ones: placed into the previous fit. At the cap (MAX_CLUSTER_ROWS, 100,000) the oldest 1% make way, as a window of the latest calls would.
  const fresh = texts(Math.max(1, Math.round(n / 100)), 2).map((text) => ({ text: `${text} (follow-up)` }));
  const dropped = Math.max(0, rows.length + fresh.length - MAX_CLUSTER_ROWS);
  if (dropped) emit({ event: "note", text: `+1%: ${n} + ${fresh.length} rows is above the ${MAX_CLUSTER_ROWS} cluster() takes at once, so the oldest ${dropped} rows are left out` });
  const more = [...rows.slice(dropped), ...fresh];
  requests = stub.stats.requests;
  const grown = session();
  await timedPhase("incremental", () => run(grown.deps, more), (r) => ({ computed: r.info.computed, fitted: r.info.fitted, assigned: r.info.assigned, dropped, calls: stub.stats.requests - requests, embedMs: Math.round(grown.times.embed) }));
  await stub.close();
}

/** The stages that do not need UMAP: embed, k-means (its start and its iterations apart), keywords + representatives, and placing 1% new rows into a fit of n (stand-in 2-D points: the placing's cost does not depend on them). */
async function partsChild(n: number): Promise<void> {
  const { createEmbed } = await import("../../src/eval/index.ts");
  const { ctfidf, representatives, unit, assignToFit } = await import("../../src/analysis/index.ts");
  const { kmeansGenerator } = await import("ml-kmeans");
  const offline = createEmbed({ cache: null, embed: () => Promise.reject(new Error("offline only")), newId: () => "x", now: () => 0 });
  const rowTexts = texts(n, 1);
  const embedded = await timedPhase("embed", () => offline(rowTexts));
  const vectors = await timedPhase("unit", () => embedded.vectors.map(unit));
  const k = Math.max(2, Math.min(12, Math.round(Math.sqrt(n / 2))));
  // As src/analysis/cluster.ts calls ml-kmeans (k-means++ seeded, at most 100 iterations), one iteration at a time.
  emit({ event: "start", phase: "kmeans", t: Date.now() });
  const steps = kmeansGenerator(vectors, k, { initialization: "kmeans++", seed: 0, maxIterations: 100 });
  let t = performance.now();
  const start = t;
  let first = 0;
  let iterations = 0;
  let last: { clusters: number[]; centroids: number[][]; converged: boolean } | null = null;
  for (const step of steps) {
    const now = performance.now();
    if (iterations === 0) first = now - t;
    iterations++;
    last = step;
    t = now;
  }
  const totalMs = performance.now() - start;
  const perIteration = iterations > 1 ? (totalMs - first) / (iterations - 1) : 0;
  done("kmeans", totalMs, { iterations, converged: last!.converged, initMs: Math.round(first - perIteration), msPerIteration: Math.round(perIteration) });
  const labels = last!.clusters;
  const centroids = last!.centroids;
  await timedPhase("keywords", () => {
    const docs: string[][] = centroids.map(() => []);
    labels.forEach((label, i) => docs[label]!.push(rowTexts[i]!));
    ctfidf(docs, { topN: 8 });
    representatives(vectors, labels, centroids, 5);
  });
  const random = seeded(7);
  const points = vectors.map(() => [random() * 20, random() * 20] as [number, number]);
  const fresh = (await offline(texts(Math.max(1, Math.round(n / 100)), 2))).vectors;
  await timedPhase("assign", () => assignToFit({ vectors: embedded.vectors, points, centroids }, fresh), () => ({ fresh: fresh.length, fitted: n }));
}

/**
 * UMAP on a seeded sample of m of the n rows (as `fitSteps` projects: unit vectors, euclidean,
 * the same defaults), then the cost of giving the other n − m rows a position: `assignToFit`
 * (brute force against the m fitted vectors) timed on 2,000 of them and scaled to all, and
 * umap-js's own `transform` (its search graph, then 30–100 epochs) on up to 20,000 of them.
 */
async function sampleChild(n: number, m: number): Promise<void> {
  const { createEmbed } = await import("../../src/eval/index.ts");
  const { projectSteps, assignToFit, unit, fittingReady } = await import("../../src/analysis/index.ts");
  await fittingReady();
  instrumentUmap();
  const require = createRequire(path.join(root, "src/analysis/project.ts"));
  const { UMAP } = require("umap-js") as { UMAP: { prototype: Record<string, (...a: unknown[]) => unknown> } };
  let instance: { transform(x: number[][]): number[][] } | null = null;
  const initializeFit = UMAP.prototype.initializeFit!;
  UMAP.prototype.initializeFit = function (this: { transform(x: number[][]): number[][] }, ...a: unknown[]) {
    instance = this;
    return initializeFit.apply(this, a);
  };
  const offline = createEmbed({ cache: null, embed: () => Promise.reject(new Error("offline only")), newId: () => "x", now: () => 0 });
  const vectors = (await offline(texts(n, 1))).vectors.map(unit);
  const random = seeded(11);
  const order = vectors.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const sample = order.slice(0, m).map((i) => vectors[i]!);
  const rest = order.slice(m).map((i) => vectors[i]!);
  const projection = await timedPhase("sample.umap", () => {
    const steps = projectSteps(sample, { seed: 0, metric: "euclidean" });
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }, (p) => ({ method: p.method }));
  const probe = rest.slice(0, 2000);
  emit({ event: "start", phase: "sample.assign", t: Date.now() });
  const t = performance.now();
  assignToFit({ vectors: sample, points: projection.points, centroids: sample.slice(0, 12) }, probe);
  const ms = performance.now() - t;
  done("sample.assign", ms, { rows: probe.length, rest: rest.length, perRowMs: Number((ms / probe.length).toFixed(2)) });
  const toTransform = rest.slice(0, 20000);
  await timedPhase("sample.transform", () => instance!.transform(toTransform), () => ({ rows: toTransform.length }));
}

async function driftChild(n: number): Promise<void> {
  const { createEmbed } = await import("../../src/eval/index.ts");
  const { driftSteps, fittingReady } = await import("../../src/analysis/index.ts");
  await fittingReady();
  const offline = createEmbed({ cache: null, embed: () => Promise.reject(new Error("offline only")), newId: () => "x", now: () => 0 });
  const reference = (await offline(texts(n, 1))).vectors;
  const current = (await offline(texts(1000, 3))).vectors;
  const sample = Math.min(2000, n);
  const steps = driftSteps({ reference, current, seed: 1 });
  let t = performance.now();
  let stage = "drift.prepare";
  emit({ event: "start", phase: stage, t: Date.now() });
  for (;;) {
    const step = steps.next();
    const now = performance.now();
    if (step.done) {
      done("drift.clusters", now - t);
      const flagged = step.value.distances.filter((d) => d > step.value.threshold).length;
      emit({ event: "note", text: `threshold ${step.value.threshold.toFixed(4)}; ${flagged} of ${current.length} current rows flagged` });
      return;
    }
    const s = step.value;
    if (s.stage === "threshold" && s.done === 0) {
      done("drift.prepare", now - t);
      [t, stage] = [now, "drift.threshold"];
      emit({ event: "start", phase: stage, t: Date.now() });
    } else if (s.stage === "threshold" && s.done === 1) {
      done("drift.threshold", now - t, { sample: sample < n ? `a sample of ${sample}` : `all ${n}` });
      [t, stage] = [now, "drift.nearest"];
      emit({ event: "start", phase: stage, t: Date.now() });
    } else if (s.stage === "nearest" && s.done === s.total) {
      done("drift.nearest", now - t, { checks: s.total, perSecond: Math.round(s.total / ((now - t) / 1000)) });
      [t, stage] = [now, "drift.clusters"];
      emit({ event: "start", phase: stage, t: Date.now() });
    }
  }
}
