// The page bench/analysis/responsive.ts opens (served by Vite from the repository root): it
// makes n ticket-like texts, embeds them offline on the page (as `cluster(...)` does), and runs
// the same k-means + UMAP + keywords fit through the editor's Web Worker runner
// (src/ui/worker-runner.ts) or the inline runner (src/stdlib/analysis/inline-runner.ts, slices
// of ~20 ms), and the whole `cluster(...)` (no labels, no cache) with the worker, recording the main thread's long tasks (PerformanceObserver "longtask": tasks of
// 50 ms or more) and the longest gap between 2 ms timer ticks (an estimate of the longest
// task below 50 ms) during each.
import type { AnalysisRunner } from "../../src/stdlib/analysis/analysis-runner.ts";
import { inlineRunner } from "../../src/stdlib/analysis/inline-runner.ts";
import { workerRunner } from "../../src/ui/worker-runner.ts";
import { createEmbed } from "../../src/eval/embed.ts";
import type { ClusterFit } from "../../src/analysis/index.ts";
import { runCluster } from "../../src/stdlib/analysis/cluster.ts";
import type { ClusterResult } from "../../src/stdlib/analysis/cluster-result.ts";
import { parseTickets, ticketTexts } from "./texts.ts";

interface PhaseReport {
  readonly phase: string;
  readonly ms: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
  readonly longTaskTotalMs: number;
  readonly longestTickGapMs: number;
  readonly progressEvents: number;
  readonly detail: string;
}

const longTasks: PerformanceEntry[] = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: "longtask", buffered: true });

let vectors: Float32Array[] = [];
let texts: string[] = [];

/** Runs `f`, returning the long tasks and the longest timer gap seen on the main thread meanwhile. */
async function measured(phase: string, f: (progress: () => void) => Promise<string>): Promise<PhaseReport> {
  let lastTick = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - lastTick);
    lastTick = now;
  }, 2);
  let progressEvents = 0;
  // Let the ticker settle before starting.
  await new Promise((resolve) => setTimeout(resolve, 100));
  longestGap = 0;
  lastTick = performance.now();
  const start = performance.now();
  const detail = await f(() => progressEvents++);
  const end = performance.now();
  // One more tick after the end, then let the observer deliver.
  await new Promise((resolve) => setTimeout(resolve, 300));
  clearInterval(ticker);
  const during = longTasks.filter((t) => t.startTime + t.duration > start && t.startTime < end);
  return {
    phase,
    ms: end - start,
    longTasks: during.length,
    longestTaskMs: Math.max(0, ...during.map((t) => t.duration)),
    longTaskTotalMs: during.reduce((s, t) => s + t.duration, 0),
    longestTickGapMs: longestGap,
    progressEvents,
    detail,
  };
}

const embedOffline = createEmbed({ cache: null, embed: () => Promise.reject(new Error("offline only")), newId: () => "x", now: () => 0 });

async function prepare(n: number): Promise<PhaseReport> {
  const tickets = parseTickets(await (await fetch("/notebooks/data/tickets.jsonl")).text());
  texts = ticketTexts(tickets, n, 1);
  return measured("embed (offline, on the page)", async () => {
    vectors = (await embedOffline(texts)).vectors;
    return `${vectors.length} vectors`;
  });
}

async function fit(phase: string, runner: AnalysisRunner): Promise<PhaseReport> {
  return measured(phase, async (progress) => {
    const output = (await runner({ kind: "fit", input: { vectors, texts, k: 12, seed: 0, keywords: 8, representatives: 5 } }, { signal: new AbortController().signal, onProgress: progress })) as ClusterFit;
    return `${output.points.length} points, ${output.centroids.length} clusters, ${output.method}`;
  });
}

/** The whole `cluster(rows, {text})` without labels and without a call cache, with the worker runner: what the page's thread does around the fit (embedding, ids, the result). */
async function cluster(): Promise<PhaseReport> {
  const rows = texts.map((text) => ({ text }));
  const unused = () => {
    throw new Error("not used without labels");
  };
  let id = 0;
  const deps = { embed: embedOffline, cache: null, runner: workerRunner, vary: unused, makeOp: unused, llm: { chat: unused, estimateChat: unused }, newId: () => `id-${++id}`, now: () => Date.now() };
  return measured("cluster(rows, {text}) with the worker, no labels, no cache", async (progress) => {
    let last: ClusterResult | undefined;
    for await (const value of runCluster(deps, rows, { text: "text", seed: 0 })) {
      last = value;
      progress();
    }
    return `${last?.status}, ${last?.points.length} points, ${last?.info?.method}`;
  });
}

const bench = {
  prepare,
  cluster,
  worker: () => fit("fit in the Web Worker (workerRunner)", workerRunner),
  inline: () => fit("fit inline on the page (inlineRunner, ~20 ms slices)", inlineRunner),
  /** Whether the worker can start here (else workerRunner silently runs inline). */
  workerStarts: () => {
    try {
      new Worker(new URL("../../src/ui/analysis-worker.ts", import.meta.url), { type: "module" }).terminate();
      return true;
    } catch {
      return false;
    }
  },
};
(globalThis as unknown as { bench: typeof bench }).bench = bench;
document.getElementById("status")!.textContent = "ready";
