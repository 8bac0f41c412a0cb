// bench/edit-loop: the edit loop of an evaluation in the real editor. A fully cached
// evaluation of 1,000 rows × 2 ops × 5 trials (10,000 leaves) with 3 scorers is open in
// headless Chromium; we edit one scorer and time the keypress to the moment the plot shows
// the new means, and count the calls re-run (must be exactly the 10,000 calls of the edited
// scorer and no op call). Then the same for a summary-only edit (0 calls): the evaluate
// cell's `summary` option, and the cell showing the summary. Each edit 3 times: median, range.
// The scorer's own compute (10,000 calls of its body in the page) is timed apart, so the
// report reads "X ms = engine + Y ms scorer compute". A last check opens the notebook with a
// cacheable summary cell and tells whether a summary-only edit reaches it (the timed notebook's
// summary cell is `nocache`, see notebook.ts). promptfoo runs the same 10,000 outputs with 3
// assertions from its provider cache, before and after an assertion change (promptfoo.ts).
//
// Run: npm run bench:edit-loop   (not a timed test). Env: REPEAT=3 PROFILE=1 (a CPU profile of
// one edit of each kind, top functions by self time) ONLY=weft|promptfoo DEV=1 (Vite's dev server
// instead of the production build `weft serve` uses).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createNetServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { chromium, type CDPSession, type Page } from "playwright-core";
import { createServer, preview } from "vite";
import { editorBuild } from "../../src/cli/editor-build.ts";
import { chromiumArgs, chromiumPath } from "../../tests/chromium.ts";
import { evaluateSource, expectedMeans, notebookText, opSources, ratioSource, ROWS, rowSource, s2Cell, TRIALS } from "./notebook.ts";
import { runPromptfoo, type PromptfooFigures } from "./promptfoo.ts";

const root = path.resolve(import.meta.dirname, "../..");
const repeat = Number(process.env.REPEAT ?? 3);
const profile = process.env.PROFILE === "1";
const dev = process.env.DEV === "1";
const only = process.env.ONLY;
const LEAVES = ROWS * 2 * TRIALS;

/** One timed edit: keypress → DOM shows the new values, and → the next frame after that. */
interface Timed {
  domMs: number;
  frameMs: number;
  /** Keypress → the vary done and no cell queued or running. */
  settledMs: number;
  /** Cell status and vary phase changes after the keypress, ms. */
  timeline: [number, string][];
  /** Elements in the document when the new values showed. */
  nodes: number;
  counts: string;
  cellMs: Record<string, string>;
}

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

// ---------------------------------------------------------------------------------------
// In the page: a waiter started before the keypress. A capture listener stamps the
// Control+Enter keydown; a MutationObserver stamps the first DOM state that passes `check`,
// and a requestAnimationFrame after it stamps the frame that paints it.

type Check = { kind: "plot"; means: number[] } | { kind: "th"; cell: string; text: string };

/** What the page reports of one edit: keydown, DOM shows the new values, the frame after; and a timeline of cell and vary states. */
interface EditTimes {
  t0: number;
  tDom: number;
  tFrame: number;
  /** When the vary was done and no cell queued or running (ms after the keypress). */
  tSettled: number;
  timeline: [number, string][];
  nodes: number;
}

async function arm(page: Page, check: Check): Promise<void> {
  await page.evaluate((check) => {
    const w = window as unknown as { __edit: Promise<EditTimes>; __okNow: () => boolean };
    // Cells are found once: <weft-cell> elements stay while their cell exists, and the DOM
    // holds the vary view's result tree (hundreds of thousands of nodes), so a walk of the
    // whole document on every mutation would slow down what we measure.
    const cells = [...document.querySelectorAll("weft-cell")];
    const cellWith = (text: string) => cells.find((c) => c.querySelector(".cm-content, .cm-loading")?.textContent?.includes(text))!;
    const target = cellWith(check.kind === "plot" ? "chart: bars" : check.cell);
    const ok = (): boolean => {
      if (check.kind === "plot") {
        // The chart has no per-bar text (its tips appear on hover), so read the bar heights
        // back through the figure's y scale: each bar runs from 0 to its group's mean.
        const figure = target.querySelector(".weft-chart") as (Element & { scale?: (name: string) => { domain: number[]; range: number[] } }) | null;
        const bars = [...(figure?.querySelectorAll("rect[data-drill]") ?? [])];
        if (!figure?.scale || bars.length !== check.means.length) return false;
        const { domain: [d0, d1], range: [r0, r1] } = figure.scale("y");
        const means = bars.map((b) => d0! + ((d1! - d0!) * (Number(b.getAttribute("y")) - r0!)) / (r1! - r0!));
        return check.means.every((m, i) => Math.abs(means[i]! - m) < 1e-6);
      }
      return [...target.querySelectorAll(".cell-output th")].some((th) => th.textContent === check.text);
    };
    w.__okNow = ok;
    // The timeline: every change of a cell's status and of the vary's phase after the keypress.
    const label = (c: Element): string => c.querySelector(".cm-content, .cm-loading")?.textContent?.match(/const (\w+) =/)?.[1] ?? (c.querySelector(".cm-content, .cm-loading")?.textContent?.includes("chart:") ? "plot" : "md");
    const timeline: [number, string][] = [];
    const last = new Map<Element, string | null>();
    const vary = () => cellWith("= evaluate(").querySelector('[data-testid="vary"]')?.getAttribute("data-phase");
    const isSettled = () => vary() === "done" && cells.every((c) => !["queued", "running"].includes(c.getAttribute("data-status") ?? ""));
    let tSettled = NaN;
    const states = new MutationObserver((records) => {
      if (Number.isNaN(t0)) return;
      const now = performance.now() - t0;
      for (const r of records) {
        const el = r.target as Element;
        const value = el.getAttribute(r.attributeName!);
        // The editor re-sets every cell's data-status on each render; only changes count.
        if (last.get(el) === value) continue;
        last.set(el, value);
        if (r.attributeName === "data-phase") timeline.push([now, `vary ${value}`]);
        else if (el.localName === "weft-cell") timeline.push([now, `${label(el)} ${value}`]);
      }
      const settledNow = isSettled();
      if (settledNow && Number.isNaN(tSettled)) tSettled = now;
      if (!settledNow) tSettled = NaN;
    });
    for (const c of cells) last.set(c, c.getAttribute("data-status"));
    states.observe(document.querySelector("main.cells") ?? document.body, { subtree: true, attributes: true, attributeFilter: ["data-phase", "data-status"] });
    let t0 = NaN;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter" && e.ctrlKey && Number.isNaN(t0)) t0 = performance.now();
    };
    addEventListener("keydown", onKey, { capture: true });
    w.__edit = new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(check)}`)), 120_000);
      const observer = new MutationObserver(() => {
        if (Number.isNaN(t0) || !ok()) return;
        const tDom = performance.now();
        observer.disconnect();
        clearTimeout(timeout);
        removeEventListener("keydown", onKey, { capture: true });
        requestAnimationFrame(() => {
          const tFrame = performance.now();
          // Keep recording state changes until the notebook settles.
          const done = () => {
            if (Number.isNaN(tSettled) || performance.now() - t0 - tSettled < 300) return void setTimeout(done, 100);
            states.disconnect();
            resolve({ t0, tDom, tFrame, tSettled, timeline, nodes: document.getElementsByTagName("*").length });
          };
          done();
        });
      });
      observer.observe(target, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  }, check);
}

async function editCell(page: Page, contains: string, text: string): Promise<void> {
  // Until CodeMirror has loaded (after the cells first settle), a cell shows its text read-only
  // (.cm-loading); a click loads the editor at once.
  const cell = page.locator("weft-cell").filter({ has: page.locator(".cm-content, .cm-loading", { hasText: contains }) });
  await cell.locator(".cm-content, .cm-loading").first().click();
  await cell.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  await page.keyboard.press("Control+Enter");
}

/** Waits for the vary to be done and no cell queued or running (reads attributes of the cells, no document-wide query). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const cells = [...(document.querySelector("main.cells")?.children ?? [])].filter((c) => c.localName === "weft-cell");
      if (!cells.length || cells.some((c) => ["queued", "running"].includes(c.getAttribute("data-status") ?? ""))) return false;
      return cells.some((c) => c.querySelector('[data-testid="vary"]')?.getAttribute("data-phase") === "done");
    },
    null,
    { timeout: 300_000, polling: 100 },
  );
}

async function counts(page: Page): Promise<string> {
  return ((await page.locator('[data-testid="vary-counts"]').first().textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Each cell's last run time as the editor shows it, by a short label. */
async function cellTimes(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const c of document.querySelectorAll("weft-cell")) {
      const src = c.querySelector(".cm-content, .cm-loading")?.textContent ?? "";
      const label = src.match(/const (\w+) =/)?.[1] ?? (src.includes("chart:") ? "plot" : "?");
      out[label] = `${c.querySelector('[data-testid="ms"]')?.textContent ?? "—"} (runs ${(c.querySelector('[data-testid="runs"]')?.textContent ?? "").replace(/\D+/g, "")})`;
    }
    return out;
  });
}

async function timedEdit(page: Page, check: Check, contains: string, text: string): Promise<Timed> {
  await arm(page, check);
  await editCell(page, contains, text);
  const t = await page.evaluate(() => (window as unknown as { __edit: Promise<EditTimes> }).__edit);
  await settled(page);
  return { domMs: t.tDom - t.t0, frameMs: t.tFrame - t.t0, settledMs: t.tSettled, timeline: t.timeline, nodes: t.nodes, counts: await counts(page), cellMs: await cellTimes(page) };
}

// ---------------------------------------------------------------------------------------
// CPU profile of one edit (PROFILE=1): self time by function, and by source file.

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }

async function profiled<T>(cdp: CDPSession, run: () => Promise<T>): Promise<{ result: T; report: string }> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  const result = await run();
  const { profile: p } = (await cdp.send("Profiler.stop")) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const ms = self.get(n.id) ?? 0;
    total += ms;
    const file = n.callFrame.url.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "") || `(${n.callFrame.functionName || "native"})`;
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${file}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, ms]) => `    ${ms.toFixed(1).padStart(8)} ms  ${name}`).join("\n");
  return { result, report: `  sampled ${total.toFixed(0)} ms (includes the settle wait after the edit)\n  by file:\n${top(byFile, 12)}\n  by function:\n${top(byFn, 20)}` };
}

// ---------------------------------------------------------------------------------------

interface WeftFigures {
  coldMs: number;
  warmMs: number;
  coldCounts: string;
  warmCounts: string;
  scorer: Timed[];
  scorerComputeMs: number[];
  evaluateSummary: Timed[];
  summaryCell: Timed[];
  profiles: string[];
  /** What a cacheable summary cell shows after summary-only edits. */
  cacheCheck: string[];
}

async function weft(): Promise<WeftFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), "weft-edit-loop-"));
  await writeFile(path.join(dir, "edit-loop.md"), notebookText());
  process.env.WEFT_NOTEBOOKS = dir;
  const port = await freePort();
  // The editor as `weft serve` sends it: its production build, served by Vite's preview server
  // with the same routes; DEV=1 measures Vite's dev server on the sources instead.
  const configFile = path.join(root, "vite.config.ts");
  let server: { close(): Promise<void> };
  if (dev) {
    const devServer = await createServer({ configFile, root, logLevel: "warn", server: { port, strictPort: true } });
    await devServer.listen();
    server = devServer;
  } else {
    const outDir = await editorBuild(root, (text) => void process.stderr.write(text));
    const previewServer = await preview({ configFile, root, logLevel: "warn", build: { outDir }, preview: { host: "127.0.0.1", port, strictPort: true } });
    server = { close: () => new Promise<void>((resolve) => previewServer.httpServer.close(() => resolve())) };
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // tsx compiles this file with esbuild's keepNames, which wraps named functions in the
    // functions we pass to page.evaluate in a `__name(…)` helper the page does not have.
    await page.addInitScript("globalThis.__name = (f) => f");
    let navigations = 0;
    page.on("framenavigated", (f) => {
      if (f !== page.mainFrame()) return;
      navigations++;
      if (process.env.DEBUG) console.error("navigated:", f.url());
    });
    page.on("crash", () => console.error("page crashed"));
    page.on("pageerror", (e) => console.error("page error:", e.message));
    page.on("console", (m) => (m.type() === "error" || process.env.DEBUG) && console.error(`console ${m.type()}:`, m.text()));
    const url = `http://127.0.0.1:${port}/?nb=edit-loop.md`;

    console.error("… cold load (fills the call cache in IndexedDB)");
    let t = performance.now();
    await page.goto(url);
    await settled(page);
    const coldMs = performance.now() - t;
    const coldCounts = await counts(page);
    console.error(`  ${(coldMs / 1000).toFixed(1)} s: ${coldCounts}`);

    console.error("… reload: everything from the cache");
    t = performance.now();
    await page.reload();
    await settled(page);
    const warmMs = performance.now() - t;
    const warmCounts = await counts(page);
    console.error(`  ${(warmMs / 1000).toFixed(1)} s: ${warmCounts}`);
    const navigationsBefore = navigations;
    // A settled page before the first timed edit: fonts, editor and chart all up.
    await page.waitForTimeout(500);
    // Sanity: the bar heights read back through the y scale are the means of s2 as generated.
    const means0 = expectedMeans(0);
    await arm(page, { kind: "plot", means: [means0.a!, means0.b!] });
    if (!(await page.evaluate(() => (window as unknown as { __okNow: () => boolean }).__okNow()))) throw new Error("the plot does not show the expected means of s2 before any edit");

    const scorer: Timed[] = [];
    const evaluateSummary: Timed[] = [];
    const summaryCell: Timed[] = [];
    const profiles: string[] = [];
    const cdp = profile ? await page.context().newCDPSession(page) : null;
    let k = 0;
    let mark = 0;
    const scorerEdit = async () => {
      k++;
      const means = expectedMeans(k);
      return timedEdit(page, { kind: "plot", means: [means.a!, means.b!] }, 'op("length-ratio"', s2Cell(k));
    };
    const summaryEdit = async () => {
      mark++;
      return timedEdit(page, { kind: "th", cell: "const summary", text: `m${mark}` }, "const results = evaluate(", evaluateSource(`m${mark}`));
    };
    const summaryCellEdit = async () => {
      mark++;
      return timedEdit(page, { kind: "th", cell: "const summary", text: `n${mark}` }, "const summary", `const summary = results.summary().rename({n: "n${mark}"})`);
    };
    for (let i = 0; i < repeat; i++) {
      console.error(`… scorer edit ${i + 1}/${repeat}`);
      scorer.push(await scorerEdit());
      console.error(`  ${scorer.at(-1)!.domMs.toFixed(0)} ms: ${scorer.at(-1)!.counts}`);
      await page.waitForTimeout(300);
    }
    for (let i = 0; i < repeat; i++) {
      console.error(`… summary edit (evaluate cell) ${i + 1}/${repeat}`);
      evaluateSummary.push(await summaryEdit());
      console.error(`  ${evaluateSummary.at(-1)!.domMs.toFixed(0)} ms: ${evaluateSummary.at(-1)!.counts}`);
      await page.waitForTimeout(300);
    }
    for (let i = 0; i < repeat; i++) {
      console.error(`… summary edit (summary cell) ${i + 1}/${repeat}`);
      summaryCell.push(await summaryCellEdit());
      console.error(`  ${summaryCell.at(-1)!.domMs.toFixed(0)} ms: ${summaryCell.at(-1)!.counts}`);
      await page.waitForTimeout(300);
    }
    if (cdp) {
      for (const [label, edit] of [["scorer edit", scorerEdit], ["summary edit (evaluate cell)", summaryEdit], ["summary edit (summary cell)", summaryCellEdit]] as const) {
        console.error(`… profiling a ${label}`);
        const { result, report } = await profiled(cdp, edit);
        profiles.push(`${label}: ${result.domMs.toFixed(0)} ms to the DOM (profiled, slower than unprofiled)\n${report}`);
        await page.waitForTimeout(300);
      }
    }

    // A reload in the middle (e.g. Vite re-optimizing dependencies) would make the figures meaningless.
    if (navigations !== navigationsBefore) throw new Error("the page reloaded during the timed edits; run the bench again");

    // The scorer's own compute: 10,000 calls of its body on the same inputs, in the page.
    const scorerComputeMs = await page.evaluate(({ rowSource, opSources, scorer, trials, rows }) => {
      const make = (src: string) => new Function(`return (${src})`)() as (...args: unknown[]) => unknown;
      const row = make(rowSource) as (_: unknown, i: number) => Record<string, unknown>;
      const score = make(scorer) as (input: Record<string, unknown>) => number;
      const inputs: Record<string, unknown>[] = [];
      for (const src of Object.values(opSources)) {
        const f = make(src) as (r: Record<string, unknown>) => string;
        for (let i = 0; i < rows; i++) {
          const r = row(undefined, i);
          for (let t = 0; t < trials; t++) inputs.push({ ...r, output: f(r) });
        }
      }
      const times: number[] = [];
      let sink = 0;
      for (let rep = 0; rep < 3; rep++) {
        const t0 = performance.now();
        for (const input of inputs) sink += score(input);
        times.push(performance.now() - t0);
      }
      (globalThis as { __sink?: number }).__sink = sink;
      return times;
    }, { rowSource, opSources, scorer: ratioSource(99), trials: TRIALS, rows: ROWS });

    // The cell-cache check: the same notebook with a cacheable summary cell. After an edit of
    // evaluate's `summary` (and nothing else), does that cell show the new summary?
    console.error("… cell-cache check: a summary cell without nocache, after summary-only edits");
    await writeFile(path.join(dir, "edit-loop-cached.md"), notebookText({ cachedSummary: true }));
    await page.goto(url.replace("edit-loop.md", "edit-loop-cached.md"));
    await settled(page);
    const summaryColumns = () => page.evaluate(() => {
      const c = [...(document.querySelector("main.cells")?.children ?? [])].find((c) => c.querySelector(".cm-content, .cm-loading")?.textContent?.includes("const summary"))!;
      return `${[...c.querySelectorAll(".cell-output th")].map((th) => th.textContent).join(",")} (${c.getAttribute("data-status")})`;
    });
    const cacheCheck: string[] = [`before: ${await summaryColumns()}`];
    for (const m of ["c1", "c2"]) {
      await editCell(page, "const results = evaluate(", evaluateSource(m));
      await page.waitForTimeout(300);
      await settled(page);
      await page.waitForTimeout(1000);
      cacheCheck.push(`edited to ${m}: ${await summaryColumns()}`);
    }

    return { coldMs, warmMs, coldCounts, warmCounts, scorer, scorerComputeMs, evaluateSummary, summaryCell, profiles, cacheCheck };
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// The run and the report.

const load0 = loadavg()[0]!;
const started = performance.now();
const w = only === "promptfoo" ? null : await weft();
const p: PromptfooFigures | null = only === "weft" ? null : await runPromptfoo();
const load1 = loadavg()[0]!;

const lines: string[] = [];
const out = (l = "") => lines.push(l);
out(`bench/edit-loop: ${ROWS} rows × 2 ops × ${TRIALS} trials = ${LEAVES} leaves, 3 scorers; ${repeat} edits of each kind`);
out(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; 1-min load ${load0.toFixed(2)} before, ${load1.toFixed(2)} after; ${new Date().toISOString().slice(0, 10)}`);
if (w) {
  const scorerOk = w.scorer.every((t) => t.counts.includes(` 0 op calls · ${LEAVES} scorer calls (${2 * LEAVES} cached)`));
  const summaryOk = [...w.evaluateSummary, ...w.summaryCell].every((t) => t.counts.includes(" 0 op calls · 0 scorer calls"));
  const compute = median(w.scorerComputeMs);
  const scorerMs = w.scorer.map((t) => t.domMs);
  const sumMs = w.evaluateSummary.map((t) => t.domMs);
  const cellMs = w.summaryCell.map((t) => t.domMs);
  out();
  out("Weft, in the editor (headless Chromium, call cache in IndexedDB)");
  out(`  cold load (fills the cache)        ${(w.coldMs / 1000).toFixed(1)} s   ${w.coldCounts}`);
  out(`  reload, all cached                 ${(w.warmMs / 1000).toFixed(1)} s   ${w.warmCounts}`);
  out(`  scorer edit → plot shows new means ${fmt(scorerMs)}; +frame ${fmt(w.scorer.map((t) => t.frameMs))}; settled ${fmt(w.scorer.map((t) => t.settledMs))}`);
  out(`    = engine ${(median(scorerMs) - compute).toFixed(0)} ms + scorer compute ${compute.toFixed(1)} ms (10,000 calls of its body; runs ${w.scorerComputeMs.map((x) => x.toFixed(1)).join(", ")} ms)`);
  out(`    calls re-run: ${w.scorer.map((t) => t.counts.match(/(\d+) op calls · (\d+) scorer calls \((\d+) cached\)/)!.slice(1).join("/")).join(", ")} (op/scorer/scorer cached) — ${scorerOk ? "ok: 0 op calls, 10,000 calls of the edited scorer, the other 20,000 cached" : "WRONG"}`);
  out(`  summary edit (evaluate's summary)  ${fmt(sumMs)}; +frame ${fmt(w.evaluateSummary.map((t) => t.frameMs))}; settled ${fmt(w.evaluateSummary.map((t) => t.settledMs))}`);
  out(`  summary edit (the summary cell)    ${fmt(cellMs)}; +frame ${fmt(w.summaryCell.map((t) => t.frameMs))}; settled ${fmt(w.summaryCell.map((t) => t.settledMs))}`);
  out(`    calls re-run: ${[...w.evaluateSummary, ...w.summaryCell].map((t) => t.counts.match(/(\d+) op calls · (\d+) scorer calls/)!.slice(1).join("/")).join(", ")} (op/scorer) — ${summaryOk ? "ok: 0 calls" : "WRONG"}`);
  const medianRun = (ts: Timed[]) => [...ts].sort((a, b) => a.domMs - b.domMs)[Math.floor(ts.length / 2)]!;
  const pick = (cellMs: Record<string, string>) => ["s2", "results", "summary", "plot"].map((k) => `${k} ${cellMs[k]}`).join(" · ");
  out(`  where the time goes, median edit of each kind: cell status / vary phase changes, ms after the keypress;`);
  out(`  the cells' own run times as the editor shows them (last run); elements in the document`);
  for (const [name, ts] of [["scorer edit", w.scorer], ["summary edit (evaluate)", w.evaluateSummary], ["summary edit (cell)", w.summaryCell]] as const) {
    const m = medianRun(ts);
    out(`    ${name}: ${m.timeline.map(([t, e]) => `${t.toFixed(0)} ${e}`).join(" · ")} · ${m.domMs.toFixed(0)} new values in the DOM`);
    out(`      cells: ${pick(m.cellMs)}; ${m.nodes.toLocaleString("en-US")} elements`);
  }
  out();
  out("targets:");
  const scorerTarget = 1000 + compute;
  out(`  scorer edit ≤ 1 s + scorer compute (${scorerTarget.toFixed(0)} ms): ${median(scorerMs) <= scorerTarget ? "met" : "MISSED"} (median ${median(scorerMs).toFixed(0)} ms, worst ${Math.max(...scorerMs).toFixed(0)} ms)`);
  out(`  summary edit ≤ 250 ms: evaluate's summary option ${median(sumMs) <= 250 ? "met" : "MISSED"} (median ${median(sumMs).toFixed(0)} ms); summary cell ${median(cellMs) <= 250 ? "met" : "MISSED"} (median ${median(cellMs).toFixed(0)} ms)`);
  out(`  calls: scorer edit ${scorerOk ? "met" : "MISSED"}; summary edits ${summaryOk ? "met" : "MISSED"}`);
  const stale = w.cacheCheck.slice(1).filter((c, i) => !c.startsWith(`edited to c${i + 1}: op,n,c${i + 1} `)).length;
  out(`  summary cell without nocache after evaluate-summary edits: ${w.cacheCheck.join("; ")}`);
  out(`  summary-only edit shows the new summary in a cacheable cell: ${stale ? `MISSED (stale in ${stale} of ${w.cacheCheck.length - 1})` : "met"}`);
  for (const prof of w.profiles) {
    out();
    out(prof);
  }
}
if (p) {
  out();
  out(p.report);
}
out();
out(`whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(lines.join("\n"));
