// bench/editor-load: what `weft serve` sends the browser, and how soon the eval demo's first
// chart appears (issue 18), for the production build (`weft serve`) and the dev server
// (`weft serve --dev`) side by side:
//   (a) bytes transferred before the first chart: raw (decoded) and on the wire (encoded: gzip
//       when the server compresses), JS separately, from Chromium's network events;
//   (b) time from navigation start to the first chart's svg in the page (Plot's, with a non-empty box), the
//       median of N loads, each in a fresh browser context (no HTTP cache, no IndexedDB: the
//       cell cache is empty, so every cell computes), after one untimed load that warms the server.
// Each mode runs its own `node bin/weft.js serve` on a free 127.0.0.1 port, on a temp copy of
// notebooks/ and a temp trace store, with no provider configured and no key in its environment
// (the eval demo runs offline). Requests to any other origin are blocked and counted.
// Run: node --import tsx bench/editor-load/run.ts [--runs 5] [--modes dev,prod] [--notebook eval-demo.md] [--top 12] [--before DIR] [--selector CSS]
//   --selector    what counts as the first chart (default: Plot's svg in a cell's output; any svg
//                 there, 'weft-cell [data-testid="output"] svg', also takes the Inspector's caret
//                 of an expandable value, which the eval demo shows before its first chart)
//   --before DIR  adds mode "before": `weft serve` (no flags) of another checkout in DIR, e.g. the
//                 commit before the production build, whose `weft serve` was the dev server:
//                 git archive HEAD | tar -x -C DIR && ln -s $PWD/node_modules DIR/
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { chromiumArgs, chromiumPath } from "../../tests/chromium.ts";
import { untilOutput } from "../../tests/fixtures/child-output.ts";
import { blockOutside } from "../report/page.ts";
import { benchArgs } from "../ingest/args.ts";
import { freePort, stopChild } from "../ingest/processes.ts";

const { arg } = benchArgs();
const RUNS = Number(arg("runs") ?? 5);
type Mode = "before" | "dev" | "prod";
const BEFORE = arg("before");
const MODES = (arg("modes") ?? (BEFORE ? "before,dev,prod" : "dev,prod")).split(",") as Mode[];
const NOTEBOOK = arg("notebook") ?? "eval-demo.md";
const TOP = Number(arg("top") ?? 12);
// Plot's svg (class "plot-…", also inside a figure): any svg in an output would also match the
// caret @observablehq/inspector draws before an expandable value (`providers = Array(0)`).
const SELECTOR = arg("selector") ?? 'weft-cell [data-testid="output"] svg[class^="plot-"]';
const START_TIMEOUT_MS = 180_000;
const PAGE_TIMEOUT_MS = 60_000;
const BYTES_GOAL = 500_000; // gzip bytes before the first chart (kB = 1000 bytes)
const CHART_GOAL_MS = 1000;
const root = path.resolve(import.meta.dirname, "../..");
const work = mkdtempSync(path.join(tmpdir(), "weft-bench-editor-load-"));
const log = (line: string) => console.error(`… ${line}`);

/** One request the page made: its URL, MIME type, body bytes as decoded, bytes on the wire (headers included), and when it finished (CDP seconds). */
interface Transfer {
  readonly url: string;
  readonly mime: string;
  readonly decoded: number;
  readonly encoded: number;
  readonly contentEncoding: string;
  readonly finishedAt: number;
}

/** One page load: the first chart's time (ms since navigation start, in the page) and what was transferred before it. */
interface Load {
  readonly chartMs: number | null;
  readonly before: Transfer[];
  readonly all: Transfer[];
  readonly errors: string[];
  readonly blocked: string[];
}

/** A running `weft serve` and its origin. */
interface Server {
  readonly child: ChildProcess;
  readonly origin: string;
  readonly output: () => string;
}

/** Starts `node bin/weft.js serve` (with `--dev` for the dev server) on a free port; resolves when it prints its URL. */
async function startWeft(mode: Mode): Promise<Server> {
  const port = await freePort();
  const notebooks = path.join(work, `notebooks-${mode}`);
  cpSync(path.join(root, "notebooks"), notebooks, { recursive: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPENAI_") && !/KEY|TOKEN|SECRET/.test(k) && k !== "WEFT_STUB_LLM_URL"));
  if (mode === "before" && !BEFORE) throw new Error("mode before needs --before DIR");
  const weftRoot = mode === "before" ? path.resolve(BEFORE!) : root;
  const args = [path.join(weftRoot, "bin/weft.js"), "serve", NOTEBOOK, "--port", String(port), "--notebooks", notebooks, "--store", path.join(work, `traces-${mode}.duckdb`), ...(mode === "dev" ? ["--dev"] : [])];
  const child = spawn(process.execPath, args, { cwd: weftRoot, env: { ...env, WEFT_PROVIDERS_FILE: path.join(work, "no-providers.json") }, stdio: ["ignore", "pipe", "pipe"] });
  const output = await untilOutput(child, "weft: editor at ", START_TIMEOUT_MS, `weft serve (${mode})`);
  return { child, origin: `http://127.0.0.1:${port}`, output };
}

/** Opens the notebook in a fresh context and records every transfer and the first chart's time. */
async function loadOnce(browser: Browser, origin: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  try {
    const blocked = await blockOutside(context, origin);
    await context.addInitScript({ content: "globalThis.__name ??= (fn) => fn;" });
    await context.addInitScript((selector: string) => {
      const w = window as unknown as { __firstChart?: number };
      const check = () => {
        if (w.__firstChart !== undefined) return;
        const box = document.querySelector(selector)?.getBoundingClientRect();
        if (box && box.width > 0 && box.height > 0) w.__firstChart = performance.now();
      };
      new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
    }, SELECTOR);
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const pending = new Map<string, { url: string; mime: string; decoded: number; contentEncoding: string }>();
    const done: Transfer[] = [];
    let navStart = NaN;
    cdp.on("Network.requestWillBeSent", (e: { requestId: string; request: { url: string }; timestamp: number; type?: string }) => {
      if (e.type === "Document" && Number.isNaN(navStart)) navStart = e.timestamp;
      pending.set(e.requestId, { url: e.request.url, mime: "", decoded: 0, contentEncoding: "" });
    });
    cdp.on("Network.responseReceived", (e: { requestId: string; response: { mimeType: string; headers: Record<string, string> } }) => {
      const p = pending.get(e.requestId);
      if (!p) return;
      p.mime = e.response.mimeType;
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      p.contentEncoding = headers["content-encoding"] ?? "";
    });
    cdp.on("Network.dataReceived", (e: { requestId: string; dataLength: number }) => {
      const p = pending.get(e.requestId);
      if (p) p.decoded += e.dataLength;
    });
    cdp.on("Network.loadingFinished", (e: { requestId: string; timestamp: number; encodedDataLength: number }) => {
      const p = pending.get(e.requestId);
      if (!p) return;
      pending.delete(e.requestId);
      done.push({ ...p, encoded: e.encodedDataLength, finishedAt: e.timestamp });
    });
    let chartMs: number | null = null;
    try {
      await page.goto(`${origin}/?nb=${encodeURIComponent(NOTEBOOK)}`, { waitUntil: "commit", timeout: PAGE_TIMEOUT_MS });
      await page.waitForFunction(() => (window as unknown as { __firstChart?: number }).__firstChart !== undefined, undefined, { timeout: PAGE_TIMEOUT_MS, polling: 50 });
      chartMs = (await page.evaluate(() => (window as unknown as { __firstChart?: number }).__firstChart)) ?? null;
    } catch (error) {
      errors.push(`no chart within ${PAGE_TIMEOUT_MS} ms: ${(error as Error).message.split("\n")[0]}`);
    }
    // Let requests in flight at the chart finish, so "all" is complete for the report.
    await page.waitForTimeout(500);
    const chartAt = chartMs === null ? Infinity : navStart + chartMs / 1000;
    return { chartMs, before: done.filter((t) => t.finishedAt <= chartAt), all: done, errors, blocked };
  } finally {
    await context.close();
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const kB = (n: number) => `${(n / 1000).toFixed(0)} kB`;
const MB = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : kB(n));
const isJs = (t: Transfer) => /javascript|ecmascript/.test(t.mime) || /\.(m?js|ts)(\?|$)/.test(t.url);
const sum = (ts: readonly Transfer[], f: (t: Transfer) => number) => ts.reduce((a, t) => a + f(t), 0);

/** One line of figures for a set of transfers: count, raw (decoded) and on-the-wire bytes. */
function bytesLine(ts: readonly Transfer[]): string {
  return `${String(ts.length).padStart(4)} requests  ${MB(sum(ts, (t) => t.decoded)).padStart(9)} raw  ${MB(sum(ts, (t) => t.encoded)).padStart(9)} on the wire`;
}

async function main(): Promise<void> {
  const out = (line = "") => console.log(line);
  const load0 = loadavg()[0]!;
  out(`# bench/editor-load: ${NOTEBOOK}, ${RUNS} fresh-context loads per mode (after one untimed warm-up load)`);
  out(`machine: ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}; 1-min load average ${load0.toFixed(2)} at start`);
  out(`first chart: the first ${SELECTOR} with a non-empty box`);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const summary: string[] = [];
  try {
    for (const mode of MODES) {
      log(`starting weft serve${mode === "dev" ? " --dev" : mode === "before" ? ` of ${BEFORE}` : ""}`);
      const t0 = performance.now();
      const server = await startWeft(mode);
      const startMs = performance.now() - t0;
      const built = server.output().match(/weft: building the editor[^\n]*/)?.[0];
      try {
        log(`${mode}: warm-up load`);
        const warm = await loadOnce(browser, server.origin);
        const loads: Load[] = [];
        for (let i = 0; i < RUNS; i++) {
          const l = await loadOnce(browser, server.origin);
          log(`${mode}: load ${i + 1}: first chart ${l.chartMs === null ? "—" : `${l.chartMs.toFixed(0)} ms`}, ${MB(sum(l.before, (t) => t.encoded))} on the wire before it`);
          loads.push(l);
        }
        const ok = loads.filter((l) => l.chartMs !== null);
        const pick = ok.length ? ok : loads;
        // Bytes: the median load by bytes on the wire before the chart (they vary little between loads).
        const byBytes = [...pick].sort((a, b) => sum(a.before, (t) => t.encoded) - sum(b.before, (t) => t.encoded));
        const typical = byBytes[Math.floor((byBytes.length - 1) / 2)]!;
        const js = typical.before.filter(isJs);
        out();
        out(`## ${mode === "prod" ? "production build (weft serve)" : mode === "dev" ? "dev server (weft serve --dev)" : `before: weft serve of ${BEFORE}`}`);
        out(`server start (to its URL printed): ${(startMs / 1000).toFixed(1)} s${built ? ` (${built.trim()})` : ""}; warm-up load's first chart ${warm.chartMs === null ? "—" : `${warm.chartMs.toFixed(0)} ms`}`);
        const times = ok.map((l) => l.chartMs!);
        out(`first chart after navigation: median ${times.length ? median(times).toFixed(0) : "—"} ms (${times.length ? `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)}` : "—"} ms; ${times.map((t) => t.toFixed(0)).join(", ")})${ok.length < loads.length ? `; ${loads.length - ok.length} of ${loads.length} without a chart` : ""}`);
        out(`before the first chart, all:  ${bytesLine(typical.before)}`);
        out(`before the first chart, JS:   ${bytesLine(js)}`);
        out(`whole load (+0.5 s), all:     ${bytesLine(typical.all)}`);
        const encodings = [...new Set(typical.before.filter((t) => t.decoded > 1024).map((t) => t.contentEncoding || "identity"))];
        out(`content-encoding of responses over 1 kB: ${encodings.join(", ")}`);
        out(`largest JS before the chart (raw → on the wire):`);
        for (const t of [...js].sort((a, b) => b.encoded - a.encoded).slice(0, TOP)) out(`  ${MB(t.decoded).padStart(9)} → ${MB(t.encoded).padStart(9)}  ${new URL(t.url).pathname}`);
        const errors = [...new Set(loads.flatMap((l) => l.errors))];
        if (errors.length) out(`page errors: ${errors.slice(0, 5).join(" | ")}`);
        const blocked = loads.flatMap((l) => l.blocked);
        if (blocked.length) out(`blocked requests (other origins): ${blocked.length}, e.g. ${blocked[0]}`);
        const gz = sum(typical.before, (t) => t.encoded);
        summary.push(`${mode.padEnd(6)}  first chart ${String(times.length ? median(times).toFixed(0) : "—").padStart(5)} ms (goal ≤ ${CHART_GOAL_MS}: ${times.length && median(times) <= CHART_GOAL_MS ? "met" : "MISSED"})  before it: ${MB(sum(typical.before, (t) => t.decoded))} raw, ${MB(gz)} on the wire (goal ≤ ${kB(BYTES_GOAL)}: ${gz <= BYTES_GOAL ? "met" : "MISSED"}), JS ${MB(sum(js, (t) => t.decoded))} raw / ${MB(sum(js, (t) => t.encoded))} on the wire, ${typical.before.length} requests`);
      } finally {
        await stopChild(server.child, 5000);
      }
    }
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
  out();
  out("## summary");
  for (const line of summary) out(line);
  out(`1-min load average: ${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at the end`);
}

await main();
