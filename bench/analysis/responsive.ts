// bench/analysis/responsive.ts: does the page stay responsive while a 10k cluster fit runs?
// Issue 15's goal: the longest main-thread task under 50 ms during a 10k run. Serves
// bench/analysis/responsive.html through a Vite dev server (programmatic, on 127.0.0.1, the
// repository as root, no Weft plugins, its own dependency cache in bench/analysis/.vite), opens
// it in headless Chromium (Playwright, Debian's chromium) and runs, one after another:
//   prepare  n ticket-like texts embedded offline on the page (what `cluster(...)` does before
//            the fit: the embedding runs on the page's thread)
//   worker   the fit (k-means k 12, UMAP, keywords) through src/ui/worker-runner.ts
//   cluster  the whole `cluster(rows, {text})` (src/stdlib/analysis/cluster.ts) with the worker
//            runner, without labels and without a call cache: embedding, ids, fit, result
//   inline   the same fit through the inline runner (20 ms slices), for comparison
// For each: wall time, long tasks (count, longest, total) from PerformanceObserver("longtask"),
// and the longest gap between 2 ms timer ticks (≈ the longest task, also below 50 ms).
//
// Run: node --import tsx bench/analysis/responsive.ts [--rows 10000] [--only worker,cluster,inline]
//   [--profile cluster]: also the page thread's top functions by self time during that phase.
//   Time limits: 60 s to start Vite and load the page, 600 s a phase (then it says so and stops).
import { createServer as createNetServer } from "node:net";
import path from "node:path";
import { chromium } from "@playwright/test";
import { createServer } from "vite";
import { chromiumArgs, chromiumPath } from "../../tests/chromium.ts";
import { load, machine } from "./shared.ts";

const here = import.meta.dirname;
const root = path.resolve(here, "../..");
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(option("--rows") ?? 10_000);
const profile = option("--profile"); // a phase whose main-thread CPU profile (Chrome DevTools protocol) is summarized: top functions by self time
const only = new Set((option("--only") ?? "worker,cluster,inline").split(","));
const START_LIMIT_MS = 60_000;
const PHASE_LIMIT_MS = 600_000;

interface PhaseReport {
  phase: string;
  ms: number;
  longTasks: number;
  longestTaskMs: number;
  longTaskTotalMs: number;
  longestTickGapMs: number;
  progressEvents: number;
  detail: string;
}

/** A free port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** `promise`, or a rejection after `ms` saying what did not finish. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not finished within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

/** The profile's top functions by self time (ms), with where they are. */
function printProfile(profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples?: number[]; timeDeltas?: number[] }): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  console.log(`${profile.samples?.length ?? 0} samples; top functions by self time on the page's thread:`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
}

console.log(`bench/analysis/responsive: ${machine()}`);
const port = await freePort();
const vite = await createServer({
  root,
  configFile: false,
  cacheDir: path.join(here, ".vite"),
  logLevel: "error",
  server: { host: "127.0.0.1", port, strictPort: true, hmr: false, watch: null },
  resolve: {
    alias: {
      typescript: path.join(root, "src/ui/typescript-stub.ts"),
      "weft:inspector.css": path.join(root, "node_modules/@observablehq/inspector/dist/inspector.css"),
      "weft:inputs.css": path.join(root, "node_modules/@observablehq/inputs/dist/index.css"),
    },
  },
  optimizeDeps: { entries: ["bench/analysis/responsive.html"] },
});
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
const reports: PhaseReport[] = [];
let failure: string | null = null;
try {
  await within(START_LIMIT_MS, "starting Vite", vite.listen());
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") console.log(`page ${m.type()}: ${m.text()}`);
  });
  // Only the Vite server on 127.0.0.1.
  await page.route(/^https?:/, (r) => (new URL(r.request().url()).hostname === "127.0.0.1" ? r.continue() : r.abort()));
  await within(START_LIMIT_MS, "loading the page", page.goto(`http://127.0.0.1:${port}/bench/analysis/responsive.html`));
  await within(START_LIMIT_MS, "the page's modules", page.waitForFunction(() => "bench" in globalThis, null, { timeout: START_LIMIT_MS }));
  const workerStarts = await page.evaluate(() => (globalThis as unknown as { bench: { workerStarts(): boolean } }).bench.workerStarts());
  console.log(`the Web Worker starts: ${workerStarts}; ${load()}`);
  const phases: Array<[string, string]> = [["prepare", `prepare ${rows}`], ...[...only].map((p): [string, string] => [p, p])];
  const cdp = profile ? await page.context().newCDPSession(page) : null;
  for (const [name, label] of phases) {
    if (cdp && name === profile) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
      await cdp.send("Profiler.start");
    }
    const report = await within(
      PHASE_LIMIT_MS,
      label,
      page.evaluate(([n, r]) => {
        const b = (globalThis as unknown as { bench: Record<string, (rows?: number) => Promise<PhaseReport>> }).bench;
        return b[n]!(r);
      }, [name, rows] as const),
    );
    reports.push(report);
    if (cdp && name === profile) printProfile((await cdp.send("Profiler.stop")).profile);
    console.log(
      `${report.phase}: ${Math.round(report.ms)} ms; long tasks ${report.longTasks}, longest ${report.longestTaskMs.toFixed(0)} ms, total ${report.longTaskTotalMs.toFixed(0)} ms; longest gap between 2 ms ticks ${report.longestTickGapMs.toFixed(0)} ms; ${report.progressEvents} progress callbacks; ${report.detail}; ${load()}`,
    );
  }
} catch (error) {
  failure = (error as Error).message;
  console.log(failure);
} finally {
  await browser.close();
  await vite.close();
}

console.log("");
console.log(`| ${rows.toLocaleString("en-US")} rows | wall time | long tasks (≥ 50 ms) | longest task | long tasks' total | longest timer gap | goal: longest < 50 ms |`);
console.log("|---|---:|---:|---:|---:|---:|---|");
for (const r of reports)
  console.log(`| ${r.phase} | ${r.ms >= 1000 ? `${(r.ms / 1000).toFixed(1)} s` : `${Math.round(r.ms)} ms`} | ${r.longTasks} | ${r.longTasks ? `${r.longestTaskMs.toFixed(0)} ms` : "none ≥ 50 ms"} | ${r.longTaskTotalMs.toFixed(0)} ms | ${r.longestTickGapMs.toFixed(0)} ms | ${r.longTasks === 0 ? "met" : "missed"} |`);
if (failure) console.log(`\n${failure}`);
process.exit(failure ? 1 : 0);
