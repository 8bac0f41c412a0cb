// bench/report: static reports made by `weft build` (issue 11), against their two goals:
//   1. the JS of the eval demo's report ≤ 500 kB gzip (sizes as the CLI prints them, and
//      measured here from the files with zlib);
//   2. a report of a 10,000-row eval renders its first chart in ≤ 1 s in headless Chromium
//      from file:// (navigation start → the chart's svg visible, in the page; median of N
//      fresh pages, network blocked), with where that time goes;
// and, side by side, the same 10,000-row eval built with Observable Notebook Kit
// (`notebooks build`, from node_modules), if it builds here offline and opens at all.
// Everything runs in a temp folder; the only server is a static one on 127.0.0.1 (for the
// Kit's build, which cannot open from file://, and Weft's report over HTTP for comparison).
// Run: node --import tsx bench/report/run.ts [--runs 5] [--rows 10000] [--profile] [--no-kit] [--keep] [--weft DIR]
//   --weft DIR  build with the Weft checkout in DIR (its bin/weft.js; default: this repository), e.g.
//               an export of a commit: git archive HEAD | tar -x -C DIR && ln -s $PWD/node_modules DIR/
//   --profile   one more (untimed) load of the 10k report under the CPU profiler: self time per file and function
//   --keep      leave the temp folder (its path is printed)
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { chromium, type Browser } from "@playwright/test";
import { bytes } from "../../src/cli/build-format.ts";
import { runNode } from "../../tests/fixtures/run-node.ts";
import { chromiumArgs, chromiumPath } from "../../tests/chromium.ts";
import { benchArgs } from "../ingest/args.ts";
import { freePort } from "../ingest/processes.ts";
import { kitNotebook, rowsJsonl, weftNotebook } from "./notebooks.ts";
import { timeFirstChart, type PageTimes, type ProfileSummary } from "./page.ts";
import { reportDataText } from "../../src/stdlib/report-snapshot.ts";

const { arg, flag } = benchArgs();
const RUNS = Number(arg("runs") ?? 5);
const ROWS = Number(arg("rows") ?? 10_000);
const JS_GOAL = 500_000; // bytes gzip (kB = 1000 bytes, as the CLI prints)
const CHART_GOAL_MS = 1000;
const PAGE_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 10 * 60_000;
const root = path.resolve(import.meta.dirname, "../..");
const weftRoot = path.resolve(arg("weft") ?? root);
const work = await mkdtemp(path.join(tmpdir(), "weft-bench-report-"));
const log = (line: string) => console.error(`… ${line}`);

// ---------------------------------------------------------------------------------------
// Helpers: running a command, sizes of a built folder, statistics.

/** Runs `node ARGS…` in `cwd` (bounded by `timeoutMs`), with no provider configured and no key in the environment. */
async function node(args: readonly string[], cwd: string, timeoutMs = BUILD_TIMEOUT_MS): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPENAI_") && !/KEY|TOKEN|SECRET/.test(k) && k !== "WEFT_STUB_LLM_URL"));
  const t0 = performance.now();
  const done = await runNode(args, timeoutMs, { cwd, env: { ...env, WEFT_PROVIDERS_FILE: path.join(cwd, "no-providers.json") } });
  return { ...done, ms: performance.now() - t0 };
}

async function weftBuild(cwd: string, notebook: string, out: string): Promise<{ printed: string; ms: number }> {
  const r = await node([path.join(weftRoot, "bin/weft.js"), "build", notebook, "--out", out, "--cache-dir", path.join(cwd, ".weft")], cwd);
  if (r.status !== 0) throw new Error(`weft build ${notebook} failed (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  return { printed: r.stdout.trim(), ms: r.ms };
}

interface Size {
  readonly bytes: number;
  readonly gzip: number;
  readonly files: number;
}

/** Every file of a folder, by path relative to it. */
function filesOf(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = path.join(rel, name);
    return statSync(path.join(dir, r)).isDirectory() ? filesOf(dir, r) : [r];
  });
}

/** Raw and gzip (zlib's default level, as the CLI and most static hosts) bytes of the files `pick` chooses. */
function sizeOf(dir: string, pick: (rel: string) => boolean): Size {
  let raw = 0;
  let gz = 0;
  let n = 0;
  for (const rel of filesOf(dir).filter(pick)) {
    const content = readFileSync(path.join(dir, rel));
    raw += content.length;
    gz += gzipSync(content).length;
    n++;
  }
  return { bytes: raw, gzip: gz, files: n };
}

const size = (s: Size) => `${bytes(s.bytes)} (${bytes(s.gzip)} gzip)${s.files !== 1 ? `, ${s.files} files` : ""}`;
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: readonly number[]) => {
  const s = sorted(xs);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const ms = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : `${x.toFixed(0)} ms`);
const spread = (xs: readonly (number | null)[]) => {
  const ok = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!ok.length) return "—";
  return `${ms(median(ok))} (${ms(Math.min(...ok))}–${ms(Math.max(...ok))})${ok.length < xs.length ? `, ${xs.length - ok.length} of ${xs.length} without a chart` : ""}`;
};

/** The sizes of the parts of a Weft snapshot: its data scripts evaluated in a sandbox (one script that sets the snapshot, as older builds wrote, or parts to join), each part re-serialized. */
function snapshotParts(report: string): [string, number][] {
  const sandbox: Record<string, unknown> = vm.createContext({});
  for (const f of filesOf(report).filter((r) => r.startsWith("data/"))) vm.runInContext(readFileSync(path.join(report, f), "utf8"), sandbox);
  const s = (sandbox.__weftReport ?? JSON.parse(reportDataText(sandbox.__weftReportParts) ?? "null")) as { cells: { id: string; mode: string; source: string; value?: unknown; displays?: unknown; compiled: unknown }[]; stores: Record<string, [string, unknown][]>; files: Record<string, unknown> };
  const len = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? "");
  const parts: [string, number][] = [];
  for (const c of s.cells) {
    const first = c.source.split("\n")[0]!.slice(0, 48);
    parts.push([`cell ${c.mode} \`${first}\``, len(c)]);
  }
  for (const [name, records] of Object.entries(s.stores)) {
    parts.push([`store ${name} (${records.length} records)`, len(records)]);
    // The columns of the call cache's chunks ({v: 2, key[], id[], inputs[], …}), summed over the chunks.
    const columns = new Map<string, number>();
    for (const [, value] of records) {
      if (!value || typeof value !== "object" || (value as { v?: unknown }).v !== 2) continue;
      for (const [column, v] of Object.entries(value as Record<string, unknown>)) columns.set(column, (columns.get(column) ?? 0) + len(v));
    }
    for (const [column, n] of columns) if (n >= 1000) parts.push([`  ${name} column ${column}`, n]);
  }
  for (const [name, f] of Object.entries(s.files)) parts.push([`file ${name}`, len(f)]);
  return parts.sort((a, b) => b[1] - a[1]);
}

/** A static file server for one folder on 127.0.0.1 (the Kit's build needs HTTP; Weft's report is timed over it too, for comparison). */
async function serve(dir: string): Promise<{ origin: string; server: Server }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".jsonl": "application/jsonl", ".woff2": "font/woff2", ".svg": "image/svg+xml" };
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "") || "index.html";
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${port}`, server };
}

/** Raw and gzip bytes of the files of `dir` that the pages requested, among those `pick` chooses (what a first view costs, not the whole build). */
function loadedSize(dir: string, runs: readonly PageTimes[], pick: (rel: string) => boolean): Size {
  const names = new Set(runs.flatMap((r) => r.loaded).map((u) => decodeURIComponent(new URL(u).pathname.split("/").pop()!)));
  return sizeOf(dir, (rel) => pick(rel) && names.has(path.basename(rel)));
}

async function timeRuns(browser: Browser, url: string, selector: string, runs: number, allowOrigin?: string): Promise<PageTimes[]> {
  const out: PageTimes[] = [];
  for (let i = 0; i < runs; i++) out.push(await timeFirstChart(browser, url, { selector, timeoutMs: PAGE_TIMEOUT_MS, ...(allowOrigin ? { allowOrigin } : {}) }));
  return out;
}

/** Median of each in-page mark over the runs, in time order. */
function breakdown(runs: readonly PageTimes[]): string[] {
  const names = new Set(runs.flatMap((r) => Object.keys(r.marks)));
  const rows = [...names].map((name) => [name, median(runs.flatMap((r) => (r.marks[name] !== undefined ? [r.marks[name]!] : [])))] as const).sort((a, b) => a[1] - b[1]);
  let previous = 0;
  return rows.map(([name, t]) => {
    const line = `    ${t.toFixed(0).padStart(6)} ms  (+${(t - previous).toFixed(0).padStart(4)})  ${name}`;
    previous = t;
    return line;
  });
}

// ---------------------------------------------------------------------------------------
// The bench.

const load0 = loadavg();
const started = new Date();
const lines: string[] = [];
const out = (l = "") => {
  lines.push(l);
  console.log(l);
};
out(`bench/report: weft build reports; ${RUNS} fresh pages per figure; ${started.toISOString()}`);
out(`machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average ${load0.map((l) => l.toFixed(2)).join(" ")} at the start`);
out(`weft: ${weftRoot}; work folder: ${work}`);

// 1. The eval demo's report.
const demoDir = path.join(work, "eval-demo");
await mkdir(path.join(demoDir, "data"), { recursive: true });
await copyFile(path.join(weftRoot, "notebooks/data/tickets.jsonl"), path.join(demoDir, "data/tickets.jsonl"));
const demoSource = readFileSync(path.join(weftRoot, "notebooks/eval-demo.md"), "utf8");
if (!demoSource.includes("const providers = llm.providers()")) throw new Error("notebooks/eval-demo.md no longer has `const providers = llm.providers()`: update the bench");
await writeFile(path.join(demoDir, "eval-demo.md"), demoSource.replace("const providers = llm.providers()", "const providers = []"));
log("building the eval demo's report (the first build may rebuild the report bundle)…");
const demoCold = await weftBuild(demoDir, "eval-demo.md", "report");
const demo = await weftBuild(demoDir, "eval-demo.md", "report");
const demoOut = path.join(demoDir, "report");
const demoJs = sizeOf(demoOut, (r) => r.startsWith("assets/") && r.endsWith(".js"));
const demoMainJs = sizeOf(demoOut, (r) => /^assets\/report-[0-9a-f]+\.js$/.test(r));
const demoCss = sizeOf(demoOut, (r) => r.endsWith(".css"));
const demoData = sizeOf(demoOut, (r) => r.startsWith("data/"));
const demoHtml = sizeOf(demoOut, (r) => r === "index.html");
out();
out("1. The eval demo's report (notebooks/eval-demo.md, offline variants v1 and v2, 320 tickets × 3 trials)");
out(`  build wall time: ${(demoCold.ms / 1000).toFixed(1)} s first (fills the cache), ${(demo.ms / 1000).toFixed(1)} s cached`);
out(`  the CLI printed:\n${demo.printed.split("\n").map((l) => `    ${l}`).join("\n")}`);
out(`  measured here (zlib gzip, default level):`);
out(`    js    ${size(demoJs)}  — of which the report script ${size(demoMainJs)}`);
out(`    css   ${size(demoCss)}`);
out(`    html  ${size(demoHtml)}`);
out(`    data  ${size(demoData)}`);
for (const rel of filesOf(demoOut).filter((r) => r.startsWith("assets/") && r.endsWith(".js")).sort()) {
  const s = sizeOf(demoOut, (r) => r === rel);
  out(`      ${rel.padEnd(40)} ${size(s)}`);
}

// 2. A generated N-row eval.
const bigDir = path.join(work, `eval${ROWS}`);
await mkdir(path.join(bigDir, "data"), { recursive: true });
const rows = rowsJsonl(ROWS);
await writeFile(path.join(bigDir, "data/rows.jsonl"), rows);
await writeFile(path.join(bigDir, "eval.md"), weftNotebook(ROWS));
log(`building the ${ROWS}-row eval's report twice (the first fills the cache)…`);
const bigCold = await weftBuild(bigDir, "eval.md", "report");
const big = await weftBuild(bigDir, "eval.md", "report");
const bigOut = path.join(bigDir, "report");
const bigJs = sizeOf(bigOut, (r) => r.startsWith("assets/") && r.endsWith(".js"));
const bigData = sizeOf(bigOut, (r) => r.startsWith("data/"));
out();
out(`2. A ${ROWS.toLocaleString("en-US")}-row eval (2 rule-based ops × 1 trial = ${(2 * ROWS).toLocaleString("en-US")} calls, exact match, a bars plot)`);
out(`  rows.jsonl: ${bytes(Buffer.byteLength(rows))} (${bytes(gzipSync(rows).length)} gzip)`);
out(`  build wall time: ${(bigCold.ms / 1000).toFixed(1)} s first (runs the ops, fills the cache), ${(big.ms / 1000).toFixed(1)} s cached`);
out(`  the CLI printed:\n${big.printed.split("\n").map((l) => `    ${l}`).join("\n")}`);
out(`  measured here: js ${size(bigJs)}; data ${size(bigData)}`);
out(`  what the snapshot holds (JSON bytes of each part):`);
for (const [part, n] of snapshotParts(bigOut).filter(([, n]) => n >= 10_000)) out(`    ${bytes(n).padStart(9)}  ${part.trim()}`);

log("timing first charts in headless Chromium…");
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
const chromiumVersion = browser.version();
const WEFT_CHART = ".weft-chart svg";
const bigUrl = pathToFileURL(path.join(bigOut, "index.html")).href;
const demoUrl = pathToFileURL(path.join(demoOut, "index.html")).href;
// One load first, not counted: Chromium's first page of a launch pays process start-up.
await timeFirstChart(browser, bigUrl, { selector: WEFT_CHART, timeoutMs: PAGE_TIMEOUT_MS });
const bigRuns = await timeRuns(browser, bigUrl, WEFT_CHART, RUNS);
const demoRuns = await timeRuns(browser, demoUrl, WEFT_CHART, RUNS);
const weftHttp = await serve(bigOut);
const bigHttpRuns = await timeRuns(browser, `${weftHttp.origin}/index.html`, WEFT_CHART, RUNS, weftHttp.origin);
weftHttp.server.close();
let profile: ProfileSummary | undefined;
if (flag("profile")) profile = (await timeFirstChart(browser, bigUrl, { selector: WEFT_CHART, timeoutMs: PAGE_TIMEOUT_MS, profile: true })).profile;

out();
out(`  first chart (navigation start → the chart's svg visible, performance.now() in the page), file://, ${RUNS} fresh pages:`);
out(`    ${ROWS.toLocaleString("en-US")}-row eval   ${spread(bigRuns.map((r) => r.firstChartMs))}   wall from goto ${spread(bigRuns.map((r) => r.wallMs))}`);
out(`    eval demo          ${spread(demoRuns.map((r) => r.firstChartMs))}   wall from goto ${spread(demoRuns.map((r) => r.wallMs))}`);
out(`    ${ROWS.toLocaleString("en-US")}-row eval over http://127.0.0.1 (for comparison) ${spread(bigHttpRuns.map((r) => r.firstChartMs))}`);
out(`    per run (${ROWS} rows, file://): ${bigRuns.map((r) => ms(r.firstChartMs)).join(", ")}`);
const blockedWeft = [...bigRuns, ...demoRuns, ...bigHttpRuns].flatMap((r) => r.blocked);
const errorsWeft = [...new Set([...bigRuns, ...demoRuns, ...bigHttpRuns].flatMap((r) => r.errors))];
out(`    requests blocked: ${blockedWeft.length}${blockedWeft.length ? ` (${[...new Set(blockedWeft)].slice(0, 3).join(", ")})` : ""}; console/page errors: ${errorsWeft.length ? errorsWeft.slice(0, 3).join(" | ") : "none"}`);
out(`  where the time goes (${ROWS}-row report, file://; median ms since navigation start, +ms since the mark before):`);
for (const l of breakdown(bigRuns)) out(l);
if (profile) {
  out(`  CPU profile up to the first chart (one more load, sampled every 0.1 ms, which slows it; ${profile.totalMs.toFixed(0)} ms of samples, idle excluded):`);
  out(`    self time by file:`);
  for (const [file, t] of profile.byFile) out(`      ${t.toFixed(0).padStart(5)} ms  ${file}`);
  out(`    self time by function (minified: «the first characters of its source»):`);
  for (const [fn, t] of profile.self) out(`      ${t.toFixed(0).padStart(5)} ms  ${fn.slice(0, 150)}`);
  out(`    total time (with callees) by function:`);
  for (const [fn, t] of profile.total) out(`      ${t.toFixed(0).padStart(5)} ms  ${fn.slice(0, 150)}`);
}

// 3. Observable Notebook Kit, side by side.
interface KitFigures {
  built: boolean;
  why?: string;
  buildMs?: number;
  js?: Size;
  css?: Size;
  fonts?: Size;
  data?: Size;
  loadedJs?: Size;
  fileRun?: PageTimes;
  httpRuns?: PageTimes[];
}
const kit: KitFigures = { built: false };
if (!flag("no-kit")) {
  const kitPkg = path.join(root, "node_modules/@observablehq/notebook-kit");
  const kitVersion = JSON.parse(await readFile(path.join(kitPkg, "package.json"), "utf8")).version as string;
  const kitDir = path.join(work, "kit");
  await mkdir(path.join(kitDir, "data"), { recursive: true });
  // The Kit's build is Vite rooted at the notebook's folder: it resolves packages from a node_modules there.
  await symlink(path.join(root, "node_modules"), path.join(kitDir, "node_modules"), "dir");
  await writeFile(path.join(kitDir, "data/rows.jsonl"), rows);
  await writeFile(path.join(kitDir, "eval.html"), kitNotebook(ROWS));
  log(`building the same eval with Observable Notebook Kit ${kitVersion}…`);
  const r = await node([path.join(kitPkg, "dist/bin/notebooks.js"), "build", "--root", kitDir, "--out", path.join(kitDir, "dist"), "--empty", "--", path.join(kitDir, "eval.html")], kitDir, 5 * 60_000);
  const dist = path.join(kitDir, "dist");
  out();
  out(`3. Observable Notebook Kit ${kitVersion} (\`notebooks build\`), the same ${ROWS.toLocaleString("en-US")} rows, both classifiers and exact match computed in the page, Plot bars of the mean`);
  if (r.status !== 0 || !existsSync(path.join(dist, "eval.html"))) {
    kit.why = `notebooks build failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-5).join(" / ")}`;
    out(`  not built: ${kit.why}`);
  } else {
    kit.built = true;
    kit.buildMs = r.ms;
    kit.js = sizeOf(dist, (f) => f.endsWith(".js"));
    kit.css = sizeOf(dist, (f) => f.endsWith(".css"));
    kit.fonts = sizeOf(dist, (f) => /\.(woff2?|ttf)$/.test(f));
    kit.data = sizeOf(dist, (f) => f.endsWith(".jsonl"));
    const html = readFileSync(path.join(dist, "eval.html"), "utf8");
    out(`  build wall time ${(r.ms / 1000).toFixed(1)} s`);
    out(`  js ${size(kit.js)}; css ${size(kit.css)}; fonts ${size(kit.fonts)}; data ${size(kit.data)}`);
    const cdn = [...new Set(readdirSync(path.join(dist, "assets")).filter((f) => f.endsWith(".js")).flatMap((f) => readFileSync(path.join(dist, "assets", f), "utf8").match(/https:\/\/cdn\.jsdelivr\.net\/npm\/[^"'`\s)]+/g) ?? []))];
    out(`  its scripts name ${cdn.length} cdn.jsdelivr.net modules (the Kit's built-in libraries, loaded on use: ${cdn.slice(0, 4).map((u) => u.replace("https://cdn.jsdelivr.net/npm/", "")).join(", ")}${cdn.length > 4 ? ", …" : ""})`);
    out(`  page: ${/<script type="module"/.test(html) ? "module scripts" : "classic scripts"} (${(html.match(/<script[^>]*>/g) ?? []).join(" ")})`);
    // From file://, once, with a shorter wait: module scripts and fetch() of a file: URL are refused there.
    kit.fileRun = await timeFirstChart(browser, pathToFileURL(path.join(dist, "eval.html")).href, { selector: "main svg", timeoutMs: 10_000 });
    const fileOk = kit.fileRun.firstChartMs !== null;
    const fileErrors = kit.fileRun.errors.filter((e) => !e.startsWith("Failed to load resource"));
    out(`  from file://: ${fileOk ? `first chart at ${ms(kit.fileRun.firstChartMs)}` : "no chart within 10 s"}; ${fileErrors.length} errors${fileErrors.length ? `, the first: ${fileErrors[0]!.slice(0, 400)}` : ""}`);
    const kitHttp = await serve(dist);
    kit.httpRuns = await timeRuns(browser, `${kitHttp.origin}/eval.html`, "main svg", RUNS, kitHttp.origin);
    kitHttp.server.close();
    out(`  over http://127.0.0.1 (a static server), ${RUNS} fresh pages: first chart ${spread(kit.httpRuns.map((x) => x.firstChartMs))}`);
    kit.loadedJs = loadedSize(dist, kit.httpRuns, (f) => f.endsWith(".js"));
    out(`    the page loaded ${size(kit.loadedJs)} of JS (the rest of the build's JS is the Kit's libraries loaded on use), fonts ${size(loadedSize(dist, kit.httpRuns, (f) => /\.woff2?$/.test(f)))}`);
    const kitBlocked = kit.httpRuns.flatMap((x) => x.blocked);
    const kitErrors = [...new Set(kit.httpRuns.flatMap((x) => x.errors))];
    out(`    requests blocked: ${kitBlocked.length}${kitBlocked.length ? ` (${[...new Set(kitBlocked)].slice(0, 3).join(", ")})` : ""}; console/page errors: ${kitErrors.length ? kitErrors.slice(0, 3).join(" | ") : "none"}`);
    out(`  where the time goes (Kit over HTTP; median ms since navigation start):`);
    for (const l of breakdown(kit.httpRuns)) out(l);
  }
}
await browser.close();

// 4. The goals.
const bigMedian = median(bigRuns.map((r) => r.firstChartMs ?? Infinity));
const bigMax = Math.max(...bigRuns.map((r) => r.firstChartMs ?? Infinity));
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
out();
const row = (label: string, a: string, b: string, c = "") => out(`  ${label.padEnd(50)} ${a.padEnd(12)} ${b.padEnd(34)} ${c}`.trimEnd());
out(`${"goals".padEnd(52)} ${"goal".padEnd(12)} ${"measured".padEnd(34)} result`);
row("eval demo report: JS gzip", `≤ ${bytes(JS_GOAL)}`, `${bytes(demoJs.gzip)} (${bytes(demoJs.bytes)} raw)`, verdict(demoJs.gzip <= JS_GOAL));
row(`${ROWS.toLocaleString("en-US")}-row report: first chart, file://, median`, `≤ ${ms(CHART_GOAL_MS)}`, `${ms(bigMedian)} (${ms(Math.min(...bigRuns.map((r) => r.firstChartMs ?? Infinity)))}–${ms(bigMax)})`, `${verdict(bigMedian <= CHART_GOAL_MS)}${bigMedian <= CHART_GOAL_MS && bigMax > CHART_GOAL_MS ? " (the slowest run missed)" : ""}`);
out();
const kitCell = (f: (k: KitFigures) => string) => (kit.built ? f(kit) : flag("no-kit") ? "not run (--no-kit)" : `not built: ${kit.why}`);
const side = (label: string, a: string, b: string) => out(`  ${label.padEnd(40)} ${a.padEnd(16)} ${b}`);
out(`${"side by side".padEnd(42)} ${"weft build".padEnd(16)} Notebook Kit`);
side(`JS in the build, gzip`, bytes(bigJs.gzip), kitCell((k) => `${bytes(k.js!.gzip)} (+ css ${bytes(k.css!.gzip)}, fonts ${bytes(k.fonts!.gzip)})`));
side(`JS the page loaded, gzip`, bytes(loadedSize(bigOut, bigRuns, (f) => f.startsWith("assets/") && f.endsWith(".js")).gzip), kitCell((k) => bytes(k.loadedJs!.gzip)));
side(`data, gzip (${ROWS.toLocaleString("en-US")} rows)`, bytes(bigData.gzip), kitCell((k) => `${bytes(k.data!.gzip)} (the rows file; computed in the page)`));
side(`opens from file://`, bigRuns.every((r) => r.firstChartMs !== null) ? "yes" : "NO", kitCell((k) => (k.fileRun!.firstChartMs !== null ? "yes" : "no: Chromium refuses its module scripts from file:// (CORS, origin null)")));
side(`first chart, file://, median`, ms(bigMedian), kitCell((k) => (k.fileRun!.firstChartMs !== null ? ms(k.fileRun!.firstChartMs) : "—")));
side(`first chart, http://127.0.0.1, median`, ms(median(bigHttpRuns.map((r) => r.firstChartMs ?? Infinity))), kitCell((k) => ms(median(k.httpRuns!.map((r) => r.firstChartMs ?? Infinity)))));
const load1 = loadavg();
out();
out(`machine: ${cpus().length} cores, Node ${process.version}, Chromium ${chromiumVersion} headless; load average ${load0.map((l) => l.toFixed(2)).join(" ")} at the start, ${load1.map((l) => l.toFixed(2)).join(" ")} at the end`);

if (flag("keep")) out(`kept: ${work}`);
else await rm(work, { recursive: true, force: true });
