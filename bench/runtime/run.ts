// bench/runtime: 1,000- and 20,000-cell notebooks (chain, fan-out, random DAG) in Node, and
// 1,000-cell ones in headless Chromium. Prints cold load; leaf edits (the last cell, value
// unchanged): cells re-run (must be 1), edit latency (mean, median, max) and the runtime's
// overhead per edit over a bare frame wait, raw (negative when the frame wait measured longer:
// noise, not clamped); mid-graph edits (the middle cell, a new value each time): cells re-run
// against the cells downstream of it, and their latency; and warm load from the cell cache.
// The 20,000-cell case shows whether the runtime stays linear in the cells.
// Run: npm run bench   (not a timed test)
//   CELLS=1000,20000     notebook sizes in Node (comma-separated)
//   BROWSER_CELLS=1000   notebook sizes in Chromium; 0 skips Chromium
//   EDITS=50 MID_EDITS=5 leaf and mid-graph edits per shape
//   PROFILE=DIR          saves each Chromium warm load's CPU profile in DIR
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { createServer } from "vite";
import { cellCache, openLmdbStore } from "../../src/store/node.ts";
import type { KvStore } from "../../src/store/index.ts";
import { chromiumArgs, chromiumPath } from "../../tests/chromium.ts";
import { measure, table, type Shape, type ShapeResult } from "./core.ts";

const sizes = (value: string) => value.split(",").map(Number).filter((n) => n > 0);
const nodeSizes = sizes(process.env.CELLS ?? "1000,20000");
const browserSizes = sizes(process.env.BROWSER_CELLS ?? "1000");
const root = path.resolve(import.meta.dirname, "../..");
const edits = Number(process.env.EDITS ?? 50);
const midEdits = Number(process.env.MID_EDITS ?? 5);
const profileDir = process.env.PROFILE;

async function node(n: number): Promise<ShapeResult[]> {
  const results: ShapeResult[] = [];
  for (const shape of ["chain", "fanout", "dag"] as Shape[]) {
    const dir = await mkdtemp(path.join(tmpdir(), "weft-bench-"));
    let store: KvStore | null = null;
    results.push(
      await measure(shape, n, {
        now: () => performance.now(),
        frame: () => new Promise<void>((r) => setImmediate(r)),
        edits,
        midEdits,
        cache: async () => {
          await store?.close();
          store = await openLmdbStore(dir);
          return cellCache(store);
        },
      }),
    );
    await (store as KvStore | null)?.close();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

async function browser(n: number): Promise<ShapeResult[]> {
  const server = await createServer({ configFile: path.join(root, "vite.config.ts"), root, logLevel: "warn", server: { port: 5191, strictPort: true } });
  await server.listen();
  const b = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await b.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    // PROFILE=DIR: each warm load's CPU profile, as DIR/chromium-<n>-warm-<shape>.cpuprofile (open it in DevTools).
    const profiles: Promise<void>[] = [];
    if (profileDir) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
      await mkdir(profileDir, { recursive: true });
      cdp.on("Profiler.consoleProfileFinished", ({ title, profile }) => {
        const file = path.join(profileDir, `chromium-${n}-${String(title).replace(/\s+/g, "-")}.cpuprofile`);
        profiles.push(writeFile(file, JSON.stringify(profile)).then(() => console.error(`CPU profile: ${file}`)));
      });
    }
    await page.goto(`http://127.0.0.1:5191/bench/runtime/index.html?n=${n}&edits=${edits}&mid=${midEdits}${profileDir ? "&profile" : ""}`);
    await page.waitForFunction(() => (window as unknown as { benchResult?: unknown }).benchResult, null, { timeout: 300_000, polling: 500 });
    await Promise.all(profiles);
    return (await page.evaluate(() => (window as unknown as { benchResult: ShapeResult[] }).benchResult));
  } finally {
    await b.close();
    await server.close();
  }
}

for (const n of nodeSizes) console.log(table("node", await node(n)));
for (const n of browserSizes) console.log(table("chromium", await browser(n)));
console.log(`\nleaf re-run: most cells one leaf edit re-ran / expected (1); edit ms, median, max: wall time from a leaf edit to a settled notebook`);
console.log(`(${edits} edits); frame ms: a bare wait for the runtime's scheduler (setImmediate in Node, requestAnimationFrame in Chromium);`);
console.log(`overhead = edit − frame, raw (may be negative: noise). mid: ${midEdits} edits of the middle cell that change its value; re-run / expected`);
console.log(`(the cell and everything downstream), mean and max ms. Target: overhead ≤ 5 ms, leaf re-run = 1, mid re-run = expected.`);
