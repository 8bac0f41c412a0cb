// Opening a built report in headless Chromium and timing its first chart, with every request
// that would leave the machine blocked (and counted).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, CDPSession, Page } from "@playwright/test";

/** In-page times in ms since navigation start (performance.now()), one page load. */
export interface PageTimes {
  /** Wall time in this process from `page.goto` to Playwright seeing the chart's svg visible. */
  readonly wallMs: number;
  /** performance.now() when the first chart's svg was first in the page with a non-empty box: the figure the goal is about. */
  readonly firstChartMs: number | null;
  /** Named in-page moments (see INSTRUMENT), ms since navigation start. */
  readonly marks: Record<string, number>;
  /** Requests to http(s)/ws(s) that were blocked (the URLs). */
  readonly blocked: string[];
  /** Console errors and page errors. */
  readonly errors: string[];
  /** The URLs of the scripts, stylesheets and other files the page requested (resource timing; file:// loads are not listed there, see `loadedFiles`). */
  readonly loaded: string[];
}

/**
 * Runs in the page before any of its scripts: records when the snapshot global is assigned
 * (the data script parsed its JSON), when the report script has run its module code (it sets
 * `__weftImport` first thing), when the report's view is attached, when the first chart's svg
 * has a box, the next frame after that, and when the first vary reads "done".
 */
const INSTRUMENT = (selector: string) => {
  const marks: Record<string, number> = {};
  (window as unknown as { __benchMarks: Record<string, number> }).__benchMarks = marks;
  const mark = (name: string) => {
    if (!(name in marks)) marks[name] = performance.now();
  };
  const hook = (name: string, label: string) => {
    let value: unknown;
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (v) => {
        mark(label);
        value = v;
      },
    });
  };
  hook("__weftReport", "data script ran (snapshot parsed)");
  hook("__weftImport", "report script ran (modules evaluated)");
  hook("__weftReportAssets", "head script ran (after the stylesheet)");
  let chart = false;
  const check = () => {
    if (!("view attached" in marks) && document.querySelector("weft-report")) mark("view attached");
    if (!chart) {
      const svg = document.querySelector(selector);
      const box = svg?.getBoundingClientRect();
      if (box && box.width > 0 && box.height > 0) {
        chart = true;
        mark("first chart svg visible");
        requestAnimationFrame(() => mark("next frame after the chart"));
      }
    }
    if (!("vary done" in marks) && document.querySelector('[data-testid="vary-phase"]')?.textContent?.trim() === "done") mark("vary done");
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  document.addEventListener("DOMContentLoaded", () => mark("DOMContentLoaded"));
  addEventListener("load", () => mark("load"));
};

/**
 * Opens `url` in a fresh context (no cache shared with earlier loads), blocks every request to
 * http(s) and ws(s) except to `allowOrigin` (a loopback server), and waits up to `timeoutMs` for
 * the first chart's svg (`selector`) to be visible.
 */
export async function timeFirstChart(browser: Browser, url: string, options: { selector: string; timeoutMs: number; allowOrigin?: string; profile?: boolean }): Promise<PageTimes & { profile?: ProfileSummary }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  try {
    const blocked = await blockOutside(context, options.allowOrigin);
    // tsx compiles these functions with esbuild's keepNames, which wraps inner functions in
    // `__name(fn, "name")`: the page needs that helper before their source runs there.
    await context.addInitScript({ content: "globalThis.__name ??= (fn) => fn;" });
    await context.addInitScript(INSTRUMENT, options.selector);
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    let cdp: CDPSession | null = null;
    if (options.profile) {
      cdp = await context.newCDPSession(page);
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
      await cdp.send("Profiler.start");
    }
    const t0 = performance.now();
    let wallMs = NaN;
    try {
      await page.goto(url, { waitUntil: "commit", timeout: options.timeoutMs });
      await page.locator(options.selector).first().waitFor({ state: "visible", timeout: options.timeoutMs });
      wallMs = performance.now() - t0;
    } catch (error) {
      errors.push(`no chart within ${options.timeoutMs} ms: ${(error as Error).message.split("\n")[0]}`);
    }
    // Let the next frame (and the vary's last state) land before reading the marks.
    await page.waitForTimeout(300);
    let profile: ProfileSummary | undefined;
    if (cdp) {
      const { profile: p } = (await cdp.send("Profiler.stop")) as { profile: CpuProfile };
      const until = (await page.evaluate(() => (window as unknown as { __benchMarks: Record<string, number> }).__benchMarks["first chart svg visible"] ?? Infinity)) as number;
      profile = summarize(p, until, (u) => {
        try {
          return u.startsWith("file:") ? readFileSync(fileURLToPath(u), "utf8") : undefined;
        } catch {
          return undefined;
        }
      });
    }
    const marks = await marksOf(page);
    const loaded = await page.evaluate(() => [
      ...performance.getEntriesByType("resource").map((r) => r.name),
      ...[...document.querySelectorAll<HTMLScriptElement | HTMLLinkElement>("script[src], link[rel=stylesheet][href], link[rel=modulepreload][href]")].map((e) => ("src" in e ? e.src : e.href)),
    ]);
    return { wallMs, firstChartMs: marks["first chart svg visible"] ?? null, marks, blocked, errors, loaded: [...new Set(loaded)], ...(profile ? { profile } : {}) };
  } finally {
    await context.close();
  }
}

/** The marks, with the resource timings of the page's scripts and of the document. */
async function marksOf(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = { ...((window as unknown as { __benchMarks?: Record<string, number> }).__benchMarks ?? {}) };
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    if (nav) out["document received (responseEnd)"] = nav.responseEnd;
    for (const p of performance.getEntriesByType("paint")) out[p.name] = p.startTime;
    for (const r of performance.getEntriesByType("resource") as PerformanceResourceTiming[]) {
      const file = r.name.split("/").pop()!.replace(/-[0-9a-f]{8,}(?=\.)/, "-…");
      if (/\.js$/.test(r.name)) out[`${file} received (responseEnd)`] = r.responseEnd;
    }
    return out;
  });
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Time per function up to the first chart, from a sampled CPU profile: self time, and total time (with its callees). */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly byFile: [string, number][];
  readonly self: [string, number][];
  readonly total: [string, number][];
}

/**
 * Sums a sampled profile's samples up to `untilMs` (sample times count from the profile's start,
 * a little before navigation). Functions of the report's minified script are named by a few
 * characters of their source (`sourceOf` gives a script's text), so a reader can find them.
 */
function summarize(profile: CpuProfile, untilMs: number, sourceOf: (url: string) => string | undefined): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const lines = new Map<string, string[]>();
  const label = (id: number): string => {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
    if (!url) return functionName || "(anonymous)";
    const file = url.split("/").pop()!.replace(/-[0-9a-f]{8,}(?=\.)/, "-…");
    if (!lines.has(url)) lines.set(url, sourceOf(url)?.split("\n") ?? []);
    const text = lines.get(url)![lineNumber]?.slice(columnNumber, columnNumber + 70).replace(/\s+/g, " ");
    return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}:${columnNumber + 1}${text ? ` «${text}»` : ""}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let t = 0;
  let sum = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    if (t > untilMs + 50) break;
    const id = profile.samples[i]!;
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    const key = label(id);
    self.set(key, (self.get(key) ?? 0) + dt);
    const file = url ? url.split("/").pop()!.replace(/-[0-9a-f]{8,}(?=\.)/, "-…") : functionName || "(anonymous)";
    files.set(file, (files.get(file) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = label(at);
      if (k === "(root)" || seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
    sum += dt;
  }
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  return { totalMs: sum, byFile: top(files, 8), self: top(self, 15), total: top(total, 40) };
}

/** Aborts every http(s) and ws(s) request of `context` except to `allowOrigin`; resolves with the list the blocked URLs are added to. */
export async function blockOutside(context: BrowserContext, allowOrigin?: string): Promise<string[]> {
  const blocked: string[] = [];
  await context.route(/^(https?|wss?):/, (route) => {
    const u = route.request().url();
    if (allowOrigin && u.startsWith(allowOrigin)) return route.continue();
    blocked.push(u);
    return route.abort();
  });
  return blocked;
}
